/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Unsupported private-key encryption schemes, by OID (see pkcs8_schemes.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem */
#endif
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pkcs8_schemes.h"

/* Encryption algorithm OIDs GnuTLS cannot decrypt, named for the error sentence. */
static const struct {
  const char *oid, *name;
} unsupported_schemes[] = {
  { "1.3.6.1.4.1.11591.4.11", "PBES2 with scrypt" },
  { "1.2.392.200011.61.1.1.1.2", "PBES2 with Camellia-128-CBC" },
  { "1.2.392.200011.61.1.1.1.3", "PBES2 with Camellia-192-CBC" },
  { "1.2.392.200011.61.1.1.1.4", "PBES2 with Camellia-256-CBC" },
  { "1.2.410.200046.1.1.2", "PBES2 with ARIA-128-CBC" },
  { "1.2.410.200046.1.1.7", "PBES2 with ARIA-192-CBC" },
  { "1.2.410.200046.1.1.12", "PBES2 with ARIA-256-CBC" },
  { "1.2.410.200004.1.4", "PBES2 with SEED-CBC" },
  { "1.2.840.113549.3.2", "PBES2 with RC2-CBC" },
  { "1.2.840.113549.1.5.10", "PBES1 with SHA1 and DES-CBC" },
  { "1.2.840.113549.1.5.4", "PBES1 with MD2 and RC2-CBC" },
  { "1.2.840.113549.1.5.6", "PBES1 with MD5 and RC2-CBC" },
  { "1.2.840.113549.1.5.11", "PBES1 with SHA1 and RC2-CBC" },
  { "1.2.840.113549.1.12.1.2", "PKCS#12 PBE with SHA1 and RC4-40" },
  { "1.2.840.113549.1.12.1.4", "PKCS#12 PBE with SHA1 and 2-key 3DES" },
  { "1.2.840.113549.1.12.1.5", "PKCS#12 PBE with SHA1 and RC2-128" },
};
#define N_UNSUPPORTED (sizeof unsupported_schemes / sizeof unsupported_schemes[0])

/* GnuTLS reports "PBES2-OID/cipher-OID"; the most specific known part names the scheme. */
const char *gtls_scheme_name(const char *oid)
{
  const char *name = NULL;
  for (const char *part = oid; part; part = strchr(part, '/')) {
    if (*part == '/')
      part++;
    size_t n = strcspn(part, "/");
    for (size_t i = 0; i < N_UNSUPPORTED; i++)
      if (strlen(unsupported_schemes[i].oid) == n &&
          memcmp(unsupported_schemes[i].oid, part, n) == 0)
        name = unsupported_schemes[i].name;
  }
  return name;
}

/* The DER content octets of a dotted OID; 0 when it does not fit. GnuTLS exposes no OID
 * encoder, and only these few fixed OIDs need one, for a byte search. */
static size_t oid_to_der(const char *oid, unsigned char *out, size_t cap)
{
  unsigned long arcs[32];
  size_t n = 0, len = 0;
  for (const char *p = oid; *p && n < 32; n++) {
    arcs[n] = strtoul(p, (char **)&p, 10);
    if (*p == '.')
      p++;
  }
  if (n < 2)
    return 0;
  arcs[1] += arcs[0] * 40;
  for (size_t i = 1; i < n; i++) {
    unsigned char tmp[8];
    size_t k = 0;
    unsigned long v = arcs[i];
    do {
      tmp[k++] = v & 0x7f;
      v >>= 7;
    } while (v && k < sizeof tmp);
    if (len + k > cap)
      return 0;
    while (k > 0) {
      k--;
      out[len++] = (unsigned char)(tmp[k] | (k ? 0x80 : 0));
    }
  }
  return len;
}

/* When GnuTLS cannot even parse the parameters (scrypt), look for a known algorithm OID in
 * the EncryptedPrivateKeyInfo's AlgorithmIdentifier, which comes before the ciphertext. */
const char *gtls_scheme_name_from_pem(const gnutls_datum_t *block)
{
  gnutls_datum_t der = { NULL, 0 };
  const char *name = NULL;
  if (gnutls_pem_base64_decode2("ENCRYPTED PRIVATE KEY", block, &der) < 0)
    return NULL;
  size_t head = der.size < 160 ? der.size : 160;
  for (size_t i = 0; i < N_UNSUPPORTED && !name; i++) {
    unsigned char enc[40];
    size_t n = oid_to_der(unsupported_schemes[i].oid, enc + 2, sizeof enc - 2);
    enc[0] = 0x06; /* OBJECT IDENTIFIER tag, short length */
    enc[1] = (unsigned char)n;
    if (n > 0 && memmem(der.data, head, enc, n + 2))
      name = unsupported_schemes[i].name;
  }
  gnutls_free(der.data);
  return name;
}
