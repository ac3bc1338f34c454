/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Byte FIFO for the session engine (see bytequeue.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bytequeue.h"
#include "secure.h"

bool cassl_bytequeue_push(struct cassl_bytequeue *q, const void *data, size_t len)
{
  if (len == 0)
    return true;
  if (q->cap - q->tail < len && q->head > 0) {
    /* Slide the unread bytes to the front before growing. */
    memmove(q->data, q->data + q->head, q->tail - q->head);
    q->tail -= q->head;
    q->head = 0;
  }
  if (q->cap - q->tail < len) {
    size_t need = q->tail + len;
    size_t cap = q->cap ? q->cap : 4096;
    while (cap < need)
      cap *= 2;
    unsigned char *grown = malloc(cap);
    if (!grown)
      return false;
    if (q->data) {
      memcpy(grown, q->data, q->tail);
      cassl_wipe(q->data, q->cap);
      free(q->data);
    }
    q->data = grown;
    q->cap = cap;
  }
  memcpy(q->data + q->tail, data, len);
  q->tail += len;
  return true;
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
  if (q->head == q->tail)
    q->head = q->tail = 0;
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
  }
}

void cassl_bytequeue_free(struct cassl_bytequeue *q)
{
  if (q->data) {
    cassl_wipe(q->data, q->cap);
    free(q->data);
  }
  *q = (struct cassl_bytequeue){ 0 };
}
