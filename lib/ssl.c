/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl_ssl object: configuration shared by every session made from it, and the
 * process-wide initialisation of the TLS library. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ssl_object.h"

/* ---- process-wide initialisation ----------------------------------------------------- */

static pthread_mutex_t global_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned global_refs;  /* the application's cassl_global_init calls not yet matched */
static bool library_ref;      /* cassl_ssl_new's own initialisation, never released */

/* Takes the application's reference (library false) or the library's own (true); the TLS
 * library is initialised when the first of either is taken. */
static CassError global_acquire(bool library)
{
  cassl_errmsg msg = { "" };
  CassError rc = CASS_OK;
  pthread_mutex_lock(&global_lock);
  if (global_refs == 0 && !library_ref)
    rc = cassl_backend_impl.global_init(&msg);
  if (rc == CASS_OK) {
    if (library)
      library_ref = true;
    else
      global_refs++;
  }
  pthread_mutex_unlock(&global_lock);
  if (rc != CASS_OK)
    cassl_note_thread_error(rc, &msg);
  return rc;
}

CASSL_EXPORT CassError cassl_global_init(void)
{
  return global_acquire(false);
}

/* Only the application's references can be dropped here: the library's own is out of its
 * reach, so unmatched calls never deinitialise the TLS library under a live object. */
CASSL_EXPORT void cassl_global_cleanup(void)
{
  pthread_mutex_lock(&global_lock);
  if (global_refs > 0 && --global_refs == 0 && !library_ref)
    cassl_backend_impl.global_deinit();
  pthread_mutex_unlock(&global_lock);
}

/* cassl_ssl_new's initialisation: once per process, never released (the driver's
 * cass_ssl_new has no matching cleanup). */
static pthread_once_t implicit_once = PTHREAD_ONCE_INIT;
static CassError implicit_status = CASS_OK;

static void implicit_init(void)
{
  implicit_status = global_acquire(true);
}

/* ---- the object ---------------------------------------------------------------------- */

static cassl_ssl *ssl_create(void)
{
  const struct cassl_backend *be = &cassl_backend_impl;
  if (be->abi_version != CASSL_BACKEND_ABI)
    return NULL;
  cassl_ssl *ssl = calloc(1, sizeof *ssl);
  if (!ssl) {
    cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, NULL);
    return NULL;
  }
  cassl_errmsg msg = { "" };
  CassError rc = be->creds_new(&ssl->creds, &msg);
  if (rc != CASS_OK) {
    cassl_note_thread_error(rc, &msg);
    free(ssl);
    return NULL;
  }
  atomic_init(&ssl->refs, 1);
  pthread_mutex_init(&ssl->lock, NULL);
  pthread_mutex_init(&ssl->setter_lock, NULL);
  cassl_session_cache_init(&ssl->sessions);
  ssl->backend = be;
  ssl->verify_flags = CASS_SSL_VERIFY_PEER_CERT;
  ssl->min_version = CASS_SSL_VERSION_TLS1_2;
  ssl->max_version = CASSL_SSL_VERSION_TLS1_3;
  return ssl;
}

CASSL_EXPORT cassl_ssl *cassl_ssl_new(void)
{
  pthread_once(&implicit_once, implicit_init);
  if (implicit_status != CASS_OK)
    return NULL;
  return ssl_create();
}

CASSL_EXPORT cassl_ssl *cassl_ssl_new_no_lib_init(void)
{
  return ssl_create();
}

void cassl_ssl_ref(cassl_ssl *ssl)
{
  atomic_fetch_add_explicit(&ssl->refs, 1, memory_order_relaxed);
}

void cassl_ssl_unref(cassl_ssl *ssl)
{
  if (atomic_fetch_sub_explicit(&ssl->refs, 1, memory_order_acq_rel) != 1)
    return;
  cassl_session_cache_destroy(&ssl->sessions);
  cassl_bindings_free(&ssl->files);
  cassl_block_pool_drain(&ssl->blocks);
  ssl->backend->creds_free(ssl->creds);
  free(ssl->priority);
  pthread_mutex_destroy(&ssl->lock);
  pthread_mutex_destroy(&ssl->setter_lock);
  free(ssl);
}

CASSL_EXPORT void cassl_ssl_free(cassl_ssl *ssl)
{
  if (ssl)
    cassl_ssl_unref(ssl);
}

/* ---- the shape of every setter ------------------------------------------------------- */

void cassl_setter_begin(cassl_ssl *ssl, cassl_errmsg *msg, enum ssl_work work)
{
  msg->text[0] = '\0';
  pthread_mutex_lock(&ssl->setter_lock);
  if (work == FIELDS)
    pthread_mutex_lock(&ssl->lock);
}

/* On success publishes what the backend staged (a failed setter changes no configuration);
 * drops resumption data when the change asks for it; records the outcome in last_error
 * (cleared on success) and in the thread's last error, and releases the locks. */
CassError cassl_setter_end(cassl_ssl *ssl, CassError rc, const cassl_errmsg *msg,
                            enum ssl_change change, enum ssl_work work)
{
  if (work == BACKEND)
    pthread_mutex_lock(&ssl->lock);
  if (rc == CASS_OK)
    ssl->backend->creds_commit(ssl->creds);
  /* Whatever the outcome: dropping costs only a full handshake, and the rule stays simple. */
  if (change == DROPS_RESUMPTION)
    cassl_session_cache_clear(&ssl->sessions);
  if (rc == CASS_OK) {
    ssl->last_error.text[0] = '\0';
  } else if (msg->text[0]) {
    ssl->last_error = *msg;
  } else {
    cassl_fail(&ssl->last_error, rc, "%s", cassl_error_desc(rc));
  }
  pthread_mutex_unlock(&ssl->lock);
  pthread_mutex_unlock(&ssl->setter_lock);
  if (rc != CASS_OK)
    cassl_note_thread_error(rc, msg);
  return rc;
}

/* A NULL object: nothing to record the sentence in but the thread's last error. */
static CassError no_object(void)
{
  cassl_errmsg msg;
  cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "no cassl_ssl object (NULL)");
  cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &msg);
  return CASS_ERROR_LIB_BAD_PARAMS;
}

static CassError no_tls(cassl_errmsg *msg)
{
  return cassl_fail(msg, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                    "libcassl was built without TLS (--with-tls=none)");
}

/* ---- the driver's setters ------------------------------------------------------------ */

CASSL_EXPORT CassError cassl_ssl_add_trusted_cert(cassl_ssl *ssl, const char *cert)
{
  return cassl_ssl_add_trusted_cert_n(ssl, cert, cert ? strlen(cert) : 0);
}

CASSL_EXPORT CassError cassl_ssl_add_trusted_cert_n(cassl_ssl *ssl, const char *cert,
                                                    size_t cert_length)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = cert ? ssl->backend->creds_add_trusted(ssl->creds, cert, cert_length, &msg)
                      : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT, "no certificate given (NULL)");
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

CASSL_EXPORT void cassl_ssl_set_verify_flags(cassl_ssl *ssl, int flags)
{
  if (!ssl)
    return;
  pthread_mutex_lock(&ssl->lock);
  ssl->verify_flags = flags;
  pthread_mutex_unlock(&ssl->lock);
}

CASSL_EXPORT CassError cassl_ssl_set_cert(cassl_ssl *ssl, const char *cert)
{
  return cassl_ssl_set_cert_n(ssl, cert, cert ? strlen(cert) : 0);
}

CASSL_EXPORT CassError cassl_ssl_set_cert_n(cassl_ssl *ssl, const char *cert, size_t cert_length)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = cert ? ssl->backend->creds_set_cert(ssl->creds, cert, cert_length, &msg)
                      : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT, "no certificate given (NULL)");
  if (rc == CASS_OK)
    cassl_bindings_forget_pair(&ssl->files); /* the pair is the application's again */
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

CASSL_EXPORT CassError cassl_ssl_set_private_key(cassl_ssl *ssl, const char *key,
                                                 const char *password)
{
  return cassl_ssl_set_private_key_n(ssl, key, key ? strlen(key) : 0, password,
                                     password ? strlen(password) : 0);
}

CASSL_EXPORT CassError cassl_ssl_set_private_key_n(cassl_ssl *ssl, const char *key,
                                                   size_t key_length, const char *password,
                                                   size_t password_length)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = key ? ssl->backend->creds_set_key(ssl->creds, key, key_length, password,
                                                   password ? password_length : 0, &msg)
                     : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                                  "no private key given (NULL)");
  if (rc == CASS_OK)
    cassl_bindings_forget_pair(&ssl->files);
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

/* ---- protocol versions and priorities ------------------------------------------------ */

static const char *version_name(int version)
{
  switch (version) {
  case CASS_SSL_VERSION_TLS1: return "TLS 1.0";
  case CASS_SSL_VERSION_TLS1_1: return "TLS 1.1";
  case CASS_SSL_VERSION_TLS1_2: return "TLS 1.2";
  default: return "TLS 1.3";
  }
}

/* Checks a version against the build; caller holds the lock. */
static CassError version_available(const cassl_ssl *ssl, int version, cassl_errmsg *msg)
{
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    return no_tls(msg);
  if (version == CASSL_SSL_VERSION_TLS1_3 && !(ssl->backend->caps & CASSL_CAP_TLS13))
    return cassl_fail(msg, CASS_ERROR_LIB_NOT_IMPLEMENTED, "this build has no TLS 1.3");
  return CASS_OK;
}

CASSL_EXPORT CassError cassl_ssl_set_min_protocol_version(cassl_ssl *ssl, int min_version)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, FIELDS);
  CassError rc = CASS_OK;
  /* The driver's API knows TLS 1.0 to 1.2 only: its name passes TLS 1.3 as a marker. */
  if (min_version == CASSL_SSL_VERSION_TLS1_3_FROM_DRIVER_API_)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "unknown minimum protocol version %d (use cassl_ssl_set_min_protocol_version "
                    "for TLS 1.3)", CASSL_SSL_VERSION_TLS1_3);
  else if (!(ssl->backend->caps & CASSL_CAP_TLS))
    rc = no_tls(&msg);
  else if (min_version < CASS_SSL_VERSION_TLS1 || min_version > CASSL_SSL_VERSION_TLS1_3)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "unknown minimum protocol version %d",
                    min_version);
  else if ((rc = version_available(ssl, min_version, &msg)) != CASS_OK)
    ;
  else if (min_version > ssl->max_version)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "minimum protocol version %s is above the maximum %s",
                    version_name(min_version), version_name(ssl->max_version));
  else
    ssl->min_version = min_version;
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, FIELDS);
}

CASSL_EXPORT CassError cassl_ssl_set_max_protocol_version(cassl_ssl *ssl, int max_version)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, FIELDS);
  CassError rc = CASS_OK;
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    rc = no_tls(&msg);
  else if (max_version != CASS_SSL_VERSION_TLS1_2 && max_version != CASSL_SSL_VERSION_TLS1_3)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "unknown maximum protocol version %d (TLS 1.2 or TLS 1.3)", max_version);
  else if ((rc = version_available(ssl, max_version, &msg)) != CASS_OK)
    ;
  else if (max_version < ssl->min_version)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "maximum protocol version %s is below the minimum %s",
                    version_name(max_version), version_name(ssl->min_version));
  else
    ssl->max_version = max_version;
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, FIELDS);
}

CASSL_EXPORT CassError cassl_ssl_set_priority(cassl_ssl *ssl, const char *priority)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, FIELDS);
  CassError rc = CASS_OK;
  char *copy = NULL;
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    rc = no_tls(&msg);
  else if (priority) {
    rc = ssl->backend->check_priority(priority, &msg);
    if (rc == CASS_OK && !(copy = strdup(priority)))
      rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  }
  if (rc == CASS_OK) {
    free(ssl->priority);
    ssl->priority = copy;
  }
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, FIELDS);
}

/* ---- beyond the driver: PKCS#12, system trust, CRLs, pins ---------------------------- */

CASSL_EXPORT CassError cassl_ssl_set_pkcs12_n(cassl_ssl *ssl, const void *data, size_t length,
                                              const char *password, size_t password_length)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = data ? ssl->backend->creds_set_pkcs12(ssl->creds, data, length, password,
                                                       password ? password_length : 0, &msg)
                      : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT,
                                   "no PKCS#12 data given (NULL)");
  if (rc == CASS_OK)
    cassl_bindings_forget_pair(&ssl->files);
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

CASSL_EXPORT CassError cassl_ssl_add_system_trust(cassl_ssl *ssl, unsigned *added)
{
  if (added)
    *added = 0;
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  unsigned count = 0;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = ssl->backend->creds_add_system_trust(ssl->creds, &count, &msg);
  rc = cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
  if (added)
    *added = count;
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_add_crl(cassl_ssl *ssl, const char *pem)
{
  return cassl_ssl_add_crl_n(ssl, pem, pem ? strlen(pem) : 0);
}

CASSL_EXPORT CassError cassl_ssl_add_crl_n(cassl_ssl *ssl, const char *pem, size_t length)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = pem ? ssl->backend->creds_add_crl(ssl->creds, pem, length, &msg)
                     : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT, "no CRL given (NULL)");
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

CASSL_EXPORT CassError cassl_ssl_add_pinned_public_key(cassl_ssl *ssl, const char *pins)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = pins ? ssl->backend->creds_add_pins(ssl->creds, pins, &msg)
                      : cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "no pin given (NULL)");
  return cassl_setter_end(ssl, rc, &msg, KEEPS_RESUMPTION, BACKEND);
}

/* ---- beyond the driver: resumption --------------------------------------------------- */

static CassError resumption_unavailable(const cassl_ssl *ssl, cassl_errmsg *msg)
{
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    return no_tls(msg);
  return cassl_fail(msg, CASS_ERROR_LIB_NOT_IMPLEMENTED, "this build cannot resume TLS sessions");
}

CASSL_EXPORT CassError cassl_ssl_set_session_resumption(cassl_ssl *ssl, cass_bool_t enabled)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, FIELDS);
  CassError rc = CASS_OK;
  if (!(ssl->backend->caps & CASSL_CAP_RESUMPTION))
    rc = resumption_unavailable(ssl, &msg);
  else
    cassl_session_cache_set_enabled(&ssl->sessions, enabled != cass_false);
  return cassl_setter_end(ssl, rc, &msg, KEEPS_RESUMPTION, FIELDS);
}

CASSL_EXPORT CassError cassl_ssl_set_session_cache_size(cassl_ssl *ssl, size_t entries)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, FIELDS);
  CassError rc = CASS_OK;
  if (!(ssl->backend->caps & CASSL_CAP_RESUMPTION))
    rc = resumption_unavailable(ssl, &msg);
  else if (entries > CASSL_SESSION_CACHE_MAX_SIZE)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "session cache size %zu is too large (at most %zu entries)", entries,
                    CASSL_SESSION_CACHE_MAX_SIZE);
  else
    cassl_session_cache_set_capacity(&ssl->sessions, entries);
  return cassl_setter_end(ssl, rc, &msg, KEEPS_RESUMPTION, FIELDS);
}

/* ---- errors and build facts ---------------------------------------------------------- */

CASSL_EXPORT const char *cassl_ssl_last_error(const cassl_ssl *ssl)
{
  return ssl ? ssl->last_error.text : "no cassl_ssl object (NULL)";
}

CASSL_EXPORT size_t cassl_ssl_copy_last_error(const cassl_ssl *ssl, char *buf, size_t cap)
{
  cassl_errmsg copy;
  if (ssl) {
    cassl_ssl *locked = (cassl_ssl *)ssl; /* the lock is not part of the object's value */
    pthread_mutex_lock(&locked->lock);
    copy = ssl->last_error;
    pthread_mutex_unlock(&locked->lock);
  } else {
    cassl_fail(&copy, CASS_ERROR_LIB_BAD_PARAMS, "no cassl_ssl object (NULL)");
  }
  size_t len = strlen(copy.text);
  if (buf && cap > 0) {
    size_t n = len < cap - 1 ? len : cap - 1;
    memcpy(buf, copy.text, n);
    buf[n] = '\0';
  }
  return len;
}

CASSL_EXPORT const char *cassl_backend_name(void)
{
  return cassl_backend_impl.name;
}

CASSL_EXPORT const char *cassl_backend_version(void)
{
  return cassl_backend_impl.version();
}
