/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The GnuTLS backend's vtable: the files of plugins/gnutls/ behind one table. */
#include "config.h"

#include "gtls.h"

static const char *gtls_version(void)
{
  return gnutls_check_version(NULL);
}

static CassError gtls_global_init(cassl_errmsg *err)
{
  int ret = gnutls_global_init();
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_LIB_UNABLE_TO_INIT, "GnuTLS initialisation failed: %s",
                      gnutls_strerror(ret));
  return CASS_OK;
}

static void gtls_global_deinit(void)
{
  gtls_priority_cache_clear();
  gnutls_global_deinit();
}

const struct cassl_backend cassl_backend_impl = {
  .abi_version = CASSL_BACKEND_ABI,
  .name = "gnutls",
  .caps = CASSL_CAP_TLS | CASSL_CAP_TLS13 | CASSL_CAP_RESUMPTION | CASSL_CAP_PKCS11,
  .version = gtls_version,
  .global_init = gtls_global_init,
  .global_deinit = gtls_global_deinit,
  .creds_new = gtls_creds_new,
  .creds_free = gtls_creds_free,
  .creds_commit = gtls_creds_commit,
  .creds_add_trusted = gtls_creds_add_trusted,
  .creds_set_cert = gtls_creds_set_cert,
  .creds_set_key = gtls_creds_set_key,
  .check_priority = gtls_check_priority,
  .session_new = gtls_session_new,
  .session_free = gtls_session_free,
  .session_handshake = gtls_session_handshake,
  .session_read = gtls_session_read,
  .session_write = gtls_session_write,
  .session_close = gtls_session_close,
  .session_peer_cert_count = gtls_session_peer_cert_count,
  .session_peer_cert = gtls_session_peer_cert,
  .session_verify_chain = gtls_session_verify_chain,
  .session_peer_names = gtls_session_peer_names,
  .session_info = gtls_session_info,
  .creds_set_pkcs12 = gtls_creds_set_pkcs12,
  .creds_add_system_trust = gtls_creds_add_system_trust,
  .creds_add_crl = gtls_creds_add_crl,
  .creds_add_pins = gtls_creds_add_pins,
  .session_verify_pins = gtls_session_verify_pins,
  .session_get_resume_data = gtls_session_get_resume_data,
  .session_set_resume_data = gtls_session_set_resume_data,
  .session_reject = gtls_session_reject,
  .session_set_sink = gtls_session_set_sink,
  .file_read = gtls_file_read,
  .creds_bind_pair = gtls_creds_bind_pair,
  .creds_bind_trust = gtls_creds_bind_trust,
  .creds_bind_crls = gtls_creds_bind_crls,
  .creds_discard = gtls_creds_discard,
  .creds_set_pin_callback = gtls_creds_set_pin_callback,
  .url_read = gtls_url_read,
};
