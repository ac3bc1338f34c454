/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Names of private-key encryption schemes GnuTLS cannot decrypt (PBES2 with scrypt,
 * Camellia, ARIA, SEED; some PBES1 and PKCS#12 PBE forms), so a refusal can say which.
 * Shared by the loaders and the file reader (file_read.c). */
#ifndef CASSL_PKCS8_SCHEMES_H
#define CASSL_PKCS8_SCHEMES_H

#include <gnutls/gnutls.h>

/* The scheme named by an OID as GnuTLS reports it ("PBES2-OID/cipher-OID" or one OID);
 * NULL when it is not one of the unsupported schemes. */
const char *gtls_scheme_name(const char *oid);

/* For an "ENCRYPTED PRIVATE KEY" PEM block whose parameters GnuTLS cannot even parse
 * (scrypt): the unsupported scheme whose OID appears in its AlgorithmIdentifier, or NULL. */
const char *gtls_scheme_name_from_pem(const gnutls_datum_t *block);

#endif
