/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Credential generations: everything a session uses from its CassSsl (trust list, CRLs,
 * system trust, client certificate and key, pins), built whole and never changed after.
 *
 * A setter builds the next generation from the parts of the newest one plus its change and
 * stages it; the core publishes it (gtls_creds_commit) under the object's lock, swapping one
 * pointer. A session takes a reference to the published generation when it is created and
 * uses only that one for its whole life, so a setter never touches what a running handshake
 * reads, and a failed setter changes nothing. GnuTLS cannot copy a trust list, so each
 * generation's trust list is rebuilt from the inputs kept as DER (shared between generations
 * through reference-counted lists). */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>

#include "gtls.h"
#include "verified.h"

struct gtls_gen {
  atomic_uint refs;
  gnutls_certificate_credentials_t cred; /* trust list built from the parts below */
  struct gtls_gen_parts parts;           /* each part holds a reference */
  struct gtls_verified *verified;        /* chains verified under this generation, or NULL */
  struct gtls_gen *next;                 /* in the registry */
};

struct gtls_creds {
  pthread_mutex_t lock;       /* guards current against sessions being created */
  struct gtls_gen *current;   /* what new sessions take */
  struct gtls_gen *staged;    /* built by the last successful setter, not yet published */
  /* The last half refused for not matching the other half in force (credentials.c). */
  struct gtls_cert_half *pending_cert;
  struct gtls_key_half *pending_key;
  cassl_pin_callback pin_callback; /* for PKCS#11 sources bound from now on (setters only) */
  void *pin_userdata;
};

/* GnuTLS credentials carry no user pointer: the certificate retrieve callback finds its
 * generation here. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct gtls_gen *registry;

/* ---- DER lists ------------------------------------------------------------------------- */

struct gtls_der_list *gtls_der_list_new(unsigned count, struct gtls_der_list *next)
{
  struct gtls_der_list *l = calloc(1, sizeof *l + count * sizeof l->der[0]);
  if (!l)
    return NULL;
  atomic_init(&l->refs, 1);
  l->next = gtls_der_list_ref(next);
  return l;
}

struct gtls_der_list *gtls_der_list_ref(struct gtls_der_list *l)
{
  if (l)
    atomic_fetch_add_explicit(&l->refs, 1, memory_order_relaxed);
  return l;
}

void gtls_der_list_unref(struct gtls_der_list *l)
{
  while (l && atomic_fetch_sub_explicit(&l->refs, 1, memory_order_acq_rel) == 1) {
    struct gtls_der_list *next = l->next;
    for (unsigned i = 0; i < l->count; i++)
      gnutls_free(l->der[i].data);
    free(l);
    l = next;
  }
}

/* ---- parts ----------------------------------------------------------------------------- */

static void parts_ref(struct gtls_gen_parts *p)
{
  gtls_der_list_ref(p->trusted);
  gtls_der_list_ref(p->crls);
  gtls_der_list_ref(p->bound_trusted);
  gtls_der_list_ref(p->bound_crls);
  gtls_cert_half_ref(p->cert);
  gtls_key_half_ref(p->key);
  gtls_pins_ref(p->pins);
}

static void parts_unref(struct gtls_gen_parts *p)
{
  gtls_der_list_unref(p->trusted);
  gtls_der_list_unref(p->crls);
  gtls_der_list_unref(p->bound_trusted);
  gtls_der_list_unref(p->bound_crls);
  gtls_cert_half_unref(p->cert);
  gtls_key_half_unref(p->key);
  gtls_pins_unref(p->pins);
}

/* ---- building a generation ------------------------------------------------------------- */

static CassError add_trusted(gnutls_certificate_credentials_t cred,
                             const struct gtls_der_list *l, cassl_errmsg *err)
{
  for (; l; l = l->next) {
    gnutls_x509_crt_t *crts = calloc(l->count ? l->count : 1, sizeof *crts);
    if (!crts)
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
    unsigned n = 0;
    int ret = 0;
    for (; n < l->count && ret >= 0; n++) {
      if ((ret = gnutls_x509_crt_init(&crts[n])) < 0)
        break;
      ret = gnutls_x509_crt_import(crts[n], &l->der[n], GNUTLS_X509_FMT_DER);
    }
    /* set_x509_trust, not _mem (which drops repeats): every certificate added counts. */
    if (ret >= 0)
      ret = gnutls_certificate_set_x509_trust(cred, crts, (int)n);
    for (unsigned i = 0; i < n; i++)
      gnutls_x509_crt_deinit(crts[i]);
    free(crts);
    if (ret < 0)
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot add trusted certificates: %s",
                        gnutls_strerror(ret));
  }
  return CASS_OK;
}

static CassError add_crls(gnutls_certificate_credentials_t cred, const struct gtls_der_list *l,
                          cassl_errmsg *err)
{
  gnutls_x509_trust_list_t tl;
  gnutls_certificate_get_trust_list(cred, &tl);
  for (; l; l = l->next)
    for (unsigned i = 0; i < l->count; i++) {
      gnutls_x509_crl_t crl;
      int ret = gnutls_x509_crl_init(&crl);
      if (ret >= 0 && (ret = gnutls_x509_crl_import(crl, &l->der[i], GNUTLS_X509_FMT_DER)) < 0)
        gnutls_x509_crl_deinit(crl);
      /* The trust list owns the CRL from here on (freed by it on failure too). */
      if (ret >= 0)
        ret = gnutls_x509_trust_list_add_crls(tl, &crl, 1, GNUTLS_TL_USE_IN_TLS, 0);
      if (ret < 0)
        return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot add the CRL: %s",
                          gnutls_strerror(ret));
    }
  return CASS_OK;
}

static void registry_add(struct gtls_gen *gen)
{
  pthread_mutex_lock(&registry_lock);
  gen->next = registry;
  registry = gen;
  pthread_mutex_unlock(&registry_lock);
}

static void registry_remove(struct gtls_gen *gen)
{
  pthread_mutex_lock(&registry_lock);
  for (struct gtls_gen **pp = &registry; *pp; pp = &(*pp)->next)
    if (*pp == gen) {
      *pp = gen->next;
      break;
    }
  pthread_mutex_unlock(&registry_lock);
}

void gtls_gen_release(struct gtls_gen *gen)
{
  if (!gen || atomic_fetch_sub_explicit(&gen->refs, 1, memory_order_acq_rel) != 1)
    return;
  registry_remove(gen);
  gtls_verified_free(gen->verified);
  if (gen->cred)
    gnutls_certificate_free_credentials(gen->cred);
  parts_unref(&gen->parts); /* the key half wipes the key when its last holder goes */
  free(gen);
}

/* Gives the session its own copy of its generation's pair (none = an empty Certificate);
 * GnuTLS frees the copies with the session (GNUTLS_CERT_RETR_DEINIT_ALL). */
static int gtls_retrieve(gnutls_session_t session __attribute__((unused)),
                         const struct gnutls_cert_retr_st *info, gnutls_pcert_st **certs,
                         unsigned int *certs_length, gnutls_ocsp_data_st **ocsp,
                         unsigned int *ocsp_length, gnutls_privkey_t *privkey,
                         unsigned int *flags)
{
  *certs = NULL;
  *certs_length = 0;
  *ocsp = NULL;
  *ocsp_length = 0;
  *privkey = NULL;
  *flags = GNUTLS_CERT_RETR_DEINIT_ALL;
  /* The session holds a reference to the generation, so it stays registered meanwhile. */
  pthread_mutex_lock(&registry_lock);
  struct gtls_gen *gen = registry;
  while (gen && gen->cred != info->cred)
    gen = gen->next;
  pthread_mutex_unlock(&registry_lock);
  if (!gen || !gen->parts.cert || !gen->parts.key)
    return 0;
  return gtls_copy_pair(gen->parts.cert, gen->parts.key, certs, certs_length, privkey);
}

/* A generation of the given parts (each gains a reference). */
static CassError gen_build(const struct gtls_gen_parts *parts, struct gtls_gen **out,
                           cassl_errmsg *err)
{
  *out = NULL;
  struct gtls_gen *gen = calloc(1, sizeof *gen);
  if (!gen)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  atomic_init(&gen->refs, 1);
  gen->parts = *parts;
  parts_ref(&gen->parts);
  CassError rc = CASS_OK;
  int ret = gnutls_certificate_allocate_credentials(&gen->cred);
  if (ret < 0) {
    gen->cred = NULL;
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot allocate GnuTLS credentials: %s",
                    gnutls_strerror(ret));
  }
  if (rc == CASS_OK)
    rc = add_trusted(gen->cred, parts->trusted, err);
  if (rc == CASS_OK)
    rc = add_trusted(gen->cred, parts->bound_trusted, err);
  if (rc == CASS_OK && parts->system_trust) {
    ret = gnutls_certificate_set_x509_system_trust(gen->cred);
    if (ret <= 0)
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "cannot load the system's trusted CAs again: %s",
                      ret < 0 ? gnutls_strerror(ret) : "the store is empty now");
  }
  if (rc == CASS_OK)
    rc = add_crls(gen->cred, parts->crls, err);
  if (rc == CASS_OK)
    rc = add_crls(gen->cred, parts->bound_crls, err);
  if (rc != CASS_OK) {
    gtls_gen_release(gen);
    return rc;
  }
  gnutls_certificate_set_retrieve_function3(gen->cred, gtls_retrieve);
  gen->verified = gtls_verified_new(); /* out of memory: nothing is cached */
  registry_add(gen);
  *out = gen;
  return CASS_OK;
}

/* ---- the credentials object ------------------------------------------------------------ */

CassError gtls_creds_new(void **creds, cassl_errmsg *err)
{
  *creds = NULL;
  struct gtls_creds *c = calloc(1, sizeof *c);
  if (!c)
    return cassl_fail(err, CASS_ERROR_LIB_UNABLE_TO_INIT, "out of memory");
  struct gtls_gen_parts none = { 0 };
  cassl_errmsg why;
  if (gen_build(&none, &c->current, &why) != CASS_OK) {
    free(c);
    return cassl_fail(err, CASS_ERROR_LIB_UNABLE_TO_INIT, "%s", why.text);
  }
  pthread_mutex_init(&c->lock, NULL);
  *creds = c;
  return CASS_OK;
}

void gtls_creds_free(void *creds)
{
  struct gtls_creds *c = creds;
  if (!c)
    return;
  gtls_gen_release(c->current);
  gtls_gen_release(c->staged);
  gtls_cert_half_unref(c->pending_cert);
  gtls_key_half_unref(c->pending_key);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

/* Setters run one at a time (the core serialises them) and read the newest parts. */
const struct gtls_gen_parts *gtls_creds_parts(void *creds)
{
  struct gtls_creds *c = creds;
  return c->staged ? &c->staged->parts : &c->current->parts;
}

CassError gtls_creds_stage(void *creds, const struct gtls_gen_parts *parts, cassl_errmsg *err)
{
  struct gtls_creds *c = creds;
  struct gtls_gen *gen;
  CassError rc = gen_build(parts, &gen, err);
  if (rc != CASS_OK)
    return rc;
  gtls_gen_release(c->staged);
  c->staged = gen;
  return CASS_OK;
}

void gtls_creds_commit(void *creds)
{
  struct gtls_creds *c = creds;
  if (!c->staged)
    return;
  pthread_mutex_lock(&c->lock);
  struct gtls_gen *old = c->current;
  c->current = c->staged;
  pthread_mutex_unlock(&c->lock);
  c->staged = NULL;
  gtls_gen_release(old); /* sessions still using it keep it alive */
}

void gtls_creds_set_pin_callback(void *creds, cassl_pin_callback callback, void *userdata)
{
  struct gtls_creds *c = creds;
  c->pin_callback = callback;
  c->pin_userdata = userdata;
}

void gtls_creds_pin_callback(void *creds, cassl_pin_callback *callback, void **userdata)
{
  const struct gtls_creds *c = creds;
  *callback = c->pin_callback;
  *userdata = c->pin_userdata;
}

void gtls_creds_discard(void *creds)
{
  struct gtls_creds *c = creds;
  gtls_gen_release(c->staged);
  c->staged = NULL;
}

struct gtls_gen *gtls_creds_acquire(void *creds)
{
  struct gtls_creds *c = creds;
  pthread_mutex_lock(&c->lock);
  struct gtls_gen *gen = c->current;
  atomic_fetch_add_explicit(&gen->refs, 1, memory_order_relaxed);
  pthread_mutex_unlock(&c->lock);
  return gen;
}

gnutls_certificate_credentials_t gtls_creds_newest_certificate(void *creds)
{
  struct gtls_creds *c = creds;
  return (c->staged ? c->staged : c->current)->cred;
}

gnutls_certificate_credentials_t gtls_gen_certificate(const struct gtls_gen *gen)
{
  return gen->cred;
}

const struct gtls_gen_parts *gtls_gen_parts(const struct gtls_gen *gen)
{
  return &gen->parts;
}

struct gtls_verified *gtls_gen_verified(const struct gtls_gen *gen)
{
  return gen->verified;
}

struct gtls_cert_half **gtls_creds_pending_cert(void *creds)
{
  return &((struct gtls_creds *)creds)->pending_cert;
}

struct gtls_key_half **gtls_creds_pending_key(void *creds)
{
  return &((struct gtls_creds *)creds)->pending_key;
}
