/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The demo's embedded Cassandra stand-in: a GnuTLS server on 127.0.0.1 (ephemeral port)
 * that requires a client certificate from its CA and answers CQL v4 OPTIONS with SUPPORTED
 * and STARTUP with READY. It runs in its own thread, one connection at a time. */
#ifndef CASSL_TOOL_RESPONDER_H
#define CASSL_TOOL_RESPONDER_H

#include <stddef.h>
#include <stdio.h>

struct responder;

/* PEM strings: the server's certificate and key, and the CA its clients must come from;
 * log (or NULL) gets a "node: ..." line as each connection ends (responder_outcome's text).
 * 0 with *port set, or -1 with a sentence in err. */
int responder_start(struct responder **out, const char *cert_pem, const char *key_pem,
                    const char *client_ca_pem, FILE *log, int *port, char *err, size_t cap);
/* Connections that have ended so far. */
unsigned responder_served(struct responder *r);
/* What the node made of connection number n (counted from 1), as its log would say it:
 * "answered 2 CQL frames, then the client closed the session", "the client left after the
 * handshake with the fatal alert unknown_ca (CA is unknown)". Waits up to timeout_ms for
 * that connection to end (it is the latest one then): 0 with the text, -1 if it did not. */
int responder_outcome(struct responder *r, unsigned n, unsigned timeout_ms, char *buf,
                      size_t cap);
/* Stops the thread, closes everything. */
void responder_stop(struct responder *r);

#endif
