/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Allocation-failure injection into libcassl's own allocations (test_faults_alloc).
 *
 * How only the library's allocations are reached: tests/faults/local.mk copies the library's
 * static archive (lib/.libs/libcassl-impl.a) with objcopy --redefine-sym, so that inside the
 * library's objects, and nowhere else, the calls to malloc, calloc, realloc, strdup, strndup
 * and free, and the gnutls_malloc/gnutls_calloc/gnutls_free function pointers, name the
 * faults_* definitions of faults_alloc.c. GnuTLS, libuv, libc, cmocka and the test's own
 * code keep the real allocator. This is exact (no guessing from return addresses), works
 * the same under valgrind and ASan (faults_* call the real functions, which they intercept),
 * and follows new call sites in lib/ and plugins/ automatically.
 *
 * While armed, library allocations are counted; the Nth fails (NULL, errno ENOMEM). Every
 * block the library allocates with the C allocator is tracked until it frees it, so a test
 * can check that a scenario gave back all it took (gnutls_malloc/gnutls_calloc blocks may be
 * freed inside GnuTLS and are not tracked). */
#ifndef CASSL_TESTS_FAULTS_ALLOC_H
#define CASSL_TESTS_FAULTS_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

/* Starts counting from 0; the fail_at-th counted allocation fails (0 = none fails). */
void faults_start(unsigned long fail_at);
/* Counting on/off (around calls into the library only; the counter is kept). */
void faults_resume(void);
void faults_pause(void);
/* Allocations counted since faults_start, and whether the failure was injected. */
unsigned long faults_count(void);
bool faults_injected(void);
/* realloc calls made by the library since faults_start, while counting (growth patterns). */
unsigned long faults_realloc_count(void);
/* Library blocks currently allocated and not freed. */
size_t faults_live(void);

#endif
