/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl_file_info: reading a credentials file through the backend, and the getters. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "file_info.h"

/* Makes room for one more slot in a pointer array holding count: the capacity doubles
 * (4, 8, 16, ...), so filling it costs a logarithmic number of reallocations rather than
 * one per item (quadratic copying under an allocator that moves the block each time). The
 * capacity is implied by count, so nothing else is stored. */
static bool grow(void ***items, size_t count)
{
  size_t cap;
  if (count == 0)
    cap = 4;
  else if (count >= 4 && (count & (count - 1)) == 0)
    cap = count * 2;
  else
    return true; /* room left */
  void **bigger = realloc(*items, cap * sizeof *bigger);
  if (!bigger)
    return false;
  *items = bigger;
  return true;
}

/* Records that the cap is reached (the file's failure); always true. */
static bool refuse_more(struct cassl_file_info *info)
{
  if (!info->full)
    cassl_file_info_fail(info, CASS_ERROR_SSL_INVALID_CERT,
                         "split the file: no TLS configuration needs that many",
                         "the file holds more than %d items (PEM blocks of any kind, "
                         "certificates, keys); the rest was not read",
                         CASSL_FILE_INFO_MAX_ITEMS);
  info->full = true;
  return true;
}

/* Whether the cap on described items is reached. */
static bool full(struct cassl_file_info *info)
{
  if (info->cert_count + info->key_count + info->skipped_count < CASSL_FILE_INFO_MAX_ITEMS)
    return false;
  return refuse_more(info);
}

bool cassl_file_info_take_pem_block(struct cassl_file_info *info)
{
  if (info->pem_blocks >= CASSL_FILE_INFO_MAX_ITEMS) {
    refuse_more(info);
    return false;
  }
  info->pem_blocks++;
  return true;
}

struct cassl_cert_info *cassl_file_info_add_cert(struct cassl_file_info *info)
{
  if (full(info) || !grow((void ***)&info->certs, info->cert_count))
    return NULL;
  struct cassl_cert_info *c = calloc(1, sizeof *c);
  if (c)
    info->certs[info->cert_count++] = c;
  return c;
}

static void cert_free(struct cassl_cert_info *c)
{
  free(c->subject);
  free(c->issuer);
  free(c->serial);
  free(c->common_name);
  for (size_t i = 0; i < c->san_count; i++)
    free(c->sans[i]);
  free(c->sans);
  free(c->der);
  cassl_names_clear(&c->names);
  free(c);
}

void cassl_file_info_drop_last_cert(struct cassl_file_info *info)
{
  if (info->cert_count)
    cert_free(info->certs[--info->cert_count]);
}

struct cassl_key_info *cassl_file_info_add_key(struct cassl_file_info *info,
                                               const char *format)
{
  if (full(info) || !grow((void ***)&info->keys, info->key_count))
    return NULL;
  struct cassl_key_info *k = calloc(1, sizeof *k);
  if (k) {
    k->format = format;
    info->keys[info->key_count++] = k;
  }
  return k;
}

bool cassl_file_info_skip(struct cassl_file_info *info, const char *label)
{
  if (full(info))
    return false;
  char *copy = strdup(label);
  if (!copy || !grow((void ***)&info->skipped, info->skipped_count)) {
    free(copy);
    return false;
  }
  info->skipped[info->skipped_count++] = copy;
  return true;
}

bool cassl_cert_info_add_san(struct cassl_cert_info *cert, const char *prefix,
                             const char *value, size_t len)
{
  size_t plen = strlen(prefix);
  char *s = malloc(plen + len + 1);
  if (!s || !grow((void ***)&cert->sans, cert->san_count)) {
    free(s);
    return false;
  }
  memcpy(s, prefix, plen);
  /* Names are shown, not trusted: replace bytes that would garble a terminal. */
  for (size_t i = 0; i < len; i++)
    s[plen + i] = ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) ? '?' : value[i];
  s[plen + len] = '\0';
  cert->sans[cert->san_count++] = s;
  return true;
}

void cassl_file_info_fail(struct cassl_file_info *info, CassError code, const char *hint,
                          const char *fmt, ...)
{
  if (info->error != CASS_OK)
    return;
  info->error = code;
  snprintf(info->hint, sizeof info->hint, "%s", hint);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(info->message.text, sizeof info->message.text, fmt, ap);
  va_end(ap);
}

CASSL_EXPORT void cassl_file_info_free(cassl_file_info *info)
{
  if (!info)
    return;
  for (size_t i = 0; i < info->cert_count; i++)
    cert_free(info->certs[i]);
  free(info->certs);
  /* A key item holds its description only, never key material. */
  for (size_t i = 0; i < info->key_count; i++)
    free(info->keys[i]);
  free(info->keys);
  for (size_t i = 0; i < info->skipped_count; i++)
    free(info->skipped[i]);
  free(info->skipped);
  free(info);
}

CASSL_EXPORT CassError cassl_file_info_read(const void *data, size_t length,
                                            const char *password, cassl_file_info **info)
{
  cassl_errmsg err;
  cassl_errmsg_clear(&err);
  if (info)
    *info = NULL;
  if (!info || (!data && length)) {
    cassl_fail(&err, CASS_ERROR_LIB_BAD_PARAMS, "cassl_file_info_read: NULL %s",
               info ? "data" : "info");
    cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &err);
    return CASS_ERROR_LIB_BAD_PARAMS;
  }
  struct cassl_file_info *fi = calloc(1, sizeof *fi);
  if (!fi) {
    cassl_fail(&err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
    cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &err);
    return CASS_ERROR_LIB_BAD_PARAMS;
  }
  CassError rc = cassl_backend_impl.file_read(data ? data : "", length,
                                              password && *password ? password : NULL, fi,
                                              &err);
  if (rc != CASS_OK) {
    cassl_file_info_free(fi);
    cassl_note_thread_error(rc, &err);
    return rc;
  }
  *info = fi;
  if (fi->error != CASS_OK)
    cassl_note_thread_error(fi->error, &fi->message);
  return fi->error;
}

CASSL_EXPORT CassError cassl_file_info_read_url(const char *url, cassl_file_info **info)
{
  cassl_errmsg err;
  cassl_errmsg_clear(&err);
  if (info)
    *info = NULL;
  CassError rc = CASS_OK;
  if (!info || !url)
    rc = cassl_fail(&err, CASS_ERROR_LIB_BAD_PARAMS, "cassl_file_info_read_url: NULL %s",
                    info ? "url" : "info");
  else if (!(cassl_backend_impl.caps & CASSL_CAP_PKCS11))
    rc = cassl_fail(&err, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                    "this build (%s backend) cannot use PKCS#11 tokens", cassl_backend_impl.name);
  else if (strncmp(url, "pkcs11:", 7) != 0)
    rc = cassl_fail(&err, CASS_ERROR_LIB_BAD_PARAMS, "not a PKCS#11 URL: %s", url);
  struct cassl_file_info *fi = NULL;
  if (rc == CASS_OK && !(fi = calloc(1, sizeof *fi)))
    rc = cassl_fail(&err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  if (rc == CASS_OK && (rc = cassl_backend_impl.url_read(url, fi, &err)) != CASS_OK) {
    cassl_file_info_free(fi);
    fi = NULL;
  }
  if (rc != CASS_OK) {
    cassl_note_thread_error(rc, &err);
    return rc;
  }
  *info = fi;
  if (fi->error != CASS_OK)
    cassl_note_thread_error(fi->error, &fi->message);
  return fi->error;
}

CASSL_EXPORT const char *cassl_file_info_format(const cassl_file_info *info)
{
  return info ? info->format : NULL;
}

CASSL_EXPORT CassError cassl_file_info_error(const cassl_file_info *info)
{
  return info ? info->error : CASS_ERROR_LIB_BAD_PARAMS;
}

CASSL_EXPORT const char *cassl_file_info_error_message(const cassl_file_info *info)
{
  return info ? info->message.text : "";
}

CASSL_EXPORT const char *cassl_file_info_error_hint(const cassl_file_info *info)
{
  return info && info->error != CASS_OK ? info->hint : "";
}

CASSL_EXPORT const char *cassl_file_info_pkcs12_mac(const cassl_file_info *info)
{
  return info && info->pkcs12 ? info->pkcs12_mac : NULL;
}

CASSL_EXPORT const char *cassl_file_info_pkcs12_cert_encryption(const cassl_file_info *info)
{
  return info && info->pkcs12 && info->pkcs12_cert_encryption[0]
             ? info->pkcs12_cert_encryption
             : NULL;
}

CASSL_EXPORT const char *cassl_file_info_pkcs12_key_encryption(const cassl_file_info *info)
{
  return info && info->pkcs12 && info->pkcs12_key_encryption[0] ? info->pkcs12_key_encryption
                                                                 : NULL;
}

CASSL_EXPORT size_t cassl_file_info_skipped_count(const cassl_file_info *info)
{
  return info ? info->skipped_count : 0;
}

CASSL_EXPORT const char *cassl_file_info_skipped(const cassl_file_info *info, size_t index)
{
  return info && index < info->skipped_count ? info->skipped[index] : NULL;
}

CASSL_EXPORT size_t cassl_file_info_cert_count(const cassl_file_info *info)
{
  return info ? info->cert_count : 0;
}

CASSL_EXPORT const cassl_cert_info *cassl_file_info_cert(const cassl_file_info *info,
                                                         size_t index)
{
  return info && index < info->cert_count ? info->certs[index] : NULL;
}

CASSL_EXPORT size_t cassl_file_info_key_count(const cassl_file_info *info)
{
  return info ? info->key_count : 0;
}

CASSL_EXPORT const cassl_key_info *cassl_file_info_key(const cassl_file_info *info,
                                                       size_t index)
{
  return info && index < info->key_count ? info->keys[index] : NULL;
}
