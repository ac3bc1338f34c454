/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl_ssl object as the core sees it (sessions read its configuration). */
#ifndef CASSL_SSL_OBJECT_H
#define CASSL_SSL_OBJECT_H

#include <pthread.h>
#include <stdatomic.h>

#include "backend.h"
#include "bytequeue.h"
#include "errmsg.h"
#include "cred_files.h"
#include "session_cache.h"

struct cassl_ssl {
  atomic_int refs;            /* the application's reference + one per live session */
  pthread_mutex_t setter_lock; /* setters run one at a time (held through slow backend work) */
  pthread_mutex_t lock;       /* the configuration sessions read, the last-error sentence;
                                 held briefly (never during key derivation) */
  const struct cassl_backend *backend;
  void *creds;                /* backend credentials */
  int verify_flags;           /* CassSslVerifyFlags bitmask */
  int min_version;            /* CASS_SSL_VERSION_* or CASSL_SSL_VERSION_TLS1_3 */
  int max_version;            /* CASS_SSL_VERSION_TLS1_2 or CASSL_SSL_VERSION_TLS1_3 */
  char *priority;             /* cassl_ssl_set_priority override, or NULL */
  cassl_errmsg last_error;    /* sentence of the last failing call, "" after a success */
  struct cassl_session_cache sessions; /* resumption data per peer (own lock) */
  struct cassl_block_pool blocks;      /* spare byte-queue blocks of its sessions */
  struct cassl_bindings files;         /* bound credential files (under setter_lock) */
};

/* Takes and drops references (sessions hold one for their whole life). */
void cassl_ssl_ref(cassl_ssl *ssl);
void cassl_ssl_unref(cassl_ssl *ssl);

/* Whether a setter's change invalidates stored resumption data. Resumption data belongs to
 * the trust, credentials and policy it was made under: a server remembers the client
 * certificate of the full handshake, and the negotiated parameters follow the priority. Verify
 * flags and pins need not: every session, resumed or not, is checked against them. */
enum ssl_change { KEEPS_RESUMPTION, DROPS_RESUMPTION };

/* How a setter works. BACKEND: the backend builds the next configuration (parsing, key
 * derivation: possibly slow) without the object's lock, so sessions keep being created
 * meanwhile, and setter_end publishes it. FIELDS: a quick change of the object's own fields,
 * made under the object's lock. Either way setters run one at a time (setter_lock), and a
 * session sees the configuration and the resumption cache of one moment. */
enum ssl_work { BACKEND, FIELDS };

/* Every setter: cassl_setter_begin, the work, then cassl_setter_end with its outcome. */
void cassl_setter_begin(cassl_ssl *ssl, cassl_errmsg *msg, enum ssl_work work);
CassError cassl_setter_end(cassl_ssl *ssl, CassError rc, const cassl_errmsg *msg,
                           enum ssl_change change, enum ssl_work work);

#endif
