/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Reconfiguring a live CassSsl: setters (trust, CRLs, system trust, client pair, pins) called
 * while other threads handshake on the same object, and what each session verifies against
 * (the configuration in force when it was created). Real handshakes with an in-process GnuTLS
 * server; meant to run clean under ThreadSanitizer. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "session_util.h"

#define THREADS 8
#define HANDSHAKES 60
#define MAX_SETTER_CALLS 600
#define STEPS 11 /* the setter's cycle */ /* bounds the work whatever the machine's speed */

#define POOL 24

static struct tpki ca, other_ca, server, client_a, client_b;
/* Distinct CAs and CRLs of ca (the server's issuer): every add really changes the trust
 * list, the CRLs where the server's chain is looked up. */
static struct tpki pool[POOL];
static char *crls[POOL];
static char *crl_pem;   /* signed by ca, revokes nothing in use */
static char *server_pin; /* the server key's pin */
static char *other_pin;  /* a pin of another key */

/* "sha256//<base64 of the SHA-256 of the SubjectPublicKeyInfo>" of a certificate's key. */
static char *pin_of(const struct tpki *p)
{
  gnutls_pubkey_t pub;
  gnutls_datum_t spki = { NULL, 0 }, b64 = { NULL, 0 };
  unsigned char hash[32];
  assert_int_equal(gnutls_pubkey_init(&pub), 0);
  assert_int_equal(gnutls_pubkey_import_x509(pub, p->crt, 0), 0);
  assert_int_equal(gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki), 0);
  assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, hash), 0);
  gnutls_datum_t raw = { hash, sizeof hash };
  assert_int_equal(gnutls_base64_encode2(&raw, &b64), 0);
  char *pin = malloc(strlen("sha256//") + b64.size + 1);
  assert_non_null(pin);
  sprintf(pin, "sha256//%.*s", (int)b64.size, (const char *)b64.data);
  gnutls_free(spki.data);
  gnutls_free(b64.data);
  gnutls_pubkey_deinit(pub);
  return pin;
}

static char *make_crl(const struct tpki *issuer, unsigned char serial)
{
  gnutls_x509_crl_t crl;
  gnutls_datum_t out;
  time_t now = time(NULL);
  assert_int_equal(gnutls_x509_crl_init(&crl), 0);
  assert_int_equal(gnutls_x509_crl_set_version(crl, 2), 0);
  assert_int_equal(gnutls_x509_crl_set_this_update(crl, now - 60), 0);
  assert_int_equal(gnutls_x509_crl_set_next_update(crl, now + 86400), 0);
  assert_int_equal(gnutls_x509_crl_set_crt_serial(crl, (unsigned char[]){ 0x7f, 0x01, serial }, 3, now - 30), 0);
  assert_int_equal(gnutls_x509_crl_sign2(crl, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0), 0);
  assert_int_equal(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &out), 0);
  char *pem = strndup((const char *)out.data, out.size);
  assert_non_null(pem);
  gnutls_free(out.data);
  gnutls_x509_crl_deinit(crl);
  return pem;
}

/* ---- setters racing handshakes ------------------------------------------------------- */

struct worker {
  pthread_t tid;
  int index;
  CassSsl *ssl;
  int failures;
  char why[600];
};

static atomic_int workers_left;
static const char bad_pem[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  for (int round = 0; round < HANDSHAKES && !w->failures; round++) {
    bool tls13 = (w->index + round) % 2 == 0;
    struct tpeer peer;
    tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
    cassl_session *cs = NULL;
    CassError rc = cassl_session_new(w->ssl, &peer.peer, &cs);
    if (rc != CASS_OK) {
      w->failures++;
      snprintf(w->why, sizeof w->why, "session_new: %s", cassl_error_name(rc));
      break;
    }
    struct tserver srv;
    tserver_init(&srv, &(struct tserver_opts){
                           .cert = &server,
                           .priority = tls13 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
                                             : "NORMAL:-VERS-ALL:+VERS-TLS1.2",
                           .client_cert = GNUTLS_CERT_REQUIRE,
                           .client_ca = &ca });
    rc = thandshake(cs, &srv, 0);
    cassl_session_info info;
    if (rc == CASS_OK)
      cassl_session_get_info(cs, &info);
    if (rc != CASS_OK || !srv.done) {
      w->failures++;
      snprintf(w->why, sizeof w->why, "handshake %d: %s: %s (server error %d)", round,
               cassl_error_name(rc), cassl_session_error_message(cs), srv.error);
    } else if (!info.client_cert_sent) {
      w->failures++;
      snprintf(w->why, sizeof w->why, "handshake %d: no client certificate sent", round);
    }
    tserver_free(&srv);
    cassl_session_free(cs);
  }
  atomic_fetch_sub(&workers_left, 1);
  return NULL;
}

struct setter {
  CassSsl *ssl;
  int calls;
  int failures;
  char why[600];
};

static void setter_expect(struct setter *s, const char *call, CassError rc, CassError want)
{
  if (rc == want || s->failures)
    return;
  s->failures++;
  snprintf(s->why, sizeof s->why, "%s: %s (expected %s): %s", call, cassl_error_name(rc),
           cassl_error_name(want), cassl_ssl_last_error(s->ssl));
}

/* Every setter in turn, about every 200 µs, until the workers are done. The client pair
 * alternates between two pairs signed by the same CA: the certificate of the other pair is
 * refused (it does not match the key in force) and its key then completes the new pair. */
static void *setter_main(void *arg)
{
  struct setter *s = arg;
  bool system_done = false;
  for (int i = 0; s->calls < MAX_SETTER_CALLS && atomic_load(&workers_left) > 0; i++) {
    const struct tpki *next = (i / STEPS) % 2 ? &client_a : &client_b;
    const struct tpki *trusted = &pool[(i / 2) % POOL];
    const char *crl = crls[(i / 2) % POOL];
    CassError rc;
    switch (i % STEPS) {
    case 0:
    case 7:
    case 9:
      rc = cassl_ssl_add_trusted_cert_n(s->ssl, trusted->cert_pem, strlen(trusted->cert_pem));
      setter_expect(s, "add_trusted_cert_n", rc, CASS_OK);
      break;
    case 1:
    case 8:
    case 10:
      rc = cassl_ssl_add_crl_n(s->ssl, crl, strlen(crl));
      setter_expect(s, "add_crl_n", rc, CASS_OK);
      break;
    case 2: {
      unsigned added = 0;
      /* Every later generation loads the system store again (slow): once, late. */
      if (system_done || atomic_load(&workers_left) > THREADS / 2)
        break;
      system_done = true;
      rc = cassl_ssl_add_system_trust(s->ssl, &added);
      /* A machine without a CA store fails, and changes nothing. */
      setter_expect(s, "add_system_trust", rc, rc == CASS_OK ? CASS_OK : CASS_ERROR_SSL_INVALID_CERT);
      break;
    }
    case 3:
      rc = cassl_ssl_set_cert_n(s->ssl, next->cert_pem, strlen(next->cert_pem));
      setter_expect(s, "set_cert_n", rc, CASS_ERROR_SSL_INVALID_CERT);
      break;
    case 4:
      rc = cassl_ssl_set_private_key_n(s->ssl, next->key_pem, strlen(next->key_pem), NULL, 0);
      setter_expect(s, "set_private_key_n", rc, CASS_OK);
      break;
    case 5:
      rc = cassl_ssl_add_pinned_public_key(s->ssl, server_pin);
      setter_expect(s, "add_pinned_public_key", rc, CASS_OK);
      break;
    case 6:
      /* A failing setter changes nothing. */
      rc = cassl_ssl_add_trusted_cert_n(s->ssl, bad_pem, sizeof bad_pem - 1);
      setter_expect(s, "add_trusted_cert_n (bad)", rc, CASS_ERROR_SSL_INVALID_CERT);
      break;
    }
    s->calls++;
    nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000 }, NULL);
  }
  return NULL;
}

static void test_setters_race_handshakes(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  assert_int_equal(cassl_ssl_set_cert_n(ssl, client_a.cert_pem, strlen(client_a.cert_pem)),
                   CASS_OK);
  assert_int_equal(cassl_ssl_set_private_key_n(ssl, client_a.key_pem, strlen(client_a.key_pem),
                                               NULL, 0), CASS_OK);
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, server_pin), CASS_OK);

  struct worker workers[THREADS];
  struct setter setter = { .ssl = ssl };
  pthread_t setter_tid;
  atomic_store(&workers_left, THREADS);
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (struct worker){ .index = i, .ssl = ssl };
    assert_int_equal(pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]), 0);
  }
  assert_int_equal(pthread_create(&setter_tid, NULL, setter_main, &setter), 0);
  int failures = 0;
  for (int i = 0; i < THREADS; i++) {
    assert_int_equal(pthread_join(workers[i].tid, NULL), 0);
    if (workers[i].failures) {
      print_error("thread %d: %s\n", i, workers[i].why);
      failures += workers[i].failures;
    }
  }
  assert_int_equal(pthread_join(setter_tid, NULL), 0);
  if (setter.failures)
    print_error("setter: %s\n", setter.why);
  cass_ssl_free(ssl);
  assert_int_equal(failures, 0);
  assert_int_equal(setter.failures, 0);
  print_message("%d setter calls\n", setter.calls);
  assert_true(setter.calls > 0);
}

/* ---- each session keeps the configuration it was created with ------------------------- */

static CassError handshake_once(cassl_session *cs, bool *client_cert_sent)
{
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server,
                                             .client_cert = GNUTLS_CERT_REQUEST,
                                             .client_ca = &ca });
  CassError rc = thandshake(cs, &srv, 0);
  if (client_cert_sent) {
    cassl_session_info info = { 0 };
    cassl_session_get_info(cs, &info);
    *client_cert_sent = rc == CASS_OK && info.client_cert_sent;
  }
  tserver_free(&srv);
  return rc;
}

static cassl_session *new_session(CassSsl *ssl)
{
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  return cs;
}

/* A CA added after a session was created is not trusted by it; the next session trusts it. */
static void test_trust_added_later_applies_to_later_sessions(void **state)
{
  CassSsl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session *before = new_session(ssl);
  assert_int_equal(cassl_ssl_add_trusted_cert_n(ssl, ca.cert_pem, strlen(ca.cert_pem)), CASS_OK);
  cassl_session *after = new_session(ssl);
  assert_int_equal(handshake_once(before, NULL), CASS_ERROR_SSL_INVALID_PEER_CERT);
  assert_non_null(strstr(cassl_session_error_message(before), "unknown issuer"));
  assert_int_equal(handshake_once(after, NULL), CASS_OK);
  cassl_session_free(before);
  cassl_session_free(after);
  cass_ssl_free(ssl);
}

/* The same for a pin that the server's key does not match. */
static void test_pin_added_later_applies_to_later_sessions(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session *before = new_session(ssl);
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, other_pin), CASS_OK);
  cassl_session *after = new_session(ssl);
  assert_int_equal(handshake_once(before, NULL), CASS_OK);
  assert_int_equal(handshake_once(after, NULL), CASS_ERROR_SSL_INVALID_PEER_CERT);
  assert_non_null(strstr(cassl_session_error_message(after), "pin mismatch"));
  cassl_session_free(before);
  cassl_session_free(after);
  cass_ssl_free(ssl);
}

/* A client pair set after a session was created is not sent by it. */
static void test_pair_set_later_applies_to_later_sessions(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session *before = new_session(ssl);
  assert_int_equal(cassl_ssl_set_cert_n(ssl, client_a.cert_pem, strlen(client_a.cert_pem)),
                   CASS_OK);
  assert_int_equal(cassl_ssl_set_private_key_n(ssl, client_a.key_pem, strlen(client_a.key_pem),
                                               NULL, 0), CASS_OK);
  cassl_session *after = new_session(ssl);
  bool sent = true;
  assert_int_equal(handshake_once(before, &sent), CASS_OK);
  assert_false(sent);
  assert_int_equal(handshake_once(after, &sent), CASS_OK);
  assert_true(sent);
  cassl_session_free(before);
  cassl_session_free(after);
  cass_ssl_free(ssl);
}

/* A failing setter leaves the configuration as it was: a bad buffer after a good one adds
 * nothing, and the sessions made next verify exactly as before. */
static void test_failed_setter_changes_nothing(void **state)
{
  CassSsl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  size_t len = strlen(ca.cert_pem);
  char *bad = malloc(len + 40);
  assert_non_null(bad);
  /* ca's certificate, then a second one cut short: all or nothing. */
  snprintf(bad, len + 40, "%s-----BEGIN CERTIFICATE-----\nMIIB\n", ca.cert_pem);
  assert_int_equal(cassl_ssl_add_trusted_cert_n(ssl, bad, strlen(bad)),
                   CASS_ERROR_SSL_INVALID_CERT);
  free(bad);
  cassl_session *cs = new_session(ssl);
  assert_int_equal(handshake_once(cs, NULL), CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_session_free(cs);
  cass_ssl_free(ssl);
}

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl reconfigure CA");
  tpki_ca(&other_ca, "cassl reconfigure other CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .dns = { "node1.example" },
                                               .ip = { "127.0.0.1", "::1" } });
  tpki_leaf(&client_a, &ca, &(struct tpki_opts){ .cn = "driver a", .client = true });
  tpki_leaf(&client_b, &ca, &(struct tpki_opts){ .cn = "driver b", .client = true });
  crl_pem = make_crl(&ca, 0);
  for (int i = 0; i < POOL; i++) {
    char cn[64];
    snprintf(cn, sizeof cn, "cassl reconfigure CA %d", i);
    tpki_ca(&pool[i], cn);
    crls[i] = make_crl(&ca, (unsigned char)(i + 1));
  }
  server_pin = pin_of(&server);
  other_pin = pin_of(&other_ca);
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&other_ca);
  tpki_free(&server);
  tpki_free(&client_a);
  tpki_free(&client_b);
  free(crl_pem);
  for (int i = 0; i < POOL; i++) {
    tpki_free(&pool[i]);
    free(crls[i]);
  }
  free(server_pin);
  free(other_pin);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_trust_added_later_applies_to_later_sessions),
    cmocka_unit_test(test_pin_added_later_applies_to_later_sessions),
    cmocka_unit_test(test_pair_set_later_applies_to_later_sessions),
    cmocka_unit_test(test_failed_setter_changes_nothing),
    cmocka_unit_test(test_setters_race_handshakes),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
