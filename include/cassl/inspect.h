/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* What a certificate, key or PKCS#12 file holds, read as the library reads credentials, and
 * a certificate checked against an identity with the rules a session applies.
 *
 *   cassl_file_info *fi;
 *   CassError rc = cassl_file_info_read(data, len, "password", &fi);
 *   for (size_t i = 0; i < cassl_file_info_cert_count(fi); i++)
 *     puts(cassl_cert_info_subject(cassl_file_info_cert(fi, i)));
 *   cassl_cert_info_check_identity(cassl_file_info_cert(fi, 0),
 *                                  CASS_SSL_VERIFY_PEER_IDENTITY_DNS, "node1.example", NULL, 0);
 *   cassl_file_info_free(fi);
 *
 * Every string and item belongs to its cassl_file_info and lives until it is freed. An
 * object is read once and never changes: several threads may read one at a time. */
#ifndef CASSL_INSPECT_H
#define CASSL_INSPECT_H

#include <stddef.h>
#include <stdint.h>

#include "cassl/cassl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cassl_file_info cassl_file_info;
typedef struct cassl_cert_info cassl_cert_info;
typedef struct cassl_key_info cassl_key_info;

/* Reads length bytes of PEM (any mix of certificates and private keys, text around the
 * blocks allowed), a DER certificate, a DER private key (plain or encrypted PKCS#8) or a
 * PKCS#12 file. Encrypted keys and PKCS#12 files are opened with password (NULL or "" for
 * none); a PKCS#12 file whose iteration counts exceed the library's bound is refused before
 * any key derivation, as cassl_ssl_set_pkcs12_n refuses it.
 *
 * *info is set whenever memory allows, even when something does not load: it tells what was
 * found and why the rest was not. Returns CASS_OK when every item loaded; otherwise the first
 * failure (CASS_ERROR_SSL_INVALID_CERT for a certificate or PKCS#12 file, or data that holds
 * neither certificate nor key; CASS_ERROR_SSL_INVALID_PRIVATE_KEY for a key), with its
 * sentence in cassl_last_error(). CASS_ERROR_LIB_BAD_PARAMS for NULL arguments or when memory
 * runs out (*info is then NULL); CASS_ERROR_LIB_NOT_IMPLEMENTED in a build without TLS. */
CASSL_EXPORT CassError cassl_file_info_read(const void *data, size_t length,
                                            const char *password, cassl_file_info **info);
/* The same description for the objects a PKCS#11 URL names on a token ("pkcs11:token=...";
 * format "PKCS#11 URL"): its certificates, and its private keys when the URL carries a PIN
 * (pin-value or pin-source; they never leave the token: type and key id only). A token or
 * object that is not there is CASS_ERROR_SSL_INVALID_CERT with the reason;
 * CASS_ERROR_LIB_NOT_IMPLEMENTED in a build that cannot use tokens. */
CASSL_EXPORT CassError cassl_file_info_read_url(const char *url, cassl_file_info **info);
CASSL_EXPORT void cassl_file_info_free(cassl_file_info *info);

/* "PEM", "DER certificate", "DER private key" or "PKCS#12"; NULL when the data is none. */
CASSL_EXPORT const char *cassl_file_info_format(const cassl_file_info *info);
/* The first failure: CASS_OK when everything loaded, else what cassl_file_info_read
 * returned, its sentence, and what to do about it. Both strings are "" on CASS_OK. */
CASSL_EXPORT CassError cassl_file_info_error(const cassl_file_info *info);
CASSL_EXPORT const char *cassl_file_info_error_message(const cassl_file_info *info);
CASSL_EXPORT const char *cassl_file_info_error_hint(const cassl_file_info *info);
/* PKCS#12 only (else NULL): the MAC's algorithm and iteration count ("SHA256, 10000
 * iterations" or "none"), then how certificates and the key are encrypted ("not encrypted"
 * or the scheme). The last two are NULL when the file was refused before they were read. */
CASSL_EXPORT const char *cassl_file_info_pkcs12_mac(const cassl_file_info *info);
CASSL_EXPORT const char *cassl_file_info_pkcs12_cert_encryption(const cassl_file_info *info);
CASSL_EXPORT const char *cassl_file_info_pkcs12_key_encryption(const cassl_file_info *info);
/* PEM blocks that are neither a certificate nor a private key (their labels), in order. */
CASSL_EXPORT size_t cassl_file_info_skipped_count(const cassl_file_info *info);
CASSL_EXPORT const char *cassl_file_info_skipped(const cassl_file_info *info, size_t index);
/* The certificates and keys that were read, in file order (a PKCS#12 file: leaf first).
 * index past the count gives NULL. */
CASSL_EXPORT size_t cassl_file_info_cert_count(const cassl_file_info *info);
CASSL_EXPORT const cassl_cert_info *cassl_file_info_cert(const cassl_file_info *info,
                                                         size_t index);
CASSL_EXPORT size_t cassl_file_info_key_count(const cassl_file_info *info);
CASSL_EXPORT const cassl_key_info *cassl_file_info_key(const cassl_file_info *info,
                                                       size_t index);

/* Subject and issuer in RFC 4514 form ("" for an empty DN, which RFC 5280 allows beside
 * SANs); the serial number in lower-case hex; the first subject CN, or NULL. */
CASSL_EXPORT const char *cassl_cert_info_subject(const cassl_cert_info *cert);
CASSL_EXPORT const char *cassl_cert_info_issuer(const cassl_cert_info *cert);
CASSL_EXPORT const char *cassl_cert_info_serial(const cassl_cert_info *cert);
CASSL_EXPORT const char *cassl_cert_info_common_name(const cassl_cert_info *cert);
/* Validity in seconds since the epoch; -1 when unreadable. */
CASSL_EXPORT int64_t cassl_cert_info_not_before(const cassl_cert_info *cert);
CASSL_EXPORT int64_t cassl_cert_info_not_after(const cassl_cert_info *cert);
/* basicConstraints CA:TRUE; issued by its own subject and key. */
CASSL_EXPORT cass_bool_t cassl_cert_info_is_ca(const cassl_cert_info *cert);
CASSL_EXPORT cass_bool_t cassl_cert_info_is_self_signed(const cassl_cert_info *cert);
/* subjectAltNames as "DNS:name", "IP:address", "email:...", "URI:..." (control bytes shown
 * as '?': for display, not for matching). */
CASSL_EXPORT size_t cassl_cert_info_san_count(const cassl_cert_info *cert);
CASSL_EXPORT const char *cassl_cert_info_san(const cassl_cert_info *cert, size_t index);
/* The public key: "RSA 2048 bits", "ECDSA 256 bits (SECP256R1)". */
CASSL_EXPORT const char *cassl_cert_info_key(const cassl_cert_info *cert);
/* SHA-256 of the DER as colon-separated upper-case hex; the public-key pin
 * ("sha256//<base64>") that cassl_ssl_add_pinned_public_key takes. */
CASSL_EXPORT const char *cassl_cert_info_sha256(const cassl_cert_info *cert);
CASSL_EXPORT const char *cassl_cert_info_pin(const cassl_cert_info *cert);
/* An identifier of the public key (*length bytes; 0 when unknown), equal to the
 * cassl_key_info_key_id of the private key that pairs with it. */
CASSL_EXPORT const unsigned char *cassl_cert_info_key_id(const cassl_cert_info *cert,
                                                         size_t *length);
/* The certificate as DER. */
CASSL_EXPORT const unsigned char *cassl_cert_info_der(const cassl_cert_info *cert,
                                                      size_t *length);

/* Checks the certificate against identity exactly as a session's identity check does.
 * verify_flag CASS_SSL_VERIFY_PEER_IDENTITY: identity is an IPv4 or IPv6 literal, matched
 * byte for byte against the iPAddress SANs (the CN only when the certificate has no DNS and
 * no IP SAN); CASS_SSL_VERIFY_PEER_IDENTITY_DNS: identity is a host name, matched against the
 * DNS SANs with the wildcard rules (the CN only when it has no SAN). The certificate alone is
 * judged: name constraints of a chain are not applied to its CN here.
 * CASS_OK with, when matched_by is not NULL, the name that matched in matched_by ("DNS SAN
 * *.example.com", "IP SAN 10.0.0.1", "subject CN ..."); CASS_ERROR_SSL_IDENTITY_MISMATCH or
 * CASS_ERROR_SSL_INVALID_PEER_CERT (a name holds a NUL byte) with cassl_last_error() saying
 * what the certificate holds; CASS_ERROR_LIB_BAD_PARAMS for another flag, an identity of
 * the wrong kind or a NULL argument. */
CASSL_EXPORT CassError cassl_cert_info_check_identity(const cassl_cert_info *cert,
                                                      int verify_flag, const char *identity,
                                                      char *matched_by,
                                                      size_t matched_by_size);

/* "PKCS#8", "PKCS#8 (encrypted)", "PKCS#1 (RSA)", "SEC1 (EC)", "DSA (OpenSSL)",
 * "PKCS#8 DER (encrypted)", "DER private key" or "PKCS#12 key bag". */
CASSL_EXPORT const char *cassl_key_info_format(const cassl_key_info *key);
/* Whether the key is encrypted, and how ("PBES2-AES256-CBC, 2048 iterations", "PEM
 * Proc-Type encryption, AES-256-CBC", or the name of a scheme GnuTLS cannot decrypt); the
 * scheme is NULL for a plain key. */
CASSL_EXPORT cass_bool_t cassl_key_info_encrypted(const cassl_key_info *key);
CASSL_EXPORT const char *cassl_key_info_scheme(const cassl_key_info *key);
/* Whether loading was tried (an encrypted key without a password is not), and whether it
 * loaded; when it did not, why (NULL once loaded). */
CASSL_EXPORT cass_bool_t cassl_key_info_attempted(const cassl_key_info *key);
CASSL_EXPORT cass_bool_t cassl_key_info_loaded(const cassl_key_info *key);
CASSL_EXPORT const char *cassl_key_info_problem(const cassl_key_info *key);
/* A loaded key: "RSA 2048 bits" and its public key's identifier (see
 * cassl_cert_info_key_id); NULL and 0 before it loads. */
CASSL_EXPORT const char *cassl_key_info_type(const cassl_key_info *key);
CASSL_EXPORT const unsigned char *cassl_key_info_key_id(const cassl_key_info *key,
                                                        size_t *length);

/* Whether text is a host name a session accepts as its reference name or SNI (RFC 1123):
 * letters, digits and hyphens in dot-separated labels of 1 to 63 bytes that neither start
 * nor end with a hyphen, a last label not all digits, one optional trailing dot, at most
 * 253 bytes without it. */
CASSL_EXPORT cass_bool_t cassl_hostname_is_valid(const char *text);
/* Whether text is an IPv4 or IPv6 literal (such names are checked by IP and never sent as
 * SNI). */
CASSL_EXPORT cass_bool_t cassl_is_ip_literal(const char *text);

#ifdef __cplusplus
}
#endif

#endif
