/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Fixtures of the hardening tests (tests/hardening/fixtures.sh), read into memory. */
#ifndef CASSL_TESTS_HARDENING_UTIL_H
#define CASSL_TESTS_HARDENING_UTIL_H

#include <stddef.h>

/* Makes the fixtures once (exits 77 when a tool is missing, 1 on failure). */
void hardening_fixtures_init(void);

/* The whole file DIR/name, NUL-terminated, *len its size (may be NULL); exits 1 when it
 * cannot be read. The caller frees it. */
char *hardening_fixture(const char *name, size_t *len);

#endif
