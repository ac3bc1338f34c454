/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Chains already verified under one credential generation (verified.c). */
#ifndef CASSL_GTLS_VERIFIED_H
#define CASSL_GTLS_VERIFIED_H

#include <stdbool.h>
#include <time.h>

#include <gnutls/gnutls.h>

struct gtls_gen_parts;

/* At most this many chains per generation, each at most GTLS_VERIFIED_MAX_BYTES of DER. */
#define GTLS_VERIFIED_MAX 8
#define GTLS_VERIFIED_MAX_BYTES (64 * 1024)

struct gtls_verified;

/* An empty cache (NULL when out of memory: then nothing is cached). */
struct gtls_verified *gtls_verified_new(void);
void gtls_verified_free(struct gtls_verified *c);
/* Whether this exact chain (count certificates, byte for byte) verified successfully under
 * the session priority string priority (NULL = the system policy), and now lies inside the
 * time window stored with it. */
bool gtls_verified_lookup(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                          const char *priority, time_t now);
/* Records a chain that verified successfully, valid for lookups from not_before to
 * not_after inclusive; the least recently used entry goes when the cache is full. */
void gtls_verified_store(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                         const char *priority, time_t not_before, time_t not_after);
size_t gtls_verified_count(struct gtls_verified *c);

/* The time span in which a verification's verdict for chain cannot change through time:
 * the validity of every certificate sent, of every trusted certificate that could issue one
 * of them, and the thisUpdate..nextUpdate of every CRL of the generation. false when it
 * cannot be worked out (then the chain is not cached). */
bool gtls_verified_window(const gnutls_datum_t *chain, unsigned count,
                          gnutls_certificate_credentials_t cred, const struct gtls_gen_parts *parts,
                          time_t *not_before, time_t *not_after);

/* The clock of lookups: time(NULL), or for tests the function GnuTLS is also given with
 * gnutls_global_set_time_function (NULL restores time(NULL)). */
time_t gtls_verified_now(void);
void gtls_verified_set_clock(time_t (*clock)(time_t *));
/* How many chain verifications GnuTLS made since the process started (for tests). */
unsigned long gtls_chain_verifications(void);

#endif
