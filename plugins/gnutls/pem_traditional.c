/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Traditional encrypted PEM keys, checked and rendered canonically (see pem_traditional.h).
 * The header parsing is written here because GnuTLS offers no parser for these headers that
 * reports the ciphertext before decrypting it. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem */
#endif
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pem_traditional.h"

static const char *find_in(const char *from, const char *end, const char *needle)
{
  size_t n = strlen(needle);
  if (from >= end || (size_t)(end - from) < n)
    return NULL;
  return memmem(from, (size_t)(end - from), needle, n);
}

bool gtls_pem_is_traditional_encrypted(const char *block, size_t len)
{
  return find_in(block, block + len, "DEK-Info:") != NULL;
}

/* CBC block size by the DEK-Info cipher name: 8 for the 64-bit ciphers, else 16. */
static size_t cipher_block_size(const char *name, size_t len)
{
  static const char *const small[] = { "DES", "RC2", "BF", "CAST", "IDEA" };
  for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
    if (len >= strlen(small[i]) && strncmp(name, small[i], strlen(small[i])) == 0)
      return 8;
  return 16;
}

int gtls_pem_traditional_canonical(const char *block, size_t len, gnutls_datum_t *out,
                                   char *why, size_t why_size)
{
  const char *end = block + len;
  out->data = NULL;
  out->size = 0;

  /* The label of the BEGIN line, reused for the canonical END line. */
  const char *label = find_in(block, end, "-----BEGIN ");
  const char *label_end = label ? find_in(label + 11, end, "-----") : NULL;
  if (!label_end || label_end - (label + 11) > 64) {
    snprintf(why, why_size, "damaged encrypted private key: no BEGIN line");
    return -1;
  }
  label += 11;
  int label_len = (int)(label_end - label);

  /* DEK-Info value ("CIPHER,IV") up to the end of its line; the body follows that line. */
  const char *dek = find_in(block, end, "DEK-Info:");
  if (!dek) {
    snprintf(why, why_size, "damaged encrypted private key: no DEK-Info header");
    return -1;
  }
  dek += strlen("DEK-Info:");
  while (dek < end && (*dek == ' ' || *dek == '\t'))
    dek++;
  const char *dek_end = dek;
  while (dek_end < end && *dek_end != '\n' && *dek_end != '\r')
    dek_end++;
  const char *comma = memchr(dek, ',', (size_t)(dek_end - dek));
  size_t cipher_len = comma ? (size_t)(comma - dek) : (size_t)(dek_end - dek);
  if (cipher_len == 0 || dek_end - dek > 200) {
    snprintf(why, why_size, "damaged encrypted private key: unreadable DEK-Info header");
    return -1;
  }
  const char *body = dek_end;
  const char *body_end = find_in(body, end, "-----END");
  if (!body_end) {
    snprintf(why, why_size, "damaged encrypted private key: no END line");
    return -1;
  }

  /* The base64 body without line breaks and blanks; anything else must be base64. */
  char *text = malloc((size_t)(body_end - body) + 1);
  if (!text) {
    snprintf(why, why_size, "out of memory");
    return -1;
  }
  size_t n = 0;
  for (const char *p = body; p < body_end; p++)
    if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
      text[n++] = *p;
  gnutls_datum_t b64 = { (unsigned char *)text, (unsigned)n }, der = { NULL, 0 };
  int ret = n > 0 ? gnutls_base64_decode2(&b64, &der) : GNUTLS_E_BASE64_DECODING_ERROR;
  free(text);
  if (ret < 0) {
    snprintf(why, why_size, "damaged encrypted private key: its body is not base64");
    return -1;
  }
  size_t block_size = cipher_block_size(dek, cipher_len);
  if (der.size == 0 || der.size % block_size != 0) {
    snprintf(why, why_size,
             "damaged encrypted private key: %u bytes of %.*s ciphertext is not a whole "
             "number of %zu-byte blocks", der.size, (int)cipher_len, dek, block_size);
    gnutls_free(der.data);
    return -1;
  }

  /* Re-encode what we checked; wrap at 64 columns as PEM readers expect. */
  gnutls_datum_t flat = { NULL, 0 };
  ret = gnutls_base64_encode2(&der, &flat);
  gnutls_free(der.data);
  if (ret < 0) {
    snprintf(why, why_size, "out of memory");
    return -1;
  }
  size_t lines = flat.size / 64 + 1;
  size_t cap = 2 * (size_t)label_len + (size_t)(dek_end - dek) + flat.size + lines + 128;
  char *pem = gnutls_malloc(cap);
  if (!pem) {
    gnutls_free(flat.data);
    snprintf(why, why_size, "out of memory");
    return -1;
  }
  int used = snprintf(pem, cap, "-----BEGIN %.*s-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: %.*s\n\n",
                      label_len, label, (int)(dek_end - dek), dek);
  size_t at = (size_t)used;
  for (size_t i = 0; i < flat.size; i += 64) {
    size_t chunk = flat.size - i < 64 ? flat.size - i : 64;
    memcpy(pem + at, flat.data + i, chunk);
    at += chunk;
    pem[at++] = '\n';
  }
  at += (size_t)snprintf(pem + at, cap - at, "-----END %.*s-----\n", label_len, label);
  gnutls_free(flat.data);
  out->data = (unsigned char *)pem;
  out->size = (unsigned)at;
  return 0;
}
