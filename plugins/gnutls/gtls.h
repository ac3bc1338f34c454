/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Internal interface between the files of the GnuTLS backend. */
#ifndef CASSL_GTLS_H
#define CASSL_GTLS_H

#include <stdatomic.h>
#include <stdbool.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "backend.h"
#include "pkcs8_schemes.h"

struct gtls_pins;
struct gtls_cert_half;
struct gtls_key_half;
struct gtls_gen;

/* generation.c: immutable, reference-counted generations of the credentials. */
/* DER blobs (trusted certificates or CRLs) added by one setter call, chained to the earlier
 * ones; shared by the generations that include them. */
struct gtls_der_list {
  atomic_uint refs;
  struct gtls_der_list *next;
  unsigned count;
  gnutls_datum_t der[]; /* gnutls_malloc'ed data */
};
struct gtls_der_list *gtls_der_list_new(unsigned count, struct gtls_der_list *next);
struct gtls_der_list *gtls_der_list_ref(struct gtls_der_list *l);
void gtls_der_list_unref(struct gtls_der_list *l);
/* What a generation is made of (a generation holds a reference to each). */
struct gtls_gen_parts {
  struct gtls_der_list *trusted;
  struct gtls_der_list *crls;
  struct gtls_der_list *bound_trusted; /* the bound trusted file's (replaced by a reload) */
  struct gtls_der_list *bound_crls;    /* the bound CRL file's */
  bool system_trust;
  struct gtls_cert_half *cert; /* the client pair in force (matching), or both NULL */
  struct gtls_key_half *key;
  struct gtls_pins *pins;      /* NULL = none */
};
CassError gtls_creds_new(void **creds, cassl_errmsg *err);
void gtls_creds_free(void *creds);
/* For setters (one at a time): the parts of the newest generation, staged or published. */
const struct gtls_gen_parts *gtls_creds_parts(void *creds);
/* The trust list of the newest generation, read by setters (CRL issuers). */
gnutls_certificate_credentials_t gtls_creds_newest_certificate(void *creds);
/* Builds a generation of parts and stages it for gtls_creds_commit; nothing changes on
 * failure. */
CassError gtls_creds_stage(void *creds, const struct gtls_gen_parts *parts, cassl_errmsg *err);
/* Publishes the staged generation, if any: sessions created from now on take it. */
void gtls_creds_commit(void *creds);
/* A reference to the published generation (for one session's life). */
struct gtls_gen *gtls_creds_acquire(void *creds);
void gtls_gen_release(struct gtls_gen *gen);
gnutls_certificate_credentials_t gtls_gen_certificate(const struct gtls_gen *gen);
const struct gtls_gen_parts *gtls_gen_parts(const struct gtls_gen *gen);
/* The generation's cache of verified chains (verified.h), or NULL. */
struct gtls_verified *gtls_gen_verified(const struct gtls_gen *gen);
/* The setters' refused half (see credentials.c). */
struct gtls_cert_half **gtls_creds_pending_cert(void *creds);
struct gtls_key_half **gtls_creds_pending_key(void *creds);

/* credentials.c: trusted certificates, client certificate chain and key. */
CassError gtls_creds_add_trusted(void *creds, const char *pem, size_t len, cassl_errmsg *err);
CassError gtls_creds_set_cert(void *creds, const char *pem, size_t len, cassl_errmsg *err);
CassError gtls_creds_set_key(void *creds, const char *pem, size_t len, const char *password,
                             size_t password_len, cassl_errmsg *err);
/* A certificate half from a parsed chain (leaf first; the caller keeps crts), or from PEM;
 * what names the input in sentences. The half comes back with the caller's reference. */
CassError gtls_cert_half_new(gnutls_x509_crt_t *crts, unsigned count,
                             struct gtls_cert_half **out, cassl_errmsg *err);
CassError gtls_cert_half_from_pem(const char *pem, size_t len, const char *what,
                                  struct gtls_cert_half **out, cassl_errmsg *err);
/* A key half from PEM (plain or encrypted), as creds_set_key reads it. */
CassError gtls_key_half_from_pem(const char *pem, size_t len, const char *password,
                                 size_t password_len, struct gtls_key_half **out,
                                 cassl_errmsg *err);
/* Stages cert and key as the pair in force when they match each other. */
CassError gtls_creds_stage_pair(void *creds, struct gtls_cert_half *cert,
                                struct gtls_key_half *key, cassl_errmsg *err);
/* Every PEM certificate of exactly len bytes, as DER (all or nothing). */
CassError gtls_der_certs_from_pem(const char *pem, size_t len, const char *what,
                                  struct gtls_der_list **out, cassl_errmsg *err);
/* A parsed chain (leaf first, kept by the caller) and its key (owned from now on, freed on
 * failure too) together: they must match, then replace the pair in force (PKCS#12). */
CassError gtls_creds_set_pair(void *creds, gnutls_x509_crt_t *crts, unsigned count,
                              gnutls_x509_privkey_t key, cassl_errmsg *err);
struct gtls_cert_half *gtls_cert_half_ref(struct gtls_cert_half *half);
void gtls_cert_half_unref(struct gtls_cert_half *half);
struct gtls_key_half *gtls_key_half_ref(struct gtls_key_half *half);
void gtls_key_half_unref(struct gtls_key_half *half);
/* Copies of a pair for one handshake (the retrieve callback's answer); 0 or -1. */
int gtls_copy_pair(const struct gtls_cert_half *cert, const struct gtls_key_half *key,
                   gnutls_pcert_st **certs, unsigned *count, gnutls_privkey_t *privkey);
/* Why the latest gtls_copy_pair of this thread failed ("" = memory, or none failed). */
const char *gtls_retrieve_failure(void);
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
/* Every PEM CRL of exactly len bytes as DER, each checked against the trust of the newest
 * generation (all or nothing). */
CassError gtls_der_crls_from_pem(void *creds, const char *pem, size_t len,
                                 struct gtls_der_list **out, cassl_errmsg *err);

/* bound.c: credentials bound to files or PKCS#11 URLs (the core reads the files). */
CassError gtls_creds_bind_pair(void *creds, const struct cassl_source *cert,
                               const struct cassl_source *key, const char *password,
                               size_t password_len, cassl_errmsg *err);
CassError gtls_creds_bind_trust(void *creds, const struct cassl_source *src, cassl_errmsg *err);
CassError gtls_creds_bind_crls(void *creds, const struct cassl_source *src, cassl_errmsg *err);
/* generation.c: forgets the staged generation; the PIN callback of the credentials. */
void gtls_creds_discard(void *creds);
void gtls_creds_set_pin_callback(void *creds, cassl_pin_callback callback, void *userdata);
void gtls_creds_pin_callback(void *creds, cassl_pin_callback *callback, void **userdata);

/* pkcs11.c: sources on PKCS#11 tokens (RFC 7512 URLs), through GnuTLS and p11-kit. */
/* The certificate object(s) the URL names: the first is the leaf, the rest its chain. */
CassError gtls_pkcs11_cert_half(const char *url, struct gtls_cert_half **out,
                                cassl_errmsg *err);
/* The private key the URL names, logged in now (the PIN from the URL or the credentials'
 * callback, kept for the handshakes' logins); the key stays on the token. */
CassError gtls_pkcs11_key_half(void *creds, const char *url, struct gtls_key_half **out,
                               cassl_errmsg *err);
/* Every certificate the URL names, as DER (trusted CAs from a token). */
CassError gtls_pkcs11_trusted(const char *url, struct gtls_der_list **out, cassl_errmsg *err);
/* A handle on the token's key for one handshake; the reason of a failure in why. */
int gtls_pkcs11_open_key(const char *url, const char *pin, gnutls_privkey_t *key,
                         cassl_errmsg *why);
/* <cassl/inspect.h> for a URL. */
CassError gtls_url_read(const char *url, struct cassl_file_info *info, cassl_errmsg *err);
/* credentials.c: the URL a token key half was bound with (NULL for a key in memory). */
const char *gtls_key_half_url(const struct gtls_key_half *half);
/* credentials.c: a key half for a token's key (url and pin copied; key_id of its public key). */
CassError gtls_key_half_new_url(const char *url, const char *pin, const unsigned char *key_id,
                                size_t key_id_len, struct gtls_key_half **out,
                                cassl_errmsg *err);

/* pins.c: public-key pins in curl's form, checked against the server's leaf. */
struct gtls_pins *gtls_pins_ref(struct gtls_pins *pins);
/* The pin of a DER certificate's public key, in the form creds_add_pins takes; false when
 * its key cannot be read or cap is too small. */
bool gtls_pin_of_cert(const unsigned char *der, size_t len, char *out, size_t cap);
void gtls_pins_unref(struct gtls_pins *pins);
CassError gtls_creds_add_pins(void *creds, const char *pins, cassl_errmsg *err);
CassError gtls_session_verify_pins(void *session, cassl_errmsg *err);

/* priority.c: the system policy, minimum version and cassl_ssl_set_priority override. */
CassError gtls_check_priority(const char *priority, cassl_errmsg *err);
CassError gtls_apply_priority(gnutls_session_t session, int min_version, int max_version,
                              const char *priority,
                              cassl_errmsg *err);
/* Drops the parsed priorities kept for reuse (at global deinit). */
void gtls_priority_cache_clear(void);

/* session.c: the handshake and record layer over the core's byte queues. */
CassError gtls_session_new(void **session, const struct cassl_session_params *params,
                           cassl_errmsg *err);
void gtls_session_free(void *session);
CassError gtls_session_handshake(void *session, bool *done, cassl_errmsg *err);
CassError gtls_session_read(void *session, void *buf, size_t cap, size_t *n, cassl_errmsg *err);
CassError gtls_session_write(void *session, const void *buf, size_t len, cassl_errmsg *err);
CassError gtls_session_close(void *session, cassl_errmsg *err);
void gtls_session_info(void *session, cassl_session_info *info);
void gtls_session_set_sink(void *session, cassl_output_sink sink, void *ctx);
gnutls_session_t gtls_session_handle(void *session);
/* The credential generation the session was created with. */
const struct gtls_gen *gtls_session_gen(void *session);
/* The session's priority override (NULL = the system policy). */
const char *gtls_session_priority(void *session);
/* Whether this session's chain is in its generation's cache of verified chains (verify.c). */
bool *gtls_session_chain_cached(void *session);
/* The alert session_reject sends when the core refuses the chain (set by verify.c). */
void gtls_session_set_chain_alert(void *session, gnutls_alert_description_t alert);
/* The fatal alert for a server the core refused (CASSL_REJECT_*). */
void gtls_session_reject(void *session, enum cassl_reject_reason why);
/* Resumption data (gnutls_session_get_data2 / gnutls_session_set_data). */
CassError gtls_session_get_resume_data(void *session, void **data, size_t *len,
                                       bool *single_use, cassl_errmsg *err);
CassError gtls_session_set_resume_data(void *session, const void *data, size_t len,
                                       cassl_errmsg *err);

/* verify.c: the peer's chain and names. */
size_t gtls_session_peer_cert_count(void *session);
CassError gtls_session_peer_cert(void *session, size_t idx, const unsigned char **der,
                                 size_t *len);
CassError gtls_session_verify_chain(void *session, cassl_errmsg *err);
CassError gtls_session_peer_names(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err);
/* A certificate's DNS and IP SANs and subject CNs, as the identity policy reads them. */
CassError gtls_crt_names(gnutls_x509_crt_t crt, struct cassl_cert_names *names,
                         cassl_errmsg *err);
/* Whether the handshake error ret means GnuTLS could not parse the server's certificate
 * (then it stops the handshake itself, whatever the verify flags), and the sentence for it. */
bool gtls_peer_cert_unparsable(void *session, int ret);
/* verified.c: counts one chain verification made by GnuTLS. */
void gtls_chain_verification_counted(void);
CassError gtls_fail_unparsable_peer_cert(int ret, cassl_errmsg *err);

/* file_read.c, cert_describe.c: <cassl/inspect.h>. */
struct cassl_file_info;
struct cassl_cert_info;
CassError gtls_file_read(const void *data, size_t len, const char *password,
                         struct cassl_file_info *info, cassl_errmsg *err);
/* Fills cert from crt; a GnuTLS error when it cannot (cert is then partly filled: the core
 * frees what it holds). */
int gtls_cert_describe(gnutls_x509_crt_t crt, struct cassl_cert_info *cert);

#endif
