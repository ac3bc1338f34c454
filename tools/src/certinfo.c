/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Showing a certificate the library described: names, validity, key, fingerprint, pin. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certinfo.h"

void format_time(int64_t t, char *buf, size_t cap)
{
  struct tm tm;
  time_t tt = (time_t)t;
  if (t == -1 || !gmtime_r(&tt, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, cap, "unknown");
}

int cert_info_from_der(const unsigned char *der, size_t len, struct cert_info *info)
{
  info->file = NULL;
  info->cert = NULL;
  cassl_file_info_read(der, len, NULL, &info->file);
  /* A peer's DER is one certificate: anything else is not shown. */
  if (!info->file || strcmp(cassl_file_info_format(info->file) ? cassl_file_info_format(info->file) : "",
                            "DER certificate") != 0 ||
      cassl_file_info_cert_count(info->file) != 1) {
    cert_info_free(info);
    return -1;
  }
  info->cert = cassl_file_info_cert(info->file, 0);
  return 0;
}

void cert_info_free(struct cert_info *info)
{
  cassl_file_info_free(info->file);
  info->file = NULL;
  info->cert = NULL;
}

bool cert_valid_now(const cassl_cert_info *cert)
{
  int64_t from = cassl_cert_info_not_before(cert), until = cassl_cert_info_not_after(cert);
  int64_t now = (int64_t)time(NULL);
  return from != -1 && until != -1 && now >= from && now <= until;
}

const char *cert_dn_shown(const char *dn, bool json)
{
  return dn[0] || json ? dn : "(empty)";
}

void cert_report(struct report *r, const cassl_cert_info *cert, const char *key,
                 const char *title)
{
  char from[40], until[40];
  format_time(cassl_cert_info_not_before(cert), from, sizeof from);
  format_time(cassl_cert_info_not_after(cert), until, sizeof until);
  bool ca = cassl_cert_info_is_ca(cert), self = cassl_cert_info_is_self_signed(cert);
  /* Heap, not a VLA: the count comes from the certificate. */
  size_t san_count = cassl_cert_info_san_count(cert);
  const char **sans = calloc(san_count ? san_count : 1, sizeof *sans);
  if (!sans)
    san_count = 0;
  for (size_t i = 0; i < san_count; i++)
    sans[i] = cassl_cert_info_san(cert, i);
  report_object(r, key, title);
  report_str(r, "subject", NULL, cert_dn_shown(cassl_cert_info_subject(cert), r->json));
  report_str(r, "issuer", NULL, cert_dn_shown(cassl_cert_info_issuer(cert), r->json));
  report_str(r, "serial", NULL, cassl_cert_info_serial(cert));
  report_list(r, "sans", "SANs", (char **)sans, san_count);
  report_str(r, "not_before", "valid from", from);
  report_str(r, "not_after", "valid until", until);
  report_bool(r, "valid_now", "valid now", cert_valid_now(cert));
  report_str(r, "role", NULL,
             ca ? (self ? "CA (self-signed root)" : "CA (intermediate)")
                : (self ? "leaf (self-signed)" : "leaf"));
  report_json_bool(r, "ca", ca);
  report_str(r, "key", NULL, cassl_cert_info_key(cert));
  report_str(r, "sha256", "SHA-256", cassl_cert_info_sha256(cert));
  report_str(r, "pin", NULL, cassl_cert_info_pin(cert));
  report_end(r);
  free(sans);
}

void cert_names_text(const cassl_cert_info *cert, char *buf, size_t cap)
{
  size_t pos = 0;
  buf[0] = '\0';
  const char *cn = cassl_cert_info_common_name(cert);
  if (cn)
    pos += (size_t)snprintf(buf, cap, "CN=%s", cn);
  for (size_t i = 0; i < cassl_cert_info_san_count(cert) && pos < cap; i++)
    pos += (size_t)snprintf(buf + pos, cap - pos, "%s%s", pos ? ", " : "",
                            cassl_cert_info_san(cert, i));
  if (!buf[0])
    snprintf(buf, cap, "no names at all");
}
