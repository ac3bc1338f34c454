/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Verification after the handshake, exactly per the verify flags (DESIGN 2.1/2.2), against an
 * in-process GnuTLS server presenting purpose-made certificates. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session_util.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY
#define PEER_DNS CASS_SSL_VERIFY_PEER_IDENTITY_DNS

static struct tpki ca, other_ca, good;

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl verify CA");
  tpki_ca(&other_ca, "unrelated CA");
  tpki_leaf(&good, &ca, &(struct tpki_opts){ .cn = "node1.example",
                                             .dns = { "node1.example" },
                                             .ip = { "127.0.0.1", "::1" } });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&other_ca);
  tpki_free(&good);
  return 0;
}

struct outcome {
  CassError rc;
  char message[600];
  size_t peer_certs;
  char sni[256]; /* what the server received, "" for none */
  int alert;     /* the fatal alert the client sent the server on failure, -1 for none */
};

/* A session from a CassSsl trusting `trust` with `flags` to a server presenting `cert`
 * (NULL: anonymous server), at address ip with hostname and sni. */
static struct outcome connect_with(const struct tpki *trust, int flags, const struct tpki *cert,
                                   const char *ip, const char *hostname, const char *sni,
                                   const char *client_priority)
{
  struct outcome out = { 0 };
  CassSsl *ssl = tssl_new(trust, flags);
  if (client_priority)
    assert_int_equal(cassl_ssl_set_priority(ssl, client_priority), CASS_OK);
  struct tpeer peer;
  tpeer_init(&peer, ip, hostname, sni);
  cassl_session *cs;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){
                         .cert = cert,
                         .anon = cert == NULL,
                         .priority = cert ? "NORMAL" : "NORMAL:-VERS-TLS1.3:-KX-ALL:+ANON-ECDH" });
  out.rc = thandshake(cs, &srv, 0);
  snprintf(out.message, sizeof out.message, "%s", cassl_session_error_message(cs));
  if (out.rc == CASS_OK) {
    assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
    assert_string_equal(out.message, "");
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(cs, &info), CASS_OK);
    out.peer_certs = info.peer_cert_count;
    ttransfer(cs, &srv, 100, 0);
  } else {
    assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_FAILED);
    assert_int_equal(cassl_session_error(cs), out.rc);
    tpump(cs, &srv, 0);
    out.alert = tserver_alert_received(&srv);
  }
  size_t len = sizeof out.sni - 1;
  unsigned type;
  if (gnutls_server_name_get(srv.s, out.sni, &len, &type, 0) < 0)
    out.sni[0] = '\0';
  tserver_free(&srv);
  cassl_session_free(cs);
  cass_ssl_free(ssl);
  return out;
}

static void expect(struct outcome o, CassError rc, const char *needle)
{
  if (o.rc != rc)
    fail_msg("expected %s, got %s: %s", cassl_error_name(rc), cassl_error_name(o.rc), o.message);
  if (needle && !strstr(o.message, needle))
    fail_msg("message \"%s\" lacks \"%s\"", o.message, needle);
}

/* The server learns why it was rejected: the alert it received. */
static void expect_alert(struct outcome o, CassError rc, gnutls_alert_description_t alert)
{
  expect(o, rc, NULL);
  if (o.alert != (int)alert)
    fail_msg("the server received alert %d (%s), expected %d (%s); client: %s", o.alert,
             o.alert >= 0 ? gnutls_alert_get_name(o.alert) : "none", (int)alert,
             gnutls_alert_get_name(alert), o.message);
}

/* ---- the good certificate passes every combination --------------------------------- */

static void test_all_flag_combinations_pass(void **state)
{
  for (int flags = 0; flags <= 7; flags++) {
    expect(connect_with(&ca, flags, &good, "127.0.0.1", "node1.example", NULL, NULL), CASS_OK,
           NULL);
    expect(connect_with(&ca, flags, &good, "::1", "NODE1.example.", NULL, NULL), CASS_OK, NULL);
  }
}

/* ---- PEER_CERT --------------------------------------------------------------------- */

static void test_wrong_ca(void **state)
{
  const char *why = "unknown issuer";
  expect(connect_with(&other_ca, PEER_CERT, &good, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, why);
  expect(connect_with(&other_ca, PEER_CERT | PEER_IP | PEER_DNS, &good, "127.0.0.1",
                      "node1.example", NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, why);
  /* Without PEER_CERT the chain is not judged. */
  expect(connect_with(&other_ca, 0, &good, "127.0.0.1", NULL, NULL, NULL), CASS_OK, NULL);
  expect(connect_with(&other_ca, PEER_IP, &good, "127.0.0.1", NULL, NULL, NULL), CASS_OK, NULL);
  expect(connect_with(&other_ca, PEER_DNS, &good, "127.0.0.1", "node1.example", NULL, NULL),
         CASS_OK, NULL);
  /* Nothing trusted at all. */
  expect(connect_with(NULL, PEER_CERT, &good, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, why);
}

static void test_expired(void **state)
{
  time_t now = time(NULL);
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .not_before = now - 86400 * 10,
                                             .not_after = now - 86400 });
  struct outcome o = connect_with(&ca, PEER_CERT, &leaf, "127.0.0.1", NULL, NULL, NULL);
  expect(o, CASS_ERROR_SSL_INVALID_PEER_CERT, "expired (the server's certificate is valid until");
  expect(connect_with(&ca, PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL), CASS_OK, NULL);
  tpki_free(&leaf);
}

static void test_not_yet_valid(void **state)
{
  time_t now = time(NULL);
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .not_before = now + 86400,
                                             .not_after = now + 86400 * 10 });
  expect(connect_with(&ca, PEER_CERT, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, "not yet valid (the server's certificate is valid from");
  tpki_free(&leaf);
}

static void test_bad_signature(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .break_signature = true });
  expect(connect_with(&ca, PEER_CERT, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, "bad signature");
  tpki_free(&leaf);
}

/* A leaf whose extended key usage names TLS clients only is no server certificate. */
static void test_client_only_purpose(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .client = true });
  expect(connect_with(&ca, PEER_CERT, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, "it is not meant for TLS servers");
  expect(connect_with(&ca, PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL), CASS_OK, NULL);
  tpki_free(&leaf);
}

/* ---- PEER_IDENTITY (IP) ------------------------------------------------------------ */

static void test_ip_mismatch(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "node9", .ip = { "10.1.2.3", "fd00::9" } });
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, "127.0.0.1");
  expect(connect_with(&ca, PEER_IP, &leaf, "::1", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, "::1");
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "10.1.2.3", NULL, NULL, NULL), CASS_OK,
         NULL);
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "fd00::9", NULL, NULL, NULL), CASS_OK,
         NULL);
  /* IPv4 address vs an IPv6 SAN of other bytes. */
  expect(connect_with(&ca, PEER_IP, &leaf, "0.0.0.9", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  tpki_free(&leaf);
}

/* The driver guide's node certificate: the IP in the CN and no SANs. */
static void test_ip_in_cn(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1" });
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL), CASS_OK,
         NULL);
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "::1", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  tpki_free(&leaf);
}

static void test_cn_ignored_when_ip_san_present(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .ip = { "10.0.0.1" } });
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  tpki_free(&leaf);
  /* A DNS SAN also retires the CN. */
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .dns = { "node1.example" } });
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  tpki_free(&leaf);
}

static void test_ip_check_without_address(void **state)
{
  expect(connect_with(&ca, PEER_IP, &good, NULL, "node1.example", NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, "IP address is unknown");
}

/* ---- PEER_IDENTITY_DNS ------------------------------------------------------------- */

static void test_dns_mismatch(void **state)
{
  expect(connect_with(&ca, PEER_CERT | PEER_DNS, &good, "127.0.0.1", "other.example", NULL,
                      NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, "other.example");
  /* No host name known: a mismatch, never a pass. */
  expect(connect_with(&ca, PEER_DNS, &good, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  /* An IP literal is not a host name. */
  expect(connect_with(&ca, PEER_DNS, &good, "127.0.0.1", "127.0.0.1", NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  /* Not a valid host name. */
  expect(connect_with(&ca, PEER_DNS, &good, "127.0.0.1", "node1.example/x", NULL, NULL),
         CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
}

static void test_dns_wildcard_and_cn(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "ignored.example", .dns = { "*.dc1.example" } });
  expect(connect_with(&ca, PEER_CERT | PEER_DNS, &leaf, "127.0.0.1", "n7.dc1.example", NULL,
                      NULL), CASS_OK, NULL);
  expect(connect_with(&ca, PEER_CERT | PEER_DNS, &leaf, "127.0.0.1", "a.b.dc1.example", NULL,
                      NULL), CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  expect(connect_with(&ca, PEER_CERT | PEER_DNS, &leaf, "127.0.0.1", "ignored.example", NULL,
                      NULL), CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  tpki_free(&leaf);
  /* No SANs: the CN is the name. */
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "cn-only.example" });
  expect(connect_with(&ca, PEER_CERT | PEER_DNS, &leaf, "127.0.0.1", "cn-only.example", NULL,
                      NULL), CASS_OK, NULL);
  tpki_free(&leaf);
}

/* Both identity bits: the IP check is the one made. */
static void test_both_identity_bits(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .dns = { "node1.example" }, .ip = { "10.0.0.1" } });
  expect(connect_with(&ca, PEER_CERT | PEER_IP | PEER_DNS, &leaf, "10.0.0.1", "wrong.example",
                      NULL, NULL), CASS_OK, NULL);
  expect(connect_with(&ca, PEER_CERT | PEER_IP | PEER_DNS, &leaf, "127.0.0.1", "node1.example",
                      NULL, NULL), CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL);
  tpki_free(&leaf);
}

/* ---- no certificate at all (anonymous key exchange) -------------------------------- */

static void test_no_peer_cert(void **state)
{
  /* Only reachable with a priority override that enables anonymous ECDH (TLS 1.2). */
  const char *anon = "NORMAL:-VERS-TLS1.3:+ANON-ECDH";
  struct outcome o = connect_with(&ca, 0, NULL, "127.0.0.1", NULL, NULL, anon);
  expect(o, CASS_OK, NULL);
  assert_int_equal(o.peer_certs, 0);
  const int flag_sets[] = { PEER_CERT, PEER_IP, PEER_DNS, PEER_CERT | PEER_IP | PEER_DNS };
  for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++)
    expect(connect_with(&ca, flag_sets[i], NULL, "127.0.0.1", "node1.example", NULL, anon),
           CASS_ERROR_SSL_NO_PEER_CERT, "the server sent no certificate");
}

/* ---- names with a NUL inside ------------------------------------------------------- */

static void test_nul_in_cn(void **state)
{
  static const char cn[] = "127.0.0.1\0.evil.example";
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = cn, .cn_len = sizeof cn - 1 });
  expect(connect_with(&ca, PEER_CERT, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
  expect(connect_with(&ca, PEER_CERT | PEER_IP, &leaf, "127.0.0.1", NULL, NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
  expect(connect_with(&ca, PEER_DNS, &leaf, "127.0.0.1", "127.0.0.1", NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
  /* Flags 0 check nothing. */
  expect(connect_with(&ca, 0, &leaf, "127.0.0.1", NULL, NULL, NULL), CASS_OK, NULL);
  tpki_free(&leaf);
}

static void test_nul_in_dns_san(void **state)
{
  static const char dns[] = "node1.example\0.evil.example";
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .dns = { dns }, .dns_len = { sizeof dns - 1 } });
  expect(connect_with(&ca, PEER_CERT | PEER_DNS, &leaf, "127.0.0.1", "node1.example", NULL,
                      NULL), CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
  expect(connect_with(&ca, PEER_DNS, &leaf, "127.0.0.1", "node1.example", NULL, NULL),
         CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
  tpki_free(&leaf);
}

/* ---- SNI --------------------------------------------------------------------------- */

static void test_sni(void **state)
{
  struct outcome o;
  o = connect_with(&ca, PEER_CERT, &good, "127.0.0.1", "node1.example", NULL, NULL);
  assert_string_equal(o.sni, "node1.example");
  o = connect_with(&ca, PEER_CERT, &good, "127.0.0.1", "node1.example.", NULL, NULL);
  assert_string_equal(o.sni, "node1.example");
  o = connect_with(&ca, PEER_CERT, &good, "127.0.0.1", "127.0.0.1", NULL, NULL);
  assert_string_equal(o.sni, "");
  o = connect_with(&ca, PEER_CERT, &good, "::1", "::1", NULL, NULL);
  assert_string_equal(o.sni, "");
  o = connect_with(&ca, PEER_CERT, &good, "127.0.0.1", NULL, NULL, NULL);
  assert_string_equal(o.sni, "");
  o = connect_with(&ca, PEER_CERT, &good, "127.0.0.1", "bad host", NULL, NULL);
  assert_string_equal(o.sni, "");
  o = connect_with(&ca, PEER_CERT | PEER_DNS, &good, "127.0.0.1", "node1.example",
                   "cassandra.example", NULL);
  expect(o, CASS_OK, NULL);
  assert_string_equal(o.sni, "cassandra.example");
}

/* ---- the server hears why ------------------------------------------------------------ */

/* Every rejection ends with a fatal alert naming the fault, in TLS 1.3 and 1.2 alike, so
 * the server's log says why the client left. */
static void test_rejection_alerts(void **state)
{
  const char *versions[] = { NULL, "NORMAL:-VERS-TLS1.3" };
  time_t now = time(NULL);
  struct tpki expired, notyet, badsig, client_purpose, nul_cn;
  tpki_leaf(&expired, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .not_before = now - 864000,
                                                .not_after = now - 86400 });
  tpki_leaf(&notyet, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .not_before = now + 86400,
                                               .not_after = now + 864000 });
  tpki_leaf(&badsig, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .break_signature = true });
  tpki_leaf(&client_purpose, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .client = true });
  static const char cn[] = "127.0.0.1\0.evil.example";
  tpki_leaf(&nul_cn, &ca, &(struct tpki_opts){ .cn = cn, .cn_len = sizeof cn - 1 });
  for (size_t v = 0; v < 2; v++) {
    const char *prio = versions[v];
    expect_alert(connect_with(&other_ca, PEER_CERT, &good, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNKNOWN_CA);
    expect_alert(connect_with(NULL, PEER_CERT, &good, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNKNOWN_CA);
    expect_alert(connect_with(&ca, PEER_CERT, &expired, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_CERTIFICATE_EXPIRED);
    expect_alert(connect_with(&ca, PEER_CERT, &notyet, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_BAD_CERTIFICATE);
    expect_alert(connect_with(&ca, PEER_CERT, &badsig, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_BAD_CERTIFICATE);
    expect_alert(connect_with(&ca, PEER_CERT, &client_purpose, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNSUPPORTED_CERTIFICATE);
    expect_alert(connect_with(&ca, PEER_CERT | PEER_IP, &good, "10.0.0.7", NULL, NULL, prio),
                 CASS_ERROR_SSL_IDENTITY_MISMATCH, GNUTLS_A_BAD_CERTIFICATE);
    expect_alert(connect_with(&ca, PEER_CERT | PEER_DNS, &good, "127.0.0.1", "other.example",
                              NULL, prio),
                 CASS_ERROR_SSL_IDENTITY_MISMATCH, GNUTLS_A_BAD_CERTIFICATE);
    expect_alert(connect_with(&ca, PEER_IP, &nul_cn, "127.0.0.1", NULL, NULL, prio),
                 CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_BAD_CERTIFICATE);
    /* Accepted sessions end without any alert (ttransfer has exchanged data). */
    struct outcome ok = connect_with(&ca, PEER_CERT | PEER_IP, &good, "127.0.0.1", NULL, NULL,
                                     prio);
    expect(ok, CASS_OK, NULL);
    assert_int_equal(ok.alert, 0);
  }
  expect_alert(connect_with(&ca, PEER_CERT, NULL, "127.0.0.1", NULL, NULL,
                            "NORMAL:-VERS-TLS1.3:+ANON-ECDH"),
               CASS_ERROR_SSL_NO_PEER_CERT, GNUTLS_A_HANDSHAKE_FAILURE);
  tpki_free(&expired);
  tpki_free(&notyet);
  tpki_free(&badsig);
  tpki_free(&client_purpose);
  tpki_free(&nul_cn);
}

/* The flags in force when the session was made are the ones applied. */
static void test_flags_snapshot(void **state)
{
  CassSsl *ssl = tssl_new(&other_ca, 0);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", NULL, NULL);
  cassl_session *cs;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  cass_ssl_set_verify_flags(ssl, PEER_CERT);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &good });
  assert_int_equal(thandshake(cs, &srv, 0), CASS_OK);
  tserver_free(&srv);
  cassl_session_free(cs);
  cass_ssl_free(ssl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_all_flag_combinations_pass),
    cmocka_unit_test(test_wrong_ca),
    cmocka_unit_test(test_expired),
    cmocka_unit_test(test_not_yet_valid),
    cmocka_unit_test(test_bad_signature),
    cmocka_unit_test(test_client_only_purpose),
    cmocka_unit_test(test_ip_mismatch),
    cmocka_unit_test(test_ip_in_cn),
    cmocka_unit_test(test_cn_ignored_when_ip_san_present),
    cmocka_unit_test(test_ip_check_without_address),
    cmocka_unit_test(test_dns_mismatch),
    cmocka_unit_test(test_dns_wildcard_and_cn),
    cmocka_unit_test(test_both_identity_bits),
    cmocka_unit_test(test_no_peer_cert),
    cmocka_unit_test(test_nul_in_cn),
    cmocka_unit_test(test_nul_in_dns_san),
    cmocka_unit_test(test_sni),
    cmocka_unit_test(test_flags_snapshot),
    cmocka_unit_test(test_rejection_alerts),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
