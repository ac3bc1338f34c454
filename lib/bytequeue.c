/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Byte FIFO for the session engine (see bytequeue.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bytequeue.h"
#include "secure.h"

#define BLOCK_MIN 4096
/* Larger blocks (a burst of big writes) go back to the allocator: the pool keeps what
 * ordinary traffic reuses, not the peak. */
#define BLOCK_POOL_MAX (64 * 1024)

static void free_pooled(unsigned char *p)
{
  size_t cap;
  memcpy(&cap, p, sizeof cap);
  cassl_wipe(p, cap);
  free(p);
}

/* A pooled block keeps its size in its first bytes (every block is at least BLOCK_MIN). */
static void *pool_take(struct cassl_block_pool *pool, size_t need, size_t *cap)
{
  for (int i = 0; pool && i < CASSL_BLOCK_POOL_SLOTS; i++) {
    if (!atomic_load_explicit(&pool->slot[i], memory_order_relaxed))
      continue;
    unsigned char *p = atomic_exchange(&pool->slot[i], NULL);
    if (!p)
      continue;
    size_t size;
    memcpy(&size, p, sizeof size);
    if (size >= need) {
      *cap = size;
      return p;
    }
    void *expected = NULL;
    if (!atomic_compare_exchange_strong(&pool->slot[i], &expected, p))
      free_pooled(p);
  }
  return NULL;
}

/* A block stays inside the library while pooled (it only ever held ciphertext): it is wiped
 * when it goes back to the allocator, not on every release. */
static void pool_give(struct cassl_block_pool *pool, unsigned char *p, size_t cap, size_t dirty)
{
  if (pool && cap <= BLOCK_POOL_MAX) {
    memcpy(p, &cap, sizeof cap);
    for (int i = 0; i < CASSL_BLOCK_POOL_SLOTS; i++) {
      void *expected = NULL;
      if (atomic_compare_exchange_strong(&pool->slot[i], &expected, p))
        return;
    }
    dirty = cap;
  }
  cassl_wipe(p, dirty);
  free(p);
}

void cassl_block_pool_drain(struct cassl_block_pool *pool)
{
  for (int i = 0; i < CASSL_BLOCK_POOL_SLOTS; i++) {
    unsigned char *p = atomic_exchange(&pool->slot[i], NULL);
    if (p)
      free_pooled(p);
  }
}

/* An empty queue gives its block back. */
static void release_if_empty(struct cassl_bytequeue *q)
{
  if (q->head != q->tail || !q->data)
    return;
  pool_give(q->pool, q->data, q->cap, q->dirty);
  q->data = NULL;
  q->head = q->tail = q->cap = q->dirty = 0;
}

/* Makes room for len more bytes at the end; false when memory runs out. */
static bool make_room(struct cassl_bytequeue *q, size_t len)
{
  if (q->cap - q->tail >= len)
    return true;
  if (q->head > 0) {
    /* Slide the unread bytes to the front before growing. */
    memmove(q->data, q->data + q->head, q->tail - q->head);
    q->tail -= q->head;
    q->head = 0;
    if (q->cap - q->tail >= len)
      return true;
  }
  size_t need = q->tail + len;
  if (need < len)
    return false;
  size_t cap = 0;
  unsigned char *grown = pool_take(q->pool, need, &cap);
  /* A pooled block may hold earlier bytes anywhere: all of it is wiped when it is freed. */
  size_t dirty = grown ? cap : 0;
  if (!grown) {
    cap = q->cap > BLOCK_MIN ? q->cap : BLOCK_MIN;
    while (cap < need)
      cap *= 2;
    grown = malloc(cap);
    if (!grown)
      return false;
  }
  if (q->data) {
    memcpy(grown, q->data, q->tail);
    cassl_wipe(q->data, q->dirty);
    free(q->data);
  }
  q->data = grown;
  q->cap = cap;
  q->dirty = dirty > q->tail ? dirty : q->tail;
  return true;
}

bool cassl_bytequeue_push(struct cassl_bytequeue *q, const void *data, size_t len)
{
  if (len == 0)
    return true;
  if (!make_room(q, len))
    return false;
  memcpy(q->data + q->tail, data, len);
  q->tail += len;
  if (q->dirty < q->tail)
    q->dirty = q->tail;
  return true;
}

unsigned char *cassl_bytequeue_reserve(struct cassl_bytequeue *q, size_t len)
{
  if (len == 0 || !make_room(q, len))
    return NULL;
  return q->data + q->tail;
}

void cassl_bytequeue_commit(struct cassl_bytequeue *q, size_t n)
{
  if (n > q->cap - q->tail)
    n = q->cap - q->tail;
  q->tail += n;
  if (q->dirty < q->tail)
    q->dirty = q->tail;
  release_if_empty(q);
}

const unsigned char *cassl_bytequeue_peek(const struct cassl_bytequeue *q, size_t *len)
{
  *len = q->tail - q->head;
  return *len ? q->data + q->head : NULL;
}

void cassl_bytequeue_consume(struct cassl_bytequeue *q, size_t n)
{
  size_t have = q->tail - q->head;
  q->head += n < have ? n : have;
  release_if_empty(q);
}

size_t cassl_bytequeue_pop(struct cassl_bytequeue *q, void *out, size_t cap)
{
  size_t have = q->tail - q->head;
  size_t n = cap < have ? cap : have;
  if (n)
    memcpy(out, q->data + q->head, n);
  cassl_bytequeue_consume(q, n);
  return n;
}

size_t cassl_bytequeue_size(const struct cassl_bytequeue *q)
{
  return q->tail - q->head;
}

void cassl_bytequeue_truncate(struct cassl_bytequeue *q, size_t size)
{
  if (size < q->tail - q->head) {
    cassl_wipe(q->data + q->head + size, q->tail - q->head - size);
    q->tail = q->head + size;
    release_if_empty(q);
  }
}

void cassl_bytequeue_free(struct cassl_bytequeue *q)
{
  if (q->data) {
    cassl_wipe(q->data, q->dirty);
    free(q->data);
  }
  struct cassl_block_pool *pool = q->pool;
  *q = (struct cassl_bytequeue){ 0 };
  q->pool = pool;
}
