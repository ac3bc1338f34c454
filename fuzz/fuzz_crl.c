/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: cassl_ssl_add_crl_n after a trusted CA, both from the input (a CRL is
 * only accepted when a trusted certificate signed it, so the CA travels with it).
 * Layout: 2 bytes big-endian = CA length n (clamped), n bytes of CA PEM, then the CRL PEM. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cassl/cassl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  size_t ca_len = (size_t)data[0] << 8 | data[1];
  if (ca_len > size - 2)
    ca_len = size - 2;
  size_t crl_len = size - 2 - ca_len;
  char *ca = malloc(ca_len ? ca_len : 1);
  char *crl = malloc(crl_len ? crl_len : 1);
  if (!ca || !crl)
    __builtin_trap();
  memcpy(ca, data + 2, ca_len);
  memcpy(crl, data + 2 + ca_len, crl_len);

  CassSsl *ssl = cass_ssl_new();
  if (!ssl)
    __builtin_trap();
  (void)cass_ssl_add_trusted_cert_n(ssl, ca, ca_len);
  CassError rc = cassl_ssl_add_crl_n(ssl, crl, crl_len);
  const char *why = cassl_ssl_last_error(ssl);
  if ((rc == CASS_OK) != (why[0] == '\0'))
    __builtin_trap();
  cass_ssl_free(ssl);
  free(ca);
  free(crl);
  return 0;
}
