/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* In-memory client handshakes timed on the client side only (see handshake.c). */
#ifndef CASSL_BENCH_HANDSHAKE_H
#define CASSL_BENCH_HANDSHAKE_H

#include "bench.h"

struct bench_hs {
  bool cassl;
  cassl_session *c;            /* cassl client */
  struct bench_raw_client raw; /* raw GnuTLS client */
  struct bench_buf in, out;    /* the raw client's transport */
  bool reverify_resumed;       /* raw client: verify the chain again on a resumed session */
  unsigned raw_flags;          /* raw client: extra gnutls_init flags */
};

/* Creates the client (resume: raw GnuTLS session data to resume, or NULL); returns the
 * client CPU seconds it took. */
double bench_hs_client_new(struct bench_hs *h, bool cassl, const struct bench_pki *pki,
                           CassSsl *ssl, const gnutls_datum_t *resume);
/* The same with extra gnutls_init flags for the raw client. */
double bench_hs_client_new_flags(struct bench_hs *h, bool cassl, const struct bench_pki *pki,
                                 CassSsl *ssl, const gnutls_datum_t *resume, unsigned raw_flags);
/* Points the in-memory server at this client. */
void bench_hs_attach(struct bench_hs *h, struct bench_mem_server *srv);
/* Runs the handshake (with verification) to the end, and the client's first read after it;
 * returns the client CPU seconds (the server's turns are not counted). */
double bench_hs_run(struct bench_hs *h, struct bench_mem_server *srv);
bool bench_hs_resumed(const struct bench_hs *h);
/* Frees the client; returns the client CPU seconds it took. */
double bench_hs_free(struct bench_hs *h);

#endif
