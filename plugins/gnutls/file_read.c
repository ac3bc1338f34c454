/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Reading a credentials file for <cassl/inspect.h>: PEM (any mix of blocks), DER
 * certificates and keys, PKCS#12; keys decrypted with the same guards as the key loader
 * (traditional PEM re-rendered before GnuTLS sees it, PKCS#12 iteration bound before any
 * key derivation). */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "file_info.h"
#include "gtls.h"
#include "pem_traditional.h"
#include "pkcs12_limits.h"
#include "pkcs8_schemes.h"

#define OUT_OF_MEMORY GNUTLS_E_MEMORY_ERROR

/* Adds a described certificate; takes crt. A GnuTLS error when it cannot be described. */
static int add_crt(struct cassl_file_info *fi, gnutls_x509_crt_t crt)
{
  struct cassl_cert_info *c = cassl_file_info_add_cert(fi);
  int ret = c ? gtls_cert_describe(crt, c) : OUT_OF_MEMORY;
  if (c && ret < 0)
    cassl_file_info_drop_last_cert(fi);
  gnutls_x509_crt_deinit(crt);
  return ret;
}

static int import_cert(struct cassl_file_info *fi, const gnutls_datum_t *d,
                       gnutls_x509_crt_fmt_t fmt)
{
  gnutls_x509_crt_t crt;
  int ret = gnutls_x509_crt_init(&crt);
  if (ret < 0)
    return ret;
  if ((ret = gnutls_x509_crt_import(crt, d, fmt)) < 0) {
    gnutls_x509_crt_deinit(crt);
    return ret;
  }
  return add_crt(fi, crt);
}

/* The scheme of an encrypted PKCS#8 key; false when GnuTLS cannot decrypt it. */
static bool pkcs8_scheme(const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt, char *out,
                         size_t cap)
{
  unsigned int schema = 0, cipher = 0, iter = 0;
  unsigned char salt[64];
  unsigned int salt_size = sizeof salt;
  char *oid = NULL;
  int ret = gnutls_pkcs8_info(d, fmt, &schema, &cipher, salt, &salt_size, &iter, &oid);
  if (ret < 0) {
    const char *name = oid ? gtls_scheme_name(oid) : gtls_scheme_name_from_pem(d);
    if (name)
      snprintf(out, cap, "%s", name);
    else if (oid && strchr(oid, '/'))
      snprintf(out, cap, "PBES2 with an unknown cipher (OID %s)", strrchr(oid, '/') + 1);
    else if (oid)
      snprintf(out, cap, "unknown scheme (OID %s)", oid);
    else
      snprintf(out, cap, "unreadable (%s)", gnutls_strerror(ret));
    gnutls_free(oid);
    return false;
  }
  const char *sname = gnutls_pkcs_schema_get_name(schema);
  snprintf(out, cap, "%s, %u iterations", sname ? sname : "unknown", iter);
  gnutls_free(oid);
  return true;
}

static void key_describe(struct cassl_key_info *k, gnutls_x509_privkey_t key)
{
  unsigned int bits = 0;
  int pk = gnutls_x509_privkey_get_pk_algorithm2(key, &bits);
  const char *name = pk >= 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)pk) : NULL;
  snprintf(k->type, sizeof k->type, "%s %u bits", name ? name : "unknown", bits);
  k->key_id_len = sizeof k->key_id;
  if (gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, k->key_id,
                                     &k->key_id_len) < 0)
    k->key_id_len = 0;
  k->loaded = true;
}

/* The password given to the walk of a PEM file whose key derivations were refused before
 * it (pem_plan): encrypted keys are described, not decrypted. */
static const char derivations_refused[] = "";

/* Tries to load a key with the password (when it needs one); records what happened. */
static void key_load(struct cassl_file_info *fi, struct cassl_key_info *k,
                     const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt, const char *password,
                     bool readable)
{
  if (k->encrypted && password == derivations_refused) {
    snprintf(k->problem, sizeof k->problem,
             "not decrypted: the file's key derivations were refused (see the file's error)");
    return;
  }
  if (k->encrypted && !password) {
    snprintf(k->problem, sizeof k->problem, "encrypted: pass --password to decrypt it");
    return;
  }
  if (!readable) {
    snprintf(k->problem, sizeof k->problem, "GnuTLS cannot decrypt the scheme %s", k->scheme);
    k->attempted = true;
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                         "re-encrypt the key with a scheme GnuTLS reads, e.g. openssl pkcs8 "
                         "-topk8 -v2 aes-256-cbc, or certtool --to-p8 --pkcs-cipher aes-256",
                         "%s", k->problem);
    return;
  }
  gnutls_x509_privkey_t key;
  if (gnutls_x509_privkey_init(&key) < 0)
    return;
  k->attempted = true;
  int ret = gnutls_x509_privkey_import2(key, d, fmt, k->encrypted ? password : NULL, 0);
  if (ret >= 0) {
    key_describe(k, key);
  } else {
    bool wrong = ret == GNUTLS_E_DECRYPTION_FAILED;
    if (wrong)
      snprintf(k->problem, sizeof k->problem, "wrong password: decryption failed");
    else
      snprintf(k->problem, sizeof k->problem, "does not load: %s", gnutls_strerror(ret));
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                         wrong ? "the password does not decrypt the key: check --password"
                               : "the key is damaged or not a private key",
                         "key: %s", k->problem);
  }
  gnutls_x509_privkey_deinit(key);
}

/* A traditional PEM key: encrypted when its headers say so. GnuTLS decrypts whenever a
 * DEK-Info header is there, Proc-Type or not. */
static void pem_traditional_scheme(const char *block, size_t len, struct cassl_key_info *k)
{
  const char *end = block + len;
  const char *dek = memmem(block, len, "DEK-Info: ", 10);
  if (!memmem(block, len, "Proc-Type: 4,ENCRYPTED", 22) && !dek)
    return;
  k->encrypted = true;
  if (dek) {
    dek += 10;
    size_t n = 0;
    while (dek + n < end && dek[n] != ',' && dek[n] != '\n' && dek[n] != '\r')
      n++;
    snprintf(k->scheme, sizeof k->scheme, "PEM Proc-Type encryption, %.*s", (int)n, dek);
  } else {
    snprintf(k->scheme, sizeof k->scheme, "PEM Proc-Type encryption");
  }
}

static int read_pem_key(struct cassl_file_info *fi, const char *label, const gnutls_datum_t *d,
                        const char *password)
{
  const char *format = !strcmp(label, "RSA PRIVATE KEY") ? "PKCS#1 (RSA)"
                       : !strcmp(label, "EC PRIVATE KEY") ? "SEC1 (EC)"
                       : !strcmp(label, "DSA PRIVATE KEY") ? "DSA (OpenSSL)"
                       : !strcmp(label, "ENCRYPTED PRIVATE KEY") ? "PKCS#8 (encrypted)"
                                                                  : "PKCS#8";
  struct cassl_key_info *k = cassl_file_info_add_key(fi, format);
  if (!k)
    return OUT_OF_MEMORY;
  const char *block = (const char *)d->data;
  size_t len = d->size;
  bool readable = true;
  if (!strcmp(label, "ENCRYPTED PRIVATE KEY")) {
    k->encrypted = true;
    readable = pkcs8_scheme(d, GNUTLS_X509_FMT_PEM, k->scheme, sizeof k->scheme);
  } else {
    pem_traditional_scheme(block, len, k);
    if (gtls_pem_is_traditional_encrypted(block, len)) {
      /* GnuTLS only ever sees the ciphertext the checker validated. */
      gnutls_datum_t canonical;
      if (gtls_pem_traditional_canonical(block, len, &canonical, k->problem,
                                         sizeof k->problem) < 0) {
        k->attempted = true;
        cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "the key file is damaged",
                             "key: %s", k->problem);
        return 0;
      }
      key_load(fi, k, &canonical, GNUTLS_X509_FMT_PEM, password, readable);
      gnutls_free(canonical.data);
      return 0;
    }
  }
  key_load(fi, k, d, GNUTLS_X509_FMT_PEM, password, readable);
  return 0;
}

/* One BEGIN/END block, copied and terminated (GnuTLS's PEM parsers want that). */
static int read_pem_block(struct cassl_file_info *fi, const char *name, const char *p,
                          size_t block_len, size_t number, const char *password)
{
  /* The block may hold NUL bytes, so copy it by length (strndup would stop early). */
  char *block = malloc(block_len + 1);
  if (!block)
    return OUT_OF_MEMORY;
  memcpy(block, p, block_len);
  block[block_len] = '\0';
  gnutls_datum_t d = { (unsigned char *)block, (unsigned int)block_len };
  int ret = 0;
  if (!strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE")) {
    int r = import_cert(fi, &d, GNUTLS_X509_FMT_PEM);
    if (r == OUT_OF_MEMORY)
      ret = r;
    else if (r < 0)
      cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT,
                           r == GNUTLS_E_X509_UNKNOWN_SAN
                               ? "a subjectAltName entry is empty or of a kind GnuTLS cannot "
                                 "read (RFC 5280 forbids empty ones): reissue the certificate "
                                 "without it; no TLS client on GnuTLS can use it"
                               : "the certificate is damaged",
                           "certificate #%zu does not parse: %s", number, gnutls_strerror(r));
  } else if (strlen(name) >= 11 && !strcmp(name + strlen(name) - 11, "PRIVATE KEY")) {
    ret = read_pem_key(fi, name, &d, password);
  } else if (!cassl_file_info_skip(fi, name)) {
    ret = OUT_OF_MEMORY;
  }
  gnutls_memset(block, 0, block_len);
  free(block);
  return ret;
}

/* The next BEGIN/END block of [p, end): its label in name and its extent; false when there
 * is none (or its END line is missing: *unterminated). */
static bool next_pem_block(const char **p, const char *end, char *name, size_t name_cap,
                           const char **block, size_t *block_len, bool *unterminated)
{
  *unterminated = false;
  const char *begin = memmem(*p, (size_t)(end - *p), "-----BEGIN ", 11);
  if (!begin)
    return false;
  const char *label = begin + 11;
  const char *label_end = memmem(label, (size_t)(end - label), "-----", 5);
  if (!label_end || label_end - label > 64)
    return false;
  char footer[100];
  snprintf(name, name_cap, "%.*s", (int)(label_end - label), label);
  snprintf(footer, sizeof footer, "-----END %s-----", name);
  const char *stop = memmem(label_end, (size_t)(end - label_end), footer, strlen(footer));
  if (!stop) {
    *unterminated = true;
    return false;
  }
  stop += strlen(footer);
  *block = begin;
  *block_len = (size_t)(stop - begin);
  *p = stop;
  return true;
}

/* Adds the key derivations of the file's encrypted keys to b before any runs: PKCS#8 keys
 * by their count, traditional encrypted PEM keys as one derivation of one pass (OpenSSL's
 * EVP_BytesToKey). Only the blocks the item cap lets the walk read count. */
static int pem_plan(const char *text, size_t len, struct gtls_kdf_budget *b, char *why,
                    size_t cap)
{
  const char *p = text, *end = text + len, *block;
  size_t block_len, n = 0;
  bool unterminated;
  char name[80];
  while (n++ < CASSL_FILE_INFO_MAX_ITEMS &&
         next_pem_block(&p, end, name, sizeof name, &block, &block_len, &unterminated)) {
    int v = GTLS_KDF_OK;
    if (!strcmp(name, "ENCRYPTED PRIVATE KEY")) {
      char *copy = malloc(block_len + 1);
      if (!copy)
        return GTLS_P12_FAILED;
      memcpy(copy, block, block_len);
      copy[block_len] = '\0';
      gnutls_datum_t d = { (unsigned char *)copy, (unsigned)block_len };
      unsigned schema = 0, cipher = 0, iter = 0;
      char *oid = NULL;
      int ret = gnutls_pkcs8_info(&d, GNUTLS_X509_FMT_PEM, &schema, &cipher, NULL, NULL, &iter,
                                  &oid);
      gnutls_free(oid);
      free(copy);
      if (ret >= 0)
        v = gtls_kdf_budget_add(b, iter, "encrypted private key", why, cap);
    } else if (strlen(name) >= 11 && !strcmp(name + strlen(name) - 11, "PRIVATE KEY") &&
               gtls_pem_is_traditional_encrypted(block, block_len)) {
      v = gtls_kdf_budget_add(b, 1, "traditional PEM key encryption", why, cap);
    }
    if (v != GTLS_KDF_OK)
      return v;
  }
  return gtls_kdf_budget_check(b, why, cap);
}

/* Walks the BEGIN/END blocks; text around them is ignored. *any: whether there was one. */
static int read_pem(struct cassl_file_info *fi, const char *text, size_t len,
                    const char *password, bool *any)
{
  size_t blocks = 0, block_len;
  const char *p = text, *end = text + len, *block;
  char name[80];
  bool unterminated;
  while (next_pem_block(&p, end, name, sizeof name, &block, &block_len, &unterminated)) {
    blocks++;
    /* Every block counts toward the cap, whatever its label. */
    int ret = cassl_file_info_take_pem_block(fi)
                  ? read_pem_block(fi, name, block, block_len, blocks, password)
                  : OUT_OF_MEMORY;
    if (ret < 0) {
      *any = true;
      return ret;
    }
  }
  if (unterminated)
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT, "the file is truncated or damaged",
                         "PEM block '%s' has no END line", name);
  *any = blocks > 0;
  return 0;
}

/* The encryption of the shrouded keys of a (plain or decrypted) bag, for the description. */
static void describe_key_bags(struct cassl_file_info *fi, gnutls_pkcs12_bag_t bag)
{
  int count = gnutls_pkcs12_bag_get_count(bag);
  for (int i = 0; i < count; i++) {
    if (gnutls_pkcs12_bag_get_type(bag, (unsigned)i) != GNUTLS_BAG_PKCS8_ENCRYPTED_KEY)
      continue;
    gnutls_datum_t data;
    if (gnutls_pkcs12_bag_get_data(bag, (unsigned)i, &data) >= 0)
      pkcs8_scheme(&data, GNUTLS_X509_FMT_DER, fi->pkcs12_key_encryption,
                   sizeof fi->pkcs12_key_encryption);
  }
}

/* What the bags' parameters say, without decrypting anything: the encrypted bags' scheme
 * and the keys of the plain bags (or of every bag of an opened copy). */
static void pkcs12_bag_schemes(struct cassl_file_info *fi, gnutls_pkcs12_t p12)
{
  for (int idx = 0;; idx++) {
    gnutls_pkcs12_bag_t bag;
    if (gnutls_pkcs12_bag_init(&bag) < 0)
      return;
    if (gnutls_pkcs12_get_bag(p12, idx, bag) < 0) {
      gnutls_pkcs12_bag_deinit(bag);
      return;
    }
    if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED) {
      unsigned int schema = 0, cipher = 0, iter = 0, salt_size = 64;
      unsigned char salt[64];
      char *oid = NULL;
      if (gnutls_pkcs12_bag_enc_info(bag, &schema, &cipher, salt, &salt_size, &iter, &oid) >= 0)
        snprintf(fi->pkcs12_cert_encryption, sizeof fi->pkcs12_cert_encryption,
                 "%s, %u iterations", gnutls_pkcs_schema_get_name(schema), iter);
      else
        snprintf(fi->pkcs12_cert_encryption, sizeof fi->pkcs12_cert_encryption, "%s",
                 oid && gtls_scheme_name(oid) ? gtls_scheme_name(oid) : "unknown scheme");
      gnutls_free(oid);
    } else {
      describe_key_bags(fi, bag);
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
}

/* A refusal of the key-derivation plan or of opening the bags. */
static void refuse_work(struct cassl_file_info *fi, int verdict, const char *why)
{
  if (verdict == GTLS_KDF_OVER_BUDGET)
    cassl_file_info_fail(fi, CASS_ERROR_LIB_INVALID_DATA,
                         "the file's key derivations together are over the per-file budget: "
                         "re-export it with ordinary iteration counts",
                         "%s", why);
  else
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT,
                         "the file is refused before any decryption", "%s", why);
}

/* The contents once the MAC is right: key, leaf and chain, as the PKCS#12 loader takes them. */
static int pkcs12_contents(struct cassl_file_info *fi, gnutls_pkcs12_t p12, const char *password)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t *chain = NULL, *extra = NULL;
  unsigned int chain_len = 0, extra_len = 0;
  int ret = gnutls_pkcs12_simple_parse(p12, password, &key, &chain, &chain_len, &extra,
                                       &extra_len, NULL, GNUTLS_PKCS12_SP_INCLUDE_SELF_SIGNED);
  if (ret < 0) {
    bool wrong = ret == GNUTLS_E_DECRYPTION_FAILED;
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT,
                         wrong ? "the password does not open the PKCS#12 file: check --password"
                               : "GnuTLS cannot read this PKCS#12 file",
                         "PKCS#12 contents do not load: %s",
                         wrong ? "wrong password" : gnutls_strerror(ret));
    return 0;
  }
  int rc = 0;
  for (unsigned i = 0; i < chain_len; i++)
    if (add_crt(fi, chain[i]) == OUT_OF_MEMORY)
      rc = OUT_OF_MEMORY;
  for (unsigned i = 0; i < extra_len; i++)
    if (add_crt(fi, extra[i]) == OUT_OF_MEMORY)
      rc = OUT_OF_MEMORY;
  gnutls_free(chain);
  gnutls_free(extra);
  if (key) {
    struct cassl_key_info *k = cassl_file_info_add_key(fi, "PKCS#12 key bag");
    if (k) {
      k->encrypted = strcmp(fi->pkcs12_key_encryption, "not encrypted") != 0;
      snprintf(k->scheme, sizeof k->scheme, "%s", fi->pkcs12_key_encryption);
      k->attempted = true;
      key_describe(k, key);
    } else {
      rc = OUT_OF_MEMORY;
    }
    gnutls_x509_privkey_deinit(key);
  }
  return rc;
}

static int read_pkcs12(struct cassl_file_info *fi, gnutls_pkcs12_t p12, const char *password)
{
  fi->format = "PKCS#12";
  fi->pkcs12 = true;
  unsigned int mac = 0, iter = 0, salt_size = 64;
  unsigned char salt[64];
  char *oid = NULL;
  snprintf(fi->pkcs12_mac, sizeof fi->pkcs12_mac, "none");
  if (gnutls_pkcs12_mac_info(p12, &mac, salt, &salt_size, &iter, &oid) >= 0)
    snprintf(fi->pkcs12_mac, sizeof fi->pkcs12_mac, "%s, %u iterations",
             gnutls_mac_get_name((gnutls_mac_algorithm_t)mac), iter);
  gnutls_free(oid);
  /* Before any key derivation, as the loader: one budget for the MAC, every bag and key. */
  char why[300];
  struct gtls_kdf_budget budget = { 0 };
  int verdict = gtls_pkcs12_plan(p12, &budget, why, sizeof why);
  if (verdict != GTLS_KDF_OK) {
    refuse_work(fi, verdict, why);
    return 0;
  }
  snprintf(fi->pkcs12_cert_encryption, sizeof fi->pkcs12_cert_encryption, "not encrypted");
  snprintf(fi->pkcs12_key_encryption, sizeof fi->pkcs12_key_encryption, "not encrypted");
  pkcs12_bag_schemes(fi, p12);
  if (!password) {
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT,
                         "the PKCS#12 file is encrypted: pass --password",
                         "PKCS#12 file is protected by a password");
    return 0;
  }
  /* The MAC first: it proves the password before anything is decrypted. */
  int ret = gnutls_pkcs12_verify_mac(p12, password);
  if (ret < 0 && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT,
                         "the password does not open the PKCS#12 file: check --password",
                         "PKCS#12 integrity check failed: wrong password");
    return 0;
  }
  /* Each bag decrypted once; the contents are parsed from the decrypted copy. */
  struct gtls_p12_opened opened;
  verdict = gtls_pkcs12_open(p12, password, &budget, &opened, why, sizeof why);
  if (verdict == GTLS_P12_FAILED) {
    gtls_pkcs12_opened_free(&opened);
    return OUT_OF_MEMORY;
  }
  if (verdict != GTLS_KDF_OK) {
    refuse_work(fi, verdict, why);
    gtls_pkcs12_opened_free(&opened);
    return 0;
  }
  pkcs12_bag_schemes(fi, opened.plain); /* the keys that were inside encrypted bags */
  ret = pkcs12_contents(fi, opened.plain, password);
  gtls_pkcs12_opened_free(&opened);
  return ret;
}

/* An encrypted PKCS#8 key in DER (GnuTLS reads its header even when it cannot decrypt). */
static bool read_der_pkcs8(struct cassl_file_info *fi, const gnutls_datum_t *d,
                           const char *password, int *ret)
{
  unsigned int schema, cipher, iter, salt_size = 0;
  char *oid = NULL;
  int r = gnutls_pkcs8_info(d, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, &salt_size, &iter,
                            &oid);
  gnutls_free(oid);
  if (r < 0 && r != GNUTLS_E_UNKNOWN_CIPHER_TYPE && r != GNUTLS_E_SHORT_MEMORY_BUFFER)
    return false;
  char scheme[160];
  bool readable = pkcs8_scheme(d, GNUTLS_X509_FMT_DER, scheme, sizeof scheme);
  struct cassl_key_info *k = cassl_file_info_add_key(fi, "PKCS#8 DER (encrypted)");
  if (!k) {
    *ret = OUT_OF_MEMORY;
    return true;
  }
  fi->format = "DER private key";
  k->encrypted = true;
  snprintf(k->scheme, sizeof k->scheme, "%s", scheme);
  if (password && r >= 0) {
    /* One key, one derivation: bounded as in every other file, before it runs. */
    struct gtls_kdf_budget budget = { 0 };
    char why[300];
    if (gtls_kdf_budget_add(&budget, iter, "encrypted private key", why, sizeof why) !=
        GTLS_KDF_OK) {
      cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                           "re-encrypt the key with an ordinary iteration count", "%s", why);
      password = derivations_refused;
    }
  }
  key_load(fi, k, d, GNUTLS_X509_FMT_DER, password, readable);
  return true;
}

static int read_der(struct cassl_file_info *fi, const gnutls_datum_t *d, const char *password)
{
  int ret = import_cert(fi, d, GNUTLS_X509_FMT_DER);
  if (ret >= 0 || ret == OUT_OF_MEMORY) {
    fi->format = ret >= 0 ? "DER certificate" : NULL;
    return ret;
  }
  gnutls_pkcs12_t p12;
  if ((ret = gnutls_pkcs12_init(&p12)) < 0)
    return ret;
  if (gnutls_pkcs12_import(p12, d, GNUTLS_X509_FMT_DER, 0) >= 0) {
    ret = read_pkcs12(fi, p12, password);
    gnutls_pkcs12_deinit(p12);
    return ret;
  }
  gnutls_pkcs12_deinit(p12);
  ret = 0;
  if (read_der_pkcs8(fi, d, password, &ret))
    return ret;
  gnutls_x509_privkey_t key;
  if ((ret = gnutls_x509_privkey_init(&key)) < 0)
    return ret;
  if (gnutls_x509_privkey_import2(key, d, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN) >= 0) {
    struct cassl_key_info *k = cassl_file_info_add_key(fi, "DER private key");
    if (k) {
      fi->format = "DER private key";
      k->attempted = true;
      key_describe(k, key);
    } else {
      ret = OUT_OF_MEMORY;
    }
  }
  gnutls_x509_privkey_deinit(key);
  return ret;
}

CassError gtls_file_read(const void *data, size_t len, const char *password,
                         struct cassl_file_info *fi, cassl_errmsg *err)
{
  bool recognised = false;
  int ret;
  if (memmem(data, len, "-----BEGIN ", 11)) {
    fi->format = "PEM";
    /* One budget for every key of the file, checked before any is decrypted. */
    if (password) {
      char why[300];
      struct gtls_kdf_budget budget = { 0 };
      int verdict = pem_plan(data, len, &budget, why, sizeof why);
      if (verdict == GTLS_P12_FAILED)
        return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
      if (verdict != GTLS_KDF_OK) {
        cassl_file_info_fail(fi, verdict == GTLS_KDF_OVER_BUDGET
                                     ? CASS_ERROR_LIB_INVALID_DATA
                                     : CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                             "re-encrypt the keys with ordinary iteration counts (or split "
                             "the file)", "%s", why);
        password = derivations_refused;
      }
    }
    ret = read_pem(fi, data, len, password, &recognised);
  } else {
    if (len > UINT32_MAX)
      return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "the data is over 4 GiB");
    gnutls_datum_t d = { (unsigned char *)data, (unsigned int)len };
    ret = read_der(fi, &d, password);
    recognised = fi->format != NULL;
  }
  if (ret == OUT_OF_MEMORY && !fi->full)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  if (!recognised && !fi->full)
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_CERT,
                         "give a PEM, DER or PKCS#12 file with certificates or keys",
                         "the file holds no certificate or key in PEM, DER or PKCS#12 form");
  return CASS_OK;
}
