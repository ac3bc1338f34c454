/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B3 handshake: client CPU per full TLS 1.3 handshake with an ECDSA P-256 server key and
 * peer verification on (PEER_CERT with the CA): a cassl session versus a raw GnuTLS client
 * doing the same verification (gnutls_certificate_verify_peers2), against the same
 * in-memory GnuTLS server. Only the client's calls are timed (CLOCK_THREAD_CPUTIME_ID);
 * session creation and freeing are included. */
#include "config.h"

#include <stdio.h>

#include "bench.h"
#include "handshake.h"

static double one(bool cassl, const struct bench_pki *pki, CassSsl *ssl)
{
  struct bench_hs h;
  struct bench_mem_server srv = { 0 };
  bench_mem_server_init(&srv, pki, BENCH_PRIO_TLS13, NULL);
  double cpu = bench_hs_client_new(&h, cassl, pki, ssl, NULL);
  bench_hs_attach(&h, &srv);
  cpu += bench_hs_run(&h, &srv);
  if (bench_hs_resumed(&h))
    bench_die("a full handshake was resumed");
  cpu += bench_hs_free(&h);
  bench_mem_server_deinit(&srv);
  return cpu;
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o, "B3: client CPU per full TLS 1.3 handshake, cassl vs raw GnuTLS\n");
  int runs = bench_runs(&o, 7, 3);
  int per_run = o.quick ? 40 : 200;
  struct bench_pki pki;
  bench_pki_make(&pki);
  CassSsl *ssl = bench_cassl_new(&pki);

  /* Warm up both paths (first-use initialisation inside GnuTLS and nettle). */
  one(true, &pki, ssl);
  one(false, &pki, ssl);

  double raw_us[BENCH_MAX_RUNS], cassl_us[BENCH_MAX_RUNS], ratio[BENCH_MAX_RUNS];
  for (int i = 0; i < runs; i++) {
    double sum[2] = { 0, 0 };
    /* Interleaved, so both see the same machine load. */
    for (int k = 0; k < per_run; k++) {
      sum[0] += one(false, &pki, ssl);
      sum[1] += one(true, &pki, ssl);
    }
    raw_us[i] = sum[0] / per_run * 1e6;
    cassl_us[i] = sum[1] / per_run * 1e6;
    ratio[i] = cassl_us[i] / raw_us[i];
  }

  struct bench_report *r = bench_report_new(
      "B3", "handshake: client CPU per full TLS 1.3 handshake (ECDSA P-256, PEER_CERT)", runs,
      &o);
  bench_report_param(r, "handshakes_per_run", "%d each", per_run);
  bench_report_param(r, "server", "in-memory GnuTLS, %s", BENCH_PRIO_TLS13);
  struct bench_row row = {
    .label = "full handshake",
    .base_name = "raw GnuTLS client + gnutls_certificate_verify_peers2",
    .subj_name = "cassl session",
    .unit = "us CPU",
    .base = bench_stat_of(raw_us, runs),
    .subj = bench_stat_of(cassl_us, runs),
    .ratio = bench_stat_of(ratio, runs),
    .ratio_meaning = "cassl CPU / raw CPU",
    .goal_op = "<=",
    .goal = 1.1,
  };
  bench_report_add(r, &row);
  int rc = bench_report_finish(r);
  cass_ssl_free(ssl);
  bench_pki_free(&pki);
  return rc;
}
