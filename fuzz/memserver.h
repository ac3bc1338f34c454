/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* An in-memory GnuTLS server for the session fuzzers and their seed generator: the server's
 * records go to a buffer the caller feeds to a cassl_session, and the client's output is
 * handed to the server, without sockets. */
#ifndef CASSL_FUZZ_MEMSERVER_H
#define CASSL_FUZZ_MEMSERVER_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>

#include "cassl/session.h"

struct membuf {
  unsigned char *data;
  size_t len, cap;
};

struct memserver {
  gnutls_session_t session;
  struct membuf to_client;   /* records the server wrote, not yet given to the client */
  struct membuf from_client; /* records the client wrote, not yet read by the server */
  struct membuf transcript;  /* every byte the server ever wrote (for seeds) */
  bool handshake_done;
};

/* The priority string every fuzzed client uses (fixed, so a finding reproduces). */
#define MEMSERVER_CLIENT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* Creates the server's key and self-signed certificate once (ECDSA P-256). */
void memserver_global_init(void);

/* A server session with this priority string; request_cert asks for a client certificate;
 * tickets enables TLS 1.3 session tickets. */
struct memserver *memserver_new(const char *priority, bool request_cert, bool tickets);
void memserver_free(struct memserver *m);

/* Moves bytes both ways and advances both handshakes, at most rounds times. Returns true
 * when both are done, false when either failed or it did not finish. */
bool memserver_handshake(struct memserver *m, cassl_session *client, int rounds);

/* Gives the client everything the server wrote (in pieces of chunk bytes, 0 = at once),
 * and the server everything the client wrote. */
void memserver_deliver(struct memserver *m, cassl_session *client, size_t chunk);

/* Lets the server read what the client sent (application data, alerts, KeyUpdate). */
void memserver_server_read(struct memserver *m);

void membuf_append(struct membuf *b, const void *data, size_t len);
void membuf_clear(struct membuf *b);

#endif
