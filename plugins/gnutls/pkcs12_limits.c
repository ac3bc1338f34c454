/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A PKCS#12 file's key derivations, counted against the per-file budget before they run,
 * and its encrypted bags decrypted once (see the header). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "pkcs12_limits.h"

/* The shrouded keys of a (decrypted or plain) bag, added to b. */
static int add_key_bags(gnutls_pkcs12_bag_t bag, struct gtls_kdf_budget *b, char *why,
                        size_t cap)
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
    /* GnuTLS reads no PKCS#8 count of 10 * 2^20 or more (it says only "illegal parameter"). */
    if (ret == GNUTLS_E_ILLEGAL_PARAMETER) {
      snprintf(why, cap,
               "the PKCS#12 file's private key encryption has parameters GnuTLS refuses (%s), "
               "such as an iteration count of %u or more", gnutls_strerror(ret),
               10u * 1024 * 1024);
      return GTLS_KDF_COUNT_REFUSED;
    }
    if (ret < 0)
      continue; /* a scheme GnuTLS cannot decrypt derives nothing */
    int v = gtls_kdf_budget_add(b, iter, "private key encryption", why, cap);
    if (v != GTLS_KDF_OK)
      return v;
  }
  return GTLS_KDF_OK;
}

/* The bag at idx (NULL past the last one). */
static gnutls_pkcs12_bag_t get_bag(gnutls_pkcs12_t p12, int idx)
{
  gnutls_pkcs12_bag_t bag;
  if (gnutls_pkcs12_bag_init(&bag) < 0)
    return NULL;
  if (gnutls_pkcs12_get_bag(p12, idx, bag) < 0) {
    gnutls_pkcs12_bag_deinit(bag);
    return NULL;
  }
  return bag;
}

int gtls_pkcs12_plan(gnutls_pkcs12_t p12, struct gtls_kdf_budget *b, char *why, size_t cap)
{
  unsigned mac = 0, iter = 0;
  char *oid = NULL;
  int ret = gnutls_pkcs12_mac_info(p12, &mac, NULL, NULL, &iter, &oid);
  gnutls_free(oid);
  int v = GTLS_KDF_OK;
  if (ret >= 0)
    v = gtls_kdf_budget_add(b, iter, "integrity check (MAC)", why, cap);
  for (int idx = 0; v == GTLS_KDF_OK; idx++) {
    gnutls_pkcs12_bag_t bag = get_bag(p12, idx);
    if (!bag)
      break;
    /* GnuTLS decodes the whole file again for each bag it hands out. */
    if (idx >= GTLS_PKCS12_MAX_BAGS) {
      gnutls_pkcs12_bag_deinit(bag);
      snprintf(why, cap,
               "the PKCS#12 file holds more than %d bags; keystores hold a few, and more are "
               "refused before any is read", GTLS_PKCS12_MAX_BAGS);
      return GTLS_KDF_OVER_BUDGET;
    }
    if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
      unsigned schema = 0, cipher = 0;
      oid = NULL;
      iter = 0;
      ret = gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, NULL, NULL, &iter, &oid);
      gnutls_free(oid);
      if (ret >= 0)
        v = gtls_kdf_budget_add(b, iter, "encrypted bag", why, cap);
    } else {
      v = add_key_bags(bag, b, why, cap);
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
  return v == GTLS_KDF_OK ? gtls_kdf_budget_check(b, why, cap) : v;
}

/* What a readable bag holds, for the sentences when no key and chain come out. */
static void note_bag(gnutls_pkcs12_bag_t bag, struct gtls_p12_opened *out)
{
  int count = gnutls_pkcs12_bag_get_count(bag);
  for (int j = 0; j < count; j++) {
    int type = gnutls_pkcs12_bag_get_type(bag, (unsigned)j);
    if (type == GNUTLS_BAG_CERTIFICATE)
      out->certs++;
    if (type != GNUTLS_BAG_PKCS8_KEY && type != GNUTLS_BAG_PKCS8_ENCRYPTED_KEY)
      continue;
    out->keys++;
    gnutls_datum_t data;
    char *oid = NULL;
    unsigned schema, cipher, iter;
    if (type == GNUTLS_BAG_PKCS8_ENCRYPTED_KEY && !out->bad_oid &&
        gnutls_pkcs12_bag_get_data(bag, (unsigned)j, &data) >= 0 &&
        gnutls_pkcs8_info(&data, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, NULL, &iter,
                          &oid) < 0)
      out->bad_oid = oid;
    else
      gnutls_free(oid);
  }
}

int gtls_pkcs12_open(gnutls_pkcs12_t p12, const char *password, struct gtls_kdf_budget *b,
                     struct gtls_p12_opened *out, char *why, size_t cap)
{
  memset(out, 0, sizeof *out);
  if (gnutls_pkcs12_init(&out->plain) < 0) {
    out->plain = NULL;
    snprintf(why, cap, "out of memory");
    return GTLS_P12_FAILED;
  }
  int v = GTLS_KDF_OK;
  for (int idx = 0; v == GTLS_KDF_OK; idx++) {
    gnutls_pkcs12_bag_t bag = get_bag(p12, idx);
    if (!bag)
      break;
    if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
      /* Its own count was planned; the keys inside are seen only now. */
      int ret = gnutls_pkcs12_bag_decrypt(bag, password);
      if (ret < 0) {
        if (!out->decrypt_error)
          out->decrypt_error = ret;
        char *oid = NULL;
        unsigned schema, cipher, iter;
        gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, NULL, NULL, &iter, &oid);
        if (!out->bad_oid && ret != GNUTLS_E_DECRYPTION_FAILED)
          out->bad_oid = oid;
        else
          gnutls_free(oid);
        gnutls_pkcs12_bag_deinit(bag);
        continue;
      }
      v = add_key_bags(bag, b, why, cap);
      if (v == GTLS_KDF_OK)
        v = gtls_kdf_budget_check(b, why, cap);
    }
    if (v == GTLS_KDF_OK) {
      note_bag(bag, out);
      if (gnutls_pkcs12_set_bag(out->plain, bag) < 0) {
        snprintf(why, cap, "out of memory");
        v = GTLS_P12_FAILED;
      }
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
  return v;
}

void gtls_pkcs12_opened_free(struct gtls_p12_opened *o)
{
  if (o->plain)
    gnutls_pkcs12_deinit(o->plain);
  gnutls_free(o->bad_oid);
  memset(o, 0, sizeof *o);
}
