/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl_ssl_set_pkcs12_n against real peers: the driver guide's client-certificate flow
 * straight from keytool's keystore-driver.p12 (no openssl step) to a JSSE node with
 * require_client_auth, keytool's legacy PKCS#12 form, `openssl pkcs12 -export` files (OpenSSL 3
 * default and -legacy, DER and PEM) to gnutls-serv requiring a client certificate; the
 * pairing rule shared with the PEM setters; every refusal with its sentence. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beyond_util.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY
#define STOREPASS "cassandra"

static CassError load_p12(CassSsl *ssl, const char *rel, const char *password)
{
  size_t len;
  char *data = beyond_read(beyond_path(rel), &len);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, data, len, password,
                                        password ? strlen(password) : 0);
  free(data);
  return rc;
}

/* ---- the guide's flow against JSSE --------------------------------------------------- */

static peer *start_jsse_node(peer_tls_version version)
{
  char keystore[4096], truststore[4096];
  snprintf(keystore, sizeof keystore, "%s", tnet_pki("jks/keystore.jks"));
  snprintf(truststore, sizeof truststore, "%s", tnet_pki("jks/truststore.jks"));
  peer_tls_options opts = { .keystore = keystore, .truststore = truststore,
                            .client_auth = PEER_CLIENT_AUTH_REQUIRE, .version = version,
                            .mode = PEER_MODE_ECHO };
  peer *p = NULL;
  int rc = peer_start_jsse(&opts, &p);
  if (rc == PEER_SKIP)
    skip();
  if (rc != 0)
    fail_msg("cannot start the JSSE server");
  return p;
}

/* The guide's client: trust the exported node certificate, verify it and its IP, and take
 * the driver's key and certificate from the keytool PKCS#12 store itself. */
static void guide_flow(const char *p12, peer_tls_version version)
{
  peer *p = start_jsse_node(version);
  CassSsl *ssl = beyond_ssl(tnet_pki("jks/node.pem"), PEER_CERT | PEER_IP);
  CassError rc = load_p12(ssl, p12, STOREPASS);
  if (rc != CASS_OK)
    fail_msg("%s: %s: %s", p12, cassl_error_name(rc), cassl_ssl_last_error(ssl));
  assert_string_equal(cassl_ssl_last_error(ssl), "");
  char msg[1024];
  bool sent;
  rc = beyond_run(ssl, p, msg, sizeof msg, &sent);
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), msg);
  assert_true(sent);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_guide_keystore_driver_p12_jsse_tls13(void **state)
{
  guide_flow("pki/jks/keystore-driver.p12", PEER_TLS_DEFAULT);
}

static void test_guide_keystore_driver_p12_jsse_tls12(void **state)
{
  guide_flow("pki/jks/keystore-driver.p12", PEER_TLS1_2);
}

static void test_keytool_legacy_p12_jsse(void **state)
{
  guide_flow("beyond/p12/driver-legacy.p12", PEER_TLS_DEFAULT);
}

/* Without the client certificate the same node refuses us: the certificate above really
 * came from the PKCS#12 file. */
static void test_jsse_without_p12_refuses(void **state)
{
  peer *p = start_jsse_node(PEER_TLS1_2);
  CassSsl *ssl = beyond_ssl(tnet_pki("jks/node.pem"), PEER_CERT | PEER_IP);
  beyond_expect(ssl, p, CASS_ERROR_SSL_PROTOCOL_ERROR, "client certificate");
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* ---- openssl pkcs12 -export against gnutls-serv -------------------------------------- */

static void openssl_p12_flow(const char *p12, peer_tls_version version)
{
  peer *p = beyond_gnutls_serv(tnet_pki("server-ip.pem"), tnet_pki("server-ip-key.pem"),
                               tnet_pki("ca.pem"), PEER_CLIENT_AUTH_REQUIRE, version);
  CassSsl *ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT | PEER_IP);
  CassError rc = load_p12(ssl, p12, STOREPASS);
  if (rc != CASS_OK)
    fail_msg("%s: %s: %s", p12, cassl_error_name(rc), cassl_ssl_last_error(ssl));
  char msg[1024];
  bool sent;
  rc = beyond_run(ssl, p, msg, sizeof msg, &sent);
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), msg);
  assert_true(sent);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_openssl_p12_gnutls_serv_tls13(void **state)
{
  openssl_p12_flow("beyond/p12/client.p12", PEER_TLS1_3);
}

static void test_openssl_p12_gnutls_serv_tls12(void **state)
{
  openssl_p12_flow("beyond/p12/client.p12", PEER_TLS1_2);
}

static void test_openssl_legacy_p12_gnutls_serv(void **state)
{
  openssl_p12_flow("beyond/p12/client-legacy.p12", PEER_TLS1_3);
}

static void test_openssl_p12_pem_armoured(void **state)
{
  openssl_p12_flow("beyond/p12/client.p12.pem", PEER_TLS1_3);
}

/* ---- the pairing rule ---------------------------------------------------------------- */

/* keys.sh's keystore-driver.p12 holds the key of its driver-private.pem: that PEM key
 * pairs with the certificate the PKCS#12 installed, a foreign certificate does not. */
static void test_pairing_shared_with_pem_setters(void **state)
{
  if (beyond_make_fixtures("keys.sh") != 0)
    skip();
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  assert_int_equal(load_p12(ssl, "keys/keystore-driver.p12", STOREPASS), CASS_OK);
  size_t len;
  char *key = beyond_read(beyond_path("keys/driver-private.pem"), &len);
  assert_int_equal(cass_ssl_set_private_key_n(ssl, key, len, STOREPASS, strlen(STOREPASS)),
                   CASS_OK);
  free(key);
  char *other = beyond_read(beyond_path("keys/driver2.pem"), &len);
  beyond_expect_setter(ssl, cass_ssl_set_cert_n(ssl, other, len), CASS_ERROR_SSL_INVALID_CERT,
                       "private key does not match the certificate CN=driver2");
  free(other);
  cass_ssl_free(ssl);
}

/* A refused PEM key after the PKCS#12 leaves its pair in force: the server still gets our
 * certificate. */
static void test_p12_pair_survives_foreign_key(void **state)
{
  peer *p = beyond_gnutls_serv(tnet_pki("server-ip.pem"), tnet_pki("server-ip-key.pem"),
                               tnet_pki("ca.pem"), PEER_CLIENT_AUTH_REQUIRE, PEER_TLS1_2);
  CassSsl *ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT | PEER_IP);
  assert_int_equal(load_p12(ssl, "beyond/p12/client.p12", STOREPASS), CASS_OK);
  size_t len;
  char *key = beyond_read(tnet_pki("jks/driver-key-plain.pem"), &len);
  beyond_expect_setter(ssl, cass_ssl_set_private_key_n(ssl, key, len, NULL, 0),
                       CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                       "private key does not match the certificate CN=driver");
  free(key);
  char msg[1024];
  bool sent;
  CassError rc = beyond_run(ssl, p, msg, sizeof msg, &sent);
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), msg);
  assert_true(sent);
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* A PKCS#12 replaces a PEM pair in force with its own (both halves at once). */
static void test_p12_replaces_pem_pair(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  size_t len;
  char *cert = beyond_read(tnet_pki("jks/driver-cert.pem"), &len);
  assert_int_equal(cass_ssl_set_cert_n(ssl, cert, len), CASS_OK);
  free(cert);
  char *key = beyond_read(tnet_pki("jks/driver-key-plain.pem"), &len);
  assert_int_equal(cass_ssl_set_private_key_n(ssl, key, len, NULL, 0), CASS_OK);
  free(key);
  assert_int_equal(load_p12(ssl, "beyond/p12/client.p12", STOREPASS), CASS_OK);
  /* The new pair is the certtool client's: its PEM key now pairs, the old one does not. */
  key = beyond_read(tnet_pki("client-key.pem"), &len);
  assert_int_equal(cass_ssl_set_private_key_n(ssl, key, len, NULL, 0), CASS_OK);
  free(key);
  key = beyond_read(tnet_pki("jks/driver-key-plain.pem"), &len);
  assert_int_equal(cass_ssl_set_private_key_n(ssl, key, len, NULL, 0),
                   CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  free(key);
  cass_ssl_free(ssl);
}

/* ---- refusals ------------------------------------------------------------------------ */

static void test_wrong_password(void **state)
{
  static const char *files[] = { "pki/jks/keystore-driver.p12", "beyond/p12/driver-legacy.p12",
                                 "beyond/p12/client.p12", "beyond/p12/client-legacy.p12",
                                 "beyond/p12/client.p12.pem" };
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    beyond_expect_setter(ssl, load_p12(ssl, files[i], "not-the-password"),
                         CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                         "wrong password: the PKCS#12 file's integrity check (MAC) fails");
    beyond_expect_setter(ssl, load_p12(ssl, files[i], NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                         "the PKCS#12 file needs a password: its integrity check (MAC) fails "
                         "without one");
  }
  cass_ssl_free(ssl);
}

/* password_length is honoured (the bytes after it are not part of the password). */
static void test_password_length_honoured(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  size_t len;
  char *data = beyond_read(beyond_path("beyond/p12/client.p12"), &len);
  assert_int_equal(cassl_ssl_set_pkcs12_n(ssl, data, len, "cassandra-and-more", 9), CASS_OK);
  assert_int_equal(cassl_ssl_set_pkcs12_n(ssl, data, len, "cassandra\0", 10), CASS_OK);
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, data, len, "cass\0andra", 10),
                       CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                       "the password contains a NUL byte at offset 4");
  free(data);
  cass_ssl_free(ssl);
}

static void test_no_private_key(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  beyond_expect_setter(ssl, load_p12(ssl, "beyond/p12/nokey.p12", STOREPASS),
                       CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                       "the PKCS#12 file holds no private key");
  beyond_expect_setter(ssl, load_p12(ssl, "beyond/p12/truststore.p12", STOREPASS),
                       CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                       "the PKCS#12 file holds no private key");
  beyond_expect_setter(ssl, load_p12(ssl, "beyond/p12/keyonly.p12", STOREPASS),
                       CASS_ERROR_SSL_INVALID_CERT,
                       "the PKCS#12 file holds a private key but no certificate");
  cass_ssl_free(ssl);
}

/* A scheme GnuTLS cannot decrypt is named. */
static void test_unsupported_encryption(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  beyond_expect_setter(ssl, load_p12(ssl, "beyond/p12/client-camellia.p12", STOREPASS),
                       CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                       "unsupported encryption inside the PKCS#12 file: PBES2 with "
                       "Camellia-256-CBC (OID ");
  cass_ssl_free(ssl);
}

static void test_garbage(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  unsigned char noise[2048];
  for (size_t i = 0; i < sizeof noise; i++)
    noise[i] = (unsigned char)(i * 131 + 7);
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, noise, sizeof noise, STOREPASS, 9),
                       CASS_ERROR_SSL_INVALID_CERT, "not a PKCS#12 file (2048 bytes)");
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, noise, 0, STOREPASS, 9),
                       CASS_ERROR_SSL_INVALID_CERT, "not a PKCS#12 file (0 bytes)");
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, NULL, 10, STOREPASS, 9),
                       CASS_ERROR_SSL_INVALID_CERT, "no PKCS#12 data given (NULL)");
  /* A PEM certificate is not a PKCS#12 file either. */
  size_t len;
  char *pem = beyond_read(tnet_pki("client.pem"), &len);
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, pem, len, STOREPASS, 9),
                       CASS_ERROR_SSL_INVALID_CERT, "not a PKCS#12 file");
  free(pem);
  /* A truncated file, and a damaged PEM armour. */
  char *data = beyond_read(beyond_path("beyond/p12/client.p12"), &len);
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, data, len / 2, STOREPASS, 9),
                       CASS_ERROR_SSL_INVALID_CERT, "not a PKCS#12 file");
  free(data);
  data = beyond_read(beyond_path("beyond/p12/client.p12.pem"), &len);
  char *body = strchr(data, '\n') + 1;
  memcpy(body, "!!!!", 4);
  beyond_expect_setter(ssl, cassl_ssl_set_pkcs12_n(ssl, data, len, STOREPASS, 9),
                       CASS_ERROR_SSL_INVALID_CERT, "not a PKCS#12 file");
  free(data);
  assert_int_equal(cassl_ssl_set_pkcs12_n(NULL, noise, sizeof noise, NULL, 0),
                   CASS_ERROR_LIB_BAD_PARAMS);
  cass_ssl_free(ssl);
}

/* A damaged byte inside the MAC-protected content: the integrity check catches it. */
static void test_tampered_content(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  size_t len;
  unsigned char *data = (unsigned char *)beyond_read(beyond_path("beyond/p12/client.p12"), &len);
  data[len / 2] ^= 0x01;
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, data, len, STOREPASS, 9);
  assert_true(rc == CASS_ERROR_SSL_INVALID_PRIVATE_KEY || rc == CASS_ERROR_SSL_INVALID_CERT);
  assert_true(strlen(cassl_ssl_last_error(ssl)) > 0);
  if (rc == CASS_ERROR_SSL_INVALID_PRIVATE_KEY)
    assert_non_null(strstr(cassl_ssl_last_error(ssl), "integrity check (MAC) fails"));
  free(data);
  cass_ssl_free(ssl);
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
    cmocka_unit_test(test_guide_keystore_driver_p12_jsse_tls13),
    cmocka_unit_test(test_guide_keystore_driver_p12_jsse_tls12),
    cmocka_unit_test(test_keytool_legacy_p12_jsse),
    cmocka_unit_test(test_jsse_without_p12_refuses),
    cmocka_unit_test(test_openssl_p12_gnutls_serv_tls13),
    cmocka_unit_test(test_openssl_p12_gnutls_serv_tls12),
    cmocka_unit_test(test_openssl_legacy_p12_gnutls_serv),
    cmocka_unit_test(test_openssl_p12_pem_armoured),
    cmocka_unit_test(test_pairing_shared_with_pem_setters),
    cmocka_unit_test(test_p12_pair_survives_foreign_key),
    cmocka_unit_test(test_p12_replaces_pem_pair),
    cmocka_unit_test(test_wrong_password),
    cmocka_unit_test(test_password_length_honoured),
    cmocka_unit_test(test_no_private_key),
    cmocka_unit_test(test_unsupported_encryption),
    cmocka_unit_test(test_garbage),
    cmocka_unit_test(test_tampered_content),
  };
  return cmocka_run_group_tests(tests, group_setup, NULL);
}
