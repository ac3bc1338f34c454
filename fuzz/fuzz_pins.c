/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: cassl_ssl_add_pinned_public_key on an arbitrary NUL-terminated string
 * (the input up to its first NUL), twice on one object (pins add up). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cassl/cassl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *pins = malloc(size + 1);
  if (!pins)
    __builtin_trap();
  memcpy(pins, data, size);
  pins[size] = '\0';
  CassSsl *ssl = cass_ssl_new();
  if (!ssl)
    __builtin_trap();
  CassError rc = cassl_ssl_add_pinned_public_key(ssl, pins);
  const char *why = cassl_ssl_last_error(ssl);
  if ((rc == CASS_OK) != (why[0] == '\0'))
    __builtin_trap();
  if (rc != CASS_OK && rc != CASS_ERROR_LIB_BAD_PARAMS)
    __builtin_trap(); /* the contract: a malformed pin is BAD_PARAMS */
  (void)cassl_ssl_add_pinned_public_key(ssl, pins);
  cass_ssl_free(ssl);
  free(pins);
  return 0;
}
