/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl pki's files read by their real consumers: keytool -list and the JSSE server load the
 * PKCS#12 keystore and truststore and require the client certificate, which cassl probe
 * sends from the generated client files, checking the node by IP (IPv4 and IPv6);
 * gnutls-serv serves the ScyllaDB PEM set; openssl s_server reads the Cassandra PEM keystore
 * (encrypted PKCS#8 key and chain); a revoked node is refused through the generated CRL,
 * and serves again once renewed. The tool runs as a child process. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "peers.h"
#include "tool_run.h"

static char dir[600];

#define NEED(program)                                                                        \
  do {                                                                                       \
    if (!peers_have(program))                                                                \
      skip();                                                                                \
  } while (0)

/* DIR/rel in one of a few rotating buffers. */
static const char *at(const char *rel)
{
  static char ring[16][1024];
  static unsigned next;
  char *p = ring[next++ % 16];
  snprintf(p, sizeof ring[0], "%s/%s", dir, rel);
  return p;
}

/* The first line of a password file (the JSSE server takes its passwords as arguments). */
static const char *password_of(const char *rel, char *buf, size_t cap)
{
  FILE *f = fopen(at(rel), "r");
  assert_non_null(f);
  assert_non_null(fgets(buf, (int)cap, f));
  fclose(f);
  buf[strcspn(buf, "\r\n")] = '\0';
  return buf;
}

static int group_setup(void **state)
{
  if (!getenv("CASSL_BUILDDIR") || tool_scratch_make("pki") != 0)
    return -1;
  snprintf(dir, sizeof dir, "%s/cluster", scratch);
  /* The three nodes and the driver identity of a new user, one command each. */
  cassl("pki", "node", dir, "node1=127.0.0.1,::1,localhost", "node2=10.0.0.2,node2.example.com",
        "node3=127.0.0.1", NULL);
  if (result.exit_code != 0) {
    show();
    return -1;
  }
  cassl("pki", "client", dir, "app", NULL);
  if (result.exit_code != 0) {
    show();
    return -1;
  }
  return 0;
}

static int group_teardown(void **state)
{
  peers_stop_all();
  return tool_scratch_remove();
}

/* Runs keytool -list on a store; its output in result.out. */
static void keytool_list(const char *store, const char *password_rel)
{
  char cmd[3000];
  snprintf(cmd, sizeof cmd, "keytool -list -v -keystore '%s' -storepass:file '%s' >'%s/out' 2>&1",
           at(store), at(password_rel), scratch);
  int rc = system(cmd);
  char out[700];
  snprintf(out, sizeof out, "%s/out", scratch);
  FILE *f = fopen(out, "r");
  size_t n = f ? fread(result.out, 1, sizeof result.out - 1, f) : 0;
  result.out[n] = '\0';
  if (f)
    fclose(f);
  snprintf(result.cmd, sizeof result.cmd, "(keytool -list -v -keystore %s)", store);
  result.err[0] = '\0';
  result.exit_code = WEXITSTATUS(rc);
}

static void test_keytool_lists_the_stores(void **state)
{
  NEED("keytool");
  keytool_list("nodes/node1/keystore.p12", "nodes/node1/keystore.password");
  expect_exit(0);
  expect_out("Keystore type: PKCS12");
  expect_out("Alias name: node1");
  expect_out("Entry type: PrivateKeyEntry");
  expect_out("Certificate chain length: 2");
  expect_out("IPAddress: 127.0.0.1");
  expect_out("IPAddress: 0:0:0:0:0:0:0:1");
  expect_out("DNSName: localhost");
  /* A truststore that holds only the CA: a trusted-certificate entry, not an empty store. */
  keytool_list("truststore.p12", "truststore.password");
  expect_exit(0);
  expect_out("Your keystore contains 1 entry");
  expect_out("Entry type: trustedCertEntry");
  expect_out("Owner: CN=cassl cluster CA");
  keytool_list("clients/app/client.p12", "clients/app/client.key.password");
  expect_exit(0);
  expect_out("Entry type: PrivateKeyEntry");
  expect_out("Owner: CN=app");
}

/* A JSSE node on the node's keystore: file "keystore.p12" (Cassandra's keystore_type PKCS12)
 * or "keystore.pem" (4.1's PEMBasedSslContextFactory, read as it reads it). */
static peer *jsse_with(const char *node, const char *host, const char *file)
{
  char keystore[1024], truststore[1024], ks_rel[300], kp_rel[300], storepass[128], trustpass[128];
  snprintf(ks_rel, sizeof ks_rel, "nodes/%s/%s", node, file);
  snprintf(kp_rel, sizeof kp_rel, "nodes/%s/keystore.password", node);
  snprintf(keystore, sizeof keystore, "%s", at(ks_rel));
  snprintf(truststore, sizeof truststore, "%s", at("truststore.p12"));
  peer_tls_options o = { .host = host, .keystore = keystore,
                         .storepass = password_of(kp_rel, storepass, sizeof storepass),
                         .truststore = truststore,
                         .trustpass = password_of("truststore.password", trustpass,
                                                  sizeof trustpass),
                         .client_auth = PEER_CLIENT_AUTH_REQUIRE, .mode = PEER_MODE_CQL };
  peer *p = NULL;
  assert_int_equal(peer_start_jsse(&o, &p), 0);
  return p;
}

static peer *jsse(const char *node, const char *host)
{
  return jsse_with(node, host, "keystore.p12");
}

/* cassl probe as the driver connects with the generated identity. */
static void probe_as_app(const char *target, const char *extra)
{
  char ca[1024], cert[1024], key[1024], pw[1024];
  snprintf(ca, sizeof ca, "%s", at("ca.pem"));
  snprintf(cert, sizeof cert, "%s", at("clients/app/client.pem"));
  snprintf(key, sizeof key, "%s", at("clients/app/client.key"));
  snprintf(pw, sizeof pw, "%s", at("clients/app/client.key.password"));
  cassl("probe", "--ca", ca, "--cert", cert, "--key", key, "--key-password-file", pw,
        "--verify", "peer-cert,peer-identity", "--json", extra ? extra : target,
        extra ? target : NULL, NULL);
}

static void test_jsse_node_with_client_auth(void **state)
{
  NEED("java");
  peer *p = jsse("node1", "127.0.0.1");
  probe_as_app(peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['connection']['client_cert_requested'] and d['connection']['client_cert_sent']"
              " and d['cql']['answer'] == 'READY' and {c['name']: c['result'] for c in d['checks']}['peer-identity'] == 'ok'");
  /* The PKCS#12 of the same identity. */
  cassl("probe", "--ca", at("ca.pem"), "--pkcs12", at("clients/app/client.p12"),
        "--key-password-file", at("clients/app/client.key.password"), "--verify",
        "peer-cert,peer-identity", peer_hostport(p), NULL);
  expect_exit(0);
  expect_out("answer             READY");
  /* Without the client certificate, the node refuses: require_client_auth works. */
  cassl("probe", "--ca", at("ca.pem"), "--verify", "peer-cert,peer-identity", peer_hostport(p),
        NULL);
  expect_exit(5);
  expect_error("CASS_ERROR_SSL_PROTOCOL_ERROR", "Protocol error",
               "the server asked for a client certificate");
  peer_stop(p);
}

static void test_jsse_node_by_ipv6(void **state)
{
  NEED("java");
  peer *p = jsse("node1", "::1");
  probe_as_app(peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("{c['name']: c['result'] for c in d['checks']}['peer-identity'] == 'ok' and d['cql']['answer'] == 'READY'");
  peer_stop(p);
}

static void test_jsse_node_at_an_address_it_does_not_name(void **state)
{
  NEED("java");
  /* node2 was made for 10.0.0.2 and node2.example.com: reached at 127.0.0.1, it fails the
   * driver's IP identity check, and pki check says so before any driver does. */
  peer *p = jsse("node2", "127.0.0.1");
  probe_as_app(peer_hostport(p), NULL);
  expect_exit(6);
  expect_err("error: CASS_ERROR_SSL_IDENTITY_MISMATCH: ");
  expect_err("IP SAN 127.0.0.1");
  peer_stop(p);
  cassl("pki", "check", dir, "--expect", "node2=127.0.0.1", NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_IDENTITY_MISMATCH",
               "Certificate does not match host or IP address",
               "reissue the node's certificate with every address it is reached at: cassl pki "
               "node");
  expect_err("detail: the certificate in nodes/node2/keystore.p12 does not hold IP 127.0.0.1 "
             "(it holds CN=10.0.0.2, IP:10.0.0.2, DNS:node2.example.com)\n");
}

static void test_gnutls_serv_scylla_files(void **state)
{
  NEED("gnutls-serv");
  char cert[1024], key[1024], ca[1024];
  snprintf(cert, sizeof cert, "%s", at("nodes/node1/node.pem"));
  snprintf(key, sizeof key, "%s", at("nodes/node1/node.key"));
  snprintf(ca, sizeof ca, "%s", at("ca.pem"));
  peer_tls_options o = { .cert_file = cert, .key_file = key, .client_ca_file = ca,
                         .client_auth = PEER_CLIENT_AUTH_REQUIRE };
  peer *p = NULL;
  assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
  probe_as_app(peer_hostport(p), "--no-cql");
  expect_exit(0);
  expect_json("d['connection']['client_cert_sent'] and len(d['peer_chain']) == 2 and "
              "d['peer_chain'][1]['subject'] == 'CN=cassl cluster CA'");
  peer_stop(p);
}

static void test_openssl_cassandra_pem_keystore(void **state)
{
  NEED("openssl");
  /* PEMBasedSslContextFactory's one file: encrypted PKCS#8 key, leaf, CA. */
  char keystore[1024], pw[1024], ca[1024];
  snprintf(keystore, sizeof keystore, "%s", at("nodes/node1/keystore.pem"));
  snprintf(pw, sizeof pw, "%s", at("nodes/node1/keystore.password"));
  snprintf(ca, sizeof ca, "%s", at("ca.pem"));
  peer_tls_options o = { .cert_file = keystore, .key_file = keystore, .key_password_file = pw,
                         .client_ca_file = ca, .client_auth = PEER_CLIENT_AUTH_REQUIRE };
  peer *p = NULL;
  assert_int_equal(peer_start_openssl(&o, &p), 0);
  probe_as_app(peer_hostport(p), "--no-cql");
  expect_exit(0);
  expect_json("d['connection']['client_cert_sent'] and d['peer_chain'][0]['subject'] == "
              "'CN=127.0.0.1'");
  peer_stop(p);
}

/* The same file read by Java as Cassandra 4.1 reads it: the JDK must know the key's
 * encryption by the name EncryptedPrivateKeyInfo gives it (PBES2 it does not). */
static void test_jsse_cassandra_pem_keystore(void **state)
{
  NEED("java");
  peer *p = jsse_with("node1", "127.0.0.1", "keystore.pem");
  probe_as_app(peer_hostport(p), NULL);
  expect_exit(0);
  expect_json("d['connection']['client_cert_sent'] and d['peer_chain'][0]['subject'] == "
              "'CN=127.0.0.1'");
  peer_stop(p);
}

static peer *gnutls_serv_node3(void)
{
  char cert[1024], key[1024], ca[1024];
  snprintf(cert, sizeof cert, "%s", at("nodes/node3/node.pem"));
  snprintf(key, sizeof key, "%s", at("nodes/node3/node.key"));
  snprintf(ca, sizeof ca, "%s", at("ca.pem"));
  peer_tls_options o = { .cert_file = cert, .key_file = key, .client_ca_file = ca,
                         .client_auth = PEER_CLIENT_AUTH_REQUIRE };
  peer *p = NULL;
  assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
  return p;
}

/* Runs last: it changes node3 and writes the CRL. */
static void test_revoke_then_renew(void **state)
{
  NEED("gnutls-serv");
  cassl("pki", "revoke", dir, "node3", NULL);
  expect_exit(0);
  expect_out("node node3: revoked in");
  peer *p = gnutls_serv_node3();
  char ca[1024], crl[1024];
  snprintf(ca, sizeof ca, "%s", at("ca.pem"));
  snprintf(crl, sizeof crl, "%s", at("crl.pem"));
  cassl("probe", "--ca", ca, "--crl", crl, "--cert", at("clients/app/client.pem"), "--key",
        at("clients/app/client.key"), "--key-password-file", at("clients/app/client.key.password"),
        "--no-cql", peer_hostport(p), NULL);
  expect_exit(6);
  expect_error("CASS_ERROR_SSL_INVALID_PEER_CERT", "Invalid peer certificate",
               "the node certificate is revoked");
  peer_stop(p);
  cassl("pki", "check", dir, "--json", NULL);
  expect_exit(3);
  expect_json("not d['ok'] and [f['chain'] for f in d['files'] if f['entity'] == 'node node3']"
              " == ['revoked'] * 3 and [f['loads'] for f in d['files'] if f['file'] == "
              "'crl.pem'] == [True]");
  cassl("pki", "renew", dir, "node3", NULL);
  expect_exit(0);
  p = gnutls_serv_node3();
  cassl("probe", "--ca", ca, "--crl", crl, "--cert", at("clients/app/client.pem"), "--key",
        at("clients/app/client.key"), "--key-password-file", at("clients/app/client.key.password"),
        "--verify", "peer-cert,peer-identity", "--no-cql", peer_hostport(p), NULL);
  expect_exit(0);
  peer_stop(p);
  cassl("pki", "check", dir, NULL);
  expect_exit(0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_keytool_lists_the_stores),
    cmocka_unit_test(test_jsse_node_with_client_auth),
    cmocka_unit_test(test_jsse_cassandra_pem_keystore),
    cmocka_unit_test(test_jsse_node_by_ipv6),
    cmocka_unit_test(test_jsse_node_at_an_address_it_does_not_name),
    cmocka_unit_test(test_gnutls_serv_scylla_files),
    cmocka_unit_test(test_openssl_cassandra_pem_keystore),
    cmocka_unit_test(test_revoke_then_renew),
  };
  char tool[512];
  snprintf(tool, sizeof tool, "%s/tools/cassl",
           getenv("CASSL_BUILDDIR") ? getenv("CASSL_BUILDDIR") : ".");
  if (access(tool, X_OK) != 0) {
    fprintf(stderr, "SKIP: %s is not built\n", tool);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN);
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
