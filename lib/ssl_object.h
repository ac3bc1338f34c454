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
};

/* Takes and drops references (sessions hold one for their whole life). */
void cassl_ssl_ref(cassl_ssl *ssl);
void cassl_ssl_unref(cassl_ssl *ssl);

#endif
