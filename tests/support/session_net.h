/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Drives a cassl_session over a plain TCP socket (poll + non-blocking send/recv), for the
 * session tests against real peers (tests/support/peers.h). */
#ifndef TEST_SESSION_NET_H
#define TEST_SESSION_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "cassl/session.h"
#include "peers.h"

struct tnet {
  int fd;
  cassl_session *cs;
  bool eof; /* the peer closed the TCP connection */
};

/* Connects to p and makes a session from ssl with the peer's address, the given hostname
 * (may be NULL) and no explicit SNI. CASS_OK or the session_new error. */
CassError tnet_open(struct tnet *n, CassSsl *ssl, const peer *p, const char *hostname);
/* The same to any TLS server listening at addr (no cmocka assertion: safe in threads); a
 * failed connect is CASS_ERROR_LIB_BAD_PARAMS with n->fd = -1. */
CassError tnet_open_address(struct tnet *n, CassSsl *ssl, const struct sockaddr *addr,
                            socklen_t len, const char *hostname);
void tnet_close(struct tnet *n);

/* Drives the handshake to its end; EOF or a 10 s silence fail the session. */
CassError tnet_handshake(struct tnet *n);

/* Writes len bytes of data and reads until want_len bytes came back, comparing them with
 * want. CASS_OK, or the session's error (e.g. a fatal alert after the handshake). */
CassError tnet_exchange(struct tnet *n, const void *data, size_t len, const void *want,
                        size_t want_len);

/* Sends close_notify and waits (up to 5 s) for the peer's close_notify or EOF; returns the
 * read outcome (CASS_ERROR_SSL_CLOSED when the peer answered with close_notify). */
CassError tnet_shutdown(struct tnet *n);

/* A whole file as a NUL-terminated string (fails the test when unreadable). */
char *tnet_read_file(const char *path);
/* peers_pki(name), failing the test when the PKI cannot be made. */
const char *tnet_pki(const char *name);

#endif
