/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Wiping secrets in the core, which includes no TLS library header. */
#ifndef CASSL_SECURE_H
#define CASSL_SECURE_H

#include <stddef.h>

/* Overwrites len bytes with zeros in a way the compiler cannot drop (explicit_bzero). */
void cassl_wipe(void *p, size_t len);
/* Wipes strlen(s) bytes of s, then frees it; NULL is fine. */
void cassl_free_secret_string(char *s);

#endif
