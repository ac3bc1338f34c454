/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The session engine against the JDK's TLS (JSSE, what Cassandra runs), with stores made
 * by keytool exactly as the driver's SSL guide does (tests/fixtures/pki.sh, jks/): the node
 * certificate with its IP in the CN, a second node with IP SANs, the driver's key converted
 * through PKCS#12 into an encrypted PEM key, require_client_auth true and false. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loopback.h"
#include "session_net.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY

struct jsse_case {
  const char *host;
  const char *keystore;      /* jks/... */
  const char *node_pem;      /* what the client trusts */
  peer_client_auth auth;
  peer_tls_version version;
  bool driver_cert;          /* the guide's driver certificate and encrypted key */
  bool foreign_cert;         /* a client certificate the node does not trust */
  int node_alert;            /* the alert the node must receive when the client rejects it */
  const char *schemes;       /* jdk.tls.server.SignatureSchemes, NULL = the JDK's */
};

/* The guide's client: trust the exported node certificate, load the driver's PEM chain and
 * its encrypted key with the store password, verify the peer certificate and its IP. */
static CassSsl *guide_ssl(const struct jsse_case *c)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  char *node = tnet_read_file(tnet_pki(c->node_pem));
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, node), CASS_OK);
  free(node);
  if (c->driver_cert || c->foreign_cert) {
    char *cert = tnet_read_file(tnet_pki(c->driver_cert ? "jks/driver-cert.pem" : "client.pem"));
    char *key = tnet_read_file(tnet_pki(c->driver_cert ? "jks/driver-key.pem" : "client-key.pem"));
    assert_int_equal(cass_ssl_set_cert(ssl, cert), CASS_OK);
    CassError rc = cass_ssl_set_private_key(ssl, key, c->driver_cert ? "cassandra" : NULL);
    if (rc != CASS_OK)
      fail_msg("set_private_key: %s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
    free(cert);
    free(key);
  }
  cass_ssl_set_verify_flags(ssl, PEER_CERT | PEER_IP);
  return ssl;
}

static peer *start_jsse(const struct jsse_case *c)
{
  char keystore[4096], truststore[4096];
  snprintf(keystore, sizeof keystore, "%s", tnet_pki(c->keystore));
  snprintf(truststore, sizeof truststore, "%s", tnet_pki("jks/truststore.jks"));
  peer_tls_options opts = { .host = c->host, .keystore = keystore, .truststore = truststore,
                            .client_auth = c->auth, .version = c->version,
                            .mode = PEER_MODE_ECHO, .jsse_signature_schemes = c->schemes };
  SKIP_UNLESS_USABLE(c->host);
  peer *p = NULL;
  if (peer_start_jsse(&opts, &p) != 0)
    fail_msg("cannot start the JSSE server");
  return p;
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
  uint32_t x = 2463534242u ^ seed;
  for (size_t i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (unsigned char)x;
  }
}

/* Connects, handshakes, echoes len bytes; returns the first failure. */
static CassError run_case(const struct jsse_case *c, size_t len, struct tnet *n, CassSsl **ssl,
                          peer **p)
{
  *p = start_jsse(c);
  *ssl = guide_ssl(c);
  assert_int_equal(tnet_open(n, *ssl, *p, NULL), CASS_OK);
  CassError rc = tnet_handshake(n);
  if (rc == CASS_OK) {
    unsigned char *data = malloc(len);
    assert_non_null(data);
    fill(data, len, (unsigned)len);
    rc = tnet_exchange(n, data, len, data, len);
    free(data);
  }
  return rc;
}

static void expect_case(const struct jsse_case *c, size_t len, CassError want,
                        const char *needle)
{
  struct tnet n;
  CassSsl *ssl;
  peer *p;
  CassError rc = run_case(c, len, &n, &ssl, &p);
  if (rc != want)
    fail_msg("expected %s, got %s: %s", cassl_error_name(want), cassl_error_name(rc),
             cassl_session_error_message(n.cs));
  if (needle && !strstr(cassl_session_error_message(n.cs), needle))
    fail_msg("message \"%s\" lacks \"%s\"", cassl_session_error_message(n.cs), needle);
  if (rc == CASS_OK) {
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(n.cs, &info), CASS_OK);
    if (c->version != PEER_TLS_DEFAULT)
      assert_string_equal(info.protocol, c->version == PEER_TLS1_2 ? "TLS1.2" : "TLS1.3");
    else
      assert_string_equal(info.protocol, "TLS1.3");
    assert_int_equal(info.client_cert_sent, c->auth != PEER_CLIENT_AUTH_NONE && c->driver_cert);
    CassError end = tnet_shutdown(&n);
    assert_true(end == CASS_OK || end == CASS_ERROR_SSL_CLOSED);
  }
  if (c->node_alert && !peer_saw_alert(p, c->node_alert, 10000))
    fail_msg("the JSSE node did not receive alert %d", c->node_alert);
  tnet_close(&n);
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* The guide end to end: node cert with the IP in the CN, require_client_auth true,
 * PEER_CERT | PEER_IDENTITY, the driver's key through PKCS#12 with its password. */
static void test_guide_end_to_end(void **state)
{
  const peer_tls_version versions[] = { PEER_TLS_DEFAULT, PEER_TLS1_2, PEER_TLS1_3 };
  for (int v = 0; v < 3; v++) {
    struct jsse_case c = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                           .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                           .version = versions[v], .driver_cert = true };
    expect_case(&c, 4096, CASS_OK, NULL);
  }
}

static void test_client_auth_false(void **state)
{
  struct jsse_case c = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                         .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_NONE };
  expect_case(&c, 1000, CASS_OK, NULL);
}

/* JSSE answers a missing client certificate with a fatal alert; in TLS 1.3 the client sees
 * it on its first read after the handshake. */
static void test_client_cert_required_missing(void **state)
{
  const peer_tls_version versions[] = { PEER_TLS1_2, PEER_TLS1_3 };
  for (int v = 0; v < 2; v++) {
    struct jsse_case c = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                           .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                           .version = versions[v] };
    expect_case(&c, 100, CASS_ERROR_SSL_PROTOCOL_ERROR,
                "the server asked for a client certificate and none is set");
  }
}

static void test_client_cert_not_trusted(void **state)
{
  struct jsse_case c = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                         .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                         .version = PEER_TLS1_3, .foreign_cert = true };
  expect_case(&c, 100, CASS_ERROR_SSL_PROTOCOL_ERROR, "rejected our client certificate");
}

/* A Java node limited to RSA-PSS signatures (jdk.tls.server.SignatureSchemes, as newer
 * JDKs and hardened nodes are): its CertificateRequest lists only rsa_pss_rsae_* schemes,
 * and the guide's driver certificate, an RSA key made by keytool, must still be sent (signed
 * with RSA-PSS) and accepted, in TLS 1.3 and 1.2. The node's debug log shows both. */
static void test_client_cert_rsa_pss_only(void **state)
{
  static const char schemes[] = "rsa_pss_rsae_sha256,rsa_pss_rsae_sha384,rsa_pss_rsae_sha512";
  const peer_tls_version versions[] = { PEER_TLS1_3, PEER_TLS1_2 };
  for (int v = 0; v < 2; v++) {
    struct jsse_case c = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                           .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                           .version = versions[v], .driver_cert = true, .schemes = schemes };
    struct tnet n;
    CassSsl *ssl;
    peer *p;
    CassError rc = run_case(&c, 1000, &n, &ssl, &p);
    if (rc != CASS_OK)
      fail_msg("TLS %s: %s: %s", versions[v] == PEER_TLS1_3 ? "1.3" : "1.2",
               cassl_error_name(rc), cassl_session_error_message(n.cs));
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(n.cs, &info), CASS_OK);
    assert_true(info.client_cert_requested);
    assert_true(info.client_cert_sent);
    /* The request listed exactly the three schemes (JSSE's words differ per version), the
     * node read the client's CertificateVerify, and accepted it (the exchange worked). */
    if (!peer_log_wait(p, versions[v] == PEER_TLS1_3
                              ? "\"signature schemes\": [rsa_pss_rsae_sha256, "
                                "rsa_pss_rsae_sha384, rsa_pss_rsae_sha512]"
                              : "\"supported signature algorithms\": [rsa_pss_rsae_sha256, "
                                "rsa_pss_rsae_sha384, rsa_pss_rsae_sha512]",
                       10000))
      fail_msg("the node's log shows no CertificateRequest limited to RSA-PSS");
    if (!peer_log_wait(p, "Consuming CertificateVerify handshake message", 10000))
      fail_msg("the node's log shows no CertificateVerify from the client");
    tnet_shutdown(&n);
    tnet_close(&n);
    cass_ssl_free(ssl);
    peer_stop(p);
  }
}

/* The node certificate names 127.0.0.1 in its CN: over ::1 the identity does not match. */
static void test_cn_node_over_ipv6(void **state)
{
  struct jsse_case c = { .host = "::1", .keystore = "jks/keystore.jks",
                         .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                         .driver_cert = true };
  expect_case(&c, 100, CASS_ERROR_SSL_IDENTITY_MISMATCH, "::1");
}

/* The second node (-ext SAN=IP:127.0.0.1,IP:::1, CN=node2) matches on both addresses. */
static void test_san_node(void **state)
{
  const char *hosts[] = { "127.0.0.1", "::1" };
  for (int h = 0; h < 2; h++) {
    if (!loopback_usable(hosts[h], "its connection is left out"))
      continue;
    struct jsse_case c = { .host = hosts[h], .keystore = "jks/keystore-node2.jks",
                           .node_pem = "jks/node2.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                           .driver_cert = true };
    expect_case(&c, 1000, CASS_OK, NULL);
  }
}

/* The wrong trusted certificate: node2's certificate does not vouch for node 1. The node
 * learns why (unknown_ca), in TLS 1.3 and 1.2. */
static void test_wrong_trust(void **state)
{
  struct jsse_case c = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                         .node_pem = "jks/node2.pem", .auth = PEER_CLIENT_AUTH_NONE,
                         .node_alert = 48 /* unknown_ca */ };
  expect_case(&c, 100, CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer");
  c.version = PEER_TLS1_2;
  expect_case(&c, 100, CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer");
}

static void test_bulk(void **state)
{
  const char *valgrind = getenv("CASSL_UNDER_VALGRIND");
  size_t big = (size_t)(valgrind && *valgrind ? 4 : 64) * 1024 * 1024;
  struct jsse_case c12 = { .host = "127.0.0.1", .keystore = "jks/keystore.jks",
                           .node_pem = "jks/node.pem", .auth = PEER_CLIENT_AUTH_REQUIRE,
                           .version = PEER_TLS1_2, .driver_cert = true };
  expect_case(&c12, 1024 * 1024, CASS_OK, NULL);
  struct jsse_case c13 = c12;
  c13.version = PEER_TLS1_3;
  expect_case(&c13, big, CASS_OK, NULL);
}

static int group_setup(void **state)
{
  if (!peers_have("java") || !peers_have("keytool")) {
    fprintf(stderr, "skipping: a JDK (java, keytool) is needed for the JSSE server\n");
    exit(77);
  }
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_guide_end_to_end),
    cmocka_unit_test(test_client_auth_false),
    cmocka_unit_test(test_client_cert_required_missing),
    cmocka_unit_test(test_client_cert_not_trusted),
    cmocka_unit_test(test_client_cert_rsa_pss_only),
    cmocka_unit_test(test_cn_node_over_ipv6),
    cmocka_unit_test(test_san_node),
    cmocka_unit_test(test_wrong_trust),
    cmocka_unit_test(test_bulk),
  };
  return cmocka_run_group_tests(tests, group_setup, NULL);
}
