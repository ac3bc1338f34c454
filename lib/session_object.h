/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The core session object: byte queues, state, error and the peer description. Shared with
 * white-box tests and the transport; the public API is include/cassl/session.h. */
#ifndef CASSL_SESSION_OBJECT_H
#define CASSL_SESSION_OBJECT_H

#include <stdbool.h>
#include <sys/socket.h>

#include "backend.h"
#include "bytequeue.h"
#include "cassl/session.h"
#include "errmsg.h"
#include "session_cache.h"

struct cassl_session {
  cassl_ssl *ssl;                   /* one reference held for the session's life */
  const struct cassl_backend *backend;
  void *impl;                       /* the backend session */
  struct cassl_bytequeue incoming;  /* ciphertext fed by the caller, pulled by the backend */
  struct cassl_bytequeue outgoing;  /* ciphertext pushed by the backend, taken by the caller */
  cassl_session_state state;
  CassError error;                  /* CASS_OK until a failure or close */
  cassl_errmsg message;             /* the sentence for error */
  bool close_sent;                  /* our close_notify is queued */
  bool close_received;              /* the peer's close_notify arrived */
  int verify_flags;                 /* the options' flags, or the object's at creation */
  unsigned options;                 /* CASSL_SESSION_* flags */
  bool checked;                     /* the checks of the server ran (check_rc holds them) */
  CassError check_rc;               /* their outcome */
  cassl_errmsg check_msg;           /* its sentence */
  enum cassl_reject_reason check_why; /* which check failed, for the alert */
  size_t held;                      /* HOLD_FINAL_FLIGHT: bytes at the end of outgoing not
                                       shown to the caller yet */
  bool has_address;
  struct sockaddr_storage address;  /* the connected address, for PEER_IDENTITY */
  char *hostname;                   /* reference name for PEER_IDENTITY_DNS, or NULL */
  char *sni;                        /* server name sent, or NULL */
  char *priority;                   /* the object's priority override, or NULL */
  int min_version;
  int max_version;
  bool cacheable;                   /* resumption on and the peer has a cache key */
  struct cassl_session_key cache_key;
  struct cassl_session_cache_ticket cache_ticket; /* generation and age of offered data */
  bool offered_resume;              /* the backend took resumption data from the cache */
  bool in_sink;                     /* cassl_session_write_to is handing output to its sink:
                                       calls on the session from there are refused */
};

/* For the transport: room for len received bytes at the end of the incoming queue (NULL when
 * memory runs out), so a socket read lands there without a copy; then
 * cassl_session_feed_commit queues the n bytes read (n may be 0), as cassl_session_feed
 * would. */
unsigned char *cassl_session_feed_reserve(cassl_session *s, size_t len);
CassError cassl_session_feed_commit(cassl_session *s, size_t n);

#endif
