/* The CassSsl object: configuration shared by every session made from it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ssl_object.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CassError global_status = CASS_OK;

static void global_init_once(void)
{
  global_status = cassl_backend_impl.global_init(NULL);
}

static CassSsl *ssl_create(void)
{
  const struct cassl_backend *be = &cassl_backend_impl;
  if (be->abi_version != CASSL_BACKEND_ABI)
    return NULL;
  CassSsl *ssl = calloc(1, sizeof *ssl);
  if (!ssl)
    return NULL;
  if (be->creds_new(&ssl->creds, NULL) != CASS_OK) {
    free(ssl);
    return NULL;
  }
  atomic_init(&ssl->refs, 1);
  pthread_mutex_init(&ssl->lock, NULL);
  cassl_session_cache_init(&ssl->sessions);
  ssl->backend = be;
  ssl->verify_flags = CASS_SSL_VERIFY_PEER_CERT;
  ssl->min_version = CASS_SSL_VERSION_TLS1_2;
  return ssl;
}

CASS_EXPORT CassSsl *cass_ssl_new(void)
{
  pthread_once(&global_once, global_init_once);
  if (global_status != CASS_OK)
    return NULL;
  return ssl_create();
}

CASS_EXPORT CassSsl *cass_ssl_new_no_lib_init(void)
{
  return ssl_create();
}

void cassl_ssl_ref(CassSsl *ssl)
{
  atomic_fetch_add_explicit(&ssl->refs, 1, memory_order_relaxed);
}

void cassl_ssl_unref(CassSsl *ssl)
{
  if (atomic_fetch_sub_explicit(&ssl->refs, 1, memory_order_acq_rel) != 1)
    return;
  cassl_session_cache_destroy(&ssl->sessions);
  ssl->backend->creds_free(ssl->creds);
  free(ssl->priority);
  pthread_mutex_destroy(&ssl->lock);
  free(ssl);
}

CASS_EXPORT void cass_ssl_free(CassSsl *ssl)
{
  if (ssl)
    cassl_ssl_unref(ssl);
}

/* Resumption data belongs to the trust, credentials and policy it was made under: a server
 * remembers the client certificate of the full handshake, and the negotiated parameters
 * follow the priority. Any call that may change them drops it, whatever its outcome. Verify
 * flags and pins need not: every session, resumed or not, is checked against them. */
static void ssl_config_changed(CassSsl *ssl)
{
  cassl_session_cache_clear(&ssl->sessions);
}

/* Records the outcome of a call in last_error (cleared on success); caller holds the lock. */
static CassError ssl_finish(CassSsl *ssl, CassError rc, const cassl_errmsg *msg)
{
  if (rc == CASS_OK)
    ssl->last_error.text[0] = '\0';
  else if (msg && msg->text[0])
    ssl->last_error = *msg;
  else
    cassl_fail(&ssl->last_error, rc, "%s", cassl_error_desc(rc));
  return rc;
}

CASS_EXPORT CassError cass_ssl_add_trusted_cert(CassSsl *ssl, const char *cert)
{
  return cass_ssl_add_trusted_cert_n(ssl, cert, cert ? strlen(cert) : 0);
}

CASS_EXPORT CassError cass_ssl_add_trusted_cert_n(CassSsl *ssl, const char *cert,
                                                  size_t cert_length)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  pthread_mutex_lock(&ssl->lock);
  CassError rc = cert ? ssl->backend->creds_add_trusted(ssl->creds, cert, cert_length, &msg)
                      : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT, "no certificate given (NULL)");
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASS_EXPORT void cass_ssl_set_verify_flags(CassSsl *ssl, int flags)
{
  if (!ssl)
    return;
  pthread_mutex_lock(&ssl->lock);
  ssl->verify_flags = flags;
  pthread_mutex_unlock(&ssl->lock);
}

CASS_EXPORT CassError cass_ssl_set_cert(CassSsl *ssl, const char *cert)
{
  return cass_ssl_set_cert_n(ssl, cert, cert ? strlen(cert) : 0);
}

CASS_EXPORT CassError cass_ssl_set_cert_n(CassSsl *ssl, const char *cert, size_t cert_length)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  pthread_mutex_lock(&ssl->lock);
  CassError rc = cert ? ssl->backend->creds_set_cert(ssl->creds, cert, cert_length, &msg)
                      : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT, "no certificate given (NULL)");
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASS_EXPORT CassError cass_ssl_set_private_key(CassSsl *ssl, const char *key, const char *password)
{
  return cass_ssl_set_private_key_n(ssl, key, key ? strlen(key) : 0, password,
                                    password ? strlen(password) : 0);
}

CASS_EXPORT CassError cass_ssl_set_private_key_n(CassSsl *ssl, const char *key, size_t key_length,
                                                 const char *password, size_t password_length)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  pthread_mutex_lock(&ssl->lock);
  CassError rc;
  if (!key)
    rc = cassl_fail(&msg, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "no private key given (NULL)");
  else
    rc = ssl->backend->creds_set_key(ssl->creds, key, key_length, password,
                                     password ? password_length : 0, &msg);
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_set_min_protocol_version(CassSsl *ssl, int min_version)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  CassError rc = CASS_OK;
  pthread_mutex_lock(&ssl->lock);
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    rc = cassl_fail(&msg, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                    "libcassl was built without TLS (--with-tls=none)");
  else if (min_version < CASS_SSL_VERSION_TLS1 || min_version > CASSL_SSL_VERSION_TLS1_3)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "unknown minimum protocol version %d",
                    min_version);
  else if (min_version == CASSL_SSL_VERSION_TLS1_3 && !(ssl->backend->caps & CASSL_CAP_TLS13))
    rc = cassl_fail(&msg, CASS_ERROR_LIB_NOT_IMPLEMENTED, "this build has no TLS 1.3");
  else
    ssl->min_version = min_version;
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASS_EXPORT CassError cass_ssl_set_min_protocol_version(CassSsl *ssl,
                                                        CassSslTlsVersion min_version)
{
  /* The driver's API knows TLS 1.0 to 1.2 only; TLS 1.3 goes through the cassl_ call. */
  if (ssl && (int)min_version == CASSL_SSL_VERSION_TLS1_3) {
    pthread_mutex_lock(&ssl->lock);
    cassl_errmsg msg;
    cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
               "unknown minimum protocol version %d (use cassl_ssl_set_min_protocol_version "
               "for TLS 1.3)", (int)min_version);
    CassError rc = ssl_finish(ssl, CASS_ERROR_LIB_BAD_PARAMS, &msg);
    pthread_mutex_unlock(&ssl->lock);
    return rc;
  }
  return cassl_ssl_set_min_protocol_version(ssl, (int)min_version);
}

CASSL_EXPORT CassError cassl_ssl_set_priority(CassSsl *ssl, const char *priority)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  CassError rc = CASS_OK;
  pthread_mutex_lock(&ssl->lock);
  char *copy = NULL;
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    rc = cassl_fail(&msg, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                    "libcassl was built without TLS (--with-tls=none)");
  else if (priority) {
    rc = ssl->backend->check_priority(priority, &msg);
    if (rc == CASS_OK && !(copy = strdup(priority)))
      rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  }
  if (rc == CASS_OK) {
    free(ssl->priority);
    ssl->priority = copy;
  }
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_set_pkcs12_n(CassSsl *ssl, const void *data, size_t length,
                                              const char *password, size_t password_length)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  pthread_mutex_lock(&ssl->lock);
  CassError rc = data ? ssl->backend->creds_set_pkcs12(ssl->creds, data, length, password,
                                                       password ? password_length : 0, &msg)
                      : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT,
                                   "no PKCS#12 data given (NULL)");
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_add_system_trust(CassSsl *ssl, unsigned *added)
{
  if (added)
    *added = 0;
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  unsigned count = 0;
  pthread_mutex_lock(&ssl->lock);
  CassError rc = ssl->backend->creds_add_system_trust(ssl->creds, &count, &msg);
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  if (added)
    *added = count;
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_add_crl(CassSsl *ssl, const char *pem)
{
  return cassl_ssl_add_crl_n(ssl, pem, pem ? strlen(pem) : 0);
}

CASSL_EXPORT CassError cassl_ssl_add_crl_n(CassSsl *ssl, const char *pem, size_t length)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  pthread_mutex_lock(&ssl->lock);
  CassError rc = pem ? ssl->backend->creds_add_crl(ssl->creds, pem, length, &msg)
                     : cassl_fail(&msg, CASS_ERROR_SSL_INVALID_CERT, "no CRL given (NULL)");
  ssl_config_changed(ssl);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_add_pinned_public_key(CassSsl *ssl, const char *pins)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  pthread_mutex_lock(&ssl->lock);
  CassError rc = pins ? ssl->backend->creds_add_pins(ssl->creds, pins, &msg)
                      : cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "no pin given (NULL)");
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

static CassError resumption_unavailable(const CassSsl *ssl, cassl_errmsg *msg)
{
  return cassl_fail(msg, CASS_ERROR_LIB_NOT_IMPLEMENTED, "%s",
                    ssl->backend->caps & CASSL_CAP_TLS
                        ? "this build cannot resume TLS sessions"
                        : "libcassl was built without TLS (--with-tls=none)");
}

CASSL_EXPORT CassError cassl_ssl_set_session_resumption(CassSsl *ssl, cass_bool_t enabled)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  CassError rc = CASS_OK;
  pthread_mutex_lock(&ssl->lock);
  if (!(ssl->backend->caps & CASSL_CAP_RESUMPTION))
    rc = resumption_unavailable(ssl, &msg);
  else
    cassl_session_cache_set_enabled(&ssl->sessions, enabled != cass_false);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASSL_EXPORT CassError cassl_ssl_set_session_cache_size(CassSsl *ssl, size_t entries)
{
  if (!ssl)
    return CASS_ERROR_LIB_BAD_PARAMS;
  cassl_errmsg msg = { "" };
  CassError rc = CASS_OK;
  pthread_mutex_lock(&ssl->lock);
  if (!(ssl->backend->caps & CASSL_CAP_RESUMPTION))
    rc = resumption_unavailable(ssl, &msg);
  else if (entries > CASSL_SESSION_CACHE_MAX_SIZE)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "session cache size %zu is too large (at most %zu entries)", entries,
                    CASSL_SESSION_CACHE_MAX_SIZE);
  else
    cassl_session_cache_set_capacity(&ssl->sessions, entries);
  rc = ssl_finish(ssl, rc, &msg);
  pthread_mutex_unlock(&ssl->lock);
  return rc;
}

CASSL_EXPORT const char *cassl_ssl_last_error(const CassSsl *ssl)
{
  return ssl ? ssl->last_error.text : "no CassSsl object (NULL)";
}

CASSL_EXPORT const char *cassl_backend_name(void)
{
  return cassl_backend_impl.name;
}

CASSL_EXPORT const char *cassl_backend_version(void)
{
  return cassl_backend_impl.version();
}
