/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* What the tool says about one X.509 certificate, shared by inspect and probe; the
 * certificate is read and described by the library (<cassl/inspect.h>). */
#ifndef CASSL_TOOL_CERTINFO_H
#define CASSL_TOOL_CERTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cassl/inspect.h"
#include "report.h"

/* A certificate read on its own (a peer's), with the object that owns it. */
struct cert_info {
  cassl_file_info *file;
  const cassl_cert_info *cert;
};

/* 0 when der holds a certificate, -1 otherwise. */
int cert_info_from_der(const unsigned char *der, size_t len, struct cert_info *info);
void cert_info_free(struct cert_info *info);

/* Whether now lies inside the certificate's validity. */
bool cert_valid_now(const cassl_cert_info *cert);

/* A subject or issuer as shown: "(empty)" for an empty DN in text, "" kept in JSON. */
const char *cert_dn_shown(const char *dn, bool json);
/* Emits the certificate as an object under key (human heading: title). */
void cert_report(struct report *r, const cassl_cert_info *cert, const char *key,
                 const char *title);

/* "CN=..., DNS:..., IP:..." — the names a certificate holds, for hints. */
void cert_names_text(const cassl_cert_info *cert, char *buf, size_t cap);

/* "2026-11-27 23:40:00 UTC" */
void format_time(int64_t t, char *buf, size_t cap);

#endif
