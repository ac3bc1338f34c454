/* cassl inspect: certificates and keys in PEM, DER and PKCS#12 files, and --match. */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "certinfo.h"
#include "identity.h"
#include "options.h"
#include "pem_traditional.h"
#include "pkcs8_schemes.h"
#include "report.h"
#include "tool.h"

static const char inspect_usage[] =
  "usage: cassl inspect FILE... [--password PW] [--match NAME_OR_IP] [--json]\n"
  "Show each certificate (subject, issuer, serial, validity, SANs, CA or leaf, key, SHA-256\n"
  "fingerprint, public-key pin) and each private key (type, size, encryption scheme; with\n"
  "--password whether it decrypts and which certificate it belongs to) in PEM (any mix,\n"
  "leading text allowed), DER and PKCS#12 files.\n"
  "\n"
  "  --password PW        password of encrypted keys and PKCS#12 files\n"
  "  --match NAME_OR_IP   check the first certificate against this identity with the\n"
  "                       driver's rules (an IP literal: IP rules; otherwise DNS rules)\n"
  "  --json               print one JSON object\n"
  "\n"
  "exit: 0 loaded (and matched), 2 usage, 3 a file does not load, 6 no match\n";

#define MAX_ITEMS 256

struct cert_item {
  struct cert_info info;
  const char *file;
  gnutls_x509_crt_t crt;
};

struct key_item {
  const char *file;
  const char *format;     /* "PKCS#8", "PKCS#1 (RSA)", "SEC1 (EC)", "PKCS#12 key bag" */
  bool encrypted;
  char scheme[160];       /* how it is encrypted */
  bool attempted;         /* decryption was tried (or the key is plain) */
  bool loaded;
  char problem[256];      /* why it did not load */
  char type[64];
  unsigned char key_id[64];
  size_t key_id_len;
};

struct inspect {
  const char *password;
  struct cert_item certs[MAX_ITEMS];
  size_t cert_count;
  struct key_item keys[MAX_ITEMS];
  size_t key_count;
  bool failed;            /* some file did not load: exit 3 */
  char first_error[512];  /* for the error:/hint: lines */
  char first_hint[512];
  CassError first_code;
};

static void note_failure(struct inspect *in, CassError code, const char *hint,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Keeps the first failure for the error:/detail:/hint: lines; every failure means exit 3. */
static void note_failure(struct inspect *in, CassError code, const char *hint,
                         const char *fmt, ...)
{
  if (!in->failed) {
    snprintf(in->first_hint, sizeof in->first_hint, "%s", hint);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(in->first_error, sizeof in->first_error, fmt, ap);
    va_end(ap);
    in->first_code = code;
  }
  in->failed = true;
}

static int add_cert(struct inspect *in, const char *file, gnutls_x509_crt_t crt)
{
  if (in->cert_count == MAX_ITEMS) {
    gnutls_x509_crt_deinit(crt);
    return 0;
  }
  struct cert_item *it = &in->certs[in->cert_count];
  int ret = cert_info_from_crt(crt, &it->info);
  if (ret < 0) {
    gnutls_x509_crt_deinit(crt);
    return ret;
  }
  it->file = file;
  it->crt = crt;
  in->cert_count++;
  return 0;
}

static int import_cert(struct inspect *in, const char *file, const gnutls_datum_t *d,
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
  return add_cert(in, file, crt);
}

static struct key_item *new_key(struct inspect *in, const char *file, const char *format)
{
  if (in->key_count == MAX_ITEMS)
    return NULL;
  struct key_item *k = &in->keys[in->key_count++];
  memset(k, 0, sizeof *k);
  k->file = file;
  k->format = format;
  return k;
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

static void key_describe(struct key_item *k, gnutls_x509_privkey_t key)
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

/* Tries to load a key with the password (when it needs one); records what happened. */
static void key_load(struct inspect *in, struct key_item *k, const gnutls_datum_t *d,
                     gnutls_x509_crt_fmt_t fmt, bool readable)
{
  if (k->encrypted && !in->password) {
    snprintf(k->problem, sizeof k->problem, "encrypted: pass --password to decrypt it");
    return;
  }
  if (!readable) {
    snprintf(k->problem, sizeof k->problem,
             "GnuTLS cannot decrypt the scheme %s", k->scheme);
    k->attempted = true;
    note_failure(in, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                 "re-encrypt the key with a scheme GnuTLS reads, e.g. openssl pkcs8 -topk8 "
                 "-v2 aes-256-cbc, or certtool --to-p8 --pkcs-cipher aes-256",
                 "%s: %s", k->file, k->problem);
    return;
  }
  gnutls_x509_privkey_t key;
  if (gnutls_x509_privkey_init(&key) < 0)
    return;
  k->attempted = true;
  int ret = gnutls_x509_privkey_import2(key, d, fmt, k->encrypted ? in->password : NULL, 0);
  if (ret >= 0) {
    key_describe(k, key);
  } else {
    bool wrong = ret == GNUTLS_E_DECRYPTION_FAILED;
    if (wrong)
      snprintf(k->problem, sizeof k->problem, "wrong password: decryption failed");
    else
      snprintf(k->problem, sizeof k->problem, "does not load: %s", gnutls_strerror(ret));
    note_failure(in, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                 wrong ? "the password does not decrypt the key: check --password"
                       : "the key is damaged or not a private key",
                 "%s: key: %s", k->file, k->problem);
  }
  gnutls_x509_privkey_deinit(key);
}

/* A traditional PEM key: encrypted when its headers say Proc-Type 4,ENCRYPTED. */
static void pem_traditional_scheme(const char *block, size_t len, struct key_item *k)
{
  const char *end = block + len;
  /* GnuTLS decrypts whenever a DEK-Info header is there, Proc-Type or not. */
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

static void inspect_pem_key(struct inspect *in, const char *file, const char *label,
                            const gnutls_datum_t *d, const char *block, size_t len)
{
  const char *format = !strcmp(label, "RSA PRIVATE KEY") ? "PKCS#1 (RSA)"
                       : !strcmp(label, "EC PRIVATE KEY") ? "SEC1 (EC)"
                       : !strcmp(label, "DSA PRIVATE KEY") ? "DSA (OpenSSL)"
                       : !strcmp(label, "ENCRYPTED PRIVATE KEY") ? "PKCS#8 (encrypted)"
                                                                  : "PKCS#8";
  struct key_item *k = new_key(in, file, format);
  if (!k)
    return;
  bool readable = true;
  if (!strcmp(label, "ENCRYPTED PRIVATE KEY")) {
    k->encrypted = true;
    readable = pkcs8_scheme(d, GNUTLS_X509_FMT_PEM, k->scheme, sizeof k->scheme);
  } else {
    pem_traditional_scheme(block, len, k);
    if (gtls_pem_is_traditional_encrypted(block, len)) {
      /* GnuTLS only ever sees the ciphertext the shared checker validated. */
      gnutls_datum_t canonical;
      if (gtls_pem_traditional_canonical(block, len, &canonical, k->problem,
                                         sizeof k->problem) < 0) {
        k->attempted = true;
        note_failure(in, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "the key file is damaged",
                     "%s: key: %s", file, k->problem);
        return;
      }
      key_load(in, k, &canonical, GNUTLS_X509_FMT_PEM, readable);
      gnutls_free(canonical.data);
      return;
    }
  }
  key_load(in, k, d, GNUTLS_X509_FMT_PEM, readable);
}

/* Walks the BEGIN/END blocks of a PEM file; text around them is ignored. */
static bool inspect_pem(struct inspect *in, const char *file, const char *text, size_t len,
                        struct report *r)
{
  size_t blocks = 0;
  const char *p = text, *end = text + len;
  while ((p = memmem(p, (size_t)(end - p), "-----BEGIN ", 11)) != NULL) {
    const char *label = p + 11;
    const char *label_end = memmem(label, (size_t)(end - label), "-----", 5);
    if (!label_end || label_end - label > 64)
      break;
    char name[80], footer[100];
    snprintf(name, sizeof name, "%.*s", (int)(label_end - label), label);
    snprintf(footer, sizeof footer, "-----END %s-----", name);
    const char *stop = memmem(label_end, (size_t)(end - label_end), footer, strlen(footer));
    if (!stop) {
      note_failure(in, CASS_ERROR_SSL_INVALID_CERT, "the file is truncated or damaged",
                   "%s: PEM block '%s' has no END line", file, name);
      break;
    }
    stop += strlen(footer);
    size_t block_len = (size_t)(stop - p);
    /* GnuTLS PEM parsers want a terminated buffer of their own. The block may hold NUL
     * bytes, so copy it by length (strndup would stop early). */
    char *block = malloc(block_len + 1);
    if (!block)
      break;
    memcpy(block, p, block_len);
    block[block_len] = '\0';
    gnutls_datum_t d = { (unsigned char *)block, (unsigned int)block_len };
    blocks++;
    if (!strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE")) {
      int ret = import_cert(in, file, &d, GNUTLS_X509_FMT_PEM);
      if (ret < 0)
        note_failure(in, CASS_ERROR_SSL_INVALID_CERT, "the certificate is damaged",
                     "%s: certificate #%zu does not parse: %s", file, blocks,
                     gnutls_strerror(ret));
    } else if (strlen(name) >= 11 && !strcmp(name + strlen(name) - 11, "PRIVATE KEY")) {
      inspect_pem_key(in, file, name, &d, block, block_len);
    } else {
      report_line(r, "  (skipped a PEM block '%s': not a certificate or private key)", name);
    }
    gnutls_memset(block, 0, block_len);
    free(block);
    p = stop;
  }
  return blocks > 0;
}

static void pkcs12_bag_schemes(gnutls_pkcs12_t p12, const char *password, char *certs_scheme,
                               size_t cap1, char *key_scheme, size_t cap2)
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
        snprintf(certs_scheme, cap1, "%s, %u iterations", gnutls_pkcs_schema_get_name(schema),
                 iter);
      else
        snprintf(certs_scheme, cap1, "%s",
                 oid && gtls_scheme_name(oid) ? gtls_scheme_name(oid) : "unknown scheme");
      gnutls_free(oid);
      if (password)
        gnutls_pkcs12_bag_decrypt(bag, password);
    }
    int count = gnutls_pkcs12_bag_get_count(bag);
    for (int i = 0; i < count; i++) {
      if (gnutls_pkcs12_bag_get_type(bag, (unsigned)i) != GNUTLS_BAG_PKCS8_ENCRYPTED_KEY)
        continue;
      gnutls_datum_t data;
      if (gnutls_pkcs12_bag_get_data(bag, (unsigned)i, &data) >= 0)
        pkcs8_scheme(&data, GNUTLS_X509_FMT_DER, key_scheme, cap2);
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
}

static bool inspect_pkcs12(struct inspect *in, const char *file, const gnutls_datum_t *d,
                           struct report *r)
{
  gnutls_pkcs12_t p12;
  if (gnutls_pkcs12_init(&p12) < 0)
    return false;
  if (gnutls_pkcs12_import(p12, d, GNUTLS_X509_FMT_DER, 0) < 0) {
    gnutls_pkcs12_deinit(p12);
    return false;
  }
  unsigned int mac = 0, iter = 0, salt_size = 64;
  unsigned char salt[64];
  char *oid = NULL;
  char mac_text[128] = "none";
  if (gnutls_pkcs12_mac_info(p12, &mac, salt, &salt_size, &iter, &oid) >= 0)
    snprintf(mac_text, sizeof mac_text, "%s, %u iterations",
             gnutls_mac_get_name((gnutls_mac_algorithm_t)mac), iter);
  gnutls_free(oid);
  char certs_scheme[160] = "not encrypted", key_scheme[160] = "not encrypted";
  pkcs12_bag_schemes(p12, in->password, certs_scheme, sizeof certs_scheme, key_scheme,
                     sizeof key_scheme);
  report_str(r, "pkcs12_mac", "PKCS#12 MAC", mac_text);
  report_str(r, "pkcs12_cert_encryption", "cert encryption", certs_scheme);
  report_str(r, "pkcs12_key_encryption", "key encryption", key_scheme);

  if (!in->password) {
    note_failure(in, CASS_ERROR_SSL_INVALID_CERT, "the PKCS#12 file is encrypted: pass --password",
                 "%s: PKCS#12 file is protected by a password", file);
    gnutls_pkcs12_deinit(p12);
    return true;
  }
  int ret = gnutls_pkcs12_verify_mac(p12, in->password);
  if (ret < 0 && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
    note_failure(in, CASS_ERROR_SSL_INVALID_CERT,
                 "the password does not open the PKCS#12 file: check --password",
                 "%s: PKCS#12 integrity check failed: wrong password", file);
    gnutls_pkcs12_deinit(p12);
    return true;
  }
  gnutls_x509_privkey_t key = NULL;
  gnutls_x509_crt_t *chain = NULL, *extra = NULL;
  unsigned int chain_len = 0, extra_len = 0;
  ret = gnutls_pkcs12_simple_parse(p12, in->password, &key, &chain, &chain_len, &extra,
                                   &extra_len, NULL, GNUTLS_PKCS12_SP_INCLUDE_SELF_SIGNED);
  gnutls_pkcs12_deinit(p12);
  if (ret < 0) {
    note_failure(in, CASS_ERROR_SSL_INVALID_CERT,
                 ret == GNUTLS_E_DECRYPTION_FAILED
                   ? "the password does not open the PKCS#12 file: check --password"
                   : "GnuTLS cannot read this PKCS#12 file",
                 "%s: PKCS#12 contents do not load: %s", file,
                 ret == GNUTLS_E_DECRYPTION_FAILED ? "wrong password" : gnutls_strerror(ret));
    return true;
  }
  for (unsigned i = 0; i < chain_len; i++)
    add_cert(in, file, chain[i]);
  for (unsigned i = 0; i < extra_len; i++)
    add_cert(in, file, extra[i]);
  gnutls_free(chain);
  gnutls_free(extra);
  if (key) {
    struct key_item *k = new_key(in, file, "PKCS#12 key bag");
    if (k) {
      k->encrypted = strcmp(key_scheme, "not encrypted") != 0;
      snprintf(k->scheme, sizeof k->scheme, "%s", key_scheme);
      k->attempted = true;
      key_describe(k, key);
    }
    gnutls_x509_privkey_deinit(key);
  }
  return true;
}

static bool inspect_der(struct inspect *in, const char *file, const gnutls_datum_t *d,
                        struct report *r)
{
  if (import_cert(in, file, d, GNUTLS_X509_FMT_DER) >= 0) {
    report_str(r, "format", NULL, "DER certificate");
    return true;
  }
  gnutls_pkcs12_t p12;
  if (gnutls_pkcs12_init(&p12) >= 0) {
    int ret = gnutls_pkcs12_import(p12, d, GNUTLS_X509_FMT_DER, 0);
    gnutls_pkcs12_deinit(p12);
    if (ret >= 0) {
      report_str(r, "format", NULL, "PKCS#12");
      return inspect_pkcs12(in, file, d, r);
    }
  }
  /* An encrypted PKCS#8 key in DER, or a plain key. */
  char scheme[160];
  unsigned int schema, cipher, iter, salt_size = 0;
  char *oid = NULL;
  int ret = gnutls_pkcs8_info(d, GNUTLS_X509_FMT_DER, &schema, &cipher, NULL, &salt_size,
                              &iter, &oid);
  gnutls_free(oid);
  if (ret >= 0 || ret == GNUTLS_E_UNKNOWN_CIPHER_TYPE || ret == GNUTLS_E_SHORT_MEMORY_BUFFER) {
    if (ret >= 0 || ret == GNUTLS_E_SHORT_MEMORY_BUFFER || ret == GNUTLS_E_UNKNOWN_CIPHER_TYPE) {
      bool readable = pkcs8_scheme(d, GNUTLS_X509_FMT_DER, scheme, sizeof scheme);
      struct key_item *k = new_key(in, file, "PKCS#8 DER (encrypted)");
      if (k) {
        report_str(r, "format", NULL, "DER private key");
        k->encrypted = true;
        snprintf(k->scheme, sizeof k->scheme, "%s", scheme);
        key_load(in, k, d, GNUTLS_X509_FMT_DER, readable);
      }
      return true;
    }
  }
  gnutls_x509_privkey_t key;
  if (gnutls_x509_privkey_init(&key) >= 0) {
    ret = gnutls_x509_privkey_import2(key, d, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN);
    if (ret >= 0) {
      struct key_item *k = new_key(in, file, "DER private key");
      if (k) {
        report_str(r, "format", NULL, "DER private key");
        k->attempted = true;
        key_describe(k, key);
      }
      gnutls_x509_privkey_deinit(key);
      return true;
    }
    gnutls_x509_privkey_deinit(key);
  }
  return false;
}

static void inspect_file(struct inspect *in, const char *file, struct report *r)
{
  unsigned char *data;
  size_t len;
  report_object(r, NULL, NULL);
  report_str(r, "path", "file", file);
  if (read_file(file, &data, &len) != 0) {
    report_str(r, "error", "cannot read", strerror(errno));
    note_failure(in, CASS_ERROR_SSL_INVALID_CERT, "check the path and its permissions",
                 "cannot read %s: %s", file, strerror(errno));
    report_end(r);
    return;
  }
  size_t certs_before = in->cert_count, keys_before = in->key_count;
  bool recognised;
  if (memmem(data, len, "-----BEGIN ", 11)) {
    report_str(r, "format", NULL, "PEM");
    recognised = inspect_pem(in, file, (const char *)data, len, r);
  } else {
    gnutls_datum_t d = { data, (unsigned int)len };
    recognised = inspect_der(in, file, &d, r);
  }
  if (!recognised)
    note_failure(in, CASS_ERROR_SSL_INVALID_CERT,
                 "give a PEM, DER or PKCS#12 file with certificates or keys",
                 "%s holds no certificate or key in PEM, DER or PKCS#12 form", file);
  report_int(r, "certificates", NULL, (long long)(in->cert_count - certs_before));
  report_int(r, "keys", NULL, (long long)(in->key_count - keys_before));
  gnutls_memset(data, 0, len);
  free(data);
  report_end(r);
}

static void report_certs(struct inspect *in, struct report *r)
{
  if (in->cert_count)
    report_line(r, "%s", "");
  report_array(r, "certificates", NULL);
  for (size_t i = 0; i < in->cert_count; i++) {
    char title[300];
    snprintf(title, sizeof title, "certificate %zu (%s)", i + 1, in->certs[i].file);
    if (i)
      report_line(r, "%s", "");
    cert_info_report(r, &in->certs[i].info, NULL, title);
  }
  report_end(r);
}

static void report_keys(struct inspect *in, struct report *r)
{
  report_array(r, "keys", NULL);
  for (size_t i = 0; i < in->key_count; i++) {
    struct key_item *k = &in->keys[i];
    char title[300];
    snprintf(title, sizeof title, "private key %zu (%s)", i + 1, k->file);
    report_line(r, "%s", "");
    report_object(r, NULL, title);
    report_str(r, "format", NULL, k->format);
    report_bool(r, "encrypted", NULL, k->encrypted);
    if (k->encrypted)
      report_str(r, "scheme", "encryption", k->scheme);
    if (k->loaded) {
      report_bool(r, "decrypts", k->encrypted ? "decrypts" : "loads", true);
      report_str(r, "key", NULL, k->type);
      long match = -1;
      for (size_t c = 0; c < in->cert_count && match < 0; c++)
        if (k->key_id_len && k->key_id_len == in->certs[c].info.key_id_len &&
            !memcmp(k->key_id, in->certs[c].info.key_id, k->key_id_len))
          match = (long)c;
      if (match >= 0) {
        report_strf(r, "matches", "matches", "certificate %ld (%s)", match + 1,
                    in->certs[match].info.subject[0] ? in->certs[match].info.subject
                                                     : "empty subject");
        report_json_int(r, "matches_index", match + 1);
      } else {
        report_str(r, "matches", "matches", in->cert_count ? "none of the certificates given"
                                                           : "(no certificate given)");
      }
    } else {
      if (k->attempted)
        report_bool(r, "decrypts", k->encrypted ? "decrypts" : "loads", false);
      report_str(r, "problem", NULL, k->problem);
    }
    report_end(r);
  }
  report_end(r);
}

/* --match: the library's identity policy on the first certificate. */
static int check_match(struct inspect *in, const char *identity, struct report *r)
{
  report_line(r, "%s", "");
  report_object(r, "match", "identity check");
  report_str(r, "identity", NULL, identity);
  if (in->cert_count == 0) {
    report_str(r, "result", NULL, "no certificate to check");
    report_bool(r, "matched", NULL, false);
    report_end(r);
    return EXIT_LOCAL;
  }
  const struct cert_item *c = &in->certs[0];
  struct cassl_cert_names names = { 0 };
  cassl_errmsg err;
  cassl_errmsg_clear(&err);
  CassError rc;
  const char *matched = NULL;
  char matched_buf[300];
  bool ip = cassl_is_ip_literal(identity);
  report_str(r, "rules", NULL, ip ? "IP (PEER_IDENTITY)" : "DNS (PEER_IDENTITY_DNS)");
  if (cert_names(c->crt, &names) != 0) {
    rc = cassl_fail(&err, CASS_ERROR_SSL_INVALID_PEER_CERT, "the certificate's names do not parse");
  } else if (ip) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned char raw[16];
    size_t raw_len = 0;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, identity, &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      memcpy(raw, &v4->sin_addr, 4);
      raw_len = 4;
    } else {
      inet_pton(AF_INET6, identity, &v6->sin6_addr);
      v6->sin6_family = AF_INET6;
      memcpy(raw, &v6->sin6_addr, 16);
      raw_len = 16;
    }
    rc = cassl_identity_check_ip(&names, (struct sockaddr *)&ss, &err);
    for (size_t i = 0; rc == CASS_OK && !matched && i < names.count; i++)
      if (names.items[i].type == CASSL_NAME_IP && names.items[i].len == raw_len &&
          !memcmp(names.items[i].data, raw, raw_len)) {
        snprintf(matched_buf, sizeof matched_buf, "IP SAN %s", identity);
        matched = matched_buf;
      }
    if (rc == CASS_OK && !matched)
      matched = "the subject CN (the certificate has no DNS or IP SAN)";
  } else {
    rc = cassl_identity_check_names_sane(&names, &err);
    if (rc == CASS_OK)
      rc = cassl_identity_check_dns(&names, identity, &err);
    bool has_dns = false;
    for (size_t i = 0; i < names.count; i++)
      has_dns |= names.items[i].type != CASSL_NAME_CN;
    for (size_t i = 0; rc == CASS_OK && !matched && i < names.count; i++) {
      const struct cassl_name *n = &names.items[i];
      if ((has_dns ? n->type == CASSL_NAME_DNS : n->type == CASSL_NAME_CN) &&
          cassl_dns_pattern_matches(n->data, n->len, identity)) {
        snprintf(matched_buf, sizeof matched_buf, "%s %s",
                 n->type == CASSL_NAME_DNS ? "DNS SAN" : "subject CN", (const char *)n->data);
        matched = matched_buf;
      }
    }
    if (rc == CASS_OK && !matched)
      matched = has_dns ? "a DNS SAN" : "the subject CN";
  }
  cassl_names_clear(&names);
  char holds[1024];
  cert_info_names_text(&c->info, holds, sizeof holds);
  report_str(r, "certificate_names", "certificate holds", holds);
  report_bool(r, "matched", NULL, rc == CASS_OK);
  if (rc == CASS_OK) {
    report_str(r, "matched_by", "matched by", matched);
  } else {
    report_str(r, "error", NULL, cassl_error_name(rc));
    report_str(r, "reason", NULL, err.text);
  }
  report_end(r);
  if (rc != CASS_OK) {
    char hint[1400];
    snprintf(hint, sizeof hint, "the certificate holds %s, not %s: connect by one of those "
             "names or issue a certificate with %s SAN %s", holds, identity, ip ? "an IP" : "a DNS",
             identity);
    r->json ? (void)0 : (void)fflush(r->out);
    tool_error(rc == CASS_ERROR_SSL_IDENTITY_MISMATCH ? rc : CASS_ERROR_SSL_IDENTITY_MISMATCH,
               err.text, hint);
    return EXIT_VERIFY;
  }
  return EXIT_OK;
}

int cmd_inspect(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "password", required_argument, NULL, 'p' },
    { "match", required_argument, NULL, 'm' },
    { "json", no_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  const char *match = NULL;
  char *password = NULL;
  bool json = false;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case 'p':
      free_secret(password);
      password = strdup(optarg);
      gnutls_memset(optarg, 'x', strlen(optarg));
      break;
    case 'm': match = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs(inspect_usage, stdout); free_secret(password); return EXIT_OK;
    case ':':
      fprintf(stderr, "cassl inspect: option %s needs a value\ntry: cassl inspect --help\n",
              argv[optind - 1]);
      free_secret(password);
      return EXIT_USAGE;
    default:
      fprintf(stderr, "cassl inspect: unknown option %s\ntry: cassl inspect --help\n",
              argv[optind - 1]);
      free_secret(password);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fputs("cassl inspect: no FILE given\ntry: cassl inspect --help\n", stderr);
    free_secret(password);
    return EXIT_USAGE;
  }
  gnutls_global_init();
  struct inspect *in = calloc(1, sizeof *in);
  if (!in)
    return EXIT_LOCAL;
  in->password = password && *password ? password : NULL;
  struct report r;
  report_init(&r, stdout, json, false);
  report_array(&r, "files", NULL);
  for (int i = optind; i < argc; i++) {
    if (i > optind)
      report_line(&r, "%s", "");
    inspect_file(in, argv[i], &r);
  }
  report_end(&r);
  report_certs(in, &r);
  report_keys(in, &r);
  int exit_code = EXIT_OK;
  if (match && !in->failed)
    exit_code = check_match(in, match, &r);
  report_json_bool(&r, "ok", !in->failed && exit_code == EXIT_OK);
  if (in->failed) {
    report_json_str(&r, "error", cassl_error_name(in->first_code));
    report_json_str(&r, "detail", in->first_error);
    report_json_str(&r, "hint", in->first_hint);
  }
  report_finish(&r);
  if (in->failed) {
    tool_error(in->first_code, in->first_error, in->first_hint);
    exit_code = EXIT_LOCAL;
  }
  for (size_t i = 0; i < in->cert_count; i++) {
    cert_info_free(&in->certs[i].info);
    gnutls_x509_crt_deinit(in->certs[i].crt);
  }
  free(in);
  free_secret(password);
  gnutls_global_deinit();
  return exit_code;
}
