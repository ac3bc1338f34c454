/* libcassl: the Cassandra driver's CassSsl API on a pluggable TLS backend.
 *
 * The cass_ssl_* part is source- and ABI-compatible with the driver's cassandra.h. When
 * cassandra.h was included first, only the cassl_* extensions are declared here. */
#ifndef CASSL_CASSL_H
#define CASSL_CASSL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define CASSL_EXPORT __attribute__((visibility("default")))
#else
#define CASSL_EXPORT
#endif

#ifndef __CASSANDRA_H_INCLUDED__

#ifndef CASS_EXPORT
#define CASS_EXPORT CASSL_EXPORT
#endif

typedef enum { cass_false = 0, cass_true = 1 } cass_bool_t;

typedef struct CassSsl_ CassSsl;

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
  CASS_ERROR_SSL_INVALID_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 1),
  CASS_ERROR_SSL_INVALID_PRIVATE_KEY = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 2),
  CASS_ERROR_SSL_NO_PEER_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 3),
  CASS_ERROR_SSL_INVALID_PEER_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 4),
  CASS_ERROR_SSL_IDENTITY_MISMATCH = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 5),
  CASS_ERROR_SSL_PROTOCOL_ERROR = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 6),
  CASS_ERROR_SSL_CLOSED = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 7)
} CassError;

/* Initialises the TLS library once per process, then returns a new object (NULL on failure). */
CASS_EXPORT CassSsl *cass_ssl_new(void);
/* As cass_ssl_new, for callers that initialised the TLS library themselves. */
CASS_EXPORT CassSsl *cass_ssl_new_no_lib_init(void);
/* Drops the caller's reference; sessions made from the object keep it alive. */
CASS_EXPORT void cass_ssl_free(CassSsl *ssl);
/* Adds every PEM certificate of the NUL-terminated buffer to the trusted set. */
CASS_EXPORT CassError cass_ssl_add_trusted_cert(CassSsl *ssl, const char *cert);
CASS_EXPORT CassError cass_ssl_add_trusted_cert_n(CassSsl *ssl, const char *cert, size_t cert_length);
/* A bitmask of CassSslVerifyFlags; the default is CASS_SSL_VERIFY_PEER_CERT. */
CASS_EXPORT void cass_ssl_set_verify_flags(CassSsl *ssl, int flags);
/* The client certificate: the first PEM certificate is the leaf, the rest its chain. */
CASS_EXPORT CassError cass_ssl_set_cert(CassSsl *ssl, const char *cert);
CASS_EXPORT CassError cass_ssl_set_cert_n(CassSsl *ssl, const char *cert, size_t cert_length);
/* The client key (PEM, plain or encrypted); a NULL or empty password means none. */
CASS_EXPORT CassError cass_ssl_set_private_key(CassSsl *ssl, const char *key, const char *password);
CASS_EXPORT CassError cass_ssl_set_private_key_n(CassSsl *ssl, const char *key, size_t key_length,
                                                 const char *password, size_t password_length);
/* TLS1, TLS1_1 or TLS1_2; anything else is CASS_ERROR_LIB_BAD_PARAMS. */
CASS_EXPORT CassError cass_ssl_set_min_protocol_version(CassSsl *ssl, CassSslTlsVersion min_version);

#endif /* __CASSANDRA_H_INCLUDED__ */

/* ---- Extensions beyond the driver ---------------------------------------------------- */

/* The driver's description of an error code ("Unable to load certificate", ...). */
CASSL_EXPORT const char *cassl_error_desc(CassError error);

/* The CASS_ERROR_* identifier of an error code ("CASS_ERROR_SSL_INVALID_CERT"). */
CASSL_EXPORT const char *cassl_error_name(CassError error);

/* A sentence describing the last failure on this object ("wrong password: decryption failed"),
 * or "" when the last call succeeded. Valid until the next call on the object. */
CASSL_EXPORT const char *cassl_ssl_last_error(const CassSsl *ssl);

/* Name ("gnutls", "none") and version of the TLS backend this library was built with. */
CASSL_EXPORT const char *cassl_backend_name(void);
CASSL_EXPORT const char *cassl_backend_version(void);

/* Minimum protocol versions beyond the driver's enum, for cassl_ssl_set_min_protocol_version. */
#define CASSL_SSL_VERSION_TLS1_3 0x03

/* Like cass_ssl_set_min_protocol_version, but also accepts CASSL_SSL_VERSION_TLS1_3. */
CASSL_EXPORT CassError cassl_ssl_set_min_protocol_version(CassSsl *ssl, int min_version);

/* Replaces the system crypto policy with a backend priority string (GnuTLS syntax, e.g.
 * "NORMAL:-VERS-ALL:+VERS-TLS1.3"). NULL restores the default. An invalid string is
 * CASS_ERROR_LIB_BAD_PARAMS with the offending part in cassl_ssl_last_error. */
CASSL_EXPORT CassError cassl_ssl_set_priority(CassSsl *ssl, const char *priority);

/* ---- Beyond the driver: PKCS#12, system trust, revocation, public-key pins ----------- */

/* The client certificate, its chain and private key from one PKCS#12 file (DER, or PEM
 * "-----BEGIN PKCS12-----") of exactly length bytes, as keytool -deststoretype PKCS12
 * (JDK 17's PBES2/AES-256 with an HmacSHA256 MAC, or the legacy 3DES/RC2 form) or
 * `openssl pkcs12 -export` writes it; e.g. the driver guide's keystore-driver.p12 with no
 * openssl step. The password (length bytes, NULL/empty = none) checks the file's MAC and
 * decrypts it. The key and its certificate replace the pair in force, as a matching
 * cass_ssl_set_cert + cass_ssl_set_private_key would. A wrong password, a file with no
 * private key (CASS_ERROR_SSL_INVALID_PRIVATE_KEY) or not PKCS#12 at all
 * (CASS_ERROR_SSL_INVALID_CERT) change nothing; the sentence is in cassl_ssl_last_error. */
CASSL_EXPORT CassError cassl_ssl_set_pkcs12_n(CassSsl *ssl, const void *data, size_t length,
                                              const char *password, size_t password_length);

/* Adds the system's trusted CA certificates (the store GnuTLS was built to use, e.g.
 * /etc/ssl/certs/ca-certificates.crt or p11-kit) to the trusted set; *added (may be NULL)
 * receives how many. No store, or a store with no CA, is CASS_ERROR_SSL_INVALID_CERT
 * ("no system trust store found: ..."), never a silent success. */
CASSL_EXPORT CassError cassl_ssl_add_system_trust(CassSsl *ssl, unsigned *added);

/* Adds every PEM certificate revocation list ("-----BEGIN X509 CRL-----") of the buffer.
 * Each must be signed by a certificate already trusted (add the CA first); otherwise, or
 * when there is no CRL or one does not parse, nothing is added and the call fails with
 * CASS_ERROR_SSL_INVALID_CERT. With CASS_SSL_VERIFY_PEER_CERT, a server certificate a CRL
 * revokes fails the handshake with CASS_ERROR_SSL_INVALID_PEER_CERT ("... revoked"). */
CASSL_EXPORT CassError cassl_ssl_add_crl(CassSsl *ssl, const char *pem);
CASSL_EXPORT CassError cassl_ssl_add_crl_n(CassSsl *ssl, const char *pem, size_t length);

/* Pins the server's public key, in curl's --pinnedpubkey form: "sha256//<base64>", the
 * base64 of the SHA-256 of the key's SubjectPublicKeyInfo (DER); several pins may be
 * separated by ';', and the call may be repeated (the pins add up). Once any pin is set,
 * every handshake checks the server leaf's key against them (in constant time) whatever the
 * verify flags say, so a self-signed node can be pinned with CASS_SSL_VERIFY_NONE; no match
 * fails with CASS_ERROR_SSL_INVALID_PEER_CERT ("public key pin mismatch: server key
 * sha256//... is not pinned"). Pins in force when a handshake completes apply to it. A
 * malformed pin is CASS_ERROR_LIB_BAD_PARAMS, and none of the string's pins is added.
 * `cassl inspect cert.pem`, or `openssl x509 -pubkey -noout | openssl pkey -pubin -outform
 * der | openssl dgst -sha256 -binary | base64`, print a certificate's pin. */
CASSL_EXPORT CassError cassl_ssl_add_pinned_public_key(CassSsl *ssl, const char *pins);

/* ---- Beyond the driver: TLS session resumption ---------------------------------------- */

/* Session resumption is on by default: each CassSsl keeps, per peer (connected address,
 * port and SNI sent), the latest resumption data its sessions received (a TLS 1.3
 * NewSessionTicket, which arrives after the handshake and is taken in as the application
 * reads; a TLS 1.2 session ticket or session ID), and a new session to the same peer offers
 * it. A resumed handshake is abbreviated: no certificate chain is sent and no signature made
 * (in TLS 1.2 no key exchange either). It helps when connections to a node drop and come
 * back; a server that lost its ticket keys (e.g. restarted) answers with a full handshake.
 * cassl_session_info.resumed tells whether a session resumed; client_cert_sent is 0 then,
 * as the server accepted our certificate in the full handshake.
 * A resumed session is verified like any other, per the verify flags, pins, trusted set and
 * CRLs in force: the server's chain is checked again, and its identity against the address
 * or host name of this connection (the chain is the one of the full handshake the data
 * comes from; a resumed session that fails verification drops the peer's entry, so the next
 * session makes a full handshake and sees the server's current certificate). Data is never
 * offered to another address, port or SNI;
 * it is dropped when trusted certificates, CRLs, the system trust, the client certificate
 * or key, the minimum version or the priority are set (successfully or not); and an entry
 * lives at most an hour from the full handshake it descends from. The cache is thread-safe
 * and holds session secrets, wiped when an entry is dropped or the CassSsl freed.
 * Both calls fail with CASS_ERROR_LIB_NOT_IMPLEMENTED in a build without TLS. */

/* cass_false drops every entry and makes every session a full handshake; cass_true (the
 * default) turns resumption back on. */
CASSL_EXPORT CassError cassl_ssl_set_session_resumption(CassSsl *ssl, cass_bool_t enabled);

/* How many peers the cache keeps (default 256); beyond it the least recently used peer's
 * entry is dropped. 0 keeps nothing (no resumption). More than 1048576 is
 * CASS_ERROR_LIB_BAD_PARAMS. */
CASSL_EXPORT CassError cassl_ssl_set_session_cache_size(CassSsl *ssl, size_t entries);

#ifdef __cplusplus
}
#endif

#endif /* CASSL_CASSL_H */
