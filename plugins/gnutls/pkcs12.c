/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* PKCS#12: the client key, its certificate and chain from one file, as keytool
 * (-deststoretype PKCS12, JDK 17's PBES2/AES-256 + HmacSHA256, or the legacy 3DES/RC2 form)
 * and `openssl pkcs12 -export` write it. GnuTLS checks the MAC and decrypts the bags; the
 * result goes through the same pairing as the PEM setters (credentials.c). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem */
#endif
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/pkcs12.h>

#include "gtls.h"
#include "pkcs12_limits.h"

static const char pem_p12_begin[] = "-----BEGIN PKCS12-----";

/* DER, or PEM with the PKCS12 label (imported from a terminated copy). */
static CassError import_p12(gnutls_pkcs12_t p12, const void *data, size_t len,
                            cassl_errmsg *err)
{
  if (len > UINT32_MAX)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "PKCS#12 data of %zu bytes is too large",
                      len);
  gnutls_datum_t der = { (unsigned char *)data, (unsigned)len };
  int ret = gnutls_pkcs12_import(p12, &der, GNUTLS_X509_FMT_DER, 0);
  if (ret >= 0)
    return CASS_OK;
  if (len >= sizeof pem_p12_begin - 1 && memmem(data, len, pem_p12_begin,
                                                 sizeof pem_p12_begin - 1)) {
    char *copy = gtls_copy_terminated(data, len);
    if (!copy)
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
    gnutls_datum_t pem = { (unsigned char *)copy, (unsigned)len };
    ret = gnutls_pkcs12_import(p12, &pem, GNUTLS_X509_FMT_PEM, 0);
    free(copy);
    if (ret >= 0)
      return CASS_OK;
  }
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "not a PKCS#12 file (%zu bytes): %s", len, gnutls_strerror(ret));
}

/* The MAC proves the password before anything is decrypted. */
static CassError check_mac(gnutls_pkcs12_t p12, const char *pass, cassl_errmsg *err)
{
  int ret = gnutls_pkcs12_verify_mac(p12, pass);
  if (ret >= 0)
    return CASS_OK;
  if (ret == GNUTLS_E_MAC_VERIFY_FAILED)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      pass[0] ? "wrong password: the PKCS#12 file's integrity check (MAC) fails"
                              : "the PKCS#12 file needs a password: its integrity check (MAC) "
                                "fails without one");
  unsigned mac = 0;
  char *oid = NULL;
  if (gnutls_pkcs12_mac_info(p12, &mac, NULL, NULL, NULL, &oid) < 0 || !oid) {
    gnutls_free(oid);
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "the PKCS#12 file has no usable integrity check (MAC): %s",
                      gnutls_strerror(ret));
  }
  CassError rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                            "cannot check the PKCS#12 file's MAC (algorithm OID %s): %s", oid,
                            gnutls_strerror(ret));
  gnutls_free(oid);
  return rc;
}

/* The sentence for a file GnuTLS gave no key and chain from (ret < 0, or no key), from what
 * opening it found (nothing is decrypted again for it). */
static CassError explain_contents(const struct gtls_p12_opened *c, int ret, cassl_errmsg *err)
{
  const char *name = c->bad_oid ? gtls_scheme_name(c->bad_oid) : NULL;
  if (c->bad_oid)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "unsupported encryption inside the PKCS#12 file: %s%s(OID %s)",
                      name ? name : "", name ? " " : "", c->bad_oid);
  if (ret == GNUTLS_E_DECRYPTION_FAILED || c->decrypt_error == GNUTLS_E_DECRYPTION_FAILED)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "wrong password: the PKCS#12 file's contents do not decrypt");
  if (c->keys == 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "the PKCS#12 file holds no private key (a truststore?)");
  if (c->certs == 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "the PKCS#12 file holds a private key but no certificate");
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "the PKCS#12 file holds no certificate matching its private key");
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "cannot read the key and certificates of the PKCS#12 file: %s",
                    gnutls_strerror(ret));
}

/* A refusal of the key-derivation plan or of opening the bags. */
static CassError refuse_work(int verdict, const char *why, cassl_errmsg *err)
{
  return cassl_fail(err, verdict == GTLS_KDF_OVER_BUDGET ? CASS_ERROR_LIB_INVALID_DATA
                                                         : CASS_ERROR_SSL_INVALID_CERT,
                    "%s", why);
}

CassError gtls_creds_set_pkcs12(void *creds, const void *data, size_t len, const char *password,
                                size_t password_len, cassl_errmsg *err)
{
  if (!data)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no PKCS#12 data given (NULL)");
  char *pass;
  size_t pass_len;
  CassError rc = gtls_password_copy(password, password_len, &pass, &pass_len, err);
  if (rc != CASS_OK)
    return rc;
  gnutls_pkcs12_t p12 = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t *chain = NULL;
  unsigned chain_len = 0;
  struct gtls_p12_opened opened = { 0 };
  if (gnutls_pkcs12_init(&p12) < 0) {
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
    goto done;
  }
  if ((rc = import_p12(p12, data, len, err)) != CASS_OK)
    goto done;
  /* Before any key derivation: hostile counts would keep this call busy for minutes. One
   * budget for the whole call: the MAC, every bag and every key. */
  char why[CASSL_ERRMSG_MAX];
  struct gtls_kdf_budget budget = { 0 };
  int verdict = gtls_pkcs12_plan(p12, &budget, why, sizeof why);
  if (verdict != GTLS_KDF_OK) {
    rc = refuse_work(verdict, why, err);
    goto done;
  }
  /* The MAC first: it proves the password before anything is decrypted. No password is the
   * empty one, which is what `openssl pkcs12 -passout pass:` uses. */
  if ((rc = check_mac(p12, pass ? pass : "", err)) != CASS_OK)
    goto done;
  /* Each bag decrypted once; GnuTLS then parses the decrypted copy, deriving each key once. */
  verdict = gtls_pkcs12_open(p12, pass ? pass : "", &budget, &opened, why, sizeof why);
  if (verdict != GTLS_KDF_OK) {
    rc = verdict == GTLS_P12_FAILED ? cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "%s", why)
                                    : refuse_work(verdict, why, err);
    goto done;
  }
  int ret = gnutls_pkcs12_simple_parse(opened.plain, pass ? pass : "", &key, &chain, &chain_len,
                                       NULL, NULL, NULL, 0);
  if (ret < 0 || !key)
    rc = explain_contents(&opened, ret, err);
  else if (chain_len == 0)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "the PKCS#12 file holds no certificate matching its private key");
  if (rc != CASS_OK)
    goto done;
  rc = gtls_creds_set_pair(creds, chain, chain_len, key, err);
  key = NULL; /* owned by the pair now, or freed by it */

done:
  if (key)
    gnutls_x509_privkey_deinit(key);
  for (unsigned i = 0; i < chain_len; i++)
    gnutls_x509_crt_deinit(chain[i]);
  gnutls_free(chain);
  gtls_pkcs12_opened_free(&opened);
  if (p12)
    gnutls_pkcs12_deinit(p12);
  gtls_free_secret(pass, pass_len);
  return rc;
}
