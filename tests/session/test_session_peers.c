/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The session engine over real sockets against real TLS servers: gnutls-serv and openssl
 * s_server, each forced to TLS 1.2 and TLS 1.3, with and without a required client
 * certificate, on 127.0.0.1 and ::1; verification failures with the fixture PKI; a plain TCP
 * server; a relay that delivers the server's bytes one at a time. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loopback.h"
#include "session_net.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY
#define PEER_DNS CASS_SSL_VERIFY_PEER_IDENTITY_DNS

typedef int (*start_fn)(const peer_tls_options *, peer **);

enum echo_kind { ECHO_LINES, ECHO_REVERSED_LINES };

static CassSsl *make_ssl(int flags, const char *ca, bool client_cert)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  char *pem = tnet_read_file(tnet_pki(ca));
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, pem), CASS_OK);
  free(pem);
  if (client_cert) {
    char *cert = tnet_read_file(tnet_pki("client.pem"));
    char *key = tnet_read_file(tnet_pki("client-key-enc.pem"));
    assert_int_equal(cass_ssl_set_cert(ssl, cert), CASS_OK);
    assert_int_equal(cass_ssl_set_private_key(ssl, key, "cassandra"), CASS_OK);
    free(cert);
    free(key);
  }
  cass_ssl_set_verify_flags(ssl, flags);
  return ssl;
}

static peer *start_server(start_fn start, const char *host, peer_tls_version version,
                          peer_client_auth auth, const char *cert)
{
  char cert_file[4096], key_file[4096], ca_file[4096];
  snprintf(cert_file, sizeof cert_file, "%s", tnet_pki(cert));
  char key_name[256];
  snprintf(key_name, sizeof key_name, "%.*s-key.pem", (int)(strlen(cert) - 4), cert);
  snprintf(key_file, sizeof key_file, "%s", tnet_pki(key_name));
  snprintf(ca_file, sizeof ca_file, "%s", tnet_pki("ca.pem"));
  peer_tls_options opts = { .host = host, .cert_file = cert_file, .key_file = key_file,
                            .client_ca_file = ca_file, .client_auth = auth, .version = version };
  SKIP_UNLESS_USABLE(host);
  peer *p = NULL;
  if (start(&opts, &p) != 0)
    fail_msg("cannot start the TLS server");
  return p;
}

/* count lines of 63 characters + '\n', and what the server answers. */
static void make_lines(size_t count, enum echo_kind kind, char **send, char **want, size_t *len)
{
  *len = count * 64;
  *send = malloc(*len);
  *want = malloc(*len);
  assert_true(*send && *want);
  for (size_t i = 0; i < count; i++) {
    char *line = *send + i * 64;
    char text[80];
    snprintf(text, sizeof text, "%010zu line of the cassl interop test, 0123456789abcdefghij", i);
    assert_int_equal(strlen(text), 63);
    memcpy(line, text, 63);
    line[63] = '\n';
    char *answer = *want + i * 64;
    for (size_t j = 0; j < 63; j++)
      answer[j] = kind == ECHO_LINES ? line[j] : line[62 - j];
    answer[63] = '\n';
  }
}

static void expect_rc(CassError got, CassError want, cassl_session *cs, const char *needle)
{
  if (got != want)
    fail_msg("expected %s, got %s: %s", cassl_error_name(want), cassl_error_name(got),
             cassl_session_error_message(cs));
  if (needle && !strstr(cassl_session_error_message(cs), needle))
    fail_msg("message \"%s\" lacks \"%s\"", cassl_session_error_message(cs), needle);
}

/* One connection: handshake with full verification, one echoed line, clean shutdown. */
static void connect_and_echo(start_fn start, enum echo_kind kind, const char *host,
                             peer_tls_version version, peer_client_auth auth, bool client_cert)
{
  peer *p = start_server(start, host, version, auth, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP, "ca.pem", client_cert);
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
  CassError rc = tnet_handshake(&n);
  char *send, *want;
  size_t len;
  make_lines(3, kind, &send, &want, &len);
  bool refused = auth == PEER_CLIENT_AUTH_REQUIRE && !client_cert;
  if (rc == CASS_OK)
    rc = tnet_exchange(&n, send, len, want, len);
  if (refused) {
    /* TLS 1.2: the handshake fails; TLS 1.3: the first read after it does. */
    expect_rc(rc, CASS_ERROR_SSL_PROTOCOL_ERROR, n.cs,
              "the server asked for a client certificate and none is set");
  } else {
    expect_rc(rc, CASS_OK, n.cs, NULL);
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(n.cs, &info), CASS_OK);
    assert_string_equal(info.protocol, version == PEER_TLS1_2 ? "TLS1.2" : "TLS1.3");
    assert_int_equal(info.client_cert_requested, auth != PEER_CLIENT_AUTH_NONE);
    assert_int_equal(info.client_cert_sent, auth != PEER_CLIENT_AUTH_NONE && client_cert);
    rc = tnet_shutdown(&n);
    assert_true(rc == CASS_OK || rc == CASS_ERROR_SSL_CLOSED);
  }
  free(send);
  free(want);
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void run_matrix(start_fn start, enum echo_kind kind, peer_tls_version version)
{
  static const char *hosts[] = { "127.0.0.1", "::1" };
  for (int h = 0; h < 2; h++) {
    if (!loopback_usable(hosts[h], "its connections are left out"))
      continue;
    connect_and_echo(start, kind, hosts[h], version, PEER_CLIENT_AUTH_NONE, false);
    connect_and_echo(start, kind, hosts[h], version, PEER_CLIENT_AUTH_REQUIRE, true);
    connect_and_echo(start, kind, hosts[h], version, PEER_CLIENT_AUTH_REQUIRE, false);
  }
}

static void test_gnutls_serv_tls12(void **state)
{
  run_matrix(peer_start_gnutls_serv, ECHO_LINES, PEER_TLS1_2);
}

static void test_gnutls_serv_tls13(void **state)
{
  run_matrix(peer_start_gnutls_serv, ECHO_LINES, PEER_TLS1_3);
}

static void test_openssl_tls12(void **state)
{
  run_matrix(peer_start_openssl, ECHO_REVERSED_LINES, PEER_TLS1_2);
}

static void test_openssl_tls13(void **state)
{
  run_matrix(peer_start_openssl, ECHO_REVERSED_LINES, PEER_TLS1_3);
}

/* 1 MiB each way, checked byte for byte. */
static void run_bulk(start_fn start, enum echo_kind kind, peer_tls_version version)
{
  peer *p = start_server(start, "127.0.0.1", version, PEER_CLIENT_AUTH_NONE, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP, "ca.pem", false);
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
  expect_rc(tnet_handshake(&n), CASS_OK, n.cs, NULL);
  char *send, *want;
  size_t len;
  make_lines(16384, kind, &send, &want, &len);
  expect_rc(tnet_exchange(&n, send, len, want, len), CASS_OK, n.cs, NULL);
  free(send);
  free(want);
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_gnutls_serv_bulk_tls12(void **state)
{
  run_bulk(peer_start_gnutls_serv, ECHO_LINES, PEER_TLS1_2);
}

static void test_gnutls_serv_bulk_tls13(void **state)
{
  run_bulk(peer_start_gnutls_serv, ECHO_LINES, PEER_TLS1_3);
}

static void test_openssl_bulk_tls13(void **state)
{
  run_bulk(peer_start_openssl, ECHO_REVERSED_LINES, PEER_TLS1_3);
}

/* ---- verification against a real server ------------------------------------------- */

static CassError verify_against(start_fn start, const char *cert, const char *ca, int flags,
                                const char *host, const char *hostname, struct tnet *n,
                                CassSsl **ssl, peer **p)
{
  *p = start_server(start, host, PEER_TLS_DEFAULT, PEER_CLIENT_AUTH_NONE, cert);
  *ssl = make_ssl(flags, ca, false);
  assert_int_equal(tnet_open(n, *ssl, *p, hostname), CASS_OK);
  CassError rc = tnet_handshake(n);
  if (rc == CASS_OK) {
    /* gnutls-serv echoes the line, s_server -rev reverses it. */
    const char *want = start == peer_start_openssl ? "gnip\n" : "ping\n";
    rc = tnet_exchange(n, "ping\n", 5, want, 5);
  }
  return rc;
}

/* alert: the fatal alert the server must log receiving (the reason the client sent it for
 * rejecting its certificate), 0 for none expected. */
static void check_verify_alert(start_fn start, const char *cert, const char *ca, int flags,
                               const char *host, const char *hostname, CassError want,
                               const char *needle, int alert)
{
  if (!loopback_usable(host, "this check is left out"))
    return;
  struct tnet n;
  CassSsl *ssl;
  peer *p;
  CassError rc = verify_against(start, cert, ca, flags, host, hostname, &n, &ssl, &p);
  expect_rc(rc, want, n.cs, needle);
  if (alert && !peer_saw_alert(p, alert, 5000))
    fail_msg("the server did not log alert %d after %s was refused", alert, cert);
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void check_verify(const char *cert, const char *ca, int flags, const char *host,
                         const char *hostname, CassError want, const char *needle)
{
  check_verify_alert(peer_start_gnutls_serv, cert, ca, flags, host, hostname, want, needle, 0);
}

static void test_verify_failures(void **state)
{
  start_fn gnutls = peer_start_gnutls_serv;
  check_verify_alert(gnutls, "server-ip.pem", "other-ca.pem", PEER_CERT, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer", 48);
  check_verify_alert(gnutls, "server-wrongca.pem", "ca.pem", PEER_CERT | PEER_IP, "::1", NULL,
                     CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer", 48);
  check_verify_alert(gnutls, "server-expired.pem", "ca.pem", PEER_CERT, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_INVALID_PEER_CERT, "expired", 45);
  check_verify_alert(gnutls, "server-notyet.pem", "ca.pem", PEER_CERT, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_INVALID_PEER_CERT, "not yet valid", 42);
  /* CN 127.0.0.1 with an IP SAN 10.9.9.9: the SAN overrides the CN. */
  check_verify_alert(gnutls, "server-san-override.pem", "ca.pem", PEER_CERT | PEER_IP, "127.0.0.1",
                     NULL, CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL, 42);
  check_verify_alert(gnutls, "server-dns.pem", "ca.pem", PEER_CERT | PEER_IP, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL, 42);
  check_verify_alert(gnutls, "server-dns.pem", "ca.pem", PEER_CERT | PEER_DNS, "127.0.0.1",
                     "other.cassl.test", CASS_ERROR_SSL_IDENTITY_MISMATCH, "other.cassl.test", 42);
  check_verify_alert(gnutls, "server-dns.pem", "ca.pem", PEER_CERT | PEER_DNS, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL, 42);
}

/* openssl s_server hears the same reasons. */
static void test_verify_failures_openssl(void **state)
{
  start_fn openssl = peer_start_openssl;
  check_verify_alert(openssl, "server-ip.pem", "other-ca.pem", PEER_CERT, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer", 48);
  check_verify_alert(openssl, "server-expired.pem", "ca.pem", PEER_CERT, "::1", NULL,
                     CASS_ERROR_SSL_INVALID_PEER_CERT, "expired", 45);
  check_verify_alert(openssl, "server-dns.pem", "ca.pem", PEER_CERT | PEER_IP, "127.0.0.1", NULL,
                     CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL, 42);
}

/* A server the checks refuse never receives the client's certificate: openssl s_server logs
 * "depth=0 ... CN = driver" for each client certificate it receives. */
static void refused_before_client_cert(peer_tls_version version)
{
  peer *p = start_server(peer_start_openssl, "127.0.0.1", version, PEER_CLIENT_AUTH_REQUEST,
                         "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT, "other-ca.pem", true);
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
  expect_rc(tnet_handshake(&n), CASS_ERROR_SSL_INVALID_PEER_CERT, n.cs, "unknown issuer");
  if (!peer_saw_alert(p, 48, 5000))
    fail_msg("the server did not log unknown_ca");
  tnet_close(&n);
  assert_false(peer_log_wait(p, "CN = driver", 200));
  cass_ssl_free(ssl);

  /* The same client against a server it trusts: the certificate goes, the server logs it. */
  ssl = make_ssl(PEER_CERT, "ca.pem", true);
  assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
  assert_int_equal(tnet_handshake(&n), CASS_OK);
  assert_int_equal(tnet_exchange(&n, "ping\n", 5, "gnip\n", 5), CASS_OK);
  assert_true(peer_log_wait(p, "CN = driver", 5000));
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_refused_server_gets_no_client_cert(void **state)
{
  refused_before_client_cert(PEER_TLS1_3);
  refused_before_client_cert(PEER_TLS1_2);
}

static void test_verify_successes(void **state)
{
  check_verify("server-cn-only.pem", "ca.pem", PEER_CERT | PEER_IP, "127.0.0.1", NULL, CASS_OK,
               NULL);
  check_verify("server-dns.pem", "ca.pem", PEER_CERT | PEER_DNS, "::1", "node.cassl.test",
               CASS_OK, NULL);
  check_verify("server-ecdsa.pem", "ca.pem", PEER_CERT | PEER_IP, "::1", NULL, CASS_OK, NULL);
  /* Leaf + intermediate sent by the server, only the root trusted. */
  check_verify("server-chain.pem", "ca.pem", PEER_CERT | PEER_IP, "127.0.0.1", NULL, CASS_OK,
               NULL);
  /* Flags 0 accept anything, even a certificate from an unknown CA. */
  check_verify("server-wrongca.pem", "ca.pem", 0, "127.0.0.1", NULL, CASS_OK, NULL);
}

static void test_verify_nul_names(void **state)
{
  FILE *f = fopen(tnet_pki("server-nul.pem"), "r");
  if (!f) {
    /* Made only when tests/support/mknulcert was built (GnuTLS builds); covered in-process too. */
    print_message("server-nul.pem not in the fixtures; NUL names checked in-process only\n");
    skip();
  }
  fclose(f);
  check_verify("server-nul.pem", "ca.pem", PEER_CERT, "127.0.0.1", NULL,
               CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
  check_verify("server-nul-cn.pem", "ca.pem", PEER_CERT | PEER_IP, "127.0.0.1", NULL,
               CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
}

/* ---- not TLS, one byte at a time --------------------------------------------------- */

static void test_plain_tcp_server(void **state)
{
  static const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
  peer *p = NULL;
  assert_int_equal(peer_start_plain("127.0.0.1", reply, sizeof reply - 1, &p), 0);
  CassSsl *ssl = make_ssl(PEER_CERT, "ca.pem", false);
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
  expect_rc(tnet_handshake(&n), CASS_ERROR_SSL_PROTOCOL_ERROR, n.cs,
            "the server did not answer with TLS (is this port TLS-enabled?)");
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void run_relay(peer_tls_version version)
{
  peer *server = start_server(peer_start_gnutls_serv, "127.0.0.1", version,
                              PEER_CLIENT_AUTH_REQUIRE, "server-ip.pem");
  socklen_t len;
  const struct sockaddr *target = peer_address(server, &len);
  peer *relay = NULL;
  peer_relay_options ro = { .target = target, .target_len = len };
  assert_int_equal(peer_start_relay(&ro, &relay), 0);
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP, "ca.pem", true);
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, relay, NULL), CASS_OK);
  expect_rc(tnet_handshake(&n), CASS_OK, n.cs, NULL);
  char *send, *want;
  size_t size;
  make_lines(64, ECHO_LINES, &send, &want, &size);
  expect_rc(tnet_exchange(&n, send, size, want, size), CASS_OK, n.cs, NULL);
  free(send);
  free(want);
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(relay);
  peer_stop(server);
}

static void test_relay_one_byte_tls12(void **state) { run_relay(PEER_TLS1_2); }
static void test_relay_one_byte_tls13(void **state) { run_relay(PEER_TLS1_3); }

static int group_setup(void **state)
{
  if (!peers_have("gnutls-serv") || !peers_have("openssl")) {
    fprintf(stderr, "skipping: gnutls-serv (gnutls-bin) and openssl are needed\n");
    exit(77);
  }
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_gnutls_serv_tls12),
    cmocka_unit_test(test_gnutls_serv_tls13),
    cmocka_unit_test(test_openssl_tls12),
    cmocka_unit_test(test_openssl_tls13),
    cmocka_unit_test(test_gnutls_serv_bulk_tls12),
    cmocka_unit_test(test_gnutls_serv_bulk_tls13),
    cmocka_unit_test(test_openssl_bulk_tls13),
    cmocka_unit_test(test_verify_failures),
    cmocka_unit_test(test_verify_failures_openssl),
    cmocka_unit_test(test_refused_server_gets_no_client_cert),
    cmocka_unit_test(test_verify_successes),
    cmocka_unit_test(test_verify_nul_names),
    cmocka_unit_test(test_plain_tcp_server),
    cmocka_unit_test(test_relay_one_byte_tls12),
    cmocka_unit_test(test_relay_one_byte_tls13),
  };
  return cmocka_run_group_tests(tests, group_setup, NULL);
}
