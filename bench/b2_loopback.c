/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B2 loopback: bulk transfer over 127.0.0.1 to a GnuTLS server in another process (forked,
 * epoll, TLS 1.3), with the libuv transport (cassl_uv_write / on_read), versus a plain-TCP
 * libuv client moving the same bytes to the same server process (uv_try_write first, then
 * uv_write, the same high-water mark and TCP_NODELAY as the transport), and versus a raw
 * GnuTLS client on the same loop (GnuTLS reading and writing the socket itself, uv_poll),
 * which tells the transport's own cost from the cost of TLS. Upload: the client
 * sends the bytes in 16 KiB writes and waits for the server's acknowledgement; download: the
 * server sends them. Handshakes and connects are outside the timings (wall clock). */
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

#define CHUNK 16384
/* The transport's default high-water mark, for the plain client too. */
#define HWM CASSL_UV_DEFAULT_HIGH_WATER_MARK

enum phase { CONNECTING, UPLOAD, WAIT_ACK, DOWNLOAD, DONE };

struct client {
  bool tls;
  enum phase phase;
  uint64_t n, sent, got;
  double up0, up1, down0, down1;
  double cpu_up0, cpu_up1, cpu_down0, cpu_down1; /* the loop thread's CPU time */
  cassl_uv_conn *conn;  /* TLS */
  uv_tcp_t tcp;         /* plain */
  uv_connect_t connect;
  /* raw GnuTLS on uv_poll */
  int fd;
  uv_poll_t poll;
  gnutls_session_t s;
  const struct bench_pki *pki;
  bool handshaken;
  const unsigned char *out; /* the record being sent (repeated as is after EAGAIN) */
  size_t out_len;
  unsigned char hdr[9];
};

static unsigned char payload[CHUNK];
static unsigned char rbuf[65536];

static void fail(const char *what, const char *why)
{
  bench_die("%s: %s", what, why);
}

/* ---- TLS through the libuv transport ------------------------------------------------- */

static void tls_pump(struct client *c)
{
  while (c->phase == UPLOAD && c->sent < c->n && cassl_uv_conn_writable(c->conn)) {
    size_t len = c->n - c->sent < CHUNK ? (size_t)(c->n - c->sent) : CHUNK;
    CassError rc = cassl_uv_write(c->conn, payload, len, NULL, NULL);
    if (rc != CASS_OK)
      fail("cassl_uv_write", cassl_error_desc(rc));
    c->sent += len;
  }
  if (c->phase == UPLOAD && c->sent == c->n)
    c->phase = WAIT_ACK;
}

static void tls_command(struct client *c, char cmd, uint64_t n)
{
  unsigned char hdr[9] = { (unsigned char)cmd };
  bench_put_u64(hdr + 1, n);
  CassError rc = cassl_uv_write(c->conn, hdr, sizeof hdr, NULL, NULL);
  if (rc != CASS_OK)
    fail("cassl_uv_write", cassl_error_desc(rc));
}

static void tls_on_drain(cassl_uv_conn *conn, void *data)
{
  tls_pump(data);
}

static void tls_on_close(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct client *c = data;
  if (c->phase != DONE)
    fail("TLS connection closed early", message);
}

static void tls_on_read(cassl_uv_conn *conn, CassError status, const void *buf, size_t len,
                        void *data)
{
  struct client *c = data;
  if (status != CASS_OK)
    fail("TLS read", cassl_uv_conn_error_message(conn));
  if (len == 0)
    return;
  if (c->phase == WAIT_ACK || c->phase == UPLOAD) {
    if (len != 1 || ((const char *)buf)[0] != 'K')
      fail("TLS upload", "unexpected answer");
    c->up1 = bench_wall();
    c->cpu_up1 = bench_thread_cpu();
    c->phase = DOWNLOAD;
    c->down0 = bench_wall();
    c->cpu_down0 = bench_thread_cpu();
    tls_command(c, 'D', c->n);
    return;
  }
  c->got += len;
  if (c->got == c->n) {
    c->down1 = bench_wall();
    c->cpu_down1 = bench_thread_cpu();
    c->phase = DONE;
    cassl_uv_close(conn, tls_on_close);
  }
}

static void tls_on_connect(cassl_uv_conn *conn, CassError status, const char *message,
                           void *data)
{
  struct client *c = data;
  if (status != CASS_OK)
    fail("TLS connect", message);
  c->phase = UPLOAD;
  c->up0 = bench_wall();
    c->cpu_up0 = bench_thread_cpu();
  tls_command(c, 'U', c->n);
  tls_pump(c);
}

static void run_tls(uv_loop_t *loop, CassSsl *ssl, uint16_t port, struct client *c)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cassl_uv_options opts;
  cassl_uv_options_init(&opts);
  opts.address = (const struct sockaddr *)&sa;
  opts.on_read = tls_on_read;
  opts.on_drain = tls_on_drain;
  CassError rc = cassl_uv_connect(loop, ssl, &opts, tls_on_connect, c, &c->conn);
  if (rc != CASS_OK)
    fail("cassl_uv_connect", cassl_ssl_last_error(ssl));
  uv_run(loop, UV_RUN_DEFAULT);
}

/* ---- plain TCP with libuv ------------------------------------------------------------ */

static void plain_pump(struct client *c);

static void plain_written(uv_write_t *req, int status)
{
  struct client *c = req->data;
  free(req);
  if (status < 0)
    fail("uv_write", uv_strerror(status));
  if (c->phase == UPLOAD && c->tcp.write_queue_size <= HWM / 2)
    plain_pump(c);
}

static void plain_send(struct client *c, const void *data, size_t len)
{
  uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
  int w = 0;
  if (c->tcp.write_queue_size == 0) {
    w = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
    if (w == (int)len)
      return;
    if (w < 0 && w != UV_EAGAIN)
      fail("uv_try_write", uv_strerror(w));
    if (w < 0)
      w = 0;
  }
  uv_write_t *req = malloc(sizeof *req);
  if (!req)
    bench_die("out of memory");
  req->data = c;
  b = uv_buf_init((char *)data + w, (unsigned)(len - (size_t)w));
  int r = uv_write(req, (uv_stream_t *)&c->tcp, &b, 1, plain_written);
  if (r < 0)
    fail("uv_write", uv_strerror(r));
}

static void plain_pump(struct client *c)
{
  while (c->phase == UPLOAD && c->sent < c->n && c->tcp.write_queue_size <= HWM) {
    size_t len = c->n - c->sent < CHUNK ? (size_t)(c->n - c->sent) : CHUNK;
    plain_send(c, payload, len);
    c->sent += len;
  }
  if (c->phase == UPLOAD && c->sent == c->n)
    c->phase = WAIT_ACK;
}

static void plain_command(struct client *c, char cmd, uint64_t n)
{
  static unsigned char hdr[2][9];
  unsigned char *h = hdr[cmd == 'D'];
  h[0] = (unsigned char)cmd;
  bench_put_u64(h + 1, n);
  plain_send(c, h, 9);
}

static void plain_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
  *buf = uv_buf_init((char *)rbuf, sizeof rbuf);
}

static void plain_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
  struct client *c = s->data;
  if (nread == 0)
    return;
  if (nread < 0)
    fail("plain read", uv_strerror((int)nread));
  if (c->phase == WAIT_ACK || c->phase == UPLOAD) {
    if (nread != 1 || buf->base[0] != 'K')
      fail("plain upload", "unexpected answer");
    c->up1 = bench_wall();
    c->cpu_up1 = bench_thread_cpu();
    c->phase = DOWNLOAD;
    c->down0 = bench_wall();
    c->cpu_down0 = bench_thread_cpu();
    plain_command(c, 'D', c->n);
    return;
  }
  c->got += (uint64_t)nread;
  if (c->got == c->n) {
    c->down1 = bench_wall();
    c->cpu_down1 = bench_thread_cpu();
    c->phase = DONE;
    uv_close((uv_handle_t *)s, NULL);
  }
}

static void plain_connected(uv_connect_t *req, int status)
{
  struct client *c = req->data;
  if (status < 0)
    fail("plain connect", uv_strerror(status));
  uv_tcp_nodelay(&c->tcp, 1);
  uv_read_start((uv_stream_t *)&c->tcp, plain_alloc, plain_read);
  c->phase = UPLOAD;
  c->up0 = bench_wall();
    c->cpu_up0 = bench_thread_cpu();
  plain_command(c, 'U', c->n);
  plain_pump(c);
}

static void run_plain(uv_loop_t *loop, uint16_t port, struct client *c)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uv_tcp_init(loop, &c->tcp);
  c->tcp.data = c;
  c->connect.data = c;
  int r = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&sa, plain_connected);
  if (r < 0)
    fail("uv_tcp_connect", uv_strerror(r));
  uv_run(loop, UV_RUN_DEFAULT);
}

/* ---- raw GnuTLS on uv_poll ----------------------------------------------------------- */

static void raw_closed(uv_handle_t *h)
{
  struct client *c = h->data;
  gnutls_deinit(c->s);
  close(c->fd);
}

static void raw_command(struct client *c, char cmd, uint64_t n)
{
  c->hdr[0] = (unsigned char)cmd;
  bench_put_u64(c->hdr + 1, n);
  c->out = c->hdr;
  c->out_len = sizeof c->hdr;
}

/* Sends the pending record and, while uploading, the next ones; false when the socket is
 * full. */
static bool raw_send(struct client *c)
{
  for (;;) {
    if (!c->out_len) {
      if (c->phase != UPLOAD || c->sent == c->n)
        return true;
      size_t len = c->n - c->sent < CHUNK ? (size_t)(c->n - c->sent) : CHUNK;
      c->out = payload;
      c->out_len = len;
      c->sent += len;
      if (c->sent == c->n)
        c->phase = WAIT_ACK;
    }
    ssize_t r = gnutls_record_send(c->s, c->out, c->out_len);
    if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
      return false;
    if (r < 0)
      fail("raw send", gnutls_strerror((int)r));
    c->out += r;
    c->out_len -= (size_t)r;
  }
}

static void raw_event(uv_poll_t *p, int status, int events)
{
  struct client *c = p->data;
  if (status < 0)
    fail("raw poll", uv_strerror(status));
  if (!c->handshaken) {
    int ret = gnutls_handshake(c->s);
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
      uv_poll_start(p, gnutls_record_get_direction(c->s) ? UV_WRITABLE : UV_READABLE, raw_event);
      return;
    }
    if (ret < 0)
      fail("raw handshake", gnutls_strerror(ret));
    bench_raw_verify(c->s);
    c->handshaken = true;
    c->phase = UPLOAD;
    c->up0 = bench_wall();
    c->cpu_up0 = bench_thread_cpu();
    raw_command(c, 'U', c->n);
  }
  for (;;) {
    ssize_t r = gnutls_record_recv(c->s, rbuf, sizeof rbuf);
    if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
      break;
    if (r <= 0)
      fail("raw recv", r ? gnutls_strerror((int)r) : "closed");
    if (c->phase == WAIT_ACK || c->phase == UPLOAD) {
      if (r != 1 || rbuf[0] != 'K')
        fail("raw upload", "unexpected answer");
      c->up1 = bench_wall();
    c->cpu_up1 = bench_thread_cpu();
      c->phase = DOWNLOAD;
      c->down0 = bench_wall();
    c->cpu_down0 = bench_thread_cpu();
      raw_command(c, 'D', c->n);
      continue;
    }
    c->got += (uint64_t)r;
    if (c->got == c->n) {
      c->down1 = bench_wall();
    c->cpu_down1 = bench_thread_cpu();
      c->phase = DONE;
      uv_close((uv_handle_t *)p, raw_closed);
      return;
    }
  }
  bool flushed = raw_send(c);
  uv_poll_start(p, UV_READABLE | (flushed ? 0 : UV_WRITABLE), raw_event);
}

static void run_raw(uv_loop_t *loop, const struct bench_pki *pki, uint16_t port,
                    struct client *c)
{
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS)
    fail("raw connect", strerror(errno));
  c->s = bench_raw_client_session(pki);
  gnutls_transport_set_int(c->s, c->fd);
  uv_poll_init_socket(loop, &c->poll, c->fd);
  c->poll.data = c;
  uv_poll_start(&c->poll, UV_WRITABLE, raw_event);
  uv_run(loop, UV_RUN_DEFAULT);
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o, "B2: loopback transfer, libuv transport (TLS) vs plain libuv TCP\n");
  int runs = bench_runs(&o, 7, 3);
  uint64_t n = (uint64_t)(o.quick ? 8 : 64) << 20;
  signal(SIGPIPE, SIG_IGN);
  memset(payload, 0x5a, sizeof payload);
  struct bench_pki pki;
  bench_pki_make(&pki);
  struct bench_server srv;
  bench_server_start(&srv, &pki, 2);
  CassSsl *ssl = bench_cassl_new(&pki);
  uv_loop_t loop;
  uv_loop_init(&loop);

  double mb[4][BENCH_MAX_RUNS], ratio[2][BENCH_MAX_RUNS], share[2][BENCH_MAX_RUNS];
  double rawmb[2][BENCH_MAX_RUNS], rawratio[2][BENCH_MAX_RUNS];
  double cpu[3][2][BENCH_MAX_RUNS], cpuratio[2][BENCH_MAX_RUNS]; /* plain, cassl, raw; us/MiB */
  for (int i = -1; i < runs; i++) { /* run -1 warms up */
    struct client t = { .tls = true, .n = n }, p = { .n = n }, g = { .tls = true, .n = n };
    /* Rotate the order of the three so none always goes first. */
    for (int k = 0; k < 3; k++) {
      switch ((i + 3 + k) % 3) {
      case 0: run_tls(&loop, ssl, srv.tls_port, &t); break;
      case 1: run_plain(&loop, srv.tcp_port, &p); break;
      default: run_raw(&loop, &pki, srv.tls_port, &g); break;
      }
    }
    if (t.phase != DONE || p.phase != DONE || g.phase != DONE)
      bench_die("a transfer did not finish");
    if (i < 0)
      continue;
    double tu = t.up1 - t.up0, td = t.down1 - t.down0;
    double pu = p.up1 - p.up0, pd = p.down1 - p.down0;
    mb[0][i] = (double)n / pu / 1e6;
    mb[1][i] = (double)n / tu / 1e6;
    mb[2][i] = (double)n / pd / 1e6;
    mb[3][i] = (double)n / td / 1e6;
    ratio[0][i] = mb[1][i] / mb[0][i];
    ratio[1][i] = mb[3][i] / mb[2][i];
    share[0][i] = (tu - pu) / tu * 100;
    share[1][i] = (td - pd) / td * 100;
    rawmb[0][i] = (double)n / (g.up1 - g.up0) / 1e6;
    rawmb[1][i] = (double)n / (g.down1 - g.down0) / 1e6;
    rawratio[0][i] = mb[1][i] / rawmb[0][i];
    rawratio[1][i] = mb[3][i] / rawmb[1][i];
    const struct client *all[3] = { &p, &t, &g };
    double mib = (double)n / (1 << 20);
    for (int v = 0; v < 3; v++) {
      cpu[v][0][i] = (all[v]->cpu_up1 - all[v]->cpu_up0) / mib * 1e6;
      cpu[v][1][i] = (all[v]->cpu_down1 - all[v]->cpu_down0) / mib * 1e6;
    }
    cpuratio[0][i] = cpu[1][0][i] / cpu[2][0][i];
    cpuratio[1][i] = cpu[1][1][i] / cpu[2][1][i];
  }

  struct bench_report *r = bench_report_new(
      "B2", "loopback: libuv transport (TLS 1.3) vs plain libuv TCP, to a forked server", runs,
      &o);
  bench_report_param(r, "bytes_each_way", "%llu", (unsigned long long)n);
  bench_report_param(r, "write_size", "%d", CHUNK);
  static char extra[2][160], rawlabel[2][40], cpulabel[2][40];
  for (int d = 0; d < 2; d++) {
    struct bench_stat s = bench_stat_of(share[d], runs);
    snprintf(extra[d], sizeof extra[d],
             "TLS share of the transfer time: %.0f%% [%.0f%%..%.0f%%] ((TLS - plain) / TLS)",
             s.median, s.min, s.max);
    struct bench_row row = {
      .label = d ? "server->client" : "client->server",
      .base_name = "plain TCP, libuv",
      .subj_name = "cassl_uv TLS 1.3",
      .unit = "MB/s",
      .base = bench_stat_of(mb[2 * d], runs),
      .subj = bench_stat_of(mb[2 * d + 1], runs),
      .ratio = bench_stat_of(ratio[d], runs),
      .ratio_meaning = "TLS MB/s / plain MB/s",
      .extra = extra[d],
    };
    bench_report_add(r, &row);
    snprintf(rawlabel[d], sizeof rawlabel[d], "%s, vs GnuTLS", d ? "server->client" : "client->server");
    struct bench_row raw = {
      .label = rawlabel[d],
      .base_name = "raw GnuTLS client on uv_poll (GnuTLS on the socket)",
      .subj_name = "cassl_uv TLS 1.3",
      .unit = "MB/s",
      .base = bench_stat_of(rawmb[d], runs),
      .subj = bench_stat_of(mb[2 * d + 1], runs),
      .ratio = bench_stat_of(rawratio[d], runs),
      .ratio_meaning = "cassl MB/s / raw GnuTLS MB/s",
    };
    bench_report_add(r, &raw);
    snprintf(cpulabel[d], sizeof cpulabel[d], "%s, client CPU", d ? "server->client" : "client->server");
    struct bench_stat plain_cpu = bench_stat_of(cpu[0][d], runs);
    static char cpuextra[2][120];
    snprintf(cpuextra[d], sizeof cpuextra[d], "plain TCP client: %.0f us CPU per MiB",
             plain_cpu.median);
    struct bench_row crow = {
      .label = cpulabel[d],
      .base_name = "raw GnuTLS client on uv_poll",
      .subj_name = "cassl_uv TLS 1.3",
      .unit = "us/MiB",
      .base = bench_stat_of(cpu[2][d], runs),
      .subj = bench_stat_of(cpu[1][d], runs),
      .ratio = bench_stat_of(cpuratio[d], runs),
      .ratio_meaning = "cassl CPU / raw GnuTLS CPU (client loop thread, per MiB)",
      .extra = cpuextra[d],
    };
    bench_report_add(r, &crow);
  }
  int rc = bench_report_finish(r);
  uv_loop_close(&loop);
  cass_ssl_free(ssl);
  bench_server_stop(&srv);
  bench_pki_free(&pki);
  return rc;
}
