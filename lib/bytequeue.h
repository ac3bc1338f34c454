/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A FIFO of bytes: the session engine's ciphertext in and out. One contiguous block with a
 * read offset, compacted lazily, so peek always yields everything queued in one piece. */
#ifndef CASSL_BYTEQUEUE_H
#define CASSL_BYTEQUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct cassl_bytequeue {
  unsigned char *data;
  size_t head; /* first unread byte */
  size_t tail; /* one past the last queued byte */
  size_t cap;
};

/* Copies len bytes to the end; false when memory runs out (nothing queued then). */
bool cassl_bytequeue_push(struct cassl_bytequeue *q, const void *data, size_t len);
/* Copies up to cap bytes from the front into out and removes them; returns the count. */
size_t cassl_bytequeue_pop(struct cassl_bytequeue *q, void *out, size_t cap);
/* The queued bytes in one piece (NULL when empty), without removing them. */
const unsigned char *cassl_bytequeue_peek(const struct cassl_bytequeue *q, size_t *len);
/* Removes n bytes (at most what is queued) from the front. */
void cassl_bytequeue_consume(struct cassl_bytequeue *q, size_t n);
size_t cassl_bytequeue_size(const struct cassl_bytequeue *q);
/* Drops (and wipes) what lies beyond the first size bytes. */
void cassl_bytequeue_truncate(struct cassl_bytequeue *q, size_t size);
/* Wipes and frees the storage. */
void cassl_bytequeue_free(struct cassl_bytequeue *q);

#endif
