/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: cassl_ssl_set_pkcs12_n with the password taken from the input.
 * Layout: byte 0 = password length n (clamped), n password bytes, then the PKCS#12 file.
 * Both are copied into buffers of their exact size so ASan sees any over-read. */
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
  size_t len = size - 1 - pw_len;
  char *pw = malloc(pw_len ? pw_len : 1);
  unsigned char *p12 = malloc(len ? len : 1);
  if (!pw || !p12)
    __builtin_trap();
  memcpy(pw, data + 1, pw_len);
  memcpy(p12, data + 1 + pw_len, len);

  CassSsl *ssl = cass_ssl_new();
  if (!ssl)
    __builtin_trap();
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12, len, pw_len ? pw : NULL, pw_len);
  const char *why = cassl_ssl_last_error(ssl);
  if ((rc == CASS_OK) != (why[0] == '\0'))
    __builtin_trap();
  /* A loaded pair is replaced by a second load of the same file. */
  if (rc == CASS_OK)
    (void)cassl_ssl_set_pkcs12_n(ssl, p12, len, pw_len ? pw : NULL, pw_len);
  cass_ssl_free(ssl);
  free(pw);
  free(p12);
  return 0;
}
