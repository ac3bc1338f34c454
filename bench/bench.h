/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Shared pieces of the benchmarks: options, clocks, statistics, the report (a human table or
 * JSON), a throwaway PKI, in-memory TLS peers and the forked loopback server. */
#ifndef CASSL_BENCH_H
#define CASSL_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#include "cassl/cassl.h"
#include "cassl/session.h"

/* ---- options ------------------------------------------------------------------------- */

struct bench_opts {
  bool quick; /* reduced sizes (--quick, or CASSL_BENCH_QUICK=1 in the environment) */
  bool json;  /* --json */
  int runs;   /* --runs N: repetitions (0 = the program's default) */
  int warmup; /* --warmup N: rounds run first and discarded (-1 = the program's default) */
  /* --profile CASE: run only that case, over and over, and print no report, for a profiler
   * (perf record, callgrind); the program's --help lists its cases. NULL: measure. */
  const char *profile;
};

/* Parses --quick, --json, --runs N, --warmup N, --profile CASE and --help; exits on a usage error. Starts the
 * load monitor (bench_load_start). */
void bench_parse(int argc, char **argv, struct bench_opts *o, const char *usage);
/* The repetitions to make: --runs, else full or quick; at most BENCH_MAX_RUNS. */
#define BENCH_MAX_RUNS 32
int bench_runs(const struct bench_opts *o, int full, int quick);
/* The warm-up rounds to run and discard: --warmup, else def. */
int bench_warmup(const struct bench_opts *o, int def);

/* ---- clocks -------------------------------------------------------------------------- */

double bench_wall(void);       /* CLOCK_MONOTONIC, seconds */
double bench_thread_cpu(void); /* CLOCK_THREAD_CPUTIME_ID, seconds */
double bench_process_cpu(void);

/* ---- statistics ---------------------------------------------------------------------- */

/* q1 and q3 are the quartiles (linear interpolation between ranks): the interquartile range
 * q1..q3 holds the middle half of the runs, which one stray run cannot move. */
struct bench_stat {
  double median, min, max, q1, q3;
};
struct bench_stat bench_stat_of(const double *v, int n);

/* ---- load: the machine's other work during a run (bench/load.c) ---------------------- */

struct bench_load {
  double others_cpus;    /* CPUs kept busy by processes outside this process group; -1: unknown */
  double loadavg_before; /* 1-minute load average when the program started */
  double loadavg_after;
};
/* A figure taken while other processes used more than this many CPUs says so. */
#define BENCH_BUSY_CPUS 0.5
void bench_load_start(void);
struct bench_load bench_load_now(void);

/* ---- report -------------------------------------------------------------------------- */

/* One measured line: a baseline and the subject, each a statistic in its unit, and their
 * ratio (computed per run, so baseline and subject of the same run are compared). */
struct bench_row {
  const char *label;
  const char *base_name, *subj_name, *unit;
  struct bench_stat base, subj, ratio;
  const char *ratio_meaning; /* e.g. "cassl / raw" */
  const char *goal_op;       /* ">=", "<=" or NULL (no goal) */
  double goal;
  const char *note;          /* when set, the subject was not measured: why */
  /* An absolute goal on the subject's median (e.g. bytes per session), instead of the ratio. */
  bool goal_on_subject;
  const char *extra;         /* free text shown after the row, e.g. failure counts */
};

struct bench_report;
struct bench_report *bench_report_new(const char *id, const char *title, int runs,
                                      const struct bench_opts *o);
void bench_report_param(struct bench_report *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void bench_report_add(struct bench_report *r, const struct bench_row *row);
/* Prints and frees; returns 0 when every goal held, 1 otherwise. */
int bench_report_finish(struct bench_report *r);

/* ---- process ------------------------------------------------------------------------- */

/* Raises RLIMIT_NOFILE to its hard limit; returns the new soft limit. */
long bench_raise_nofile(void);
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- PKI: an ECDSA P-256 CA and a server certificate for 127.0.0.1 / localhost ----- */

struct bench_pki {
  char *ca_pem;                              /* for cass_ssl_add_trusted_cert */
  gnutls_certificate_credentials_t server;   /* server chain + key */
  gnutls_certificate_credentials_t client;   /* raw GnuTLS client: the CA as trust */
};
void bench_pki_make(struct bench_pki *p);
void bench_pki_free(struct bench_pki *p);
/* A CassSsl trusting the CA, verify flags PEER_CERT. */
CassSsl *bench_cassl_new(const struct bench_pki *p);

/* ---- in-memory peers ----------------------------------------------------------------- */

/* A growable byte buffer read from the front (the thinnest memory transport). */
struct bench_buf {
  unsigned char *data;
  size_t head, tail, cap;
};
void bench_buf_put(struct bench_buf *b, const void *data, size_t len);
size_t bench_buf_take(struct bench_buf *b, void *out, size_t cap);
size_t bench_buf_len(const struct bench_buf *b);
void bench_buf_free(struct bench_buf *b);

/* Server priorities: TLS 1.3 only (B3-B5), and TLS 1.3 with AES-128-GCM only (B1). */
#define BENCH_PRIO_TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define BENCH_PRIO_TLS13_AES128 "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM"

/* An in-memory GnuTLS server. It reads the client's ciphertext either from a bench_buf (raw
 * client) or straight from a cassl session's output (peek/consume), and writes its own into
 * a bench_buf (raw client) or feeds it to the cassl session. */
struct bench_mem_server {
  gnutls_session_t s;
  struct bench_buf *from_client, *to_client; /* raw mode */
  cassl_session *cassl;                      /* cassl mode */
};
void bench_mem_server_init(struct bench_mem_server *m, const struct bench_pki *p,
                           const char *priority, const gnutls_datum_t *ticket_key);
void bench_mem_server_deinit(struct bench_mem_server *m);
/* One server turn of the handshake: 1 when done, 0 when it waits; dies on failure. */
int bench_mem_server_handshake(struct bench_mem_server *m);

/* A raw GnuTLS client over two bench_bufs, with the system's default priorities (as the
 * library uses them) and the CA as trust; verification is done by the caller. */
struct bench_raw_client {
  gnutls_session_t s;
  struct bench_buf *in, *out;
};
void bench_raw_client_init(struct bench_raw_client *c, const struct bench_pki *p,
                           struct bench_buf *in, struct bench_buf *out, unsigned flags);
/* The same session without a transport (for a socket: gnutls_transport_set_int). */
gnutls_session_t bench_raw_client_session(const struct bench_pki *p);
/* With extra gnutls_init flags (e.g. GNUTLS_KEY_SHARE_TOP). */
gnutls_session_t bench_raw_client_session_flags(const struct bench_pki *p, unsigned flags);
/* gnutls_certificate_verify_peers2 as the library does for PEER_CERT; dies on failure. */
void bench_raw_verify(gnutls_session_t s);

/* ---- the forked loopback server (B2, B6) --------------------------------------------- */

/* After the handshake the client sends 9-byte commands: 'U' + 64-bit big-endian n (the
 * client uploads n bytes, the server answers 'K'), 'D' + n (the server sends n bytes),
 * 'P' (the server answers 'K'). */
struct bench_server {
  int pid;
  int control;       /* write end of a pipe; closing it stops the server */
  uint16_t tls_port; /* TLS 1.3, the PKI's server certificate */
  uint16_t tcp_port; /* the same commands in plain TCP */
  int tls_fd, tcp_fd; /* the listeners, kept here for restarts (-1 when not) */
  const struct bench_pki *pki;
  int threads;
  gnutls_datum_t ticket_key; /* TLS 1.3 session tickets with this key (size 0: none) */
};
void bench_server_start(struct bench_server *srv, const struct bench_pki *p, int threads);
/* The same server with session tickets under key (NULL: none), restartable. */
void bench_server_start_tickets(struct bench_server *srv, const struct bench_pki *p, int threads,
                                const gnutls_datum_t *key);
/* A node restart: the server process is killed (the kernel closes every connection, without
 * close_notify) and a new one serves the same ports, with tickets under key (the old key:
 * tickets issued before the restart still resume; a new one: full handshakes). Connections
 * made meanwhile wait in the listen queue. */
void bench_server_restart(struct bench_server *srv, const gnutls_datum_t *key);
void bench_server_stop(struct bench_server *srv);
void bench_put_u64(unsigned char *p, uint64_t v);

#endif
