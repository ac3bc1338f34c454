/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B5 memory: heap bytes per established, idle client session, from the allocator
 * (glibc mallinfo2: bytes in use, arena + mmapped, before and after), with N sessions alive
 * at once. Each session finished a TLS 1.3 handshake with verification against an
 * in-memory GnuTLS server, whose session is freed right after (only the client side stays).
 * The baseline is a raw GnuTLS client session (its transport buffers freed: a socket would
 * hold its bytes in the kernel). The program is single-threaded: mallinfo2 reports the main
 * arena, where every allocation then lands. */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "handshake.h"

static double heap_in_use(void)
{
  struct mallinfo2 mi = mallinfo2();
  return (double)mi.uordblks + (double)mi.hblkhd;
}

/* Bytes per session with n sessions established and idle. */
static double measure(bool cassl, const struct bench_pki *pki, CassSsl *ssl, int n)
{
  struct bench_hs *hs = calloc((size_t)n, sizeof *hs);
  if (!hs)
    bench_die("out of memory");
  double before = heap_in_use();
  for (int i = 0; i < n; i++) {
    struct bench_mem_server srv = { 0 };
    bench_mem_server_init(&srv, pki, BENCH_PRIO_TLS13, NULL);
    bench_hs_client_new(&hs[i], cassl, pki, ssl, NULL);
    bench_hs_attach(&hs[i], &srv);
    bench_hs_run(&hs[i], &srv);
    bench_mem_server_deinit(&srv);
    if (!cassl) {
      bench_buf_free(&hs[i].in);
      bench_buf_free(&hs[i].out);
    }
  }
  double after = heap_in_use();
  for (int i = 0; i < n; i++)
    bench_hs_free(&hs[i]);
  free(hs);
  return (after - before) / n;
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o, "B5: heap bytes per established idle session, cassl vs raw GnuTLS\n");
  int runs = bench_runs(&o, 3, 2);
  int counts[2] = { 1000, 10000 };
  if (o.quick) {
    counts[0] = 200;
    counts[1] = 1000;
  }
  struct bench_pki pki;
  bench_pki_make(&pki);
  CassSsl *ssl = bench_cassl_new(&pki);
  measure(true, &pki, ssl, 10); /* first-use allocations inside GnuTLS stay out of the figures */
  measure(false, &pki, ssl, 10);

  struct bench_report *r = bench_report_new(
      "B5", "memory: heap bytes per established idle TLS 1.3 client session (mallinfo2 deltas)",
      runs, &o);
  bench_report_param(r, "server", "in-memory GnuTLS, no session tickets");
  for (int c = 0; c < 2; c++) {
    double raw[BENCH_MAX_RUNS], cas[BENCH_MAX_RUNS], ratio[BENCH_MAX_RUNS];
    for (int i = 0; i < runs; i++) {
      bool cassl_first = i % 2;
      if (cassl_first)
        cas[i] = measure(true, &pki, ssl, counts[c]);
      raw[i] = measure(false, &pki, ssl, counts[c]);
      if (!cassl_first)
        cas[i] = measure(true, &pki, ssl, counts[c]);
      ratio[i] = cas[i] / raw[i];
    }
    static char label[2][40];
    snprintf(label[c], sizeof label[c], "%d sessions", counts[c]);
    struct bench_row row = {
      .label = label[c],
      .base_name = "raw GnuTLS client session",
      .subj_name = "cassl session",
      .unit = "B/session",
      .base = bench_stat_of(raw, runs),
      .subj = bench_stat_of(cas, runs),
      .ratio = bench_stat_of(ratio, runs),
      .ratio_meaning = "cassl bytes / raw bytes",
      .goal_op = "<=",
      .goal = 1.15,
    };
    bench_report_add(r, &row);
  }
  int rc = bench_report_finish(r);
  cass_ssl_free(ssl);
  bench_pki_free(&pki);
  return rc;
}
