/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl probe against real peers: gnutls-serv, openssl s_server, the JSSE server with the
 * driver guide's keytool stores (CQL mode), a plain TCP listener, a stalling and a closing
 * listener, a closed port and an unresolvable name. Each case checks the exit code (the
 * contract) and the error:/hint: lines. The tool runs as a child process. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "loopback.h"
#include "peers.h"
#include "tool_run.h"

static const char *pki(const char *name)
{
  const char *p = peers_pki(name);
  assert_non_null(p);
  return p;
}

/* Copies of pki paths (peers_pki strings are recycled). */
static char ca[512], other_ca[512], client_cert[512], client_key_enc[512], client_key[512];

static int group_setup(void **state)
{
  if (!getenv("CASSL_BUILDDIR"))
    return -1;
  if (tool_scratch_make("peers") != 0)
    return -1;
  if (!peers_pki("ca.pem"))
    return -1;
  snprintf(ca, sizeof ca, "%s", pki("ca.pem"));
  snprintf(other_ca, sizeof other_ca, "%s", pki("other-ca.pem"));
  snprintf(client_cert, sizeof client_cert, "%s", pki("client.pem"));
  snprintf(client_key_enc, sizeof client_key_enc, "%s", pki("client-key-enc.pem"));
  snprintf(client_key, sizeof client_key, "%s", pki("client-key.pem"));
  return 0;
}

static int group_teardown(void **state)
{
  peers_stop_all();
  return tool_scratch_remove();
}

#define NEED(program)                                                                        \
  do {                                                                                       \
    if (!peers_have(program))                                                                \
      skip();                                                                                \
  } while (0)

static peer *gnutls_serv(const char *cert, const char *key, peer_client_auth auth,
                         peer_tls_version version, const char *host)
{
  char c[512], k[512];
  snprintf(c, sizeof c, "%s", pki(cert));
  snprintf(k, sizeof k, "%s", pki(key));
  peer_tls_options o = { .host = host, .cert_file = c, .key_file = k, .client_ca_file = ca,
                         .client_auth = auth, .version = version };
  peer *p = NULL;
  assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
  return p;
}

/* ---- gnutls-serv ------------------------------------------------------------------------ */

static void test_gnutls_ok(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity", "--no-cql",
        peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("TLS version        TLS1.3");
  expect_out("peer-identity      ok");
  expect_out("client cert sent   no");
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity", "--no-cql", "--json",
        peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['ok'] and d['peer_chain'][0]['subject'] == 'CN=127.0.0.1,O=cassl tests' and "
              "d['connection']['client_cert_requested'] is False");
  peer_stop(p);
}

/* $CASSL_FIXTURES/names/<file> (tests/fixtures/names.sh, made on first use). */
static const char *names_fixture(const char *file)
{
  static char path[4][600];
  static unsigned next;
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "MKNULCERT='%s/tests/support/mknulcert' sh '%s/tests/fixtures/names.sh'",
           getenv("CASSL_BUILDDIR"), getenv("CASSL_SRCDIR"));
  assert_int_equal(system(cmd), 0);
  char *out = path[next++ % 4];
  snprintf(out, sizeof path[0], "%s/names/%s", getenv("CASSL_FIXTURES"), file);
  return out;
}

/* A SAN-only server certificate (empty subject, RFC 5280 4.1.2.6): the peer chain is shown,
 * its subject as empty. */
static void test_gnutls_empty_subject(void **state)
{
  NEED("gnutls-serv");
  char names_ca[600];
  snprintf(names_ca, sizeof names_ca, "%s", names_fixture("ca.pem"));
  peer_tls_options o = { .cert_file = names_fixture("empty-subject.pem"),
                         .key_file = names_fixture("leaf-key.pem") };
  peer *p = NULL;
  assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
  cassl("probe", "--ca", names_ca, "--verify", "peer-cert,peer-identity", "--no-cql",
        peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("subject            (empty)");
  expect_out("SANs               IP:127.0.0.1, IP:::1");
  cassl("probe", "--ca", names_ca, "--verify", "peer-cert,peer-identity", "--no-cql", "--json",
        peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['ok'] and len(d['peer_chain']) == 1 and d['peer_chain'][0]['subject'] == '' "
              "and d['peer_chain'][0]['sans'] == ['IP:127.0.0.1', 'IP:::1']");
  peer_stop(p);
}

/* What the chain permits and when it is valid: the sentence and a hint that fits. */
static void test_gnutls_names_and_dates(void **state)
{
  NEED("gnutls-serv");
  char trust[600];
  snprintf(trust, sizeof trust, "%s", names_fixture("nc-excl.pem"));
  peer_tls_options o = { .cert_file = names_fixture("nc-excl-cn.pem"),
                         .key_file = names_fixture("leaf-key.pem") };
  peer *p = NULL;
  assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
  cassl("probe", "--ca", trust, "--verify", "peer-cert,peer-identity", "--no-cql",
        peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_IDENTITY_MISMATCH", "Certificate does not match host or IP address",
               "restricts the names it may vouch for (nameConstraints)");
  expect_err("outside the name constraints of \"CN=cassl CA excluding 127/8\"");
  peer_stop(p);

  snprintf(trust, sizeof trust, "%s", names_fixture("ca.pem"));
  o = (peer_tls_options){ .cert_file = names_fixture("mid-expired-chain.pem"),
                          .key_file = names_fixture("leaf-key.pem") };
  assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
  cassl("probe", "--ca", trust, "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "an intermediate CA certificate the node sends is out of date");
  expect_err("the intermediate CA \"CN=cassl expired intermediate\" in the server's chain is "
             "valid from 2001-01-01 00:00:00 UTC until 2002-01-01 00:00:00 UTC");
  peer_stop(p);
}

/* A certificate GnuTLS cannot parse (an empty IP SAN; openssl s_server serves it): the same
 * failure with --verify none, and a hint about the certificate, not about the port. */
static void test_openssl_empty_san(void **state)
{
  NEED("openssl");
  peer_tls_options o = { .cert_file = names_fixture("san-ip-empty.pem"),
                         .key_file = names_fixture("leaf-key.pem") };
  peer *p = NULL;
  assert_int_equal(peer_start_openssl(&o, &p), 0);
  const char *verify[] = { "none", "peer-cert,peer-identity" };
  for (size_t i = 0; i < 2; i++) {
    cassl("probe", "--verify", verify[i], "--ca", names_fixture("ca.pem"), "--no-cql",
          peer_hostport(p), NULL);
    expect_exit(5);
    expect_error("CASS_ERROR_SSL_PROTOCOL_ERROR", "Protocol error",
                 "cannot be used by a GnuTLS client whatever --verify says");
    expect_err("GnuTLS cannot parse the server's certificate");
  }
  peer_stop(p);
}

/* Reconnections resume with gnutls-serv's tickets (TLS 1.3) and session IDs/tickets (1.2). */
static void test_gnutls_resumption(void **state)
{
  NEED("gnutls-serv");
  peer_tls_version versions[] = { PEER_TLS1_3, PEER_TLS1_2 };
  for (size_t i = 0; i < 2; i++) {
    peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_NONE,
                          versions[i], NULL);
    cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity", "--no-cql", "--repeat",
          "3", "--json", peer_hostport(p), NULL);
    expect_exit(0);
    expect_json("d['repeat']['completed'] == 3 and d['repeat']['resumed'] == 3");
    cassl("probe", "--ca", ca, "--no-cql", "--repeat", "2", "--no-resume", "--json",
          peer_hostport(p), NULL);
    expect_exit(0);
    expect_json("d['repeat']['resumed'] == 0");
    peer_stop(p);
  }
}

static void test_gnutls_ipv6(void **state)
{
  NEED("gnutls-serv");
  SKIP_UNLESS_USABLE("::1");
  peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, "::1");
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity", "--no-cql", "--json",
        peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['connection']['address'].startswith('[::1]:')");
  peer_stop(p);
}

static void test_gnutls_client_cert(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_REQUIRE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(5);
  expect_error("CASS_ERROR_SSL_PROTOCOL_ERROR", "Protocol error",
               "the server asked for a client certificate");
  cassl("probe", "--ca", ca, "--cert", client_cert, "--key", client_key_enc, "--key-password",
        "cassandra", "--no-cql", peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("client cert sent   yes");
  peer_stop(p);
}

static void test_gnutls_version_mismatch(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS1_2, NULL);
  cassl("probe", "--ca", ca, "--min-tls", "1.3", "--no-cql", peer_hostport(p), NULL);
  expect_exit(5);
  expect_error("CASS_ERROR_SSL_PROTOCOL_ERROR", "Protocol error",
               "share no TLS version or cipher suite");
  cassl("probe", "--ca", ca, "--no-cql", "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['connection']['tls_version'] == 'TLS1.2'");
  peer_stop(p);
}

static void test_gnutls_identity_ip(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-san-override.pem", "server-san-override-key.pem",
                        PEER_CLIENT_AUTH_NONE, PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity", "--no-cql",
        peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_IDENTITY_MISMATCH",
               "Certificate does not match host or IP address",
               "the certificate holds CN=127.0.0.1, IP:10.9.9.9, but the connection went to "
               "127.0.0.1");
  expect_out("peer-identity      failed");
  peer_stop(p);
}

static void test_gnutls_identity_dns(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-dns.pem", "server-dns-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity-dns", "--hostname",
        "node.cassl.test", "--no-cql", peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("peer-identity-dns  ok: the host name node.cassl.test is in the certificate");
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity-dns", "--hostname",
        "other.cassl.test", "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_IDENTITY_MISMATCH",
               "Certificate does not match host or IP address",
               "but the host name checked was other.cassl.test");
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity", "--no-cql",
        peer_hostport(p), NULL);
  expect_exit(6);
  expect_err("hint: the certificate holds CN=localhost, DNS:localhost, DNS:node.cassl.test");
  peer_stop(p);
}

static void test_gnutls_expired(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-expired.pem", "server-expired-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "the node certificate is not valid now (valid until 2002-01-01");
  /* The node hears why: certificate_expired (45) in its log. */
  if (!peer_saw_alert(p, 45, 5000))
    fail_msg("gnutls-serv did not receive certificate_expired");
  peer_stop(p);
}

/* A node presenting a certificate made for TLS clients only (extended key usage clientAuth):
 * refused, the node told unsupported_certificate (43), the hint says what to reissue. */
static void test_gnutls_client_only_purpose(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("client.pem", "client-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "reissue it with serverAuth");
  expect_err("it is not meant for TLS servers");
  if (!peer_saw_alert(p, 43, 5000))
    fail_msg("gnutls-serv did not receive unsupported_certificate");
  peer_stop(p);
}

static void test_gnutls_chain(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-chain.pem", "server-chain-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--no-cql", "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("len(d['peer_chain']) == 2 and d['peer_chain'][1]['role'] == 'CA (intermediate)'");
  cassl("probe", "--ca", other_ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "the CA file does not contain the issuer CN=cassl test CA,O=cassl tests");
  peer_stop(p);
  /* The leaf alone: the intermediate is missing from what the server sends. */
  p = gnutls_serv("server-chain-leaf.pem", "server-chain-key.pem", PEER_CLIENT_AUTH_NONE,
                  PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "the CA file does not contain the issuer CN=cassl intermediate CA,O=cassl tests");
  peer_stop(p);
}

/* Revocation: a CRL from the test CA that revokes server-ip. */
static void test_gnutls_crl(void **state)
{
  NEED("gnutls-serv");
  char crl[600], revoking[600], tmpl[600], cmd[8192];
  snprintf(tmpl, sizeof tmpl, "%s/crl.tmpl", scratch);
  snprintf(crl, sizeof crl, "%s/empty.crl", scratch);
  snprintf(revoking, sizeof revoking, "%s/revoking.crl", scratch);
  FILE *f = fopen(tmpl, "w");
  assert_non_null(f);
  fputs("crl_next_update = 30\ncrl_number = 1\n", f);
  fclose(f);
  char ca_key[512], server[512];
  snprintf(ca_key, sizeof ca_key, "%s", pki("ca-key.pem"));
  snprintf(server, sizeof server, "%s", pki("server-ip.pem"));
  int n = snprintf(cmd, sizeof cmd,
           "certtool --generate-crl --load-ca-privkey %s --load-ca-certificate %s --template %s "
           "--outfile %s >/dev/null 2>&1 && "
           "certtool --generate-crl --load-ca-privkey %s --load-ca-certificate %s "
           "--load-certificate %s --template %s --outfile %s >/dev/null 2>&1",
           ca_key, ca, tmpl, crl, ca_key, ca, server, tmpl, revoking);
  assert_true(n > 0 && (size_t)n < sizeof cmd);
  assert_int_equal(system(cmd), 0);
  peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--crl", crl, "--no-cql", peer_hostport(p), NULL);
  expect_exit(0);
  cassl("probe", "--ca", ca, "--crl", revoking, "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "the node certificate is revoked");
  cassl("probe", "--ca", ca, "--crl", ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(3);
  expect_error("CASS_ERROR_SSL_INVALID_CERT", "Unable to load certificate",
               "must hold PEM CRLs");
  peer_stop(p);
}

static void test_gnutls_not_cql(void **state)
{
  NEED("gnutls-serv");
  peer *p = gnutls_serv("server-ip.pem", "server-ip-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--timeout", "700", peer_hostport(p), NULL);
  expect_exit(7);
  expect_error("CASS_ERROR_LIB_REQUEST_TIMED_OUT", "Request timed out",
               "TLS works but no CQL answer came within 700 ms");
  cassl("probe", "--ca", ca, "--timeout", "700", "--json", peer_hostport(p), NULL);
  expect_exit(7);
  expect_json("d['exit_code'] == 7 and d['error']['name'] == 'CASS_ERROR_LIB_REQUEST_TIMED_OUT' "
              "and d['checks'][0]['result'] == 'ok'");
  peer_stop(p);
}

/* ---- openssl s_server ------------------------------------------------------------------- */

static void test_openssl(void **state)
{
  NEED("openssl");
  char c[512], k[512];
  snprintf(c, sizeof c, "%s", pki("server-ecdsa.pem"));
  snprintf(k, sizeof k, "%s", pki("server-ecdsa-key.pem"));
  peer_tls_options o = { .cert_file = c, .key_file = k, .client_ca_file = ca,
                         .client_auth = PEER_CLIENT_AUTH_REQUIRE };
  peer *p = NULL;
  assert_int_equal(peer_start_openssl(&o, &p), 0);
  cassl("probe", "--ca", ca, "--cert", client_cert, "--key", client_key, "--verify",
        "peer-cert,peer-identity", "--no-cql", "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['connection']['client_cert_sent'] and 'SECP256R1' in d['peer_chain'][0]['key']");
  cassl("probe", "--ca", ca, "--no-cql", peer_hostport(p), NULL);
  expect_exit(5);
  expect_error("CASS_ERROR_SSL_PROTOCOL_ERROR", "Protocol error",
               "the server asked for a client certificate");
  cassl("probe", "--ca", ca, "--cert", client_cert, "--key", client_key, "--no-cql", "--repeat",
        "3", "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['repeat']['completed'] == 3 and d['repeat']['resumed'] >= 1");
  /* -rev answers lines; a CQL frame has none, so no CQL answer comes. */
  cassl("probe", "--ca", ca, "--cert", client_cert, "--key", client_key, "--timeout", "700",
        peer_hostport(p), NULL);
  expect_exit(7);
  expect_err("error: CASS_ERROR_LIB_REQUEST_TIMED_OUT: Request timed out\n");
  peer_stop(p);
}

/* ---- JSSE: the driver guide's keytool stores -------------------------------------------- */

static void test_jsse_cql(void **state)
{
  NEED("java");
  NEED("keytool");
  char keystore[512], truststore[512], node[512], cert[512], key[512];
  snprintf(keystore, sizeof keystore, "%s", pki("jks/keystore.jks"));
  snprintf(truststore, sizeof truststore, "%s", pki("jks/truststore.jks"));
  snprintf(node, sizeof node, "%s", pki("jks/node.pem"));
  snprintf(cert, sizeof cert, "%s", pki("jks/driver-cert.pem"));
  snprintf(key, sizeof key, "%s", pki("jks/driver-key.pem"));
  peer_tls_options o = { .keystore = keystore, .truststore = truststore,
                         .client_auth = PEER_CLIENT_AUTH_REQUIRE, .mode = PEER_MODE_CQL };
  peer *p = NULL;
  assert_int_equal(peer_start_jsse(&o, &p), 0);
  cassl("probe", "--ca", node, "--cert", cert, "--key", key, "--key-password", "cassandra",
        "--verify", "peer-cert,peer-identity", peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("answer             READY");
  expect_out("CQL_VERSION        3.4.5");
  expect_out("peer-identity      ok");
  cassl("probe", "--ca", node, "--cert", cert, "--key", key, "--key-password", "cassandra",
        "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['cql']['answer'] == 'READY' and d['cql']['supported']['CQL_VERSION'] == ['3.4.5']"
              " and d['peer_chain'][0]['subject'].startswith('CN=127.0.0.1')");
  cassl("probe", "--ca", node, peer_hostport(p), NULL);
  expect_exit(5);
  expect_err("hint: the server asked for a client certificate");
  /* The guide's keystore-driver.p12 straight from keytool, no openssl step. */
  char p12[512];
  snprintf(p12, sizeof p12, "%s", pki("jks/keystore-driver.p12"));
  cassl("probe", "--ca", node, "--pkcs12", p12, "--key-password", "cassandra", "--verify",
        "peer-cert,peer-identity", peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("answer             READY");
  cassl("probe", "--ca", node, "--cert", cert, "--key", key, peer_hostport(p), NULL);
  expect_exit(3);
  expect_error("CASS_ERROR_SSL_INVALID_PRIVATE_KEY", "Unable to load private key",
               "the key is encrypted: pass --key-password");
  peer_stop(p);
}

static void test_jsse_echo(void **state)
{
  NEED("java");
  NEED("keytool");
  char keystore[512], node[512];
  snprintf(keystore, sizeof keystore, "%s", pki("jks/keystore.jks"));
  snprintf(node, sizeof node, "%s", pki("jks/node.pem"));
  peer_tls_options o = { .keystore = keystore, .mode = PEER_MODE_ECHO };
  peer *p = NULL;
  assert_int_equal(peer_start_jsse(&o, &p), 0);
  cassl("probe", "--ca", node, peer_hostport(p), NULL);
  expect_exit(7);
  expect_error("CASS_ERROR_LIB_UNEXPECTED_RESPONSE", "Unexpected response from server",
               "TLS works but the CQL exchange failed");
  expect_err("detail: the server sent a CQL request back");
  peer_stop(p);
}

/* ---- not TLS, not there ----------------------------------------------------------------- */

static void test_plain_tcp(void **state)
{
  static const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
  peer *p = NULL;
  assert_int_equal(peer_start_plain(NULL, reply, sizeof reply - 1, &p), 0);
  cassl("probe", "--ca", ca, peer_hostport(p), NULL);
  expect_exit(5);
  expect_err("hint: this port does not speak TLS");
  peer_stop(p);
  assert_int_equal(peer_start_plain(NULL, NULL, 0, &p), 0);
  cassl("probe", "--ca", ca, "--timeout", "1000", peer_hostport(p), NULL);
  expect_exit(5);
  expect_err("hint: this port does not speak TLS");
  peer_stop(p);
}

static void test_stall(void **state)
{
  peer *p = NULL;
  assert_int_equal(peer_start_stall(NULL, &p), 0);
  cassl("probe", "--ca", ca, "--timeout", "500", peer_hostport(p), NULL);
  expect_exit(5);
  expect_error("CASS_ERROR_LIB_REQUEST_TIMED_OUT", "Request timed out",
               "no TLS answer within 500 ms: this port does not speak TLS");
  peer_stop(p);
}

static void test_closer(void **state)
{
  peer *p = NULL;
  assert_int_equal(peer_start_closer(NULL, true, &p), 0);
  cassl("probe", "--ca", ca, peer_hostport(p), NULL);
  expect_exit(5);
  expect_error("CASS_ERROR_SSL_CLOSED", "Connection closed", "this port does not speak TLS");
  peer_stop(p);
}

static void test_closed_port(void **state)
{
  /* A bound socket that does not listen: connecting to it is refused. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
  char target[64], hint[128];
  snprintf(target, sizeof target, "127.0.0.1:%u", ntohs(sin.sin_port));
  snprintf(hint, sizeof hint, "nothing listens on 127.0.0.1 port %u", ntohs(sin.sin_port));
  cassl("probe", "--ca", ca, target, NULL);
  expect_exit(4);
  expect_error("CASS_ERROR_LIB_UNABLE_TO_CONNECT", "Unable to connect", hint);
  cassl("probe", "--ca", ca, "--json", target, NULL);
  expect_exit(4);
  expect_json("d['exit_code'] == 4 and d['connection']['address'] == '(not connected)' and "
              "all(c['result'] == 'not reached' for c in d['checks'])");
  close(fd);
}

static void test_tcp_timeout(void **state)
{
  /* A listener whose accept queue is full: the kernel drops further SYNs, so the probe's
   * TCP connect times out (exit 4, not 5: TLS never started). */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
  socklen_t len = sizeof sin;
  assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
  assert_int_equal(listen(fd, 0), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
  int fillers[4];
  for (int i = 0; i < 4; i++) {
    fillers[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    connect(fillers[i], (struct sockaddr *)&sin, sizeof sin);
  }
  struct timespec ts = { 0, 200 * 1000 * 1000 };
  nanosleep(&ts, NULL);
  char target[64], hint[128];
  snprintf(target, sizeof target, "127.0.0.1:%u", ntohs(sin.sin_port));
  snprintf(hint, sizeof hint, "no TCP answer from 127.0.0.1 port %u within 500 ms",
           ntohs(sin.sin_port));
  cassl("probe", "--ca", ca, "--timeout", "500", target, NULL);
  expect_exit(4);
  expect_error("CASS_ERROR_LIB_UNABLE_TO_CONNECT", "Unable to connect", hint);
  for (int i = 0; i < 4; i++)
    close(fillers[i]);
  close(fd);
}

static void test_resolve_hostname(void **state)
{
  NEED("gnutls-serv");
  /* server-dns holds DNS:localhost; the reverse name of 127.0.0.1 is localhost here. */
  char name[256] = "";
  FILE *f = popen("getent hosts 127.0.0.1", "r");
  if (f) {
    if (!fgets(name, sizeof name, f))
      name[0] = '\0';
    pclose(f);
  }
  if (!strstr(name, "localhost"))
    skip();
  peer *p = gnutls_serv("server-dns.pem", "server-dns-key.pem", PEER_CLIENT_AUTH_NONE,
                        PEER_TLS_DEFAULT, NULL);
  cassl("probe", "--ca", ca, "--verify", "peer-cert,peer-identity-dns", "--resolve-hostname",
        "--no-cql", "--json", peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['connection']['hostname'] == 'localhost' and d['checks'][1]['result'] == 'ok'");
  peer_stop(p);
}

static void test_unresolvable(void **state)
{
  cassl("probe", "--ca", ca, "no-such-host.invalid:9042", NULL);
  expect_exit(4);
  expect_error("CASS_ERROR_LIB_HOST_RESOLUTION", "Unable to resolve host",
               "the name no-such-host.invalid does not resolve");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_gnutls_ok),
    cmocka_unit_test(test_gnutls_empty_subject),
    cmocka_unit_test(test_gnutls_names_and_dates),
    cmocka_unit_test(test_openssl_empty_san),
    cmocka_unit_test(test_gnutls_resumption),
    cmocka_unit_test(test_gnutls_ipv6),
    cmocka_unit_test(test_gnutls_client_cert),
    cmocka_unit_test(test_gnutls_version_mismatch),
    cmocka_unit_test(test_gnutls_identity_ip),
    cmocka_unit_test(test_gnutls_identity_dns),
    cmocka_unit_test(test_gnutls_expired),
    cmocka_unit_test(test_gnutls_client_only_purpose),
    cmocka_unit_test(test_gnutls_chain),
    cmocka_unit_test(test_gnutls_crl),
    cmocka_unit_test(test_gnutls_not_cql),
    cmocka_unit_test(test_openssl),
    cmocka_unit_test(test_jsse_cql),
    cmocka_unit_test(test_jsse_echo),
    cmocka_unit_test(test_plain_tcp),
    cmocka_unit_test(test_stall),
    cmocka_unit_test(test_closer),
    cmocka_unit_test(test_closed_port),
    cmocka_unit_test(test_tcp_timeout),
    cmocka_unit_test(test_resolve_hostname),
    cmocka_unit_test(test_unresolvable),
  };
  char tool[512];
  snprintf(tool, sizeof tool, "%s/tools/cassl", getenv("CASSL_BUILDDIR") ? getenv("CASSL_BUILDDIR") : ".");
  if (access(tool, X_OK) != 0) {
    fprintf(stderr, "SKIP: %s is not built\n", tool);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
