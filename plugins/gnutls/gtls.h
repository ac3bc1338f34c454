/* Internal interface between the files of the GnuTLS backend. */
#ifndef CASSL_GTLS_H
#define CASSL_GTLS_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "backend.h"
#include "pkcs8_schemes.h"

struct gtls_pins;

/* credentials.c: trusted certificates, client certificate chain and key. */
CassError gtls_creds_new(void **creds, cassl_errmsg *err);
void gtls_creds_free(void *creds);
CassError gtls_creds_add_trusted(void *creds, const char *pem, size_t len, cassl_errmsg *err);
CassError gtls_creds_set_cert(void *creds, const char *pem, size_t len, cassl_errmsg *err);
CassError gtls_creds_set_key(void *creds, const char *pem, size_t len, const char *password,
                             size_t password_len, cassl_errmsg *err);
/* The certificate credentials a client session uses (trust + client certificate). */
gnutls_certificate_credentials_t gtls_creds_certificate(void *creds);
/* A parsed chain (leaf first, kept by the caller) and its key (owned from now on, freed on
 * failure too) together: they must match, then replace the pair in force (PKCS#12). */
CassError gtls_creds_set_pair(void *creds, gnutls_x509_crt_t *crts, unsigned count,
                              gnutls_x509_privkey_t key, cassl_errmsg *err);
/* The public-key pins of these credentials (pins.c). */
struct gtls_pins *gtls_creds_pins(void *creds);
/* A NUL-terminated copy of exactly len bytes (NULL when out of memory). */
char *gtls_copy_terminated(const char *data, size_t len);
/* Wipes len bytes of buf and frees it; NULL is fine. */
void gtls_free_secret(char *buf, size_t len);
/* The password rule of every setter: exactly password_len bytes, trailing NULs dropped, an
 * inner NUL refused (INVALID_PRIVATE_KEY); *out is a terminated copy or NULL for none. */
CassError gtls_password_copy(const char *password, size_t password_len, char **out,
                             size_t *out_len, cassl_errmsg *err);

/* pkcs12.c: key, leaf and chain from a PKCS#12 file (DER or PEM). */
CassError gtls_creds_set_pkcs12(void *creds, const void *data, size_t len, const char *password,
                                size_t password_len, cassl_errmsg *err);

/* trust.c: the system's trusted CAs and revocation lists. */
CassError gtls_creds_add_system_trust(void *creds, unsigned *added, cassl_errmsg *err);
CassError gtls_creds_add_crl(void *creds, const char *pem, size_t len, cassl_errmsg *err);

/* pins.c: public-key pins in curl's form, checked against the server's leaf. */
struct gtls_pins *gtls_pins_new(void);
void gtls_pins_free(struct gtls_pins *pins);
CassError gtls_creds_add_pins(void *creds, const char *pins, cassl_errmsg *err);
CassError gtls_session_verify_pins(void *session, void *creds, cassl_errmsg *err);

/* priority.c: the system policy, minimum version and cassl_ssl_set_priority override. */
CassError gtls_check_priority(const char *priority, cassl_errmsg *err);
CassError gtls_apply_priority(gnutls_session_t session, int min_version, int max_version,
                              const char *priority,
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
/* The alert session_reject sends when the core refuses the chain (set by verify.c). */
void gtls_session_set_chain_alert(void *session, gnutls_alert_description_t alert);
/* The fatal alert for a server the core refused (CASSL_REJECT_*). */
void gtls_session_reject(void *session, enum cassl_reject_reason why);
/* Resumption data (gnutls_session_get_data2 / gnutls_session_set_data). */
CassError gtls_session_get_resume_data(void *session, void **data, size_t *len,
                                       cassl_errmsg *err);
CassError gtls_session_set_resume_data(void *session, const void *data, size_t len,
                                       cassl_errmsg *err);

/* verify.c: the peer's chain and names. */
size_t gtls_session_peer_cert_count(void *session);
CassError gtls_session_peer_cert(void *session, size_t idx, const unsigned char **der,
                                 size_t *len);
CassError gtls_session_verify_chain(void *session, cassl_errmsg *err);
CassError gtls_session_peer_names(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err);
/* Whether the handshake error ret means GnuTLS could not parse the server's certificate
 * (then it stops the handshake itself, whatever the verify flags), and the sentence for it. */
bool gtls_peer_cert_unparsable(void *session, int ret);
CassError gtls_fail_unparsable_peer_cert(int ret, cassl_errmsg *err);

#endif
