/* What the tool says about one X.509 certificate, shared by inspect and probe. */
#ifndef CASSL_TOOL_CERTINFO_H
#define CASSL_TOOL_CERTINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/x509.h>

#include "names.h"
#include "report.h"

struct cert_info {
  char *subject;          /* RFC 4514; "" when empty (a SAN-only certificate) */
  char *issuer;
  char *serial;           /* hex */
  char *cn;               /* first subject CN, or NULL */
  time_t not_before, not_after;
  bool valid_now;
  bool is_ca;             /* basicConstraints CA:TRUE */
  bool self_signed;
  char **sans;            /* "DNS:name", "IP:addr", "email:...", "URI:..." */
  size_t san_count;
  char key[64];           /* "RSA 2048 bits", "ECDSA 256 bits (SECP256R1)" */
  char fingerprint[3 * 32];  /* SHA-256 of the DER, colon-separated hex */
  char pin[80];           /* curl's pin: sha256//<base64 SHA-256 of SubjectPublicKeyInfo> */
  unsigned char key_id[64];  /* to pair certificates with keys */
  size_t key_id_len;
};

/* 0 on success, a GnuTLS error otherwise. */
int cert_info_from_crt(gnutls_x509_crt_t crt, struct cert_info *info);
int cert_info_from_der(const unsigned char *der, size_t len, struct cert_info *info);
void cert_info_free(struct cert_info *info);

/* Emits the certificate as an object under key (human heading: title). */
/* A subject or issuer as shown: "(empty)" for an empty DN in text, "" kept in JSON. */
const char *cert_info_dn_shown(const char *dn, bool json);
void cert_info_report(struct report *r, const struct cert_info *info, const char *key,
                      const char *title);

/* "CN=..., DNS:..., IP:..." — the names a certificate holds, for hints. */
void cert_info_names_text(const struct cert_info *info, char *buf, size_t cap);

/* The identities the certificate claims, in the library's form (DESIGN 2.2). */
int cert_names(gnutls_x509_crt_t crt, struct cassl_cert_names *names);

/* "2026-11-27 23:40:00 UTC" */
void format_time(time_t t, char *buf, size_t cap);

/* SHA-256 (nettle) as colon-separated upper-case hex. */
void sha256_hex(const unsigned char *data, size_t len, char *out, size_t cap);

#endif
