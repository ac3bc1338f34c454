/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: cass_ssl_set_cert_n (leaf + chain) on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "cassl/cassl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  CassSsl *ssl = cass_ssl_new();
  if (!ssl)
    __builtin_trap();
  CassError rc = cass_ssl_set_cert_n(ssl, (const char *)data, size);
  const char *why = cassl_ssl_last_error(ssl);
  if ((rc == CASS_OK) != (why[0] == '\0'))
    __builtin_trap();
  /* Replacing a loaded chain must free the old one cleanly. */
  if (rc == CASS_OK)
    (void)cass_ssl_set_cert_n(ssl, (const char *)data, size);
  cass_ssl_free(ssl);
  return 0;
}
