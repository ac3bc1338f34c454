/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Options, clocks, statistics and the report shared by the benchmarks. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

void bench_die(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

void bench_parse(int argc, char **argv, struct bench_opts *o, const char *usage)
{
  memset(o, 0, sizeof *o);
  o->warmup = -1;
  bench_load_start();
  const char *env = getenv("CASSL_BENCH_QUICK");
  o->quick = env && env[0] && strcmp(env, "0") != 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0) {
      o->quick = true;
    } else if (strcmp(argv[i], "--json") == 0) {
      o->json = true;
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      o->runs = atoi(argv[++i]);
      if (o->runs < 1)
        bench_die("--runs needs a positive number");
    } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
      char *end;
      long w = strtol(argv[++i], &end, 10);
      if (*end || w < 0 || w > BENCH_MAX_RUNS)
        bench_die("--warmup needs a number from 0 to %d", BENCH_MAX_RUNS);
      o->warmup = (int)w;
    } else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
      o->profile = argv[++i];
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: %s [--quick] [--json] [--runs N] [--warmup N] [--profile CASE]\n%s", argv[0], usage);
      exit(0);
    } else {
      fprintf(stderr, "usage: %s [--quick] [--json] [--runs N] [--warmup N] [--profile CASE]\n", argv[0]);
      exit(2);
    }
  }
}

int bench_runs(const struct bench_opts *o, int full, int quick)
{
  int n = o->runs ? o->runs : o->quick ? quick : full;
  return n > BENCH_MAX_RUNS ? BENCH_MAX_RUNS : n;
}

int bench_warmup(const struct bench_opts *o, int def)
{
  return o->warmup >= 0 ? o->warmup : def;
}

static double clock_seconds(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_wall(void)
{
  return clock_seconds(CLOCK_MONOTONIC);
}

double bench_thread_cpu(void)
{
  return clock_seconds(CLOCK_THREAD_CPUTIME_ID);
}

double bench_process_cpu(void)
{
  return clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The q-quantile of n sorted values, interpolated between the ranks around it. */
static double quantile(const double *sorted, int n, double q)
{
  double pos = q * (n - 1);
  int lo = (int)pos;
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (pos - lo) * (sorted[lo + 1] - sorted[lo]);
}

struct bench_stat bench_stat_of(const double *v, int n)
{
  struct bench_stat s = { NAN, NAN, NAN, NAN, NAN };
  if (n <= 0)
    return s;
  double *c = malloc(sizeof *c * (size_t)n);
  if (!c)
    bench_die("out of memory");
  memcpy(c, v, sizeof *c * (size_t)n);
  qsort(c, (size_t)n, sizeof *c, cmp_double);
  s.min = c[0];
  s.max = c[n - 1];
  s.median = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  s.q1 = quantile(c, n, 0.25);
  s.q3 = quantile(c, n, 0.75);
  free(c);
  return s;
}

long bench_raise_nofile(void)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return -1;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    return -1;
  return (long)rl.rlim_cur;
}

/* ---- report -------------------------------------------------------------------------- */

#define MAX_ROWS 16
#define MAX_PARAMS 16

struct bench_report {
  const char *id, *title;
  int runs;
  bool json;
  char params[MAX_PARAMS][2][160];
  int nparams;
  struct bench_row rows[MAX_ROWS];
  int nrows;
};

struct bench_report *bench_report_new(const char *id, const char *title, int runs,
                                      const struct bench_opts *o)
{
  struct bench_report *r = calloc(1, sizeof *r);
  if (!r)
    bench_die("out of memory");
  r->id = id;
  r->title = title;
  r->runs = runs;
  r->json = o->json;
  bench_report_param(r, "mode", "%s", o->quick ? "quick" : "full");
  return r;
}

void bench_report_param(struct bench_report *r, const char *key, const char *fmt, ...)
{
  if (r->nparams >= MAX_PARAMS)
    return;
  va_list ap;
  va_start(ap, fmt);
  snprintf(r->params[r->nparams][0], sizeof r->params[0][0], "%s", key);
  vsnprintf(r->params[r->nparams][1], sizeof r->params[0][1], fmt, ap);
  va_end(ap);
  r->nparams++;
}

void bench_report_add(struct bench_report *r, const struct bench_row *row)
{
  if (r->nrows < MAX_ROWS)
    r->rows[r->nrows++] = *row;
}

static bool row_met(const struct bench_row *row)
{
  if (!row->goal_op || row->note)
    return true;
  double v = row->goal_on_subject ? row->subj.median : row->ratio.median;
  if (strcmp(row->goal_op, ">=") == 0)
    return v >= row->goal;
  return v <= row->goal;
}

static void fmt_num(char *buf, size_t size, double v)
{
  if (isnan(v))
    snprintf(buf, size, "-");
  else if (fabs(v) >= 1000)
    snprintf(buf, size, "%.0f", v);
  else if (fabs(v) >= 100)
    snprintf(buf, size, "%.1f", v);
  else
    snprintf(buf, size, "%.3g", v);
}

static void fmt_stat(char *buf, size_t size, struct bench_stat s)
{
  char a[24], b[24], c[24];
  fmt_num(a, sizeof a, s.median);
  fmt_num(b, sizeof b, s.min);
  fmt_num(c, sizeof c, s.max);
  snprintf(buf, size, "%s [%s..%s]", a, b, c);
}

/* A ratio with its spread: median, interquartile range, then min..max. */
static void fmt_ratio(char *buf, size_t size, struct bench_stat s)
{
  char m[24], q1[24], q3[24], lo[24], hi[24];
  fmt_num(m, sizeof m, s.median);
  fmt_num(q1, sizeof q1, s.q1);
  fmt_num(q3, sizeof q3, s.q3);
  fmt_num(lo, sizeof lo, s.min);
  fmt_num(hi, sizeof hi, s.max);
  snprintf(buf, size, "%s (IQR %s..%s) [%s..%s]", m, q1, q3, lo, hi);
}

static void json_string(const char *s)
{
  putchar('"');
  for (; s && *s; s++) {
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20)
      printf("\\u%04x", *s);
    else
      putchar(*s);
  }
  putchar('"');
}

static void json_number(double v)
{
  if (isnan(v) || isinf(v))
    printf("null");
  else
    printf("%.6g", v);
}

static void json_stat(const char *name, const char *unit, struct bench_stat s)
{
  printf("{\"name\":");
  json_string(name);
  if (unit) {
    printf(",\"unit\":");
    json_string(unit);
  }
  printf(",\"median\":");
  json_number(s.median);
  printf(",\"min\":");
  json_number(s.min);
  printf(",\"max\":");
  json_number(s.max);
  printf(",\"q1\":");
  json_number(s.q1);
  printf(",\"q3\":");
  json_number(s.q3);
  printf("}");
}

static void print_json(const struct bench_report *r, bool all_met, struct bench_load load)
{
  printf("{\"bench\":");
  json_string(r->id);
  printf(",\"title\":");
  json_string(r->title);
  printf(",\"runs\":%d,\"params\":{", r->runs);
  for (int i = 0; i < r->nparams; i++) {
    printf(i ? "," : "");
    json_string(r->params[i][0]);
    putchar(':');
    json_string(r->params[i][1]);
  }
  printf("},\"rows\":[");
  for (int i = 0; i < r->nrows; i++) {
    const struct bench_row *row = &r->rows[i];
    printf(i ? ",{" : "{");
    printf("\"case\":");
    json_string(row->label);
    printf(",\"baseline\":");
    json_stat(row->base_name, row->unit, row->base);
    if (row->note) {
      printf(",\"subject\":{\"name\":");
      json_string(row->subj_name);
      printf(",\"available\":false,\"note\":");
      json_string(row->note);
      printf("},\"ratio\":null");
    } else {
      printf(",\"subject\":");
      json_stat(row->subj_name, row->unit, row->subj);
      printf(",\"ratio\":");
      json_stat(row->ratio_meaning, NULL, row->ratio);
    }
    if (row->goal_op) {
      printf(",\"goal\":{\"on\":\"%s\",\"op\":\"%s\",\"value\":", row->goal_on_subject ? "subject" : "ratio",
             row->goal_op);
      json_number(row->goal);
      printf(",\"met\":%s}", row->note ? "null" : row_met(row) ? "true" : "false");
    }
    if (row->extra) {
      printf(",\"extra\":");
      json_string(row->extra);
    }
    printf("}");
  }
  printf("],\"load\":{\"others_cpus\":");
  json_number(load.others_cpus < 0 ? NAN : load.others_cpus);
  printf(",\"loadavg_before\":");
  json_number(load.loadavg_before < 0 ? NAN : load.loadavg_before);
  printf(",\"loadavg_after\":");
  json_number(load.loadavg_after < 0 ? NAN : load.loadavg_after);
  printf(",\"busy\":%s}", load.others_cpus > BENCH_BUSY_CPUS ? "true" : "false");
  printf(",\"goals_met\":%s}\n", all_met ? "true" : "false");
}

static void print_load(struct bench_load load)
{
  if (load.others_cpus < 0) {
    printf("  load: unknown (/proc/stat unreadable)\n");
    return;
  }
  printf("  load: other processes kept %.2f CPUs busy during the run (1-minute load average "
         "%.2f before, %.2f after, this benchmark's own work included)\n",
         load.others_cpus, load.loadavg_before, load.loadavg_after);
  if (load.others_cpus > BENCH_BUSY_CPUS)
    printf("  NOTE: the machine was busy (above %.1f CPUs of other work): these figures were "
           "taken under load and may not reproduce on an idle machine\n",
           BENCH_BUSY_CPUS);
}

static void print_table(const struct bench_report *r, struct bench_load load)
{
  printf("%s %s\n  %d run%s, each figure: median [min..max], ratios also with their "
         "interquartile range (IQR)",
         r->id, r->title, r->runs, r->runs == 1 ? "" : "s");
  for (int i = 0; i < r->nparams; i++)
    printf("%s%s=%s", i ? ", " : "; ", r->params[i][0], r->params[i][1]);
  printf("\n");
  print_load(load);
  printf("  %-30s %-32s %-32s %-36s %s\n", "case", "baseline", "cassl", "ratio", "goal");
  for (int i = 0; i < r->nrows; i++) {
    const struct bench_row *row = &r->rows[i];
    char base[160], subj[160], ratio[160], goal[64] = "", tmp[128];
    fmt_stat(tmp, sizeof tmp, row->base);
    snprintf(base, sizeof base, "%s %s", tmp, row->unit);
    if (row->note) {
      snprintf(subj, sizeof subj, "n/a");
      snprintf(ratio, sizeof ratio, "-");
    } else {
      fmt_stat(tmp, sizeof tmp, row->subj);
      snprintf(subj, sizeof subj, "%s %s", tmp, row->unit);
      fmt_ratio(ratio, sizeof ratio, row->ratio);
    }
    if (row->goal_op) {
      char g[32];
      fmt_num(g, sizeof g, row->goal);
      snprintf(goal, sizeof goal, "%s%s %s %s", row->goal_on_subject ? "cassl " : "", row->goal_op,
               g, row->note ? "(n/a)" : row_met(row) ? "met" : "MISSED");
    }
    printf("  %-30s %-32s %-32s %-36s %s\n", row->label, base, subj, ratio, goal);
    printf("  %-22s   baseline: %s; ratio: %s\n", "", row->base_name,
           row->ratio_meaning ? row->ratio_meaning : "-");
    if (row->note)
      printf("  %-22s   cassl: %s\n", "", row->note);
    if (row->extra)
      printf("  %-22s   %s\n", "", row->extra);
  }
}

int bench_report_finish(struct bench_report *r)
{
  bool all_met = true;
  for (int i = 0; i < r->nrows; i++)
    all_met = all_met && row_met(&r->rows[i]);
  struct bench_load load = bench_load_now();
  if (r->json)
    print_json(r, all_met, load);
  else
    print_table(r, load);
  fflush(stdout);
  free(r);
  return all_met ? 0 : 1;
}
