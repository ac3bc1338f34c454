/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The "built without TLS" backend: objects exist so applications link and run, and every
 * operation says CASS_ERROR_LIB_NOT_IMPLEMENTED. */
#include "config.h"

#include "backend.h"

static CassError none_unavailable(cassl_errmsg *err)
{
  return cassl_fail(err, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                    "libcassl was built without TLS (--with-tls=none)");
}

static const char *none_version(void)
{
  return "none";
}

static CassError none_global_init(cassl_errmsg *err)
{
  return CASS_OK;
}

static void none_global_deinit(void)
{
}

/* No state: a non-NULL token so the core's bookkeeping stays uniform. */
static CassError none_creds_new(void **creds, cassl_errmsg *err)
{
  static int token;
  *creds = &token;
  return CASS_OK;
}

static void none_creds_free(void *creds)
{
}

static CassError none_creds_add_trusted(void *creds, const char *pem, size_t len,
                                        cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_creds_set_cert(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_creds_set_key(void *creds, const char *pem, size_t len,
                                    const char *password, size_t password_len, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_check_priority(const char *priority, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_session_new(void **session, const struct cassl_session_params *params,
                                  cassl_errmsg *err)
{
  *session = NULL;
  return none_unavailable(err);
}

static void none_session_free(void *session)
{
}

static CassError none_session_handshake(void *session, bool *done, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_session_read(void *session, void *buf, size_t cap, size_t *n,
                                   cassl_errmsg *err)
{
  *n = 0;
  return none_unavailable(err);
}

static CassError none_session_write(void *session, const void *buf, size_t len, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_session_close(void *session, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static size_t none_session_peer_cert_count(void *session)
{
  return 0;
}

static CassError none_session_peer_cert(void *session, size_t idx, const unsigned char **der,
                                        size_t *len)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

static CassError none_session_verify_chain(void *session, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_session_peer_names(void *session, struct cassl_cert_names *names,
                                         cassl_errmsg *err)
{
  return none_unavailable(err);
}

static void none_session_info(void *session, cassl_session_info *info)
{
}

static CassError none_creds_set_pkcs12(void *creds, const void *data, size_t len,
                                       const char *password, size_t password_len,
                                       cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_creds_add_system_trust(void *creds, unsigned *added, cassl_errmsg *err)
{
  *added = 0;
  return none_unavailable(err);
}

static CassError none_creds_add_crl(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_creds_add_pins(void *creds, const char *pins, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static void none_creds_commit(void *creds)
{
}

static CassError none_session_verify_pins(void *session, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_session_get_resume_data(void *session, void **data, size_t *len,
                                              bool *single_use, cassl_errmsg *err)
{
  *data = NULL;
  *len = 0;
  *single_use = false;
  return none_unavailable(err);
}

static CassError none_session_set_resume_data(void *session, const void *data, size_t len,
                                              cassl_errmsg *err)
{
  return none_unavailable(err);
}

/* No session ever exists here (no CASSL_CAP_TLS), so there is nothing to reject. */
static void none_session_reject(void *session, enum cassl_reject_reason why)
{
}

static CassError none_file_read(const void *data, size_t len, const char *password,
                                struct cassl_file_info *info, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_creds_bind_pair(void *creds, const struct cassl_source *cert,
                                      const struct cassl_source *key, const char *password,
                                      size_t password_len, cassl_errmsg *err)
{
  return none_unavailable(err);
}

static CassError none_creds_bind_source(void *creds, const struct cassl_source *src,
                                        cassl_errmsg *err)
{
  return none_unavailable(err);
}

/* Nothing is ever staged here. */
static void none_creds_discard(void *creds)
{
}

static void none_creds_set_pin_callback(void *creds, cassl_pin_callback callback,
                                        void *userdata)
{
}

static CassError none_url_read(const char *url, struct cassl_file_info *info,
                               cassl_errmsg *err)
{
  return none_unavailable(err);
}

const struct cassl_backend cassl_backend_impl = {
  .abi_version = CASSL_BACKEND_ABI,
  .name = "none",
  .caps = 0,
  .version = none_version,
  .global_init = none_global_init,
  .global_deinit = none_global_deinit,
  .creds_new = none_creds_new,
  .creds_free = none_creds_free,
  .creds_commit = none_creds_commit,
  .creds_add_trusted = none_creds_add_trusted,
  .creds_set_cert = none_creds_set_cert,
  .creds_set_key = none_creds_set_key,
  .check_priority = none_check_priority,
  .session_new = none_session_new,
  .session_free = none_session_free,
  .session_handshake = none_session_handshake,
  .session_read = none_session_read,
  .session_write = none_session_write,
  .session_close = none_session_close,
  .session_peer_cert_count = none_session_peer_cert_count,
  .session_peer_cert = none_session_peer_cert,
  .session_verify_chain = none_session_verify_chain,
  .session_peer_names = none_session_peer_names,
  .session_info = none_session_info,
  .creds_set_pkcs12 = none_creds_set_pkcs12,
  .creds_add_system_trust = none_creds_add_system_trust,
  .creds_add_crl = none_creds_add_crl,
  .creds_add_pins = none_creds_add_pins,
  .session_verify_pins = none_session_verify_pins,
  .session_get_resume_data = none_session_get_resume_data,
  .session_set_resume_data = none_session_set_resume_data,
  .session_reject = none_session_reject,
  .file_read = none_file_read,
  .creds_bind_pair = none_creds_bind_pair,
  .creds_bind_trust = none_creds_bind_source,
  .creds_bind_crls = none_creds_bind_source,
  .creds_discard = none_creds_discard,
  .creds_set_pin_callback = none_creds_set_pin_callback,
  .url_read = none_url_read,
};
