/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The per-CassSsl resumption cache (see session_cache.h). A list in recency order: a lookup
 * is a linear scan, negligible next to the handshake it saves for a few hundred peers. */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "secure.h"
#include "session_cache.h"

struct cassl_session_cache_blob {
  void *data;
  size_t len;
  uint64_t born_ms;
};

/* One peer: reusable data (TLS 1.2) in blobs[0], or up to CASSL_SESSION_CACHE_TICKETS
 * single-use TLS 1.3 tickets, oldest first. */
struct cassl_session_cache_entry {
  struct cassl_session_cache_entry *prev, *next;
  struct cassl_session_key key;
  bool single_use;
  size_t count;
  struct cassl_session_cache_blob blobs[CASSL_SESSION_CACHE_TICKETS];
};

uint64_t cassl_session_cache_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + 1u;
}

static void free_blob(void *data, size_t len)
{
  if (data)
    cassl_wipe(data, len);
  free(data);
}

static void unlink_entry(struct cassl_session_cache *c, struct cassl_session_cache_entry *e)
{
  if (e->prev)
    e->prev->next = e->next;
  else
    c->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    c->tail = e->prev;
  e->prev = e->next = NULL;
  c->count--;
}

static void push_front(struct cassl_session_cache *c, struct cassl_session_cache_entry *e)
{
  e->prev = NULL;
  e->next = c->head;
  if (c->head)
    c->head->prev = e;
  else
    c->tail = e;
  c->head = e;
  c->count++;
}

static void drop_blobs(struct cassl_session_cache_entry *e)
{
  for (size_t i = 0; i < e->count; i++)
    free_blob(e->blobs[i].data, e->blobs[i].len);
  e->count = 0;
}

/* Removes blob i, keeping the others in order. */
static void remove_blob(struct cassl_session_cache_entry *e, size_t i)
{
  memmove(&e->blobs[i], &e->blobs[i + 1], (e->count - i - 1) * sizeof e->blobs[0]);
  e->count--;
  memset(&e->blobs[e->count], 0, sizeof e->blobs[0]);
}

static void drop_entry(struct cassl_session_cache *c, struct cassl_session_cache_entry *e)
{
  unlink_entry(c, e);
  drop_blobs(e);
  cassl_wipe(e, sizeof *e);
  free(e);
}

static void trim(struct cassl_session_cache *c, size_t keep)
{
  while (c->count > keep)
    drop_entry(c, c->tail);
}

static struct cassl_session_cache_entry *find(struct cassl_session_cache *c,
                                              const struct cassl_session_key *key)
{
  for (struct cassl_session_cache_entry *e = c->head; e; e = e->next)
    if (memcmp(&e->key, key, sizeof *key) == 0)
      return e;
  return NULL;
}

void cassl_session_cache_init(struct cassl_session_cache *c)
{
  memset(c, 0, sizeof *c);
  pthread_mutex_init(&c->lock, NULL);
  c->enabled = true;
  c->capacity = CASSL_SESSION_CACHE_DEFAULT_SIZE;
  c->max_age_ms = CASSL_SESSION_CACHE_DEFAULT_MAX_AGE_MS;
}

void cassl_session_cache_destroy(struct cassl_session_cache *c)
{
  trim(c, 0);
  pthread_mutex_destroy(&c->lock);
}

void cassl_session_cache_clear(struct cassl_session_cache *c)
{
  pthread_mutex_lock(&c->lock);
  trim(c, 0);
  c->generation++;
  pthread_mutex_unlock(&c->lock);
}

void cassl_session_cache_set_enabled(struct cassl_session_cache *c, bool enabled)
{
  pthread_mutex_lock(&c->lock);
  c->enabled = enabled;
  if (!enabled) {
    trim(c, 0);
    c->generation++;
  }
  pthread_mutex_unlock(&c->lock);
}

void cassl_session_cache_set_capacity(struct cassl_session_cache *c, size_t entries)
{
  pthread_mutex_lock(&c->lock);
  c->capacity = entries;
  trim(c, entries);
  pthread_mutex_unlock(&c->lock);
}

void cassl_session_cache_set_max_age(struct cassl_session_cache *c, uint64_t ms)
{
  pthread_mutex_lock(&c->lock);
  c->max_age_ms = ms;
  pthread_mutex_unlock(&c->lock);
}

size_t cassl_session_cache_count(struct cassl_session_cache *c)
{
  pthread_mutex_lock(&c->lock);
  size_t n = c->count;
  pthread_mutex_unlock(&c->lock);
  return n;
}

bool cassl_session_cache_key(struct cassl_session_key *key, const struct sockaddr *address,
                             const char *sni)
{
  memset(key, 0, sizeof *key);
  if (!address)
    return false;
  if (address->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)address;
    key->family = AF_INET;
    memcpy(key->addr, &in->sin_addr, 4);
    key->port = ntohs(in->sin_port);
  } else if (address->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;
    key->family = AF_INET6;
    memcpy(key->addr, &in6->sin6_addr, 16);
    key->port = ntohs(in6->sin6_port);
  } else {
    return false;
  }
  if (sni) {
    size_t n = strlen(sni);
    if (n >= sizeof key->sni)
      return false;
    memcpy(key->sni, sni, n);
  }
  return true;
}

void cassl_session_cache_lookup(struct cassl_session_cache *c,
                                const struct cassl_session_key *key,
                                struct cassl_session_cache_ticket *ticket, void **data,
                                size_t *len)
{
  *data = NULL;
  *len = 0;
  ticket->born_ms = 0;
  uint64_t now = cassl_session_cache_now_ms();
  pthread_mutex_lock(&c->lock);
  ticket->generation = c->generation;
  struct cassl_session_cache_entry *e = c->enabled ? find(c, key) : NULL;
  if (e) {
    /* Expired data goes; the newest of the rest is offered. */
    for (size_t i = e->count; i-- > 0;)
      if (now - e->blobs[i].born_ms >= c->max_age_ms) {
        free_blob(e->blobs[i].data, e->blobs[i].len);
        remove_blob(e, i);
      }
    if (e->count == 0) {
      drop_entry(c, e);
      e = NULL;
    }
  }
  if (e) {
    struct cassl_session_cache_blob *b = &e->blobs[e->count - 1];
    if (e->single_use) {
      /* A TLS 1.3 ticket is offered once (RFC 8446, C.4): it leaves the cache. */
      *data = b->data;
      *len = b->len;
      ticket->born_ms = b->born_ms;
      memset(b, 0, sizeof *b);
      e->count--;
      if (e->count == 0) {
        drop_entry(c, e);
        e = NULL;
      }
    } else if ((*data = malloc(b->len)) != NULL) {
      memcpy(*data, b->data, b->len);
      *len = b->len;
      ticket->born_ms = b->born_ms;
    }
    if (e && *data) {
      unlink_entry(c, e);
      push_front(c, e);
    }
  }
  pthread_mutex_unlock(&c->lock);
}

void cassl_session_cache_store(struct cassl_session_cache *c, const struct cassl_session_key *key,
                               uint64_t generation, uint64_t born_ms, bool single_use,
                               void *data, size_t len)
{
  uint64_t now = cassl_session_cache_now_ms();
  if (!born_ms || born_ms > now)
    born_ms = now;
  pthread_mutex_lock(&c->lock);
  if (!c->enabled || c->capacity == 0 || generation != c->generation ||
      now - born_ms >= c->max_age_ms) {
    pthread_mutex_unlock(&c->lock);
    free_blob(data, len);
    return;
  }
  struct cassl_session_cache_entry *e = find(c, key);
  if (e) {
    unlink_entry(c, e);
    /* Tickets join the ones kept (the oldest goes when full); other data replaces all. */
    if (!single_use || !e->single_use)
      drop_blobs(e);
    else if (e->count == CASSL_SESSION_CACHE_TICKETS) {
      free_blob(e->blobs[0].data, e->blobs[0].len);
      remove_blob(e, 0);
    }
  } else if (!(e = calloc(1, sizeof *e))) {
    pthread_mutex_unlock(&c->lock);
    free_blob(data, len);
    return;
  } else {
    memcpy(&e->key, key, sizeof *key); /* padding too: keys are compared with memcmp */
  }
  e->single_use = single_use;
  e->blobs[e->count].data = data;
  e->blobs[e->count].len = len;
  e->blobs[e->count].born_ms = born_ms;
  e->count++;
  push_front(c, e);
  trim(c, c->capacity);
  pthread_mutex_unlock(&c->lock);
}

void cassl_session_cache_forget(struct cassl_session_cache *c, const struct cassl_session_key *key)
{
  pthread_mutex_lock(&c->lock);
  struct cassl_session_cache_entry *e = find(c, key);
  if (e)
    drop_entry(c, e);
  pthread_mutex_unlock(&c->lock);
}
