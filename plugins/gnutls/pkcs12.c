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

/* What the file holds, for the sentences when GnuTLS found no usable key and certificate:
 * key and certificate bags, and the encryption OID of the first bag it cannot decrypt. */
struct p12_contents {
  unsigned keys, certs;
  char *bad_oid; /* gnutls_free */
};

static void note_bag(gnutls_pkcs12_bag_t bag, struct p12_contents *out)
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
    unsigned schema, cipher, iter, salt_size = 64;
    unsigned char salt[64];
    if (type == GNUTLS_BAG_PKCS8_ENCRYPTED_KEY && !out->bad_oid &&
        gnutls_pkcs12_bag_get_data(bag, (unsigned)j, &data) >= 0 &&
        gnutls_pkcs8_info(&data, GNUTLS_X509_FMT_DER, &schema, &cipher, salt, &salt_size, &iter,
                          &oid) < 0)
      out->bad_oid = oid;
    else
      gnutls_free(oid);
  }
}

static void scan_bags(gnutls_pkcs12_t p12, const char *pass, struct p12_contents *out)
{
  memset(out, 0, sizeof *out);
  for (int i = 0;; i++) {
    gnutls_pkcs12_bag_t bag;
    if (gnutls_pkcs12_bag_init(&bag) < 0)
      return;
    if (gnutls_pkcs12_get_bag(p12, i, bag) < 0) {
      gnutls_pkcs12_bag_deinit(bag);
      return;
    }
    if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED &&
        gnutls_pkcs12_bag_decrypt(bag, pass) < 0) {
      char *oid = NULL;
      unsigned schema, cipher, iter, salt_size = 64;
      unsigned char salt[64];
      gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, salt, &salt_size, &iter, &oid);
      if (!out->bad_oid)
        out->bad_oid = oid;
      else
        gnutls_free(oid);
    } else {
      note_bag(bag, out);
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
}

/* The sentence for a file GnuTLS gave no key and chain from (ret < 0, or no key). */
static CassError explain_contents(gnutls_pkcs12_t p12, const char *pass, int ret,
                                  cassl_errmsg *err)
{
  struct p12_contents c;
  scan_bags(p12, pass, &c);
  CassError rc;
  const char *name = c.bad_oid ? gtls_scheme_name(c.bad_oid) : NULL;
  if (c.bad_oid)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "unsupported encryption inside the PKCS#12 file: %s%s(OID %s)",
                    name ? name : "", name ? " " : "", c.bad_oid);
  else if (ret == GNUTLS_E_DECRYPTION_FAILED)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "wrong password: the PKCS#12 file's contents do not decrypt");
  else if (c.keys == 0)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "the PKCS#12 file holds no private key (a truststore?)");
  else if (c.certs == 0)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "the PKCS#12 file holds a private key but no certificate");
  else if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "the PKCS#12 file holds no certificate matching its private key");
  else
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "cannot read the key and certificates of the PKCS#12 file: %s",
                    gnutls_strerror(ret));
  gnutls_free(c.bad_oid);
  return rc;
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
  if (gnutls_pkcs12_init(&p12) < 0) {
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
    goto done;
  }
  if ((rc = import_p12(p12, data, len, err)) != CASS_OK)
    goto done;
  /* Before any key derivation: a hostile count would keep this call busy for minutes. */
  char why[CASSL_ERRMSG_MAX];
  if (gtls_pkcs12_check_iterations(p12, pass ? pass : "", why, sizeof why) < 0) {
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "%s", why);
    goto done;
  }
  /* No password is the empty one, which is what `openssl pkcs12 -passout pass:` uses. */
  if ((rc = check_mac(p12, pass ? pass : "", err)) != CASS_OK)
    goto done;
  int ret = gnutls_pkcs12_simple_parse(p12, pass ? pass : "", &key, &chain, &chain_len, NULL,
                                       NULL, NULL, 0);
  if (ret < 0 || !key)
    rc = explain_contents(p12, pass ? pass : "", ret, err);
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
  if (p12)
    gnutls_pkcs12_deinit(p12);
  gtls_free_secret(pass, pass_len);
  return rc;
}
