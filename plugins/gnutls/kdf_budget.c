/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The per-derivation bound and the per-file sum of key-derivation iterations. */
#include "config.h"

#include <stdio.h>

#include "kdf_budget.h"

enum gtls_kdf_verdict gtls_kdf_budget_add(struct gtls_kdf_budget *b, unsigned iter,
                                          const char *what, char *why, size_t cap)
{
  if (iter > GTLS_KDF_MAX_ITERATIONS) {
    snprintf(why, cap,
             "the file's %s asks for %u key-derivation iterations; more than %u is refused "
             "(such a count only serves to exhaust the CPU)",
             what, iter, GTLS_KDF_MAX_ITERATIONS);
    return GTLS_KDF_COUNT_REFUSED;
  }
  b->total += iter;
  b->derivations++;
  return GTLS_KDF_OK;
}

enum gtls_kdf_verdict gtls_kdf_budget_check(const struct gtls_kdf_budget *b, char *why,
                                            size_t cap)
{
  if (b->total <= GTLS_KDF_FILE_BUDGET)
    return GTLS_KDF_OK;
  snprintf(why, cap,
           "the file asks for %llu key-derivation iterations in all (%u derivations: MAC, "
           "encrypted bags and keys); more than %u per file is refused before they run",
           (unsigned long long)b->total, b->derivations, GTLS_KDF_FILE_BUDGET);
  return GTLS_KDF_OVER_BUDGET;
}
