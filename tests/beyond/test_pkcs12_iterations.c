/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* PKCS#12 files that ask for absurd key-derivation iteration counts (the MAC's, a shrouded
 * key's) are refused before any derivation, by cassl_ssl_set_pkcs12_n and `cassl inspect`;
 * so are files whose derivations together exceed the per-file budget (shrouded keys,
 * encrypted bags, encrypted PEM keys: CASS_ERROR_LIB_INVALID_DATA naming the total) or that
 * hold more bags than a keystore does; the MAC is checked before any bag is decrypted; and
 * a slow (legal) PKCS#12 setter never keeps cassl_session_new waiting. */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/pkcs12.h>
#include <nettle/pbkdf2.h>

#include "cassl/inspect.h"
#include "session_util.h"

#define PASSWORD "cassandra"
#define ABSURD 2147483647u   /* 2^31 - 1 */
#define SLOW_BUT_LEGAL 10000000u /* the most the library accepts: a second or so of work */
/* Above the library's bound, below the one GnuTLS applies to PKCS#8 itself (10 * 2^20). */
#define ABOVE_BOUND 10400000u

static struct tpki ca, client;
static gnutls_datum_t shrouded_der; /* shrouded_key's export, made once */

/* ---- DER surgery ------------------------------------------------------------------------ */

struct der {
  unsigned char *data;
  size_t len, cap;
};

static void der_put(struct der *d, const void *p, size_t n)
{
  if (d->len + n > d->cap) {
    d->cap = (d->len + n) * 2 + 64;
    d->data = realloc(d->data, d->cap);
    assert_non_null(d->data);
  }
  memcpy(d->data + d->len, p, n);
  d->len += n;
}

static void der_put_header(struct der *d, unsigned char tag, size_t len)
{
  unsigned char h[6] = { tag };
  size_t n = 1;
  if (len < 128) {
    h[n++] = (unsigned char)len;
  } else {
    unsigned char bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
    h[n++] = 0x80 | bytes;
    for (int i = bytes - 1; i >= 0; i--)
      h[n++] = (unsigned char)(len >> (8 * i));
  }
  der_put(d, h, n);
}

/* One TLV at p (single-byte tags, as in these files): its header and content lengths. */
static void der_read(const unsigned char *p, size_t avail, size_t *hdr, size_t *len)
{
  assert_true(avail >= 2);
  if (p[1] < 128) {
    *hdr = 2;
    *len = p[1];
  } else {
    size_t bytes = p[1] & 0x7f;
    assert_true(bytes >= 1 && bytes <= 4 && avail >= 2 + bytes);
    *len = 0;
    for (size_t i = 0; i < bytes; i++)
      *len = (*len << 8) | p[2 + i];
    *hdr = 2 + bytes;
  }
  assert_true(*hdr + *len <= avail);
}

static int integers_seen;

/* Copies the TLVs of [p, p + n) into out, re-encoding constructed ones, with the INTEGER
 * number target (in depth-first order) replaced by value. */
static void der_rewrite(const unsigned char *p, size_t n, int target, unsigned value,
                        struct der *out)
{
  while (n > 0) {
    size_t hdr, len;
    der_read(p, n, &hdr, &len);
    if (p[0] & 0x20) {
      struct der inner = { 0 };
      der_rewrite(p + hdr, len, target, value, &inner);
      der_put_header(out, p[0], inner.len);
      if (inner.len)
        der_put(out, inner.data, inner.len);
      free(inner.data);
    } else if (p[0] == 0x02 && integers_seen++ == target) {
      unsigned char v[5] = { 0, (unsigned char)(value >> 24), (unsigned char)(value >> 16),
                             (unsigned char)(value >> 8), (unsigned char)value };
      size_t skip = 0;
      while (skip < 4 && v[skip] == 0 && !(v[skip + 1] & 0x80))
        skip++;
      der_put_header(out, 0x02, sizeof v - skip);
      der_put(out, v + skip, sizeof v - skip);
    } else {
      der_put(out, p, hdr + len);
    }
    p += hdr + len;
    n -= hdr + len;
  }
}

static int der_count_integers(const unsigned char *p, size_t n)
{
  int count = 0;
  while (n > 0) {
    size_t hdr, len;
    der_read(p, n, &hdr, &len);
    if (p[0] & 0x20)
      count += der_count_integers(p + hdr, len);
    else
      count += p[0] == 0x02;
    p += hdr + len;
    n -= hdr + len;
  }
  return count;
}

/* A copy of der with its first (which = 0) or last (which = -1) INTEGER set to value. */
static gnutls_datum_t der_with_integer(const gnutls_datum_t *der, int which, unsigned value)
{
  int total = der_count_integers(der->data, der->size);
  assert_true(total > 0);
  struct der out = { 0 };
  integers_seen = 0;
  der_rewrite(der->data, der->size, which < 0 ? total - 1 : which, value, &out);
  return (gnutls_datum_t){ out.data, (unsigned)out.len };
}

/* ---- the files -------------------------------------------------------------------------- */

/* client's certificate (plain bag) and key (shrouded with PBES2 whose PBKDF2 count is
 * key_iter, or GnuTLS's own when 0), with a MAC; the MAC's count is then set to mac_iter
 * when not 0 (the MAC no longer verifies: the count is read before anything is checked). */
static gnutls_datum_t make_p12(unsigned key_iter, unsigned mac_iter)
{
  gnutls_pkcs12_t p;
  gnutls_pkcs12_bag_t cbag, kbag;
  gnutls_datum_t key_der, id, out;
  unsigned char idbuf[64];
  size_t idlen = sizeof idbuf;
  assert_int_equal(gnutls_x509_crt_get_key_id(client.crt, 0, idbuf, &idlen), 0);
  id = (gnutls_datum_t){ idbuf, (unsigned)idlen };
  assert_int_equal(gnutls_pkcs12_init(&p), 0);
  assert_int_equal(gnutls_pkcs12_bag_init(&cbag), 0);
  assert_int_equal(gnutls_pkcs12_bag_init(&kbag), 0);
  int idx = gnutls_pkcs12_bag_set_crt(cbag, client.crt);
  assert_true(idx >= 0);
  assert_int_equal(gnutls_pkcs12_bag_set_key_id(cbag, idx, &id), 0);
  assert_int_equal(gnutls_x509_privkey_export2_pkcs8(client.key, GNUTLS_X509_FMT_DER, PASSWORD,
                                                     GNUTLS_PKCS_PBES2_AES_256, &key_der), 0);
  if (key_iter) {
    /* EncryptedPrivateKeyInfo: the first INTEGER is PBKDF2's iterationCount. */
    gnutls_datum_t patched = der_with_integer(&key_der, 0, key_iter);
    gnutls_free(key_der.data);
    key_der = patched;
    unsigned schema, cipher, iter = 0;
    int ret = gnutls_pkcs8_info(&key_der, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, NULL,
                                &iter, NULL);
    /* GnuTLS will not even read counts of 10 * 2^20 or more. */
    if (ret < 0 ? key_iter < 10u * 1024 * 1024 : iter != key_iter)
      fail_msg("patched key: %s, %u iterations", gnutls_strerror(ret), iter);
  }
  idx = gnutls_pkcs12_bag_set_data(kbag, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &key_der);
  assert_true(idx >= 0);
  assert_int_equal(gnutls_pkcs12_bag_set_key_id(kbag, idx, &id), 0);
  key_iter ? free(key_der.data) : gnutls_free(key_der.data);
  assert_int_equal(gnutls_pkcs12_set_bag(p, cbag), 0);
  assert_int_equal(gnutls_pkcs12_set_bag(p, kbag), 0);
  assert_int_equal(gnutls_pkcs12_generate_mac2(p, GNUTLS_MAC_SHA256, PASSWORD), 0);
  assert_int_equal(gnutls_pkcs12_export2(p, GNUTLS_X509_FMT_DER, &out), 0);
  gnutls_pkcs12_bag_deinit(cbag);
  gnutls_pkcs12_bag_deinit(kbag);
  gnutls_pkcs12_deinit(p);
  if (mac_iter) {
    /* PFX: the last INTEGER is MacData's iterations. */
    gnutls_datum_t patched = der_with_integer(&out, -1, mac_iter);
    gnutls_free(out.data);
    out.data = gnutls_malloc(patched.size);
    assert_non_null(out.data);
    memcpy(out.data, patched.data, patched.size);
    out.size = patched.size;
    free(patched.data);
  }
  return out;
}

static void assert_refused(const gnutls_datum_t *p12, const char *what, unsigned iter)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12->data, p12->size, PASSWORD, strlen(PASSWORD));
  const char *msg = cassl_ssl_last_error(ssl);
  char count[32];
  snprintf(count, sizeof count, "%u", iter);
  if (rc != CASS_ERROR_SSL_INVALID_CERT || !strstr(msg, what) || !strstr(msg, count))
    fail_msg("%s: %s: %s", what, cassl_error_name(rc), msg);
  cass_ssl_free(ssl);
}

/* The MAC's own count: refused before the MAC is computed. */
static void test_absurd_mac_iterations_refused(void **state)
{
  gnutls_datum_t p12 = make_p12(0, ABSURD);
  assert_refused(&p12, "integrity check (MAC) asks for", ABSURD);
  gnutls_free(p12.data);
}

/* A shrouded key's PBKDF2 count inside a file with an ordinary MAC. */
static void test_key_iterations_above_bound_refused(void **state)
{
  gnutls_datum_t p12 = make_p12(ABOVE_BOUND, 0);
  assert_refused(&p12, "private key encryption asks for", ABOVE_BOUND);
  gnutls_free(p12.data);
}

/* Counts GnuTLS itself will not read: refused too, with a sentence. */
static void test_absurd_key_iterations_refused(void **state)
{
  gnutls_datum_t p12 = make_p12(ABSURD, 0);
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12.data, p12.size, PASSWORD, strlen(PASSWORD));
  print_message("%s: %s\n", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  assert_int_not_equal(rc, CASS_OK);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "iteration"));
  cass_ssl_free(ssl);
  gnutls_free(p12.data);
}

/* The same construction with GnuTLS's own counts loads. */
static void test_ordinary_counts_load(void **state)
{
  gnutls_datum_t p12 = make_p12(0, 0);
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12.data, p12.size, PASSWORD, strlen(PASSWORD));
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  cass_ssl_free(ssl);
  gnutls_free(p12.data);
}

/* cassl_file_info_read refuses such a file before any key derivation, as the setter does:
 * the MAC is described, the encryption is not read. */
static void test_file_info_refuses_absurd_count(void **state)
{
  unsigned counts[][2] = { { 0, ABSURD }, { ABOVE_BOUND, 0 } };
  for (size_t i = 0; i < 2; i++) {
    gnutls_datum_t p12 = make_p12(counts[i][0], counts[i][1]);
    cassl_file_info *fi = NULL;
    assert_int_equal(cassl_file_info_read(p12.data, p12.size, PASSWORD, &fi),
                     CASS_ERROR_SSL_INVALID_CERT);
    char count[32];
    snprintf(count, sizeof count, "%u", counts[i][0] ? counts[i][0] : counts[i][1]);
    if (!strstr(cassl_file_info_error_message(fi), count))
      fail_msg("%s", cassl_file_info_error_message(fi));
    assert_string_equal(cassl_file_info_format(fi), "PKCS#12");
    assert_non_null(cassl_file_info_pkcs12_mac(fi));
    assert_null(cassl_file_info_pkcs12_cert_encryption(fi));
    assert_int_equal(cassl_file_info_cert_count(fi) + cassl_file_info_key_count(fi), 0);
    cassl_file_info_free(fi);
    gnutls_free(p12.data);
  }
}

/* `cassl inspect --password` refuses the file with the count (exit 3) instead of hanging. */
static void test_inspect_refuses_absurd_count(void **state)
{
  const char *builddir = getenv("CASSL_BUILDDIR");
  char tool[4096], file[] = "/tmp/cassl-p12-XXXXXX", cmd[8400];
  snprintf(tool, sizeof tool, "%s/tools/cassl", builddir ? builddir : ".");
  if (access(tool, X_OK) != 0)
    skip();
  gnutls_datum_t p12 = make_p12(0, ABSURD);
  int fd = mkstemp(file);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, p12.data, p12.size), (ssize_t)p12.size);
  close(fd);
  gnutls_free(p12.data);
  snprintf(cmd, sizeof cmd, "'%s' inspect --password " PASSWORD " '%s' 2>&1", tool, file);
  FILE *f = popen(cmd, "r");
  assert_non_null(f);
  char out[8192];
  size_t n = fread(out, 1, sizeof out - 1, f);
  out[n] = '\0';
  int status = pclose(f);
  unlink(file);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 3 || !strstr(out, "2147483647"))
    fail_msg("cassl inspect: status %d: %s", status, out);
}

/* ---- one key-derivation budget per file ------------------------------------------------ */

#define NEAR_BOUND 9999999u /* each count legal on its own */
#define FILE_BUDGET 20000000u

/* client's key, PKCS#8 PBES2 DER with its PBKDF2 count set to iter (no derivation runs;
 * the key no longer decrypts), or GnuTLS's own when 0 (it decrypts). The export (a
 * derivation at GnuTLS's count) is made once: files of 65 keys would otherwise take
 * minutes to build under valgrind. */
static gnutls_datum_t shrouded_key(unsigned iter)
{
  gnutls_datum_t patched;
  if (!shrouded_der.data)
    assert_int_equal(gnutls_x509_privkey_export2_pkcs8(client.key, GNUTLS_X509_FMT_DER,
                                                       PASSWORD, GNUTLS_PKCS_PBES2_AES_256,
                                                       &shrouded_der), 0);
  if (iter)
    patched = der_with_integer(&shrouded_der, 0, iter);
  else
    patched = (gnutls_datum_t){ malloc(shrouded_der.size), shrouded_der.size };
  assert_non_null(patched.data);
  if (!iter)
    memcpy(patched.data, shrouded_der.data, shrouded_der.size);
  return patched; /* free() */
}

/* A file with the client's certificate in enc_bags encrypted bags (their count set to
 * bag_iter, or GnuTLS's own when 0) or one plain bag (enc_bags 0), and keys shrouded keys
 * of key_iter each (0 as for shrouded_key), with an ordinary MAC; *mac_iter receives its
 * count. A count set here makes what it protects undecryptable: such files are for the
 * cases refused before any derivation. */
static gnutls_datum_t make_heavy_p12(unsigned enc_bags, unsigned bag_iter, unsigned keys,
                                     unsigned key_iter, unsigned *mac_iter)
{
  gnutls_pkcs12_t p;
  unsigned char idbuf[64];
  size_t idlen = sizeof idbuf;
  assert_int_equal(gnutls_x509_crt_get_key_id(client.crt, 0, idbuf, &idlen), 0);
  gnutls_datum_t id = { idbuf, (unsigned)idlen };
  assert_int_equal(gnutls_pkcs12_init(&p), 0);
  for (unsigned i = 0; i < (enc_bags ? enc_bags : 1); i++) {
    gnutls_pkcs12_bag_t cbag;
    assert_int_equal(gnutls_pkcs12_bag_init(&cbag), 0);
    int idx = gnutls_pkcs12_bag_set_crt(cbag, client.crt);
    assert_true(idx >= 0);
    assert_int_equal(gnutls_pkcs12_bag_set_key_id(cbag, idx, &id), 0);
    if (enc_bags) {
      /* Encrypted with GnuTLS's own count, then the EncryptedData's PBKDF2 count (its
       * second INTEGER, after the version) set to bag_iter. */
      assert_int_equal(gnutls_pkcs12_bag_encrypt(cbag, PASSWORD, GNUTLS_PKCS_PBES2_AES_256), 0);
      if (bag_iter) {
        gnutls_datum_t enc;
        assert_int_equal(gnutls_pkcs12_bag_get_data(cbag, 0, &enc), 0);
        gnutls_datum_t patched = der_with_integer(&enc, 1, bag_iter);
        gnutls_pkcs12_bag_t ebag;
        assert_int_equal(gnutls_pkcs12_bag_init(&ebag), 0);
        assert_true(gnutls_pkcs12_bag_set_data(ebag, GNUTLS_BAG_ENCRYPTED, &patched) >= 0);
        free(patched.data);
        unsigned schema, cipher, iter = 0;
        assert_true(gnutls_pkcs12_bag_enc_info(ebag, &schema, &cipher, NULL, NULL, &iter,
                                               NULL) >= 0);
        assert_int_equal(iter, bag_iter);
        assert_int_equal(gnutls_pkcs12_set_bag(p, ebag), 0);
        gnutls_pkcs12_bag_deinit(ebag);
      } else {
        assert_int_equal(gnutls_pkcs12_set_bag(p, cbag), 0);
      }
    } else {
      assert_int_equal(gnutls_pkcs12_set_bag(p, cbag), 0);
    }
    gnutls_pkcs12_bag_deinit(cbag);
  }
  for (unsigned i = 0; i < keys; i++) {
    gnutls_pkcs12_bag_t kbag;
    assert_int_equal(gnutls_pkcs12_bag_init(&kbag), 0);
    gnutls_datum_t key = shrouded_key(key_iter);
    int idx = gnutls_pkcs12_bag_set_data(kbag, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &key);
    assert_true(idx >= 0);
    assert_int_equal(gnutls_pkcs12_bag_set_key_id(kbag, idx, &id), 0);
    free(key.data);
    assert_int_equal(gnutls_pkcs12_set_bag(p, kbag), 0);
    gnutls_pkcs12_bag_deinit(kbag);
  }
  assert_int_equal(gnutls_pkcs12_generate_mac2(p, GNUTLS_MAC_SHA256, PASSWORD), 0);
  unsigned mac, iter = 0;
  assert_true(gnutls_pkcs12_mac_info(p, &mac, NULL, NULL, &iter, NULL) >= 0);
  *mac_iter = iter;
  gnutls_datum_t out;
  assert_int_equal(gnutls_pkcs12_export2(p, GNUTLS_X509_FMT_DER, &out), 0);
  gnutls_pkcs12_deinit(p);
  return out;
}

/* The PBKDF2 count GnuTLS writes for a shrouded key. */
static unsigned key_default_iter(void)
{
  gnutls_datum_t der = shrouded_key(0);
  unsigned schema, cipher, iter = 0;
  assert_true(gnutls_pkcs8_info(&der, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, NULL, &iter,
                                NULL) >= 0);
  free(der.data);
  return iter;
}

/* ---- PBKDF2 work, counted -------------------------------------------------------------- */

/* GnuTLS derives every PBES2 key (shrouded keys, encrypted bags, PKCS#8 PEM keys) through
 * nettle_pbkdf2, called through the PLT; this definition in the test program (default
 * visibility, exported: see local.mk) comes first in symbol lookup, counts the iterations
 * each derivation asks for, and forwards to nettle's (found once, in group_setup, before any
 * thread). "Refused before any derivation" is then a measure of work done, zero, not a clock
 * (a clock fails under valgrind). The PKCS#12 MAC uses the PKCS#12 KDF, not PBKDF2. */
static _Atomic unsigned long long pbkdf2_iterations;
static void (*nettle_pbkdf2_next)(void *, nettle_hash_update_func *, nettle_hash_digest_func *,
                                  size_t, unsigned, size_t, const uint8_t *, size_t, uint8_t *);

__attribute__((visibility("default"))) void
pbkdf2(void *mac_ctx, nettle_hash_update_func *update, nettle_hash_digest_func *digest,
       size_t digest_size, unsigned iterations, size_t salt_length, const uint8_t *salt,
       size_t length, uint8_t *dst)
{
  if (!nettle_pbkdf2_next)
    abort();
  atomic_fetch_add(&pbkdf2_iterations, iterations);
  nettle_pbkdf2_next(mac_ctx, update, digest, digest_size, iterations, salt_length, salt, length, dst);
}

/* Fails the case unless no PBKDF2 iteration ran since `before`. */
static void assert_no_derivation(unsigned long long before, const char *what)
{
  unsigned long long ran = atomic_load(&pbkdf2_iterations) - before;
  if (ran)
    fail_msg("%s: %llu PBKDF2 iterations ran before the answer", what, ran);
}

/* The setter and cassl_file_info_read both refuse the file with CASS_ERROR_LIB_INVALID_DATA,
 * naming the total, before any derivation ran (each would be seconds of work). */
static void assert_over_budget(const gnutls_datum_t *p12, unsigned long long total)
{
  char needle[96];
  snprintf(needle, sizeof needle, "asks for %llu key-derivation iterations in all", total);
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  unsigned long long before = atomic_load(&pbkdf2_iterations);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12->data, p12->size, PASSWORD, strlen(PASSWORD));
  assert_no_derivation(before, "setter");
  const char *msg = cassl_ssl_last_error(ssl);
  if (rc != CASS_ERROR_LIB_INVALID_DATA || !strstr(msg, needle) || !strstr(msg, "20000000"))
    fail_msg("setter: %s: %s (wanted \"%s\")", cassl_error_name(rc), msg, needle);
  cass_ssl_free(ssl);

  cassl_file_info *fi = NULL;
  before = atomic_load(&pbkdf2_iterations);
  rc = cassl_file_info_read(p12->data, p12->size, PASSWORD, &fi);
  assert_no_derivation(before, "file_info");
  if (rc != CASS_ERROR_LIB_INVALID_DATA || !strstr(cassl_file_info_error_message(fi), needle))
    fail_msg("file_info: %s: %s", cassl_error_name(rc), cassl_file_info_error_message(fi));
  assert_string_equal(cassl_file_info_format(fi), "PKCS#12");
  assert_int_equal(cassl_file_info_key_count(fi), 0);
  cassl_file_info_free(fi);
}

/* Shrouded keys each under the per-count bound, too many of them together. */
static void test_keys_over_file_budget(void **state)
{
  unsigned mac_iter;
  gnutls_datum_t p12 = make_heavy_p12(0, 0, 3, NEAR_BOUND, &mac_iter);
  assert_over_budget(&p12, (unsigned long long)mac_iter + 3ull * NEAR_BOUND);
  gnutls_free(p12.data);
}

/* Encrypted bags, the case (there 256 of them): refused before any is decrypted. */
static void test_encrypted_bags_over_file_budget(void **state)
{
  unsigned mac_iter;
  gnutls_datum_t p12 = make_heavy_p12(3, NEAR_BOUND, 1, 0, &mac_iter);
  assert_over_budget(&p12, (unsigned long long)mac_iter + 3ull * NEAR_BOUND +
                               key_default_iter());
  gnutls_free(p12.data);
}

/* A wrong password is told by the MAC before any bag is decrypted, though the bag asks for
 * a legal count of seconds of work: no PBKDF2 iteration runs. */
static void test_mac_checked_before_bags(void **state)
{
  unsigned mac_iter;
  gnutls_datum_t p12 = make_heavy_p12(1, NEAR_BOUND, 1, 0, &mac_iter);
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  unsigned long long before = atomic_load(&pbkdf2_iterations);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12.data, p12.size, "wrong", 5);
  assert_no_derivation(before, "setter");
  if (rc != CASS_ERROR_SSL_INVALID_PRIVATE_KEY || !strstr(cassl_ssl_last_error(ssl), "MAC"))
    fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  cass_ssl_free(ssl);
  cassl_file_info *fi = NULL;
  before = atomic_load(&pbkdf2_iterations);
  assert_int_equal(cassl_file_info_read(p12.data, p12.size, "wrong", &fi),
                   CASS_ERROR_SSL_INVALID_CERT);
  assert_no_derivation(before, "cassl_file_info_read");
  assert_non_null(strstr(cassl_file_info_error_message(fi), "wrong password"));
  cassl_file_info_free(fi);
  gnutls_free(p12.data);
}

/* Ordinary encrypted bags and keys within the budget load, through both readers. */
static void test_encrypted_bags_within_budget_load(void **state)
{
  unsigned mac_iter;
  gnutls_datum_t p12 = make_heavy_p12(2, 0, 1, 0, &mac_iter);
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  unsigned long long before = atomic_load(&pbkdf2_iterations);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12.data, p12.size, PASSWORD, strlen(PASSWORD));
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  /* The counter sees the derivations that do run (else the zero above would prove nothing):
   * two bags and one key, at GnuTLS's own count each, and each exactly once. */
  if (atomic_load(&pbkdf2_iterations) - before != 3ull * key_default_iter())
    fail_msg("setter: %llu PBKDF2 iterations for three derivations of %u",
             atomic_load(&pbkdf2_iterations) - before, key_default_iter());
  cass_ssl_free(ssl);
  cassl_file_info *fi = NULL;
  before = atomic_load(&pbkdf2_iterations);
  rc = cassl_file_info_read(p12.data, p12.size, PASSWORD, &fi);
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), cassl_file_info_error_message(fi));
  if (atomic_load(&pbkdf2_iterations) - before != 3ull * key_default_iter())
    fail_msg("cassl_file_info_read: %llu PBKDF2 iterations for three derivations of %u",
             atomic_load(&pbkdf2_iterations) - before, key_default_iter());
  assert_non_null(strstr(cassl_file_info_pkcs12_cert_encryption(fi), "PBES2"));
  assert_non_null(strstr(cassl_file_info_pkcs12_key_encryption(fi), "PBES2"));
  assert_int_equal(cassl_file_info_key_count(fi), 1);
  assert_true(cassl_key_info_loaded(cassl_file_info_key(fi, 0)));
  assert_true(cassl_file_info_cert_count(fi) >= 1);
  cassl_file_info_free(fi);
  gnutls_free(p12.data);
}

/* More bags than any keystore holds: refused before they are read (GnuTLS decodes the
 * whole file again for each bag). */
static void test_too_many_bags(void **state)
{
  unsigned mac_iter;
  gnutls_datum_t p12 = make_heavy_p12(0, 0, 65, 1, &mac_iter);
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  CassError rc = cassl_ssl_set_pkcs12_n(ssl, p12.data, p12.size, PASSWORD, strlen(PASSWORD));
  if (rc != CASS_ERROR_LIB_INVALID_DATA || !strstr(cassl_ssl_last_error(ssl), "more than 64 bags"))
    fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  cass_ssl_free(ssl);
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(p12.data, p12.size, PASSWORD, &fi),
                   CASS_ERROR_LIB_INVALID_DATA);
  assert_non_null(strstr(cassl_file_info_error_message(fi), "more than 64 bags"));
  cassl_file_info_free(fi);
  gnutls_free(p12.data);
}

/* Encrypted PEM keys: the file's keys share one budget, checked before any is decrypted;
 * they are listed, not decrypted. */
static void test_pem_keys_over_file_budget(void **state)
{
  char *text = NULL;
  size_t len = 0;
  for (int i = 0; i < 3; i++) {
    gnutls_datum_t der = shrouded_key(NEAR_BOUND), pem;
    assert_int_equal(gnutls_pem_base64_encode2("ENCRYPTED PRIVATE KEY", &der, &pem), 0);
    free(der.data);
    text = realloc(text, len + pem.size + 1);
    assert_non_null(text);
    memcpy(text + len, pem.data, pem.size);
    len += pem.size;
    text[len] = '\0';
    gnutls_free(pem.data);
  }
  cassl_file_info *fi = NULL;
  unsigned long long before = atomic_load(&pbkdf2_iterations);
  CassError rc = cassl_file_info_read(text, len, PASSWORD, &fi);
  assert_no_derivation(before, "cassl_file_info_read");
  char needle[96];
  snprintf(needle, sizeof needle, "asks for %llu key-derivation iterations in all",
           3ull * NEAR_BOUND);
  if (rc != CASS_ERROR_LIB_INVALID_DATA || !strstr(cassl_file_info_error_message(fi), needle))
    fail_msg("%s: %s", cassl_error_name(rc), cassl_file_info_error_message(fi));
  assert_int_equal(cassl_file_info_key_count(fi), 3);
  for (size_t i = 0; i < 3; i++) {
    const cassl_key_info *k = cassl_file_info_key(fi, i);
    assert_false(cassl_key_info_loaded(k));
    assert_non_null(strstr(cassl_key_info_problem(k), "not decrypted"));
  }
  cassl_file_info_free(fi);
  /* One such key alone is within the budget and decrypts. */
  gnutls_datum_t der = shrouded_key(0), pem;
  assert_int_equal(gnutls_pem_base64_encode2("ENCRYPTED PRIVATE KEY", &der, &pem), 0);
  free(der.data);
  assert_int_equal(cassl_file_info_read(pem.data, pem.size, PASSWORD, &fi), CASS_OK);
  assert_true(cassl_key_info_loaded(cassl_file_info_key(fi, 0)));
  cassl_file_info_free(fi);
  gnutls_free(pem.data);
  free(text);
}

/* ---- a slow setter never blocks session creation ------------------------------------------ */

struct slow_setter {
  CassSsl *ssl;
  gnutls_datum_t p12;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool started;
  atomic_bool returned;
};

static void *slow_setter_main(void *arg)
{
  struct slow_setter *s = arg;
  pthread_mutex_lock(&s->lock);
  s->started = true;
  pthread_cond_signal(&s->cond);
  pthread_mutex_unlock(&s->lock);
  /* Derives the MAC key with the largest count allowed (then finds the MAC does not
   * match: the count was set after the MAC was made). */
  cassl_ssl_set_pkcs12_n(s->ssl, s->p12.data, s->p12.size, PASSWORD, strlen(PASSWORD));
  atomic_store(&s->returned, true);
  return NULL;
}

/* CPU time the thread has used, in milliseconds. */
static double thread_cpu_ms(pthread_t tid)
{
  clockid_t cid;
  struct timespec ts;
  if (pthread_getcpuclockid(tid, &cid) != 0 || clock_gettime(cid, &ts) != 0)
    return -1;
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* While one thread runs the slow setter, another creates a session on the same object: it
 * completes while the setter is still at work (the object's lock is not held meanwhile).
 * The setter is known to be deriving keys once its thread has used some CPU: everything
 * before the derivation takes microseconds. */
static void test_session_new_proceeds_during_slow_setter(void **state)
{
  struct slow_setter s = { .ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT),
                           .p12 = make_p12(0, SLOW_BUT_LEGAL) };
  pthread_mutex_init(&s.lock, NULL);
  pthread_cond_init(&s.cond, NULL);
  atomic_init(&s.returned, false);
  pthread_t tid;
  assert_int_equal(pthread_create(&tid, NULL, slow_setter_main, &s), 0);
  pthread_mutex_lock(&s.lock);
  while (!s.started)
    pthread_cond_wait(&s.cond, &s.lock);
  pthread_mutex_unlock(&s.lock);
  while (!atomic_load(&s.returned) && thread_cpu_ms(tid) < 20)
    nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
  bool observed = !atomic_load(&s.returned);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", NULL, NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(s.ssl, &peer.peer, &cs), CASS_OK);
  bool during = !atomic_load(&s.returned);
  cassl_session_free(cs);
  assert_int_equal(pthread_join(tid, NULL), 0);
  cass_ssl_free(s.ssl);
  gnutls_free(s.p12.data);
  pthread_mutex_destroy(&s.lock);
  pthread_cond_destroy(&s.cond);
  if (!observed)
    fail_msg("the setter returned before it had used 20 ms of CPU: no slow setter to test");
  if (!during)
    fail_msg("cassl_session_new waited for the setter to return");
}

static int group_setup(void **state)
{
  *(void **)&nettle_pbkdf2_next = dlsym(RTLD_NEXT, "nettle_pbkdf2");
  if (!nettle_pbkdf2_next)
    return -1;
  tpki_ca(&ca, "cassl p12 CA");
  tpki_leaf(&client, &ca, &(struct tpki_opts){ .cn = "driver", .client = true });
  return 0;
}

static int group_teardown(void **state)
{
  gnutls_free(shrouded_der.data);
  shrouded_der.data = NULL;
  tpki_free(&ca);
  tpki_free(&client);
  return 0;
}

/* A PEM key (PKCS#8 PBES2) whose count is over the bound, given to the setter and to a
 * bound file: refused before GnuTLS derives anything, as inside a keystore. */
static void test_pem_key_setters_bound_the_count(void **state)
{
  gnutls_datum_t der = shrouded_key(ABOVE_BOUND), pem;
  assert_int_equal(gnutls_pem_base64_encode2("ENCRYPTED PRIVATE KEY", &der, &pem), 0);
  free(der.data);
  char count[32];
  snprintf(count, sizeof count, "%u", ABOVE_BOUND);

  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  unsigned long long before = atomic_load(&pbkdf2_iterations);
  CassError rc = cassl_ssl_set_private_key_n(ssl, (const char *)pem.data, pem.size, PASSWORD,
                                             strlen(PASSWORD));
  assert_no_derivation(before, "cassl_ssl_set_private_key_n");
  if (rc != CASS_ERROR_SSL_INVALID_PRIVATE_KEY || !strstr(cassl_ssl_last_error(ssl), count) ||
      !strstr(cassl_ssl_last_error(ssl), "key-derivation iterations"))
    fail_msg("setter: %s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  cass_ssl_free(ssl);

  char dir[] = "/tmp/cassl-kdf-XXXXXX", cert_path[64], key_path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(cert_path, sizeof cert_path, "%s/client.pem", dir);
  snprintf(key_path, sizeof key_path, "%s/client.key", dir);
  FILE *f = fopen(cert_path, "w");
  assert_non_null(f);
  fputs(client.cert_pem, f);
  fclose(f);
  f = fopen(key_path, "w");
  assert_non_null(f);
  fwrite(pem.data, 1, pem.size, f);
  fclose(f);
  ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  before = atomic_load(&pbkdf2_iterations);
  rc = cassl_ssl_set_cert_key_files(ssl, cert_path, key_path, PASSWORD);
  assert_no_derivation(before, "cassl_ssl_set_cert_key_files");
  if (rc != CASS_ERROR_SSL_INVALID_PRIVATE_KEY || !strstr(cassl_ssl_last_error(ssl), count))
    fail_msg("bound files: %s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  cass_ssl_free(ssl);
  unlink(cert_path);
  unlink(key_path);
  rmdir(dir);
  gnutls_free(pem.data);
}

/* The same key in DER, read by cassl_file_info_read: listed, not decrypted. */
static void test_der_key_count_bounded(void **state)
{
  gnutls_datum_t der = shrouded_key(ABOVE_BOUND);
  cassl_file_info *fi = NULL;
  unsigned long long before = atomic_load(&pbkdf2_iterations);
  CassError rc = cassl_file_info_read(der.data, der.size, PASSWORD, &fi);
  assert_no_derivation(before, "cassl_file_info_read");
  char count[32];
  snprintf(count, sizeof count, "%u", ABOVE_BOUND);
  if (rc != CASS_ERROR_SSL_INVALID_PRIVATE_KEY || !strstr(cassl_file_info_error_message(fi), count))
    fail_msg("%s: %s", cassl_error_name(rc), cassl_file_info_error_message(fi));
  assert_int_equal(cassl_file_info_key_count(fi), 1);
  assert_false(cassl_key_info_loaded(cassl_file_info_key(fi, 0)));
  cassl_file_info_free(fi);
  free(der.data);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_absurd_mac_iterations_refused),
    cmocka_unit_test(test_key_iterations_above_bound_refused),
    cmocka_unit_test(test_absurd_key_iterations_refused),
    cmocka_unit_test(test_ordinary_counts_load),
    cmocka_unit_test(test_file_info_refuses_absurd_count),
    cmocka_unit_test(test_inspect_refuses_absurd_count),
    cmocka_unit_test(test_session_new_proceeds_during_slow_setter),
    cmocka_unit_test(test_keys_over_file_budget),
    cmocka_unit_test(test_encrypted_bags_over_file_budget),
    cmocka_unit_test(test_mac_checked_before_bags),
    cmocka_unit_test(test_encrypted_bags_within_budget_load),
    cmocka_unit_test(test_too_many_bags),
    cmocka_unit_test(test_pem_keys_over_file_budget),
    cmocka_unit_test(test_pem_key_setters_bound_the_count),
    cmocka_unit_test(test_der_key_count_bounded),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
