/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The key-derivation work of a PKCS#12 file, bounded per file (kdf_budget.h), and its bags
 * decrypted once. Shared by the PKCS#12 loader and the file reader (file_read.c), which
 * both go: plan (every count readable without a derivation: the MAC's, each encrypted
 * bag's, each shrouded key in a plain bag), the MAC (where the file has one: it proves the
 * password before anything is decrypted), then open (each encrypted bag decrypted once; the
 * shrouded keys found inside are added to the budget before they are derived), then
 * gnutls_pkcs12_simple_parse on the opened copy, which derives each key once. */
#ifndef CASSL_PKCS12_LIMITS_H
#define CASSL_PKCS12_LIMITS_H

#include <stddef.h>

#include <gnutls/pkcs12.h>

#include "kdf_budget.h"

/* Kept for the loaders' sentences: one count's bound. */
#define GTLS_PKCS12_MAX_ITERATIONS GTLS_KDF_MAX_ITERATIONS

/* Bags (SafeContents) per file: keytool and OpenSSL write two. */
#define GTLS_PKCS12_MAX_BAGS 64

/* A failure of plan or open that is neither a count nor the budget (out of memory). */
#define GTLS_P12_FAILED (-3)

/* Adds every count readable before any derivation to b: GTLS_KDF_OK, or a refusal
 * (GTLS_KDF_COUNT_REFUSED, GTLS_KDF_OVER_BUDGET) with a sentence in why. */
int gtls_pkcs12_plan(gnutls_pkcs12_t p12, struct gtls_kdf_budget *b, char *why, size_t cap);

/* What opening found. */
struct gtls_p12_opened {
  gnutls_pkcs12_t plain; /* every bag that could be read, decrypted (shrouded keys still
                            encrypted); NULL before gtls_pkcs12_open */
  unsigned keys, certs;  /* key and certificate elements of those bags */
  char *bad_oid;         /* encryption OID of the first bag or key GnuTLS cannot decrypt
                            (gnutls_free), or NULL */
  int decrypt_error;     /* the first bag's decryption error, 0 when none */
};

/* Decrypts each encrypted bag of p12 once with password into out->plain, adding the
 * shrouded keys inside each to b before anything derives them. GTLS_KDF_OK, a refusal as
 * for plan, or GTLS_P12_FAILED; why says it. out is filled either way (free it). */
int gtls_pkcs12_open(gnutls_pkcs12_t p12, const char *password, struct gtls_kdf_budget *b,
                     struct gtls_p12_opened *out, char *why, size_t cap);
void gtls_pkcs12_opened_free(struct gtls_p12_opened *o);

#endif
