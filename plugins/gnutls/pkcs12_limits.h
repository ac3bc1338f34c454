/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The iteration counts a PKCS#12 file may ask for. Each key derivation (the MAC's, each
 * encrypted bag's, each shrouded key's) repeats a hash as often as the file says: a file
 * asking for 2^31 - 1 keeps a CPU busy for minutes. Shared by the PKCS#12 loader and the
 * file reader (file_read.c), which both check before deriving any key. */
#ifndef CASSL_PKCS12_LIMITS_H
#define CASSL_PKCS12_LIMITS_H

#include <stddef.h>

#include <gnutls/pkcs12.h>

/* Far above what keytool (10,000) and OpenSSL (2,048) write, and a few seconds of work. */
#define GTLS_PKCS12_MAX_ITERATIONS 10000000u

/* 0 when every count in the file is at most GTLS_PKCS12_MAX_ITERATIONS; otherwise -1 and a
 * sentence in why naming the count. Encrypted bags are decrypted with password (when given
 * and their own count passed) to check the keys inside them. */
int gtls_pkcs12_check_iterations(gnutls_pkcs12_t p12, const char *password, char *why,
                                 size_t cap);

#endif
