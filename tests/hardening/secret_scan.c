/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The secret scanner of test_secrets (see secret_scan.h): this file defines free(),
 * realloc() and reallocarray() for the whole process (the dynamic linker prefers the
 * executable's definitions, so GnuTLS, nettle and GMP call them too). While armed, every block
 * being freed or moved away by realloc is searched for the patterns; in record mode every
 * such block is copied aside and searched later, for secrets only known afterwards.
 *
 * Each hit is attributed to the code that called free: libcassl (linked into this
 * executable) or a library (by its file name, or the library function whose final tail call
 * reached free). */
#define _GNU_SOURCE 1 /* memmem, dladdr, malloc_usable_size */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret_scan.h"

#if defined(__SANITIZE_ADDRESS__)
#define SECRETS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SECRETS_UNDER_ASAN 1
#endif
#endif

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SECRETS_MAKE_DEFINED(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)
#define SECRETS_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef SECRETS_MAKE_DEFINED
#define SECRETS_MAKE_DEFINED(p, n) ((void)0)
#define SECRETS_UNDER_VALGRIND() 0
#endif

#define MAX_PATTERNS 24
#define MAX_HITS 64
#define MAX_FRAMES 24

/* ---- what to look for (static memory only) ---------------------------------------------- */

struct pattern {
  char name[48];
  unsigned char bytes[SCAN_WINDOW];
  size_t len;
};

static struct pattern patterns[MAX_PATTERNS];
static size_t n_patterns;

/* ---- the scanner ---------------------------------------------------------------------- */

struct hit {
  const char *pattern;
  size_t block_size;
  bool by_realloc;
  void *caller;
  void *frames[MAX_FRAMES];
  int n_frames;
};

static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int armed;
static struct hit hits[MAX_HITS];
static size_t n_hits, n_hits_lost;
static unsigned long blocks_scanned;
static __thread int in_scanner;

/* Records a hit of any pattern in the block; returns true when there was one. */
__attribute__((unused)) static bool scan_block(void *p, bool by_realloc, void *caller)
{
  if (!p || !armed || in_scanner)
    return false;
  in_scanner = 1;
  size_t size = malloc_usable_size(p);
  SECRETS_MAKE_DEFINED(p, size);
  bool found = false;
  pthread_mutex_lock(&scan_lock);
  blocks_scanned++;
  for (size_t i = 0; i < n_patterns; i++) {
    if (!memmem(p, size, patterns[i].bytes, patterns[i].len))
      continue;
    found = true;
    if (n_hits == MAX_HITS) {
      n_hits_lost++;
      continue;
    }
    struct hit *h = &hits[n_hits++];
    h->pattern = patterns[i].name;
    h->block_size = size;
    h->by_realloc = by_realloc;
    h->caller = caller;
    h->n_frames = backtrace(h->frames, MAX_FRAMES);
  }
  pthread_mutex_unlock(&scan_lock);
  in_scanner = 0;
  return found;
}

/* Record mode, for secrets only known afterwards (a session's traffic secrets, logged by the
 * server): every freed block is copied aside, with its caller and stack, and searched once
 * the patterns are known. */
struct saved_block {
  unsigned char *copy;
  size_t size;
  bool by_realloc;
  void *caller;
  void *frames[MAX_FRAMES];
  int n_frames;
};
static volatile int recording;

static struct saved_block *saved;
static size_t n_saved, cap_saved;

extern void *__libc_malloc(size_t size);
extern void __libc_free(void *p);
extern void *__libc_realloc(void *p, size_t size);

__attribute__((unused)) static void save_block(const void *p, size_t size, bool by_realloc, void *caller)
{
  in_scanner = 1;
  pthread_mutex_lock(&scan_lock);
  if (n_saved == cap_saved) {
    size_t cap = cap_saved ? cap_saved * 2 : 4096;
    struct saved_block *bigger = __libc_realloc(saved, cap * sizeof *saved);
    if (!bigger)
      abort();
    saved = bigger;
    cap_saved = cap;
  }
  struct saved_block *b = &saved[n_saved];
  b->copy = __libc_malloc(size ? size : 1);
  if (!b->copy)
    abort();
  memcpy(b->copy, p, size);
  b->size = size;
  b->by_realloc = by_realloc;
  b->caller = caller;
  b->n_frames = backtrace(b->frames, MAX_FRAMES);
  n_saved++;
  pthread_mutex_unlock(&scan_lock);
  in_scanner = 0;
}

/* Searches the saved blocks for the patterns (as scan_block does live), then wipes them. */
void scan_saved(void)
{
  for (size_t i = 0; i < n_saved; i++) {
    struct saved_block *b = &saved[i];
    blocks_scanned++;
    for (size_t j = 0; j < n_patterns; j++) {
      if (!memmem(b->copy, b->size, patterns[j].bytes, patterns[j].len))
        continue;
      if (n_hits == MAX_HITS) {
        n_hits_lost++;
        continue;
      }
      struct hit *h = &hits[n_hits++];
      h->pattern = patterns[j].name;
      h->block_size = b->size;
      h->by_realloc = b->by_realloc;
      h->caller = b->caller;
      h->n_frames = b->n_frames;
      memcpy(h->frames, b->frames, sizeof h->frames);
    }
    explicit_bzero(b->copy, b->size);
    __libc_free(b->copy);
  }
  n_saved = 0;
}

#ifndef SECRETS_UNDER_ASAN

__attribute__((visibility("default"))) void free(void *p)
{
  if (p && recording && !in_scanner) {
    size_t size = malloc_usable_size(p);
    SECRETS_MAKE_DEFINED(p, size);
    save_block(p, size, false, __builtin_return_address(0));
    __libc_free(p);
    return;
  }
  /* A block already reported is wiped so its stale copy is not reported again when the
   * allocator hands it to someone else. */
  if (scan_block(p, false, __builtin_return_address(0)))
    explicit_bzero(p, malloc_usable_size(p));
  __libc_free(p);
}

__attribute__((visibility("default"))) void *realloc(void *p, size_t size)
{
  if (p && size == 0) { /* glibc frees p and returns NULL */
    free(p);
    return NULL;
  }
  /* Scanned before the call: when the block moves, glibc frees the old one as it is. */
  bool had = false;
  if (p && armed && !in_scanner) {
    in_scanner = 1;
    size_t old = malloc_usable_size(p);
    SECRETS_MAKE_DEFINED(p, old);
    for (size_t i = 0; i < n_patterns && !had; i++)
      had = memmem(p, old, patterns[i].bytes, patterns[i].len) != NULL;
    in_scanner = 0;
  }
  void *caller = __builtin_return_address(0);
  if (p && recording && !in_scanner) {
    /* Keep the old contents in case the block moves (glibc then frees it as it is). */
    size_t old = malloc_usable_size(p);
    SECRETS_MAKE_DEFINED(p, old);
    in_scanner = 1;
    unsigned char *before = __libc_malloc(old ? old : 1);
    in_scanner = 0;
    if (!before)
      abort();
    memcpy(before, p, old);
    void *q = __libc_realloc(p, size);
    if (q && q != p)
      save_block(before, old, true, caller);
    explicit_bzero(before, old);
    __libc_free(before);
    return q;
  }
  void *q = __libc_realloc(p, size);
  if (had && q && q != p)
    scan_block(q, true, caller); /* the old block is gone; the new one has the same bytes */
  return q;
}

__attribute__((visibility("default"))) void *reallocarray(void *p, size_t n, size_t size)
{
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, total);
}
#endif

void scan_arm(void)
{
  pthread_mutex_lock(&scan_lock);
  n_hits = n_hits_lost = 0;
  blocks_scanned = 0;
  armed = 1;
  pthread_mutex_unlock(&scan_lock);
}

void scan_disarm(void)
{
  pthread_mutex_lock(&scan_lock);
  armed = 0;
  pthread_mutex_unlock(&scan_lock);
}

/* ---- attribution and report (scanner disarmed) ------------------------------------------ */

static bool in_this_executable(void *addr)
{
  Dl_info self, info;
  if (!dladdr((void *)&in_this_executable, &self) || !dladdr(addr, &info))
    return false;
  return info.dli_fbase == self.dli_fbase;
}

static const char *module_of(void *addr)
{
  Dl_info info;
  if (!dladdr(addr, &info) || !info.dli_fname)
    return "?";
  const char *slash = strrchr(info.dli_fname, '/');
  return slash ? slash + 1 : info.dli_fname;
}

/* Who really freed the block. The return address free() sees is in libcassl also when a
 * library function that libcassl called ends in a tail call to free (gnutls_deinit ends with
 * `gnutls_free(session)`, compiled as a jump): then the instruction before the return address
 * is a call to that library's PLT stub, not to free. Decode it (x86-64) and name the library
 * function; anything not understood stays attributed to libcassl. */
static bool tail_called_library(void *ra, char *who, size_t cap)
{
#if defined(__x86_64__)
  const unsigned char *r = ra;
  if (r[-5] != 0xe8)
    return false;
  int32_t rel;
  memcpy(&rel, r - 4, 4);
  const unsigned char *target = r + rel;
  if ((void *)target == (void *)&free || (void *)target == (void *)&realloc ||
      !in_this_executable((void *)target))
    return false;
  const unsigned char *t = target;
  if (t[0] == 0xf3 && t[1] == 0x0f && t[2] == 0x1e && t[3] == 0xfa) /* endbr64 */
    t += 4;
  if (t[0] == 0xf2) /* bnd */
    t++;
  if (t[0] != 0xff || t[1] != 0x25) /* jmp *disp32(%rip): a PLT stub */
    return false;
  int32_t disp;
  memcpy(&disp, t + 2, 4);
  void *const *slot = (void *const *)(t + 6 + disp);
  Dl_info info;
  if (!dladdr(*slot, &info) || !info.dli_fname)
    return false;
  const char *slash = strrchr(info.dli_fname, '/');
  snprintf(who, cap, "%s in %s (a tail call to free at its end)",
           info.dli_sname ? info.dli_sname : "?", slash ? slash + 1 : info.dli_fname);
  return true;
#else
  (void)ra;
  (void)who;
  (void)cap;
  return false;
#endif
}

/* Whether hit i was freed by libcassl's own code; who names the freeing code. */
static bool hit_is_ours(const struct hit *h, char *who, size_t cap)
{
  bool mine = in_this_executable(h->caller);
  if (mine && tail_called_library(h->caller, who, cap))
    return false;
  snprintf(who, cap, "%s", mine ? "libcassl" : module_of(h->caller));
  return mine;
}

/* Prints every hit with its stack; returns how many were in libcassl's own code. */
unsigned scan_report(const char *what)
{
  unsigned ours = 0, theirs = 0;
  for (size_t i = 0; i < n_hits; i++) {
    struct hit *h = &hits[i];
    char who[256];
    bool mine = hit_is_ours(h, who, sizeof who);
    if (mine)
      ours++;
    else
      theirs++;
    fprintf(stderr, "%s: %s found in a %zu-byte block %s by %s (%s)\n", what, h->pattern,
            h->block_size, h->by_realloc ? "moved away by realloc" : "freed", who,
            mine ? "OURS" : "not libcassl: the TLS library or its dependencies");
    backtrace_symbols_fd(h->frames, h->n_frames, 2);
  }
  if (n_hits_lost)
    fprintf(stderr, "%s: %zu more hits not recorded\n", what, n_hits_lost);
  fprintf(stderr, "%s: %lu freed blocks scanned, %u hits in libcassl, %u in libraries\n",
          what, blocks_scanned, ours, theirs);
  return ours + (unsigned)(n_hits_lost ? 1 : 0);
}

void scan_add_pattern(const char *name, const unsigned char *bytes, size_t len)
{
  if (n_patterns == MAX_PATTERNS || len == 0)
    return;
  struct pattern *p = &patterns[n_patterns++];
  snprintf(p->name, sizeof p->name, "%s", name);
  p->len = len < SCAN_WINDOW ? len : SCAN_WINDOW;
  memcpy(p->bytes, bytes, p->len);
}


void scan_record(bool on)
{
  pthread_mutex_lock(&scan_lock);
  if (on) {
    n_hits = n_hits_lost = 0;
    blocks_scanned = 0;
  }
  recording = on;
  pthread_mutex_unlock(&scan_lock);
}

size_t scan_pattern_count(void)
{
  return n_patterns;
}

void scan_drop_patterns(size_t keep)
{
  if (keep < n_patterns) {
    explicit_bzero(&patterns[keep], (n_patterns - keep) * sizeof patterns[0]);
    n_patterns = keep;
  }
}

unsigned long scan_blocks_scanned(void)
{
  return blocks_scanned;
}

size_t scan_hit_count(void)
{
  return n_hits;
}

const char *scan_hit_pattern(size_t i)
{
  return i < n_hits ? hits[i].pattern : NULL;
}

bool scan_hit_in_libcassl(size_t i)
{
  char who[256];
  return i < n_hits && hit_is_ours(&hits[i], who, sizeof who);
}

void scan_clear_hits(void)
{
  n_hits = n_hits_lost = 0;
}

const char *scan_unsupported(void)
{
#ifdef SECRETS_UNDER_ASAN
  return "the allocator cannot be interposed under AddressSanitizer (it owns malloc/free)";
#else
  if (SECRETS_UNDER_VALGRIND() || getenv("CASSL_UNDER_VALGRIND"))
    return "valgrind replaces free() in the executable too, so freed blocks cannot be seen";
  /* Load the unwinder now: its first use allocates. */
  void *frames[4];
  backtrace(frames, 4);
  return NULL;
#endif
}
