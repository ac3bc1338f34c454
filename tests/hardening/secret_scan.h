/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The allocator-interposing secret scanner of test_secrets (secret_scan.c). Patterns must
 * live in static memory of the scanner (they are copied in), never on the heap. */
#ifndef CASSL_TESTS_SECRET_SCAN_H
#define CASSL_TESTS_SECRET_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#define SCAN_WINDOW 32 /* longest pattern kept */

/* NULL when the scan can run here, else why not (ASan, valgrind). */
const char *scan_unsupported(void);

/* Adds a pattern (its first SCAN_WINDOW bytes); count and drop for temporary ones. */
void scan_add_pattern(const char *name, const unsigned char *bytes, size_t len);
size_t scan_pattern_count(void);
void scan_drop_patterns(size_t keep);

/* Live scan of every freed block (arm clears the hits and the count). */
void scan_arm(void);
void scan_disarm(void);

/* Record mode: freed blocks are copied aside (on clears the hits and the count); then
 * scan_saved searches and wipes the copies. */
void scan_record(bool on);
void scan_saved(void);

unsigned long scan_blocks_scanned(void);
size_t scan_hit_count(void);
const char *scan_hit_pattern(size_t i);
bool scan_hit_in_libcassl(size_t i);
void scan_clear_hits(void);

/* Prints each hit with who freed it and the stack; returns how many are libcassl's own. */
unsigned scan_report(const char *what);

#endif
