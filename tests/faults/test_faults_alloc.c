/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The allocation-failure sweep: each of libcassl's own allocations (faults_alloc.h) fails in
 * turn, the 1st, then the 2nd, ... until a run makes fewer allocations than the one to
 * fail, over three scenarios:
 *   ssl:       cass_ssl_new and every setter with real inputs, then cass_ssl_free;
 *   session:   cassl_session_new, a handshake with an in-memory GnuTLS server, a transfer
 *              both ways, close_notify, free;
 *   transport: cassl_uv_connect to a GnuTLS server thread on loopback, an echo, close.
 * Each call that takes the failure must return an error with a sentence (or succeed when the
 * allocation was optional); a call that did not take it must succeed; callbacks fire once;
 * every library block is given back (faults_live) and nothing crashes. valgrind and ASan
 * check the rest. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "faults_alloc.h"
#include "session_util.h"
#include "transport_util.h"

/* ---- one run of a scenario ------------------------------------------------------------ */

struct run {
  const char *scenario;
  unsigned long fail_at;
  int stopped;          /* a call failed: the scenario stopped there */
  char failed_call[64];
  CassError rc;
  char msg[256];
  int optional;         /* the failure was absorbed: every call succeeded */
};

static CassError lib_rc; /* the last armed call's result */

/* Runs one library call with counting on. */
#define LIB(expr) (faults_resume(), lib_rc = (expr), faults_pause(), lib_rc)
#define LIB_VOID(expr) (faults_resume(), (expr), faults_pause())

/* Checks a call's result: an error only after an injected failure, and with a sentence.
 * Returns false when the scenario must stop. */
static bool check(struct run *r, const char *call, CassError rc, const char *msg)
{
  if (rc == CASS_OK)
    return true;
  if (!faults_injected())
    fail_msg("%s #%lu: %s failed with no allocation failed: %s: %s", r->scenario, r->fail_at,
             call, cassl_error_name(rc), msg ? msg : "(null)");
  if (!msg || !msg[0])
    fail_msg("%s #%lu: %s failed with %s and no sentence", r->scenario, r->fail_at, call,
             cassl_error_name(rc));
  /* GnuTLS's words for a failing callback of ours say nothing to a user. */
  if (strstr(msg, "user error"))
    fail_msg("%s #%lu: %s: %s", r->scenario, r->fail_at, call, msg);
  r->stopped = 1;
  r->rc = rc;
  snprintf(r->failed_call, sizeof r->failed_call, "%s", call);
  snprintf(r->msg, sizeof r->msg, "%s", msg);
  return false;
}

/* ---- inputs, made once with GnuTLS --------------------------------------------------- */

static struct tpki ca, leaf;
static struct tpki srv_leaf; /* IP SAN and a DNS SAN longer than the verifier's first buffer */
static struct tpki cli_leaf; /* a client certificate */
static char long_name[300];
static char *leaf_chain; /* leaf then CA */
static char *enc_key;    /* PKCS#8 PBES2 AES-256, password "cassandra" */
static char *crl_pem;
static gnutls_datum_t p12;  /* PKCS#12 DER: leaf + key, PBES2 AES-256, MAC SHA-256 */
static char *trad_key;      /* traditional encrypted PEM (Proc-Type, AES-256-CBC), or NULL */

/* PKCS#12 with GnuTLS: a certificate bag and an encrypted-key bag sharing the key id. */
static void make_p12(void)
{
  gnutls_pkcs12_t p;
  gnutls_pkcs12_bag_t cbag, kbag;
  gnutls_datum_t key_der, id;
  unsigned char idbuf[64];
  size_t idlen = sizeof idbuf;
  int idx;

  assert_int_equal(gnutls_x509_crt_get_key_id(leaf.crt, 0, idbuf, &idlen), 0);
  id.data = idbuf;
  id.size = (unsigned)idlen;
  assert_int_equal(gnutls_pkcs12_init(&p), 0);
  assert_int_equal(gnutls_pkcs12_bag_init(&cbag), 0);
  assert_int_equal(gnutls_pkcs12_bag_init(&kbag), 0);
  idx = gnutls_pkcs12_bag_set_crt(cbag, leaf.crt);
  assert_true(idx >= 0);
  assert_int_equal(gnutls_pkcs12_bag_set_key_id(cbag, idx, &id), 0);
  assert_int_equal(gnutls_pkcs12_bag_encrypt(cbag, "cassandra", GNUTLS_PKCS_PBES2_AES_256), 0);
  assert_int_equal(gnutls_x509_privkey_export2_pkcs8(leaf.key, GNUTLS_X509_FMT_DER, "cassandra",
                                                     GNUTLS_PKCS_PBES2_AES_256, &key_der), 0);
  idx = gnutls_pkcs12_bag_set_data(kbag, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &key_der);
  assert_true(idx >= 0);
  assert_int_equal(gnutls_pkcs12_bag_set_key_id(kbag, idx, &id), 0);
  gnutls_free(key_der.data);
  assert_int_equal(gnutls_pkcs12_set_bag(p, cbag), 0);
  assert_int_equal(gnutls_pkcs12_set_bag(p, kbag), 0);
  assert_int_equal(gnutls_pkcs12_generate_mac2(p, GNUTLS_MAC_SHA256, "cassandra"), 0);
  assert_int_equal(gnutls_pkcs12_export2(p, GNUTLS_X509_FMT_DER, &p12), 0);
  gnutls_pkcs12_bag_deinit(cbag);
  gnutls_pkcs12_bag_deinit(kbag);
  gnutls_pkcs12_deinit(p);
}

/* Runs "openssl <args>" on the leaf's key and certificate; returns its output (*len bytes)
 * or NULL. */
static unsigned char *openssl_out(const char *args, size_t *len)
{
  char key[] = "/tmp/faults-key.XXXXXX", crt[] = "/tmp/faults-crt.XXXXXX", cmd[512];
  unsigned char *buf = malloc(65536);
  int kfd = mkstemp(key), cfd = mkstemp(crt);
  FILE *f;
  size_t n = 0;
  assert_true(kfd >= 0 && cfd >= 0 && buf);
  assert_int_equal(write(kfd, leaf.key_pem, strlen(leaf.key_pem)), (ssize_t)strlen(leaf.key_pem));
  assert_int_equal(write(cfd, leaf.cert_pem, strlen(leaf.cert_pem)),
                   (ssize_t)strlen(leaf.cert_pem));
  close(kfd);
  close(cfd);
  /* "@K" and "@C" in args stand for the key and certificate files. */
  snprintf(cmd, sizeof cmd, "openssl");
  for (const char *a = args; *a; a++) {
    size_t used = strlen(cmd);
    if (a[0] == '@' && (a[1] == 'K' || a[1] == 'C')) {
      snprintf(cmd + used, sizeof cmd - used, "%s", a[1] == 'K' ? key : crt);
      a++;
    } else if (used + 1 < sizeof cmd) {
      cmd[used] = *a;
      cmd[used + 1] = '\0';
    }
  }
  strncat(cmd, " 2>/dev/null", sizeof cmd - strlen(cmd) - 1);
  f = popen(cmd, "r");
  if (f) {
    n = fread(buf, 1, 65535, f);
    if (pclose(f) != 0)
      n = 0;
  }
  unlink(key);
  unlink(crt);
  if (n == 0) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* GnuTLS writes no traditional encrypted PEM, and encrypts PKCS#8 and PKCS#12 with a costly
 * iteration count (slow under valgrind, 34 times over): openssl writes them with a small one.
 * Without openssl: the GnuTLS forms, and no traditional key. */
static void make_openssl_inputs(void)
{
  size_t n;
  unsigned char *out = openssl_out(" pkey -in @K -traditional -aes256 -passout pass:cassandra", &n);
  if (out && strstr((char *)out, "Proc-Type: 4,ENCRYPTED"))
    trad_key = (char *)out;
  else
    free(out), fprintf(stderr, "no openssl: the traditional encrypted key is left out\n");
  out = openssl_out(" pkcs8 -topk8 -in @K -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 1000 "
                    "-passout pass:cassandra", &n);
  if (out && strstr((char *)out, "BEGIN ENCRYPTED PRIVATE KEY")) {
    free(enc_key);
    enc_key = (char *)out;
  } else {
    free(out);
  }
  out = openssl_out(" pkcs12 -export -inkey @K -in @C -iter 1000 -macalg sha256 "
                    "-keypbe AES-256-CBC -certpbe AES-256-CBC -passout pass:cassandra", &n);
  if (out) {
    gnutls_free(p12.data);
    p12.data = gnutls_malloc(n);
    assert_non_null(p12.data);
    memcpy(p12.data, out, n);
    p12.size = (unsigned)n;
    free(out);
  }
}

static void make_inputs(void)
{
  gnutls_datum_t out;
  gnutls_x509_crl_t crl;
  struct tpki_opts o = {.cn = "127.0.0.1", .ip = {"127.0.0.1"}};
  time_t now = time(NULL);

  tpki_ca(&ca, "faults CA");
  tpki_leaf(&leaf, &ca, &o);
  {
    struct tpki_opts so = {.cn = "127.0.0.1", .ip = {"127.0.0.1"}, .dns = {long_name}};
    struct tpki_opts co = {.cn = "faults client", .client = true};
    for (size_t i = 0; i < sizeof long_name - 1; i++)
      long_name[i] = i % 50 == 49 ? '.' : 'a';
    long_name[sizeof long_name - 2] = 'x';
    tpki_leaf(&srv_leaf, &ca, &so);
    tpki_leaf(&cli_leaf, &ca, &co);
  }
  leaf_chain = malloc(strlen(leaf.cert_pem) + strlen(ca.cert_pem) + 1);
  assert_non_null(leaf_chain);
  strcpy(leaf_chain, leaf.cert_pem);
  strcat(leaf_chain, ca.cert_pem);

  assert_int_equal(gnutls_x509_privkey_export2_pkcs8(leaf.key, GNUTLS_X509_FMT_PEM, "cassandra",
                                                     GNUTLS_PKCS_PBES2_AES_256, &out), 0);
  enc_key = strndup((const char *)out.data, out.size);
  gnutls_free(out.data);

  assert_int_equal(gnutls_x509_crl_init(&crl), 0);
  assert_int_equal(gnutls_x509_crl_set_version(crl, 2), 0);
  assert_int_equal(gnutls_x509_crl_set_this_update(crl, now - 60), 0);
  assert_int_equal(gnutls_x509_crl_set_next_update(crl, now + 86400), 0);
  assert_int_equal(gnutls_x509_crl_sign2(crl, ca.crt, ca.key, GNUTLS_DIG_SHA256, 0), 0);
  assert_int_equal(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &out), 0);
  crl_pem = strndup((const char *)out.data, out.size);
  gnutls_free(out.data);
  gnutls_x509_crl_deinit(crl);
  make_p12();
  make_openssl_inputs();
}

static void free_inputs(void)
{
  tpki_free(&leaf);
  tpki_free(&srv_leaf);
  tpki_free(&cli_leaf);
  tpki_free(&ca);
  free(leaf_chain);
  free(enc_key);
  free(crl_pem);
  gnutls_free(p12.data);
  free(trad_key);
}

/* ---- scenario: CassSsl and its setters ------------------------------------------------ */

static void scenario_ssl(struct run *r)
{
  static const char pin[] = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  CassSsl *ssl;

  faults_resume();
  ssl = cass_ssl_new();
  faults_pause();
  if (!ssl) {
    assert_true(faults_injected());
    r->stopped = 1;
    r->rc = CASS_ERROR_LIB_BAD_PARAMS;
    snprintf(r->failed_call, sizeof r->failed_call, "cass_ssl_new");
    snprintf(r->msg, sizeof r->msg, "returned NULL");
    return;
  }
#define STEP(call, expr)                                                                     \
  if (!check(r, call, LIB(expr), cassl_ssl_last_error(ssl)))                                 \
  goto out
  STEP("cass_ssl_add_trusted_cert_n",
       cass_ssl_add_trusted_cert_n(ssl, ca.cert_pem, strlen(ca.cert_pem)));
  STEP("cass_ssl_set_cert_n", cass_ssl_set_cert_n(ssl, leaf_chain, strlen(leaf_chain)));
  STEP("cass_ssl_set_private_key_n",
       cass_ssl_set_private_key_n(ssl, enc_key, strlen(enc_key), "cassandra", 9));
  LIB_VOID(cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT |
                                              CASS_SSL_VERIFY_PEER_IDENTITY));
  STEP("cass_ssl_set_min_protocol_version",
       cass_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2));
  STEP("cassl_ssl_set_priority", cassl_ssl_set_priority(ssl, "NORMAL:-VERS-TLS1.0"));
  STEP("cassl_ssl_add_crl", cassl_ssl_add_crl(ssl, crl_pem));
  STEP("cassl_ssl_add_pinned_public_key", cassl_ssl_add_pinned_public_key(ssl, pin));
  STEP("cassl_ssl_set_session_cache_size", cassl_ssl_set_session_cache_size(ssl, 16));
  STEP("cassl_ssl_set_session_resumption", cassl_ssl_set_session_resumption(ssl, cass_true));
  STEP("cass_ssl_add_trusted_cert (again)", cass_ssl_add_trusted_cert(ssl, ca.cert_pem));
  STEP("cassl_ssl_set_pkcs12_n", cassl_ssl_set_pkcs12_n(ssl, p12.data, p12.size, "cassandra", 9));
  if (trad_key) {
    STEP("cass_ssl_set_cert (traditional key)", cass_ssl_set_cert(ssl, leaf.cert_pem));
    STEP("cass_ssl_set_private_key (traditional)",
         cass_ssl_set_private_key(ssl, trad_key, "cassandra"));
  }
#undef STEP
out:
  LIB_VOID(cass_ssl_free(ssl));
}

/* ---- scenario: a session against an in-memory server ---------------------------------- */

static CassError sess_msg_rc;

/* Client output to the server; server output fed to the client (armed). */
static bool pump(struct run *r, cassl_session *cs, struct tserver *srv, size_t *moved)
{
  size_t len;
  const void *p = cassl_session_output_peek(cs, &len);
  unsigned char buf[16384];
  size_t n;
  *moved = 0;
  if (len) {
    assert_true(cassl_bytequeue_push(&srv->in, p, len));
    LIB_VOID(cassl_session_output_consume(cs, len));
    *moved += len;
  }
  while ((n = cassl_bytequeue_pop(&srv->out, buf, sizeof buf)) > 0) {
    *moved += n;
    if (!check(r, "cassl_session_feed", LIB(cassl_session_feed(cs, buf, n)),
               cassl_session_error_message(cs)))
      return false;
  }
  return true;
}

static void session_once(struct run *r, CassSsl *ssl)
{
  struct tserver srv;
  struct tserver_opts so = {.cert = &srv_leaf, .chain_ca = &ca,
                            .client_cert = GNUTLS_CERT_REQUEST, .client_ca = &ca};
  struct tpeer peer;
  cassl_session *cs = NULL;
  unsigned char out[5000], in[5000];
  size_t got = 0, moved;
  int i;

  tserver_init(&srv, &so);
  tpeer_init(&peer, "127.0.0.1", "localhost", "localhost"); /* a host name and SNI */
  if (!check(r, "cassl_session_new", LIB(cassl_session_new(ssl, &peer.peer, &cs)),
             cassl_ssl_last_error(ssl)))
    goto out;
  for (i = 0; i < 1000; i++) {
    if (!check(r, "cassl_session_handshake", LIB(cassl_session_handshake(cs)),
               cassl_session_error_message(cs)))
      goto out;
    if (!pump(r, cs, &srv, &moved))
      goto out;
    if (!srv.done && !srv.error)
      tserver_handshake(&srv);
    if (!pump(r, cs, &srv, &moved))
      goto out;
    if (cassl_session_get_state(cs) == CASSL_SESSION_ESTABLISHED && srv.done && !moved)
      break;
    /* The server gives up on bytes our failed-then-recovered session never sent. */
    assert_int_equal(srv.error, 0);
  }
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);

  for (size_t k = 0; k < sizeof out; k++)
    out[k] = tpattern(k, 7);
  if (!check(r, "cassl_session_write", LIB(cassl_session_write(cs, out, sizeof out)),
             cassl_session_error_message(cs)))
    goto out;
  if (!pump(r, cs, &srv, &moved))
    goto out;
  while (got < sizeof in) {
    long n = tserver_recv(&srv, in + got, sizeof in - got);
    assert_true(n > 0);
    got += (size_t)n;
  }
  assert_memory_equal(in, out, sizeof out);
  tserver_send(&srv, out, sizeof out);
  if (!pump(r, cs, &srv, &moved))
    goto out;
  got = 0;
  while (got < sizeof in) {
    size_t n = 0;
    if (!check(r, "cassl_session_read",
               LIB(cassl_session_read(cs, in + got, sizeof in - got, &n)),
               cassl_session_error_message(cs)))
      goto out;
    assert_true(n > 0);
    got += n;
  }
  assert_memory_equal(in, out, sizeof out);
  if (!check(r, "cassl_session_close", LIB(cassl_session_close(cs)),
             cassl_session_error_message(cs)))
    goto out;
  if (!pump(r, cs, &srv, &moved))
    goto out;
  assert_int_equal(tserver_recv(&srv, in, sizeof in), -1); /* our close_notify arrived */
out:
  (void)sess_msg_rc;
  LIB_VOID(cassl_session_free(cs));
  tserver_free(&srv);
}

/* Two sessions on one CassSsl: the second looks up (and offers) what the first stored. */
static void scenario_session(struct run *r)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  /* Set up without counting (the ssl sweep covers the setters): a priority the session
   * copies, and a client certificate the server asks for. */
  assert_int_equal(cassl_ssl_set_priority(ssl, "NORMAL"), CASS_OK);
  assert_int_equal(cass_ssl_set_cert(ssl, cli_leaf.cert_pem), CASS_OK);
  assert_int_equal(cass_ssl_set_private_key(ssl, cli_leaf.key_pem, NULL), CASS_OK);
  session_once(r, ssl);
  if (!r->stopped)
    session_once(r, ssl);
  cass_ssl_free(ssl);
}

/* ---- scenario: the transport ---------------------------------------------------------- */

struct tclient {
  struct run *r;
  cassl_uv_conn *conn;
  int connect_calls, close_calls, write_calls, read_end_calls, writes_accepted;
  CassError connect_rc, close_rc, write_rc, end_rc;
  char end_msg[256];
  size_t received, want;
  unsigned char *payload;
  int sink; /* the server only reads */
};

static void t_on_close(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct tclient *c = data;
  (void)conn;
  (void)message;
  c->close_calls++;
  c->close_rc = status;
}

static void t_close(struct tclient *c)
{
  cassl_uv_close(c->conn, t_on_close);
}

static void t_on_write(cassl_uv_conn *conn, CassError status, void *data)
{
  struct tclient *c = data;
  (void)conn;
  c->write_calls++;
  c->write_rc = status;
  if (status != CASS_OK)
    check(c->r, "write callback", status, cassl_uv_conn_error_message(conn));
  if (c->sink) /* nothing comes back: done once it is sent */
    t_close(c);
}

static void t_on_connect(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct tclient *c = data;
  c->connect_calls++;
  c->connect_rc = status;
  if (status != CASS_OK) {
    check(c->r, "connect callback", status, message);
    t_close(c);
    return;
  }
  CassError rc = cassl_uv_write(conn, c->payload, c->want, t_on_write, c);
  c->writes_accepted += rc == CASS_OK;
  if (rc == CASS_ERROR_LIB_WRITE_ERROR && cassl_uv_conn_error(conn) == CASS_OK) {
    /* A write refused for want of memory: no callback, the connection stays healthy and
     * has no error sentence (the API has no channel for one). */
    check(c->r, "cassl_uv_write", rc, "write refused, connection healthy");
    t_close(c);
  } else if (!check(c->r, "cassl_uv_write", rc, cassl_uv_conn_error_message(conn))) {
    t_close(c);
  }
}

static void t_on_read(cassl_uv_conn *conn, CassError status, const void *buf, size_t len,
                      void *data)
{
  struct tclient *c = data;
  (void)buf;
  if (status == CASS_OK && len > 0) {
    c->received += len;
    if (c->received >= c->want)
      t_close(c);
    return;
  }
  c->read_end_calls++;
  c->end_rc = status;
  snprintf(c->end_msg, sizeof c->end_msg, "%s", cassl_uv_conn_error_message(conn));
  check(c->r, "read callback", status, cassl_uv_conn_error_message(conn));
  t_close(c);
}

static void transport_run(struct run *r, int by_name)
{
  struct tt_tls_server srv = {0};
  struct sockaddr_storage addr;
  struct tclient c = {.r = r};
  /* By address: 8 MiB to a server that starts reading 100 ms late, more than the kernel
   * takes at once, so the rest is queued in chunks (uv_write); by name: an echoed line. */
  c.want = by_name ? 19 : (size_t)8 << 20;
  c.sink = !by_name;
  c.payload = malloc(c.want);
  assert_non_null(c.payload);
  tt_fill(c.payload, c.want, 0);
  cassl_uv_options opts;
  uv_loop_t loop;
  CassSsl *ssl = tt_ssl(CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);

  assert_int_equal(uv_loop_init(&loop), 0);
  srv.delay_ms = 100;
  tt_tls_start(&srv, by_name ? TT_TLS_ECHO : TT_TLS_SINK, AF_INET);
  tt_addr(&addr, AF_INET, srv.port);
  cassl_uv_options_init(&opts);
  if (by_name) {
    /* Resolved, then its name looked up again (reverse DNS) for the identity check. */
    opts.host = "127.0.0.1";
    opts.port = (unsigned short)srv.port;
    opts.reverse_dns = 1;
  } else {
    opts.address = (struct sockaddr *)&addr;
  }
  opts.on_read = t_on_read;
  opts.handshake_timeout_ms = 10000;
  faults_resume(); /* the loop runs library code only on this thread */
  lib_rc = cassl_uv_connect(&loop, ssl, &opts, t_on_connect, &c, &c.conn);
  if (!check(r, "cassl_uv_connect", lib_rc, lib_rc ? cassl_ssl_last_error(ssl) : "")) {
    faults_pause();
    /* Nothing connected: release the server's accept. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&addr, sizeof(struct sockaddr_in));
    close(fd);
  } else {
    tt_run(&loop, 60000);
    faults_pause();
    /* A connection that failed before TCP was up leaves the server in accept. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    connect(fd, (struct sockaddr *)&addr, sizeof(struct sockaddr_in));
    close(fd);
    assert_int_equal(c.connect_calls, 1);
    assert_int_equal(c.close_calls, 1);
    assert_true(c.read_end_calls <= 1);
    assert_int_equal(c.write_calls, c.writes_accepted); /* each accepted write once */
  }
  tt_tls_join(&srv);
  if (!r->stopped && c.sink) {
    assert_int_equal(srv.received, c.want);
    assert_int_equal(srv.rx_mismatch, 0);
    assert_int_equal(c.close_rc, CASS_OK);
  } else if (!r->stopped) {
    assert_int_equal(c.received, c.want);
  }
  tt_loop_close(&loop);
  cass_ssl_free(ssl);
  free(c.payload);
}

static void scenario_transport(struct run *r) { transport_run(r, 0); }
static void scenario_transport_by_name(struct run *r) { transport_run(r, 1); }

/* ---- the sweep ------------------------------------------------------------------------ */

static void sweep(const char *name, void (*scenario)(struct run *))
{
  unsigned long total, optional = 0, failed = 0;
  size_t live_before;

  /* Warm up once (one-time initialisation, e.g. the TLS library's), then count. */
  {
    struct run r = {.scenario = name};
    faults_start(0);
    scenario(&r);
    assert_false(r.stopped);
  }
  live_before = faults_live();
  {
    struct run r = {.scenario = name};
    faults_start(0);
    scenario(&r);
    assert_false(r.stopped);
    total = faults_count();
    assert_int_equal(faults_live(), live_before);
  }
  if (total == 0)
    fail_msg("%s: no library allocation reached the injector: were the library's objects "
             "renamed (objcopy cannot rename inside LTO objects)?", name);
  for (unsigned long n = 1; n <= total; n++) {
    struct run r = {.scenario = name, .fail_at = n};
    faults_start(n);
    scenario(&r);
    if (!faults_injected()) {
      /* The transport allocates a send chunk only when the kernel does not take all at
       * once: a run may make fewer allocations than the counting run did. */
      assert_false(r.stopped);
      fprintf(stderr, "| %s | allocation #%lu | (not reached in this run) | | |\n", name, n);
      continue;
    }
    if (faults_live() != live_before)
      fail_msg("%s: allocation #%lu failed: %zu library blocks not freed", name, n,
               faults_live() - live_before);
    if (r.stopped) {
      failed++;
      /* A session that cannot be made for want of memory says so with its own code, not
       * the bad-parameters one a driver reports as a configuration mistake. */
      if (!strcmp(r.failed_call, "cassl_session_new") && r.rc != CASS_ERROR_LIB_INTERNAL_ERROR)
        fail_msg("%s: allocation #%lu failed in cassl_session_new: %s (%s), not "
                 "CASS_ERROR_LIB_INTERNAL_ERROR", name, n, cassl_error_name(r.rc), r.msg);
      fprintf(stderr, "| %s | allocation #%lu | %s | %s | %s |\n", name, n, r.failed_call,
              r.rc == CASS_ERROR_LIB_BAD_PARAMS && !strcmp(r.failed_call, "cass_ssl_new")
                  ? "NULL"
                  : cassl_error_name(r.rc),
              r.msg);
    } else {
      optional++;
      fprintf(stderr, "| %s | allocation #%lu | (absorbed) | CASS_OK | |\n", name, n);
    }
  }
  fprintf(stderr, "%s: %lu library allocations, each failed once: %lu reported an error, "
                  "%lu absorbed\n", name, total, failed, optional);
}

static void test_sweep_ssl(void **state)
{
  (void)state;
  sweep("ssl", scenario_ssl);
}

static void test_sweep_session(void **state)
{
  (void)state;
  sweep("session", scenario_session);
}

static void test_sweep_transport(void **state)
{
  (void)state;
  sweep("transport", scenario_transport);
}

static void test_sweep_transport_by_name(void **state)
{
  (void)state;
  sweep("transport by name", scenario_transport_by_name);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sweep_ssl),
      cmocka_unit_test(test_sweep_session),
      cmocka_unit_test(test_sweep_transport),
      cmocka_unit_test(test_sweep_transport_by_name),
  };
  int rc;
  signal(SIGPIPE, SIG_IGN);
  make_inputs();
  rc = cmocka_run_group_tests_name("faults_alloc", tests, NULL, NULL);
  free_inputs();
  tt_pki_cleanup();
  return rc;
}
