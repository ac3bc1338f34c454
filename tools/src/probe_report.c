/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl probe's report: the connection, the peer chain, one line per check, the CQL answer
 * and the reconnections, in the human and the JSON rendering (report.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cassl/cassl.h"
#include "probe.h"
#include "report.h"
#include "tool.h"

/* A check's result from where the probe stopped: the checks run in order after the
 * handshake, so a failure marks its own check and leaves the later ones unreached. */
static const char *check_state(const struct probe_result *res, CassError fails_with_a,
                               CassError fails_with_b, bool after_chain)
{
  if (res->verified || res->stage > STAGE_VERIFY)
    return "ok";
  if (res->stage < STAGE_VERIFY)
    return "not reached";
  if (res->status == fails_with_a || res->status == fails_with_b)
    return "failed";
  return after_chain ? "not reached" : "ok";
}

static void report_check(struct report *r, const char *name, const char *result,
                         const char *detail)
{
  report_object(r, NULL, NULL);
  report_json_str(r, "name", name);
  report_json_str(r, "result", result);
  report_json_str(r, "detail", detail);
  if (!r->json)
    report_strf(r, name, name, "%s%s%s", result, *detail ? ": " : "", detail);
  report_end(r);
}

static void report_checks(struct report *r, const struct probe_opts *o,
                          const struct probe_result *res)
{
  char detail[1024];
  int flags = o->verify_flags;
  bool pin_failed = res->stage == STAGE_VERIFY && !res->verified && strstr(res->message, "pin");
  report_array(r, "checks", "checks");
  if (o->pin_count) {
    const char *st = res->verified || res->stage > STAGE_VERIFY ? "ok"
                     : pin_failed                               ? "failed"
                     : res->stage == STAGE_VERIFY               ? "ok"
                                                                : "not reached";
    if (!strcmp(st, "failed"))
      snprintf(detail, sizeof detail, "%s", res->message);
    else if (!strcmp(st, "ok"))
      snprintf(detail, sizeof detail, "the server key is one of the %zu pinned key(s)",
               o->pin_count);
    else
      detail[0] = '\0';
    report_check(r, "pin", st, detail);
  }
  if (flags & CASS_SSL_VERIFY_PEER_CERT) {
    const char *st = pin_failed ? "not reached"
                                : check_state(res, CASS_ERROR_SSL_INVALID_PEER_CERT,
                                              CASS_ERROR_SSL_NO_PEER_CERT, false);
    if (!strcmp(st, "failed"))
      snprintf(detail, sizeof detail, "%s", res->message);
    else if (!strcmp(st, "ok"))
      snprintf(detail, sizeof detail, "the chain verifies against the trusted certificates of %zu "
               "--ca file(s)%s", o->ca_count, o->system_ca ? " and the system store" : "");
    else
      detail[0] = '\0';
    report_check(r, "peer-cert", st, detail);
  } else {
    report_check(r, "peer-cert", "off", "the server's chain is not verified (--verify)");
  }
  if (flags & CASS_SSL_VERIFY_PEER_IDENTITY) {
    const char *st = check_state(res, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                                 CASS_ERROR_SSL_IDENTITY_MISMATCH, true);
    if (!strcmp(st, "failed"))
      snprintf(detail, sizeof detail, "%s", res->message);
    else if (!strcmp(st, "ok"))
      snprintf(detail, sizeof detail, "the connected address %s is in the certificate",
               res->ip);
    else
      detail[0] = '\0';
    report_check(r, "peer-identity", st, detail);
  }
  if (flags & CASS_SSL_VERIFY_PEER_IDENTITY_DNS) {
    if (flags & CASS_SSL_VERIFY_PEER_IDENTITY) {
      report_check(r, "peer-identity-dns", "not made",
                   "with both identity checks requested the IP check is the one made");
    } else {
      const char *st = check_state(res, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                                   CASS_ERROR_SSL_IDENTITY_MISMATCH, true);
      if (!strcmp(st, "failed"))
        snprintf(detail, sizeof detail, "%s", res->message);
      else if (!strcmp(st, "ok"))
        snprintf(detail, sizeof detail, "the host name %s is in the certificate",
                 res->hostname_used);
      else
        detail[0] = '\0';
      report_check(r, "peer-identity-dns", st, detail);
    }
  }
  report_end(r);
}

void probe_report(struct report *r, const struct probe_opts *o, const struct probe_result *res,
                  int exit_code, const char *hint)
{
  report_object(r, "target", "target");
  report_str(r, "host", NULL, o->host);
  report_int(r, "port", NULL, o->port);
  report_end(r);

  report_object(r, "connection", "connection");
  report_str(r, "address", NULL, res->tcp_connected ? res->address : "(not connected)");
  /* Parameters are only meaningful once the handshake completed. */
  bool handshake_done = res->verified || res->stage >= STAGE_VERIFY;
  if (res->have_info && handshake_done) {
    report_str(r, "tls_version", "TLS version", res->protocol);
    report_str(r, "cipher_suite", "cipher suite", *res->suite ? res->suite : res->cipher);
    report_strf(r, "cipher", "cipher", "%s%s%s", res->cipher,
                *res->mac && strcmp(res->mac, "AEAD") ? " / " : "",
                *res->mac && strcmp(res->mac, "AEAD") ? res->mac : "");
    report_str(r, "key_exchange", "key exchange", res->kx);
  }
  if (res->have_info) {
    report_bool(r, "client_cert_requested", "client cert asked", res->info.client_cert_requested);
    report_bool(r, "client_cert_sent", "client cert sent", res->info.client_cert_sent);
    report_bool(r, "resumed", NULL, res->info.resumed);
  }
  if (*res->hostname_used)
    report_str(r, "hostname", "host name", res->hostname_used);
  report_end(r);

  report_array(r, "peer_chain", res->chain_count ? "peer certificate chain" : NULL);
  for (size_t i = 0; i < res->chain_count; i++) {
    char title[64];
    snprintf(title, sizeof title, "certificate %zu%s", i, i == 0 ? " (leaf)" : "");
    cert_report(r, res->chain[i].cert, NULL, title);
  }
  report_end(r);

  report_checks(r, o, res);

  if (!o->no_cql) {
    report_object(r, "cql", "CQL");
    if (res->have_supported) {
      report_object(r, "supported", "SUPPORTED");
      for (size_t i = 0; i < res->supported.count; i++)
        report_list(r, res->supported.entries[i].key, NULL, res->supported.entries[i].values,
                    res->supported.entries[i].value_count);
      report_end(r);
    }
    if (*res->cql_version)
      report_strf(r, "startup", "STARTUP", "CQL_VERSION %s", res->cql_version);
    report_str(r, "answer", NULL, *res->cql_answer ? res->cql_answer : "(none)");
    report_end(r);
  }

  report_json_bool(r, "ok", exit_code == EXIT_OK);
  report_json_int(r, "exit_code", exit_code);
  if (exit_code != EXIT_OK) {
    report_object(r, "error", NULL);
    report_json_str(r, "name", cassl_error_name(res->status));
    report_json_str(r, "description", cassl_error_desc(res->status));
    report_json_str(r, "detail", res->message);
    report_json_str(r, "hint", hint);
    report_end(r);
  }
  if (!r->json)
    report_str(r, "result", "result", exit_code == EXIT_OK ? "ok" : "FAILED");
}

void probe_report_reconnects(struct report *r, const struct probe_opts *o,
                             const struct probe_result *first, const struct reconnect *items,
                             size_t count)
{
  size_t resumed = 0;
  for (size_t i = 0; i < count; i++)
    resumed += items[i].resumed;
  report_object(r, "repeat", "reconnections");
  report_int(r, "requested", NULL, o->repeat);
  report_int(r, "completed", NULL, (long long)count);
  report_int(r, "resumed", NULL, (long long)resumed);
  report_strf(r, "first_ms", "first connection", "%.1f ms (full handshake)",
              (double)first->elapsed_ns / 1e6);
  report_array(r, "connections", NULL);
  for (size_t i = 0; i < count; i++) {
    report_object(r, NULL, NULL);
    report_json_int(r, "handshake_us", (long long)(items[i].ns / 1000));
    report_json_bool(r, "resumed", items[i].resumed);
    report_line(r, "#%-3zu %17.1f ms %s", i + 1, (double)items[i].ns / 1e6,
                items[i].resumed ? "resumed" : "full handshake");
    report_end(r);
  }
  report_end(r);
  report_end(r);
}
