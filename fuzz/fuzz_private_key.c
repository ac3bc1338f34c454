/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: cass_ssl_set_private_key_n with the password taken from the input.
 * Layout: byte 0 = password length n (clamped to what follows), then n password bytes,
 * then the key. Password and key are copied into buffers of their exact size so ASan sees
 * any read past password_length or key_length. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cassl/cassl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t pw_len = data[0];
  if (pw_len > size - 1)
    pw_len = size - 1;
  size_t key_len = size - 1 - pw_len;
  char *pw = malloc(pw_len ? pw_len : 1);
  char *key = malloc(key_len ? key_len : 1);
  if (!pw || !key)
    __builtin_trap();
  memcpy(pw, data + 1, pw_len);
  memcpy(key, data + 1 + pw_len, key_len);

  CassSsl *ssl = cass_ssl_new();
  if (!ssl)
    __builtin_trap();
  CassError rc = cass_ssl_set_private_key_n(ssl, key, key_len, pw_len ? pw : NULL, pw_len);
  const char *why = cassl_ssl_last_error(ssl);
  if ((rc == CASS_OK) != (why[0] == '\0'))
    __builtin_trap();
  cass_ssl_free(ssl);
  free(pw);
  free(key);
  return 0;
}
