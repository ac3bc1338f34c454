/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl inspect: certificates and keys in PEM, DER and PKCS#12 files, and --match, as the
 * library reads and judges them (<cassl/inspect.h>). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cassl/inspect.h"
#include "certinfo.h"
#include "options.h"
#include "report.h"
#include "tool.h"

static const char inspect_usage[] =
  "usage: cassl inspect FILE... [--password PW] [--match NAME_OR_IP] [--json]\n"
  "Show each certificate (subject, issuer, serial, validity, SANs, CA or leaf, key, SHA-256\n"
  "fingerprint, public-key pin) and each private key (type, size, encryption scheme; with\n"
  "--password whether it decrypts and which certificate it belongs to) in PEM (any mix,\n"
  "leading text allowed), DER and PKCS#12 files, and the objects a PKCS#11 URL names on a\n"
  "token (pkcs11:token=...; its keys too when the URL has ?pin-value= or ?pin-source=).\n"
  "\n"
  "  --password PW        password of encrypted keys and PKCS#12 files\n"
  "  --match NAME_OR_IP   check the first certificate against this identity with the\n"
  "                       driver's rules (an IP literal: IP rules; otherwise DNS rules)\n"
  "  --json               print one JSON object\n"
  "\n"
  "exit: 0 loaded (and matched), 2 usage, 3 a file does not load, 6 no match\n";

#define MAX_ITEMS 256

struct cert_item {
  const cassl_cert_info *cert;
  const char *file;
};

struct key_item {
  const cassl_key_info *key;
  const char *file;
};

struct inspect {
  const char *password;
  cassl_file_info **files; /* one per argument, owning the items below */
  size_t file_count;
  struct cert_item certs[MAX_ITEMS];
  size_t cert_count;
  struct key_item keys[MAX_ITEMS];
  size_t key_count;
  bool failed;            /* some file did not load: exit 3 */
  char first_error[700];  /* for the error:/hint: lines */
  char first_hint[512];
  CassError first_code;
};

static void note_failure(struct inspect *in, CassError code, const char *hint,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Keeps the first failure for the error:/detail:/hint: lines; every failure means exit 3. */
static void note_failure(struct inspect *in, CassError code, const char *hint,
                         const char *fmt, ...)
{
  if (!in->failed) {
    snprintf(in->first_hint, sizeof in->first_hint, "%s", hint);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->first_error, sizeof in->first_error, fmt, ap);
    va_end(ap);
    in->first_code = code;
  }
  in->failed = true;
}

/* What the library found in one file, and the file's part of the report. */
static void take_file(struct inspect *in, const char *file, cassl_file_info *fi,
                      struct report *r)
{
  const char *format = cassl_file_info_format(fi);
  if (format)
    report_str(r, "format", NULL, format);
  if (cassl_file_info_pkcs12_mac(fi))
    report_str(r, "pkcs12_mac", "PKCS#12 MAC", cassl_file_info_pkcs12_mac(fi));
  if (cassl_file_info_pkcs12_cert_encryption(fi))
    report_str(r, "pkcs12_cert_encryption", "cert encryption",
               cassl_file_info_pkcs12_cert_encryption(fi));
  if (cassl_file_info_pkcs12_key_encryption(fi))
    report_str(r, "pkcs12_key_encryption", "key encryption",
               cassl_file_info_pkcs12_key_encryption(fi));
  for (size_t i = 0; i < cassl_file_info_skipped_count(fi); i++)
    report_line(r, "  (skipped a PEM block '%s': not a certificate or private key)",
                cassl_file_info_skipped(fi, i));
  size_t certs = 0, keys = 0;
  for (size_t i = 0; i < cassl_file_info_cert_count(fi) && in->cert_count < MAX_ITEMS; i++) {
    in->certs[in->cert_count++] = (struct cert_item){ cassl_file_info_cert(fi, i), file };
    certs++;
  }
  for (size_t i = 0; i < cassl_file_info_key_count(fi) && in->key_count < MAX_ITEMS; i++) {
    in->keys[in->key_count++] = (struct key_item){ cassl_file_info_key(fi, i), file };
    keys++;
  }
  if (cassl_file_info_error(fi) != CASS_OK)
    note_failure(in, cassl_file_info_error(fi), cassl_file_info_error_hint(fi), "%s: %s", file,
                 cassl_file_info_error_message(fi));
  report_int(r, "certificates", NULL, (long long)certs);
  report_int(r, "keys", NULL, (long long)keys);
}

static void inspect_file(struct inspect *in, const char *file, struct report *r)
{
  unsigned char *data;
  size_t len;
  report_object(r, NULL, NULL);
  report_str(r, "path", "file", file);
  cassl_file_info *fi = NULL;
  CassError rc;
  if (strncmp(file, "pkcs11:", 7) == 0) { /* objects on a token, read through the backend */
    rc = cassl_file_info_read_url(file, &fi);
  } else if (read_file(file, &data, &len) != 0) {
    report_str(r, "error", "cannot read", strerror(errno));
    note_failure(in, CASS_ERROR_SSL_INVALID_CERT, "check the path and its permissions",
                 "cannot read %s: %s", file, strerror(errno));
    report_end(r);
    return;
  } else {
    rc = cassl_file_info_read(data, len, in->password, &fi);
    explicit_bzero(data, len);
    free(data);
  }
  if (fi) {
    in->files[in->file_count++] = fi;
    take_file(in, file, fi, r);
  } else {
    note_failure(in, rc, "", "%s: %s", file, cassl_last_error());
  }
  report_end(r);
}

static void report_certs(struct inspect *in, struct report *r)
{
  if (in->cert_count)
    report_line(r, "%s", "");
  report_array(r, "certificates", NULL);
  for (size_t i = 0; i < in->cert_count; i++) {
    char title[300];
    snprintf(title, sizeof title, "certificate %zu (%s)", i + 1, in->certs[i].file);
    if (i)
      report_line(r, "%s", "");
    cert_report(r, in->certs[i].cert, NULL, title);
  }
  report_end(r);
}

/* The first certificate whose public key is this key's, or -1. */
static long key_match(const struct inspect *in, const cassl_key_info *k)
{
  size_t key_len, cert_len;
  const unsigned char *key_id = cassl_key_info_key_id(k, &key_len);
  for (size_t c = 0; key_len && c < in->cert_count; c++) {
    const unsigned char *cert_id = cassl_cert_info_key_id(in->certs[c].cert, &cert_len);
    if (cert_len == key_len && !memcmp(key_id, cert_id, key_len))
      return (long)c;
  }
  return -1;
}

static void report_keys(struct inspect *in, struct report *r)
{
  report_array(r, "keys", NULL);
  for (size_t i = 0; i < in->key_count; i++) {
    const cassl_key_info *k = in->keys[i].key;
    bool encrypted = cassl_key_info_encrypted(k);
    char title[300];
    snprintf(title, sizeof title, "private key %zu (%s)", i + 1, in->keys[i].file);
    report_line(r, "%s", "");
    report_object(r, NULL, title);
    report_str(r, "format", NULL, cassl_key_info_format(k));
    report_bool(r, "encrypted", NULL, encrypted);
    if (encrypted)
      report_str(r, "scheme", "encryption", cassl_key_info_scheme(k));
    if (cassl_key_info_loaded(k)) {
      report_bool(r, "decrypts", encrypted ? "decrypts" : "loads", true);
      report_str(r, "key", NULL, cassl_key_info_type(k));
      long match = key_match(in, k);
      if (match >= 0) {
        const char *subject = cassl_cert_info_subject(in->certs[match].cert);
        report_strf(r, "matches", "matches", "certificate %ld (%s)", match + 1,
                    subject[0] ? subject : "empty subject");
        report_json_int(r, "matches_index", match + 1);
      } else {
        report_str(r, "matches", "matches", in->cert_count ? "none of the certificates given"
                                                           : "(no certificate given)");
      }
    } else {
      if (cassl_key_info_attempted(k))
        report_bool(r, "decrypts", encrypted ? "decrypts" : "loads", false);
      report_str(r, "problem", NULL, cassl_key_info_problem(k));
    }
    report_end(r);
  }
  report_end(r);
}

/* --match: the library's identity check on the first certificate. */
static int check_match(struct inspect *in, const char *identity, struct report *r)
{
  report_line(r, "%s", "");
  report_object(r, "match", "identity check");
  report_str(r, "identity", NULL, identity);
  if (in->cert_count == 0) {
    report_str(r, "result", NULL, "no certificate to check");
    report_bool(r, "matched", NULL, false);
    report_end(r);
    return EXIT_LOCAL;
  }
  const cassl_cert_info *c = in->certs[0].cert;
  bool ip = cassl_is_ip_literal(identity);
  report_str(r, "rules", NULL, ip ? "IP (PEER_IDENTITY)" : "DNS (PEER_IDENTITY_DNS)");
  char matched[300], reason[512] = "";
  CassError rc = cassl_cert_info_check_identity(
      c, ip ? CASS_SSL_VERIFY_PEER_IDENTITY : CASS_SSL_VERIFY_PEER_IDENTITY_DNS, identity,
      matched, sizeof matched);
  if (rc != CASS_OK)
    snprintf(reason, sizeof reason, "%s", cassl_last_error());
  char holds[1024];
  cert_names_text(c, holds, sizeof holds);
  report_str(r, "certificate_names", "certificate holds", holds);
  report_bool(r, "matched", NULL, rc == CASS_OK);
  if (rc == CASS_OK) {
    report_str(r, "matched_by", "matched by", matched);
  } else {
    report_str(r, "error", NULL, cassl_error_name(rc));
    report_str(r, "reason", NULL, reason);
  }
  report_end(r);
  if (rc != CASS_OK) {
    char hint[1400];
    snprintf(hint, sizeof hint, "the certificate holds %s, not %s: connect by one of those "
             "names or issue a certificate with %s SAN %s", holds, identity, ip ? "an IP" : "a DNS",
             identity);
    r->json ? (void)0 : (void)fflush(r->out);
    tool_error(CASS_ERROR_SSL_IDENTITY_MISMATCH, reason, hint);
    return EXIT_VERIFY;
  }
  return EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "password", required_argument, NULL, 'p' },
    { "match", required_argument, NULL, 'm' },
    { "json", no_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *match = NULL;
  char *password = NULL;
  bool json = false;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case 'p':
      free_secret(password);
      password = strdup(optarg);
      memset(optarg, 'x', strlen(optarg));
      break;
    case 'm': match = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs(inspect_usage, stdout); free_secret(password); return EXIT_OK;
    case ':':
      fprintf(stderr, "cassl inspect: option %s needs a value\ntry: cassl inspect --help\n",
              argv[optind - 1]);
      free_secret(password);
      return EXIT_USAGE;
    default:
      fprintf(stderr, "cassl inspect: unknown option %s\ntry: cassl inspect --help\n",
              argv[optind - 1]);
      free_secret(password);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fputs("cassl inspect: no FILE given\ntry: cassl inspect --help\n", stderr);
    free_secret(password);
    return EXIT_USAGE;
  }
  struct inspect *in = calloc(1, sizeof *in);
  if (in)
    in->files = calloc((size_t)argc, sizeof *in->files);
  if (!in || !in->files) {
    free(in);
    free_secret(password);
    return EXIT_LOCAL;
  }
  in->password = password && *password ? password : NULL;
  struct report r;
  report_init(&r, stdout, json, false);
  report_array(&r, "files", NULL);
  for (int i = optind; i < argc; i++) {
    if (i > optind)
      report_line(&r, "%s", "");
    inspect_file(in, argv[i], &r);
  }
  report_end(&r);
  report_certs(in, &r);
  report_keys(in, &r);
  int exit_code = EXIT_OK;
  if (match && !in->failed)
    exit_code = check_match(in, match, &r);
  report_json_bool(&r, "ok", !in->failed && exit_code == EXIT_OK);
  if (in->failed) {
    report_json_str(&r, "error", cassl_error_name(in->first_code));
    report_json_str(&r, "detail", in->first_error);
    report_json_str(&r, "hint", in->first_hint);
  }
  report_finish(&r);
  if (in->failed) {
    tool_error(in->first_code, in->first_error, in->first_hint);
    exit_code = EXIT_LOCAL;
  }
  for (size_t i = 0; i < in->file_count; i++)
    cassl_file_info_free(in->files[i]);
  free(in->files);
  free(in);
  free_secret(password);
  return exit_code;
}
