/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The key-derivation work one file (one setter call, one cassl_file_info_read) may cost.
 * Every derivation a file asks for (a PKCS#12 MAC, each encrypted bag, each shrouded or
 * encrypted PEM key) repeats a hash as often as the file says: each count is bounded, and
 * so is their sum, which is added up from the encryption parameters before the derivations
 * it covers run. A file over the sum fails with CASS_ERROR_LIB_INVALID_DATA (the driver's
 * "Invalid data": not a damaged certificate or key, but parameters that only serve to burn
 * the CPU), with a sentence naming the total. */
#ifndef CASSL_KDF_BUDGET_H
#define CASSL_KDF_BUDGET_H

#include <stddef.h>
#include <stdint.h>

/* One derivation: far above what keytool (10,000) and OpenSSL (2,048) write, and a few
 * seconds of work. */
#define GTLS_KDF_MAX_ITERATIONS 10000000u
/* A whole file: one derivation at the maximum plus every ordinary one of a keystore. */
#define GTLS_KDF_FILE_BUDGET 20000000u

struct gtls_kdf_budget {
  uint64_t total;        /* iterations planned so far */
  unsigned derivations;  /* how many derivations they are */
};

enum gtls_kdf_verdict {
  GTLS_KDF_OK = 0,
  GTLS_KDF_COUNT_REFUSED = -1, /* one count over GTLS_KDF_MAX_ITERATIONS (a damaged file) */
  GTLS_KDF_OVER_BUDGET = -2    /* the file's sum over GTLS_KDF_FILE_BUDGET */
};

/* Adds one derivation of iter iterations (what names it in the sentence, e.g. "encrypted
 * bag"); refuses a count over GTLS_KDF_MAX_ITERATIONS, with a sentence in why. */
enum gtls_kdf_verdict gtls_kdf_budget_add(struct gtls_kdf_budget *b, unsigned iter,
                                          const char *what, char *why, size_t cap);
/* Whether the derivations added so far fit the file's budget; the sentence names their
 * total otherwise. */
enum gtls_kdf_verdict gtls_kdf_budget_check(const struct gtls_kdf_budget *b, char *why,
                                            size_t cap);

#endif
