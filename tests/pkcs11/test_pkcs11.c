/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Client keys and certificates on a PKCS#11 token: a SoftHSM2 token made by the test in its
 * own directory (SOFTHSM2_CONF), keys written with p11tool (an RSA key with its certificate,
 * an EC key stored without its public key object), and handshakes against gnutls-serv,
 * openssl s_server and the JSSE server, each requiring a client certificate. Also trusted
 * CAs from the token, every way of giving a PIN, each failure with its error and sentence,
 * the inspect API on a URL, and a token removed while a session is open (the last test:
 * GnuTLS keeps a process-wide view of the tokens). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cassl/inspect.h"
#include "peers.h"
#include "session_net.h"
#include "tool_run.h"

#define PIN "4321"
#define TOKEN "pkcs11:token=cassl-test"
#define RSA_KEY TOKEN ";object=rsa;type=private"
#define RSA_CERT TOKEN ";object=rsa;type=cert"
#define EC_KEY TOKEN ";object=ec;type=private"
#define EC_CERT TOKEN ";object=ec;type=cert"
#define CA_CERT TOKEN ";object=ca;type=cert"

static char dir[256];

static bool have(const char *program)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", program);
  return system(cmd) == 0;
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  if (system(cmd) != 0)
    fail_msg("failed: %s", cmd);
}

static int group_setup(void **state)
{
  if (!have("softhsm2-util") || !have("p11tool")) {
    fprintf(stderr, "SKIP: softhsm2-util (softhsm2) and p11tool (gnutls-bin) are needed\n");
    exit(77);
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/cassl-pkcs11-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(dir));
  char conf[400];
  snprintf(conf, sizeof conf, "%s/softhsm2.conf", dir);
  FILE *f = fopen(conf, "w");
  assert_non_null(f);
  fprintf(f, "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
          dir);
  fclose(f);
  /* Before GnuTLS first looks at the tokens (it loads the modules on first use). */
  setenv("SOFTHSM2_CONF", conf, 1);
  run("mkdir '%s/tokens'", dir);
  run("softhsm2-util --init-token --free --label cassl-test --pin " PIN " --so-pin 87654321 "
      ">/dev/null");
  const char *p11 = "GNUTLS_PIN=" PIN " p11tool --login --write";
  run("%s --label rsa --id 01 --load-privkey '%s' '" TOKEN "' >/dev/null 2>&1", p11,
      tnet_pki("client-key.pem"));
  run("%s --label rsa --id 01 --load-certificate '%s' '" TOKEN "' >/dev/null 2>&1", p11,
      tnet_pki("client.pem"));
  /* The EC key without a public key object: it pairs with its certificate by a signature. */
  run("%s --label ec --id 02 --load-privkey '%s' '" TOKEN "' >/dev/null 2>&1", p11,
      tnet_pki("client-ecdsa-key.pem"));
  run("%s --label ec --id 02 --load-certificate '%s' '" TOKEN "' >/dev/null 2>&1", p11,
      tnet_pki("client-ecdsa.pem"));
  run("%s --label ca --mark-ca --load-certificate '%s' '" TOKEN "' >/dev/null 2>&1", p11,
      tnet_pki("ca.pem"));
  snprintf(conf, sizeof conf, "%s/pin", dir);
  f = fopen(conf, "w");
  assert_non_null(f);
  fputs(PIN "\n", f); /* as `echo PIN > file` writes it */
  fclose(f);
  return 0;
}

static int group_teardown(void **state)
{
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- PINs ------------------------------------------------------------------------------ */

struct pin_calls {
  const char *answer; /* NULL: refuse */
  unsigned calls;
  unsigned last_attempt;
  char label[64];
};

static int pin_cb(void *userdata, const char *token_label, const char *token_url,
                  unsigned attempt, char *pin, size_t pin_max)
{
  struct pin_calls *c = userdata;
  c->calls++;
  c->last_attempt = attempt;
  snprintf(c->label, sizeof c->label, "%s", token_label);
  assert_non_null(strstr(token_url, "pkcs11:"));
  if (!c->answer || strlen(c->answer) >= pin_max)
    return -1;
  strcpy(pin, c->answer);
  return 0;
}

static cassl_ssl *token_client(const char *cert, const char *key, struct pin_calls *pins)
{
  cassl_ssl *ssl = cassl_ssl_new();
  assert_non_null(ssl);
  char *ca = tnet_read_file(tnet_pki("ca.pem"));
  assert_int_equal(cassl_ssl_add_trusted_cert(ssl, ca), CASS_OK);
  free(ca);
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  if (pins)
    assert_int_equal(cassl_ssl_set_pin_callback(ssl, pin_cb, pins), CASS_OK);
  if (cert && cassl_ssl_set_cert_key_files(ssl, cert, key, NULL) != CASS_OK)
    fail_msg("bind %s / %s: %s", cert, key, cassl_ssl_last_error(ssl));
  return ssl;
}

/* ---- servers that require a client certificate ----------------------------------------- */

typedef int (*start_fn)(const peer_tls_options *, peer **);

static peer *start_requiring(start_fn start, peer_tls_version version)
{
  char cert[4096], key[4096], ca[4096], p12[4096], trust[4096];
  snprintf(cert, sizeof cert, "%s", tnet_pki("server-ip.pem"));
  snprintf(key, sizeof key, "%s", tnet_pki("server-ip-key.pem"));
  snprintf(ca, sizeof ca, "%s", tnet_pki("ca.pem"));
  snprintf(p12, sizeof p12, "%s", tnet_pki("server-ip.p12"));
  snprintf(trust, sizeof trust, "%s", tnet_pki("ca-truststore.jks"));
  peer_tls_options o = { .cert_file = cert, .key_file = key, .client_ca_file = ca,
                         .keystore = p12, .truststore = trust,
                         .client_auth = PEER_CLIENT_AUTH_REQUIRE, .version = version };
  peer *p = NULL;
  int rc = start(&o, &p);
  if (rc == PEER_SKIP)
    return NULL;
  if (rc != 0)
    fail_msg("cannot start the TLS server");
  return p;
}

static CassError connect_and_echo(cassl_ssl *ssl, peer *p, bool reversed, char *why, size_t cap)
{
  struct tnet n;
  CassError rc = tnet_open(&n, ssl, p, NULL);
  if (rc == CASS_OK)
    rc = tnet_handshake(&n);
  if (rc == CASS_OK)
    rc = tnet_exchange(&n, "ping\n", 5, reversed ? "gnip\n" : "ping\n", 5);
  snprintf(why, cap, "%s", n.cs ? cassl_session_error_message(n.cs) : cassl_last_error());
  tnet_close(&n);
  return rc;
}

static void expect_authenticates(cassl_ssl *ssl, start_fn start, bool reversed)
{
  const peer_tls_version versions[] = { PEER_TLS1_2, PEER_TLS1_3 };
  for (int v = 0; v < 2; v++) {
    peer *p = start_requiring(start, versions[v]);
    if (!p) {
      print_message("SKIP: the server program is not installed\n");
      skip();
    }
    char why[512];
    CassError rc = connect_and_echo(ssl, p, reversed, why, sizeof why);
    if (rc != CASS_OK)
      fail_msg("TLS 1.%d: %s: %s", v == 0 ? 2 : 3, cassl_error_name(rc), why);
    peer_stop(p);
  }
}

static void test_rsa_key_on_token_gnutls_serv(void **state)
{
  struct pin_calls pins = { .answer = PIN };
  cassl_ssl *ssl = token_client(RSA_CERT, RSA_KEY, &pins);
  /* Asked once, when bound, for this token. */
  assert_int_equal(pins.calls, 1);
  assert_int_equal(pins.last_attempt, 0);
  assert_string_equal(pins.label, "cassl-test");
  expect_authenticates(ssl, peer_start_gnutls_serv, false);
  /* The handshakes logged in with the kept PIN, not by asking again. */
  assert_int_equal(pins.calls, 1);
  cassl_ssl_free(ssl);
}

static void test_rsa_key_on_token_openssl(void **state)
{
  cassl_ssl *ssl = token_client(RSA_CERT, RSA_KEY "?pin-value=" PIN, NULL);
  expect_authenticates(ssl, peer_start_openssl, true);
  cassl_ssl_free(ssl);
}

static void test_rsa_key_on_token_jsse(void **state)
{
  if (!peers_have("java")) {
    print_message("SKIP: no JDK for the JSSE server\n");
    skip();
  }
  struct pin_calls pins = { .answer = PIN };
  cassl_ssl *ssl = token_client(RSA_CERT, RSA_KEY, &pins);
  expect_authenticates(ssl, peer_start_jsse, false);
  cassl_ssl_free(ssl);
}

static void test_ec_key_without_public_object(void **state)
{
  char key[600];
  snprintf(key, sizeof key, EC_KEY "?pin-source=%s/pin", dir);
  cassl_ssl *ssl = token_client(EC_CERT, key, NULL);
  expect_authenticates(ssl, peer_start_gnutls_serv, false);
  expect_authenticates(ssl, peer_start_openssl, true);
  cassl_ssl_free(ssl);
}

static void test_file_certificate_with_token_key(void **state)
{
  char cert[600];
  snprintf(cert, sizeof cert, "%s/client.pem", dir);
  char *pem = tnet_read_file(tnet_pki("client.pem"));
  FILE *f = fopen(cert, "w");
  assert_non_null(f);
  fputs(pem, f);
  fclose(f);
  struct pin_calls pins = { .answer = PIN };
  cassl_ssl *ssl = token_client(cert, RSA_KEY, &pins);
  expect_authenticates(ssl, peer_start_gnutls_serv, false);
  assert_int_equal(pins.calls, 1);
  /* The certificate file is renewed (new bytes, same key): reloaded without a new login. */
  char tmp[620];
  snprintf(tmp, sizeof tmp, "%s.new", cert);
  f = fopen(tmp, "w");
  assert_non_null(f);
  fprintf(f, "renewed\n%s", pem);
  fclose(f);
  assert_int_equal(rename(tmp, cert), 0);
  cassl_reload_result r;
  assert_int_equal(cassl_ssl_reload(ssl, &r), CASS_OK);
  assert_int_equal(r, CASSL_RELOAD_CHANGED);
  assert_int_equal(pins.calls, 1);
  expect_authenticates(ssl, peer_start_gnutls_serv, false);
  free(pem);
  cassl_ssl_free(ssl);
}

static void test_trusted_cas_from_token(void **state)
{
  cassl_ssl *ssl = cassl_ssl_new();
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  assert_int_equal(cassl_ssl_set_trusted_file(ssl, CA_CERT), CASS_OK);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, RSA_CERT, RSA_KEY "?pin-value=" PIN, NULL),
                   CASS_OK);
  expect_authenticates(ssl, peer_start_gnutls_serv, false);
  /* A token URL that names no certificate trusts nothing: refused. */
  assert_int_equal(cassl_ssl_set_trusted_file(ssl, TOKEN ";object=none;type=cert"),
                   CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "has no certificate matching"));
  cassl_ssl_free(ssl);
}

/* ---- failures ------------------------------------------------------------------------- */

static void expect_bind(const char *cert, const char *key, struct pin_calls *pins,
                        CassError want, const char *needle)
{
  cassl_ssl *ssl = token_client(NULL, NULL, pins);
  CassError rc = cassl_ssl_set_cert_key_files(ssl, cert, key, NULL);
  if (rc != want || !strstr(cassl_ssl_last_error(ssl), needle))
    fail_msg("%s / %s: %s (want %s): \"%s\" (want \"%s\")", cert, key, cassl_error_name(rc),
             cassl_error_name(want), cassl_ssl_last_error(ssl), needle);
  cassl_ssl_free(ssl);
}

static void test_pin_failures(void **state)
{
  /* A wrong PIN from the callback: asked once, never retried with the same answer. */
  struct pin_calls wrong = { .answer = "0000" };
  expect_bind(RSA_CERT, RSA_KEY, &wrong, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong PIN");
  assert_int_equal(wrong.calls, 1);
  /* The callback declines; no callback and no PIN in the URL. */
  struct pin_calls none = { .answer = NULL };
  expect_bind(RSA_CERT, RSA_KEY, &none, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "needs a PIN");
  expect_bind(RSA_CERT, RSA_KEY, NULL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "needs a PIN");
  /* A wrong pin-value; a pin-source that is not there or empty. */
  expect_bind(RSA_CERT, RSA_KEY "?pin-value=0000", NULL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
              "pin-value=***");
  /* The PIN itself is in no sentence. */
  cassl_ssl *ssl = token_client(NULL, NULL, NULL);
  assert_int_not_equal(cassl_ssl_set_cert_key_files(ssl, RSA_CERT, RSA_KEY "?pin-value=0000",
                                                    NULL), CASS_OK);
  assert_null(strstr(cassl_ssl_last_error(ssl), "0000"));
  assert_null(strstr(cassl_last_error(), "0000"));
  cassl_ssl_free(ssl);
  expect_bind(RSA_CERT, RSA_KEY "?pin-source=/nonexistent/pin", NULL,
              CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "cannot read the PIN file /nonexistent/pin");
  /* The right PIN still works after all that (the token is not locked). */
  struct pin_calls right = { .answer = PIN };
  expect_bind(RSA_CERT, RSA_KEY, &right, CASS_OK, "");
}

static void test_lookup_failures(void **state)
{
  struct pin_calls pins = { .answer = PIN };
  expect_bind(RSA_CERT, "pkcs11:token=no-such-token;object=rsa;type=private", &pins,
              CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "no PKCS#11 token matches");
  expect_bind(RSA_CERT, TOKEN ";object=missing;type=private", &pins,
              CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "has no private key matching");
  expect_bind(TOKEN ";object=missing;type=cert", RSA_KEY, &pins, CASS_ERROR_SSL_INVALID_CERT,
              "has no certificate matching");
  expect_bind(RSA_CERT, "pkcs11:token=cassl-test;object=%zz", &pins, CASS_ERROR_LIB_BAD_PARAMS,
              "not a valid PKCS#11 URL");
  /* The EC key with the RSA certificate: no pair. */
  expect_bind(RSA_CERT, EC_KEY, &pins, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "does not match");
  expect_bind(EC_CERT, RSA_KEY, &pins, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "does not match");
}

static void test_inspect_url(void **state)
{
  cassl_file_info *info = NULL;
  /* Without a PIN: the public objects (certificates). */
  assert_int_equal(cassl_file_info_read_url(TOKEN, &info), CASS_OK);
  assert_string_equal(cassl_file_info_format(info), "PKCS#11 URL");
  assert_int_equal(cassl_file_info_cert_count(info), 3);
  assert_int_equal(cassl_file_info_key_count(info), 0);
  cassl_file_info_free(info);
  /* With one: the keys too, with the key ids that pair them with their certificates. */
  assert_int_equal(cassl_file_info_read_url(RSA_CERT, &info), CASS_OK);
  assert_int_equal(cassl_file_info_cert_count(info), 1);
  size_t cert_id_len;
  const unsigned char *cert_id =
      cassl_cert_info_key_id(cassl_file_info_cert(info, 0), &cert_id_len);
  unsigned char saved[64];
  assert_true(cert_id_len > 0 && cert_id_len <= sizeof saved);
  memcpy(saved, cert_id, cert_id_len);
  cassl_file_info_free(info);
  assert_int_equal(cassl_file_info_read_url(RSA_KEY "?pin-value=" PIN, &info), CASS_OK);
  assert_int_equal(cassl_file_info_key_count(info), 1);
  const cassl_key_info *k = cassl_file_info_key(info, 0);
  assert_true(cassl_key_info_loaded(k));
  assert_non_null(strstr(cassl_key_info_type(k), "RSA"));
  size_t key_id_len;
  const unsigned char *key_id = cassl_key_info_key_id(k, &key_id_len);
  assert_int_equal(key_id_len, cert_id_len);
  assert_memory_equal(key_id, saved, key_id_len);
  cassl_file_info_free(info);
  /* Nothing there. */
  assert_int_equal(cassl_file_info_read_url("pkcs11:token=no-such-token", &info),
                   CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_file_info_error_message(info), "no PKCS#11 token matches"));
  cassl_file_info_free(info);
  assert_int_equal(cassl_file_info_read_url("/etc/passwd", &info), CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(info);
}

/* The tool: probe with the key on the token, inspect the token. */
static void test_tool_with_token(void **state)
{
  peer *p = start_requiring(peer_start_gnutls_serv, PEER_TLS1_3);
  assert_non_null(p);
  char ca[4096];
  snprintf(ca, sizeof ca, "%s", tnet_pki("ca.pem"));
  cassl("probe", "--ca", ca, "--cert", RSA_CERT, "--key", RSA_KEY, "--key-password", PIN,
        "--no-cql", "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['ok'] and d['connection']['client_cert_requested'] is True");
  cassl("probe", "--ca", CA_CERT, "--cert", RSA_CERT, "--key", RSA_KEY "?pin-value=" PIN,
        "--no-cql", peer_hostport(p), NULL);
  expect_exit(0);
  /* A wrong PIN: a local failure that says so, and where a PIN goes. */
  cassl("probe", "--ca", ca, "--cert", RSA_CERT, "--key", RSA_KEY, "--key-password", "0000",
        "--no-cql", peer_hostport(p), NULL);
  expect_error("CASS_ERROR_SSL_INVALID_PRIVATE_KEY", "Unable to load private key", "pin-value");
  expect_err("wrong PIN for the PKCS#11 token \"cassl-test\"");
  peer_stop(p);
  cassl("inspect", TOKEN, NULL);
  expect_exit(0);
  expect_out("CN=driver");
  expect_out("CN=driver-ec");
  cassl("inspect", "pkcs11:token=no-such-token", NULL);
  expect_exit(3);
  expect_err("no PKCS#11 token matches");
}

/* Last: the token goes away while a session is open. */
static void test_token_removed(void **state)
{
  struct pin_calls pins = { .answer = PIN };
  cassl_ssl *ssl = token_client(RSA_CERT, RSA_KEY, &pins);
  /* A resumed handshake signs nothing (it would not need the token): full ones only. */
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false), CASS_OK);
  peer *p = start_requiring(peer_start_gnutls_serv, PEER_TLS1_3);
  assert_non_null(p);
  struct tnet open_one;
  assert_int_equal(tnet_open(&open_one, ssl, p, NULL), CASS_OK);
  assert_int_equal(tnet_handshake(&open_one), CASS_OK);
  run("softhsm2-util --delete-token --token cassl-test >/dev/null 2>&1");
  /* The open session has its keys: it goes on. */
  assert_int_equal(tnet_exchange(&open_one, "ping\n", 5, "ping\n", 5), CASS_OK);
  /* A new handshake cannot sign: a key error that names the missing token, at once. */
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
  CassError rc = tnet_handshake(&n);
  assert_int_equal(rc, CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_non_null(strstr(cassl_session_error_message(n.cs), "no PKCS#11 token matches"));
  tnet_close(&n);
  assert_int_equal(tnet_exchange(&open_one, "pong\n", 5, "pong\n", 5), CASS_OK);
  tnet_close(&open_one);
  peer_stop(p);
  cassl_ssl_free(ssl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rsa_key_on_token_gnutls_serv),
    cmocka_unit_test(test_rsa_key_on_token_openssl),
    cmocka_unit_test(test_rsa_key_on_token_jsse),
    cmocka_unit_test(test_ec_key_without_public_object),
    cmocka_unit_test(test_file_certificate_with_token_key),
    cmocka_unit_test(test_trusted_cas_from_token),
    cmocka_unit_test(test_pin_failures),
    cmocka_unit_test(test_lookup_failures),
    cmocka_unit_test(test_inspect_url),
    cmocka_unit_test(test_tool_with_token),
    cmocka_unit_test(test_token_removed),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
