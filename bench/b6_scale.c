/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B6 scale: N concurrent TLS 1.3 connections on one libuv loop to the forked epoll server
 * (ECDSA P-256, verification PEER_CERT), all kept open until the last one is up, with at
 * most WINDOW handshakes in progress at a time. cassl_uv_connect versus a raw GnuTLS client
 * on the same loop (non-blocking socket, uv_poll, gnutls_handshake, verify_peers2). Reports
 * handshakes per second (wall clock: the server shares the machine), the loop thread's CPU
 * time per connection (less sensitive to other load), failures, and the client heap per
 * open connection. */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
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

#define WINDOW 256

struct scale;

struct conn6 {
  struct scale *sc;
  cassl_uv_conn *conn; /* cassl */
  int fd;              /* raw */
  uv_poll_t poll;
  gnutls_session_t s;
  bool connected, open;
};

struct scale {
  uv_loop_t *loop;
  bool cassl;
  CassSsl *ssl;
  const struct bench_pki *pki;
  struct sockaddr_in addr;
  int n, started, done, established, failed, inflight, closed;
  double t0, t1;
  double heap0, heap1;
  double cpu0, cpu1; /* the loop thread's CPU time */
  struct conn6 *conns;
  char first_error[256];
};

static double heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();
  return (double)mi.uordblks + (double)mi.hblkhd;
}

static void start_more(struct scale *sc);

static void finished_one(struct scale *sc, bool ok, const char *why)
{
  sc->inflight--;
  sc->done++;
  if (ok) {
    sc->established++;
  } else {
    sc->failed++;
    if (!sc->first_error[0])
      snprintf(sc->first_error, sizeof sc->first_error, "%s", why);
  }
  if (sc->done == sc->n) {
    sc->t1 = bench_wall();
    sc->heap1 = heap_in_use();
    sc->cpu1 = bench_thread_cpu();
  } else {
    start_more(sc);
  }
}

/* ---- cassl ------------------------------------------------------------------------- */

static void cassl_on_close(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct conn6 *c = data;
  c->sc->closed++;
}

static void cassl_on_connect(cassl_uv_conn *conn, CassError status, const char *message,
                             void *data)
{
  struct conn6 *c = data;
  c->connected = status == CASS_OK;
  finished_one(c->sc, status == CASS_OK, message);
}

static void cassl_start(struct conn6 *c)
{
  struct scale *sc = c->sc;
  cassl_uv_options opts;
  cassl_uv_options_init(&opts);
  opts.address = (const struct sockaddr *)&sc->addr;
  CassError rc = cassl_uv_connect(sc->loop, sc->ssl, &opts, cassl_on_connect, c, &c->conn);
  if (rc != CASS_OK) {
    c->conn = NULL;
    finished_one(sc, false, cassl_ssl_last_error(sc->ssl));
  }
}

/* ---- raw GnuTLS on uv_poll --------------------------------------------------------- */

static void raw_closed(uv_handle_t *h)
{
  struct conn6 *c = h->data;
  if (c->s)
    gnutls_deinit(c->s);
  close(c->fd);
  c->s = NULL;
  c->sc->closed++;
}

static void raw_fail(struct conn6 *c, const char *why)
{
  uv_poll_stop(&c->poll);
  finished_one(c->sc, false, why);
}

static void raw_event(uv_poll_t *p, int status, int events);

static void raw_handshake(struct conn6 *c)
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
  uv_poll_stop(&c->poll); /* idle from now on */
  c->connected = true;
  finished_one(c->sc, true, "");
}

static void raw_event(uv_poll_t *p, int status, int events)
{
  struct conn6 *c = p->data;
  if (status < 0) {
    raw_fail(c, uv_strerror(status));
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
    c->s = bench_raw_client_session(c->sc->pki);
    gnutls_transport_set_int(c->s, c->fd);
  }
  raw_handshake(c);
}

static void raw_start(struct conn6 *c)
{
  struct scale *sc = c->sc;
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) {
    finished_one(sc, false, strerror(errno));
    return;
  }
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&sc->addr, sizeof sc->addr) != 0 &&
      errno != EINPROGRESS) {
    int err = errno;
    close(c->fd);
    c->fd = -1;
    finished_one(sc, false, strerror(err));
    return;
  }
  uv_poll_init_socket(sc->loop, &c->poll, c->fd);
  c->poll.data = c;
  c->open = true;
  uv_poll_start(&c->poll, UV_WRITABLE, raw_event);
}

/* ---- driver -------------------------------------------------------------------------- */

static void start_more(struct scale *sc)
{
  while (sc->inflight < WINDOW && sc->started < sc->n) {
    struct conn6 *c = &sc->conns[sc->started++];
    c->sc = sc;
    sc->inflight++;
    if (sc->cassl)
      cassl_start(c);
    else
      raw_start(c);
  }
}

static void close_all(struct scale *sc)
{
  for (int i = 0; i < sc->started; i++) {
    struct conn6 *c = &sc->conns[i];
    if (sc->cassl && c->conn) {
      cassl_uv_close(c->conn, cassl_on_close);
    } else if (!sc->cassl && c->open) {
      if (c->s && c->connected)
        gnutls_bye(c->s, GNUTLS_SHUT_WR); /* one non-blocking try */
      uv_close((uv_handle_t *)&c->poll, raw_closed);
    }
  }
}

/* Returns handshakes per second; counts in *sc. */
static double run(struct scale *sc)
{
  sc->conns = calloc((size_t)sc->n, sizeof *sc->conns);
  if (!sc->conns)
    bench_die("out of memory");
  sc->heap0 = heap_in_use();
  sc->t0 = bench_wall();
  sc->cpu0 = bench_thread_cpu();
  start_more(sc);
  while (sc->done < sc->n)
    uv_run(sc->loop, UV_RUN_ONCE);
  int still_open = 0;
  for (int i = 0; i < sc->n; i++)
    still_open += sc->conns[i].connected;
  if (still_open != sc->established)
    bench_die("connection count mismatch");
  close_all(sc);
  uv_run(sc->loop, UV_RUN_DEFAULT);
  free(sc->conns);
  sc->conns = NULL;
  return sc->established / (sc->t1 - sc->t0);
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o, "B6: N concurrent TLS connections on one libuv loop\n");
  int runs = bench_runs(&o, 3, 1);
  int counts[2] = { 1000, 10000 };
  if (o.quick) {
    counts[0] = 200;
    counts[1] = 1000;
  }
  signal(SIGPIPE, SIG_IGN);
  long nofile = bench_raise_nofile();
  if (nofile < counts[1] + 64)
    bench_die("RLIMIT_NOFILE is %ld; %d connections need more (raise the hard limit)", nofile,
              counts[1]);
  struct bench_pki pki;
  bench_pki_make(&pki);
  struct bench_server srv;
  bench_server_start(&srv, &pki, 2);
  CassSsl *ssl = bench_cassl_new(&pki);
  uv_loop_t loop;
  uv_loop_init(&loop);

  struct bench_report *r = bench_report_new(
      "B6", "scale: N concurrent TLS 1.3 connections on one libuv loop (forked epoll server)",
      runs, &o);
  bench_report_param(r, "window", "%d handshakes in progress at most", WINDOW);
  bench_report_param(r, "nofile", "%ld", nofile);
  bench_report_param(r, "server_threads", "2");
  int rc = 0;
  for (int ci = 0; ci < 2; ci++) {
    double hs[2][BENCH_MAX_RUNS], ratio[BENCH_MAX_RUNS], heap[2][BENCH_MAX_RUNS];
    double cpu[2][BENCH_MAX_RUNS], cpu_ratio[BENCH_MAX_RUNS], heap_ratio[BENCH_MAX_RUNS];
    int failures[2] = { 0, 0 };
    char first_error[2][256] = { "", "" };
    for (int i = 0; i < runs; i++) {
      for (int k = 0; k < 2; k++) {
        bool cassl = (i + k) % 2 == 0;
        struct scale sc = { .loop = &loop, .cassl = cassl, .ssl = ssl, .pki = &pki,
                            .n = counts[ci] };
        sc.addr.sin_family = AF_INET;
        sc.addr.sin_port = htons(srv.tls_port);
        sc.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        hs[cassl][i] = run(&sc);
        heap[cassl][i] = sc.established ? (sc.heap1 - sc.heap0) / sc.established : 0;
        cpu[cassl][i] = sc.established ? (sc.cpu1 - sc.cpu0) / sc.established * 1e6 : 0;
        failures[cassl] += sc.failed;
        if (sc.first_error[0] && !first_error[cassl][0])
          snprintf(first_error[cassl], sizeof first_error[cassl], "%s", sc.first_error);
        usleep(200 * 1000); /* let the server finish closing */
      }
      ratio[i] = hs[1][i] / hs[0][i];
      cpu_ratio[i] = cpu[1][i] / cpu[0][i];
      heap_ratio[i] = heap[1][i] / heap[0][i];
    }
    static char label[2][40], extra[2][900];
    snprintf(label[ci], sizeof label[ci], "N = %d", counts[ci]);
    snprintf(extra[ci], sizeof extra[ci], "failures over %d runs: cassl %d%s%s%s, raw %d%s%s%s",
             runs, failures[1], first_error[1][0] ? " (first: " : "", first_error[1],
             first_error[1][0] ? ")" : "", failures[0], first_error[0][0] ? " (first: " : "",
             first_error[0], first_error[0][0] ? ")" : "");
    struct bench_row row = {
      .label = label[ci],
      .base_name = "raw GnuTLS client on uv_poll",
      .subj_name = "cassl_uv_connect",
      .unit = "hs/s",
      .base = bench_stat_of(hs[0], runs),
      .subj = bench_stat_of(hs[1], runs),
      .ratio = bench_stat_of(ratio, runs),
      .ratio_meaning = "cassl handshakes/s / raw handshakes/s",
      .extra = extra[ci],
    };
    bench_report_add(r, &row);
    static char clabel[2][40];
    snprintf(clabel[ci], sizeof clabel[ci], "N = %d, client CPU", counts[ci]);
    struct bench_row crow = {
      .label = clabel[ci],
      .base_name = "raw GnuTLS client on uv_poll",
      .subj_name = "cassl_uv_connect",
      .unit = "us/conn",
      .base = bench_stat_of(cpu[0], runs),
      .subj = bench_stat_of(cpu[1], runs),
      .ratio = bench_stat_of(cpu_ratio, runs),
      .ratio_meaning = "cassl CPU / raw CPU per established connection (loop thread)",
    };
    bench_report_add(r, &crow);
    static char hlabel[2][40];
    snprintf(hlabel[ci], sizeof hlabel[ci], "N = %d, client heap", counts[ci]);
    for (int i = 0; i < runs; i++) {
      heap[0][i] /= 1024;
      heap[1][i] /= 1024;
    }
    struct bench_row hrow = {
      .label = hlabel[ci],
      .base_name = "raw GnuTLS client on uv_poll",
      .subj_name = "cassl_uv_connect",
      .unit = "KiB/conn",
      .base = bench_stat_of(heap[0], runs),
      .subj = bench_stat_of(heap[1], runs),
      .ratio = bench_stat_of(heap_ratio, runs),
      .ratio_meaning = "cassl heap / raw heap per open connection (mallinfo2)",
      .goal_op = "<=",
      .goal = 1.3,
    };
    bench_report_add(r, &hrow);
    static char flabel[2][40];
    snprintf(flabel[ci], sizeof flabel[ci], "N = %d, failures", counts[ci]);
    double fb = failures[0], fs = failures[1], nan_ratio = 0.0 / 0.0;
    struct bench_row frow = {
      .label = flabel[ci],
      .base_name = "raw GnuTLS client on uv_poll (all runs)",
      .subj_name = "cassl_uv_connect (all runs)",
      .unit = "failed",
      .base = bench_stat_of(&fb, 1),
      .subj = bench_stat_of(&fs, 1),
      .ratio = { nan_ratio, nan_ratio, nan_ratio },
      .ratio_meaning = "-",
      .goal_op = ci == 1 ? "<=" : NULL,
      .goal = 0,
      .goal_on_subject = true,
    };
    bench_report_add(r, &frow);
  }
  rc |= bench_report_finish(r);
  uv_loop_close(&loop);
  cass_ssl_free(ssl);
  bench_server_stop(&srv);
  bench_pki_free(&pki);
  return rc;
}
