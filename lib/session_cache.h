/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The resumption cache of one CassSsl: opaque backend blobs (they hold session secrets) per
 * peer (address family and bytes, port, SNI), bounded with least-recently-used eviction,
 * thread-safe, entries expiring a fixed time after the full handshake they descend from.
 * Blobs are wiped with cassl_wipe whenever they leave the cache. */
#ifndef CASSL_SESSION_CACHE_H
#define CASSL_SESSION_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CASSL_SESSION_CACHE_DEFAULT_SIZE 256
/* Far beyond any cluster; a larger request is a mistake (a negative number cast to size_t). */
#define CASSL_SESSION_CACHE_MAX_SIZE ((size_t)1 << 20)
/* Single-use TLS 1.3 tickets kept per peer: servers send one or two per connection
 * (JSSE one, OpenSSL and ScyllaDB two), and connections to one node overlap. */
#define CASSL_SESSION_CACHE_TICKETS 4
/* GnuTLS servers keep session state for an hour by default; later entries would be refused. */
#define CASSL_SESSION_CACHE_DEFAULT_MAX_AGE_MS (3600u * 1000u)

/* Which peer an entry belongs to; compared byte for byte (memset before filling). */
struct cassl_session_key {
  unsigned char family; /* AF_INET or AF_INET6 */
  unsigned char addr[16];
  uint16_t port;
  char sni[256];        /* "" when none is sent */
};

struct cassl_session_cache_entry;

struct cassl_session_cache {
  pthread_mutex_t lock;
  bool enabled;        /* cassl_ssl_set_session_resumption */
  size_t capacity;     /* cassl_ssl_set_session_cache_size; 0 = nothing is kept */
  size_t count;
  uint64_t max_age_ms;
  uint64_t generation; /* bumped by every clear: data from older sessions is not stored */
  struct cassl_session_cache_entry *head; /* most recently used first */
  struct cassl_session_cache_entry *tail;
};

void cassl_session_cache_init(struct cassl_session_cache *c);
/* Wipes and frees every entry and the lock. */
void cassl_session_cache_destroy(struct cassl_session_cache *c);
/* Drops every entry (the CassSsl's trust, credentials or policy changed). */
void cassl_session_cache_clear(struct cassl_session_cache *c);
/* Turns resumption on or off (off also drops every entry). */
void cassl_session_cache_set_enabled(struct cassl_session_cache *c, bool enabled);
/* Bounds the entries; the least recently used ones beyond it are dropped. */
void cassl_session_cache_set_capacity(struct cassl_session_cache *c, size_t entries);
/* How long an entry lives after the full handshake it comes from (tests shorten it). */
void cassl_session_cache_set_max_age(struct cassl_session_cache *c, uint64_t ms);
size_t cassl_session_cache_count(struct cassl_session_cache *c);

/* The key for a peer; false when the address is neither IPv4 nor IPv6 (nothing is cached). */
bool cassl_session_cache_key(struct cassl_session_key *key, const struct sockaddr *address,
                             const char *sni);

/* A snapshot taken when a session starts: the generation its data must match to be stored,
 * and the age of the data it was offered. */
struct cassl_session_cache_ticket {
  uint64_t generation;
  uint64_t born_ms;    /* when the full handshake behind the offered data happened, 0 = none */
};

/* The current generation and, when resumption is on and fresh data exists for key, the
 * newest in *data and *len, malloc'ed (the caller wipes and frees it), its birth in
 * ticket->born_ms; *data = NULL otherwise. A single-use ticket leaves the cache (it is never
 * offered twice); reusable data is copied. The entry becomes the most recently used. */
void cassl_session_cache_lookup(struct cassl_session_cache *c,
                                const struct cassl_session_key *key,
                                struct cassl_session_cache_ticket *ticket, void **data,
                                size_t *len);
/* Stores data (malloc'ed, taken over: wiped and freed here in every case) for key, unless
 * the cache was cleared since ticket's generation or resumption is off. single_use (a TLS 1.3
 * ticket): kept beside the peer's other tickets, up to CASSL_SESSION_CACHE_TICKETS, the
 * oldest dropped; otherwise it replaces what the peer had. born_ms: the birth of the data
 * the session resumed from, 0 after a full handshake (now). */
void cassl_session_cache_store(struct cassl_session_cache *c, const struct cassl_session_key *key,
                               uint64_t generation, uint64_t born_ms, bool single_use,
                               void *data, size_t len);

/* Drops the entry for key, if any (a resumed session failed its verification: the server may
 * have a new certificate, which only a full handshake shows). */
void cassl_session_cache_forget(struct cassl_session_cache *c, const struct cassl_session_key *key);

/* Milliseconds on the monotonic clock (never 0). */
uint64_t cassl_session_cache_now_ms(void);

#endif
