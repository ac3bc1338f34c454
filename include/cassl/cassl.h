/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libcassl: the Cassandra driver's CassSsl API on a pluggable TLS backend.
 *
 * The library exports only cassl_ names, on its own object type cassl_ssl: the driver's
 * libcassandra exports the cass_ssl_* names itself, and a process holding both must never
 * have a call meant for one land in the other. Each driver function cass_ssl_X has a twin
 * cassl_ssl_X with the same parameters and meaning.
 *
 * For applications written against the driver's cassandra.h, this header also gives the
 * driver's names (CassSsl and every cass_ssl_* function as a static inline wrapper over its
 * twin), so such a program changes only its include line. It does not when cassandra.h was
 * included first (then the driver's declarations stand and only the cassl_ API is declared
 * here: what a driver TLS backend uses) or when CASSL_NO_DRIVER_NAMES is defined. The enum
 * values and error numbers are the driver's and never change. */
#ifndef CASSL_CASSL_H
#define CASSL_CASSL_H

#include <stddef.h>

/* cassl_version() and the CASSL_VERSION_* macros, documented with this header's functions. */
#include <cassl/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define CASSL_EXPORT __attribute__((visibility("default")))
#else
#define CASSL_EXPORT
#endif

#ifndef __CASSANDRA_H_INCLUDED__

typedef enum { cass_false = 0, cass_true = 1 } cass_bool_t;

typedef enum CassSslVerifyFlags_ {
  CASS_SSL_VERIFY_NONE = 0x00,
  CASS_SSL_VERIFY_PEER_CERT = 0x01,
  CASS_SSL_VERIFY_PEER_IDENTITY = 0x02,
  CASS_SSL_VERIFY_PEER_IDENTITY_DNS = 0x04
} CassSslVerifyFlags;

typedef enum CassSslTlsVersion_ {
  CASS_SSL_VERSION_TLS1 = 0x00,
  CASS_SSL_VERSION_TLS1_1 = 0x01,
  CASS_SSL_VERSION_TLS1_2 = 0x02
} CassSslTlsVersion;

typedef enum CassErrorSource_ {
  CASS_ERROR_SOURCE_NONE,
  CASS_ERROR_SOURCE_LIB,
  CASS_ERROR_SOURCE_SERVER,
  CASS_ERROR_SOURCE_SSL,
  CASS_ERROR_SOURCE_COMPRESSION
} CassErrorSource;

#define CASS_ERROR(source, code) ((source << 24) | code)

/* The driver's numbers for the errors this library can return. */
typedef enum CassError_ {
  CASS_OK = 0,
  CASS_ERROR_LIB_BAD_PARAMS = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 1),
  CASS_ERROR_LIB_UNABLE_TO_INIT = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 3),
  CASS_ERROR_LIB_HOST_RESOLUTION = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 5),
  CASS_ERROR_LIB_UNEXPECTED_RESPONSE = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 6),
  CASS_ERROR_LIB_WRITE_ERROR = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 9),
  CASS_ERROR_LIB_REQUEST_TIMED_OUT = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 14),
  CASS_ERROR_LIB_NOT_IMPLEMENTED = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 21),
  CASS_ERROR_LIB_UNABLE_TO_CONNECT = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 22),
  CASS_ERROR_LIB_INTERNAL_ERROR = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 28),
  /* A credentials file whose key derivations together exceed the per-file budget. */
  CASS_ERROR_LIB_INVALID_DATA = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 30),
  CASS_ERROR_SSL_INVALID_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 1),
  CASS_ERROR_SSL_INVALID_PRIVATE_KEY = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 2),
  CASS_ERROR_SSL_NO_PEER_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 3),
  CASS_ERROR_SSL_INVALID_PEER_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 4),
  CASS_ERROR_SSL_IDENTITY_MISMATCH = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 5),
  CASS_ERROR_SSL_PROTOCOL_ERROR = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 6),
  CASS_ERROR_SSL_CLOSED = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 7)
} CassError;

#endif /* __CASSANDRA_H_INCLUDED__ */

/* The library's object: trusted certificates, client certificate and key, verify flags and
 * policy shared by every session made from it. Reference-counted: sessions keep it alive.
 * Its setters may be called from any thread while sessions made from it run: a session uses
 * the configuration in force when it was created (cassl_session_new) for its whole life,
 * so a setter never changes what a running handshake checks or sends; a setter that fails
 * changes no configuration; and a slow setter (a PKCS#12 file's key derivation) never keeps
 * cassl_session_new waiting. */
typedef struct cassl_ssl cassl_ssl;

/* ---- The driver's CassSsl API, under the library's own names ------------------------- */

/* Initialises the TLS library once per process (as cassl_global_init), then returns a new
 * object (NULL on failure). */
CASSL_EXPORT cassl_ssl *cassl_ssl_new(void);
/* As cassl_ssl_new, for callers that initialised the TLS library themselves. */
CASSL_EXPORT cassl_ssl *cassl_ssl_new_no_lib_init(void);
/* Drops the caller's reference; sessions made from the object keep it alive. */
CASSL_EXPORT void cassl_ssl_free(cassl_ssl *ssl);
/* Adds every PEM certificate of the NUL-terminated buffer to the trusted set; a buffer with
 * none is CASS_ERROR_SSL_INVALID_CERT, and so is one whose length ends inside a
 * certificate's armour (its BEGIN line included): then none is added. */
CASSL_EXPORT CassError cassl_ssl_add_trusted_cert(cassl_ssl *ssl, const char *cert);
CASSL_EXPORT CassError cassl_ssl_add_trusted_cert_n(cassl_ssl *ssl, const char *cert,
                                                    size_t cert_length);
/* A bitmask of CassSslVerifyFlags; the default is CASS_SSL_VERIFY_PEER_CERT. Sessions made
 * afterwards use it (see cassl_session_new_ex for per-session flags). As in the driver, the
 * value is kept as given: 0 checks nothing, any other value requires the server to send a
 * certificate (CASS_ERROR_SSL_NO_PEER_CERT otherwise) plus the check of each known bit; a
 * bit this library does not know adds no check of its own and never removes one
 * (cassl_session_new_ex refuses such bits). */
CASSL_EXPORT void cassl_ssl_set_verify_flags(cassl_ssl *ssl, int flags);
/* The client certificate: the first PEM certificate is the leaf, the rest its chain. */
CASSL_EXPORT CassError cassl_ssl_set_cert(cassl_ssl *ssl, const char *cert);
CASSL_EXPORT CassError cassl_ssl_set_cert_n(cassl_ssl *ssl, const char *cert, size_t cert_length);
/* The client key (PEM, plain or encrypted); a NULL or empty password means none. */
CASSL_EXPORT CassError cassl_ssl_set_private_key(cassl_ssl *ssl, const char *key,
                                                 const char *password);
CASSL_EXPORT CassError cassl_ssl_set_private_key_n(cassl_ssl *ssl, const char *key,
                                                   size_t key_length, const char *password,
                                                   size_t password_length);

/* Protocol versions beyond the driver's enum. */
#define CASSL_SSL_VERSION_TLS1_3 0x03

/* The lowest protocol version sessions accept: CASS_SSL_VERSION_TLS1, _TLS1_1, _TLS1_2 (the
 * default) or CASSL_SSL_VERSION_TLS1_3; anything else, or a minimum above the maximum, is
 * CASS_ERROR_LIB_BAD_PARAMS. The system crypto policy still applies (it may refuse TLS 1.0
 * and 1.1 whatever the minimum says). */
CASSL_EXPORT CassError cassl_ssl_set_min_protocol_version(cassl_ssl *ssl, int min_version);

/* The highest protocol version sessions offer: CASS_SSL_VERSION_TLS1_2 or
 * CASSL_SSL_VERSION_TLS1_3 (the default: whatever the system policy allows). Capping at
 * TLS 1.2 keeps the system crypto policy (unlike a priority string). A maximum below the
 * minimum, or another value, is CASS_ERROR_LIB_BAD_PARAMS. */
CASSL_EXPORT CassError cassl_ssl_set_max_protocol_version(cassl_ssl *ssl, int max_version);

/* ---- Process-wide initialisation and errors ------------------------------------------ */

/* Initialises the TLS library for the process. Reference-counted and thread-safe: every
 * successful call is matched by one cassl_global_cleanup; calling it again is harmless.
 * cassl_ssl_new initialises it once for the process on its own, with a reference of the
 * library's that no cassl_global_cleanup drops. */
CASSL_EXPORT CassError cassl_global_init(void);
/* Drops one cassl_global_init reference; the last one releases the TLS library's global
 * state (no object or session may be alive then). Without a matching init it does nothing. */
CASSL_EXPORT void cassl_global_cleanup(void);

/* The driver's description of an error code ("Unable to load certificate", ...). */
CASSL_EXPORT const char *cassl_error_desc(CassError error);

/* The CASS_ERROR_* identifier of an error code ("CASS_ERROR_SSL_INVALID_CERT"). */
CASSL_EXPORT const char *cassl_error_name(CassError error);

/* A sentence describing the last failure on this object ("wrong password: decryption failed"),
 * or "" when the last call succeeded. Valid until the next call on the object: when several
 * threads use one object, use cassl_ssl_copy_last_error or cassl_last_error instead. */
CASSL_EXPORT const char *cassl_ssl_last_error(const cassl_ssl *ssl);

/* Copies the object's last-failure sentence into buf (cap bytes, NUL-terminated, cut if
 * needed) under the object's lock; returns the sentence's full length. */
CASSL_EXPORT size_t cassl_ssl_copy_last_error(const cassl_ssl *ssl, char *buf, size_t cap);

/* The sentence of the most recent failing libcassl call made by the calling thread (any
 * call: object setters, sessions, the transport), or "" when it made none. Thread-local:
 * sessions failing at once on several threads each read their own. Valid until the thread's
 * next failing call. */
CASSL_EXPORT const char *cassl_last_error(void);

/* Name ("gnutls", "none") and version of the TLS backend this library was built with. */
CASSL_EXPORT const char *cassl_backend_name(void);
CASSL_EXPORT const char *cassl_backend_version(void);

/* Replaces the system crypto policy with a backend priority string (GnuTLS syntax, e.g.
 * "NORMAL:-VERS-ALL:+VERS-TLS1.3"). NULL restores the default. An invalid string is
 * CASS_ERROR_LIB_BAD_PARAMS with the offending part in cassl_ssl_last_error. */
CASSL_EXPORT CassError cassl_ssl_set_priority(cassl_ssl *ssl, const char *priority);



/* ---- Beyond the driver: PKCS#12, system trust, revocation, public-key pins ----------- */

/* The client certificate, its chain and private key from one PKCS#12 file (DER, or PEM
 * "-----BEGIN PKCS12-----") of exactly length bytes, as keytool -deststoretype PKCS12
 * (JDK 17's PBES2/AES-256 with an HmacSHA256 MAC, or the legacy 3DES/RC2 form) or
 * `openssl pkcs12 -export` writes it; e.g. the driver guide's keystore-driver.p12 with no
 * openssl step. The password (length bytes, NULL/empty = none) checks the file's MAC and
 * decrypts it. The key and its certificate replace the pair in force, as a matching
 * cass_ssl_set_cert + cass_ssl_set_private_key would. A wrong password, a file with no
 * private key (CASS_ERROR_SSL_INVALID_PRIVATE_KEY) or not PKCS#12 at all
 * (CASS_ERROR_SSL_INVALID_CERT) change nothing; the sentence is in cassl_ssl_last_error.
 * A file whose MAC, encrypted bags or keys ask for more than 10,000,000 key-derivation
 * iterations is refused (CASS_ERROR_SSL_INVALID_CERT, the sentence names the count) before
 * any key is derived. */
CASSL_EXPORT CassError cassl_ssl_set_pkcs12_n(cassl_ssl *ssl, const void *data, size_t length,
                                              const char *password, size_t password_length);

/* Adds the system's trusted CA certificates (the store GnuTLS was built to use, e.g.
 * /etc/ssl/certs/ca-certificates.crt or p11-kit) to the trusted set; *added (may be NULL)
 * receives how many. No store, or a store with no CA, is CASS_ERROR_SSL_INVALID_CERT
 * ("no system trust store found: ..."), never a silent success. */
CASSL_EXPORT CassError cassl_ssl_add_system_trust(cassl_ssl *ssl, unsigned *added);

/* Adds every PEM certificate revocation list ("-----BEGIN X509 CRL-----") of the buffer.
 * Each must be signed by a certificate already trusted (add the CA first); otherwise, or
 * when there is no CRL or one does not parse, nothing is added and the call fails with
 * CASS_ERROR_SSL_INVALID_CERT. With CASS_SSL_VERIFY_PEER_CERT, a server certificate a CRL
 * revokes fails the handshake with CASS_ERROR_SSL_INVALID_PEER_CERT ("... revoked"). */
CASSL_EXPORT CassError cassl_ssl_add_crl(cassl_ssl *ssl, const char *pem);
CASSL_EXPORT CassError cassl_ssl_add_crl_n(cassl_ssl *ssl, const char *pem, size_t length);

/* Pins the server's public key, in curl's --pinnedpubkey form: "sha256//<base64>", the
 * base64 of the SHA-256 of the key's SubjectPublicKeyInfo (DER); several pins may be
 * separated by ';', and the call may be repeated (the pins add up). Once any pin is set,
 * every handshake checks the server leaf's key against them (in constant time) whatever the
 * verify flags say, so a self-signed node can be pinned with CASS_SSL_VERIFY_NONE; no match
 * fails with CASS_ERROR_SSL_INVALID_PEER_CERT ("public key pin mismatch: server key
 * sha256//... is not pinned"). A session checks the pins in force when it was created
 * (cassl_session_new): pins added later apply to sessions created after the call returns. A
 * malformed pin is CASS_ERROR_LIB_BAD_PARAMS, and none of the string's pins is added.
 * `cassl inspect cert.pem`, or `openssl x509 -pubkey -noout | openssl pkey -pubin -outform
 * der | openssl dgst -sha256 -binary | base64`, print a certificate's pin. */
CASSL_EXPORT CassError cassl_ssl_add_pinned_public_key(cassl_ssl *ssl, const char *pins);

/* ---- Beyond the driver: TLS session resumption ---------------------------------------- */

/* Session resumption is on by default: each CassSsl keeps, per peer (connected address,
 * port and SNI sent), the resumption data its sessions received: every TLS 1.3
 * NewSessionTicket, which arrives after the handshake, whenever it comes, and is taken in as
 * the application reads (up to four per peer, the oldest dropped; each is offered to one
 * session only, RFC 8446 C.4), or the latest TLS 1.2 session ticket or session ID; a new
 * session to the same peer offers the newest. A resumed handshake is abbreviated: no certificate chain is sent and no signature made
 * (in TLS 1.2 no key exchange either). It helps when connections to a node drop and come
 * back; a server that lost its ticket keys (e.g. restarted) answers with a full handshake.
 * cassl_session_info.resumed tells whether a session resumed; client_cert_sent is 0 then,
 * as the server accepted our certificate in the full handshake.
 * A resumed session is verified like any other, per the verify flags, pins, trusted set and
 * CRLs in force when it was created: the server's chain is checked again (unless the same
 * configuration of this CassSsl already accepted exactly this chain, under the same priority
 * string, and no validity date of its certificates or of the CRLs has passed since: then
 * that verdict stands), the pins, and its identity against the address
 * or host name of this connection (the chain is the one of the full handshake the data
 * comes from; a resumed session that fails verification drops the peer's entry, so the next
 * session makes a full handshake and sees the server's current certificate). Data is never
 * offered to another address, port or SNI;
 * it is dropped when trusted certificates, CRLs, the system trust, the client certificate
 * or key, the minimum or maximum version or the priority are set (successfully or not);
 * and an entry
 * lives at most an hour from the full handshake it descends from. The cache is thread-safe
 * and holds session secrets, wiped when an entry is dropped or the CassSsl freed.
 * Both calls fail with CASS_ERROR_LIB_NOT_IMPLEMENTED in a build without TLS. */

/* cass_false drops every entry and makes every session a full handshake; cass_true (the
 * default) turns resumption back on. */
CASSL_EXPORT CassError cassl_ssl_set_session_resumption(cassl_ssl *ssl, cass_bool_t enabled);

/* How many peers the cache keeps (default 256); beyond it the least recently used peer's
 * entry is dropped. 0 keeps nothing (no resumption). More than 1048576 is
 * CASS_ERROR_LIB_BAD_PARAMS. */
CASSL_EXPORT CassError cassl_ssl_set_session_cache_size(cassl_ssl *ssl, size_t entries);

/* ---- Beyond the driver: credentials bound to files, reloaded without a restart ------- */

/* A credential source is a file path, or a PKCS#11 URL (RFC 7512, "pkcs11:token=...;
 * object=...") naming objects on a token: the key then never leaves the token (each
 * handshake signs through it). A PIN comes from the URL's "pin-value" or "pin-source"
 * attributes, or from the callback of cassl_ssl_set_pin_callback; it is asked for when the
 * source is bound and kept (wiped when the object is freed) for the handshakes' logins.
 *
 * Bound files are read when bound and again by cassl_ssl_reload (or by sessions, see
 * cassl_ssl_set_reload_interval). A reload reads only what changed (device, inode, size
 * and modification time first, then the content's SHA-256), builds the new configuration
 * without blocking the creation of sessions, and publishes it at once for sessions created
 * afterwards; established sessions keep what they were created with. A file replaced by
 * rename, or through a directory symbolic link swapped (the Kubernetes secret layout:
 * cert.pem -> ..data/cert.pem), is seen as changed. What does not load (missing, truncated,
 * being written, not PEM, a key that does not match its certificate) is refused: what is
 * in force stays, and the reload reports why. PKCS#11 sources are read when bound only. */

/* Binds the client certificate (chain, leaf first: PEM file or PKCS#11 certificate URL) and
 * its private key (PEM file, plain or encrypted with password, NULL/"" = none; or a PKCS#11
 * private key URL). Both are read now and must match; they replace the pair in force. The
 * pair is reloaded as one: a new certificate with the old key (or the reverse), as seen
 * mid-rotation, is held back until both match. A later cassl_ssl_set_cert,
 * cassl_ssl_set_private_key or cassl_ssl_set_pkcs12_n unbinds the files. NULL paths unbind
 * them (the pair in force stays). Errors as cassl_ssl_set_cert/_private_key, plus
 * CASS_ERROR_LIB_BAD_PARAMS for a path that cannot be read and CASS_ERROR_LIB_NOT_IMPLEMENTED
 * for a PKCS#11 URL in a build that cannot use tokens. */
CASSL_EXPORT CassError cassl_ssl_set_cert_key_files(cassl_ssl *ssl, const char *cert_path,
                                                    const char *key_path, const char *password);
/* Binds a PEM file of trusted CA certificates (or a PKCS#11 URL: the token's certificates it
 * names). Its certificates are trusted besides those added by cassl_ssl_add_trusted_cert
 * and the system trust; a reload replaces them with the file's current content. NULL
 * unbinds (the file's certificates are no longer trusted). */
CASSL_EXPORT CassError cassl_ssl_set_trusted_file(cassl_ssl *ssl, const char *path);
/* Binds a PEM file of CRLs, each signed by a trusted CA, as cassl_ssl_add_crl reads them;
 * a reload replaces them. NULL unbinds. */
CASSL_EXPORT CassError cassl_ssl_set_crl_file(cassl_ssl *ssl, const char *path);

/* What a reload did. */
typedef enum cassl_reload_result {
  CASSL_RELOAD_UNCHANGED = 0, /* nothing bound changed (or nothing is bound) */
  CASSL_RELOAD_CHANGED = 1,   /* new sessions use what changed */
  CASSL_RELOAD_REFUSED = 2    /* something changed and could not be used; what was in force
                                 stays for it (other bound files that loaded are used) */
} cassl_reload_result;

/* Reads the bound files again now. CASS_OK with *result (may be NULL) UNCHANGED or
 * CHANGED; a refusal returns its error (e.g. CASS_ERROR_SSL_INVALID_PRIVATE_KEY) with the
 * sentence in cassl_ssl_last_error, and *result REFUSED. Stored resumption data is dropped
 * exactly when the trust (trusted file, CRL file) or the client pair changed. A refused
 * state that is still there at the next reload is reported again without being parsed again. */
CASSL_EXPORT CassError cassl_ssl_reload(cassl_ssl *ssl, cassl_reload_result *result);

/* Every seconds seconds at most, cassl_session_new checks the bound files (a few stat calls
 * when nothing changed) and reloads what changed before it reads the configuration: no
 * thread of the library's own. 0 (the default) turns it off. A session creation that finds
 * another reload or setter running does not wait for it. At most 86400 seconds. */
CASSL_EXPORT CassError cassl_ssl_set_reload_interval(cassl_ssl *ssl, unsigned seconds);

/* The outcome of the latest reload (explicit or made by a session) and, when buf is not
 * NULL, its sentence ("client certificate /etc/cassl/client.pem changed", "no bound file
 * changed", or why it was refused), cut to cap bytes. */
CASSL_EXPORT cassl_reload_result cassl_ssl_last_reload(const cassl_ssl *ssl, char *buf,
                                                       size_t cap);

/* Supplies PINs for PKCS#11 tokens: called with the token's label and URL and attempt 0,
 * writes a NUL-terminated PIN of fewer than pin_max bytes into pin and returns 0, or returns
 * -1 (no PIN: the source is refused). A wrong PIN is never retried with the same answer: the
 * bind fails (CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong PIN for token ...") before the
 * token counts more failures. NULL removes the callback. */
typedef int (*cassl_pin_callback)(void *userdata, const char *token_label,
                                  const char *token_url, unsigned attempt, char *pin,
                                  size_t pin_max);
CASSL_EXPORT CassError cassl_ssl_set_pin_callback(cassl_ssl *ssl, cassl_pin_callback callback,
                                                  void *userdata);


/* ---- The driver's names, for applications --------------------------------------------- */
#if !defined(__CASSANDRA_H_INCLUDED__) && !defined(CASSL_NO_DRIVER_NAMES)

typedef cassl_ssl CassSsl;

/* What cass_ssl_set_min_protocol_version passes for TLS 1.3, which the driver's enum does
 * not have: refused with a sentence pointing at cassl_ssl_set_min_protocol_version. Not for
 * applications. */
#define CASSL_SSL_VERSION_TLS1_3_FROM_DRIVER_API_ (-0x7ffffffd)

static inline CassSsl *cass_ssl_new(void) { return cassl_ssl_new(); }
static inline CassSsl *cass_ssl_new_no_lib_init(void) { return cassl_ssl_new_no_lib_init(); }
static inline void cass_ssl_free(CassSsl *ssl) { cassl_ssl_free(ssl); }
static inline CassError cass_ssl_add_trusted_cert(CassSsl *ssl, const char *cert)
{
  return cassl_ssl_add_trusted_cert(ssl, cert);
}
static inline CassError cass_ssl_add_trusted_cert_n(CassSsl *ssl, const char *cert,
                                                    size_t cert_length)
{
  return cassl_ssl_add_trusted_cert_n(ssl, cert, cert_length);
}
static inline void cass_ssl_set_verify_flags(CassSsl *ssl, int flags)
{
  cassl_ssl_set_verify_flags(ssl, flags);
}
static inline CassError cass_ssl_set_cert(CassSsl *ssl, const char *cert)
{
  return cassl_ssl_set_cert(ssl, cert);
}
static inline CassError cass_ssl_set_cert_n(CassSsl *ssl, const char *cert, size_t cert_length)
{
  return cassl_ssl_set_cert_n(ssl, cert, cert_length);
}
static inline CassError cass_ssl_set_private_key(CassSsl *ssl, const char *key,
                                                 const char *password)
{
  return cassl_ssl_set_private_key(ssl, key, password);
}
static inline CassError cass_ssl_set_private_key_n(CassSsl *ssl, const char *key,
                                                   size_t key_length, const char *password,
                                                   size_t password_length)
{
  return cassl_ssl_set_private_key_n(ssl, key, key_length, password, password_length);
}
/* TLS1, TLS1_1 or TLS1_2; anything else is CASS_ERROR_LIB_BAD_PARAMS, as in the driver. */
static inline CassError cass_ssl_set_min_protocol_version(CassSsl *ssl,
                                                          CassSslTlsVersion min_version)
{
  return cassl_ssl_set_min_protocol_version(ssl, (int)min_version == CASSL_SSL_VERSION_TLS1_3
                                                     ? CASSL_SSL_VERSION_TLS1_3_FROM_DRIVER_API_
                                                     : (int)min_version);
}

#endif /* driver names */

#ifdef __cplusplus
}
#endif

#endif /* CASSL_CASSL_H */
