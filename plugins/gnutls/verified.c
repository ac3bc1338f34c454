/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Chains verified under one credential generation, so a resumed session that brings back a
 * chain already accepted need not have GnuTLS verify it again (the largest part of a
 * resumed handshake's CPU). The verdict of gnutls_certificate_verify_peers depends on the
 * chain's bytes, the generation (trusted set, CRLs, system trust: immutable, and each
 * generation has its own cache), the session's priority string (its verification profile
 * and %VERIFY_* flags) and the time; so an entry is the chain itself, compared byte for
 * byte (certificates are public: no constant-time compare, and no hash to trust), the
 * priority string, and the span of time in which no validity date, of the certificates or
 * of the CRLs, is crossed. GnuTLS has no such cache, hence this one. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gtls.h"
#include "verified.h"

struct entry {
  unsigned char *der;      /* the certificates, one after the other */
  unsigned count;
  unsigned lens[16];       /* each certificate's length */
  size_t total;
  char *priority;          /* NULL = the system policy */
  bool window_known;       /* else worked out at the first lookup */
  time_t not_before, not_after;
  bool has_names;
  struct cassl_cert_names names;
  uint64_t used;           /* tick of the last store or hit (LRU) */
};

struct gtls_verified {
  pthread_mutex_t lock; /* sessions of one object on several threads share the cache */
  struct entry e[GTLS_VERIFIED_MAX];
  unsigned n;
  uint64_t tick;
};

static atomic_ulong verifications;
static time_t (*_Atomic clock_fn)(time_t *);

time_t gtls_verified_now(void)
{
  time_t (*fn)(time_t *) = atomic_load_explicit(&clock_fn, memory_order_relaxed);
  return fn ? fn(NULL) : time(NULL);
}

void gtls_verified_set_clock(time_t (*clock)(time_t *))
{
  atomic_store(&clock_fn, clock);
}

unsigned long gtls_chain_verifications(void)
{
  return atomic_load(&verifications);
}

void gtls_chain_verification_counted(void)
{
  atomic_fetch_add_explicit(&verifications, 1, memory_order_relaxed);
}

struct gtls_verified *gtls_verified_new(void)
{
  struct gtls_verified *c = calloc(1, sizeof *c);
  if (c)
    pthread_mutex_init(&c->lock, NULL);
  return c;
}

static void entry_clear(struct entry *e)
{
  free(e->der);
  free(e->priority);
  cassl_names_clear(&e->names);
  memset(e, 0, sizeof *e);
}

void gtls_verified_free(struct gtls_verified *c)
{
  if (!c)
    return;
  for (unsigned i = 0; i < c->n; i++)
    entry_clear(&c->e[i]);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

size_t gtls_verified_count(struct gtls_verified *c)
{
  if (!c)
    return 0;
  pthread_mutex_lock(&c->lock);
  size_t n = c->n;
  pthread_mutex_unlock(&c->lock);
  return n;
}

static struct entry *find(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                          const char *priority);

static bool same_priority(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_chain(const struct entry *e, const gnutls_datum_t *chain, unsigned count,
                       const char *priority)
{
  if (e->count != count || !same_priority(e->priority, priority))
    return false;
  size_t off = 0;
  for (unsigned i = 0; i < count; i++) {
    if (e->lens[i] != chain[i].size || memcmp(e->der + off, chain[i].data, chain[i].size) != 0)
      return false;
    off += chain[i].size;
  }
  return true;
}

bool gtls_verified_lookup(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                          const char *priority, time_t now, const struct gtls_verified_source *src)
{
  if (!c || count == 0)
    return false;
  bool hit = false;
  pthread_mutex_lock(&c->lock);
  for (unsigned i = 0; i < c->n; i++) {
    struct entry *e = &c->e[i];
    if (!same_chain(e, chain, count, priority))
      continue;
    if (!e->window_known) {
      /* Once per entry, under the lock (the other sessions would wait for the same work). */
      if (!src || !gtls_verified_window(chain, count, src->cred, src->parts, &e->not_before,
                                        &e->not_after)) {
        e->not_before = 1; /* an empty window: never matches */
        e->not_after = 0;
      }
      e->window_known = true;
    }
    /* GnuTLS: expired when notAfter < now, not yet valid when notBefore > now. */
    hit = e->not_before <= now && now <= e->not_after;
    if (hit)
      e->used = ++c->tick;
    break;
  }
  pthread_mutex_unlock(&c->lock);
  return hit;
}

void gtls_verified_store(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                         const char *priority, const time_t *window)
{
  struct entry fresh = { .count = count };
  if (window) {
    fresh.window_known = true;
    fresh.not_before = window[0];
    fresh.not_after = window[1];
  }
  if (!c || count == 0 || count > sizeof fresh.lens / sizeof fresh.lens[0] ||
      (window && window[0] > window[1]))
    return;
  if (!window) {
    /* Every full handshake to a node stores its chain again: an entry already there keeps
     * its window and names (the verdict is the same), only its age changes. */
    pthread_mutex_lock(&c->lock);
    struct entry *known = find(c, chain, count, priority);
    if (known)
      known->used = ++c->tick;
    pthread_mutex_unlock(&c->lock);
    if (known)
      return;
  }
  for (unsigned i = 0; i < count; i++) {
    fresh.lens[i] = chain[i].size;
    fresh.total += chain[i].size;
  }
  if (fresh.total > GTLS_VERIFIED_MAX_BYTES || !(fresh.der = malloc(fresh.total)) ||
      (priority && !(fresh.priority = strdup(priority)))) {
    entry_clear(&fresh);
    return;
  }
  size_t off = 0;
  for (unsigned i = 0; i < count; i++) {
    memcpy(fresh.der + off, chain[i].data, chain[i].size);
    off += chain[i].size;
  }
  pthread_mutex_lock(&c->lock);
  /* The same chain again (with a window given, or two sessions storing it at once): the
   * new entry replaces it. */
  struct entry *slot = find(c, chain, count, priority);
  if (!slot && c->n < GTLS_VERIFIED_MAX)
    slot = &c->e[c->n++];
  if (!slot) {
    slot = &c->e[0];
    for (unsigned i = 1; i < c->n; i++)
      if (c->e[i].used < slot->used)
        slot = &c->e[i];
  }
  entry_clear(slot);
  fresh.used = ++c->tick;
  *slot = fresh;
  pthread_mutex_unlock(&c->lock);
}

static struct entry *find(struct gtls_verified *c, const gnutls_datum_t *chain, unsigned count,
                          const char *priority)
{
  for (unsigned i = 0; i < c->n; i++)
    if (same_chain(&c->e[i], chain, count, priority))
      return &c->e[i];
  return NULL;
}

bool gtls_verified_copy_names(struct gtls_verified *c, const gnutls_datum_t *chain,
                              unsigned count, const char *priority, struct cassl_cert_names *out)
{
  if (!c)
    return false;
  bool copied = false;
  pthread_mutex_lock(&c->lock);
  struct entry *e = find(c, chain, count, priority);
  if (e && e->has_names) {
    copied = cassl_names_copy(out, &e->names) == CASS_OK;
    if (!copied)
      cassl_names_clear(out);
  }
  pthread_mutex_unlock(&c->lock);
  return copied;
}

void gtls_verified_keep_names(struct gtls_verified *c, const gnutls_datum_t *chain,
                              unsigned count, const char *priority,
                              const struct cassl_cert_names *names)
{
  if (!c)
    return;
  pthread_mutex_lock(&c->lock);
  struct entry *e = find(c, chain, count, priority);
  if (e && !e->has_names) {
    e->has_names = cassl_names_copy(&e->names, names) == CASS_OK;
    if (!e->has_names)
      cassl_names_clear(&e->names);
  }
  pthread_mutex_unlock(&c->lock);
}

/* Narrows [*nb, *na] to a certificate's validity. */
static bool narrow_crt(gnutls_x509_crt_t crt, time_t *nb, time_t *na)
{
  time_t from = gnutls_x509_crt_get_activation_time(crt);
  time_t until = gnutls_x509_crt_get_expiration_time(crt);
  if (from == (time_t)-1 || until == (time_t)-1)
    return false;
  if (from > *nb)
    *nb = from;
  if (until < *na)
    *na = until;
  return true;
}

bool gtls_verified_window(const gnutls_datum_t *chain, unsigned count,
                          gnutls_certificate_credentials_t cred, const struct gtls_gen_parts *parts,
                          time_t *not_before, time_t *not_after)
{
  enum { MAX_SENT = 16 };
  if (count == 0 || count > MAX_SENT)
    return false;
  time_t nb = (time_t)INT64_MIN, na = (time_t)INT64_MAX;
  gnutls_x509_crt_t sent[MAX_SENT] = { 0 };
  unsigned nsent = 0;
  bool ok = true;
  for (; nsent < count && ok; nsent++) {
    ok = gnutls_x509_crt_init(&sent[nsent]) >= 0;
    if (!ok)
      break;
    ok = gnutls_x509_crt_import(sent[nsent], &chain[nsent], GNUTLS_X509_FMT_DER) >= 0 &&
         narrow_crt(sent[nsent], &nb, &na);
  }

  gnutls_x509_trust_list_t tl = NULL;
  if (ok)
    gnutls_certificate_get_trust_list(cred, &tl);
  /* Every trusted certificate that could issue one sent: GnuTLS picks among several of the
   * same name by their validity at the time of verification, and checks the one it takes. */
  if (ok && tl) {
    gnutls_x509_trust_list_iter_t iter = NULL;
    gnutls_x509_crt_t ca;
    int ret;
    while (ok && (ret = gnutls_x509_trust_list_iter_get_ca(tl, &iter, &ca)) >= 0) {
      for (unsigned i = 0; i < nsent && ok; i++)
        if (gnutls_x509_crt_check_issuer(sent[i], ca))
          ok = narrow_crt(ca, &nb, &na);
      gnutls_x509_crt_deinit(ca);
    }
    gnutls_x509_trust_list_iter_deinit(iter);
    if (ok && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      ok = false;
    /* Issuers the iteration does not list (a PKCS#11 trust module) come from here. */
    for (unsigned i = 0; i < nsent && ok; i++) {
      gnutls_x509_crt_t issuer = NULL;
      ret = gnutls_x509_trust_list_get_issuer(tl, sent[i], &issuer, GNUTLS_TL_GET_COPY);
      if (ret >= 0) {
        ok = narrow_crt(issuer, &nb, &na);
        gnutls_x509_crt_deinit(issuer);
      } else if (ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        ok = false;
      }
    }
  }
  for (unsigned i = 0; i < nsent; i++)
    if (sent[i])
      gnutls_x509_crt_deinit(sent[i]);
  if (ok && !tl)
    ok = false;

  /* The CRLs: outside thisUpdate..nextUpdate GnuTLS may judge them otherwise. */
  for (const struct gtls_der_list *l = parts->crls; l && ok; l = l->next)
    for (unsigned i = 0; i < l->count && ok; i++) {
      gnutls_x509_crl_t crl;
      if (gnutls_x509_crl_init(&crl) < 0) {
        ok = false;
        break;
      }
      if (gnutls_x509_crl_import(crl, &l->der[i], GNUTLS_X509_FMT_DER) >= 0) {
        time_t this_update = gnutls_x509_crl_get_this_update(crl);
        time_t next_update = gnutls_x509_crl_get_next_update(crl); /* -1: none */
        if (this_update == (time_t)-1)
          ok = false;
        else if (this_update > nb)
          nb = this_update;
        if (next_update != (time_t)-1 && next_update < na)
          na = next_update;
      } else {
        ok = false;
      }
      gnutls_x509_crl_deinit(crl);
    }
  if (!ok || nb > na)
    return false;
  *not_before = nb;
  *not_after = na;
  return true;
}
