/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* B4 resumption: client CPU to reconnect with TLS 1.3 session resumption (a ticket from the
 * previous connection) versus a full handshake, against the same in-memory GnuTLS server
 * (ECDSA P-256, tickets enabled). The baseline is raw GnuTLS (gnutls_session_get_data2 /
 * gnutls_session_set_data); a resumed session's chain is not verified again (it was when
 * the ticket was obtained), and a second row shows the cost when it is. For cassl the figure needs resumption in the library: the
 * public headers are searched at build time for a resumption call (bench/resume-api.h), and
 * at run time a second session on the same CassSsl is checked for info.resumed. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "handshake.h"
#include "resume-api.h"

struct ticket {
  gnutls_datum_t data;
};

static void ticket_clear(struct ticket *t)
{
  gnutls_free(t->data.data);
  t->data.data = NULL;
  t->data.size = 0;
}

/* A server that accepts only X25519, which the default ClientHello does not put first: a
 * client sending one key share (the first group, P-256) gets a HelloRetryRequest. */
#define PRIO_X25519_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519"

/* One connection against a server with priority prio; the raw client (with the extra
 * gnutls_init flags) saves its session for the next one (timed with it). */
static double connect_with(bool cassl, const struct bench_pki *pki, CassSsl *ssl,
                           const gnutls_datum_t *key, struct ticket *t, bool want_resumed,
                           bool reverify, const char *prio, unsigned raw_flags)
{
  struct bench_hs h;
  struct bench_mem_server srv = { 0 };
  bench_mem_server_init(&srv, pki, prio, key);
  double cpu = bench_hs_client_new_flags(&h, cassl, pki, ssl, want_resumed ? &t->data : NULL,
                                         raw_flags);
  h.reverify_resumed = reverify;
  bench_hs_attach(&h, &srv);
  cpu += bench_hs_run(&h, &srv);
  if (bench_hs_resumed(&h) != want_resumed)
    bench_die("%s client: session %s", cassl ? "cassl" : "raw",
              want_resumed ? "not resumed" : "resumed unexpectedly");
  if (!cassl && strcmp(prio, PRIO_X25519_ONLY) == 0 && gnutls_group_get(h.raw.s) != GNUTLS_GROUP_X25519)
    bench_die("raw client: the X25519-only server negotiated another group");
  if (!cassl) {
    double t0 = bench_thread_cpu();
    ticket_clear(t);
    int ret = gnutls_session_get_data2(h.raw.s, &t->data);
    cpu += bench_thread_cpu() - t0;
    if (ret < 0)
      bench_die("gnutls_session_get_data2: %s", gnutls_strerror(ret));
  }
  cpu += bench_hs_free(&h);
  bench_mem_server_deinit(&srv);
  return cpu;
}

static double connect_once(bool cassl, const struct bench_pki *pki, CassSsl *ssl,
                           const gnutls_datum_t *key, struct ticket *t, bool want_resumed,
                           bool reverify)
{
  return connect_with(cassl, pki, ssl, key, t, want_resumed, reverify, BENCH_PRIO_TLS13, 0);
}

/* Whether the library resumed a second session made from the same CassSsl. */
static bool cassl_resumes(const struct bench_pki *pki, const gnutls_datum_t *key)
{
  CassSsl *ssl = bench_cassl_new(pki);
  bool resumed = false;
  for (int i = 0; i < 2; i++) {
    struct bench_hs h;
    struct bench_mem_server srv = { 0 };
    bench_mem_server_init(&srv, pki, BENCH_PRIO_TLS13, key);
    bench_hs_client_new(&h, true, pki, ssl, NULL);
    bench_hs_attach(&h, &srv);
    bench_hs_run(&h, &srv);
    resumed = bench_hs_resumed(&h);
    bench_hs_free(&h);
    bench_mem_server_deinit(&srv);
  }
  cass_ssl_free(ssl);
  return resumed;
}

/* --profile: one kind of handshake, over and over. */
static int profile(const char *name, const struct bench_pki *pki, const gnutls_datum_t *key)
{
  bool cassl = strncmp(name, "cassl-", 6) == 0;
  const char *kind = name + (cassl ? 6 : strncmp(name, "raw-", 4) == 0 ? 4 : 0);
  if (kind == name || (strcmp(kind, "full") != 0 && strcmp(kind, "resumed") != 0))
    bench_die("--profile: no case %s (raw-full, raw-resumed, cassl-full, cassl-resumed)", name);
  bool resumed = strcmp(kind, "resumed") == 0;
  struct ticket t = { { NULL, 0 } };
  CassSsl *shared = cassl ? bench_cassl_new(pki) : NULL;
  connect_with(cassl, pki, shared, key, &t, false, false, BENCH_PRIO_TLS13, GNUTLS_KEY_SHARE_TOP);
  for (int i = 0; i < 3000; i++) {
    CassSsl *ssl = cassl && !resumed ? bench_cassl_new(pki) : shared;
    connect_with(cassl, pki, ssl, key, &t, resumed, false, BENCH_PRIO_TLS13, GNUTLS_KEY_SHARE_TOP);
    if (ssl != shared)
      cass_ssl_free(ssl);
  }
  if (shared)
    cass_ssl_free(shared);
  ticket_clear(&t);
  return 0;
}

int main(int argc, char **argv)
{
  struct bench_opts o;
  bench_parse(argc, argv, &o,
              "B4: reconnect cost with TLS 1.3 resumption vs a full handshake\n"
              "--profile cases: raw-full, raw-resumed, cassl-full, cassl-resumed (3000 "
              "handshakes; the raw client with one key share, as the library sends)\n");
  /* Rounds of 200 handshakes of each kind, about a second each; the first are discarded. */
  int runs = bench_runs(&o, 15, 3);
  int warmup = bench_warmup(&o, 2);
  int per_run = o.quick ? 40 : 200;
  struct bench_pki pki;
  bench_pki_make(&pki);
  gnutls_datum_t key;
  if (gnutls_session_ticket_key_generate(&key) < 0)
    bench_die("gnutls_session_ticket_key_generate failed");

  struct ticket t = { { NULL, 0 } };
  connect_once(false, &pki, NULL, &key, &t, false, false); /* warm-up, and a first ticket */
  connect_once(false, &pki, NULL, &key, &t, true, false);

  double full[BENCH_MAX_RUNS], resumed[BENCH_MAX_RUNS], ratio[BENCH_MAX_RUNS];
  double reverified[BENCH_MAX_RUNS], reratio[BENCH_MAX_RUNS];
  double vs_raw[BENCH_MAX_RUNS], vs_reverified[BENCH_MAX_RUNS];
  double cfull[BENCH_MAX_RUNS], cresumed[BENCH_MAX_RUNS], cratio[BENCH_MAX_RUNS];
  /* One key share (GNUTLS_KEY_SHARE_TOP) against the default two, raw GnuTLS: full and
   * resumed, against a server taking the first group and against one that answers with a
   * HelloRetryRequest. */
  double top[4][BENCH_MAX_RUNS], top_ratio[4][BENCH_MAX_RUNS];
  struct ticket t_top = { { NULL, 0 } }, t_hrr = { { NULL, 0 } };
  connect_with(false, &pki, NULL, &key, &t_top, false, false, BENCH_PRIO_TLS13,
               GNUTLS_KEY_SHARE_TOP);
  connect_with(false, &pki, NULL, &key, &t_hrr, false, false, PRIO_X25519_ONLY,
               GNUTLS_KEY_SHARE_TOP);
  bool cassl_ok = cassl_resumes(&pki, &key);
  if (o.profile)
    return profile(o.profile, &pki, &key);
  for (int round = 0; round < warmup + runs; round++) {
    /* Warm-up rounds are measured into slot 0 and overwritten by the first kept round. */
    int i = round < warmup ? 0 : round - warmup;
    double sum[3] = { 0, 0, 0 }, csum[2] = { 0, 0 }, tsum[4] = { 0, 0, 0, 0 };
    for (int k = 0; k < per_run; k++) {
      tsum[0] += connect_with(false, &pki, NULL, &key, &t_top, false, false, BENCH_PRIO_TLS13,
                              GNUTLS_KEY_SHARE_TOP);
      tsum[1] += connect_with(false, &pki, NULL, &key, &t_top, true, false, BENCH_PRIO_TLS13,
                              GNUTLS_KEY_SHARE_TOP);
      tsum[2] += connect_with(false, &pki, NULL, &key, &t_hrr, false, false, PRIO_X25519_ONLY,
                              GNUTLS_KEY_SHARE_TOP);
      tsum[3] += connect_with(false, &pki, NULL, &key, &t_hrr, true, false, PRIO_X25519_ONLY,
                              GNUTLS_KEY_SHARE_TOP);
      sum[0] += connect_once(false, &pki, NULL, &key, &t, false, false);
      sum[1] += connect_once(false, &pki, NULL, &key, &t, true, false);
      sum[2] += connect_once(false, &pki, NULL, &key, &t, true, true);
      if (cassl_ok) {
        /* A fresh CassSsl makes the full handshake; a shared one resumes. */
        static CassSsl *shared;
        if (!shared) {
          shared = bench_cassl_new(&pki);
          connect_once(true, &pki, shared, &key, &t, false, false);
        }
        CassSsl *fresh = bench_cassl_new(&pki);
        csum[0] += connect_once(true, &pki, fresh, &key, &t, false, false);
        cass_ssl_free(fresh);
        csum[1] += connect_once(true, &pki, shared, &key, &t, true, false);
      }
    }
    full[i] = sum[0] / per_run * 1e6;
    resumed[i] = sum[1] / per_run * 1e6;
    ratio[i] = full[i] / resumed[i];
    reverified[i] = sum[2] / per_run * 1e6;
    reratio[i] = full[i] / reverified[i];
    cfull[i] = csum[0] / per_run * 1e6;
    cresumed[i] = csum[1] / per_run * 1e6;
    cratio[i] = cresumed[i] > 0 ? cfull[i] / cresumed[i] : 0;
    for (int v = 0; v < 4; v++) {
      top[v][i] = tsum[v] / per_run * 1e6;
      top_ratio[v][i] = (v % 2 ? resumed[i] : full[i]) / top[v][i];
    }
    vs_raw[i] = cresumed[i] / resumed[i];
    vs_reverified[i] = cresumed[i] / reverified[i];
  }

  struct bench_report *r = bench_report_new(
      "B4", "resumption: client CPU per reconnect, TLS 1.3 ticket resumption vs full handshake",
      runs, &o);
  bench_report_param(r, "handshakes_per_run", "%d of each kind", per_run);
  bench_report_param(r, "warmup_rounds", "%d (discarded)", warmup);
  bench_report_param(r, "cpu", "%s", "CLOCK_THREAD_CPUTIME_ID around the client's calls only");
  bench_report_param(r, "library_resumption_api", "%s",
                     BENCH_RESUMPTION_API[0] ? BENCH_RESUMPTION_API : "none in the headers");
  struct bench_row raw_row = {
    .label = "raw GnuTLS",
    .base_name = "full handshake (raw GnuTLS client)",
    .subj_name = "resumed handshake (raw GnuTLS client)",
    .unit = "us CPU",
    .base = bench_stat_of(full, runs),
    .subj = bench_stat_of(resumed, runs),
    .ratio = bench_stat_of(ratio, runs),
    .ratio_meaning = "full CPU / resumed CPU (how many times cheaper)",
    .extra = "the baseline: what GnuTLS itself saves (the 3x goal applies to the cassl row)",
  };
  bench_report_add(r, &raw_row);
  struct bench_row reverify_row = raw_row;
  reverify_row.label = "raw GnuTLS, re-verified";
  reverify_row.subj_name = "resumed handshake, chain verified again (raw GnuTLS client)";
  reverify_row.subj = bench_stat_of(reverified, runs);
  reverify_row.ratio = bench_stat_of(reratio, runs);
  reverify_row.extra = "what a library loses if it re-runs gnutls_certificate_verify_peers2 "
                       "on resumed sessions";
  bench_report_add(r, &reverify_row);
  static const char *top_label[4] = { "raw, one key share", "raw, one key share, resumed",
                                      "raw, one key share + HRR", "raw, one share + HRR, resumed" };
  static const char *top_subj[4] = {
    "full handshake, one key share (raw GnuTLS client, GNUTLS_KEY_SHARE_TOP)",
    "resumed handshake, one key share (raw GnuTLS client, GNUTLS_KEY_SHARE_TOP)",
    "full handshake, one key share, X25519-only server: HelloRetryRequest",
    "resumed handshake, one key share, X25519-only server: HelloRetryRequest" };
  for (int v = 0; v < 4; v++) {
    struct bench_row row = {
      .label = top_label[v],
      .base_name = v % 2 ? "resumed handshake, default two key shares (raw GnuTLS client)"
                         : "full handshake, default two key shares (raw GnuTLS client)",
      .subj_name = top_subj[v],
      .unit = "us CPU",
      .base = bench_stat_of(v % 2 ? resumed : full, runs),
      .subj = bench_stat_of(top[v], runs),
      .ratio = bench_stat_of(top_ratio[v], runs),
      .ratio_meaning = "two key shares CPU / one key share CPU (> 1: one share is cheaper)",
    };
    bench_report_add(r, &row);
  }
  static char note[256];
  if (!cassl_ok)
    snprintf(note, sizeof note,
             "not available: the library has no session resumption (%s; a second session "
             "on the same CassSsl made a full handshake)",
             BENCH_RESUMPTION_API[0] ? "a resumption call is declared, but this benchmark "
                                       "does not know how to enable it"
                                     : "no resumption call in the public headers");
  struct bench_row cassl_row = {
    .label = "cassl",
    .base_name = "full handshake (cassl session, fresh CassSsl)",
    .subj_name = "resumed handshake (cassl session, same CassSsl)",
    .unit = "us CPU",
    .base = bench_stat_of(cassl_ok ? cfull : full, runs),
    .subj = bench_stat_of(cresumed, runs),
    .ratio = bench_stat_of(cratio, runs),
    .ratio_meaning = "full CPU / resumed CPU (how many times cheaper)",
    .goal_op = ">=",
    .goal = 3,
    .note = cassl_ok ? NULL : note,
  };
  static char extra[200];
  if (!cassl_ok) {
    cassl_row.base_name = "full handshake (raw GnuTLS client; the cassl row is not measured)";
  } else {
    struct bench_stat a = bench_stat_of(vs_raw, runs), b = bench_stat_of(vs_reverified, runs);
    snprintf(extra, sizeof extra,
             "cassl resumed CPU / raw resumed CPU: %.2f [%.2f..%.2f]; / raw resumed and "
             "re-verified: %.2f [%.2f..%.2f]",
             a.median, a.min, a.max, b.median, b.min, b.max);
    cassl_row.extra = extra;
  }
  bench_report_add(r, &cassl_row);
  int rc = bench_report_finish(r);
  ticket_clear(&t);
  ticket_clear(&t_top);
  ticket_clear(&t_hrr);
  gnutls_free(key.data);
  bench_pki_free(&pki);
  return rc;
}
