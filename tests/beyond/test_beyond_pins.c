/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl_ssl_add_pinned_public_key against real servers: a self-signed gnutls-serv and the
 * guide's self-signed keytool node (JSSE) pinned with CASS_SSL_VERIFY_NONE and no CA, a
 * CA-signed server with full verification, mismatches with the server's real pin in the
 * sentence, several pins in one string and over several calls, and malformed pins. The
 * expected pins are computed by openssl in tests/fixtures/p12.sh, not by the library. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beyond_util.h"
#include "session_util.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY

/* A valid pin no test key has (the SHA-256 of nothing). */
#define UNUSED_PIN "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

static char *pin_of(const char *name)
{
  char rel[256];
  snprintf(rel, sizeof rel, "beyond/p12/%s.pin", name);
  size_t len;
  char *pin = beyond_read(beyond_path(rel), &len);
  assert_int_equal(len, strlen("sha256//") + 44);
  return pin;
}

static peer *selfsigned_server(peer_tls_version version)
{
  char cert[4096];
  snprintf(cert, sizeof cert, "%s", beyond_path("beyond/p12/selfsigned.pem"));
  return beyond_gnutls_serv(cert, beyond_path("beyond/p12/selfsigned-key.pem"), NULL,
                            PEER_CLIENT_AUTH_NONE, version);
}

static void add_pin(CassSsl *ssl, const char *pins)
{
  CassError rc = cassl_ssl_add_pinned_public_key(ssl, pins);
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  assert_string_equal(cassl_ssl_last_error(ssl), "");
}

static void pinned_selfsigned(peer_tls_version version)
{
  peer *p = selfsigned_server(version);
  CassSsl *ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  char *pin = pin_of("selfsigned");
  add_pin(ssl, pin);
  beyond_expect(ssl, p, CASS_OK, NULL);
  free(pin);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_pin_selfsigned_verify_none_tls13(void **state)
{
  pinned_selfsigned(PEER_TLS1_3);
}

static void test_pin_selfsigned_verify_none_tls12(void **state)
{
  pinned_selfsigned(PEER_TLS1_2);
}

/* The pin is checked even with CASS_SSL_VERIFY_NONE; the sentence gives the server's pin. */
static void test_pin_mismatch(void **state)
{
  peer *p = selfsigned_server(PEER_TLS_DEFAULT);
  CassSsl *ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  char *other = pin_of("server-ip");
  char *real = pin_of("selfsigned");
  add_pin(ssl, other);
  add_pin(ssl, UNUSED_PIN);
  char want[256];
  snprintf(want, sizeof want, "public key pin mismatch: server key %s is not pinned", real);
  char msg[1024];
  assert_int_equal(beyond_run(ssl, p, msg, sizeof msg, NULL), CASS_ERROR_SSL_INVALID_PEER_CERT);
  assert_string_equal(msg, want);
  free(other);
  free(real);
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* Several pins in one string, as curl takes them: any one matching is enough. */
static void test_pin_list_in_one_string(void **state)
{
  peer *p = selfsigned_server(PEER_TLS_DEFAULT);
  char *other = pin_of("server-ip");
  char *real = pin_of("selfsigned");
  char list[512];
  snprintf(list, sizeof list, "%s;%s;%s", UNUSED_PIN, other, real);
  CassSsl *ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  add_pin(ssl, list);
  beyond_expect(ssl, p, CASS_OK, NULL);
  cass_ssl_free(ssl);
  /* The same list without the server's pin. */
  snprintf(list, sizeof list, "%s;%s", UNUSED_PIN, other);
  ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  add_pin(ssl, list);
  beyond_expect(ssl, p, CASS_ERROR_SSL_INVALID_PEER_CERT, "public key pin mismatch");
  cass_ssl_free(ssl);
  free(other);
  free(real);
  peer_stop(p);
}

/* Repeated calls add up: the pin added later matches. */
static void test_pin_repeated_calls(void **state)
{
  peer *p = selfsigned_server(PEER_TLS_DEFAULT);
  char *other = pin_of("server-ip");
  char *real = pin_of("selfsigned");
  CassSsl *ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  add_pin(ssl, other);
  beyond_expect(ssl, p, CASS_ERROR_SSL_INVALID_PEER_CERT, "public key pin mismatch");
  add_pin(ssl, real);
  beyond_expect(ssl, p, CASS_OK, NULL);
  free(other);
  free(real);
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* With full verification: the pin is one more check, it replaces none. */
static void test_pin_with_chain_verification(void **state)
{
  char cert[4096];
  snprintf(cert, sizeof cert, "%s", tnet_pki("server-ip.pem"));
  peer *ca_signed = beyond_gnutls_serv(cert, tnet_pki("server-ip-key.pem"), NULL,
                                       PEER_CLIENT_AUTH_NONE, PEER_TLS_DEFAULT);
  peer *selfsigned = selfsigned_server(PEER_TLS_DEFAULT);
  char *ip_pin = pin_of("server-ip");
  char *self_pin = pin_of("selfsigned");

  CassSsl *ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT | PEER_IP);
  add_pin(ssl, ip_pin);
  beyond_expect(ssl, ca_signed, CASS_OK, NULL);
  cass_ssl_free(ssl);

  ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT | PEER_IP);
  add_pin(ssl, self_pin);
  beyond_expect(ssl, ca_signed, CASS_ERROR_SSL_INVALID_PEER_CERT, "public key pin mismatch");
  cass_ssl_free(ssl);

  /* A matching pin does not make an untrusted chain trusted. */
  ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT);
  add_pin(ssl, self_pin);
  beyond_expect(ssl, selfsigned, CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer");
  cass_ssl_free(ssl);

  free(ip_pin);
  free(self_pin);
  peer_stop(ca_signed);
  peer_stop(selfsigned);
}

/* The guide's node (keytool, self-signed, JSSE) pinned instead of trusted. */
static void test_pin_guide_node_jsse(void **state)
{
  char keystore[4096];
  snprintf(keystore, sizeof keystore, "%s", tnet_pki("jks/keystore.jks"));
  peer_tls_options opts = { .keystore = keystore, .mode = PEER_MODE_ECHO };
  peer *p = NULL;
  int rc = peer_start_jsse(&opts, &p);
  if (rc == PEER_SKIP)
    skip();
  assert_int_equal(rc, 0);
  char *node = pin_of("node");
  CassSsl *ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  add_pin(ssl, node);
  beyond_expect(ssl, p, CASS_OK, NULL);
  cass_ssl_free(ssl);
  ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  add_pin(ssl, UNUSED_PIN);
  beyond_expect(ssl, p, CASS_ERROR_SSL_INVALID_PEER_CERT, node);
  /* The node hears why the client left. */
  if (!peer_saw_alert(p, 42, 10000))
    fail_msg("the JSSE node did not receive bad_certificate");
  cass_ssl_free(ssl);
  free(node);
  peer_stop(p);
}

/* A server with no certificate at all (anonymous ECDH, only with a priority override that
 * allows it; an in-process GnuTLS server): pins cannot be met, even with VERIFY_NONE. */
static void test_pin_anonymous_server(void **state)
{
  CassSsl *ssl = tssl_new(NULL, CASS_SSL_VERIFY_NONE);
  assert_int_equal(cassl_ssl_set_priority(ssl, "NORMAL:-VERS-TLS1.3:+ANON-ECDH"), CASS_OK);
  add_pin(ssl, UNUSED_PIN);
  struct tpeer target;
  tpeer_init(&target, "127.0.0.1", NULL, NULL);
  cassl_session *cs;
  assert_int_equal(cassl_session_new(ssl, &target.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .anon = true,
                                             .priority = "NORMAL:-VERS-TLS1.3:-KX-ALL:+ANON-ECDH" });
  assert_int_equal(thandshake(cs, &srv, 0), CASS_ERROR_SSL_NO_PEER_CERT);
  assert_string_equal(cassl_session_error_message(cs),
                      "the server sent no certificate, but public key pins are set");
  cassl_session_free(cs);
  tserver_free(&srv);
  cass_ssl_free(ssl);
}

static void test_pin_bad_strings(void **state)
{
  static const struct {
    const char *pins, *needle;
  } cases[] = {
    { "", "pin 1 is empty; pins are \"sha256//<base64>\" separated by ';'" },
    { UNUSED_PIN ";", "pin 2 is empty" },
    { ";" UNUSED_PIN, "pin 1 is empty" },
    { "sha1//2jmj7l5rSw0yVb/vlWAYkK/YBwk=", "pin 1 (\"sha1//2jmj7l5rSw0yVb/vlWAYkK/YBwk=\") "
      "does not start with \"sha256//\"; pins are written sha256//<base64 of the SHA-256 of the "
      "server's public key>, as curl's --pinnedpubkey takes them" },
    { "SHA256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "does not start with \"sha256//\"" },
    { "/etc/ssl/certs/server.pem", "pin 1 (\"/etc/ssl/certs/server.pem\") does not start" },
    { "sha256//", "pin 1: \"\" is not valid base64" },
    { "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "is not valid base64" },
    { "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= ", "is not valid base64" },
    { "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5N!pJWZG3hSuFU=", "is not valid base64" },
    { "sha256//47DE=pj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "is not valid base64" },
    { "sha256//AAAA", "pin 1 decodes to 3 bytes; a SHA-256 pin is 32 bytes (44 base64 "
      "characters)" },
    { "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "decodes to 36 bytes" },
    { UNUSED_PIN "; " UNUSED_PIN, "pin 2 (\" sha256//" },
  };
  CassSsl *ssl = beyond_ssl(NULL, CASS_SSL_VERIFY_NONE);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    beyond_expect_setter(ssl, cassl_ssl_add_pinned_public_key(ssl, cases[i].pins),
                         CASS_ERROR_LIB_BAD_PARAMS, cases[i].needle);
  beyond_expect_setter(ssl, cassl_ssl_add_pinned_public_key(ssl, NULL),
                       CASS_ERROR_LIB_BAD_PARAMS, "no pin given (NULL)");
  assert_int_equal(cassl_ssl_add_pinned_public_key(NULL, UNUSED_PIN), CASS_ERROR_LIB_BAD_PARAMS);
  /* None of those strings added a pin (several began with a valid one that matches
   * nothing): the server is accepted as with no pins at all. */
  peer *p = selfsigned_server(PEER_TLS_DEFAULT);
  beyond_expect(ssl, p, CASS_OK, NULL);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static int group_setup(void **state)
{
  int rc = beyond_make_fixtures("p12.sh");
  if (rc == 77)
    exit(77);
  return rc;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pin_selfsigned_verify_none_tls13),
    cmocka_unit_test(test_pin_selfsigned_verify_none_tls12),
    cmocka_unit_test(test_pin_mismatch),
    cmocka_unit_test(test_pin_list_in_one_string),
    cmocka_unit_test(test_pin_repeated_calls),
    cmocka_unit_test(test_pin_with_chain_verification),
    cmocka_unit_test(test_pin_guide_node_jsse),
    cmocka_unit_test(test_pin_anonymous_server),
    cmocka_unit_test(test_pin_bad_strings),
  };
  return cmocka_run_group_tests(tests, group_setup, NULL);
}
