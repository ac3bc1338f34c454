/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport against real TLS peers on 127.0.0.1 and ::1: an in-process GnuTLS
 * server on its own thread, plain TCP peers that stall / close / answer nonsense, a relay
 * that hands the server's bytes over one at a time, and gnutls-serv. Every case asserts its
 * CassError, its sentence, and that each callback fired exactly once. */
#include "config.h"

#include <netdb.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "loopback.h"
#include "transport_util.h"
#include "uv_conn.h"

#define MIB ((size_t)1 << 20)

struct fixture {
  uv_loop_t loop;
  CassSsl *ssl;
  cassl_uv_options opts;
  struct sockaddr_storage addr;
  struct tt_client t;
  /* what on_established does */
  size_t send_total;   /* bytes to send, in pieces of send_piece */
  size_t send_piece;
  int close_after_send; /* close right after the writes were accepted */
  /* backpressure */
  size_t bp_written;
  size_t bp_target;
  size_t bp_max_queued;
  size_t hwm;
  int bp_paused;
  /* seen at establishment */
  int est_state;
  char est_protocol[32];
  char est_peer[64];
  int est_has_hostname;
  /* gnutls-serv lines */
  const unsigned char *lines;
  size_t lines_piece, lines_total;
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  assert_int_equal(uv_loop_init(&f->loop), 0);
  f->ssl = tt_ssl(CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  cassl_uv_options_init(&f->opts);
  f->t.close_on_end = 1;
  f->t.user = f;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  tt_loop_close(&f->loop);
  cass_ssl_free(f->ssl);
  free(f);
  return 0;
}

static void target(struct fixture *f, int family, int port)
{
  tt_addr(&f->addr, family, port);
  f->opts.address = (struct sockaddr *)&f->addr;
}

/* Sends send_total bytes of the pattern in send_piece pieces. */
static void send_pattern(struct fixture *f)
{
  unsigned char *buf = malloc(f->send_piece);
  size_t off = 0;
  assert_non_null(buf);
  while (off < f->send_total) {
    size_t n = f->send_total - off < f->send_piece ? f->send_total - off : f->send_piece;
    tt_fill(buf, n, off);
    tt_write(&f->t, buf, n);
    off += n;
  }
  free(buf);
}

static void on_established(struct tt_client *t)
{
  struct fixture *f = t->user;
  cassl_session *s = cassl_uv_conn_session(t->conn);
  cassl_session_info info;

  assert_non_null(s);
  f->est_state = (int)cassl_session_get_state(s);
  assert_int_equal(cassl_session_get_info(s, &info), CASS_OK);
  snprintf(f->est_protocol, sizeof f->est_protocol, "%s", info.protocol);
  {
    const struct sockaddr *pa = cassl_uv_conn_peer_address(t->conn);
    assert_non_null(pa);
    if (pa->sa_family == AF_INET6)
      uv_ip6_name((const struct sockaddr_in6 *)pa, f->est_peer, sizeof f->est_peer);
    else
      uv_ip4_name((const struct sockaddr_in *)pa, f->est_peer, sizeof f->est_peer);
  }
  f->est_has_hostname = cassl_uv_conn_hostname(t->conn) != NULL;
  assert_int_equal(cassl_uv_conn_writable(t->conn), cass_true);
  if (f->send_total)
    send_pattern(f);
  if (f->close_after_send)
    tt_close(t);
}

static void lines_established(struct tt_client *t)
{
  struct fixture *f = t->user;
  f->send_total = 0;
  on_established(t);
  for (size_t off = 0; off < f->lines_total; off += f->lines_piece)
    tt_write(t, f->lines + off, f->lines_piece);
}

static void run(struct fixture *f)
{
  f->t.on_established = on_established;
  f->t.check_pattern = 1;
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 120000);
}

/* Every accepted write reported once; connect and close callbacks once. */
static void assert_callbacks(struct fixture *f)
{
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.close_calls, 1);
  assert_int_equal(f->t.writes_ok + f->t.writes_failed, f->t.writes_accepted);
}

static void assert_connect_failed(struct fixture *f, CassError code, const char *message)
{
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, code);
  if (message)
    assert_string_equal(f->t.connect_msg, message);
  assert_true(f->t.connect_msg[0] != '\0');
  assert_int_equal(f->t.read_end_calls, 0);
  assert_int_equal(f->t.close_status, code);
  assert_string_equal(f->t.close_msg, f->t.connect_msg);
  /* The session tells the same story as the transport. */
  assert_int_equal(f->t.session_state, CASSL_SESSION_FAILED);
  assert_int_equal(f->t.session_error, code);
  assert_string_equal(f->t.session_msg, f->t.connect_msg);
}

/* ---- handshake, echo, transfers -------------------------------------------------------- */

static void echo(void **state, int family, size_t total, size_t piece)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  tt_tls_start(&srv, TT_TLS_ECHO, family);
  target(f, family, srv.port);
  f->send_total = total;
  f->send_piece = piece;
  f->t.close_after = total;
  run(f);
  tt_tls_join(&srv);

  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->est_state, CASSL_SESSION_ESTABLISHED);
  assert_int_equal(srv.handshake_ok, 1);
  assert_string_equal(f->est_protocol, srv.version);
  assert_string_equal(f->est_peer, family == AF_INET6 ? "::1" : "127.0.0.1");
  assert_int_equal(f->est_has_hostname, 0); /* an address, no reverse DNS: no name */
  assert_string_equal(srv.sni, "");         /* and so no SNI */
  /* Both directions, byte for byte. */
  assert_int_equal(srv.received, total);
  assert_int_equal(srv.rx_mismatch, 0);
  assert_int_equal(f->t.received, total);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.writes_ok, (total + piece - 1) / piece);
  assert_int_equal(f->t.writes_failed, 0);
  /* Our close sent close_notify; the server answered it. */
  assert_int_equal(srv.got_close_notify, 1);
  assert_int_equal(f->t.close_status, CASS_OK);
  assert_string_equal(f->t.close_msg, "");
  assert_int_equal(f->t.read_end_calls, 0);
  assert_int_equal(f->t.write_after_close, CASS_ERROR_LIB_WRITE_ERROR);
}

static void test_echo_v4(void **state) { echo(state, AF_INET, 1000, 1000); }
static void test_echo_v6(void **state) { echo(state, AF_INET6, 1000, 1000); }
static void test_transfer_1mib(void **state) { echo(state, AF_INET, MIB, MIB); }
static void test_transfer_big(void **state) { echo(state, AF_INET6, tt_big(), MIB); }

/* A server chain of about 100 KB: the leaf, then filler certificates of 256 long DNS SANs
 * each (a handshake message over many records, arriving in reads of many records each). */
static void make_big_chain(char **cert, char **key)
{
  char *tmpl = tt_pki_file("filler.tmpl");
  FILE *fp = fopen(tmpl, "w");
  assert_non_null(fp);
  fprintf(fp, "cn = \"filler\"\nexpiration_days = 30\n");
  for (int i = 0; i < 256; i++)
    fprintf(fp, "dns_name = \"n%03d.a-long-filler-name-for-a-large-certificate.cassl.test\"\n",
            i);
  fclose(fp);
  free(tmpl);
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "set -e; cd '%s'; cp server.pem big.tmp; for n in 1 2 3 4 5 6 7 8 9 10 11 12; do "
           "certtool --generate-certificate --load-privkey server-key.pem "
           "--load-ca-certificate ca.pem --load-ca-privkey ca-key.pem --template filler.tmpl "
           "--outfile filler.pem 2>/dev/null; cat filler.pem >>big.tmp; done; "
           "mv big.tmp server-big.pem",
           tt_pki_dir());
  if (system(cmd) != 0)
    fail_msg("certtool could not make the big chain");
  *cert = tt_pki_file("server-big.pem");
  *key = tt_pki_file("server-key.pem");
  fp = fopen(*cert, "r");
  assert_non_null(fp);
  fseek(fp, 0, SEEK_END);
  assert_true(ftell(fp) > 100000);
  fclose(fp);
}

static void test_big_chain(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};
  char *cert, *key;
  make_big_chain(&cert, &key);
  srv.cert = cert;
  srv.key = key;
  /* The filler certificates are no chain: this is about the handshake's records. */
  cass_ssl_free(f->ssl);
  f->ssl = tt_ssl(CASS_SSL_VERIFY_NONE);
  f->opts.handshake_timeout_ms = 60000;
  f->opts.connect_timeout_ms = 60000; /* a loaded builder may be slow to accept */
  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET);
  target(f, AF_INET, srv.port);
  f->send_total = 1000;
  f->send_piece = 1000;
  f->t.close_after = 1000;
  run(f);
  tt_tls_join(&srv);
  if (f->t.connect_status != CASS_OK)
    fail_msg("connect: %s", f->t.connect_msg);
  assert_int_equal(f->t.received, 1000);
  free(cert);
  free(key);
}

/* ---- name, reverse DNS, identity ------------------------------------------------------- */

struct name_seen {
  char hostname[1025];
  char reverse[1025];
  int have_hostname, have_reverse;
  char peer[64];
};

static struct name_seen seen;

static void record_names(cassl_uv_conn *conn)
{
  const char *h = cassl_uv_conn_hostname(conn);
  const char *r = cassl_uv_conn_reverse_name(conn);
  const struct sockaddr *pa = cassl_uv_conn_peer_address(conn);
  char ip[64] = "";
  seen.have_hostname = h != NULL;
  seen.have_reverse = r != NULL;
  snprintf(seen.hostname, sizeof seen.hostname, "%s", h ? h : "");
  snprintf(seen.reverse, sizeof seen.reverse, "%s", r ? r : "");
  assert_non_null(pa);
  if (pa->sa_family == AF_INET6)
    uv_ip6_name((const struct sockaddr_in6 *)pa, ip, sizeof ip);
  else
    uv_ip4_name((const struct sockaddr_in *)pa, ip, sizeof ip);
  snprintf(seen.peer, sizeof seen.peer, "%s", ip);
}

static void on_connect_names(cassl_uv_conn *conn, CassError status, const char *msg, void *d)
{
  struct tt_client *t = d;
  t->connect_calls++;
  t->connect_status = status;
  snprintf(t->connect_msg, sizeof t->connect_msg, "%s", msg);
  record_names(conn);
  tt_close(t);
}

static void connect_names(struct fixture *f)
{
  memset(&seen, 0, sizeof seen);
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &f->opts, on_connect_names, &f->t,
                                    &f->t.conn),
                   CASS_OK);
  tt_run(&f->loop, 60000);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.close_calls, 1);
}

/* What this machine's resolver says for the loopback address (NI_NAMEREQD). */
static int machine_reverse_name(uv_loop_t *loop, int family, char *out, size_t cap)
{
  uv_getnameinfo_t req;
  struct sockaddr_storage ss;
  tt_addr(&ss, family, 0);
  if (uv_getnameinfo(loop, &req, NULL, (struct sockaddr *)&ss, NI_NAMEREQD) != 0)
    return 0;
  snprintf(out, cap, "%s", req.host);
  return 1;
}

static void reverse_dns(void **state, int family)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};
  char expect[1025];
  int found = machine_reverse_name(&f->loop, family, expect, sizeof expect);

  cass_ssl_set_verify_flags(f->ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS);
  tt_tls_start(&srv, TT_TLS_ECHO, family);
  target(f, family, srv.port);
  f->opts.reverse_dns = 1;
  connect_names(f);
  tt_tls_join(&srv);

  assert_string_equal(seen.peer, family == AF_INET6 ? "::1" : "127.0.0.1");
  assert_int_equal(seen.have_reverse, found);
  assert_int_equal(seen.have_hostname, found);
  if (found) {
    assert_string_equal(seen.reverse, expect);
    assert_string_equal(seen.hostname, expect);
  }
  /* The certificate names localhost; anything else (or no name at all) is a mismatch. */
  if (found && strcasecmp(expect, "localhost") == 0)
    assert_int_equal(f->t.connect_status, CASS_OK);
  else
    assert_int_equal(f->t.connect_status, CASS_ERROR_SSL_IDENTITY_MISMATCH);
}

static void test_reverse_dns_v4(void **state) { reverse_dns(state, AF_INET); }
static void test_reverse_dns_v6(void **state) { reverse_dns(state, AF_INET6); }

static void test_hostname_from_host(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};
  struct addrinfo *ai = NULL;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  int family;

  /* Listen where "localhost" resolves first on this machine. */
  assert_int_equal(getaddrinfo("localhost", "1", &hints, &ai), 0);
  family = ai->ai_family;
  freeaddrinfo(ai);
  cass_ssl_set_verify_flags(f->ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS);
  tt_tls_start(&srv, TT_TLS_ECHO, family);
  f->opts.host = "localhost";
  f->opts.port = (unsigned short)srv.port;
  connect_names(f);
  tt_tls_join(&srv);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_string_equal(seen.hostname, "localhost");
  assert_int_equal(seen.have_reverse, 0);
  assert_string_equal(srv.sni, "localhost"); /* the name doubles as SNI */
}

/* An explicit SNI is sent as given, with identity checked by IP. */
static void test_sni_given(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET6);
  target(f, AF_INET6, srv.port);
  f->opts.sni = "node.cassl.test";
  connect_names(f);
  tt_tls_join(&srv);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_string_equal(srv.sni, "node.cassl.test");
  assert_int_equal(seen.have_hostname, 0);
}

static void test_hostname_given_mismatch(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  cass_ssl_set_verify_flags(f->ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS);
  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET);
  target(f, AF_INET, srv.port);
  f->opts.hostname = "node.example.org";
  f->opts.reverse_dns = 1; /* the given name wins over the reverse one */
  connect_names(f);
  tt_tls_join(&srv);
  assert_int_equal(f->t.connect_status, CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(seen.hostname, "node.example.org");
}

static struct addrinfo *numeric(const char *ip, int port)
{
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP,
                           .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
  struct addrinfo *ai = NULL;
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  assert_int_equal(getaddrinfo(ip, service, &hints, &ai), 0);
  return ai;
}

/* A name resolved to a dead address first, then a live one: the second one is used, and
 * the session's peer address (PEER_IDENTITY) is the one actually connected. */
static void test_second_address(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};
  struct addrinfo *list;

  SKIP_UNLESS_USABLE("::1"); /* before the IPv4 server starts: a skip would leave it running */
  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET);
  list = numeric("::1", tt_dead_port(AF_INET6));
  list->ai_next = numeric("127.0.0.1", srv.port);
  f->opts.host = "localhost";
  f->send_total = f->send_piece = 100;
  f->t.close_after = 100;
  f->t.on_established = on_established;
  f->t.check_pattern = 1;
  tt_client_start_list(&f->t, &f->loop, f->ssl, &f->opts, list);
  tt_run(&f->loop, 60000);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_string_equal(f->est_peer, "127.0.0.1");
  assert_int_equal(f->t.received, 100);
  assert_int_equal(f->t.close_status, CASS_OK);
}

static void test_untrusted_server(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  cass_ssl_free(f->ssl);
  f->ssl = cass_ssl_new(); /* trusts nothing */
  cass_ssl_set_verify_flags(f->ssl, CASS_SSL_VERIFY_PEER_CERT);
  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET);
  target(f, AF_INET, srv.port);
  run(f);
  tt_tls_join(&srv);
  assert_connect_failed(f, CASS_ERROR_SSL_INVALID_PEER_CERT, NULL);
}

/* ---- peers that misbehave -------------------------------------------------------------- */

static void plain_peer(void **state, enum tt_plain_mode mode, int family)
{
  struct fixture *f = *state;
  struct tt_plain_server srv;
  tt_plain_start(&srv, mode, family);
  target(f, family, srv.port);
  run(f);
  tt_plain_join(&srv);
  assert_true(srv.received > 0); /* the ClientHello went out */
}

static void test_handshake_timeout(void **state)
{
  struct fixture *f = *state;
  f->opts.handshake_timeout_ms = 300;
  plain_peer(state, TT_PLAIN_STALL, AF_INET);
  assert_connect_failed(f, CASS_ERROR_LIB_REQUEST_TIMED_OUT, "TLS handshake timed out after 300 ms");
}

/* The server reads the ClientHello and closes without a word: TCP EOF, no alert, no
 * close_notify — the connection ended, so CLOSED (not a protocol violation by the bytes). */
static void test_closed_mid_handshake(void **state)
{
  struct fixture *f = *state;
  plain_peer(state, TT_PLAIN_CLOSE_AFTER_HELLO, AF_INET6);
  assert_connect_failed(f, CASS_ERROR_SSL_CLOSED,
                        "connection closed by the peer during the TLS handshake "
                        "(EOF without close_notify)");
}

/* The server answers with a fatal handshake_failure alert: the TLS layer refused us, so
 * PROTOCOL_ERROR with the engine's sentence. */
static void test_alert_mid_handshake(void **state)
{
  struct fixture *f = *state;
  plain_peer(state, TT_PLAIN_ALERT_AFTER_HELLO, AF_INET);
  assert_connect_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, NULL);
}

static void test_not_tls(void **state)
{
  struct fixture *f = *state;
  plain_peer(state, TT_PLAIN_NOT_TLS, AF_INET);
  assert_connect_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, NULL);
}

static void test_truncation(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  srv.send_bytes = 100000;
  tt_tls_start(&srv, TT_TLS_TRUNCATE, AF_INET);
  target(f, AF_INET, srv.port);
  run(f);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.received, 100000);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.read_end_calls, 1);
  assert_int_equal(f->t.read_status, CASS_ERROR_SSL_CLOSED);
  assert_string_equal(f->t.read_msg, "connection truncated: EOF without close_notify");
  assert_int_equal(f->t.write_after_end, CASS_ERROR_SSL_CLOSED);
  assert_int_equal(f->t.close_status, CASS_ERROR_SSL_CLOSED);
  assert_string_equal(f->t.close_msg, "connection truncated: EOF without close_notify");
}

static void test_clean_close_by_peer(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  srv.send_bytes = 100000;
  tt_tls_start(&srv, TT_TLS_BYE, AF_INET6);
  target(f, AF_INET6, srv.port);
  run(f);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.received, 100000);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.read_end_calls, 1);
  assert_int_equal(f->t.read_status, CASS_OK);
  assert_string_equal(f->t.read_msg, "");
  /* Writing after the peer's close_notify is refused, the connection stays healthy. */
  assert_int_equal(f->t.write_after_end, CASS_ERROR_SSL_CLOSED);
  assert_int_equal(f->t.close_status, CASS_OK);
  assert_string_equal(f->t.close_msg, "");
  assert_int_equal(srv.got_close_notify, 1); /* we answered theirs */
}

static void test_relay_byte_at_a_time(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};
  struct tt_relay relay;

  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET);
  tt_relay_start(&relay, AF_INET, srv.port);
  target(f, AF_INET, relay.port);
  f->send_total = f->send_piece = 3000;
  f->t.close_after = 3000;
  run(f);
  tt_tls_join(&srv);
  tt_relay_join(&relay);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.received, 3000);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.close_status, CASS_OK);
  assert_true(relay.to_client > 3000);
}

/* TLS 1.3 KeyUpdate requests from the server in the middle of a transfer: the engine's
 * answers go out from the read path and the stream goes on intact. */
static void test_key_update(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  srv.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
  srv.key_update = 1;
  tt_tls_start(&srv, TT_TLS_ECHO, AF_INET);
  target(f, AF_INET, srv.port);
  f->send_total = 4 * MIB;
  f->send_piece = 256 * 1024;
  f->t.close_after = f->send_total;
  run(f);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_string_equal(srv.version, "TLS1.3");
  assert_true(srv.key_updates >= 3);
  assert_int_equal(srv.received, f->send_total);
  assert_int_equal(srv.rx_mismatch, 0);
  assert_int_equal(f->t.received, f->send_total);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.close_status, CASS_OK);
  assert_int_equal(srv.got_close_notify, 1);
}

/* ---- backpressure and closing with data queued ----------------------------------------- */

static void bp_write_more(struct tt_client *t)
{
  struct fixture *f = t->user;
  unsigned char buf[65536];
  size_t queued;

  while (cassl_uv_conn_writable(t->conn)) {
    if (f->bp_target && f->bp_written >= f->bp_target) {
      tt_close(t);
      return;
    }
    tt_fill(buf, sizeof buf, f->bp_written);
    tt_write(t, buf, sizeof buf);
    f->bp_written += sizeof buf;
    assert_true(f->bp_written < (size_t)1 << 30); /* the mark must stop us at some point */
  }
  queued = cassl_uv_conn_queued_bytes(t->conn);
  assert_true(queued > f->hwm);
  if (queued > f->bp_max_queued)
    f->bp_max_queued = queued;
  /* The kernel took what it could; from here on, a fixed amount more. */
  if (!f->bp_target)
    f->bp_target = f->bp_written + 2 * MIB;
}

static void bp_on_drain(struct tt_client *t)
{
  struct fixture *f = t->user;
  assert_true(cassl_uv_conn_queued_bytes(t->conn) <= f->hwm / 2);
  assert_int_equal(cassl_uv_conn_writable(t->conn), cass_true);
  bp_write_more(t);
}

static void bp_established(struct tt_client *t)
{
  struct fixture *f = t->user;
  if (f->hwm != f->opts.high_water_mark) /* the mark can also change on a live connection */
    cassl_uv_conn_set_high_water_mark(t->conn, f->hwm);
  bp_write_more(t);
}

static void backpressure(void **state, size_t option_mark, size_t live_mark)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  srv.delay_ms = 500; /* not reading at first: the queue must rise */
  tt_tls_start(&srv, TT_TLS_SINK, AF_INET);
  target(f, AF_INET, srv.port);
  f->opts.high_water_mark = option_mark;
  f->hwm = live_mark;
  f->t.on_established = bp_established;
  f->t.on_drain_hook = bp_on_drain;
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 120000);
  tt_tls_join(&srv);

  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_true(f->bp_max_queued > f->hwm);
  assert_true(f->t.drain_calls >= 1);
  assert_int_equal(f->t.writes_failed, 0);
  assert_int_equal(f->t.writes_ok, f->bp_written / 65536);
  assert_int_equal(srv.received, f->bp_written);
  assert_int_equal(srv.rx_mismatch, 0);
  assert_int_equal(srv.got_close_notify, 1);
  assert_int_equal(f->t.close_status, CASS_OK);
}

static void test_backpressure(void **state) { backpressure(state, 256 * 1024, 256 * 1024); }
static void test_backpressure_live_mark(void **state) { backpressure(state, 64 << 20, 128 * 1024); }

/* A close right after queueing tt_big() bytes: the reading server gets all of it and then
 * close_notify; every write reports CASS_OK once. */
static void test_close_with_big_write_queued(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  tt_tls_start(&srv, TT_TLS_SINK, AF_INET);
  target(f, AF_INET, srv.port);
  f->send_total = tt_big();
  f->send_piece = MIB;
  f->close_after_send = 1;
  f->opts.close_timeout_ms = 60000;
  run(f);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.writes_ok, tt_big() / MIB);
  assert_int_equal(f->t.writes_failed, 0);
  assert_int_equal(f->t.close_status, CASS_OK);
  assert_int_equal(srv.received, tt_big());
  assert_int_equal(srv.rx_mismatch, 0);
  assert_int_equal(srv.got_close_notify, 1);
}

/* One tt_big() write against a server that does not read yet: the close gives up after its
 * timeout, the write fails with WRITE_ERROR (once), the close reports the timeout. */
static void test_close_with_big_write_stalled(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};
  char prefix[64];

  srv.delay_ms = 1500;
  tt_tls_start(&srv, TT_TLS_SINK, AF_INET);
  target(f, AF_INET, srv.port);
  /* More than loopback buffers absorb, also under valgrind (where tt_big() is small). */
  f->send_total = f->send_piece = tt_big() > 16 * MIB ? tt_big() : 16 * MIB;
  f->close_after_send = 1;
  f->opts.close_timeout_ms = 300;
  run(f);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.writes_accepted, 1);
  assert_int_equal(f->t.writes_ok, 0);
  assert_int_equal(f->t.writes_failed, 1);
  assert_int_equal(f->t.write_fail_status, CASS_ERROR_LIB_WRITE_ERROR);
  assert_int_equal(f->t.close_status, CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  snprintf(prefix, sizeof prefix, "close timed out after 300 ms with ");
  assert_memory_equal(f->t.close_msg, prefix, strlen(prefix));
  assert_int_equal(srv.got_close_notify, 0);
  assert_true(srv.received < f->send_total);
}

/* The server vanishes (reset) while a big write is queued: the write fails once with the
 * connection's error, which the read side reports too. A reset is a TCP failure
 * (UNABLE_TO_CONNECT with the OS reason); if the EOF is seen first it is a truncation. */
static void test_peer_dies_with_write_queued(void **state)
{
  struct fixture *f = *state;
  struct tt_tls_server srv = {0};

  srv.delay_ms = 200;
  tt_tls_start(&srv, TT_TLS_ABORT, AF_INET);
  target(f, AF_INET, srv.port);
  f->send_total = f->send_piece = 16 * MIB;
  run(f);
  tt_tls_join(&srv);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.writes_accepted, 1);
  assert_int_equal(f->t.writes_failed, 1);
  assert_int_equal(f->t.read_end_calls, 1);
  assert_int_equal(f->t.write_fail_status, f->t.read_status);
  assert_int_equal(f->t.close_status, f->t.read_status);
  assert_string_equal(f->t.close_msg, f->t.read_msg);
  fprintf(stderr, "peer vanished: %s: %s\n", cassl_error_name(f->t.read_status), f->t.read_msg);
  if (f->t.read_status == CASS_ERROR_LIB_UNABLE_TO_CONNECT) {
    char reset[128];
    snprintf(reset, sizeof reset, "failed: %s", uv_strerror(UV_ECONNRESET));
    assert_non_null(strstr(f->t.read_msg, reset));
  } else {
    assert_int_equal(f->t.read_status, CASS_ERROR_SSL_CLOSED);
    assert_string_equal(f->t.read_msg, "connection truncated: EOF without close_notify");
  }
}

/* ---- gnutls-serv ----------------------------------------------------------------------- */

static pid_t start_gnutls_serv(int port, const char *priority)
{
  char portstr[16], *cert = tt_pki_file("server.pem"), *key = tt_pki_file("server-key.pem");
  pid_t pid;
  snprintf(portstr, sizeof portstr, "%d", port);
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int null = open("/dev/null", 1);
    dup2(null, 1);
    dup2(null, 2);
    execlp("gnutls-serv", "gnutls-serv", "--echo", "-p", portstr, "--x509certfile", cert,
           "--x509keyfile", key, "--priority", priority, (char *)NULL);
    _exit(127);
  }
  free(cert);
  free(key);
  /* Wait until it listens. */
  for (int i = 0; i < 200; i++) {
    struct sockaddr_storage ss;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;
    tt_addr(&ss, AF_INET, port);
    ok = connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) == 0;
    close(fd);
    if (ok)
      return pid;
    if (waitpid(pid, NULL, WNOHANG) == pid)
      fail_msg("gnutls-serv exited at start");
    usleep(50000);
  }
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  fail_msg("gnutls-serv did not listen on port %d", port);
  return -1;
}

/* gnutls-serv --echo answers line by line: send lines of text, each write ending in one. */
static void gnutls_serv_echo(void **state, const char *priority, const char *version)
{
  struct fixture *f = *state;
  int port = tt_dead_port(AF_INET);
  enum { LINE = 100, LINES_PER_WRITE = 40, WRITES = 5, TOTAL = LINE * LINES_PER_WRITE * WRITES };
  static unsigned char sent[TOTAL], got[TOTAL];
  pid_t pid;

  if (system("command -v gnutls-serv >/dev/null 2>&1") != 0) {
    fprintf(stderr, "gnutls-serv not installed\n");
    skip();
  }
  for (size_t i = 0; i < TOTAL; i++)
    sent[i] = (i + 1) % LINE == 0 ? '\n' : (unsigned char)('a' + (tt_pattern(i) % 26));
  pid = start_gnutls_serv(port, priority);
  target(f, AF_INET, port);
  f->t.close_after = TOTAL;
  f->t.capture = got;
  f->t.capture_cap = TOTAL;
  f->t.on_established = lines_established;
  f->lines = sent;
  f->lines_piece = LINE * LINES_PER_WRITE;
  f->lines_total = TOTAL;
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 60000);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  if (f->t.received != TOTAL)
    fprintf(stderr, "connect: %s; read end %d: %s; close: %s\n", f->t.connect_msg,
            f->t.read_end_calls, f->t.read_msg, f->t.close_msg);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_string_equal(f->est_protocol, version);
  assert_int_equal(f->t.received, TOTAL);
  assert_memory_equal(got, sent, TOTAL);
  assert_int_equal(f->t.writes_ok, WRITES);
  assert_int_equal(f->t.close_status, CASS_OK);
}

static void test_gnutls_serv_tls12(void **state)
{
  gnutls_serv_echo(state, "NORMAL:-VERS-ALL:+VERS-TLS1.2", "TLS1.2");
}

static void test_gnutls_serv_tls13(void **state)
{
  gnutls_serv_echo(state, "NORMAL:-VERS-ALL:+VERS-TLS1.3", "TLS1.3");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_echo_v4, setup, teardown),
      cmocka_unit_test_setup_teardown(test_echo_v6, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transfer_1mib, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transfer_big, setup, teardown),
      cmocka_unit_test_setup_teardown(test_big_chain, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reverse_dns_v4, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reverse_dns_v6, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hostname_from_host, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hostname_given_mismatch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sni_given, setup, teardown),
      cmocka_unit_test_setup_teardown(test_second_address, setup, teardown),
      cmocka_unit_test_setup_teardown(test_untrusted_server, setup, teardown),
      cmocka_unit_test_setup_teardown(test_handshake_timeout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_closed_mid_handshake, setup, teardown),
      cmocka_unit_test_setup_teardown(test_alert_mid_handshake, setup, teardown),
      cmocka_unit_test_setup_teardown(test_not_tls, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_clean_close_by_peer, setup, teardown),
      cmocka_unit_test_setup_teardown(test_relay_byte_at_a_time, setup, teardown),
      cmocka_unit_test_setup_teardown(test_backpressure, setup, teardown),
      cmocka_unit_test_setup_teardown(test_backpressure_live_mark, setup, teardown),
      cmocka_unit_test_setup_teardown(test_key_update, setup, teardown),
      cmocka_unit_test_setup_teardown(test_close_with_big_write_queued, setup, teardown),
      cmocka_unit_test_setup_teardown(test_close_with_big_write_stalled, setup, teardown),
      cmocka_unit_test_setup_teardown(test_peer_dies_with_write_queued, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gnutls_serv_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gnutls_serv_tls13, setup, teardown),
  };
  int rc;
  signal(SIGPIPE, SIG_IGN); /* as any libuv program must: a peer may go away mid-write */
  if (getenv("CASSL_TEST_FILTER")) /* e.g. CASSL_TEST_FILTER='test_echo*' */
    cmocka_set_test_filter(getenv("CASSL_TEST_FILTER"));
  rc = cmocka_run_group_tests_name("transport_tls", tests, NULL, NULL);
  tt_pki_cleanup();
  return rc;
}
