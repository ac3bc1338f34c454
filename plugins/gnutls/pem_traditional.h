/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* OpenSSL's traditional encrypted PEM keys ("Proc-Type: 4,ENCRYPTED" + "DEK-Info:"), made
 * safe to hand to GnuTLS. Shared by the key loader and the file reader (file_read.c). */
#ifndef CASSL_PEM_TRADITIONAL_H
#define CASSL_PEM_TRADITIONAL_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>

/* Whether the PEM key block [block, block+len) carries a DEK-Info header, i.e. whether
 * GnuTLS will try to decrypt it as a traditional key. */
bool gtls_pem_is_traditional_encrypted(const char *block, size_t len);

/* Rebuilds a traditional encrypted key block in canonical form (headers, blank line,
 * base64 wrapped at 64) from what we decoded ourselves, after checking that the ciphertext
 * is a non-empty whole number of cipher blocks. GnuTLS 3.7 passes a partial block to
 * nettle's CBC decryption, which aborts the process; feeding GnuTLS only our own canonical
 * rendering guarantees it sees exactly the ciphertext we checked.
 * Returns 0 with *out allocated (gnutls_free) or -1 with a sentence in why. */
int gtls_pem_traditional_canonical(const char *block, size_t len, gnutls_datum_t *out,
                                   char *why, size_t why_size);

#endif
