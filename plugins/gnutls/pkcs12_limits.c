/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Refuses PKCS#12 files whose key derivations ask for absurd iteration counts (see the
 * header), reading the counts with GnuTLS before any derivation of that count runs. */
#include "config.h"

#include <stdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "pkcs12_limits.h"

static int refuse(char *why, size_t cap, const char *what, unsigned iter)
{
  snprintf(why, cap,
           "the PKCS#12 file's %s asks for %u key-derivation iterations; more than %u is "
           "refused (such a count only serves to exhaust the CPU)",
           what, iter, GTLS_PKCS12_MAX_ITERATIONS);
  return -1;
}

/* The shrouded keys of a (decrypted or plain) bag. */
static int check_key_bags(gnutls_pkcs12_bag_t bag, char *why, size_t cap)
{
  int count = gnutls_pkcs12_bag_get_count(bag);
  for (int i = 0; i < count; i++) {
    if (gnutls_pkcs12_bag_get_type(bag, (unsigned)i) != GNUTLS_BAG_PKCS8_ENCRYPTED_KEY)
      continue;
    gnutls_datum_t data;
    unsigned schema = 0, cipher = 0, iter = 0;
    char *oid = NULL;
    if (gnutls_pkcs12_bag_get_data(bag, (unsigned)i, &data) < 0)
      continue;
    /* No salt buffer: a long salt must not hide the count (salt NULL is allowed). */
    int ret = gnutls_pkcs8_info(&data, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, NULL, &iter,
                                &oid);
    gnutls_free(oid);
    if (ret >= 0 && iter > GTLS_PKCS12_MAX_ITERATIONS)
      return refuse(why, cap, "private key encryption", iter);
    /* GnuTLS reads no PKCS#8 count of 10 * 2^20 or more (it says only "illegal parameter"). */
    if (ret == GNUTLS_E_ILLEGAL_PARAMETER) {
      snprintf(why, cap,
               "the PKCS#12 file's private key encryption has parameters GnuTLS refuses (%s), "
               "such as an iteration count of %u or more", gnutls_strerror(ret),
               10u * 1024 * 1024);
      return -1;
    }
  }
  return 0;
}

int gtls_pkcs12_check_iterations(gnutls_pkcs12_t p12, const char *password, char *why,
                                 size_t cap)
{
  unsigned mac = 0, iter = 0;
  char *oid = NULL;
  int ret = gnutls_pkcs12_mac_info(p12, &mac, NULL, NULL, &iter, &oid);
  gnutls_free(oid);
  if (ret >= 0 && iter > GTLS_PKCS12_MAX_ITERATIONS)
    return refuse(why, cap, "integrity check (MAC)", iter);
  int rc = 0;
  for (int idx = 0; rc == 0; idx++) {
    gnutls_pkcs12_bag_t bag;
    if (gnutls_pkcs12_bag_init(&bag) < 0)
      break;
    if (gnutls_pkcs12_get_bag(p12, idx, bag) < 0) {
      gnutls_pkcs12_bag_deinit(bag);
      break;
    }
    if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
      unsigned schema = 0, cipher = 0;
      oid = NULL;
      iter = 0;
      ret = gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, NULL, NULL, &iter, &oid);
      gnutls_free(oid);
      if (ret >= 0 && iter > GTLS_PKCS12_MAX_ITERATIONS)
        rc = refuse(why, cap, "encrypted bag", iter);
      else if (ret >= 0 && password && gnutls_pkcs12_bag_decrypt(bag, password) >= 0)
        rc = check_key_bags(bag, why, cap);
    } else {
      rc = check_key_bags(bag, why, cap);
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
  return rc;
}
