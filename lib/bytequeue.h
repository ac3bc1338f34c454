/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A FIFO of bytes: the session engine's ciphertext in and out. One contiguous block with a
 * read offset, compacted lazily, so peek always yields everything queued in one piece.
 *
 * A queue gives its block back as soon as it is empty, so an idle session holds no storage.
 * Traffic in small records empties a queue after every record; the blocks it gives back go
 * to a small pool (one per cassl_ssl object, shared by its sessions) and the next push takes
 * one from there instead of calling the allocator. */
#ifndef CASSL_BYTEQUEUE_H
#define CASSL_BYTEQUEUE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Spare blocks, lock-free: each slot holds one block or NULL. */
#define CASSL_BLOCK_POOL_SLOTS 4
struct cassl_block_pool {
  _Atomic(void *) slot[CASSL_BLOCK_POOL_SLOTS];
};
/* Frees the spare blocks (when the pool's owner goes). */
void cassl_block_pool_drain(struct cassl_block_pool *pool);

struct cassl_bytequeue {
  unsigned char *data;
  size_t head;  /* first unread byte */
  size_t tail;  /* one past the last queued byte */
  size_t cap;
  size_t dirty; /* bytes of the block written since it was last wiped */
  struct cassl_block_pool *pool; /* where emptied blocks go; NULL: straight to free() */
};

/* Copies len bytes to the end; false when memory runs out (nothing queued then). */
bool cassl_bytequeue_push(struct cassl_bytequeue *q, const void *data, size_t len);
/* Room for len bytes at the end (NULL when memory runs out), to be filled by the caller and
 * then queued with cassl_bytequeue_commit: a read lands in the queue without a copy. */
unsigned char *cassl_bytequeue_reserve(struct cassl_bytequeue *q, size_t len);
/* Queues the first n bytes of the reserved room (n may be 0). */
void cassl_bytequeue_commit(struct cassl_bytequeue *q, size_t n);
/* Copies up to cap bytes from the front into out and removes them; returns the count. */
size_t cassl_bytequeue_pop(struct cassl_bytequeue *q, void *out, size_t cap);
/* The queued bytes in one piece (NULL when empty), without removing them. */
const unsigned char *cassl_bytequeue_peek(const struct cassl_bytequeue *q, size_t *len);
/* Removes n bytes (at most what is queued) from the front. */
void cassl_bytequeue_consume(struct cassl_bytequeue *q, size_t n);
size_t cassl_bytequeue_size(const struct cassl_bytequeue *q);
/* Drops (and wipes) what lies beyond the first size bytes. */
void cassl_bytequeue_truncate(struct cassl_bytequeue *q, size_t size);
/* Wipes and frees the storage (a block is never pooled here: the queue's owner may outlive
 * the pool's). */
void cassl_bytequeue_free(struct cassl_bytequeue *q);

#endif
