/* Internal interface between the files of the GnuTLS backend. */
#ifndef CASSL_GTLS_H
#define CASSL_GTLS_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "backend.h"

/* credentials.c: trusted certificates, client certificate chain and key. */
CassError gtls_creds_new(void **creds, cassl_errmsg *err);
void gtls_creds_free(void *creds);
CassError gtls_creds_add_trusted(void *creds, const char *pem, size_t len, cassl_errmsg *err);
CassError gtls_creds_set_cert(void *creds, const char *pem, size_t len, cassl_errmsg *err);
CassError gtls_creds_set_key(void *creds, const char *pem, size_t len, const char *password,
                             size_t password_len, cassl_errmsg *err);
/* The certificate credentials a client session uses (trust + client certificate). */
gnutls_certificate_credentials_t gtls_creds_certificate(void *creds);

/* priority.c: the system policy, minimum version and cassl_ssl_set_priority override. */
CassError gtls_check_priority(const char *priority, cassl_errmsg *err);
CassError gtls_apply_priority(gnutls_session_t session, int min_version, const char *priority,
                              cassl_errmsg *err);

/* session.c: the handshake and record layer over the core's byte queues. */
CassError gtls_session_new(void **session, const struct cassl_session_params *params,
                           cassl_errmsg *err);
void gtls_session_free(void *session);
CassError gtls_session_handshake(void *session, bool *done, cassl_errmsg *err);
CassError gtls_session_read(void *session, void *buf, size_t cap, size_t *n, cassl_errmsg *err);
CassError gtls_session_write(void *session, const void *buf, size_t len, cassl_errmsg *err);
CassError gtls_session_close(void *session, cassl_errmsg *err);
void gtls_session_info(void *session, cassl_session_info *info);
gnutls_session_t gtls_session_handle(void *session);

/* verify.c: the peer's chain and names. */
size_t gtls_session_peer_cert_count(void *session);
CassError gtls_session_peer_cert(void *session, size_t idx, const unsigned char **der,
                                 size_t *len);
CassError gtls_session_verify_chain(void *session, cassl_errmsg *err);
CassError gtls_session_peer_names(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err);

#endif
