/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Chains already verified under one credential generation (verified.c). */
#ifndef CASSL_GTLS_VERIFIED_H
#define CASSL_GTLS_VERIFIED_H

#include <stdbool.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "names.h"

struct gtls_gen_parts;

/* At most this many chains per generation, each at most GTLS_VERIFIED_MAX_BYTES of DER. */
#define GTLS_VERIFIED_MAX 8
#define GTLS_VERIFIED_MAX_BYTES (64 * 1024)

struct gtls_verified;

/* An empty cache (NULL when out of memory: then nothing is cached). */
struct gtls_verified *gtls_verified_new(void);
void gtls_verified_free(struct gtls_verified *c);
/* Works out an entry's time window on its first lookup (see gtls_verified_window). */
struct gtls_verified_source {
  gnutls_certificate_credentials_t cred; /* the generation's trust list */
  const struct gtls_gen_parts *parts;    /* its CRLs */
};

/* Whether this exact chain (count certificates, byte for byte) verified successfully under
 * the session priority string priority (NULL = the system policy), and now lies inside the
 * time window of the entry (worked out from src on the entry's first lookup when it was
 * stored without one). */
bool gtls_verified_lookup(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                          const char *priority, time_t now, const struct gtls_verified_source *src);
/* Records a chain that verified successfully; window = { not_before, not_after } inclusive,
 * or NULL to work it out at the first lookup (most chains verified in full handshakes are
 * never looked up: their cost stays off the full handshake). The least recently used entry
 * goes when the cache is full. */
void gtls_verified_store(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                         const char *priority, const time_t *window);
size_t gtls_verified_count(struct gtls_verified *c);
/* The leaf's names (what the backend extracts for the identity rules: a function of the
 * chain's bytes and the generation's trust list) kept with the entry of this chain: copied
 * into out (true), or false when there are none kept or no entry. The identity check itself
 * runs on every connection. */
bool gtls_verified_copy_names(struct gtls_verified *c, const gnutls_datum_t *chain,
                              unsigned count, const char *priority, struct cassl_cert_names *out);
void gtls_verified_keep_names(struct gtls_verified *c, const gnutls_datum_t *chain,
                              unsigned count, const char *priority,
                              const struct cassl_cert_names *names);

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
