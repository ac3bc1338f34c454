/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Public-key pins in curl's --pinnedpubkey form: "sha256//<base64 of the SHA-256 of the
 * SubjectPublicKeyInfo DER>", several separated by ';'. After the handshake the server
 * leaf's key must hash to one of them, whatever the verify flags say, so a self-signed node
 * can be pinned without a CA. nettle does the base64, the hash and the constant-time
 * comparison. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <nettle/base64.h>
#include <nettle/memops.h>
#include <nettle/sha2.h>

#include "gtls.h"

#define PIN_PREFIX "sha256//"
#define PIN_B64_MAX 64 /* a SHA-256 pin is 44 characters; more is refused before decoding */

typedef uint8_t pin_hash[SHA256_DIGEST_SIZE];

/* One generation's pins (generation.c): never changed once made, shared by reference. */
struct gtls_pins {
  atomic_uint refs;
  size_t count;
  pin_hash hashes[];
};

struct gtls_pins *gtls_pins_ref(struct gtls_pins *pins)
{
  if (pins)
    atomic_fetch_add_explicit(&pins->refs, 1, memory_order_relaxed);
  return pins;
}

void gtls_pins_unref(struct gtls_pins *pins)
{
  if (pins && atomic_fetch_sub_explicit(&pins->refs, 1, memory_order_acq_rel) == 1)
    free(pins);
}

static bool is_base64_char(char ch)
{
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '+' || ch == '/' || ch == '=';
}

/* One pin of n bytes at text (the idx-th of the string) into out. */
static CassError parse_pin(const char *text, size_t n, unsigned idx, uint8_t *out,
                           cassl_errmsg *err)
{
  size_t prefix = strlen(PIN_PREFIX);
  if (n == 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "pin %u is empty; pins are \"sha256//<base64>\" separated by ';'", idx);
  if (n < prefix || memcmp(text, PIN_PREFIX, prefix) != 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "pin %u (\"%.*s\") does not start with \"sha256//\"; pins are written "
                      "sha256//<base64 of the SHA-256 of the server's public key>, as curl's "
                      "--pinnedpubkey takes them", idx, (int)(n < 80 ? n : 80), text);
  const char *b64 = text + prefix;
  size_t b64_len = n - prefix;
  bool chars_ok = b64_len > 0 && b64_len <= PIN_B64_MAX;
  for (size_t i = 0; chars_ok && i < b64_len; i++)
    chars_ok = is_base64_char(b64[i]) && (b64[i] != '=' || i + 2 >= b64_len);
  uint8_t decoded[BASE64_DECODE_LENGTH(PIN_B64_MAX)];
  size_t decoded_len = sizeof decoded;
  struct base64_decode_ctx ctx;
  base64_decode_init(&ctx);
  if (!chars_ok || !base64_decode_update(&ctx, &decoded_len, decoded, b64_len, b64) ||
      !base64_decode_final(&ctx))
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "pin %u: \"%.*s\" is not valid base64",
                      idx, (int)(b64_len < 80 ? b64_len : 80), b64);
  if (decoded_len != SHA256_DIGEST_SIZE)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "pin %u decodes to %zu bytes; a SHA-256 pin is %d bytes (44 base64 "
                      "characters)", idx, decoded_len, SHA256_DIGEST_SIZE);
  memcpy(out, decoded, SHA256_DIGEST_SIZE);
  return CASS_OK;
}

CassError gtls_creds_add_pins(void *creds, const char *text, cassl_errmsg *err)
{
  if (!text)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "no pin given (NULL)");
  size_t count = 1;
  for (const char *p = text; *p; p++)
    count += *p == ';';
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  size_t before = parts.pins ? parts.pins->count : 0;
  struct gtls_pins *pins =
      count <= (SIZE_MAX - sizeof *pins) / sizeof(pin_hash) - before
          ? malloc(sizeof *pins + (before + count) * sizeof(pin_hash))
          : NULL;
  if (!pins)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  atomic_init(&pins->refs, 1);
  pins->count = before + count;
  if (before)
    memcpy(pins->hashes, parts.pins->hashes, before * sizeof(pin_hash));
  /* All or nothing: every pin of the string parses before any is added. */
  CassError rc = CASS_OK;
  const char *p = text;
  for (size_t i = 0; i < count && rc == CASS_OK; i++) {
    size_t n = strcspn(p, ";");
    rc = parse_pin(p, n, (unsigned)i + 1, pins->hashes[before + i], err);
    p += n + (p[n] == ';');
  }
  if (rc == CASS_OK) {
    parts.pins = pins;
    rc = gtls_creds_stage(creds, &parts, err);
  }
  gtls_pins_unref(pins);
  return rc;
}

/* SHA-256 of the leaf's SubjectPublicKeyInfo DER. */
static CassError leaf_key_hash(const unsigned char *der, size_t len, uint8_t *hash,
                               cassl_errmsg *err)
{
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t crt = { (unsigned char *)der, (unsigned)len }, spki = { NULL, 0 };
  int ret = gnutls_pubkey_init(&pub);
  if (ret >= 0)
    ret = gnutls_pubkey_import_x509_raw(pub, &crt, GNUTLS_X509_FMT_DER, 0);
  if (ret >= 0)
    ret = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki);
  if (pub)
    gnutls_pubkey_deinit(pub);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                      "cannot read the public key of the server's certificate for the pin "
                      "check: %s", gnutls_strerror(ret));
  struct sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, spki.size, spki.data);
  sha256_digest(&ctx, SHA256_DIGEST_SIZE, hash);
  gnutls_free(spki.data);
  return CASS_OK;
}

bool gtls_pin_of_cert(const unsigned char *der, size_t len, char *out, size_t cap)
{
  uint8_t hash[SHA256_DIGEST_SIZE];
  char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
  if (cap < sizeof PIN_PREFIX + sizeof b64 - 1 || leaf_key_hash(der, len, hash, NULL) != CASS_OK)
    return false;
  base64_encode_raw(b64, sizeof hash, hash);
  b64[sizeof b64 - 1] = '\0';
  snprintf(out, cap, "%s%s", PIN_PREFIX, b64);
  return true;
}

CassError gtls_session_verify_pins(void *session, cassl_errmsg *err)
{
  /* The pins of the session's own generation: no setter changes them. */
  const struct gtls_pins *pins = gtls_gen_parts(gtls_session_gen(session))->pins;
  if (!pins || pins->count == 0)
    return CASS_OK;

  const unsigned char *der;
  size_t len;
  if (gtls_session_peer_cert(session, 0, &der, &len) != CASS_OK)
    return cassl_fail(err, CASS_ERROR_SSL_NO_PEER_CERT,
                      "the server sent no certificate, but public key pins are set");
  pin_hash hash;
  CassError rc = leaf_key_hash(der, len, hash, err);
  if (rc != CASS_OK)
    return rc;
  /* Every pin is compared in full, so the time taken says nothing about which one
   * (or how much of one) matched. */
  int matched = 0;
  for (size_t i = 0; i < pins->count; i++)
    matched |= memeql_sec(hash, pins->hashes[i], SHA256_DIGEST_SIZE);
  if (matched)
    return CASS_OK;
  char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
  base64_encode_raw(b64, SHA256_DIGEST_SIZE, hash);
  b64[sizeof b64 - 1] = '\0';
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                    "public key pin mismatch: server key " PIN_PREFIX "%s is not pinned", b64);
}
