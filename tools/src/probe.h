/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl probe: one connection through the library's libuv transport, verified as the
 * driver verifies, then a CQL v4 OPTIONS/STARTUP exchange. */
#ifndef CASSL_TOOL_PROBE_H
#define CASSL_TOOL_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "cassl/session.h"
#include "certinfo.h"
#include "cql.h"
#include "options.h"
#include "report.h"

#define PROBE_MAX_CHAIN 10

enum probe_stage {
  STAGE_LOCAL,     /* loading credentials */
  STAGE_CONNECT,   /* name resolution and TCP */
  STAGE_HANDSHAKE, /* TLS */
  STAGE_VERIFY,    /* peer verification */
  STAGE_CQL,       /* OPTIONS / STARTUP */
  STAGE_DONE
};

struct probe_result {
  enum probe_stage stage;      /* where it stopped (STAGE_DONE: all good) */
  CassError status;
  char message[512];           /* the library's sentence */
  unsigned system_cas;         /* CAs added from the system store */
  bool usage;                  /* a bad option value found by the library: exit 2 */
  char hint[512];              /* set where the cause is known on the spot (local files) */
  bool tcp_connected;
  bool verified;               /* handshake done and every requested check passed */
  char address[80];            /* connected address, "127.0.0.1:9042" */
  char ip[64];                 /* the same without the port */
  bool have_info;
  cassl_session_info info;
  char protocol[32], cipher[64], mac[32], kx[64], suite[96];
  struct cert_info chain[PROBE_MAX_CHAIN];
  size_t chain_count;
  char hostname_used[256];     /* reference name for the DNS check, "" when none */
  /* CQL */
  bool have_supported;
  struct cql_multimap supported;
  char cql_version[32];        /* sent in STARTUP */
  char cql_answer[512];        /* "READY", "AUTHENTICATE <class>", "ERROR 0x000a: ..." */
  bool received_any;           /* some plaintext arrived */
  uint64_t elapsed_ns;         /* from connect to established and verified */
};

/* One reconnection of --repeat. */
struct reconnect {
  uint64_t ns;
  bool resumed;
};

/* Runs the probe and prints its report (and error:/hint: lines); returns the exit code and,
 * when status is not NULL, the CassError it ended with. */
int probe_run(const struct probe_opts *o, CassError *status);

/* The report (probe_report.c). */
void probe_report(struct report *r, const struct probe_opts *o, const struct probe_result *res,
                  int exit_code, const char *hint);
void probe_report_reconnects(struct report *r, const struct probe_opts *o,
                             const struct probe_result *first, const struct reconnect *items,
                             size_t count);

/* The hint line for a failed probe (hint.c). */
void probe_hint(const struct probe_opts *o, const struct probe_result *res, char *buf,
                size_t cap);

#endif
