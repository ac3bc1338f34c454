/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B1 bulk: a cassl client session against an in-memory GnuTLS server session, versus a raw
 * GnuTLS client session with the thinnest memory push/pull against the same server; TLS 1.3
 * AES-128-GCM, 64 MiB each way in 16 KiB and in 1 KiB application writes. One thread does
 * both ends, so each figure is the cost of the whole transfer, server side included,
 * measured as that thread's CPU time (other processes on a shared machine do not count). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define READ_BUF 16384

struct pair {
  bool cassl;
  cassl_session *c;
  struct bench_raw_client raw;
  struct bench_buf c2s, s2c;
  struct bench_mem_server srv;
};

static void pair_open(struct pair *p, bool cassl, const struct bench_pki *pki, CassSsl *ssl)
{
  memset(p, 0, sizeof *p);
  p->cassl = cassl;
  bench_mem_server_init(&p->srv, pki, BENCH_PRIO_TLS13_AES128, NULL);
  if (cassl) {
    /* An address, as the transport always gives one. */
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(9042) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cassl_peer peer = { .address = (const struct sockaddr *)&addr };
    if (cassl_session_new(ssl, &peer, &p->c) != CASS_OK)
      bench_die("cassl_session_new: %s", cassl_ssl_last_error(ssl));
    p->srv.cassl = p->c;
  } else {
    bench_raw_client_init(&p->raw, pki, &p->s2c, &p->c2s, 0);
    p->srv.from_client = &p->c2s;
    p->srv.to_client = &p->s2c;
  }
  bool cdone = false, sdone = false;
  for (int round = 0; !cdone || !sdone; round++) {
    if (round > 100)
      bench_die("handshake does not finish");
    if (!cdone) {
      if (cassl) {
        if (cassl_session_handshake(p->c) != CASS_OK)
          bench_die("cassl handshake: %s", cassl_session_error_message(p->c));
        cdone = cassl_session_get_state(p->c) == CASSL_SESSION_ESTABLISHED;
      } else {
        int ret = gnutls_handshake(p->raw.s);
        if (ret == 0) {
          bench_raw_verify(p->raw.s);
          cdone = true;
        } else if (ret != GNUTLS_E_AGAIN) {
          bench_die("raw handshake: %s", gnutls_strerror(ret));
        }
      }
    }
    if (!sdone)
      sdone = bench_mem_server_handshake(&p->srv);
  }
  gnutls_session_t cs = cassl ? NULL : p->raw.s;
  const char *cipher;
  if (cassl) {
    cassl_session_info info;
    cassl_session_get_info(p->c, &info);
    cipher = info.cipher;
    if (strcmp(info.protocol, "TLS1.3") != 0)
      bench_die("cassl negotiated %s", info.protocol);
  } else {
    cipher = gnutls_cipher_get_name(gnutls_cipher_get(cs));
  }
  if (strcmp(cipher, "AES-128-GCM") != 0)
    bench_die("negotiated %s, not AES-128-GCM", cipher);
}

static void pair_close(struct pair *p)
{
  if (p->cassl)
    cassl_session_free(p->c);
  else
    gnutls_deinit(p->raw.s);
  bench_mem_server_deinit(&p->srv);
  bench_buf_free(&p->c2s);
  bench_buf_free(&p->s2c);
}

/* Everything the server can read now. */
static size_t server_drain(struct pair *p, unsigned char *buf)
{
  size_t got = 0;
  for (;;) {
    ssize_t n = gnutls_record_recv(p->srv.s, buf, READ_BUF);
    if (n > 0) {
      got += (size_t)n;
      continue;
    }
    if (n == GNUTLS_E_AGAIN)
      return got;
    bench_die("server recv: %s", gnutls_strerror((int)n));
  }
}

/* Everything the client can read now. */
static size_t client_drain(struct pair *p, unsigned char *buf)
{
  size_t got = 0;
  if (p->cassl) {
    for (;;) {
      size_t n = 0;
      if (cassl_session_read(p->c, buf, READ_BUF, &n) != CASS_OK)
        bench_die("cassl read: %s", cassl_session_error_message(p->c));
      if (n == 0)
        return got;
      got += n;
    }
  }
  for (;;) {
    ssize_t n = gnutls_record_recv(p->raw.s, buf, READ_BUF);
    if (n > 0) {
      got += (size_t)n;
      continue;
    }
    if (n == GNUTLS_E_AGAIN)
      return got;
    bench_die("raw recv: %s", gnutls_strerror((int)n));
  }
}

static void client_write(struct pair *p, const unsigned char *data, size_t len)
{
  if (p->cassl) {
    if (cassl_session_write(p->c, data, len) != CASS_OK)
      bench_die("cassl write: %s", cassl_session_error_message(p->c));
    return;
  }
  while (len > 0) {
    ssize_t n = gnutls_record_send(p->raw.s, data, len);
    if (n < 0)
      bench_die("raw send: %s", gnutls_strerror((int)n));
    data += n;
    len -= (size_t)n;
  }
}

static void server_write(struct pair *p, const unsigned char *data, size_t len)
{
  while (len > 0) {
    ssize_t n = gnutls_record_send(p->srv.s, data, len);
    if (n < 0)
      bench_die("server send: %s", gnutls_strerror((int)n));
    data += n;
    len -= (size_t)n;
  }
}

/* Seconds for total bytes client -> server (up) and server -> client (down), in writes of
 * size chunk, each write read by the other end before the next one (as a transport would). */
static void transfer(bool cassl, const struct bench_pki *pki, CassSsl *ssl, size_t total,
                     size_t chunk, double *up, double *down)
{
  static unsigned char data[65536], buf[READ_BUF];
  struct pair p;
  memset(data, 0x5a, sizeof data);
  pair_open(&p, cassl, pki, ssl);

  size_t got = 0;
  double t0 = bench_thread_cpu();
  for (size_t sent = 0; sent < total; sent += chunk) {
    client_write(&p, data, chunk);
    got += server_drain(&p, buf);
  }
  double t1 = bench_thread_cpu();
  if (got != total)
    bench_die("server got %zu of %zu bytes", got, total);

  got = 0;
  double t2 = bench_thread_cpu();
  for (size_t sent = 0; sent < total; sent += chunk) {
    server_write(&p, data, chunk);
    got += client_drain(&p, buf);
  }
  double t3 = bench_thread_cpu();
  if (got != total)
    bench_die("client got %zu of %zu bytes", got, total);
  *up = t1 - t0;
  *down = t3 - t2;
  pair_close(&p);
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o, "B1: in-memory bulk transfer, cassl session vs raw GnuTLS\n");
  int runs = bench_runs(&o, 9, 5);
  size_t total = (o.quick ? 8u : 64u) << 20;
  struct bench_pki pki;
  bench_pki_make(&pki);
  CassSsl *ssl = bench_cassl_new(&pki);

  struct bench_report *r = bench_report_new(
      "B1", "bulk in memory: TLS 1.3 AES-128-GCM, cassl client session vs raw GnuTLS client",
      runs, &o);
  bench_report_param(r, "bytes_each_way", "%zu", total);
  const size_t chunks[2] = { 16384, 1024 };
  for (int ci = 0; ci < 2; ci++) {
    double mbs[4][32], ratio[2][32]; /* raw up, cassl up, raw down, cassl down */
    for (int i = 0; i < runs && i < 32; i++) {
      double t[2][2];
      /* Alternate the order so neither side always runs on a warmer cache. */
      for (int k = 0; k < 2; k++) {
        bool cassl = (i + k) % 2 == 1;
        transfer(cassl, &pki, ssl, total, chunks[ci], &t[cassl][0], &t[cassl][1]);
      }
      for (int d = 0; d < 2; d++) {
        mbs[2 * d][i] = (double)total / t[0][d] / 1e6;
        mbs[2 * d + 1][i] = (double)total / t[1][d] / 1e6;
        ratio[d][i] = mbs[2 * d + 1][i] / mbs[2 * d][i];
      }
    }
    for (int d = 0; d < 2; d++) {
      static char label[4][40];
      snprintf(label[2 * ci + d], sizeof label[0], "%s writes, %s", ci ? "1 KiB" : "16 KiB",
               d ? "server->client" : "client->server");
      struct bench_row row = {
        .label = label[2 * ci + d],
        .base_name = "raw GnuTLS client, memory push/pull",
        .subj_name = "cassl session",
        .unit = "MB/cpu-s",
        .base = bench_stat_of(mbs[2 * d], runs),
        .subj = bench_stat_of(mbs[2 * d + 1], runs),
        .ratio = bench_stat_of(ratio[d], runs),
        .ratio_meaning = "cassl throughput / raw throughput",
        .goal_op = ">=",
        .goal = 0.95,
      };
      bench_report_add(r, &row);
    }
  }
  int rc = bench_report_finish(r);
  cass_ssl_free(ssl);
  bench_pki_free(&pki);
  return rc;
}
