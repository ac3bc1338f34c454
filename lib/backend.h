/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The TLS backend vtable. The core (lib/) talks to a TLS library only through this table;
 * each plugin (plugins/<name>/) defines one `cassl_backend_impl` with designated
 * initialisers. A backend never sees libuv or sockets: sessions move bytes through the
 * core's byte queues. Slots a backend cannot provide are announced by missing capability
 * bits, never by NULL pointers. */
#ifndef CASSL_BACKEND_H
#define CASSL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "bytequeue.h"
#include "cassl/cassl.h"
#include "cassl/session.h"
#include "errmsg.h"
#include "names.h"

struct cassl_file_info;

#define CASSL_BACKEND_ABI 11

enum cassl_backend_caps {
  CASSL_CAP_TLS = 1u << 0,   /* sessions work at all ("none" lacks it) */
  CASSL_CAP_TLS13 = 1u << 1, /* TLS 1.3 */
  CASSL_CAP_RESUMPTION = 1u << 2, /* session_get/set_resume_data work */
  CASSL_CAP_PKCS11 = 1u << 3,     /* sources may be PKCS#11 URLs (ABI 11) */
};

/* Since ABI 11: what a bound credential is read from (cassl_ssl_set_*_file). */
struct cassl_source {
  const char *name;  /* the path or URL, for sentences */
  const char *url;   /* a "pkcs11:" URL, or NULL: then data holds the file's bytes */
  const void *data;  /* exactly len bytes (no NUL needed) */
  size_t len;
};

/* Why the core rejects the server after the handshake (session_reject). */
enum cassl_reject_reason {
  CASSL_REJECT_CHAIN,    /* session_verify_chain failed: the backend knows the detail */
  CASSL_REJECT_IDENTITY, /* the certificate is not for the host (or its names are unreadable) */
  CASSL_REJECT_PIN,      /* the leaf's key matches no pin */
  CASSL_REJECT_NO_CERT,  /* the flags need a certificate and the server sent none */
  CASSL_REJECT_INTERNAL, /* the check itself failed (out of memory) */
};

/* What a backend session needs to know at creation; all owned by the core session and
 * valid for the backend session's whole life. */
struct cassl_session_params {
  void *creds;                      /* the CassSsl's backend credentials: the session uses the
                                       configuration published at its creation, for life */
  int min_version;                  /* CASS_SSL_VERSION_* or CASSL_SSL_VERSION_TLS1_3 */
  int max_version;                  /* CASS_SSL_VERSION_TLS1_2 or CASSL_SSL_VERSION_TLS1_3 */
  const char *priority;             /* override of the system policy, or NULL */
  const char *sni;                  /* server name to send, or NULL */
  struct cassl_bytequeue *incoming; /* ciphertext from the peer (the pull side reads it) */
  struct cassl_bytequeue *outgoing; /* ciphertext for the peer (the push side appends) */
  /* The core's checks of the server (pins, chain, identity), called by the backend as soon
   * as the server's certificate chain has arrived and before the client's certificate is
   * sent, so a refused server never receives it. A failure aborts the handshake: the backend
   * then sends no alert of its own (the core queues the one naming the reason with
   * session_reject) and session_handshake returns any error; the core reports the check's.
   * Not called for a resumed handshake (no certificate travels): the core checks then. */
  CassError (*check_peer)(void *ctx);
  void *check_peer_ctx;
};

struct cassl_backend {
  /* CASSL_BACKEND_ABI of the header the backend was built with. */
  unsigned abi_version;
  /* Short name: "gnutls", "none". */
  const char *name;
  /* CASSL_CAP_* bits. */
  unsigned caps;

  /* Version string of the TLS library in use. */
  const char *(*version)(void);
  /* Process-wide TLS library initialisation (cassl_global_init, reference-counted by the
   * core: called when the count leaves 0). */
  CassError (*global_init)(cassl_errmsg *err);
  /* Since ABI 5: releases what global_init set up (the count returned to 0). */
  void (*global_deinit)(void);

  /* A credentials object for one CassSsl. The creds_* setters below never change what
   * existing sessions use: each builds the next configuration whole and stages it, changing
   * nothing on failure; creds_commit publishes it. The core calls the setters one at a time
   * and without the object's lock (they may be slow: key derivation). */
  CassError (*creds_new)(void **creds, cassl_errmsg *err);
  /* Wipes and frees the credentials. */
  void (*creds_free)(void *creds);
  /* Since ABI 6: publishes what the last successful setter staged (nothing staged: no-op),
   * so sessions created from now on use it. Quick: the core holds the object's lock. */
  void (*creds_commit)(void *creds);
  /* Adds every PEM certificate of exactly len bytes to the trusted set. */
  CassError (*creds_add_trusted)(void *creds, const char *pem, size_t len, cassl_errmsg *err);
  /* Client certificate chain (leaf first), exactly len bytes of PEM. On failure (including a
   * key that does not match) the previous certificate and key stay in force. */
  CassError (*creds_set_cert)(void *creds, const char *pem, size_t len, cassl_errmsg *err);
  /* Client private key, exactly len bytes of PEM; password of password_len bytes (0 = none).
   * Same pairing rule as creds_set_cert. */
  CassError (*creds_set_key)(void *creds, const char *pem, size_t len, const char *password,
                             size_t password_len, cassl_errmsg *err);
  /* Checks a priority string without applying it. */
  CassError (*check_priority)(const char *priority, cassl_errmsg *err);

  /* A client session over the params' byte queues. */
  CassError (*session_new)(void **session, const struct cassl_session_params *params,
                           cassl_errmsg *err);
  /* Frees the session, wiping its secrets. */
  void (*session_free)(void *session);
  /* Advances the handshake; *done = true once it completed (before verification). */
  CassError (*session_handshake)(void *session, bool *done, cassl_errmsg *err);
  /* Decrypts into buf; *n = 0 and CASS_OK when more input is needed; CASS_ERROR_SSL_CLOSED
   * on close_notify. Must consume all complete records before reporting *n = 0. */
  CassError (*session_read)(void *session, void *buf, size_t cap, size_t *n, cassl_errmsg *err);
  /* Encrypts all of buf into the outgoing queue. */
  CassError (*session_write)(void *session, const void *buf, size_t len, cassl_errmsg *err);
  /* Queues close_notify. */
  CassError (*session_close)(void *session, cassl_errmsg *err);
  /* Number of certificates the peer sent. */
  size_t (*session_peer_cert_count)(void *session);
  /* DER of the idx-th peer certificate. */
  CassError (*session_peer_cert)(void *session, size_t idx, const unsigned char **der,
                                 size_t *len);
  /* PEER_CERT: the peer chain against the session's trusted set, validity dates included;
   * CASS_ERROR_SSL_INVALID_PEER_CERT with the reason. */
  CassError (*session_verify_chain)(void *session, cassl_errmsg *err);
  /* The leaf's DNS SANs, IP SANs and subject CN(s), for the core's identity policy. */
  CassError (*session_peer_names)(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err);
  /* Negotiated parameters (strings owned by the backend session). */
  void (*session_info)(void *session, cassl_session_info *info);

  /* Since ABI 2: beyond the driver (cassl_ssl_* extensions). */
  /* Client key, leaf and chain from PKCS#12 (DER or PEM) of exactly len bytes; the password
   * as for creds_set_key. The pair replaces the one in force only when it matches. */
  CassError (*creds_set_pkcs12)(void *creds, const void *data, size_t len, const char *password,
                                size_t password_len, cassl_errmsg *err);
  /* Adds the system's trusted CAs; *added = how many. No store or an empty one fails. */
  CassError (*creds_add_system_trust)(void *creds, unsigned *added, cassl_errmsg *err);
  /* Adds the PEM CRLs of exactly len bytes, each signed by an already trusted CA. */
  CassError (*creds_add_crl)(void *creds, const char *pem, size_t len, cassl_errmsg *err);
  /* Adds public-key pins ("sha256//<base64>", ';'-separated); a bad one adds none. */
  CassError (*creds_add_pins)(void *creds, const char *pins, cassl_errmsg *err);
  /* With pins in the configuration the session was created with: the peer leaf's key must
   * match one, whatever the verify flags; CASS_ERROR_SSL_INVALID_PEER_CERT otherwise. No
   * pins = CASS_OK. (ABI 6 dropped the creds argument.) */
  CassError (*session_verify_pins)(void *session, cassl_errmsg *err);

  /* Since ABI 3: session resumption (CASSL_CAP_RESUMPTION). */
  /* Resumption data the session gained since the last call, for a later session to the same
   * peer: once after a TLS 1.2 handshake (ticket or session ID), once per TLS 1.3
   * NewSessionTicket (the core calls until *data is NULL: a read may bring several).
   * *data is malloc'ed (holds secrets: the caller wipes and frees it); *data = NULL with
   * CASS_OK when there is nothing new. *single_use: a TLS 1.3 ticket, offered once (ABI 10). */
  CassError (*session_get_resume_data)(void *session, void **data, size_t *len,
                                       bool *single_use, cassl_errmsg *err);
  /* Offers data from session_get_resume_data to a new session, before its first handshake
   * step. On failure the session stays usable and makes a full handshake. */
  CassError (*session_set_resume_data)(void *session, const void *data, size_t len,
                                       cassl_errmsg *err);

  /* Since ABI 4. */
  /* Queues the fatal alert that tells the server why its certificate was rejected, so its
   * operator reads the reason in its log rather than a dropped connection. Best effort: a
   * session that cannot send one queues nothing. */
  void (*session_reject)(void *session, enum cassl_reject_reason why);

  /* ABI 7's session_cert_requested and session_post_handshake_messages went in ABI 10: a
   * held final flight no longer waits for the server's answer. */

  /* Since ABI 8: output goes to sink instead of the outgoing queue until it is set back to
   * NULL (cassl_session_write_to). A sink that fails is a push failure (out of memory). */
  void (*session_set_sink)(void *session, cassl_output_sink sink, void *ctx);

  /* Since ABI 9: <cassl/inspect.h>. Reads len bytes of PEM, DER or PKCS#12 into info
   * (file_info.h) as the creds_* setters would read them, password NULL for none: what
   * does not load is recorded in info (cassl_file_info_fail), never returned. Returns an
   * error only when the reading itself cannot go on (memory; no TLS in this build). */
  CassError (*file_read)(const void *data, size_t len, const char *password,
                         struct cassl_file_info *info, cassl_errmsg *err);

  /* Since ABI 11: bound credentials (lib/cred_files.c reads the files; a PKCS#11 source is
   * read by the backend). Setters as the creds_* above: they stage, creds_commit publishes. */
  /* The client pair from two sources at once (password as for creds_set_key, for a PEM key):
   * staged only when they match, replacing the pair in force. */
  CassError (*creds_bind_pair)(void *creds, const struct cassl_source *cert,
                               const struct cassl_source *key, const char *password,
                               size_t password_len, cassl_errmsg *err);
  /* Replaces the bound trusted certificates (src NULL: none) and the bound CRLs (each signed
   * by a CA trusted in the newest configuration). */
  CassError (*creds_bind_trust)(void *creds, const struct cassl_source *src, cassl_errmsg *err);
  CassError (*creds_bind_crls)(void *creds, const struct cassl_source *src, cassl_errmsg *err);
  /* Forgets what was staged and not committed (a reload whose every part was refused). */
  void (*creds_discard)(void *creds);
  /* The PIN callback for PKCS#11 sources bound from now on (NULL: none). */
  void (*creds_set_pin_callback)(void *creds, cassl_pin_callback callback, void *userdata);
  /* <cassl/inspect.h> for a PKCS#11 URL: the certificates and keys it names. */
  CassError (*url_read)(const char *url, struct cassl_file_info *info, cassl_errmsg *err);
};

/* The backend this library was built with (defined by exactly one plugin). */
extern const struct cassl_backend cassl_backend_impl;

#endif
