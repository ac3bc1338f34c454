/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The GnuTLS credentials through the driver API: trusted certificates, the client chain,
 * every private key format, each bad input with its sentence, and the pairing rule checked
 * by what an in-process GnuTLS server actually receives in the handshake.
 *
 * Fixtures come from tests/fixtures/keys.sh (the guide's keytool/openssl commands). Inputs
 * are passed through the _n calls in malloc'd buffers of exactly their length with no NUL, so
 * ASan catches any read past the length. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem, strndup */
#endif
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtls.h"
#include "ssl_object.h"

#include "cassl/cassl.h"

static char keys_dir[4096];

#define RSA_PASS "secret-pass"
#define STORE_PASS "cassandra"

/* ---- buffers --------------------------------------------------------------------------- */

struct buf {
  char *data; /* exactly len bytes, no terminating NUL */
  size_t len;
};

static struct buf exact(const void *data, size_t len)
{
  struct buf b = { malloc(len ? len : 1), len };
  assert_non_null(b.data);
  memcpy(b.data, data, len);
  return b;
}

static struct buf exact_str(const char *s)
{
  return exact(s, strlen(s));
}

static struct buf load(const char *name)
{
  char path[4352];
  snprintf(path, sizeof path, "%s/%s", keys_dir, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open fixture %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  struct buf b = { malloc(n > 0 ? (size_t)n : 1), (size_t)n };
  assert_non_null(b.data);
  assert_int_equal(fread(b.data, 1, b.len, f), b.len);
  fclose(f);
  return b;
}

static struct buf concat(struct buf a, struct buf b)
{
  struct buf c = { malloc(a.len + b.len + 1), a.len + b.len };
  assert_non_null(c.data);
  memcpy(c.data, a.data, a.len);
  memcpy(c.data + a.len, b.data, b.len);
  return c;
}

static struct buf to_crlf(struct buf in)
{
  size_t lf = 0;
  for (size_t i = 0; i < in.len; i++)
    lf += in.data[i] == '\n';
  struct buf out = { malloc(in.len + lf + 1), 0 };
  assert_non_null(out.data);
  for (size_t i = 0; i < in.len; i++) {
    if (in.data[i] == '\n')
      out.data[out.len++] = '\r';
    out.data[out.len++] = in.data[i];
  }
  return out;
}

static void drop(struct buf *b)
{
  free(b->data);
  b->data = NULL;
}

/* ---- assertions on results ------------------------------------------------------------- */

#define assert_ok(ssl, call)                                                                   \
  do {                                                                                         \
    CassError rc_ = (call);                                                                    \
    if (rc_ != CASS_OK)                                                                        \
      fail_msg("%s: %s (%s)", #call, cassl_error_name(rc_), cassl_ssl_last_error(ssl));        \
    assert_string_equal(cassl_ssl_last_error(ssl), "");                                        \
  } while (0)

/* The call fails with code and a sentence containing what. */
#define assert_fails(ssl, call, code, what)                                                    \
  do {                                                                                         \
    CassError rc_ = (call);                                                                    \
    if (rc_ != (code))                                                                         \
      fail_msg("%s: got %s, wanted %s (%s)", #call, cassl_error_name(rc_),                     \
               cassl_error_name(code), cassl_ssl_last_error(ssl));                             \
    if (!strstr(cassl_ssl_last_error(ssl), (what)))                                            \
      fail_msg("%s: sentence \"%s\" lacks \"%s\"", #call, cassl_ssl_last_error(ssl), (what));  \
  } while (0)

static CassError set_key_file(CassSsl *ssl, const char *name, const char *password)
{
  struct buf key = load(name);
  CassError rc = cass_ssl_set_private_key_n(ssl, key.data, key.len, password,
                                            password ? strlen(password) : 0);
  drop(&key);
  return rc;
}

static CassError set_cert_file(CassSsl *ssl, const char *name)
{
  struct buf cert = load(name);
  CassError rc = cass_ssl_set_cert_n(ssl, cert.data, cert.len);
  drop(&cert);
  return rc;
}

static CassError add_trusted_file(CassSsl *ssl, const char *name)
{
  struct buf cert = load(name);
  CassError rc = cass_ssl_add_trusted_cert_n(ssl, cert.data, cert.len);
  drop(&cert);
  return rc;
}

static unsigned trusted_count(CassSsl *ssl)
{
  /* The published generation: what the next session would trust. */
  struct gtls_gen *gen = gtls_creds_acquire(ssl->creds);
  gnutls_x509_trust_list_t tl;
  gnutls_certificate_get_trust_list(gtls_gen_certificate(gen), &tl);
  gnutls_x509_trust_list_iter_t iter = NULL;
  gnutls_x509_crt_t crt;
  unsigned n = 0;
  while (gnutls_x509_trust_list_iter_get_ca(tl, &iter, &crt) == 0) {
    gnutls_x509_crt_deinit(crt);
    n++;
  }
  gnutls_x509_trust_list_iter_deinit(iter);
  gtls_gen_release(gen);
  return n;
}

/* ---- what a GnuTLS server receives from our credentials --------------------------------- */

struct peer_view {
  int fd;
  const char *priority;
  gnutls_certificate_credentials_t cred;
  int ret;
  unsigned count;      /* certificates the client sent */
  char leaf_cn[256];   /* CN of the first one */
  char second_cn[256]; /* CN of the second one */
};

static void crt_cn(const gnutls_datum_t *der, char *out, size_t cap)
{
  gnutls_x509_crt_t crt;
  out[0] = '\0';
  gnutls_x509_crt_init(&crt);
  if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) == 0)
    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out, &cap);
  gnutls_x509_crt_deinit(crt);
}

static void *server_main(void *arg)
{
  struct peer_view *v = arg;
  gnutls_session_t s;
  gnutls_init(&s, GNUTLS_SERVER);
  gnutls_priority_set_direct(s, v->priority, NULL);
  gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, v->cred);
  gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
  gnutls_transport_set_int(s, v->fd);
  gnutls_handshake_set_timeout(s, 20000);
  do
    v->ret = gnutls_handshake(s);
  while (v->ret < 0 && !gnutls_error_is_fatal(v->ret));
  if (v->ret == 0) {
    unsigned n = 0;
    const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
    v->count = n;
    if (n > 0)
      crt_cn(&peers[0], v->leaf_cn, sizeof v->leaf_cn);
    if (n > 1)
      crt_cn(&peers[1], v->second_cn, sizeof v->second_cn);
    /* Read up to the client's close_notify so it never writes into a closed socket. */
    char buf[64];
    ssize_t got;
    do
      got = gnutls_record_recv(s, buf, sizeof buf);
    while (got > 0 || got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED);
  }
  gnutls_deinit(s);
  close(v->fd);
  return NULL;
}

/* Runs one handshake of a client session on ssl's credentials against an in-process
 * server that asks for a client certificate, filling v with what the server saw. No cmocka
 * assertions here: threads call it. Returns the client's result (v->ret is the server's). */
static int run_handshake(CassSsl *ssl, const char *priority, struct peer_view *v)
{
  int fds[2];
  memset(v, 0, sizeof *v);
  v->ret = GNUTLS_E_INTERNAL_ERROR;
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
    return GNUTLS_E_PUSH_ERROR;

  gnutls_certificate_credentials_t server_cred;
  gnutls_certificate_allocate_credentials(&server_cred);
  char cert[4352], key[4352];
  snprintf(cert, sizeof cert, "%s/ca.pem", keys_dir);
  snprintf(key, sizeof key, "%s/ca-key.pem", keys_dir);
  int ret = gnutls_certificate_set_x509_key_file(server_cred, cert, key, GNUTLS_X509_FMT_PEM);
  pthread_t tid;
  v->fd = fds[1];
  v->priority = priority;
  v->cred = server_cred;
  if (ret < 0 || pthread_create(&tid, NULL, server_main, v) != 0) {
    close(fds[0]);
    close(fds[1]);
    gnutls_certificate_free_credentials(server_cred);
    return ret < 0 ? ret : GNUTLS_E_INTERNAL_ERROR;
  }

  /* A raw GnuTLS session over the generation in force, held for its life as sessions do. */
  struct gtls_gen *gen = gtls_creds_acquire(ssl->creds);
  gnutls_session_t c;
  gnutls_init(&c, GNUTLS_CLIENT);
  gnutls_priority_set_direct(c, priority, NULL);
  gnutls_credentials_set(c, GNUTLS_CRD_CERTIFICATE, gtls_gen_certificate(gen));
  gnutls_transport_set_int(c, fds[0]);
  gnutls_handshake_set_timeout(c, 20000);
  do
    ret = gnutls_handshake(c);
  while (ret < 0 && !gnutls_error_is_fatal(ret));
  if (ret == 0)
    gnutls_bye(c, GNUTLS_SHUT_WR);
  shutdown(fds[0], SHUT_WR);
  pthread_join(tid, NULL);
  gnutls_deinit(c);
  gtls_gen_release(gen);
  close(fds[0]);
  gnutls_certificate_free_credentials(server_cred);
  return ret;
}

static struct peer_view handshake_view(CassSsl *ssl, const char *priority)
{
  struct peer_view v;
  int ret = run_handshake(ssl, priority, &v);
  if (ret != 0 || v.ret != 0)
    fail_msg("handshake failed: client %s, server %s", gnutls_strerror(ret),
             gnutls_strerror(v.ret));
  return v;
}

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"

static void assert_sends(CassSsl *ssl, const char *cn)
{
  const char *prios[] = { TLS13, TLS12 };
  for (size_t i = 0; i < 2; i++) {
    struct peer_view v = handshake_view(ssl, prios[i]);
    if (!cn) {
      assert_int_equal(v.count, 0);
    } else {
      assert_true(v.count >= 1);
      assert_string_equal(v.leaf_cn, cn);
    }
  }
}

/* ---- fixtures -------------------------------------------------------------------------- */

static int group_setup(void **state)
{
  const char *fixtures = getenv("CASSL_FIXTURES");
  const char *srcdir = getenv("CASSL_SRCDIR");
  if (!fixtures || !srcdir) {
    fprintf(stderr, "CASSL_FIXTURES and CASSL_SRCDIR must be set (run through make check)\n");
    return -1;
  }
  snprintf(keys_dir, sizeof keys_dir, "%s/keys", fixtures);
  char cmd[8400];
  snprintf(cmd, sizeof cmd, "sh '%s/tests/fixtures/keys.sh' '%s'", srcdir, keys_dir);
  int rc = system(cmd);
  if (rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
    fprintf(stderr, "skipping: keytool or openssl missing, no key fixtures\n");
    exit(77);
  }
  if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    fprintf(stderr, "tests/fixtures/keys.sh failed\n");
    return -1;
  }
  return 0;
}

static int ssl_setup(void **state)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  *state = ssl;
  return 0;
}

static int ssl_teardown(void **state)
{
  cass_ssl_free(*state);
  return 0;
}

/* ---- trusted certificates -------------------------------------------------------------- */

static void test_trusted_guide_cert(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, add_trusted_file(ssl, "cassandra.pem"));
  assert_int_equal(trusted_count(ssl), 1);
}

static void test_trusted_every_cert_added(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, add_trusted_file(ssl, "trusted-three.pem"));
  assert_int_equal(trusted_count(ssl), 3);
  assert_ok(ssl, add_trusted_file(ssl, "chain.pem"));
  assert_int_equal(trusted_count(ssl), 5);
}

static void test_trusted_nul_terminated_call(void **state)
{
  CassSsl *ssl = *state;
  struct buf b = load("cassandra.pem");
  char *text = calloc(1, b.len + 1);
  memcpy(text, b.data, b.len);
  assert_ok(ssl, cass_ssl_add_trusted_cert(ssl, text));
  assert_int_equal(trusted_count(ssl), 1);
  free(text);
  drop(&b);
}

static void test_trusted_leading_text_and_crlf(void **state)
{
  CassSsl *ssl = *state;
  struct buf note = exact_str("Bag Attributes\n    friendlyName: node\nsubject=/CN=127.0.0.1\n");
  struct buf cert = load("cassandra.pem");
  struct buf both = concat(note, cert);
  assert_ok(ssl, cass_ssl_add_trusted_cert_n(ssl, both.data, both.len));
  struct buf crlf = to_crlf(cert);
  assert_ok(ssl, cass_ssl_add_trusted_cert_n(ssl, crlf.data, crlf.len));
  assert_int_equal(trusted_count(ssl), 2);
  drop(&note), drop(&cert), drop(&both), drop(&crlf);
}

static void test_trusted_bad_inputs(void **state)
{
  CassSsl *ssl = *state;
  struct buf garbage = exact_str("garbage");
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, garbage.data, garbage.len),
               CASS_ERROR_SSL_INVALID_CERT, "no PEM certificate in 7 bytes");
  struct buf empty = exact_str("");
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, empty.data, 0),
               CASS_ERROR_SSL_INVALID_CERT, "no PEM certificate in 0 bytes");
  assert_fails(ssl, cass_ssl_add_trusted_cert(ssl, ""), CASS_ERROR_SSL_INVALID_CERT,
               "no PEM certificate in 0 bytes");
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, NULL, 10), CASS_ERROR_SSL_INVALID_CERT,
               "NULL");
  assert_fails(ssl, cass_ssl_add_trusted_cert(ssl, NULL), CASS_ERROR_SSL_INVALID_CERT, "NULL");

  /* A key is not a certificate. */
  assert_fails(ssl, add_trusted_file(ssl, "rsa-pkcs8.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "no PEM certificate in");

  /* Truncated: the buffer ends before the END line. */
  struct buf cert = load("cassandra.pem");
  struct buf cut = exact(cert.data, cert.len / 2);
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, cut.data, cut.len),
               CASS_ERROR_SSL_INVALID_CERT, "trusted certificate 1 is truncated");

  /* _n with a length that cuts a longer buffer: only len bytes count. */
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, cert.data, cert.len - 10),
               CASS_ERROR_SSL_INVALID_CERT, "truncated");

  /* Damaged base64 inside the block. */
  struct buf bad = exact(cert.data, cert.len);
  char *body = (char *)memmem(bad.data, bad.len, "-----\n", 6) + 6;
  memcpy(body + 40, "!!!!", 4);
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, bad.data, bad.len),
               CASS_ERROR_SSL_INVALID_CERT, "trusted certificate 1 is not valid");

  /* Valid base64 of something that is not a certificate. */
  struct buf notcert = exact_str("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, notcert.data, notcert.len),
               CASS_ERROR_SSL_INVALID_CERT, "trusted certificate 1 is not");

  /* A good certificate followed by a broken one: nothing is added. */
  struct buf mixed = concat(cert, cut);
  assert_fails(ssl, cass_ssl_add_trusted_cert_n(ssl, mixed.data, mixed.len),
               CASS_ERROR_SSL_INVALID_CERT, "trusted certificate 2 is truncated");
  assert_int_equal(trusted_count(ssl), 0);

  /* Success clears the sentence. */
  assert_ok(ssl, cass_ssl_add_trusted_cert_n(ssl, cert.data, cert.len));
  drop(&garbage), drop(&empty), drop(&cert), drop(&cut), drop(&bad), drop(&notcert),
      drop(&mixed);
}

/* Every length of a two-certificate buffer: a cut inside either certificate's armour, its
 * BEGIN line included, is an error that names the cut; a length that ends between them or
 * after the second one is fine. Each call gets exactly len bytes (a private copy). */
static void every_cut(CassSsl *ssl, const char *what,
                      CassError (*call)(CassSsl *, const char *, size_t))
{
  struct buf two = load("chain.pem");
  const char *begin = "-----BEGIN CERTIFICATE-----", *end = "-----END CERTIFICATE-----";
  const char *b1 = memmem(two.data, two.len, begin, strlen(begin));
  const char *e1 = memmem(b1, two.len - (size_t)(b1 - two.data), end, strlen(end));
  const char *b2 = memmem(e1, two.len - (size_t)(e1 - two.data), begin, strlen(begin));
  const char *e2 = memmem(b2, two.len - (size_t)(b2 - two.data), end, strlen(end));
  assert_non_null(e2);
  size_t end1 = (size_t)(e1 - two.data) + strlen(end), start2 = (size_t)(b2 - two.data);
  size_t end2 = (size_t)(e2 - two.data) + strlen(end);
  for (size_t len = 0; len <= two.len; len++) {
    struct buf cut = exact(two.data, len);
    CassError rc = call(ssl, cut.data, len);
    bool whole = (len >= end1 && len <= start2) || len >= end2;
    if (whole && rc != CASS_OK)
      fail_msg("%s: length %zu of %zu: %s", what, len, two.len, cassl_ssl_last_error(ssl));
    if (!whole && rc != CASS_ERROR_SSL_INVALID_CERT)
      fail_msg("%s: length %zu of %zu (inside certificate %d) returned %s", what, len,
               two.len, len < end1 ? 1 : 2, cassl_error_name(rc));
    if (!whole && len > 0) {
      char names[96];
      snprintf(names, sizeof names, "certificate %d is truncated", len < end1 ? 1 : 2);
      char ends[64];
      snprintf(ends, sizeof ends, "ends after %zu bytes", len);
      if (!strstr(cassl_ssl_last_error(ssl), names) || !strstr(cassl_ssl_last_error(ssl), ends))
        fail_msg("%s: length %zu: the sentence does not name the cut: %s", what, len,
                 cassl_ssl_last_error(ssl));
    }
    drop(&cut);
  }
  drop(&two);
}

static void test_trusted_every_cut(void **state)
{
  every_cut(*state, "add_trusted_cert_n", cass_ssl_add_trusted_cert_n);
}

static void test_cert_every_cut(void **state)
{
  every_cut(*state, "set_cert_n", cass_ssl_set_cert_n);
}

/* ---- client certificate ---------------------------------------------------------------- */

static void test_cert_bad_inputs(void **state)
{
  CassSsl *ssl = *state;
  struct buf garbage = exact_str("not a certificate at all");
  assert_fails(ssl, cass_ssl_set_cert_n(ssl, garbage.data, garbage.len),
               CASS_ERROR_SSL_INVALID_CERT, "no PEM certificate in 24 bytes");
  assert_fails(ssl, cass_ssl_set_cert_n(ssl, garbage.data, 0), CASS_ERROR_SSL_INVALID_CERT,
               "no PEM certificate in 0 bytes");
  assert_fails(ssl, cass_ssl_set_cert_n(ssl, NULL, 5), CASS_ERROR_SSL_INVALID_CERT, "NULL");
  assert_fails(ssl, cass_ssl_set_cert(ssl, NULL), CASS_ERROR_SSL_INVALID_CERT, "NULL");
  assert_fails(ssl, set_cert_file(ssl, "driver-private.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "no PEM certificate in");
  struct buf cert = load("driver.pem");
  assert_fails(ssl, cass_ssl_set_cert_n(ssl, cert.data, cert.len - 30),
               CASS_ERROR_SSL_INVALID_CERT, "client certificate 1 is truncated");
  /* Nothing was installed by the failures. */
  assert_sends(ssl, NULL);
  drop(&garbage), drop(&cert);
}

static void test_cert_leaf_and_chain_sent(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_cert_file(ssl, "chain.pem"));
  assert_ok(ssl, set_key_file(ssl, "leaf-key.pem", NULL));
  struct peer_view v = handshake_view(ssl, TLS13);
  assert_int_equal(v.count, 2);
  assert_string_equal(v.leaf_cn, "chain-client");
  assert_string_equal(v.second_cn, "cassl-test-ca");
  v = handshake_view(ssl, TLS12);
  assert_int_equal(v.count, 2);
  assert_string_equal(v.leaf_cn, "chain-client");

  /* The same chain with CRLF line ends and text before it, in a fresh object. */
  CassSsl *ssl2 = cass_ssl_new();
  struct buf chain = load("chain.pem");
  struct buf note = exact_str("subject=CN = chain-client\nissuer=CN = cassl-test-ca\n");
  struct buf both = concat(note, chain);
  struct buf crlf = to_crlf(both);
  assert_ok(ssl2, cass_ssl_set_cert_n(ssl2, crlf.data, crlf.len));
  assert_ok(ssl2, set_key_file(ssl2, "leaf-key.pem", NULL));
  v = handshake_view(ssl2, TLS13);
  assert_int_equal(v.count, 2);
  assert_string_equal(v.leaf_cn, "chain-client");
  assert_string_equal(v.second_cn, "cassl-test-ca");
  cass_ssl_free(ssl2);
  drop(&chain), drop(&note), drop(&both), drop(&crlf);
}

/* The guide's flow: keytool certificate + encrypted key out of openssl pkcs12 -nocerts, with
 * its Bag Attributes text before the PEM block. */
static void test_guide_driver_pair(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, add_trusted_file(ssl, "cassandra.pem"));
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  struct buf key = load("driver-private.pem");
  assert_non_null(memmem(key.data, 20, "Bag Attributes", 14));
  assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, STORE_PASS,
                                            strlen(STORE_PASS)));
  assert_sends(ssl, "driver");

  /* The NUL-terminated calls of the guide. */
  CassSsl *ssl2 = cass_ssl_new();
  struct buf cert = load("driver.pem");
  char *ctext = strndup(cert.data, cert.len), *ktext = strndup(key.data, key.len);
  assert_ok(ssl2, cass_ssl_set_cert(ssl2, ctext));
  assert_ok(ssl2, cass_ssl_set_private_key(ssl2, ktext, STORE_PASS));
  assert_sends(ssl2, "driver");
  cass_ssl_free(ssl2);
  free(ctext), free(ktext), drop(&cert), drop(&key);
}

/* ---- every key format ------------------------------------------------------------------ */

struct key_case {
  const char *key;
  const char *cert;     /* the certificate the key belongs to */
  const char *password; /* NULL for a plain key */
  const char *cn;
};

static const struct key_case key_cases[] = {
  { "driver-private.pem", "driver.pem", STORE_PASS, "driver" },
  { "rsa-pkcs1.pem", "driver.pem", NULL, "driver" },
  { "rsa-pkcs8.pem", "driver.pem", NULL, "driver" },
  { "rsa-pbes2-aes-128-cbc-hmacWithSHA1.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-128-cbc-hmacWithSHA256.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-128-cbc-hmacWithSHA512.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-192-cbc-hmacWithSHA1.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-192-cbc-hmacWithSHA256.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-192-cbc-hmacWithSHA512.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-256-cbc-hmacWithSHA1.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-256-cbc-hmacWithSHA256.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-aes-256-cbc-hmacWithSHA512.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-des3-hmacWithSHA1.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-des3-hmacWithSHA256.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes2-des3-hmacWithSHA512.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes1-sha1-3des.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes1-sha1-rc2-40.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes1-sha1-rc4-128.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-pbes1-md5-des.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-trad-aes128.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-trad-aes256.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-trad-des3.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-trad-des.pem", "driver.pem", RSA_PASS, "driver" },
  { "rsa-trad-camellia128.pem", "driver.pem", RSA_PASS, "driver" },
  { "ec-sec1.pem", "ec.pem", NULL, "ec-client" },
  { "ec-pkcs8.pem", "ec.pem", NULL, "ec-client" },
  { "ec-pbes2.pem", "ec.pem", RSA_PASS, "ec-client" },
  { "ec-trad-aes128.pem", "ec.pem", RSA_PASS, "ec-client" },
  { "ed25519.pem", "ed25519-cert.pem", NULL, "ed25519-client" },
  { "ed25519-pbes2.pem", "ed25519-cert.pem", RSA_PASS, "ed25519-client" },
};

/* Each format: fails without and with a wrong password, loads with the right one, pairs
 * with its certificate, and the pair is what a server receives. */
static void test_key_format(void **state)
{
  const struct key_case *kc = *state;
  CassSsl *ssl = cass_ssl_new();
  assert_ok(ssl, set_cert_file(ssl, kc->cert));
  struct buf key = load(kc->key);
  if (kc->password) {
    assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, NULL, 0),
                 CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                 "private key is encrypted and no password was given");
    assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, "", 0),
                 CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                 "private key is encrypted and no password was given");
    assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, "wrong-pass", 10),
                 CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong password: decryption failed");
    assert_string_equal(cassl_ssl_last_error(ssl), "wrong password: decryption failed");
    assert_sends(ssl, NULL); /* no failed call installed anything */
    assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, kc->password,
                                              strlen(kc->password)));
  } else {
    assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, NULL, 0));
    assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, "", 0));
    /* A password given for a plain key is ignored, as the driver does. */
    assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, "unused", 6));
  }
  assert_sends(ssl, kc->cn);

  /* The same key with CRLF line ends. */
  CassSsl *ssl2 = cass_ssl_new();
  struct buf crlf = to_crlf(key);
  assert_ok(ssl2, set_cert_file(ssl2, kc->cert));
  assert_ok(ssl2, cass_ssl_set_private_key_n(ssl2, crlf.data, crlf.len, kc->password,
                                             kc->password ? strlen(kc->password) : 0));
  cass_ssl_free(ssl2);
  drop(&crlf), drop(&key);
  cass_ssl_free(ssl);
}

struct unsupported_case {
  const char *key;
  const char *sentence;
};

static const struct unsupported_case unsupported_cases[] = {
  { "rsa-pbes2-camellia-128-cbc.pem",
    "unsupported private key encryption: PBES2 with Camellia-128-CBC" },
  { "rsa-scrypt.pem", "unsupported private key encryption: PBES2 with scrypt" },
  { "rsa-pbes2-aria-128-cbc.pem", "unsupported private key encryption: PBES2 with ARIA-128-CBC" },
  { "rsa-pbes1-sha1-des.pem", "unsupported private key encryption: PBES1 with SHA1 and DES-CBC" },
  { "rsa-trad-aria128.pem",
    "unsupported private key encryption: traditional PEM with ARIA-128-CBC" },
};

static void test_key_unsupported(void **state)
{
  const struct unsupported_case *uc = *state;
  CassSsl *ssl = cass_ssl_new();
  assert_fails(ssl, set_key_file(ssl, uc->key, RSA_PASS), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               uc->sentence);
  /* Also with a wrong password: the scheme is the reason, not the password. */
  assert_fails(ssl, set_key_file(ssl, uc->key, "wrong-pass"),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, uc->sentence);
  assert_fails(ssl, set_key_file(ssl, uc->key, NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "private key is encrypted and no password was given");
  cass_ssl_free(ssl);
}

/* ---- bad key inputs -------------------------------------------------------------------- */

static void test_key_bad_inputs(void **state)
{
  CassSsl *ssl = *state;
  struct buf garbage = exact_str("garbage!");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, garbage.data, garbage.len, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "no PEM private key in 8 bytes");
  assert_string_equal(cassl_ssl_last_error(ssl), "no PEM private key in 8 bytes");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, garbage.data, 0, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "no PEM private key in 0 bytes");
  assert_fails(ssl, cass_ssl_set_private_key(ssl, "", NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "no PEM private key in 0 bytes");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, NULL, 10, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "NULL");
  assert_fails(ssl, cass_ssl_set_private_key(ssl, NULL, "x"), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "NULL");
  /* A certificate is not a key. */
  assert_fails(ssl, set_key_file(ssl, "driver.pem", NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "no PEM private key in");

  /* Truncated, and _n lengths that cut the buffer. */
  struct buf key = load("rsa-pkcs8.pem");
  struct buf cut = exact(key.data, key.len / 2);
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, cut.data, cut.len, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "PEM private key is truncated: \"-----END PRIVATE KEY-----\" missing");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len - 8, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "truncated");
  struct buf ekey = load("driver-private.pem");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, ekey.data, ekey.len - 40, STORE_PASS,
                                               strlen(STORE_PASS)),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "\"-----END ENCRYPTED PRIVATE KEY-----\" missing");

  /* Damaged content of a plain key. */
  struct buf bad = exact(key.data, key.len);
  char *body = memmem(bad.data, bad.len, "-----\n", 6) + 6;
  memset(body + 8, 'A', 60);
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, bad.data, bad.len, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "cannot parse the PEM private key");
  struct buf notkey = exact_str("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, notkey.data, notkey.len, NULL, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "cannot parse the PEM private key");
  /* Damaged structure of an encrypted PKCS#8 key. */
  struct buf ebad = exact(ekey.data, ekey.len);
  char *ebody = memmem(ebad.data, ebad.len, "KEY-----\n", 9) + 9;
  memset(ebody + 4, 'A', 40);
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, ebad.data, ebad.len, STORE_PASS,
                                               strlen(STORE_PASS)),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "cannot read the encrypted PKCS#8");

  assert_sends(ssl, NULL);
  drop(&garbage), drop(&key), drop(&cut), drop(&ekey), drop(&bad), drop(&notkey), drop(&ebad);
}

/* password_length is honoured; no terminating NUL is needed and none is read past. */
static void test_password_length(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  struct buf key = load("rsa-pbes2-aes-256-cbc-hmacWithSHA256.pem");

  struct buf pass = exact(RSA_PASS, strlen(RSA_PASS)); /* no NUL after it */
  assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, pass.data, pass.len));

  /* A length shorter than strlen: only that prefix is the password. */
  const char *longer = RSA_PASS "-and-more";
  assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, longer, strlen(RSA_PASS)));
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, longer, strlen(longer)),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong password: decryption failed");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, pass.data,
                                               pass.len - 1),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong password: decryption failed");

  /* A length that counted the terminator works. */
  assert_ok(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, RSA_PASS,
                                            sizeof RSA_PASS));

  /* A NUL inside the password: GnuTLS passwords are C strings, so rather than silently
   * decrypting with the part before the NUL, the call is refused with a sentence. */
  const char inner[] = "secret\0pass";
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, inner, sizeof inner - 1),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "the password contains a NUL byte at offset 6");
  const char prefix_nul[] = RSA_PASS "\0x";
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, prefix_nul,
                                               sizeof prefix_nul - 1),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "NUL byte");

  /* NULL password with a length, and zero length with a pointer, both mean none. */
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, NULL, 11),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "private key is encrypted and no password was given");
  assert_fails(ssl, cass_ssl_set_private_key_n(ssl, key.data, key.len, RSA_PASS, 0),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "private key is encrypted and no password was given");
  drop(&key), drop(&pass);
}

/* The _n key call with a length that stops right after the END line of a bigger buffer. */
static void test_key_length_cut_after_end(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  struct buf key = load("rsa-pkcs1.pem");
  struct buf junk = exact_str("\n-----BEGIN RSA PRIVATE KEY-----\ntrailing junk");
  struct buf both = concat(key, junk);
  assert_ok(ssl, cass_ssl_set_private_key_n(ssl, both.data, key.len, NULL, 0));
  drop(&key), drop(&junk), drop(&both);
}

/* ---- pairing --------------------------------------------------------------------------- */

static void test_pair_mismatch_keeps_previous(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  assert_ok(ssl, set_key_file(ssl, "driver-private.pem", STORE_PASS));
  assert_sends(ssl, "driver");

  /* A key of another certificate: refused, the pair in force stays. */
  assert_fails(ssl, set_key_file(ssl, "driver2-private.pem", STORE_PASS),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "private key does not match the certificate CN=driver");
  assert_string_equal(cassl_ssl_last_error(ssl),
                      "private key does not match the certificate CN=driver");
  assert_sends(ssl, "driver");

  /* A certificate of neither the key in force nor the last key given: refused, the pair in
   * force stays. */
  assert_fails(ssl, set_cert_file(ssl, "cassandra.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "private key does not match the certificate CN=127.0.0.1");
  assert_sends(ssl, "driver");
  assert_fails(ssl, set_cert_file(ssl, "chain.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "private key does not match the certificate CN=chain-client");
  assert_sends(ssl, "driver");

  /* A renewed certificate for the same key replaces the certificate only. */
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  assert_sends(ssl, "driver");
}

/* A new pair replaces the old one, certificate first or key first; until the new pair is
 * complete and matching, the old pair is the one in force. */
static void test_pair_replacement(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  assert_ok(ssl, set_key_file(ssl, "driver-private.pem", STORE_PASS));

  /* Certificate first: it does not match the key in force, so the call fails... */
  assert_fails(ssl, set_cert_file(ssl, "driver2.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "private key does not match the certificate CN=driver2");
  assert_sends(ssl, "driver");
  /* ...and its key completes the new pair. */
  assert_ok(ssl, set_key_file(ssl, "driver2-private.pem", STORE_PASS));
  assert_sends(ssl, "driver2");

  /* Key first. */
  assert_fails(ssl, set_key_file(ssl, "ec-pkcs8.pem", NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "private key does not match the certificate CN=driver2");
  assert_sends(ssl, "driver2");
  assert_ok(ssl, set_cert_file(ssl, "ec.pem"));
  assert_sends(ssl, "ec-client");

  /* A key that does not decrypt changes nothing. */
  assert_fails(ssl, set_key_file(ssl, "ed25519-pbes2.pem", "wrong-pass"),
               CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong password");
  assert_sends(ssl, "ec-client");
}

/* Key given before any certificate: the certificate call completes (or refuses) the pair. */
static void test_pair_key_first(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_key_file(ssl, "ed25519.pem", NULL));
  assert_sends(ssl, NULL);
  assert_fails(ssl, set_cert_file(ssl, "driver.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "private key does not match the certificate CN=driver");
  assert_sends(ssl, NULL);
  assert_ok(ssl, set_cert_file(ssl, "ed25519-cert.pem"));
  assert_sends(ssl, "ed25519-client");
}

/* A session made before a pair change keeps the pair it was made with, even when the change
 * comes before its handshake; the next session uses the new pair. */
static void test_pair_change_with_live_session(void **state)
{
  CassSsl *ssl = *state;
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  assert_ok(ssl, set_key_file(ssl, "rsa-pkcs1.pem", NULL));

  int fds[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  gnutls_certificate_credentials_t server_cred;
  gnutls_certificate_allocate_credentials(&server_cred);
  char cert[4352], key[4352];
  snprintf(cert, sizeof cert, "%s/ca.pem", keys_dir);
  snprintf(key, sizeof key, "%s/ca-key.pem", keys_dir);
  assert_int_equal(gnutls_certificate_set_x509_key_file(server_cred, cert, key,
                                                        GNUTLS_X509_FMT_PEM), 0);
  struct peer_view v = { .fd = fds[1], .priority = TLS12, .cred = server_cred };
  pthread_t tid;
  assert_int_equal(pthread_create(&tid, NULL, server_main, &v), 0);

  struct gtls_gen *gen = gtls_creds_acquire(ssl->creds);
  gnutls_session_t c;
  gnutls_init(&c, GNUTLS_CLIENT);
  gnutls_priority_set_direct(c, TLS12, NULL);
  gnutls_credentials_set(c, GNUTLS_CRD_CERTIFICATE, gtls_gen_certificate(gen));
  gnutls_transport_set_int(c, fds[0]);
  /* Change the pair while the first session exists but has not handshaken yet: the
   * session keeps the pair of its creation. The certificate alone does not match the key
   * in force (refused); its key completes the new pair, which the next session sends. */
  assert_fails(ssl, set_cert_file(ssl, "ec.pem"), CASS_ERROR_SSL_INVALID_CERT,
               "does not match the certificate CN=ec-client");
  assert_ok(ssl, set_key_file(ssl, "ec-sec1.pem", NULL));
  assert_sends(ssl, "ec-client");
  int ret;
  do
    ret = gnutls_handshake(c);
  while (ret < 0 && !gnutls_error_is_fatal(ret));
  assert_int_equal(ret, 0);
  /* Replace again while this session is established (key first this time), then close it
   * cleanly. */
  assert_fails(ssl, set_key_file(ssl, "rsa-pkcs8.pem", NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
               "does not match the certificate CN=ec-client");
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  assert_int_equal(gnutls_record_send(c, "x", 1), 1);
  gnutls_bye(c, GNUTLS_SHUT_WR);
  shutdown(fds[0], SHUT_WR);
  pthread_join(tid, NULL);
  gnutls_deinit(c);
  gtls_gen_release(gen);
  close(fds[0]);
  gnutls_certificate_free_credentials(server_cred);
  assert_int_equal(v.ret, 0);
  assert_string_equal(v.leaf_cn, "driver");
  assert_sends(ssl, "driver");
}

/* Handshakes in several threads while the pair in force keeps changing: every handshake
 * sends one whole pair (the server checks the CertificateVerify signature against the
 * certificate it got, so a certificate of one pair with the key of the other fails). */
struct flip_worker {
  CassSsl *ssl;
  int failures, driver, ec;
};

static void *flip_worker_main(void *arg)
{
  struct flip_worker *w = arg;
  for (int i = 0; i < 12; i++) {
    struct peer_view v;
    int ret = run_handshake(w->ssl, i % 2 ? TLS12 : TLS13, &v);
    if (ret != 0 || v.ret != 0 || v.count != 1)
      w->failures++;
    else if (strcmp(v.leaf_cn, "driver") == 0)
      w->driver++;
    else if (strcmp(v.leaf_cn, "ec-client") == 0)
      w->ec++;
    else
      w->failures++;
  }
  return NULL;
}

static void test_pair_flips_during_handshakes(void **state)
{
  CassSsl *ssl = *state;
  struct buf dcert = load("driver.pem"), dkey = load("rsa-pkcs1.pem");
  struct buf ecert = load("ec.pem"), ekey = load("ec-sec1.pem");
  assert_ok(ssl, cass_ssl_set_cert_n(ssl, dcert.data, dcert.len));
  assert_ok(ssl, cass_ssl_set_private_key_n(ssl, dkey.data, dkey.len, NULL, 0));

  struct flip_worker workers[4];
  pthread_t tids[4];
  for (int i = 0; i < 4; i++) {
    workers[i] = (struct flip_worker){ .ssl = ssl };
    assert_int_equal(pthread_create(&tids[i], NULL, flip_worker_main, &workers[i]), 0);
  }
  /* Each switch is two calls, the first refused (its half does not match the pair in
   * force); the setters hold the CassSsl lock as the driver API requires. */
  for (int i = 0; i < 40; i++) {
    bool to_ec = i % 2 == 0;
    struct buf *c = to_ec ? &ecert : &dcert, *k = to_ec ? &ekey : &dkey;
    assert_int_equal(cass_ssl_set_cert_n(ssl, c->data, c->len), CASS_ERROR_SSL_INVALID_CERT);
    assert_ok(ssl, cass_ssl_set_private_key_n(ssl, k->data, k->len, NULL, 0));
    usleep(2000);
  }
  int failures = 0, driver = 0, ec = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(tids[i], NULL);
    failures += workers[i].failures;
    driver += workers[i].driver;
    ec += workers[i].ec;
  }
  assert_int_equal(failures, 0);
  assert_int_equal(driver + ec, 48);
  drop(&dcert), drop(&dkey), drop(&ecert), drop(&ekey);
}

/* Sessions keep the CassSsl (and so the credentials) alive after cass_ssl_free. */
static void test_credentials_outlive_free(void **state)
{
  CassSsl *ssl = cass_ssl_new();
  assert_ok(ssl, set_cert_file(ssl, "driver.pem"));
  assert_ok(ssl, set_key_file(ssl, "driver-private.pem", STORE_PASS));
  cassl_ssl_ref(ssl); /* what a session does */
  cass_ssl_free(ssl);
  assert_sends(ssl, "driver");
  cassl_ssl_unref(ssl);
}

int main(void)
{
  signal(SIGPIPE, SIG_IGN); /* a failing peer must show up as an error, not kill the run */
  static const struct CMUnitTest fixed[] = {
    cmocka_unit_test_setup_teardown(test_trusted_guide_cert, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_trusted_every_cert_added, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_trusted_nul_terminated_call, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_trusted_leading_text_and_crlf, ssl_setup,
                                    ssl_teardown),
    cmocka_unit_test_setup_teardown(test_trusted_bad_inputs, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_trusted_every_cut, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_cert_every_cut, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_cert_bad_inputs, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_cert_leaf_and_chain_sent, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_guide_driver_pair, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_key_bad_inputs, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_password_length, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_key_length_cut_after_end, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_pair_mismatch_keeps_previous, ssl_setup,
                                    ssl_teardown),
    cmocka_unit_test_setup_teardown(test_pair_replacement, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_pair_key_first, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_pair_change_with_live_session, ssl_setup,
                                    ssl_teardown),
    cmocka_unit_test_setup_teardown(test_pair_flips_during_handshakes, ssl_setup,
                                    ssl_teardown),
    cmocka_unit_test(test_credentials_outlive_free),
  };
  size_t n_fixed = sizeof fixed / sizeof fixed[0];
  size_t n_keys = sizeof key_cases / sizeof key_cases[0];
  size_t n_unsup = sizeof unsupported_cases / sizeof unsupported_cases[0];
  size_t total = n_fixed + n_keys + n_unsup;
  struct CMUnitTest *tests = calloc(total, sizeof *tests);
  char (*names)[96] = calloc(n_keys + n_unsup, sizeof *names);
  memcpy(tests, fixed, sizeof fixed);
  size_t t = n_fixed;
  for (size_t i = 0; i < n_keys; i++, t++) {
    snprintf(names[t - n_fixed], sizeof names[0], "key_format %s", key_cases[i].key);
    tests[t] = (struct CMUnitTest){ .name = names[t - n_fixed], .test_func = test_key_format,
                                    .initial_state = (void *)&key_cases[i] };
  }
  for (size_t i = 0; i < n_unsup; i++, t++) {
    snprintf(names[t - n_fixed], sizeof names[0], "key_unsupported %s",
             unsupported_cases[i].key);
    tests[t] = (struct CMUnitTest){ .name = names[t - n_fixed],
                                    .test_func = test_key_unsupported,
                                    .initial_state = (void *)&unsupported_cases[i] };
  }
  int failed = _cmocka_run_group_tests("credentials", tests, total, group_setup, NULL);
  free(tests);
  free(names);
  return failed;
}
