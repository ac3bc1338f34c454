/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport against the shared interop peers (tests/support/peers.h): openssl
 * s_server forced to TLS 1.2 and 1.3, the JSSE server with the driver guide's keytool stores
 * (require_client_auth true), and the relay cut in the middle of a stream. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loopback.h"
#include "peers.h"
#include "transport_util.h"

struct fixture {
  uv_loop_t loop;
  cassl_uv_options opts;
  struct sockaddr_storage addr;
  struct tt_client t;
  const unsigned char *out; /* sent at establishment */
  size_t out_len;
  char protocol[32];
  int client_cert_sent;
  unsigned char got[1 << 20];
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  assert_int_equal(uv_loop_init(&f->loop), 0);
  cassl_uv_options_init(&f->opts);
  f->t.close_on_end = 1;
  f->t.user = f;
  f->t.capture = f->got;
  f->t.capture_cap = sizeof f->got;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  tt_loop_close(&f->loop);
  free(f);
  return 0;
}

static char *slurp(const char *path)
{
  FILE *fp = fopen(path, "rb");
  char *buf;
  long n;
  if (!fp)
    fail_msg("cannot open %s", path);
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  rewind(fp);
  buf = calloc(1, (size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  return buf;
}

static CassSsl *ssl_trusting(const char *ca, int flags)
{
  CassSsl *ssl = cass_ssl_new();
  char *pem = slurp(peers_pki(ca));
  assert_non_null(ssl);
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, pem), CASS_OK);
  cass_ssl_set_verify_flags(ssl, flags);
  free(pem);
  return ssl;
}

static void on_established(struct tt_client *t)
{
  struct fixture *f = t->user;
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(cassl_uv_conn_session(t->conn), &info), CASS_OK);
  snprintf(f->protocol, sizeof f->protocol, "%s", info.protocol);
  f->client_cert_sent = info.client_cert_sent;
  if (f->out_len)
    tt_write(t, f->out, f->out_len);
}

static void run(struct fixture *f, CassSsl *ssl, const peer *p)
{
  socklen_t len;
  const struct sockaddr *sa = peer_address(p, &len);
  memcpy(&f->addr, sa, len);
  f->opts.address = (struct sockaddr *)&f->addr;
  f->t.on_established = on_established;
  tt_client_start(&f->t, &f->loop, ssl, &f->opts);
  tt_run(&f->loop, 60000);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.close_calls, 1);
  assert_int_equal(f->t.writes_ok + f->t.writes_failed, f->t.writes_accepted);
}

/* ---- openssl s_server -rev --------------------------------------------------------------- */

static void openssl_rev(void **state, peer_tls_version version, const char *host,
                        const char *protocol)
{
  struct fixture *f = *state;
  static const char line[] = "hello from libuv\n", rev[] = "vubil morf olleh\n";
  SKIP_UNLESS_USABLE(host);
  peer_tls_options o = {.host = host, .version = version};
  CassSsl *ssl = ssl_trusting("ca.pem", CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  peer *p = NULL;
  char cert[4096], key[4096];

  /* peers_pki's strings are short-lived: keep copies. */
  snprintf(cert, sizeof cert, "%s", peers_pki("server-ip.pem"));
  snprintf(key, sizeof key, "%s", peers_pki("server-ip-key.pem"));
  o.cert_file = cert;
  o.key_file = key;
  if (peer_start_openssl(&o, &p) != 0)
    fail_msg("cannot start openssl s_server");
  f->out = (const unsigned char *)line;
  f->out_len = sizeof line - 1;
  f->t.close_after = sizeof rev - 1;
  run(f, ssl, p);
  peer_stop(p);
  cass_ssl_free(ssl);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_string_equal(f->protocol, protocol);
  assert_int_equal(f->t.received, sizeof rev - 1);
  assert_memory_equal(f->got, rev, sizeof rev - 1);
  assert_int_equal(f->t.writes_ok, 1);
  assert_int_equal(f->t.close_status, CASS_OK);
}

static void test_openssl_tls12_v4(void **state)
{
  openssl_rev(state, PEER_TLS1_2, "127.0.0.1", "TLS1.2");
}

static void test_openssl_tls13_v6(void **state)
{
  openssl_rev(state, PEER_TLS1_3, "::1", "TLS1.3");
}

/* ---- JSSE, the driver's SSL guide -------------------------------------------------------- */

static CassSsl *guide_ssl(int with_client_cert)
{
  CassSsl *ssl = ssl_trusting("jks/node.pem",
                              CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  if (with_client_cert) {
    char *cert = slurp(peers_pki("jks/driver-cert.pem"));
    char *key = slurp(peers_pki("jks/driver-key.pem"));
    assert_int_equal(cass_ssl_set_cert(ssl, cert), CASS_OK);
    assert_int_equal(cass_ssl_set_private_key(ssl, key, "cassandra"), CASS_OK);
    free(cert);
    free(key);
  }
  return ssl;
}

static peer *start_jsse(peer_tls_version version)
{
  char keystore[4096], truststore[4096];
  peer *p = NULL;
  peer_tls_options o = {.host = "127.0.0.1", .client_auth = PEER_CLIENT_AUTH_REQUIRE,
                        .version = version, .mode = PEER_MODE_ECHO};
  snprintf(keystore, sizeof keystore, "%s", peers_pki("jks/keystore.jks"));
  snprintf(truststore, sizeof truststore, "%s", peers_pki("jks/truststore.jks"));
  o.keystore = keystore;
  o.truststore = truststore;
  if (peer_start_jsse(&o, &p) != 0)
    fail_msg("cannot start the JSSE server");
  return p;
}

/* Node certificate with the IP in its CN, require_client_auth true, the driver's key through
 * PKCS#12 with its password, PEER_CERT | PEER_IDENTITY: 1 MiB echoed byte for byte. */
static void test_jsse_guide(void **state)
{
  struct fixture *f = *state;
  static unsigned char data[1 << 20];
  CassSsl *ssl;
  peer *p;

  if (!peers_have("java")) {
    fprintf(stderr, "java not available: JSSE case skipped\n");
    skip();
  }
  p = start_jsse(PEER_TLS_DEFAULT);
  ssl = guide_ssl(1);
  tt_fill(data, sizeof data, 0);
  f->out = data;
  f->out_len = sizeof data;
  f->t.check_pattern = 1;
  f->t.close_after = sizeof data;
  run(f, ssl, p);
  peer_stop(p);
  cass_ssl_free(ssl);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->client_cert_sent, 1);
  assert_int_equal(f->t.received, sizeof data);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.writes_ok, 1);
  assert_int_equal(f->t.close_status, CASS_OK);
}

/* No client certificate with require_client_auth: in TLS 1.3 the server's alert arrives
 * after our handshake finished, so the connect succeeds and the first read fails; in TLS
 * 1.2 the handshake itself fails. Either way the alert is a protocol error, and a write
 * queued meanwhile fails with it. */
static void jsse_no_client_cert(void **state, peer_tls_version version)
{
  struct fixture *f = *state;
  static const char msg[] = "ping\n";
  CassSsl *ssl;
  peer *p;

  if (!peers_have("java")) {
    fprintf(stderr, "java not available: JSSE case skipped\n");
    skip();
  }
  p = start_jsse(version);
  ssl = guide_ssl(0);
  f->out = (const unsigned char *)msg;
  f->out_len = sizeof msg - 1;
  run(f, ssl, p);
  peer_stop(p);
  cass_ssl_free(ssl);
  if (version == PEER_TLS1_3) {
    assert_int_equal(f->t.connect_status, CASS_OK);
    assert_int_equal(f->t.read_end_calls, 1);
    assert_int_equal(f->t.read_status, CASS_ERROR_SSL_PROTOCOL_ERROR);
    assert_int_equal(f->t.close_status, CASS_ERROR_SSL_PROTOCOL_ERROR);
    assert_string_equal(f->t.close_msg, f->t.read_msg);
  } else {
    assert_int_equal(f->t.connect_status, CASS_ERROR_SSL_PROTOCOL_ERROR);
    assert_int_equal(f->t.read_end_calls, 0);
    assert_int_equal(f->t.close_status, CASS_ERROR_SSL_PROTOCOL_ERROR);
  }
  assert_int_equal(f->t.received, 0);
}

static void test_jsse_no_client_cert_tls13(void **state)
{
  jsse_no_client_cert(state, PEER_TLS1_3);
}

static void test_jsse_no_client_cert_tls12(void **state)
{
  jsse_no_client_cert(state, PEER_TLS1_2);
}

/* ---- relay cut mid-stream ------------------------------------------------------------ */

/* gnutls-serv behind the relay; once its echo of our line is in, the relay drops both sides
 * without a close_notify: a truncation. */
static void test_relay_cut_is_truncation(void **state)
{
  struct fixture *f = *state;
  static const char line[] = "one line\n";
  peer_tls_options o = {.host = "127.0.0.1"};
  peer_relay_options r = {0};
  CassSsl *ssl = ssl_trusting("ca.pem", CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  char cert[4096], key[4096];
  peer *server = NULL, *relay = NULL;

  snprintf(cert, sizeof cert, "%s", peers_pki("server-ip.pem"));
  snprintf(key, sizeof key, "%s", peers_pki("server-ip-key.pem"));
  o.cert_file = cert;
  o.key_file = key;
  if (peer_start_gnutls_serv(&o, &server) != 0)
    fail_msg("cannot start gnutls-serv");
  r.target = peer_address(server, &r.target_len);
  if (peer_start_relay(&r, &relay) != 0)
    fail_msg("cannot start the relay");
  f->out = (const unsigned char *)line;
  f->out_len = sizeof line - 1;
  {
    socklen_t len;
    const struct sockaddr *sa = peer_address(relay, &len);
    memcpy(&f->addr, sa, len);
  }
  f->opts.address = (struct sockaddr *)&f->addr;
  f->t.on_established = on_established;
  tt_client_start(&f->t, &f->loop, ssl, &f->opts);
  /* Cut once the echo arrived. */
  while (f->t.received < sizeof line - 1 && f->t.read_end_calls == 0)
    uv_run(&f->loop, UV_RUN_ONCE);
  peer_relay_cut(relay);
  tt_run(&f->loop, 60000);
  peer_stop(relay);
  peer_stop(server);
  cass_ssl_free(ssl);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.received, sizeof line - 1);
  assert_memory_equal(f->got, line, sizeof line - 1);
  assert_int_equal(f->t.read_end_calls, 1);
  assert_int_equal(f->t.read_status, CASS_ERROR_SSL_CLOSED);
  assert_string_equal(f->t.read_msg, "connection truncated: EOF without close_notify");
  assert_int_equal(f->t.close_calls, 1);
  assert_int_equal(f->t.close_status, CASS_ERROR_SSL_CLOSED);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_openssl_tls12_v4, setup, teardown),
      cmocka_unit_test_setup_teardown(test_openssl_tls13_v6, setup, teardown),
      cmocka_unit_test_setup_teardown(test_jsse_guide, setup, teardown),
      cmocka_unit_test_setup_teardown(test_jsse_no_client_cert_tls13, setup, teardown),
      cmocka_unit_test_setup_teardown(test_jsse_no_client_cert_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_relay_cut_is_truncation, setup, teardown),
  };
  signal(SIGPIPE, SIG_IGN); /* as any libuv program must: a peer may go away mid-write */
  if (!peers_have("gnutls-serv") || !peers_have("openssl")) {
    fprintf(stderr, "gnutls-serv or openssl not installed: transport interop tests skipped\n");
    return 77;
  }
  if (!peers_pki("ca.pem")) {
    fprintf(stderr, "the test PKI could not be made\n");
    return 1;
  }
  if (getenv("CASSL_TEST_FILTER"))
    cmocka_set_test_filter(getenv("CASSL_TEST_FILTER"));
  return cmocka_run_group_tests_name("transport_peers", tests, NULL, NULL);
}
