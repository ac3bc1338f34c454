/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The allocator the library's objects call in test_faults_alloc (see faults_alloc.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "faults_alloc.h"

/* Prototypes: the library's objects call these under the standard names' signatures. */
void *faults_malloc(size_t n);
void *faults_calloc(size_t n, size_t size);
void *faults_realloc(void *p, size_t n);
char *faults_strdup(const char *s);
char *faults_strndup(const char *s, size_t n);
void faults_free(void *p);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool armed, injected;
static unsigned long counter, fail_at;
static unsigned long reallocs; /* realloc calls while armed */

/* Live library blocks: an open-addressing set of pointers (tombstones on removal). */
#define SET_CAP (1u << 16)
#define TOMB ((void *)1)
static void *set[SET_CAP];
static size_t live;

static size_t slot_of(void *p)
{
  return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull) & (SET_CAP - 1);
}

static void set_add(void *p)
{
  size_t i = slot_of(p);
  while (set[i] && set[i] != TOMB)
    i = (i + 1) & (SET_CAP - 1);
  set[i] = p;
  live++;
}

static void set_remove(void *p)
{
  size_t i = slot_of(p);
  for (size_t k = 0; k < SET_CAP && set[i]; k++, i = (i + 1) & (SET_CAP - 1))
    if (set[i] == p) {
      set[i] = TOMB;
      live--;
      return;
    }
}

/* Whether this allocation is the one to fail (counted only while armed). */
static bool should_fail(void)
{
  bool fail = false;
  pthread_mutex_lock(&lock);
  if (armed && ++counter == fail_at) {
    fail = true;
    injected = true;
  }
  pthread_mutex_unlock(&lock);
  return fail;
}

static void *track(void *p)
{
  if (p) {
    pthread_mutex_lock(&lock);
    set_add(p);
    pthread_mutex_unlock(&lock);
  }
  return p;
}

void *faults_malloc(size_t n)
{
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  return track(malloc(n));
}

void *faults_calloc(size_t n, size_t size)
{
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  return track(calloc(n, size));
}

void *faults_realloc(void *p, size_t n)
{
  void *q;
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  pthread_mutex_lock(&lock);
  if (armed)
    reallocs++;
  pthread_mutex_unlock(&lock);
  /* Untracked before the call: p is dead once realloc moved it. */
  if (p) {
    pthread_mutex_lock(&lock);
    set_remove(p);
    pthread_mutex_unlock(&lock);
  }
  q = realloc(p, n);
  if (q || (p && n > 0)) {
    pthread_mutex_lock(&lock);
    set_add(q ? q : p); /* a failed realloc leaves p allocated */
    pthread_mutex_unlock(&lock);
  }
  return q;
}

char *faults_strdup(const char *s)
{
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  return track(strdup(s));
}

char *faults_strndup(const char *s, size_t n)
{
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  return track(strndup(s, n));
}

/* Frees any block: the library also frees what GnuTLS handed it. */
void faults_free(void *p)
{
  if (!p)
    return;
  pthread_mutex_lock(&lock);
  set_remove(p);
  pthread_mutex_unlock(&lock);
  free(p);
}

static void faults_gnutls_free_fn(void *p) { faults_free(p); }

/* Blocks from gnutls_malloc/gnutls_calloc may be handed to GnuTLS, which frees them with its
 * own gnutls_free (e.g. the certificate list of a client-certificate callback): they can
 * fail like the others but are not tracked (valgrind and ASan see their leaks). */
static void *gnutls_malloc_fn(size_t n)
{
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  return malloc(n);
}

static void *gnutls_calloc_fn(size_t n, size_t size)
{
  if (should_fail()) {
    errno = ENOMEM;
    return NULL;
  }
  return calloc(n, size);
}

/* The library reads these pointers where it names gnutls_malloc/gnutls_calloc/gnutls_free;
 * GnuTLS's own allocator is malloc, so blocks stay interchangeable with its gnutls_free. */
gnutls_alloc_function faults_gnutls_malloc = gnutls_malloc_fn;
gnutls_calloc_function faults_gnutls_calloc = gnutls_calloc_fn;
gnutls_free_function faults_gnutls_free = faults_gnutls_free_fn;

void faults_start(unsigned long n)
{
  pthread_mutex_lock(&lock);
  counter = 0;
  reallocs = 0;
  fail_at = n;
  injected = false;
  armed = false;
  pthread_mutex_unlock(&lock);
}

void faults_resume(void) { __atomic_store_n(&armed, true, __ATOMIC_SEQ_CST); }
void faults_pause(void) { __atomic_store_n(&armed, false, __ATOMIC_SEQ_CST); }

unsigned long faults_count(void)
{
  unsigned long n;
  pthread_mutex_lock(&lock);
  n = counter;
  pthread_mutex_unlock(&lock);
  return n;
}

unsigned long faults_realloc_count(void)
{
  unsigned long n;
  pthread_mutex_lock(&lock);
  n = reallocs;
  pthread_mutex_unlock(&lock);
  return n;
}

bool faults_injected(void)
{
  bool b;
  pthread_mutex_lock(&lock);
  b = injected;
  pthread_mutex_unlock(&lock);
  return b;
}

size_t faults_live(void)
{
  size_t n;
  pthread_mutex_lock(&lock);
  n = live;
  pthread_mutex_unlock(&lock);
  return n;
}
