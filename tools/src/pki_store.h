/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* PKCS#12 files that JSSE (keytool, Cassandra's keystore_type: PKCS12) and the library load,
 * written with GnuTLS: PBES2 AES-256 for the key and the certificates, an HMAC-SHA256 MAC. */
#ifndef CASSL_TOOL_PKI_STORE_H
#define CASSL_TOOL_PKI_STORE_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "pki.h"

/* A key store: the key and its chain (leaf, then ca), one entry named alias. 0 or a GnuTLS
 * error; *out is gnutls_free'd by the caller. */
int pki_store_keystore(const struct pki_entity *leaf, gnutls_x509_crt_t ca, const char *alias,
                       const char *password, gnutls_datum_t *out);

/* A trust store: ca as a trusted-certificate entry named alias. JSSE ignores a certificate
 * without a key unless its bag carries Oracle's trusted-key-usage attribute, which GnuTLS
 * cannot write: see pki_store.c. 0 or a GnuTLS error. */
int pki_store_truststore(gnutls_x509_crt_t ca, const char *alias, const char *password,
                         gnutls_datum_t *out);

#endif
