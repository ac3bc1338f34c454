/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* TLS session resumption (cassl_ssl_set_session_resumption, cassl_ssl_set_session_cache_size):
 * against gnutls-serv, openssl s_server and JSSE in TLS 1.2 and 1.3, a second connection
 * resumes (also when the server required our certificate); a resumed session is still
 * verified (chain, identity, pins, the same peer chain back); nothing is offered to another
 * SNI, port or address (also checked with an in-process GnuTLS server sharing one ticket
 * key, which would accept it); switched off, zero-sized, cleared by setters, expired,
 * bounded; 8 threads resuming at once; and once through the libuv transport. */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <uv.h>

#include "cassl/uv.h"
#include "session_cache.h"
#include "ssl_object.h"
#include "session_net.h"
#include "session_util.h"
#include "transport_util.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY
#define PEER_DNS CASS_SSL_VERIFY_PEER_IDENTITY_DNS

typedef int (*start_fn)(const peer_tls_options *, peer **);

/* A palindrome: gnutls-serv echoes it, openssl s_server -rev reverses it, same bytes. */
static const char LINE[] = "level\n";

/* ---- real peers ------------------------------------------------------------------------ */

static peer *start_peer(start_fn start, peer_tls_version version, const char *cert)
{
  char cert_file[4096], key_file[4096], key_name[256];
  snprintf(cert_file, sizeof cert_file, "%s", tnet_pki(cert));
  snprintf(key_name, sizeof key_name, "%.*s-key.pem", (int)(strlen(cert) - 4), cert);
  snprintf(key_file, sizeof key_file, "%s", tnet_pki(key_name));
  peer_tls_options opts = { .cert_file = cert_file, .key_file = key_file, .version = version };
  peer *p = NULL;
  if (start(&opts, &p) != 0)
    fail_msg("cannot start the TLS server");
  return p;
}

/* gnutls-serv requiring a client certificate signed by the fixture CA. */
static peer *start_peer_client_auth(peer_tls_version version)
{
  char cert_file[4096], key_file[4096], ca_file[4096];
  snprintf(cert_file, sizeof cert_file, "%s", tnet_pki("server-ip.pem"));
  snprintf(key_file, sizeof key_file, "%s", tnet_pki("server-ip-key.pem"));
  snprintf(ca_file, sizeof ca_file, "%s", tnet_pki("ca.pem"));
  peer_tls_options opts = { .cert_file = cert_file, .key_file = key_file,
                            .client_ca_file = ca_file, .client_auth = PEER_CLIENT_AUTH_REQUIRE,
                            .version = version };
  peer *p = NULL;
  if (peer_start_gnutls_serv(&opts, &p) != 0)
    fail_msg("cannot start gnutls-serv");
  return p;
}

static CassSsl *make_ssl(int flags)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  char *pem = tnet_read_file(tnet_pki("ca.pem"));
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, pem), CASS_OK);
  free(pem);
  cass_ssl_set_verify_flags(ssl, flags);
  return ssl;
}

struct outcome {
  CassError rc;
  int resumed;
  char protocol[16];
  char kx[64];
  char msg[512];
};

/* One connection: handshake, one echoed line (which also takes in TLS 1.3 tickets), close. */
static struct outcome run_peer(CassSsl *ssl, const peer *p, const char *hostname)
{
  struct outcome o = { 0 };
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, hostname), CASS_OK);
  o.rc = tnet_handshake(&n);
  if (o.rc == CASS_OK)
    o.rc = tnet_exchange(&n, LINE, strlen(LINE), LINE, strlen(LINE));
  cassl_session_info info;
  if (cassl_session_get_info(n.cs, &info) == CASS_OK) {
    o.resumed = info.resumed;
    snprintf(o.protocol, sizeof o.protocol, "%s", info.protocol);
    snprintf(o.kx, sizeof o.kx, "%s", info.kx);
  }
  snprintf(o.msg, sizeof o.msg, "%s", cassl_session_error_message(n.cs));
  if (o.rc == CASS_OK)
    tnet_shutdown(&n);
  tnet_close(&n);
  return o;
}

static void expect(struct outcome o, CassError rc, int resumed, const char *needle)
{
  if (o.rc != rc)
    fail_msg("expected %s, got %s: %s", cassl_error_name(rc), cassl_error_name(o.rc), o.msg);
  if (needle && !strstr(o.msg, needle))
    fail_msg("message \"%s\" lacks \"%s\"", o.msg, needle);
  if (o.resumed != resumed)
    fail_msg("expected %s, got %s", resumed ? "a resumed session" : "a full handshake",
             o.resumed ? "a resumed one" : "a full one");
}

static size_t cached(CassSsl *ssl)
{
  return cassl_session_cache_count(&ssl->sessions);
}

/* Full handshake, then two resumed ones, in the wanted protocol version. */
static void resume_against(start_fn start, peer_tls_version version, const char *protocol)
{
  peer *p = start_peer(start, version, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  struct outcome o = run_peer(ssl, p, NULL);
  expect(o, CASS_OK, 0, NULL);
  assert_string_equal(o.protocol, protocol);
  assert_int_equal(cached(ssl), 1);
  for (int i = 0; i < 2; i++) {
    o = run_peer(ssl, p, NULL);
    expect(o, CASS_OK, 1, NULL);
    assert_string_equal(o.protocol, protocol);
  }
  assert_int_equal(cached(ssl), 1);
  /* Another SNI to the same server: nothing offered; then its own entry. */
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 0, NULL);
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 1, NULL);
  assert_int_equal(cached(ssl), 2);
  /* Switched off: full handshakes; back on: the first is full again. */
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false), CASS_OK);
  expect(run_peer(ssl, p, NULL), CASS_OK, 0, NULL);
  expect(run_peer(ssl, p, NULL), CASS_OK, 0, NULL);
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_true), CASS_OK);
  expect(run_peer(ssl, p, NULL), CASS_OK, 0, NULL);
  expect(run_peer(ssl, p, NULL), CASS_OK, 1, NULL);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_gnutls_serv_tls12(void **state)
{
  resume_against(peer_start_gnutls_serv, PEER_TLS1_2, "TLS1.2");
}

static void test_gnutls_serv_tls13(void **state)
{
  resume_against(peer_start_gnutls_serv, PEER_TLS1_3, "TLS1.3");
}

static void test_openssl_tls12(void **state)
{
  resume_against(peer_start_openssl, PEER_TLS1_2, "TLS1.2");
}

static void test_openssl_tls13(void **state)
{
  resume_against(peer_start_openssl, PEER_TLS1_3, "TLS1.3");
}

/* A server that required our certificate resumes without asking again; new client
 * credentials mean a full handshake that sends the certificate. */
static void client_cert(peer_tls_version version)
{
  peer *p = start_peer_client_auth(version);
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  char *cert = tnet_read_file(tnet_pki("client.pem"));
  char *key = tnet_read_file(tnet_pki("client-key-enc.pem"));
  assert_int_equal(cass_ssl_set_cert(ssl, cert), CASS_OK);
  assert_int_equal(cass_ssl_set_private_key(ssl, key, "cassandra"), CASS_OK);
  for (int round = 0; round < 4; round++) {
    if (round == 2) {
      assert_int_equal(cass_ssl_set_private_key(ssl, key, "cassandra"), CASS_OK);
      assert_int_equal(cached(ssl), 0);
    }
    struct tnet n;
    assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
    assert_int_equal(tnet_handshake(&n), CASS_OK);
    CassError rc = tnet_exchange(&n, LINE, strlen(LINE), LINE, strlen(LINE));
    if (rc != CASS_OK)
      fail_msg("round %d: %s: %s", round, cassl_error_name(rc), cassl_session_error_message(n.cs));
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(n.cs, &info), CASS_OK);
    bool full = round == 0 || round == 2;
    assert_int_equal(info.resumed, !full);
    assert_int_equal(info.client_cert_sent, full);
    tnet_shutdown(&n);
    tnet_close(&n);
  }
  free(cert);
  free(key);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_client_cert_tls12(void **state)
{
  client_cert(PEER_TLS1_2);
}

static void test_client_cert_tls13(void **state)
{
  client_cert(PEER_TLS1_3);
}

/* JSSE, the TLS of Cassandra itself, with the guide's keytool node keystore. */
static void test_jsse(void **state)
{
  if (!peers_have("java")) {
    fprintf(stderr, "no JDK: the JSSE resumption check is skipped\n");
    skip();
  }
  const peer_tls_version versions[] = { PEER_TLS1_2, PEER_TLS1_3 };
  for (int v = 0; v < 2; v++) {
    char keystore[4096];
    snprintf(keystore, sizeof keystore, "%s", tnet_pki("jks/keystore.jks"));
    peer_tls_options opts = { .keystore = keystore, .version = versions[v],
                              .mode = PEER_MODE_ECHO };
    peer *p = NULL;
    if (peer_start_jsse(&opts, &p) != 0)
      fail_msg("cannot start the JSSE server");
    CassSsl *ssl = cass_ssl_new();
    char *pem = tnet_read_file(tnet_pki("jks/node.pem"));
    assert_int_equal(cass_ssl_add_trusted_cert(ssl, pem), CASS_OK);
    free(pem);
    cass_ssl_set_verify_flags(ssl, PEER_CERT | PEER_IP);
    struct outcome o = run_peer(ssl, p, NULL);
    expect(o, CASS_OK, 0, NULL);
    assert_string_equal(o.protocol, v ? "TLS1.3" : "TLS1.2");
    expect(run_peer(ssl, p, NULL), CASS_OK, 1, NULL);
    expect(run_peer(ssl, p, NULL), CASS_OK, 1, NULL);
    cass_ssl_free(ssl);
    peer_stop(p);
  }
}

/* ---- a resumed session is verified like any other ---------------------------------------- */

/* "sha256//<base64>" of a certificate file's SubjectPublicKeyInfo. */
static void pin_of(const char *file, char *out, size_t cap)
{
  char *pem = tnet_read_file(tnet_pki(file));
  gnutls_x509_crt_t crt;
  gnutls_datum_t d = { (unsigned char *)pem, (unsigned)strlen(pem) };
  assert_int_equal(gnutls_x509_crt_init(&crt), 0);
  assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
  unsigned char id[32];
  size_t id_len = sizeof id;
  assert_int_equal(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, id, &id_len), 0);
  assert_int_equal(id_len, 32);
  gnutls_x509_crt_deinit(crt);
  free(pem);
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = (size_t)snprintf(out, cap, "sha256//");
  for (size_t i = 0; i < 32; i += 3) {
    unsigned v = (unsigned)id[i] << 16 | (i + 1 < 32 ? (unsigned)id[i + 1] << 8 : 0) |
                 (i + 2 < 32 ? id[i + 2] : 0);
    out[o++] = b64[v >> 18 & 63];
    out[o++] = b64[v >> 12 & 63];
    out[o++] = i + 1 < 32 ? b64[v >> 6 & 63] : '=';
    out[o++] = i + 2 < 32 ? b64[v & 63] : '=';
  }
  out[o] = '\0';
  assert_true(o < cap);
}

static void verify_resumed(peer_tls_version version)
{
  /* Identity: the IP check passed, then the DNS check on the resumed session fails (the
   * certificate has IP SANs only; the SNI, hence the cache entry, is the same). */
  peer *p = start_peer(peer_start_gnutls_serv, version, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 0, NULL);
  cass_ssl_set_verify_flags(ssl, PEER_CERT | PEER_DNS);
  expect(run_peer(ssl, p, "localhost"), CASS_ERROR_SSL_IDENTITY_MISMATCH, 1, "localhost");
  /* The failed resumed session dropped its entry: the next one is a full handshake (a
   * server with a new certificate shows it). */
  assert_int_equal(cached(ssl), 0);
  cass_ssl_set_verify_flags(ssl, PEER_CERT | PEER_IP);
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 0, NULL);
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 1, NULL);

  /* Pins apply to resumed sessions: a wrong one refuses it, the right one lets it through. */
  assert_int_equal(cassl_ssl_add_pinned_public_key(
                       ssl, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
                   CASS_OK);
  expect(run_peer(ssl, p, "localhost"), CASS_ERROR_SSL_INVALID_PEER_CERT, 1,
         "public key pin mismatch");
  char pin[80];
  pin_of("server-ip.pem", pin, sizeof pin);
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, pin), CASS_OK);
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 0, NULL);
  expect(run_peer(ssl, p, "localhost"), CASS_OK, 1, NULL);
  cass_ssl_free(ssl);
  peer_stop(p);

  /* The chain: accepted unverified, refused once PEER_CERT is asked, on the resumed session
   * (the peer chain comes back with the resumed session and is checked again). */
  p = start_peer(peer_start_gnutls_serv, version, "server-wrongca.pem");
  ssl = make_ssl(CASS_SSL_VERIFY_NONE);
  expect(run_peer(ssl, p, NULL), CASS_OK, 0, NULL);
  cass_ssl_set_verify_flags(ssl, PEER_CERT);
  expect(run_peer(ssl, p, NULL), CASS_ERROR_SSL_INVALID_PEER_CERT, 1, "unknown issuer");
  expect(run_peer(ssl, p, NULL), CASS_ERROR_SSL_INVALID_PEER_CERT, 0, "unknown issuer");
  assert_int_equal(cached(ssl), 0);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_verify_resumed_tls12(void **state)
{
  verify_resumed(PEER_TLS1_2);
}

static void test_verify_resumed_tls13(void **state)
{
  verify_resumed(PEER_TLS1_3);
}

/* The peer chain of a resumed session, DER for DER the chain of the full handshake. */
static void test_resumed_chain(void **state)
{
  for (int v = 0; v < 2; v++) {
    peer *p = start_peer(peer_start_gnutls_serv, v ? PEER_TLS1_3 : PEER_TLS1_2,
                         "server-chain.pem");
    CassSsl *ssl = make_ssl(PEER_CERT);
    unsigned char *first[2] = { NULL, NULL };
    size_t first_len[2] = { 0, 0 };
    for (int round = 0; round < 2; round++) {
      struct tnet n;
      assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
      assert_int_equal(tnet_handshake(&n), CASS_OK);
      assert_int_equal(tnet_exchange(&n, LINE, strlen(LINE), LINE, strlen(LINE)), CASS_OK);
      cassl_session_info info;
      assert_int_equal(cassl_session_get_info(n.cs, &info), CASS_OK);
      assert_int_equal(info.resumed, round);
      assert_int_equal(info.peer_cert_count, 2);
      for (size_t i = 0; i < 2; i++) {
        const unsigned char *der;
        size_t len;
        assert_int_equal(cassl_session_peer_cert(n.cs, i, &der, &len), CASS_OK);
        if (round == 0) {
          first[i] = malloc(len);
          memcpy(first[i], der, len);
          first_len[i] = len;
        } else {
          assert_int_equal(len, first_len[i]);
          assert_memory_equal(der, first[i], len);
        }
      }
      tnet_close(&n);
    }
    free(first[0]);
    free(first[1]);
    cass_ssl_free(ssl);
    peer_stop(p);
  }
}

/* ---- in-process server: what is offered where ------------------------------------------- */

static struct tpki ca, leaf;
static gnutls_datum_t stek; /* one ticket key for every in-process server: each would resume */

struct inproc {
  const char *ip;
  int port;
  const char *hostname;
  const char *sni;
  bool tls13;
};

/* One session against a fresh in-process server; *server_resumed says whether the server
 * resumed it (it accepts any ticket it issued). */
static struct outcome run_inproc(CassSsl *ssl, const struct inproc *w, int *server_resumed)
{
  struct outcome o = { 0 };
  struct tpeer tp;
  tpeer_init(&tp, w->ip, w->hostname, w->sni);
  if (tp.addr.ss_family == AF_INET)
    ((struct sockaddr_in *)&tp.addr)->sin_port = htons((uint16_t)w->port);
  else
    ((struct sockaddr_in6 *)&tp.addr)->sin6_port = htons((uint16_t)w->port);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &tp.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){
                         .cert = &leaf,
                         .priority = w->tls13 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
                                              : "NORMAL:-VERS-ALL:+VERS-TLS1.2" });
  assert_int_equal(gnutls_session_ticket_enable_server(srv.s, &stek), 0);
  o.rc = thandshake(cs, &srv, 0);
  if (o.rc == CASS_OK)
    ttransfer(cs, &srv, 100, 0);
  cassl_session_info info;
  if (cassl_session_get_info(cs, &info) == CASS_OK)
    o.resumed = info.resumed;
  snprintf(o.msg, sizeof o.msg, "%s", cassl_session_error_message(cs));
  *server_resumed = srv.done && gnutls_session_is_resumed(srv.s);
  tserver_free(&srv);
  cassl_session_free(cs);
  return o;
}

static void expect_inproc(CassSsl *ssl, const struct inproc *w, CassError rc, int resumed,
                          const char *needle)
{
  int server_resumed = 0;
  struct outcome o = run_inproc(ssl, w, &server_resumed);
  expect(o, rc, resumed, needle);
  if (rc == CASS_OK)
    assert_int_equal(server_resumed, resumed);
}

static void where_offered(bool tls13)
{
  CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  struct inproc base = { "127.0.0.1", 9042, "node.cassl.test", NULL, tls13 };
  expect_inproc(ssl, &base, CASS_OK, 0, NULL);
  expect_inproc(ssl, &base, CASS_OK, 1, NULL);

  /* Another port, address family, address or SNI: a full handshake, though this server
   * would have resumed what it issued. */
  struct inproc port = base;
  port.port = 9043;
  expect_inproc(ssl, &port, CASS_OK, 0, NULL);
  struct inproc v6 = base;
  v6.ip = "::1";
  expect_inproc(ssl, &v6, CASS_OK, 0, NULL);
  struct inproc addr = base;
  addr.ip = "127.0.0.2";
  expect_inproc(ssl, &addr, CASS_OK, 0, NULL);
  struct inproc sni = base;
  sni.sni = "node2.cassl.test";
  expect_inproc(ssl, &sni, CASS_OK, 0, NULL);
  struct inproc no_sni = { "127.0.0.1", 9042, NULL, NULL, tls13 };
  cass_ssl_set_verify_flags(ssl, PEER_CERT);
  expect_inproc(ssl, &no_sni, CASS_OK, 0, NULL);
  expect_inproc(ssl, &no_sni, CASS_OK, 1, NULL);
  assert_int_equal(cached(ssl), 6);

  /* Same SNI, another reference name: resumed, and the identity check refuses it. */
  cass_ssl_set_verify_flags(ssl, PEER_CERT | PEER_DNS);
  struct inproc liar = base;
  liar.hostname = "evil.cassl.test";
  liar.sni = "node.cassl.test";
  expect_inproc(ssl, &liar, CASS_ERROR_SSL_IDENTITY_MISMATCH, 1, "evil.cassl.test");
  assert_int_equal(cached(ssl), 5);
  /* No address: nothing to key the cache with, nothing offered or kept. */
  struct inproc none = { NULL, 0, "node.cassl.test", NULL, tls13 };
  size_t before = cached(ssl);
  expect_inproc(ssl, &none, CASS_OK, 0, NULL);
  expect_inproc(ssl, &none, CASS_OK, 0, NULL);
  assert_int_equal(cached(ssl), before);
  cass_ssl_free(ssl);
}

static void test_where_offered_tls12(void **state)
{
  where_offered(false);
}

static void test_where_offered_tls13(void **state)
{
  where_offered(true);
}

/* Switched off, size 0, cleared by setters, expired. */
static void test_switches(void **state)
{
  for (int v = 0; v < 2; v++) {
    struct inproc w = { "127.0.0.1", 9042, "node.cassl.test", NULL, v == 1 };
    CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false), CASS_OK);
    assert_string_equal(cassl_ssl_last_error(ssl), "");
    assert_int_equal(cached(ssl), 0);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cached(ssl), 0);
    assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_true), CASS_OK);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    expect_inproc(ssl, &w, CASS_OK, 1, NULL);

    /* Size 0 keeps nothing; back to a size, it works again. */
    assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 0), CASS_OK);
    assert_int_equal(cached(ssl), 0);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 4), CASS_OK);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    expect_inproc(ssl, &w, CASS_OK, 1, NULL);

    /* Trust, credentials and policy setters drop every entry, failing or not. */
    assert_int_equal(cass_ssl_add_trusted_cert(ssl, ca.cert_pem), CASS_OK);
    assert_int_equal(cached(ssl), 0);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cached(ssl), 1);
    assert_int_equal(cass_ssl_set_cert(ssl, "garbage"), CASS_ERROR_SSL_INVALID_CERT);
    assert_int_equal(cached(ssl), 0);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cassl_ssl_set_priority(ssl, NULL), CASS_OK);
    assert_int_equal(cached(ssl), 0);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cassl_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2), CASS_OK);
    assert_int_equal(cached(ssl), 0);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    assert_int_equal(cass_ssl_set_private_key(ssl, "garbage", NULL),
                     CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
    assert_int_equal(cached(ssl), 0);
    /* Flags are not: a resumed session is checked against the flags in force. */
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    cass_ssl_set_verify_flags(ssl, PEER_CERT);
    assert_int_equal(cached(ssl), 1);
    expect_inproc(ssl, &w, CASS_OK, 1, NULL);

    /* A session that started before a setter does not store what it gets afterwards. */
    struct tpeer tp;
    tpeer_init(&tp, "127.0.0.1", "node.cassl.test", NULL);
    cassl_session *cs = NULL;
    assert_int_equal(cassl_session_new(ssl, &tp.peer, &cs), CASS_OK);
    assert_int_equal(cass_ssl_add_trusted_cert(ssl, ca.cert_pem), CASS_OK);
    struct tserver srv;
    tserver_init(&srv, &(struct tserver_opts){ .cert = &leaf,
                                               .priority = v ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
                                                             : "NORMAL:-VERS-ALL:+VERS-TLS1.2" });
    assert_int_equal(gnutls_session_ticket_enable_server(srv.s, &stek), 0);
    assert_int_equal(thandshake(cs, &srv, 0), CASS_OK);
    ttransfer(cs, &srv, 100, 0);
    assert_int_equal(cached(ssl), 0);
    tserver_free(&srv);
    cassl_session_free(cs);

    /* Entries expire (the age is that of the full handshake, even through resumptions). */
    cassl_session_cache_set_max_age(&ssl->sessions, 300);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    expect_inproc(ssl, &w, CASS_OK, 1, NULL);
    usleep(350 * 1000);
    expect_inproc(ssl, &w, CASS_OK, 0, NULL);
    cass_ssl_free(ssl);
  }
}

/* The cache itself: LRU order, replacement, generations, expiry. */
static void test_cache_unit(void **state)
{
  struct cassl_session_cache c;
  cassl_session_cache_init(&c);
  cassl_session_cache_set_capacity(&c, 3);
  struct sockaddr_in sa = { .sin_family = AF_INET };
  inet_pton(AF_INET, "10.0.0.1", &sa.sin_addr);
  struct cassl_session_key keys[5];
  for (int i = 0; i < 5; i++) {
    sa.sin_port = htons((uint16_t)(9000 + i));
    assert_true(cassl_session_cache_key(&keys[i], (struct sockaddr *)&sa, "node.cassl.test"));
  }
  struct sockaddr_un_like { sa_family_t f; char pad[30]; } other = { AF_UNIX, { 0 } };
  struct cassl_session_key k;
  assert_false(cassl_session_cache_key(&k, (struct sockaddr *)&other, NULL));
  assert_false(cassl_session_cache_key(&k, NULL, NULL));

  struct cassl_session_cache_ticket t;
  void *data;
  size_t len;
  cassl_session_cache_lookup(&c, &keys[0], &t, &data, &len);
  assert_null(data);
  for (int i = 0; i < 4; i++)
    cassl_session_cache_store(&c, &keys[i], t.generation, 0, false, strdup("blob"), 5);
  assert_int_equal(cassl_session_cache_count(&c), 3);
  cassl_session_cache_lookup(&c, &keys[0], &t, &data, &len);
  assert_null(data); /* the oldest went */
  cassl_session_cache_lookup(&c, &keys[1], &t, &data, &len);
  assert_non_null(data);
  assert_int_equal(len, 5);
  assert_string_equal(data, "blob");
  free(data);
  cassl_session_cache_store(&c, &keys[4], t.generation, 0, false, strdup("new"), 4);
  cassl_session_cache_lookup(&c, &keys[2], &t, &data, &len);
  assert_null(data); /* keys[1] was used more recently than keys[2] */
  cassl_session_cache_lookup(&c, &keys[1], &t, &data, &len);
  assert_non_null(data);
  free(data);
  /* Replacing keeps one entry per key. */
  cassl_session_cache_store(&c, &keys[1], t.generation, 0, false, strdup("again"), 6);
  assert_int_equal(cassl_session_cache_count(&c), 3);
  cassl_session_cache_lookup(&c, &keys[1], &t, &data, &len);
  assert_string_equal(data, "again");
  free(data);
  /* After a clear, data of an older generation is dropped. */
  uint64_t old = t.generation;
  cassl_session_cache_clear(&c);
  assert_int_equal(cassl_session_cache_count(&c), 0);
  cassl_session_cache_store(&c, &keys[1], old, 0, false, strdup("stale"), 6);
  assert_int_equal(cassl_session_cache_count(&c), 0);
  /* Data descending from a handshake older than the maximum age is not kept. */
  cassl_session_cache_lookup(&c, &keys[1], &t, &data, &len);
  cassl_session_cache_set_max_age(&c, 1000);
  cassl_session_cache_store(&c, &keys[1], t.generation, cassl_session_cache_now_ms() - 2000, false,
                            strdup("old"), 4);
  assert_int_equal(cassl_session_cache_count(&c), 0);
  /* Shrinking drops the least recently used. */
  cassl_session_cache_set_capacity(&c, 8);
  for (int i = 0; i < 5; i++)
    cassl_session_cache_store(&c, &keys[i], t.generation, 0, false, strdup("x"), 2);
  cassl_session_cache_set_capacity(&c, 2);
  assert_int_equal(cassl_session_cache_count(&c), 2);
  cassl_session_cache_lookup(&c, &keys[4], &t, &data, &len);
  assert_non_null(data);
  free(data);
  cassl_session_cache_lookup(&c, &keys[2], &t, &data, &len);
  assert_null(data);
  cassl_session_cache_destroy(&c);
}

/* TLS 1.3 tickets are single-use: each is offered once, newest first, up to
 * CASSL_SESSION_CACHE_TICKETS per peer (the oldest go); reusable data replaces them. */
static void test_cache_single_use_tickets(void **state)
{
  struct cassl_session_cache c;
  cassl_session_cache_init(&c);
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9042) };
  inet_pton(AF_INET, "10.0.0.1", &sa.sin_addr);
  struct cassl_session_key key;
  assert_true(cassl_session_cache_key(&key, (struct sockaddr *)&sa, NULL));
  struct cassl_session_cache_ticket t;
  void *data;
  size_t len;
  cassl_session_cache_lookup(&c, &key, &t, &data, &len);
  char name[16];
  for (int i = 0; i < CASSL_SESSION_CACHE_TICKETS + 2; i++) {
    snprintf(name, sizeof name, "ticket%d", i);
    cassl_session_cache_store(&c, &key, t.generation, 0, true, strdup(name), strlen(name) + 1);
  }
  assert_int_equal(cassl_session_cache_count(&c), 1);
  for (int i = CASSL_SESSION_CACHE_TICKETS + 1; i >= 2; i--) {
    cassl_session_cache_lookup(&c, &key, &t, &data, &len);
    snprintf(name, sizeof name, "ticket%d", i);
    assert_non_null(data);
    assert_string_equal(data, name);
    free(data);
  }
  cassl_session_cache_lookup(&c, &key, &t, &data, &len);
  assert_null(data); /* every ticket was offered once; the two oldest were dropped */
  assert_int_equal(cassl_session_cache_count(&c), 0);

  /* Reusable data (TLS 1.2) is offered again and again, and replaces tickets. */
  cassl_session_cache_store(&c, &key, t.generation, 0, true, strdup("ticket"), 7);
  cassl_session_cache_store(&c, &key, t.generation, 0, false, strdup("tls12"), 6);
  for (int i = 0; i < 3; i++) {
    cassl_session_cache_lookup(&c, &key, &t, &data, &len);
    assert_non_null(data);
    assert_string_equal(data, "tls12");
    free(data);
  }
  /* A ticket replaces reusable data. */
  cassl_session_cache_store(&c, &key, t.generation, 0, true, strdup("ticket"), 7);
  cassl_session_cache_lookup(&c, &key, &t, &data, &len);
  assert_string_equal(data, "ticket");
  free(data);
  cassl_session_cache_lookup(&c, &key, &t, &data, &len);
  assert_null(data);
  cassl_session_cache_destroy(&c);
}

/* ---- bounded: N+1 real peers evict the oldest ------------------------------------------- */

static void test_bounded(void **state)
{
  peer *p[3];
  for (int i = 0; i < 3; i++)
    p[i] = start_peer(peer_start_gnutls_serv, PEER_TLS1_3, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 2), CASS_OK);
  for (int i = 0; i < 3; i++)
    expect(run_peer(ssl, p[i], NULL), CASS_OK, 0, NULL);
  assert_int_equal(cached(ssl), 2);
  expect(run_peer(ssl, p[1], NULL), CASS_OK, 1, NULL);
  expect(run_peer(ssl, p[2], NULL), CASS_OK, 1, NULL);
  expect(run_peer(ssl, p[0], NULL), CASS_OK, 0, NULL); /* evicted */
  /* p[0] came back and p[1] is now the least recently used. */
  expect(run_peer(ssl, p[2], NULL), CASS_OK, 1, NULL);
  expect(run_peer(ssl, p[1], NULL), CASS_OK, 0, NULL);
  assert_int_equal(cached(ssl), 2);
  cass_ssl_free(ssl);
  for (int i = 0; i < 3; i++)
    peer_stop(p[i]);
}

/* ---- 8 threads resuming at once from one CassSsl ---------------------------------------- */

#define THREADS 8
#define ROUNDS 4

struct worker {
  pthread_t tid;
  CassSsl *ssl;
  const peer *p;
  int resumed;
  int failures;
  char why[600];
};

/* No cmocka assertion in threads: outcomes are counted and checked by the main thread. */
static void *worker_main(void *arg)
{
  struct worker *w = arg;
  for (int round = 0; round < ROUNDS; round++) {
    struct tnet n;
    if (tnet_open(&n, w->ssl, w->p, NULL) != CASS_OK) {
      w->failures++;
      continue;
    }
    CassError rc = tnet_handshake(&n);
    if (rc == CASS_OK)
      rc = tnet_exchange(&n, LINE, strlen(LINE), LINE, strlen(LINE));
    cassl_session_info info;
    if (rc == CASS_OK && cassl_session_get_info(n.cs, &info) == CASS_OK) {
      w->resumed += info.resumed;
      tnet_shutdown(&n);
    } else {
      w->failures++;
      snprintf(w->why, sizeof w->why, "%s: %s", cassl_error_name(rc),
               cassl_session_error_message(n.cs));
    }
    tnet_close(&n);
  }
  return NULL;
}

static void threads_against(start_fn start, peer_tls_version version)
{
  peer *p = start_peer(start, version, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  expect(run_peer(ssl, p, NULL), CASS_OK, 0, NULL);
  struct worker w[THREADS];
  memset(w, 0, sizeof w);
  for (int i = 0; i < THREADS; i++) {
    w[i].ssl = ssl;
    w[i].p = p;
    assert_int_equal(pthread_create(&w[i].tid, NULL, worker_main, &w[i]), 0);
  }
  for (int i = 0; i < THREADS; i++)
    assert_int_equal(pthread_join(w[i].tid, NULL), 0);
  int resumed = 0;
  for (int i = 0; i < THREADS; i++) {
    if (w[i].failures)
      fail_msg("thread %d: %d failures, last: %s", i, w[i].failures, w[i].why);
    /* TLS 1.2 session data is reusable: every connection resumes. A TLS 1.3 ticket is
     * offered once, so how many of the racing connections find one depends on timing
     * (test_single_use_tickets checks the rule itself). */
    if (version == PEER_TLS1_2)
      assert_int_equal(w[i].resumed, ROUNDS);
    resumed += w[i].resumed;
  }
  print_message("%d of %d connections resumed\n", resumed, THREADS * ROUNDS);
  assert_true(resumed > 0);
  assert_int_equal(cached(ssl), 1);
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* ---- a TLS 1.3 ticket is offered once ---------------------------------------------------- */

/* A session is offered its ticket when it is made: two sessions made before either
 * handshakes share no ticket. gnutls-serv and openssl s_server send two tickets per
 * connection, in separate records: after one full handshake, both are kept, two later
 * sessions resume, and the next does not. */
static void single_use_against(start_fn start, int tickets)
{
  peer *p = start_peer(start, PEER_TLS1_3, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  expect(run_peer(ssl, p, NULL), CASS_OK, 0, NULL);
  struct tnet n[3];
  for (int i = 0; i <= tickets; i++)
    assert_int_equal(tnet_open(&n[i], ssl, p, NULL), CASS_OK);
  assert_int_equal(cached(ssl), 0); /* every ticket is out */
  for (int i = 0; i <= tickets; i++) {
    CassError rc = tnet_handshake(&n[i]);
    if (rc == CASS_OK)
      rc = tnet_exchange(&n[i], LINE, strlen(LINE), LINE, strlen(LINE));
    if (rc != CASS_OK)
      fail_msg("connection %d: %s: %s", i, cassl_error_name(rc),
               cassl_session_error_message(n[i].cs));
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(n[i].cs, &info), CASS_OK);
    if (info.resumed != (i < tickets))
      fail_msg("connection %d of %d: %s", i, tickets + 1,
               info.resumed ? "resumed with a ticket offered before" : "not resumed");
    tnet_shutdown(&n[i]);
    tnet_close(&n[i]);
  }
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_single_use_tickets(void **state)
{
  single_use_against(peer_start_gnutls_serv, 2);
  single_use_against(peer_start_openssl, 2);
}

static void test_threads_tls13(void **state)
{
  threads_against(peer_start_gnutls_serv, PEER_TLS1_3);
}

static void test_threads_tls12(void **state)
{
  threads_against(peer_start_openssl, PEER_TLS1_2);
}

/* ---- through the libuv transport ------------------------------------------------------- */

struct uv_run_state {
  struct tt_client t;
  int resumed;
  char protocol[16];
};

static void uv_on_established(struct tt_client *t)
{
  struct uv_run_state *u = t->user;
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(cassl_uv_conn_session(t->conn), &info), CASS_OK);
  u->resumed = info.resumed;
  snprintf(u->protocol, sizeof u->protocol, "%s", info.protocol);
  tt_write(t, LINE, strlen(LINE));
}

static int uv_connect_once(CassSsl *ssl, const peer *p)
{
  uv_loop_t loop;
  assert_int_equal(uv_loop_init(&loop), 0);
  struct uv_run_state u;
  memset(&u, 0, sizeof u);
  u.t.user = &u;
  u.t.close_on_end = 1;
  u.t.close_after = strlen(LINE); /* the echo, after the TLS 1.3 tickets */
  u.t.on_established = uv_on_established;
  cassl_uv_options opts;
  cassl_uv_options_init(&opts);
  socklen_t len;
  struct sockaddr_storage addr;
  const struct sockaddr *sa = peer_address(p, &len);
  memcpy(&addr, sa, len);
  opts.address = (struct sockaddr *)&addr;
  tt_client_start(&u.t, &loop, ssl, &opts);
  tt_run(&loop, 60000);
  tt_loop_close(&loop);
  if (u.t.connect_status != CASS_OK)
    fail_msg("connect: %s: %s", cassl_error_name(u.t.connect_status), u.t.connect_msg);
  assert_int_equal(u.t.received, strlen(LINE));
  assert_int_equal(u.t.close_calls, 1);
  assert_string_equal(u.protocol, "TLS1.3");
  return u.resumed;
}

static void test_uv_transport(void **state)
{
  peer *p = start_peer(peer_start_gnutls_serv, PEER_TLS1_3, "server-ip.pem");
  CassSsl *ssl = make_ssl(PEER_CERT | PEER_IP);
  assert_int_equal(uv_connect_once(ssl, p), 0);
  assert_int_equal(uv_connect_once(ssl, p), 1);
  assert_int_equal(uv_connect_once(ssl, p), 1);
  cass_ssl_free(ssl);
  peer_stop(p);
}

/* ---- one key share, and the HelloRetryRequest when the server wants another group -------- */

/* The first group of the client's defaults (the system policy, as the library applies it):
 * the ClientHello carries a key share for it only. *other: a group the servers know that
 * it carries none for. */
static void first_group(const char **first, const char **other)
{
  gnutls_priority_t prio;
  assert_true(gnutls_priority_init2(&prio, "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL", NULL,
                                    GNUTLS_PRIORITY_INIT_DEF_APPEND) >= 0);
  const unsigned *list;
  assert_true(gnutls_priority_group_list(prio, &list) > 0);
  *first = gnutls_group_get_name(list[0]);
  assert_non_null(*first);
  *other = strcmp(*first, "X25519") != 0 ? "X25519" : "SECP256R1";
  gnutls_priority_deinit(prio);
}

/* A TLS 1.3 server accepting only group (NULL: its defaults); the CassSsl to check it. */
static peer *start_group_peer(start_fn start, const char *group, CassSsl **ssl)
{
  char cert_file[4096], key_file[4096], keystore[4096];
  snprintf(cert_file, sizeof cert_file, "%s", tnet_pki("server-ip.pem"));
  snprintf(key_file, sizeof key_file, "%s", tnet_pki("server-ip-key.pem"));
  snprintf(keystore, sizeof keystore, "%s", tnet_pki("jks/keystore.jks"));
  bool jsse = start == peer_start_jsse;
  peer_tls_options opts = { .cert_file = cert_file, .key_file = key_file,
                            .keystore = jsse ? keystore : NULL, .version = PEER_TLS1_3,
                            .mode = PEER_MODE_ECHO, .group = group };
  peer *p = NULL;
  if (start(&opts, &p) != 0)
    fail_msg("cannot start the TLS server (group %s)", group ? group : "default");
  *ssl = cass_ssl_new();
  char *pem = tnet_read_file(tnet_pki(jsse ? "jks/node.pem" : "ca.pem"));
  assert_int_equal(cass_ssl_add_trusted_cert(*ssl, pem), CASS_OK);
  free(pem);
  cass_ssl_set_verify_flags(*ssl, PEER_CERT | PEER_IP);
  return p;
}

/* Against the server's defaults and against a server whose only group is one the
 * ClientHello has no key share for (it answers with a HelloRetryRequest): full and resumed
 * handshakes, verified, with data. */
static void key_share_against(start_fn start)
{
  const char *first, *other;
  first_group(&first, &other);
  char want_kx[64];
  snprintf(want_kx, sizeof want_kx, "ECDHE-%s", other);
  for (int retry = 0; retry < 2; retry++) {
    CassSsl *ssl;
    peer *p = start_group_peer(start, retry ? other : NULL, &ssl);
    for (int i = 0; i < 3; i++) {
      struct outcome o = run_peer(ssl, p, NULL);
      expect(o, CASS_OK, i > 0, NULL);
      assert_string_equal(o.protocol, "TLS1.3");
      if (retry)
        assert_string_equal(o.kx, want_kx);
    }
    cass_ssl_free(ssl);
    peer_stop(p);
  }
}

static void test_key_share_gnutls_serv(void **state)
{
  key_share_against(peer_start_gnutls_serv);
}

static void test_key_share_openssl(void **state)
{
  key_share_against(peer_start_openssl);
}

static void test_key_share_jsse(void **state)
{
  if (!peers_have("java")) {
    fprintf(stderr, "no JDK: the JSSE key share check is skipped\n");
    skip();
  }
  key_share_against(peer_start_jsse);
}

/* ---- group ------------------------------------------------------------------------------ */

static int group_setup(void **state)
{
  if (!peers_have("gnutls-serv") || !peers_have("openssl")) {
    fprintf(stderr, "skipping: gnutls-serv (gnutls-bin) and openssl are needed\n");
    exit(77);
  }
  tpki_ca(&ca, "resumption CA");
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "node.cassl.test",
                                              .dns = { "node.cassl.test", "node2.cassl.test" },
                                              .ip = { "127.0.0.1" } });
  return gnutls_session_ticket_key_generate(&stek) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
  tpki_free(&leaf);
  tpki_free(&ca);
  gnutls_memset(stek.data, 0, stek.size);
  gnutls_free(stek.data);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_cache_unit),
    cmocka_unit_test(test_cache_single_use_tickets),
    cmocka_unit_test(test_single_use_tickets),
    cmocka_unit_test(test_gnutls_serv_tls12),
    cmocka_unit_test(test_gnutls_serv_tls13),
    cmocka_unit_test(test_openssl_tls12),
    cmocka_unit_test(test_openssl_tls13),
    cmocka_unit_test(test_jsse),
    cmocka_unit_test(test_client_cert_tls12),
    cmocka_unit_test(test_client_cert_tls13),
    cmocka_unit_test(test_verify_resumed_tls12),
    cmocka_unit_test(test_verify_resumed_tls13),
    cmocka_unit_test(test_resumed_chain),
    cmocka_unit_test(test_where_offered_tls12),
    cmocka_unit_test(test_where_offered_tls13),
    cmocka_unit_test(test_switches),
    cmocka_unit_test(test_bounded),
    cmocka_unit_test(test_threads_tls13),
    cmocka_unit_test(test_threads_tls12),
    cmocka_unit_test(test_uv_transport),
    cmocka_unit_test(test_key_share_gnutls_serv),
    cmocka_unit_test(test_key_share_openssl),
    cmocka_unit_test(test_key_share_jsse),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
