/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B8 reconnect storm: N established TLS 1.3 connections on one libuv loop to the forked epoll
 * server (ECDSA P-256, session tickets, verification PEER_CERT), then a node restart: the
 * server process is killed, so the kernel closes every connection at once (no close_notify),
 * and a new server process takes over the same listening port, either with the ticket key of
 * the old one (tickets issued before the restart resume) or with a new key (every ticket is
 * refused: full handshakes). Each client reconnects a connection as soon as it sees it drop.
 * Measured from the restart until all N are back: the wall time and the loop thread's CPU.
 * cassl_uv_connect (which resumes by default) against a raw GnuTLS client on uv_poll making
 * full handshakes, on the same loop. */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uv.h>

#include "bench.h"
#include "cassl/uv.h"

#define WINDOW 256 /* handshakes in progress while the connections are first made */

struct storm;

struct conn8 {
  struct storm *st;
  cassl_uv_conn *conn; /* cassl */
  int fd;              /* raw */
  uv_poll_t poll;
  gnutls_session_t s;
  bool up;        /* established (this round) */
  bool poll_open; /* raw: the poll handle is initialised */
  bool dropped;   /* lost in the restart, reconnecting */
};

struct storm {
  uv_loop_t *loop;
  bool cassl;
  CassSsl *ssl;
  const struct bench_pki *pki;
  struct sockaddr_in addr;
  int n, started, inflight;
  bool storming;    /* the restart happened: drops reconnect at once */
  bool closing;     /* the end: closes are not reconnects */
  int up;           /* established now */
  int back;         /* re-established after the restart */
  int failed;       /* gave up (any failure but the restart's drop) */
  int closed;
  double t0, t1, cpu0, cpu1;
  struct conn8 *conns;
  char first_error[256];
};

static void start_conn(struct conn8 *c);

static void fill_window(struct storm *st)
{
  while (!st->storming && st->inflight < WINDOW && st->started < st->n) {
    struct conn8 *c = &st->conns[st->started++];
    c->st = st;
    st->inflight++;
    start_conn(c);
  }
}

static void note_failure(struct storm *st, const char *why)
{
  st->failed++;
  if (!st->first_error[0])
    snprintf(st->first_error, sizeof st->first_error, "%s", why);
}

/* The end of a connection attempt (success or failure). */
static void attempt_over(struct conn8 *c, bool ok, const char *why)
{
  struct storm *st = c->st;
  if (ok) {
    c->up = true;
    c->dropped = false;
    st->up++;
  } else {
    note_failure(st, why);
  }
  if (!st->storming) {
    st->inflight--;
    fill_window(st);
  } else if ((st->back += ok) + st->failed == st->n && st->t1 == 0) {
    st->t1 = bench_wall();
    st->cpu1 = bench_thread_cpu();
  }
}

/* A live connection went down. */
static void went_down(struct conn8 *c, const char *why)
{
  struct storm *st = c->st;
  c->up = false;
  st->up--;
  if (!st->storming || c->dropped)
    note_failure(st, why); /* only the restart may drop a connection, once */
  c->dropped = true;
}

/* ---- cassl ------------------------------------------------------------------------- */

static void cassl_on_connect(cassl_uv_conn *conn, CassError status, const char *message,
                             void *data);

static void cassl_on_close(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct conn8 *c = data;
  c->conn = NULL;
  if (c->st->closing)
    c->st->closed++;
  else if (c->dropped)
    start_conn(c); /* the reconnect */
}

static void cassl_on_read(cassl_uv_conn *conn, CassError status, const void *buf, size_t len,
                          void *data)
{
  struct conn8 *c = data;
  if (status == CASS_OK && len > 0)
    return;
  /* The end of the stream (the restart kills the server: EOF without close_notify). */
  if (c->up)
    went_down(c, cassl_uv_conn_error_message(conn));
  cassl_uv_close(conn, cassl_on_close);
}

static void cassl_on_connect(cassl_uv_conn *conn, CassError status, const char *message,
                             void *data)
{
  struct conn8 *c = data;
  attempt_over(c, status == CASS_OK, message);
  if (status != CASS_OK) {
    c->dropped = false; /* a failure: no retry */
    cassl_uv_close(conn, cassl_on_close);
  }
}

static void cassl_start(struct conn8 *c)
{
  struct storm *st = c->st;
  cassl_uv_options opts;
  cassl_uv_options_init(&opts);
  opts.address = (const struct sockaddr *)&st->addr;
  opts.on_read = cassl_on_read;
  if (cassl_uv_connect(st->loop, st->ssl, &opts, cassl_on_connect, c, &c->conn) != CASS_OK) {
    c->conn = NULL;
    c->dropped = false;
    attempt_over(c, false, cassl_last_error());
  }
}

/* ---- raw GnuTLS on uv_poll --------------------------------------------------------- */

static void raw_closed(uv_handle_t *h)
{
  struct conn8 *c = h->data;
  if (c->s)
    gnutls_deinit(c->s);
  c->s = NULL;
  close(c->fd);
  c->fd = -1;
  c->poll_open = false;
  if (c->st->closing)
    c->st->closed++;
  else if (c->dropped)
    start_conn(c);
}

static void raw_close(struct conn8 *c)
{
  if (c->poll_open && !uv_is_closing((uv_handle_t *)&c->poll))
    uv_close((uv_handle_t *)&c->poll, raw_closed);
}

static void raw_event(uv_poll_t *p, int status, int events);

static void raw_fail(struct conn8 *c, const char *why)
{
  if (c->up) {
    went_down(c, why);
  } else {
    c->dropped = false;
    attempt_over(c, false, why);
  }
  raw_close(c);
}

/* After the handshake: reads what comes (the tickets) until the connection drops. */
static void raw_read(struct conn8 *c)
{
  unsigned char buf[1024];
  for (;;) {
    ssize_t n = gnutls_record_recv(c->s, buf, sizeof buf);
    if (n > 0)
      continue;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      return;
    raw_fail(c, n == 0 ? "close_notify" : gnutls_strerror((int)n));
    return;
  }
}

static void raw_handshake(struct conn8 *c)
{
  int ret = gnutls_handshake(c->s);
  if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
    uv_poll_start(&c->poll, gnutls_record_get_direction(c->s) ? UV_WRITABLE : UV_READABLE,
                  raw_event);
    return;
  }
  if (ret < 0) {
    raw_fail(c, gnutls_strerror(ret));
    return;
  }
  unsigned status = 0;
  if (gnutls_certificate_verify_peers2(c->s, &status) < 0 || status) {
    raw_fail(c, "verification failed");
    return;
  }
  uv_poll_start(&c->poll, UV_READABLE, raw_event);
  attempt_over(c, true, "");
}

static void raw_event(uv_poll_t *p, int status, int events)
{
  struct conn8 *c = p->data;
  if (status < 0) {
    raw_fail(c, uv_strerror(status));
    return;
  }
  if (c->up) {
    raw_read(c);
    return;
  }
  if (!c->s) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
      raw_fail(c, strerror(err));
      return;
    }
    c->s = bench_raw_client_session(c->st->pki);
    gnutls_transport_set_int(c->s, c->fd);
  }
  raw_handshake(c);
}

static void raw_start(struct conn8 *c)
{
  struct storm *st = c->st;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    c->dropped = false;
    attempt_over(c, false, strerror(errno));
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&st->addr, sizeof st->addr) != 0 &&
      errno != EINPROGRESS) {
    int err = errno;
    close(c->fd);
    c->fd = -1;
    c->dropped = false;
    attempt_over(c, false, strerror(err));
    return;
  }
  uv_poll_init_socket(st->loop, &c->poll, c->fd);
  c->poll.data = c;
  c->poll_open = true;
  uv_poll_start(&c->poll, UV_WRITABLE, raw_event);
}

/* ---- driver -------------------------------------------------------------------------- */

static void start_conn(struct conn8 *c)
{
  if (c->st->cassl)
    cassl_start(c);
  else
    raw_start(c);
}

/* Runs the loop for about ms milliseconds (the tickets arrive after the handshakes). */
static void run_for(uv_loop_t *loop, double ms)
{
  double end = bench_wall() + ms / 1000;
  while (bench_wall() < end) {
    uv_run(loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
}

static bool conn_resumed(const struct conn8 *c, bool cassl)
{
  if (cassl) {
    cassl_session_info info;
    return c->conn &&
           cassl_session_get_info(cassl_uv_conn_session(c->conn), &info) == CASS_OK &&
           info.resumed;
  }
  return c->s && gnutls_session_is_resumed(c->s);
}

struct trial {
  double seconds, cpu_ms;
  int failed, resumed;
  char first_error[256];
};

/* One storm: n connections up, the restart (new_key or not), all back. */
static void trial(struct trial *t, uv_loop_t *loop, bool cassl, const struct bench_pki *pki,
                  struct bench_server *srv, bool new_key, int n)
{
  /* A CassSsl of its own per trial: it starts without resumption data. */
  CassSsl *ssl = cassl ? bench_cassl_new(pki) : NULL;
  struct storm st = { .loop = loop, .cassl = cassl, .ssl = ssl, .pki = pki, .n = n };
  st.addr.sin_family = AF_INET;
  st.addr.sin_port = htons(srv->tls_port);
  st.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  st.conns = calloc((size_t)n, sizeof *st.conns);
  if (!st.conns)
    bench_die("out of memory");
  fill_window(&st);
  while (st.up + st.failed < n)
    uv_run(loop, UV_RUN_ONCE);
  run_for(loop, 300);
  int failed_before = st.failed;

  static unsigned char fresh[64];
  gnutls_datum_t key = srv->ticket_key;
  if (new_key) {
    gnutls_datum_t k;
    if (gnutls_session_ticket_key_generate(&k) < 0 || k.size > sizeof fresh)
      bench_die("gnutls_session_ticket_key_generate failed");
    memcpy(fresh, k.data, k.size);
    key = (gnutls_datum_t){ fresh, k.size };
    gnutls_free(k.data);
  }
  st.storming = true;
  st.t0 = bench_wall();
  st.cpu0 = bench_thread_cpu();
  bench_server_restart(srv, &key);
  /* Every connection drops and comes back (or fails). */
  while (st.t1 == 0)
    uv_run(loop, UV_RUN_ONCE);
  t->seconds = st.t1 - st.t0;
  t->cpu_ms = (st.cpu1 - st.cpu0) * 1e3;
  t->resumed = 0;
  for (int i = 0; i < n; i++)
    t->resumed += st.conns[i].up && conn_resumed(&st.conns[i], cassl);
  t->failed = st.failed;
  if (failed_before)
    bench_die("%d connections failed before the restart: %s", failed_before, st.first_error);
  snprintf(t->first_error, sizeof t->first_error, "%s", st.first_error);

  st.closing = true;
  for (int i = 0; i < n; i++) {
    struct conn8 *c = &st.conns[i];
    if (cassl && c->conn)
      cassl_uv_close(c->conn, cassl_on_close);
    else if (!cassl)
      raw_close(c);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  free(st.conns);
  if (ssl)
    cass_ssl_free(ssl);
  usleep(200 * 1000); /* let the server finish closing */
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o, "B8: reconnect storm after a node restart, one libuv loop\n");
  /* A trial is a few seconds; seven kept per engine and mode give a usable interquartile
   * range, and the first (the server's and the allocator's first storm) is discarded. */
  int runs = bench_runs(&o, 7, 1);
  int warmup = bench_warmup(&o, 1);
  int n = o.quick ? 300 : 1000;
  signal(SIGPIPE, SIG_IGN);
  long nofile = bench_raise_nofile();
  if (nofile < 2 * n + 64)
    bench_die("RLIMIT_NOFILE is %ld; %d connections need more (raise the hard limit)", nofile, n);
  struct bench_pki pki;
  bench_pki_make(&pki);
  gnutls_datum_t key;
  if (gnutls_session_ticket_key_generate(&key) < 0)
    bench_die("gnutls_session_ticket_key_generate failed");
  struct bench_server srv;
  bench_server_start_tickets(&srv, &pki, 2, &key);
  uv_loop_t loop;
  uv_loop_init(&loop);

  struct bench_report *r = bench_report_new(
      "B8", "reconnect storm: N TLS 1.3 connections on one libuv loop, the server restarted",
      runs, &o);
  bench_report_param(r, "connections", "%d", n);
  bench_report_param(r, "drop", "server process killed (kernel closes every connection)");
  bench_report_param(r, "server_threads", "2");
  bench_report_param(r, "warmup_rounds", "%d (discarded)", warmup);
  bench_report_param(r, "cpu", "%s", "CLOCK_THREAD_CPUTIME_ID of the client's loop thread");
  int rc = 0;
  for (int mode = 0; mode < 2; mode++) {
    bool new_key = mode == 1;
    double secs[2][BENCH_MAX_RUNS], cpu[2][BENCH_MAX_RUNS];
    double ratio[BENCH_MAX_RUNS], cpu_ratio[BENCH_MAX_RUNS];
    int failures[2] = { 0, 0 }, resumed[2] = { 0, 0 };
    char first_error[2][256] = { "", "" };
    for (int round = 0; round < warmup + runs; round++) {
      /* Warm-up rounds are measured into slot 0 and overwritten by the first kept round. */
      int i = round < warmup ? 0 : round - warmup;
      for (int k = 0; k < 2; k++) {
        bool cassl = (round + k) % 2 == 0;
        struct trial t;
        trial(&t, &loop, cassl, &pki, &srv, new_key, n);
        if (round < warmup)
          continue;
        secs[cassl][i] = t.seconds;
        cpu[cassl][i] = t.cpu_ms;
        failures[cassl] += t.failed;
        resumed[cassl] += t.resumed;
        if (t.first_error[0] && !first_error[cassl][0])
          snprintf(first_error[cassl], sizeof first_error[cassl], "%s", t.first_error);
      }
      /* How many times faster cassl's storm is over than raw GnuTLS's. */
      ratio[i] = secs[0][i] / secs[1][i];
      cpu_ratio[i] = cpu[0][i] / cpu[1][i];
    }
    static char label[2][48], clabel[2][48], flabel[2][48], extra[2][700];
    snprintf(label[mode], sizeof label[mode], "%s, time", new_key ? "new ticket key" : "keys kept");
    snprintf(clabel[mode], sizeof clabel[mode], "%s, client CPU",
             new_key ? "new ticket key" : "keys kept");
    snprintf(flabel[mode], sizeof flabel[mode], "%s, failures",
             new_key ? "new ticket key" : "keys kept");
    snprintf(extra[mode], sizeof extra[mode],
             "resumed after the restart: cassl %d of %d, raw %d of %d (raw GnuTLS keeps no "
             "tickets: full handshakes); failures over %d runs: cassl %d%s%s%s, raw %d%s%s%s",
             resumed[1], n * runs, resumed[0], n * runs, runs, failures[1],
             first_error[1][0] ? " (first: " : "", first_error[1], first_error[1][0] ? ")" : "",
             failures[0], first_error[0][0] ? " (first: " : "", first_error[0],
             first_error[0][0] ? ")" : "");
    struct bench_row row = {
      .label = label[mode],
      .base_name = "raw GnuTLS client on uv_poll, full handshakes",
      .subj_name = "cassl_uv_connect",
      .unit = "s",
      .base = bench_stat_of(secs[0], runs),
      .subj = bench_stat_of(secs[1], runs),
      .ratio = bench_stat_of(ratio, runs),
      .ratio_meaning = "raw seconds / cassl seconds until all are back (times faster)",
      .goal_op = new_key ? NULL : ">=",
      .goal = 2,
      .extra = extra[mode],
    };
    bench_report_add(r, &row);
    struct bench_row crow = {
      .label = clabel[mode],
      .base_name = "raw GnuTLS client on uv_poll, full handshakes",
      .subj_name = "cassl_uv_connect",
      .unit = "ms",
      .base = bench_stat_of(cpu[0], runs),
      .subj = bench_stat_of(cpu[1], runs),
      .ratio = bench_stat_of(cpu_ratio, runs),
      .ratio_meaning = "raw CPU / cassl CPU of the loop thread (times cheaper)",
    };
    bench_report_add(r, &crow);
    double fb = failures[0], fs = failures[1], nan_ratio = 0.0 / 0.0;
    struct bench_row frow = {
      .label = flabel[mode],
      .base_name = "raw GnuTLS client on uv_poll (all runs)",
      .subj_name = "cassl_uv_connect (all runs)",
      .unit = "failed",
      .base = bench_stat_of(&fb, 1),
      .subj = bench_stat_of(&fs, 1),
      .ratio = { nan_ratio, nan_ratio, nan_ratio },
      .ratio_meaning = "-",
      .goal_op = "<=",
      .goal = 0,
      .goal_on_subject = true,
    };
    bench_report_add(r, &frow);
  }
  rc |= bench_report_finish(r);
  uv_loop_close(&loop);
  bench_server_stop(&srv);
  gnutls_free(key.data);
  bench_pki_free(&pki);
  return rc;
}
