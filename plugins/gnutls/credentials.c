/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Credentials: the trusted certificates, the client certificate chain and its private key.
 *
 * Every PEM input arrives as exactly `len` bytes with no terminating NUL, so it is first
 * copied into a terminated buffer of our own (GnuTLS's PEM parsers look for the NUL).
 *
 * The client certificate and key live in the credential generation (generation.c); GnuTLS
 * gets them at handshake time through a retrieve callback that gives each session its own
 * copies of its generation's pair. Each setter stages a new generation and never changes
 * what an earlier one holds. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem */
#endif
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>

#include "gtls.h"
#include "kdf_budget.h"
#include "pem_traditional.h"

#define KEY_ID_MAX 64
#define SUBJECT_MAX 256

/* A parsed client certificate chain: DER, leaf first. */
struct gtls_cert_half {
  atomic_uint refs;
  gnutls_datum_t *der;
  unsigned count;
  unsigned char key_id[KEY_ID_MAX];
  size_t key_id_len;
  char subject[SUBJECT_MAX]; /* "CN=..." (or the whole DN) for error sentences */
};

/* A decrypted client private key, or one on a PKCS#11 token (url set, key NULL). */
struct gtls_key_half {
  atomic_uint refs;
  gnutls_x509_privkey_t key;
  char *url;  /* the token's key, opened for each handshake */
  char *pin;  /* the PIN its login takes, or NULL (in the URL, or none needed) */
  unsigned char key_id[KEY_ID_MAX];
  size_t key_id_len;
};

static const char pem_cert_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_cert_end[] = "-----END CERTIFICATE-----";

/* ---- small helpers --------------------------------------------------------------------- */

/* A NUL-terminated private copy of exactly len bytes. */
char *gtls_copy_terminated(const char *data, size_t len)
{
  char *copy = len < SIZE_MAX ? malloc(len + 1) : NULL;
  if (!copy)
    return NULL;
  memcpy(copy, data, len);
  copy[len] = '\0';
  return copy;
}

void gtls_free_secret(char *buf, size_t len)
{
  if (buf) {
    gnutls_memset(buf, 0, len);
    free(buf);
  }
}

static const char *find_bytes(const char *from, const char *end, const char *needle)
{
  size_t n = strlen(needle);
  if (from >= end || (size_t)(end - from) < n)
    return NULL;
  return memmem(from, (size_t)(end - from), needle, n);
}

struct gtls_cert_half *gtls_cert_half_ref(struct gtls_cert_half *half)
{
  if (half)
    atomic_fetch_add_explicit(&half->refs, 1, memory_order_relaxed);
  return half;
}

void gtls_cert_half_unref(struct gtls_cert_half *half)
{
  if (!half || atomic_fetch_sub_explicit(&half->refs, 1, memory_order_acq_rel) != 1)
    return;
  for (unsigned i = 0; i < half->count; i++)
    gnutls_free(half->der[i].data);
  free(half->der);
  free(half);
}

struct gtls_key_half *gtls_key_half_ref(struct gtls_key_half *half)
{
  if (half)
    atomic_fetch_add_explicit(&half->refs, 1, memory_order_relaxed);
  return half;
}

void gtls_key_half_unref(struct gtls_key_half *half)
{
  if (!half || atomic_fetch_sub_explicit(&half->refs, 1, memory_order_acq_rel) != 1)
    return;
  if (half->key)
    gnutls_x509_privkey_deinit(half->key); /* GnuTLS wipes the key's integers */
  free(half->url);
  gtls_free_secret(half->pin, half->pin ? strlen(half->pin) : 0);
  free(half);
}

/* ---- PEM certificates ------------------------------------------------------------------ */

/* Whether the text after the last certificate ends with the start of another one's BEGIN
 * line (a length that cuts the buffer there): its last line, non-empty, is a proper prefix
 * of "-----BEGIN CERTIFICATE-----". Other trailing text is fine, as it always was. */
static bool cut_in_begin_line(const char *tail, const char *end)
{
  const char *line = tail;
  for (const char *q = tail; q < end; q++)
    if (*q == '\n')
      line = q + 1;
  size_t n = (size_t)(end - line);
  return n > 0 && n < sizeof pem_cert_begin - 1 && memcmp(line, pem_cert_begin, n) == 0;
}

/* Parses every "CERTIFICATE" PEM block of buf (NUL-terminated, len bytes) into crts.
 * what names the input in sentences ("trusted certificate", "client certificate"). */
static CassError parse_certs(const char *buf, size_t len, const char *what,
                             gnutls_x509_crt_t **crts_out, unsigned *count_out,
                             cassl_errmsg *err)
{
  const char *end = buf + len;
  const char *tail = buf; /* what follows the last certificate */
  gnutls_x509_crt_t *crts = NULL;
  unsigned count = 0;
  CassError rc = CASS_OK;

  for (const char *p = find_bytes(buf, end, pem_cert_begin); p;
       p = find_bytes(p, end, pem_cert_begin)) {
    const char *stop = find_bytes(p + sizeof pem_cert_begin - 1, end, pem_cert_end);
    if (!stop) {
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "%s %u is truncated: \"%s\" missing (the input ends after %zu bytes)",
                      what, count + 1, pem_cert_end, len);
      goto fail;
    }
    stop += sizeof pem_cert_end - 1;
    gnutls_datum_t block = { (unsigned char *)p, (unsigned)(stop - p) };
    gnutls_datum_t der = { NULL, 0 };
    int ret = gnutls_pem_base64_decode2("CERTIFICATE", &block, &der);
    if (ret < 0) {
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "%s %u is not valid PEM: %s", what,
                      count + 1, gnutls_strerror(ret));
      goto fail;
    }
    gnutls_x509_crt_t *grown = realloc(crts, (count + 1) * sizeof *crts);
    if (grown)
      crts = grown;
    if (!grown || gnutls_x509_crt_init(&crts[count]) < 0) {
      gnutls_free(der.data);
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
      goto fail;
    }
    ret = gnutls_x509_crt_import(crts[count], &der, GNUTLS_X509_FMT_DER);
    gnutls_free(der.data);
    if (ret < 0) {
      gnutls_x509_crt_deinit(crts[count]);
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "%s %u is not a valid X.509 "
                      "certificate: %s", what, count + 1, gnutls_strerror(ret));
      goto fail;
    }
    count++;
    p = stop;
    tail = stop;
  }
  if (cut_in_begin_line(tail, end)) {
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "%s %u is truncated inside its \"%s\" line (the input ends after %zu bytes)",
                    what, count + 1, pem_cert_begin, len);
    goto fail;
  }
  if (count == 0) {
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no PEM certificate in %zu bytes", len);
    goto fail;
  }
  *crts_out = crts;
  *count_out = count;
  return CASS_OK;

fail:
  for (unsigned i = 0; i < count; i++)
    gnutls_x509_crt_deinit(crts[i]);
  free(crts);
  return rc;
}

static void free_certs(gnutls_x509_crt_t *crts, unsigned count)
{
  for (unsigned i = 0; i < count; i++)
    gnutls_x509_crt_deinit(crts[i]);
  free(crts);
}

/* ---- copies for one handshake ---------------------------------------------------------- */

static _Thread_local cassl_errmsg retrieve_failure;

const char *gtls_retrieve_failure(void)
{
  return retrieve_failure.text;
}

int gtls_copy_pair(const struct gtls_cert_half *cert, const struct gtls_key_half *key_half,
                   gnutls_pcert_st **certs, unsigned *count, gnutls_privkey_t *privkey)
{
  unsigned n = cert->count, done = 0;
  gnutls_privkey_t key = NULL;
  retrieve_failure.text[0] = '\0';
  gnutls_pcert_st *pcerts = gnutls_calloc(n, sizeof *pcerts);
  if (!pcerts)
    return -1;
  for (; done < n; done++)
    if (gnutls_pcert_import_x509_raw(&pcerts[done], &cert->der[done], GNUTLS_X509_FMT_DER, 0) < 0)
      goto fail;
  if (key_half->url) {
    /* The token signs: a handle of this handshake's own, logged in with the kept PIN. */
    if (gtls_pkcs11_open_key(key_half->url, key_half->pin, &key, &retrieve_failure) < 0)
      goto fail;
  } else {
    if (gnutls_privkey_init(&key) < 0)
      goto fail;
    if (gnutls_privkey_import_x509(key, key_half->key, GNUTLS_PRIVKEY_IMPORT_COPY) < 0)
      goto fail;
  }
  *certs = pcerts;
  *count = n;
  *privkey = key;
  return 0;

fail:
  for (unsigned i = 0; i < done; i++)
    gnutls_pcert_deinit(&pcerts[i]);
  gnutls_free(pcerts);
  if (key)
    gnutls_privkey_deinit(key);
  return -1;
}

/* ---- trusted certificates -------------------------------------------------------------- */

CassError gtls_der_certs_from_pem(const char *pem, size_t len, const char *what,
                                  struct gtls_der_list **out, cassl_errmsg *err)
{
  *out = NULL;
  if (!pem)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no certificate given (NULL)");
  char *buf = gtls_copy_terminated(pem, len);
  if (!buf)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  gnutls_x509_crt_t *crts;
  unsigned count;
  CassError rc = parse_certs(buf, len, what, &crts, &count, err);
  free(buf);
  if (rc != CASS_OK)
    return rc;
  struct gtls_der_list *list = gtls_der_list_new(count, NULL);
  if (!list)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  for (unsigned i = 0; rc == CASS_OK && i < count; i++) {
    int ret = gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_DER, &list->der[i]);
    if (ret < 0)
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot add trusted certificates: %s",
                      gnutls_strerror(ret));
    else
      list->count++;
  }
  free_certs(crts, count);
  if (rc != CASS_OK) {
    gtls_der_list_unref(list);
    return rc;
  }
  *out = list;
  return CASS_OK;
}

CassError gtls_creds_add_trusted(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  struct gtls_der_list *added;
  CassError rc = gtls_der_certs_from_pem(pem, len, "trusted certificate", &added, err);
  if (rc != CASS_OK)
    return rc;
  /* All or nothing: only a buffer that parsed completely reaches the next generation. */
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  added->next = gtls_der_list_ref(parts.trusted);
  parts.trusted = added;
  rc = gtls_creds_stage(creds, &parts, err);
  gtls_der_list_unref(added);
  return rc;
}

/* ---- pairing --------------------------------------------------------------------------- */

static bool halves_match(const struct gtls_cert_half *cert, const struct gtls_key_half *key)
{
  return cert->key_id_len == key->key_id_len &&
         memcmp(cert->key_id, key->key_id, key->key_id_len) == 0;
}

/* Points a slot at a half, keeping the reference counts (slots own the references). */
static void set_cert_slot(struct gtls_cert_half **slot, struct gtls_cert_half *half)
{
  if (*slot == half)
    return;
  gtls_cert_half_ref(half);
  gtls_cert_half_unref(*slot);
  *slot = half;
}

static void set_key_slot(struct gtls_key_half **slot, struct gtls_key_half *half)
{
  if (*slot == half)
    return;
  gtls_key_half_ref(half);
  gtls_key_half_unref(*slot);
  *slot = half;
}

/* Stages a generation with this pair; the refused half is forgotten once that worked. */
static CassError stage_pair(void *creds, struct gtls_cert_half *cert, struct gtls_key_half *key,
                            cassl_errmsg *err)
{
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  parts.cert = cert;
  parts.key = key;
  CassError rc = gtls_creds_stage(creds, &parts, err);
  if (rc == CASS_OK) {
    set_cert_slot(gtls_creds_pending_cert(creds), NULL);
    set_key_slot(gtls_creds_pending_key(creds), NULL);
  }
  return rc;
}

/* A certificate is accepted when no key is in force yet or it matches the key in force; or,
 * failing that, when it matches the refused (pending) key, which then completes a new pair.
 * An accepted half without its other half waits in the generation (sessions send nothing). */
static CassError pair_with_cert(void *creds, struct gtls_cert_half *cert, cassl_errmsg *err)
{
  const struct gtls_gen_parts *in_force = gtls_creds_parts(creds);
  struct gtls_key_half *pending_key = *gtls_creds_pending_key(creds);
  if (!in_force->key || halves_match(cert, in_force->key)) {
    struct gtls_key_half *key = in_force->key;
    if (!key && pending_key && halves_match(cert, pending_key))
      key = pending_key;
    return stage_pair(creds, cert, key, err);
  }
  if (pending_key && halves_match(cert, pending_key))
    return stage_pair(creds, cert, pending_key, err);
  set_cert_slot(gtls_creds_pending_cert(creds), cert);
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "private key does not match the certificate %s", cert->subject);
}

/* The same rule for a key against the certificate in force and the pending one. */
static CassError pair_with_key(void *creds, struct gtls_key_half *key, cassl_errmsg *err)
{
  const struct gtls_gen_parts *in_force = gtls_creds_parts(creds);
  struct gtls_cert_half *pending_cert = *gtls_creds_pending_cert(creds);
  if (!in_force->cert || halves_match(in_force->cert, key)) {
    struct gtls_cert_half *cert = in_force->cert;
    if (!cert && pending_cert && halves_match(pending_cert, key))
      cert = pending_cert;
    return stage_pair(creds, cert, key, err);
  }
  if (pending_cert && halves_match(pending_cert, key))
    return stage_pair(creds, pending_cert, key, err);
  set_key_slot(gtls_creds_pending_key(creds), key);
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "private key does not match the certificate %s", in_force->cert->subject);
}

/* Both halves at once: they must match each other, then they replace the pair in force
 * (and any refused half) whatever it was. */
/* A token key whose public half the token does not show (an EC key written without its
 * public key object): it pairs with cert when a probe it signs verifies with the
 * certificate's key. Then it takes the certificate's key id. */
static bool pairs_by_signature(struct gtls_key_half *key, const struct gtls_cert_half *cert)
{
  gnutls_privkey_t priv = NULL;
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t sig = { NULL, 0 };
  static const unsigned char probe[] = "libcassl: does this key pair with the certificate?";
  const gnutls_datum_t data = { (unsigned char *)probe, sizeof probe - 1 };
  cassl_errmsg why;
  bool ok = false;
  if (gtls_pkcs11_open_key(key->url, key->pin, &priv, &why) < 0)
    return false;
  if (gnutls_pubkey_init(&pub) >= 0 &&
      gnutls_pubkey_import_x509_raw(pub, &cert->der[0], GNUTLS_X509_FMT_DER, 0) >= 0) {
    int pk = gnutls_pubkey_get_pk_algorithm(pub, NULL);
    gnutls_sign_algorithm_t algo = gnutls_pk_to_sign((gnutls_pk_algorithm_t)pk, GNUTLS_DIG_SHA256);
    ok = algo != GNUTLS_SIGN_UNKNOWN && gnutls_privkey_sign_data2(priv, algo, 0, &data, &sig) >= 0 &&
         gnutls_pubkey_verify_data2(pub, algo, 0, &data, &sig) >= 0;
  }
  gnutls_free(sig.data);
  if (pub)
    gnutls_pubkey_deinit(pub);
  gnutls_privkey_deinit(priv);
  if (ok) {
    memcpy(key->key_id, cert->key_id, cert->key_id_len);
    key->key_id_len = cert->key_id_len;
  }
  return ok;
}

CassError gtls_creds_stage_pair(void *creds, struct gtls_cert_half *cert,
                                struct gtls_key_half *key, cassl_errmsg *err)
{
  if (key->url && key->key_id_len == 0 && !pairs_by_signature(key, cert))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "private key does not match the certificate %s", cert->subject);
  if (!halves_match(cert, key))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "private key does not match the certificate %s", cert->subject);
  return stage_pair(creds, cert, key, err);
}

/* ---- client certificate ---------------------------------------------------------------- */

static void describe_subject(gnutls_x509_crt_t crt, char *out, size_t cap)
{
  char cn[SUBJECT_MAX - 3];
  size_t size = sizeof cn;
  if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) == 0) {
    snprintf(out, cap, "CN=%s", cn);
    return;
  }
  gnutls_datum_t dn = { NULL, 0 };
  if (gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0 && dn.size > 0)
    snprintf(out, cap, "%s", (const char *)dn.data);
  else
    snprintf(out, cap, "(no subject)");
  gnutls_free(dn.data);
}

/* A certificate half from a parsed chain (leaf first); the caller keeps crts. The half
 * comes back with one reference, the caller's. */
CassError gtls_cert_half_new(gnutls_x509_crt_t *crts, unsigned count,
                               struct gtls_cert_half **out, cassl_errmsg *err)
{
  *out = NULL;
  struct gtls_cert_half *half = calloc(1, sizeof *half);
  if (!half || !(half->der = calloc(count, sizeof *half->der))) {
    free(half);
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  }
  atomic_init(&half->refs, 1);
  CassError rc = CASS_OK;
  half->key_id_len = sizeof half->key_id;
  int ret = gnutls_x509_crt_get_key_id(crts[0], GNUTLS_KEYID_USE_SHA256, half->key_id,
                                       &half->key_id_len);
  if (ret < 0)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                    "cannot read the certificate's public key: %s", gnutls_strerror(ret));
  describe_subject(crts[0], half->subject, sizeof half->subject);
  for (; rc == CASS_OK && half->count < count; half->count++) {
    ret = gnutls_x509_crt_export2(crts[half->count], GNUTLS_X509_FMT_DER,
                                  &half->der[half->count]);
    if (ret < 0) {
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot encode certificate %u: %s",
                      half->count + 1, gnutls_strerror(ret));
      break;
    }
  }
  if (rc != CASS_OK) {
    gtls_cert_half_unref(half);
    return rc;
  }
  *out = half;
  return CASS_OK;
}

CassError gtls_cert_half_from_pem(const char *pem, size_t len, const char *what,
                                  struct gtls_cert_half **out, cassl_errmsg *err)
{
  *out = NULL;
  if (!pem)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no certificate given (NULL)");
  char *buf = gtls_copy_terminated(pem, len);
  if (!buf)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  gnutls_x509_crt_t *crts;
  unsigned count;
  CassError rc = parse_certs(buf, len, what, &crts, &count, err);
  free(buf);
  if (rc != CASS_OK)
    return rc;
  rc = gtls_cert_half_new(crts, count, out, err);
  free_certs(crts, count);
  return rc;
}

CassError gtls_creds_set_cert(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  struct gtls_cert_half *half = NULL;
  CassError rc = gtls_cert_half_from_pem(pem, len, "client certificate", &half, err);
  if (rc == CASS_OK)
    rc = pair_with_cert(creds, half, err);
  gtls_cert_half_unref(half);
  return rc;
}

/* ---- private key ----------------------------------------------------------------------- */

/* The PEM private key block found in a buffer. */
struct pem_key {
  const char *begin, *end; /* from "-----BEGIN" to the end of the "-----END ...-----" line */
  char label[40];          /* "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", ... */
  bool pkcs8_encrypted;
  bool traditional_encrypted;
  char dek_cipher[40]; /* DEK-Info cipher of a traditional encrypted key */
};

/* Finds the first "-----BEGIN <...>PRIVATE KEY-----" block. */
static CassError find_pem_key(const char *buf, size_t len, struct pem_key *k, cassl_errmsg *err)
{
  const char *end = buf + len;
  memset(k, 0, sizeof *k);
  for (const char *p = find_bytes(buf, end, "-----BEGIN "); p;
       p = find_bytes(p + 1, end, "-----BEGIN ")) {
    const char *label = p + strlen("-----BEGIN ");
    const char *dashes = find_bytes(label, end, "-----");
    const char *eol = memchr(label, '\n', (size_t)(end - label));
    if (!dashes || (eol && eol < dashes))
      continue;
    size_t label_len = (size_t)(dashes - label);
    if (label_len < strlen("PRIVATE KEY") || label_len >= sizeof k->label ||
        memcmp(dashes - strlen("PRIVATE KEY"), "PRIVATE KEY", strlen("PRIVATE KEY")) != 0)
      continue;
    memcpy(k->label, label, label_len);
    k->label[label_len] = '\0';

    char end_line[64];
    snprintf(end_line, sizeof end_line, "-----END %s-----", k->label);
    const char *stop = find_bytes(dashes, end, end_line);
    if (!stop)
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                        "PEM private key is truncated: \"%s\" missing", end_line);
    k->begin = p;
    k->end = stop + strlen(end_line);
    k->pkcs8_encrypted = strcmp(k->label, "ENCRYPTED PRIVATE KEY") == 0;
    const char *proc = find_bytes(p, stop, "Proc-Type:");
    const char *dek = find_bytes(p, stop, "DEK-Info:");
    /* GnuTLS decrypts whenever DEK-Info is present, with or without Proc-Type. */
    if ((proc && find_bytes(proc, stop, "ENCRYPTED")) || dek) {
      k->traditional_encrypted = true;
      if (dek) {
        dek += strlen("DEK-Info:");
        while (dek < stop && (*dek == ' ' || *dek == '\t'))
          dek++;
        size_t n = 0;
        while (dek + n < stop && dek[n] != ',' && dek[n] != '\r' && dek[n] != '\n' &&
               n + 1 < sizeof k->dek_cipher)
          n++;
        memcpy(k->dek_cipher, dek, n);
      }
    }
    return CASS_OK;
  }
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "no PEM private key in %zu bytes",
                    len);
}

/* For an encrypted PKCS#8 key: CASS_OK when GnuTLS knows its scheme, else a sentence. */
static CassError check_pkcs8_scheme(const gnutls_datum_t *block, cassl_errmsg *err)
{
  unsigned schema = 0, cipher = 0, iter = 0;
  unsigned char salt[256];
  unsigned salt_size = sizeof salt;
  char *oid = NULL;
  int ret = gnutls_pkcs8_info(block, GNUTLS_X509_FMT_PEM, &schema, &cipher, salt, &salt_size,
                              &iter, &oid);
  if (ret >= 0) {
    gnutls_free(oid);
    /* The same bound on one derivation as every other key-derivation in a file
     * (kdf_budget.h), checked before GnuTLS derives anything. */
    struct gtls_kdf_budget budget = { 0 };
    char why[300];
    if (gtls_kdf_budget_add(&budget, iter, "encrypted private key", why, sizeof why) !=
        GTLS_KDF_OK)
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "%s", why);
    return CASS_OK;
  }
  const char *name = oid ? gtls_scheme_name(oid) : gtls_scheme_name_from_pem(block);
  CassError rc;
  if (name && oid)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "unsupported private key encryption: %s (OID %s)", name, oid);
  else if (name)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "unsupported private key encryption: %s", name);
  else if (oid)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "unsupported private key encryption: algorithm OID %s", oid);
  else
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                    "cannot read the encrypted PKCS#8 private key: %s", gnutls_strerror(ret));
  gnutls_free(oid);
  return rc;
}

/* A key half owning key (freed on failure too), with the caller's reference. */
static CassError key_half_new(gnutls_x509_privkey_t key, struct gtls_key_half **out,
                              cassl_errmsg *err)
{
  *out = NULL;
  struct gtls_key_half *half = calloc(1, sizeof *half);
  if (!half) {
    gnutls_x509_privkey_deinit(key);
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "out of memory");
  }
  atomic_init(&half->refs, 1);
  half->key = key;
  half->key_id_len = sizeof half->key_id;
  int ret = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, half->key_id,
                                           &half->key_id_len);
  if (ret < 0) {
    gtls_key_half_unref(half);
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "cannot compute the private key's public key: %s", gnutls_strerror(ret));
  }
  *out = half;
  return CASS_OK;
}

const char *gtls_key_half_url(const struct gtls_key_half *half)
{
  return half->url;
}

CassError gtls_key_half_new_url(const char *url, const char *pin, const unsigned char *key_id,
                                size_t key_id_len, struct gtls_key_half **out,
                                cassl_errmsg *err)
{
  *out = NULL;
  struct gtls_key_half *half = calloc(1, sizeof *half);
  if (!half || key_id_len > sizeof half->key_id)
    goto oom;
  atomic_init(&half->refs, 1);
  if (!(half->url = strdup(url)) || (pin && !(half->pin = strdup(pin))))
    goto oom;
  memcpy(half->key_id, key_id, key_id_len);
  half->key_id_len = key_id_len;
  *out = half;
  return CASS_OK;

oom:
  gtls_key_half_unref(half);
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "out of memory");
}

/* Decodes the key block with password (NULL = none) into a key half. */
static CassError import_key(const struct pem_key *k, const char *password,
                            struct gtls_key_half **out, cassl_errmsg *err)
{
  bool encrypted = k->pkcs8_encrypted || k->traditional_encrypted;
  gnutls_datum_t block = { (unsigned char *)k->begin, (unsigned)(k->end - k->begin) };
  *out = NULL;

  if (encrypted && !password)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "private key is encrypted and no password was given");
  if (k->pkcs8_encrypted) {
    CassError rc = check_pkcs8_scheme(&block, err);
    if (rc != CASS_OK)
      return rc;
  }
  gnutls_datum_t canonical = { NULL, 0 };
  if (gtls_pem_is_traditional_encrypted(k->begin, (size_t)(k->end - k->begin))) {
    char why[160];
    if (gtls_pem_traditional_canonical(k->begin, (size_t)(k->end - k->begin), &canonical, why,
                                       sizeof why) < 0)
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "%s", why);
    block = canonical;
  }

  gnutls_x509_privkey_t key;
  int ret = gnutls_x509_privkey_init(&key);
  if (ret < 0) {
    gnutls_free(canonical.data);
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "out of memory");
  }
  /* A plain key ignores any password, as the driver does. */
  ret = gnutls_x509_privkey_import2(key, &block, GNUTLS_X509_FMT_PEM,
                                    encrypted ? password : NULL, encrypted ? 0 : GNUTLS_PKCS_PLAIN);
  gnutls_free(canonical.data);
  if (ret >= 0)
    return key_half_new(key, out, err);
  gnutls_x509_privkey_deinit(key);
  if (!encrypted)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "cannot parse the PEM private key (%s): %s", k->label, gnutls_strerror(ret));
  if (k->traditional_encrypted &&
      (ret == GNUTLS_E_UNKNOWN_CIPHER_TYPE || ret == GNUTLS_E_INVALID_REQUEST ||
       ret == GNUTLS_E_UNIMPLEMENTED_FEATURE))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "unsupported private key encryption: traditional PEM with %s",
                      k->dek_cipher[0] ? k->dek_cipher : "an unknown cipher");
  if (ret == GNUTLS_E_BASE64_DECODING_ERROR || ret == GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "cannot decode the PEM private key (%s): %s", k->label, gnutls_strerror(ret));
  /* A known scheme whose plaintext does not decode: GnuTLS reports most of these as
   * GNUTLS_E_DECRYPTION_FAILED, the rest are the same wrong password with luckier padding. */
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "wrong password: decryption failed");
}

CassError gtls_password_copy(const char *password, size_t password_len, char **out,
                             size_t *out_len, cassl_errmsg *err)
{
  *out = NULL;
  *out_len = 0;
  /* The password is exactly password_len bytes; GnuTLS takes a C string, so trailing NULs
   * (a length that counted the terminator) are dropped and an inner NUL is refused rather
   * than silently shortening the password. */
  if (!password)
    password_len = 0;
  while (password_len > 0 && password[password_len - 1] == '\0')
    password_len--;
  if (password_len > 0 && memchr(password, '\0', password_len))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                      "the password contains a NUL byte at offset %zu; GnuTLS takes passwords "
                      "as C strings and cannot use it",
                      (size_t)((const char *)memchr(password, '\0', password_len) - password));
  if (password_len == 0)
    return CASS_OK;
  if (!(*out = gtls_copy_terminated(password, password_len)))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "out of memory");
  *out_len = password_len;
  return CASS_OK;
}

CassError gtls_key_half_from_pem(const char *pem, size_t len, const char *password,
                                 size_t password_len, struct gtls_key_half **out,
                                 cassl_errmsg *err)
{
  *out = NULL;
  if (!pem)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "no private key given (NULL)");
  char *pass;
  size_t pass_len;
  CassError rc = gtls_password_copy(password, password_len, &pass, &pass_len, err);
  if (rc != CASS_OK)
    return rc;
  char *buf = gtls_copy_terminated(pem, len);
  if (!buf) {
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "out of memory");
    goto done;
  }
  struct pem_key k;
  rc = find_pem_key(buf, len, &k, err);
  if (rc == CASS_OK)
    rc = import_key(&k, pass, out, err);

done:
  gtls_free_secret(buf, len);
  gtls_free_secret(pass, pass_len);
  return rc;
}

CassError gtls_creds_set_key(void *creds, const char *pem, size_t len, const char *password,
                             size_t password_len, cassl_errmsg *err)
{
  struct gtls_key_half *half = NULL;
  CassError rc = gtls_key_half_from_pem(pem, len, password, password_len, &half, err);
  if (rc == CASS_OK)
    rc = pair_with_key(creds, half, err);
  gtls_key_half_unref(half);
  return rc;
}

/* ---- certificate and key together (PKCS#12) -------------------------------------------- */

CassError gtls_creds_set_pair(void *creds, gnutls_x509_crt_t *crts, unsigned count,
                              gnutls_x509_privkey_t key, cassl_errmsg *err)
{
  struct gtls_key_half *key_half = NULL;
  struct gtls_cert_half *cert_half = NULL;
  CassError rc = key_half_new(key, &key_half, err);
  if (rc == CASS_OK)
    rc = gtls_cert_half_new(crts, count, &cert_half, err);
  if (rc == CASS_OK)
    rc = gtls_creds_stage_pair(creds, cert_half, key_half, err);
  gtls_cert_half_unref(cert_half);
  gtls_key_half_unref(key_half);
  return rc;
}
