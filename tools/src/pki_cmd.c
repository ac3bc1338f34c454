/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl pki: a cluster CA, node and client certificates in the formats Cassandra, ScyllaDB
 * and the driver load, renewal and revocation (the check is pki_check.c). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cassl/inspect.h"
#include "options.h"
#include "pki_cmd.h"
#include "pki_files.h"
#include "pki_store.h"
#include "tool.h"

static const char pki_usage[] =
  "usage: cassl pki ca DIR [options]\n"
  "       cassl pki node DIR NAME=ADDRESS[,ADDRESS...]... [options]\n"
  "       cassl pki client DIR NAME... [options]\n"
  "       cassl pki renew DIR NAME... [options]\n"
  "       cassl pki revoke DIR NAME... [--crl-days N]\n"
  "       cassl pki check DIR [--expect NAME=ADDRESS[,ADDRESS...]]... [--json]\n"
  "A cluster's TLS files, made with GnuTLS and checked the way the node and the driver load\n"
  "them. ca makes the cluster CA (DIR/ca.pem, DIR/truststore.p12; its key in DIR/ca/);\n"
  "node makes one certificate per node (the CA first when DIR has none), every ADDRESS a\n"
  "SAN (IPv4 and IPv6 literals as IP SANs, names as DNS SANs), the first one also the CN,\n"
  "written as a PKCS#12 keystore, Cassandra 4.1 PEM files, ScyllaDB PEM files and\n"
  "cassandra.yaml/scylla.yaml snippets in DIR/nodes/NAME; client makes a driver identity\n"
  "(certificate, encrypted PKCS#8 key, PKCS#12) in DIR/clients/NAME; renew reissues a node\n"
  "or client certificate with a new key under the same CA; revoke adds it to DIR/crl.pem;\n"
  "check loads every file with the library and checks keys, chains and names.\n"
  "\n"
  "  --key-type TYPE          ec-p256 (default), rsa-2048 or rsa-3072\n"
  "  --days N                 validity: CA 3650 days, nodes and clients 730 by default\n"
  "  --ca-name NAME           the CA's common name (default \"cassl cluster CA\")\n"
  "  --password-file FILE     password of the keystores and keys written (mode 600 or 400;\n"
  "                           also: CASSL_PKI_PASSWORD); default: a new random one each,\n"
  "                           written beside them, mode 600\n"
  "  --ca-password-file FILE  password of the CA key (also: CASSL_PKI_CA_PASSWORD);\n"
  "                           default: DIR/ca/ca.password\n"
  "  --force                  replace existing files (by default nothing is overwritten)\n"
  "  --crl-days N             revoke: the CRL's next update (default 30 days)\n"
  "  --expect NAME=ADDRESS,.. check: the addresses NAME is reached at (default: the ones it\n"
  "                           was made for)\n"
  "  --json                   check: print one JSON object\n"
  "\n"
  "exit: 0 ok, 2 usage, 3 a file is missing, exists, does not load or does not fit,\n"
  "      6 check: a node's certificate does not name one of its addresses\n";

struct pki_opts {
  enum pki_key_kind key;
  unsigned days;          /* 0: the default of what is made */
  const char *ca_name;
  const char *password_file;
  const char *ca_password_file;
  unsigned crl_days;
  bool key_set;           /* --key-type given (renew otherwise keeps the old key's type) */
  bool force;
};

/* ---- shared helpers --------------------------------------------------------------------- */

void pki_path(char *buf, const char *dir, const char *a, const char *b)
{
  int n = snprintf(buf, PKI_PATH, "%s%s%s%s%s", dir, a ? "/" : "", a ? a : "", b ? "/" : "",
                   b ? b : "");
  if (n >= PKI_PATH)
    buf[0] = '\0'; /* never a truncated name: an empty one fails to open */
}

int pki_fail(int code, CassError error, const char *hint, const char *fmt, ...)
{
  char detail[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  fflush(stdout);
  tool_error(error, detail, hint);
  return code;
}

bool pki_name_valid(const char *name)
{
  if (!*name || *name == '.' || strlen(name) > 64)
    return false;
  for (const char *p = name; *p; p++)
    if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
        *p != '.' && *p != '_' && *p != '-')
      return false;
  return true;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("cassl pki: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\ntry: cassl pki --help\n", stderr);
  return EXIT_USAGE;
}

/* ---- the files of one run: checked all first, then written ------------------------------ */

struct planned {
  char path[PKI_PATH];
  char *data;
  size_t len;
  mode_t mode;
};

struct plan {
  struct planned *files;
  size_t count, cap;
  bool failed; /* out of memory */
};

static void plan_add(struct plan *p, const char *path, const void *data, size_t len, mode_t mode)
{
  if (p->count == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 16;
    struct planned *bigger = realloc(p->files, cap * sizeof *bigger);
    if (!bigger) {
      p->failed = true;
      return;
    }
    p->files = bigger;
    p->cap = cap;
  }
  struct planned *f = &p->files[p->count];
  snprintf(f->path, sizeof f->path, "%s", path);
  f->data = malloc(len ? len : 1);
  if (!f->data) {
    p->failed = true;
    return;
  }
  memcpy(f->data, data, len);
  f->len = len;
  f->mode = mode;
  p->count++;
}

static void plan_free(struct plan *p)
{
  for (size_t i = 0; i < p->count; i++) {
    gnutls_memset(p->files[i].data, 0, p->files[i].len); /* keys and passwords */
    free(p->files[i].data);
  }
  free(p->files);
  memset(p, 0, sizeof *p);
}

static int plan_precheck(const struct plan *p, bool force)
{
  if (p->failed)
    return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "", "out of memory");
  for (size_t i = 0; i < p->count && !force; i++)
    if (pki_file_exists(p->files[i].path))
      return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS,
                      "nothing was written; pass --force to replace the files (old keys are "
                      "then lost), or use another directory",
                      "%s exists, and cassl pki overwrites nothing without --force",
                      p->files[i].path);
  return 0;
}

/* Every directory first, then every file, each whole or not at all. */
static int plan_commit(const struct plan *p, bool force)
{
  int ret = plan_precheck(p, force);
  if (ret)
    return ret;
  for (size_t i = 0; i < p->count; i++) {
    char dir[PKI_PATH];
    snprintf(dir, sizeof dir, "%s", p->files[i].path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
      *slash = '\0';
      if (pki_dir_make(dir) != 0)
        return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS,
                        "check the directory and its permissions", "cannot make %s: %s", dir,
                        strerror(errno));
    }
  }
  for (size_t i = 0; i < p->count; i++) {
    const struct planned *f = &p->files[i];
    int w = pki_file_write(f->path, f->data, f->len, f->mode, force);
    if (w == 1)
      return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS,
                      "pass --force to replace it, or use another directory",
                      "%s appeared while cassl pki ran; it was left alone", f->path);
    if (w != 0)
      return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS,
                      "check the directory, its permissions and free space",
                      "cannot write %s: %s", f->path, strerror(errno));
  }
  return 0;
}

/* ---- PEM --------------------------------------------------------------------------------- */

/* Appends the certificate's PEM to a growing buffer. 0 or a GnuTLS error. */
static int append_cert(gnutls_x509_crt_t crt, char **buf, size_t *len)
{
  gnutls_datum_t d = { NULL, 0 };
  int ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d);
  if (ret < 0)
    return ret;
  char *bigger = realloc(*buf, *len + d.size + 1);
  if (!bigger) {
    gnutls_free(d.data);
    return GNUTLS_E_MEMORY_ERROR;
  }
  memcpy(bigger + *len, d.data, d.size);
  *len += d.size;
  bigger[*len] = '\0';
  *buf = bigger;
  gnutls_free(d.data);
  return 0;
}

/* PKCS#8 PEM, encrypted with PBES2 AES-256 when password is not NULL. */
static int export_key(gnutls_x509_privkey_t key, const char *password, gnutls_datum_t *out)
{
  return gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, password,
                                           password ? GNUTLS_PKCS_PBES2_AES_256
                                                    : GNUTLS_PKCS_PLAIN,
                                           out);
}

/* The key of Cassandra 4.1's PEM keystore. Its reader (PEMReader) asks the JDK for the
 * key's encryption by the name EncryptedPrivateKeyInfo gives it, as a SecretKeyFactory and a
 * Cipher; for PBES2 that name is "PBES2", which no JDK provides as either, so an AES key
 * never loads on the node. PKCS#12's pbeWithSHAAnd3-KeyTripleDES-CBC is the strongest scheme
 * the JDK finds that way ("PBEWithSHA1AndDESede"); the file stays mode 0600. */
static int export_cassandra_pem_key(gnutls_x509_privkey_t key, const char *password,
                                    gnutls_datum_t *out)
{
  return gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, password,
                                           GNUTLS_PKCS_PKCS12_3DES, out);
}

static void free_key_datum(gnutls_datum_t *d)
{
  if (d->data) {
    gnutls_memset(d->data, 0, d->size);
    gnutls_free(d->data);
  }
  d->data = NULL;
  d->size = 0;
}

static int gnutls_failed(const char *what, int ret)
{
  return pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "%s failed: %s", what,
                  gnutls_strerror(ret));
}

/* ---- the CA -------------------------------------------------------------------------------- */

static int load_pem_file(const char *path, const char *what, gnutls_datum_t *out)
{
  unsigned char *data;
  size_t len;
  if (read_file(path, &data, &len) != 0) {
    char hint[PKI_PATH + 100];
    snprintf(hint, sizeof hint, "%s", errno == ENOENT ? "make the CA first: cassl pki ca DIR "
                                                        "(or cassl pki node DIR ..., which makes it)"
                                                      : "check the file's permissions");
    return pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, hint, "cannot read %s %s: %s", what,
                    path, strerror(errno));
  }
  out->data = data;
  out->size = (unsigned)len;
  return 0;
}

int pki_ca_load(const char *dir, const char *ca_password_file, struct pki_entity *ca)
{
  char cert_path[PKI_PATH], key_path[PKI_PATH], pw_path[PKI_PATH];
  pki_path(cert_path, dir, PKI_CA_CERT, NULL);
  pki_path(key_path, dir, PKI_CA_KEY, NULL);
  pki_path(pw_path, dir, PKI_CA_PASSWORD, NULL);
  gnutls_datum_t cert = { NULL, 0 }, key = { NULL, 0 };
  char *password = NULL;
  const char *source = ca_password_file;
  int ret = load_pem_file(cert_path, "the CA certificate", &cert);
  if (ret == 0)
    ret = load_pem_file(key_path, "the CA key", &key);
  if (ret == 0) {
    int got = pki_secret_read(ca_password_file, PKI_ENV_CA_PASSWORD, "CA key's password",
                              &password);
    if (got < 0)
      ret = EXIT_LOCAL;
    else if (got == 1) {
      source = pw_path;
      got = pki_secret_read(pw_path, NULL, "CA key's password", &password);
      if (got != 0)
        ret = EXIT_LOCAL;
    } else if (!ca_password_file) {
      source = "$" PKI_ENV_CA_PASSWORD;
    }
  }
  int g;
  if (ret == 0 && ((g = gnutls_x509_crt_init(&ca->crt)) < 0 ||
                   (g = gnutls_x509_crt_import(ca->crt, &cert, GNUTLS_X509_FMT_PEM)) < 0))
    ret = pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "%s does not hold a certificate: %s",
                   cert_path, gnutls_strerror(g));
  if (ret == 0 && ((g = gnutls_x509_privkey_init(&ca->key)) < 0 ||
                   (g = gnutls_x509_privkey_import_pkcs8(ca->key, &key, GNUTLS_X509_FMT_PEM,
                                                         password, 0)) < 0))
    ret = pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                   "give the CA key's password with --ca-password-file (or "
                   "CASSL_PKI_CA_PASSWORD)",
                   "the CA key %s does not decrypt with the password from %s: %s", key_path,
                   source, gnutls_strerror(g));
  if (ret == 0) {
    /* The key must be the certificate's: a CA directory put together from two CAs signs
     * certificates that nothing verifies. */
    unsigned char a[64], b[64];
    size_t al = sizeof a, bl = sizeof b;
    if (gnutls_x509_crt_get_key_id(ca->crt, 0, a, &al) < 0 ||
        gnutls_x509_privkey_get_key_id(ca->key, 0, b, &bl) < 0 || al != bl || memcmp(a, b, al))
      ret = pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                     "the CA directory mixes files of two CAs: restore the pair",
                     "the CA key %s is not the key of %s", key_path, cert_path);
  }
  free_secret(password);
  free(cert.data);
  if (key.data) {
    gnutls_memset(key.data, 0, key.size);
    free(key.data);
  }
  if (ret != 0)
    pki_entity_free(ca);
  return ret;
}

/* The password for the stores of one entity: the one given, or a new one written to
 * gen_path. ref says where it is, for the configuration snippets. */
static int store_password(struct plan *plan, const char *given, const char *given_ref,
                          const char *gen_path, char *out, size_t cap, char *ref, size_t ref_cap)
{
  if (given) {
    snprintf(out, cap, "%s", given);
    snprintf(ref, ref_cap, "%s", given_ref);
    return 0;
  }
  if (pki_password_generate(out) != 0)
    return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "", "no random numbers");
  char line[PKI_PASSWORD_LEN + 2];
  int n = snprintf(line, sizeof line, "%s\n", out);
  plan_add(plan, gen_path, line, (size_t)n, 0600);
  gnutls_memset(line, 0, sizeof line);
  snprintf(ref, ref_cap, "the file %s", gen_path);
  return 0;
}

struct run {
  const char *dir;
  char dir_abs[PKI_PATH];
  struct pki_opts *o;
  char *given_password; /* --password-file or CASSL_PKI_PASSWORD */
  char given_ref[2 * PKI_PATH];
  struct plan plan;
  char *summary;        /* what was made, printed once it is written */
  size_t summary_len;
};

static void summary_add(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void summary_add(struct run *r, const char *fmt, ...)
{
  char line[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  size_t len = strlen(line);
  char *bigger = realloc(r->summary, r->summary_len + len + 1);
  if (!bigger)
    return;
  memcpy(bigger + r->summary_len, line, len + 1);
  r->summary = bigger;
  r->summary_len += len;
}

static int make_ca(struct run *r, struct pki_entity *ca)
{
  struct pki_cert_spec spec = { .role = PKI_ROLE_CA, .key = r->o->key,
                                .cn = r->o->ca_name ? r->o->ca_name : "cassl cluster CA",
                                .days = r->o->days ? r->o->days : 3650 };
  int ret = pki_entity_make(ca, &spec, NULL);
  if (ret < 0)
    return gnutls_failed("making the CA", ret);
  char path[PKI_PATH], pw[PKI_PASSWORD_LEN + 1], ref[2 * PKI_PATH];
  char *pem = NULL;
  size_t pem_len = 0;
  if ((ret = append_cert(ca->crt, &pem, &pem_len)) < 0)
    return gnutls_failed("writing the CA certificate", ret);
  pki_path(path, r->dir, PKI_CA_CERT, NULL);
  plan_add(&r->plan, path, pem, pem_len, 0644);
  free(pem);

  /* The CA key has its own password: it never leaves the machine that issues. */
  char *ca_pw = NULL;
  int got = pki_secret_read(r->o->ca_password_file, PKI_ENV_CA_PASSWORD, "CA key's password",
                            &ca_pw);
  if (got < 0)
    return EXIT_LOCAL;
  pki_path(path, r->dir, PKI_CA_PASSWORD, NULL);
  ret = store_password(&r->plan, ca_pw, "", path, pw, sizeof pw, ref, sizeof ref);
  free_secret(ca_pw);
  if (ret)
    return ret;
  gnutls_datum_t key = { NULL, 0 };
  if ((ret = export_key(ca->key, pw, &key)) < 0) {
    gnutls_memset(pw, 0, sizeof pw);
    return gnutls_failed("encrypting the CA key", ret);
  }
  pki_path(path, r->dir, PKI_CA_KEY, NULL);
  plan_add(&r->plan, path, key.data, key.size, 0600);
  free_key_datum(&key);

  pki_path(path, r->dir, PKI_TRUSTSTORE_PASSWORD, NULL);
  if ((ret = store_password(&r->plan, r->given_password, r->given_ref, path, pw, sizeof pw, ref,
                            sizeof ref)))
    return ret;
  gnutls_datum_t p12 = { NULL, 0 };
  ret = pki_store_truststore(ca->crt, "cassl-ca", pw, &p12);
  gnutls_memset(pw, 0, sizeof pw);
  if (ret < 0)
    return gnutls_failed("writing the truststore", ret);
  pki_path(path, r->dir, PKI_TRUSTSTORE, NULL);
  plan_add(&r->plan, path, p12.data, p12.size, 0600);
  gnutls_free(p12.data);
  return 0;
}

/* ---- nodes and clients --------------------------------------------------------------------- */

struct identity {
  char name[80];
  bool node;
  char *addresses[PKI_MAX_ADDRESSES]; /* the node's, first = CN; owned */
  size_t address_count;
};

static void identity_clear(struct identity *id)
{
  for (size_t i = 0; i < id->address_count; i++)
    free(id->addresses[i]);
  memset(id, 0, sizeof *id);
}

/* "NAME=ADDR,ADDR": each an IP literal or a host name. 0 or EXIT_USAGE. */
static int parse_node(const char *arg, struct identity *id)
{
  memset(id, 0, sizeof *id);
  id->node = true;
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof id->name || !eq[1])
    return usage_error("invalid node '%s' (NAME=ADDRESS[,ADDRESS...], e.g. "
                       "node1=10.0.0.1,node1.example.com)", arg);
  memcpy(id->name, arg, (size_t)(eq - arg));
  id->name[eq - arg] = '\0';
  if (!pki_name_valid(id->name))
    return usage_error("invalid node name '%s' (letters, digits, '.', '_', '-')", id->name);
  for (const char *p = eq + 1; *p;) {
    size_t n = strcspn(p, ",");
    char *addr = strndup(p, n);
    if (!addr)
      return EXIT_USAGE;
    if (id->address_count == PKI_MAX_ADDRESSES) {
      free(addr);
      return usage_error("too many addresses for %s (at most %d)", id->name, PKI_MAX_ADDRESSES);
    }
    id->addresses[id->address_count++] = addr;
    if (!cassl_is_ip_literal(addr) && !cassl_hostname_is_valid(addr))
      return usage_error("invalid address '%s' for %s (an IPv4 or IPv6 address, or a host "
                         "name)", addr, id->name);
    p += n;
    if (*p == ',')
      p++;
  }
  if (!id->address_count)
    return usage_error("node %s has no address", id->name);
  return 0;
}

static bool plan_has(const struct plan *p, const char *path)
{
  for (size_t i = 0; i < p->count; i++)
    if (!strcmp(p->files[i].path, path))
      return true;
  return false;
}

/* The three snippets, naming where the passwords are. */
static int plan_configs(struct run *r, const struct identity *id)
{
  char ks_ref[2 * PKI_PATH], ts_ref[2 * PKI_PATH], path[PKI_PATH];
  if (r->given_password)
    snprintf(ks_ref, sizeof ks_ref, "%s", r->given_ref);
  else
    snprintf(ks_ref, sizeof ks_ref, "the file %s/%s/%s/keystore.password", r->dir_abs, PKI_NODES,
             id->name);
  pki_path(path, r->dir, PKI_TRUSTSTORE_PASSWORD, NULL);
  if (pki_file_exists(path) || plan_has(&r->plan, path))
    snprintf(ts_ref, sizeof ts_ref, "the file %s/%s", r->dir_abs, PKI_TRUSTSTORE_PASSWORD);
  else if (pki_path(path, r->dir, PKI_TRUSTSTORE, NULL), plan_has(&r->plan, path))
    snprintf(ts_ref, sizeof ts_ref, "%s", r->given_ref);
  else
    snprintf(ts_ref, sizeof ts_ref, "the password given when the CA was made");
  for (int i = 0; i < PKI_CONFIG_COUNT; i++) {
    char *text = pki_config_text((enum pki_config)i, r->dir_abs, id->name, ks_ref, ts_ref);
    if (!text)
      return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "", "out of memory");
    char ndir[PKI_PATH];
    pki_path(ndir, r->dir, PKI_NODES, id->name);
    pki_path(path, ndir, pki_config_file[i], NULL);
    plan_add(&r->plan, path, text, strlen(text), 0644);
    free(text);
  }
  return 0;
}

static int write_node_files(struct run *r, const struct identity *id,
                            const struct pki_entity *leaf, const struct pki_entity *ca,
                            const char *pw)
{
  char path[PKI_PATH], ndir[PKI_PATH];
  pki_path(ndir, r->dir, PKI_NODES, id->name);
  int ret;
  char *chain = NULL;
  size_t chain_len = 0;
  gnutls_datum_t enc = { NULL, 0 }, plain = { NULL, 0 }, p12 = { NULL, 0 };
  if ((ret = append_cert(leaf->crt, &chain, &chain_len)) < 0 ||
      (ret = append_cert(ca->crt, &chain, &chain_len)) < 0 ||
      (ret = export_cassandra_pem_key(leaf->key, pw, &enc)) < 0 ||
      (ret = export_key(leaf->key, NULL, &plain)) < 0 ||
      (ret = pki_store_keystore(leaf, ca->crt, id->name, pw, &p12)) < 0) {
    free(chain);
    free_key_datum(&enc);
    free_key_datum(&plain);
    return gnutls_failed("writing the node's files", ret);
  }
  pki_path(path, ndir, "keystore.p12", NULL);
  plan_add(&r->plan, path, p12.data, p12.size, 0600);
  /* PEMBasedSslContextFactory's keystore: the encrypted key, then the chain, one file. */
  size_t pem_len = enc.size + chain_len;
  char *pem = malloc(pem_len);
  if (pem) {
    memcpy(pem, enc.data, enc.size);
    memcpy(pem + enc.size, chain, chain_len);
    pki_path(path, ndir, "keystore.pem", NULL);
    plan_add(&r->plan, path, pem, pem_len, 0600);
    gnutls_memset(pem, 0, pem_len);
    free(pem);
  } else {
    r->plan.failed = true;
  }
  /* ScyllaDB reads an unencrypted key file: it is private to its owner instead. */
  pki_path(path, ndir, "node.pem", NULL);
  plan_add(&r->plan, path, chain, chain_len, 0644);
  pki_path(path, ndir, "node.key", NULL);
  plan_add(&r->plan, path, plain.data, plain.size, 0600);
  char list[PKI_MAX_ADDRESSES * 260] = "";
  size_t used = 0;
  for (size_t i = 0; i < id->address_count && used < sizeof list; i++)
    used += (size_t)snprintf(list + used, sizeof list - used, "%s\n", id->addresses[i]);
  pki_path(path, ndir, "addresses", NULL);
  plan_add(&r->plan, path, list, strlen(list), 0644);
  free(chain);
  free_key_datum(&enc);
  free_key_datum(&plain);
  gnutls_free(p12.data);
  return plan_configs(r, id);
}

static int write_client_files(struct run *r, const struct identity *id,
                              const struct pki_entity *leaf, const struct pki_entity *ca,
                              const char *pw)
{
  char path[PKI_PATH], cdir[PKI_PATH];
  pki_path(cdir, r->dir, PKI_CLIENTS, id->name);
  int ret;
  char *cert = NULL;
  size_t cert_len = 0;
  gnutls_datum_t enc = { NULL, 0 }, p12 = { NULL, 0 };
  if ((ret = append_cert(leaf->crt, &cert, &cert_len)) < 0 ||
      (ret = export_key(leaf->key, pw, &enc)) < 0 ||
      (ret = pki_store_keystore(leaf, ca->crt, id->name, pw, &p12)) < 0) {
    free(cert);
    free_key_datum(&enc);
    return gnutls_failed("writing the client's files", ret);
  }
  pki_path(path, cdir, "client.pem", NULL);
  plan_add(&r->plan, path, cert, cert_len, 0644);
  pki_path(path, cdir, "client.key", NULL);
  plan_add(&r->plan, path, enc.data, enc.size, 0600);
  pki_path(path, cdir, "client.p12", NULL);
  plan_add(&r->plan, path, p12.data, p12.size, 0600);
  free(cert);
  free_key_datum(&enc);
  gnutls_free(p12.data);
  return 0;
}

/* Issues id's certificate and plans its files; pw_existing: renew keeps the password. */
static int issue(struct run *r, struct identity *id, const struct pki_entity *ca,
                 enum pki_key_kind key, const char *pw_existing)
{
  const char *ips[PKI_MAX_ADDRESSES], *dns[PKI_MAX_ADDRESSES];
  size_t ip_count = 0, dns_count = 0;
  for (size_t i = 0; i < id->address_count; i++) {
    if (cassl_is_ip_literal(id->addresses[i]))
      ips[ip_count++] = id->addresses[i];
    else
      dns[dns_count++] = id->addresses[i];
  }
  struct pki_cert_spec spec = { .role = id->node ? PKI_ROLE_NODE : PKI_ROLE_CLIENT, .key = key,
                                .cn = id->node ? id->addresses[0] : id->name, .ips = ips,
                                .ip_count = ip_count, .dns = dns, .dns_count = dns_count,
                                .days = r->o->days ? r->o->days : 730 };
  struct pki_entity leaf = { 0 };
  int ret = pki_entity_make(&leaf, &spec, ca);
  if (ret < 0) {
    pki_entity_free(&leaf);
    return gnutls_failed(id->node ? "making the node certificate" : "making the client "
                                                                     "certificate", ret);
  }
  char edir[PKI_PATH], pw_path[PKI_PATH], pw[PKI_PASSWORD_LEN + 1024], ref[2 * PKI_PATH];
  (void)ref;
  pki_path(edir, r->dir, id->node ? PKI_NODES : PKI_CLIENTS, id->name);
  pki_path(pw_path, edir, id->node ? "keystore.password" : "client.key.password", NULL);
  if (pw_existing) {
    snprintf(pw, sizeof pw, "%s", pw_existing);
    ret = 0;
  } else {
    ret = store_password(&r->plan, r->given_password, r->given_ref, pw_path, pw, sizeof pw, ref,
                         sizeof ref);
  }
  if (ret == 0)
    ret = id->node ? write_node_files(r, id, &leaf, ca, pw)
                   : write_client_files(r, id, &leaf, ca, pw);
  gnutls_memset(pw, 0, sizeof pw);
  if (ret == 0) {
    char until[40], serial[80] = "";
    time_t t = gnutls_x509_crt_get_expiration_time(leaf.crt);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(until, sizeof until, "%Y-%m-%d", &tm);
    unsigned char raw[40];
    size_t raw_len = sizeof raw;
    if (gnutls_x509_crt_get_serial(leaf.crt, raw, &raw_len) >= 0)
      for (size_t i = 0; i < raw_len && 2 * i + 2 < sizeof serial; i++)
        sprintf(serial + 2 * i, "%02x", raw[i]);
    summary_add(r, "%s %s: CN=%s", id->node ? "node" : "client", id->name, spec.cn);
    for (size_t i = 0; i < ip_count; i++)
      summary_add(r, ", IP:%s", ips[i]);
    for (size_t i = 0; i < dns_count; i++)
      summary_add(r, ", DNS:%s", dns[i]);
    summary_add(r, "; serial %s, valid until %s\n", serial, until);
  }
  pki_entity_free(&leaf);
  return ret;
}

/* ---- renew: the same names, a new key ------------------------------------------------------ */

/* Reads an entity's current certificate (nodes/NAME/node.pem or clients/NAME/client.pem). */
static int load_entity_cert(const char *dir, const char *name, bool *node,
                            gnutls_x509_crt_t *crt)
{
  char edir[PKI_PATH], path[PKI_PATH];
  pki_path(edir, dir, PKI_NODES, name);
  *node = pki_file_exists(edir);
  if (!*node) {
    pki_path(edir, dir, PKI_CLIENTS, name);
    if (!pki_file_exists(edir))
      return pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
                      "make it with cassl pki node or cassl pki client, or check the name",
                      "%s has no node or client named %s", dir, name);
  }
  pki_path(path, edir, *node ? "node.pem" : "client.pem", NULL);
  gnutls_datum_t pem;
  int ret = load_pem_file(path, "the certificate", &pem);
  if (ret)
    return ret;
  int g;
  if ((g = gnutls_x509_crt_init(crt)) < 0 ||
      (g = gnutls_x509_crt_import(*crt, (gnutls_datum_t *)&pem, GNUTLS_X509_FMT_PEM)) < 0) {
    free(pem.data);
    return pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "%s does not hold a "
                    "certificate: %s", path, gnutls_strerror(g));
  }
  free(pem.data);
  return 0;
}

/* The names of the certificate: CN first, then its SANs (as the node was made). */
static int identity_from_cert(gnutls_x509_crt_t crt, bool node, const char *name,
                              struct identity *id)
{
  memset(id, 0, sizeof *id);
  snprintf(id->name, sizeof id->name, "%s", name);
  id->node = node;
  if (!node)
    return 0;
  char cn[256];
  size_t cn_len = sizeof cn;
  if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len) >= 0)
    id->addresses[id->address_count++] = strdup(cn);
  for (unsigned i = 0; id->address_count < PKI_MAX_ADDRESSES; i++) {
    unsigned char san[256];
    size_t san_len = sizeof san;
    int type = gnutls_x509_crt_get_subject_alt_name(crt, i, san, &san_len, NULL);
    if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      break;
    char text[INET6_ADDRSTRLEN + 256];
    if (type == GNUTLS_SAN_IPADDRESS && (san_len == 4 || san_len == 16))
      inet_ntop(san_len == 4 ? AF_INET : AF_INET6, san, text, sizeof text);
    else if (type == GNUTLS_SAN_DNSNAME && san_len < sizeof text)
      snprintf(text, sizeof text, "%.*s", (int)san_len, (char *)san);
    else
      continue;
    if (id->address_count && id->addresses[0] && !strcmp(text, id->addresses[0]))
      continue;
    id->addresses[id->address_count++] = strdup(text);
  }
  for (size_t i = 0; i < id->address_count; i++)
    if (!id->addresses[i])
      return -1;
  return id->address_count ? 0 : -1;
}

static enum pki_key_kind key_kind_of(gnutls_x509_crt_t crt)
{
  unsigned bits = 0;
  int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
  if (pk == GNUTLS_PK_RSA)
    return bits >= 3072 ? PKI_KEY_RSA_3072 : PKI_KEY_RSA_2048;
  return PKI_KEY_EC_P256;
}

/* ---- the subcommands ------------------------------------------------------------------------- */

static int run_begin(struct run *r, const char *dir, struct pki_opts *o)
{
  memset(r, 0, sizeof *r);
  r->dir = dir;
  r->o = o;
  int got = pki_secret_read(o->password_file, PKI_ENV_PASSWORD, "store password",
                            &r->given_password);
  if (got < 0)
    return EXIT_LOCAL;
  if (got == 0) {
    if (o->password_file) {
      char *abs = realpath(o->password_file, NULL);
      snprintf(r->given_ref, sizeof r->given_ref, "the file %s", abs ? abs : o->password_file);
      free(abs);
    } else {
      snprintf(r->given_ref, sizeof r->given_ref, "$%s (as set when cassl pki ran)",
               PKI_ENV_PASSWORD);
    }
  }
  if (pki_dir_make(dir) != 0)
    return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "check the path and its permissions",
                    "cannot make the directory %s: %s", dir, strerror(errno));
  if (!realpath(dir, r->dir_abs))
    return pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "", "cannot resolve %s: %s", dir,
                    strerror(errno));
  return 0;
}

static void run_end(struct run *r)
{
  free(r->summary);
  free_secret(r->given_password);
  plan_free(&r->plan);
}

static int cmd_ca(const char *dir, struct pki_opts *o)
{
  struct run r;
  int ret = run_begin(&r, dir, o);
  struct pki_entity ca = { 0 };
  if (ret == 0)
    ret = make_ca(&r, &ca);
  if (ret == 0)
    ret = plan_commit(&r.plan, o->force);
  if (ret == 0)
    printf("CA %s/%s (trust it: cass_ssl_add_trusted_cert, cassl probe --ca), %s/%s for "
           "JSSE; its key in %s/ca/\n", dir, PKI_CA_CERT, dir, PKI_TRUSTSTORE, dir);
  pki_entity_free(&ca);
  run_end(&r);
  return ret;
}

static int cmd_issue(const char *dir, bool node, int count, char **args, struct pki_opts *o)
{
  struct identity ids[64];
  if (count > 64)
    return usage_error("at most 64 names at a time");
  int n = 0, ret = 0;
  for (; n < count && ret == 0; n++) {
    if (node) {
      ret = parse_node(args[n], &ids[n]);
    } else {
      memset(&ids[n], 0, sizeof ids[n]);
      snprintf(ids[n].name, sizeof ids[n].name, "%s", args[n]);
      if (!pki_name_valid(args[n]))
        ret = usage_error("invalid client name '%s' (letters, digits, '.', '_', '-')", args[n]);
    }
  }
  struct run r;
  struct pki_entity ca = { 0 };
  char ca_path[PKI_PATH];
  pki_path(ca_path, dir, PKI_CA_CERT, NULL);
  bool new_ca = false;
  if (ret == 0)
    ret = run_begin(&r, dir, o);
  else
    memset(&r, 0, sizeof r);
  if (ret == 0) {
    if (node && !pki_file_exists(ca_path)) {
      new_ca = true;
      /* The CA's validity is its own: --days is for the nodes here. */
      unsigned days = o->days;
      o->days = 0;
      ret = make_ca(&r, &ca);
      o->days = days;
    } else {
      ret = pki_ca_load(dir, o->ca_password_file, &ca);
    }
  }
  for (int i = 0; i < n && ret == 0; i++)
    ret = issue(&r, &ids[i], &ca, o->key, NULL);
  if (ret == 0)
    ret = plan_commit(&r.plan, o->force);
  if (ret == 0 && r.summary)
    fputs(r.summary, stdout);
  if (ret == 0 && new_ca)
    printf("CA %s/%s made for them (its key in %s/ca/)\n", dir, PKI_CA_CERT, dir);
  if (ret == 0 && node)
    printf("each node's files are in %s/%s/NAME; its configuration: cassandra.yaml "
           "(PKCS12), cassandra-pem.yaml (4.1 PEM) or scylla.yaml there\n", dir, PKI_NODES);
  if (ret == 0 && !node)
    printf("driver: cass_ssl_set_cert(client.pem), cass_ssl_set_private_key(client.key, the "
           "password in client.key.password), cass_ssl_add_trusted_cert(%s/%s)\n", dir,
           PKI_CA_CERT);
  for (int i = 0; i < n; i++)
    identity_clear(&ids[i]);
  pki_entity_free(&ca);
  run_end(&r);
  return ret;
}

static int cmd_renew(const char *dir, int count, char **names, struct pki_opts *o)
{
  struct run r;
  int ret = run_begin(&r, dir, o);
  struct pki_entity ca = { 0 };
  if (ret == 0)
    ret = pki_ca_load(dir, o->ca_password_file, &ca);
  for (int i = 0; i < count && ret == 0; i++) {
    bool node = false;
    gnutls_x509_crt_t old = NULL;
    struct identity id;
    memset(&id, 0, sizeof id);
    if (!pki_name_valid(names[i]))
      ret = usage_error("invalid name '%s'", names[i]);
    if (ret == 0)
      ret = load_entity_cert(dir, names[i], &node, &old);
    if (ret == 0 && identity_from_cert(old, node, names[i], &id) != 0)
      ret = pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "",
                     "cannot read the names of %s's certificate", names[i]);
    /* The password stays: the node's configuration goes on working. */
    char pw_path[PKI_PATH], entity_dir[PKI_PATH];
    pki_path(entity_dir, dir, node ? PKI_NODES : PKI_CLIENTS, names[i]);
    pki_path(pw_path, entity_dir, node ? "keystore.password" : "client.key.password", NULL);
    char *pw = NULL;
    if (ret == 0) {
      if (r.given_password)
        pw = strdup(r.given_password);
      else if (pki_secret_read(pw_path, NULL, "store password", &pw) != 0)
        ret = EXIT_LOCAL;
      if (ret == 0 && !pw)
        ret = pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "", "out of memory");
    }
    if (ret == 0)
      ret = issue(&r, &id, &ca, o->key_set ? o->key : key_kind_of(old), pw);
    free_secret(pw);
    identity_clear(&id);
    if (old)
      gnutls_x509_crt_deinit(old);
  }
  /* Renewing replaces the entity's files: that is what it is for. */
  if (ret == 0)
    ret = plan_commit(&r.plan, true);
  if (ret == 0 && r.summary)
    fputs(r.summary, stdout);
  pki_entity_free(&ca);
  run_end(&r);
  return ret;
}

static int cmd_revoke(const char *dir, int count, char **names, struct pki_opts *o)
{
  struct pki_entity ca = { 0 };
  int ret = pki_ca_load(dir, o->ca_password_file, &ca);
  for (int i = 0; i < count && ret == 0; i++) {
    bool node = false, already = false;
    gnutls_x509_crt_t crt = NULL;
    if (!pki_name_valid(names[i]))
      ret = usage_error("invalid name '%s'", names[i]);
    if (ret == 0)
      ret = load_entity_cert(dir, names[i], &node, &crt);
    if (ret == 0)
      ret = pki_revoke(dir, &ca, crt, o->crl_days ? o->crl_days : 30, &already);
    if (ret == 0)
      printf("%s %s: %s in %s/%s\n", node ? "node" : "client", names[i],
             already ? "was already revoked" : "revoked", dir, PKI_CRL);
    if (crt)
      gnutls_x509_crt_deinit(crt);
  }
  if (ret == 0)
    printf("give %s/%s to what checks revocation (cass_ssl... cassl_ssl_add_crl, cassl probe "
           "--crl), and renew the certificate: cassl pki renew %s NAME\n", dir, PKI_CRL, dir);
  pki_entity_free(&ca);
  return ret;
}

static int parse_days(const char *arg, unsigned max, unsigned *out)
{
  char *stop;
  errno = 0;
  long v = strtol(arg, &stop, 10);
  if (errno || !*arg || *stop || v < 1 || v > (long)max)
    return -1;
  *out = (unsigned)v;
  return 0;
}

int cmd_pki(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "key-type", required_argument, NULL, 'k' },
    { "days", required_argument, NULL, 'd' },
    { "ca-name", required_argument, NULL, 'n' },
    { "password-file", required_argument, NULL, 'p' },
    { "ca-password-file", required_argument, NULL, 'P' },
    { "crl-days", required_argument, NULL, 'c' },
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    fputs(pki_usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : EXIT_OK;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "check"))
    return pki_check_run(argc - 1, argv + 1);
  if (strcmp(sub, "ca") && strcmp(sub, "node") && strcmp(sub, "client") &&
      strcmp(sub, "renew") && strcmp(sub, "revoke"))
    return usage_error("unknown subcommand '%s' (ca, node, client, renew, revoke, check)", sub);
  struct pki_opts o = { .key = PKI_KEY_EC_P256 };
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc - 1, argv + 1, ":h", longopts, NULL)) != -1) {
    switch (c) {
    case 'k':
      if (!strcmp(optarg, "ec-p256"))
        o.key = PKI_KEY_EC_P256;
      else if (!strcmp(optarg, "rsa-2048"))
        o.key = PKI_KEY_RSA_2048;
      else if (!strcmp(optarg, "rsa-3072"))
        o.key = PKI_KEY_RSA_3072;
      else
        return usage_error("invalid --key-type '%s' (ec-p256, rsa-2048 or rsa-3072)", optarg);
      o.key_set = true;
      break;
    case 'd':
      if (parse_days(optarg, 36500, &o.days) != 0)
        return usage_error("invalid --days '%s' (1 to 36500)", optarg);
      break;
    case 'c':
      if (parse_days(optarg, 3650, &o.crl_days) != 0)
        return usage_error("invalid --crl-days '%s' (1 to 3650)", optarg);
      break;
    case 'n': o.ca_name = optarg; break;
    case 'p': o.password_file = optarg; break;
    case 'P': o.ca_password_file = optarg; break;
    case 'f': o.force = true; break;
    case 'h': fputs(pki_usage, stdout); return EXIT_OK;
    case ':': return usage_error("option %s needs a value", argv[optind]);
    default: return usage_error("unknown option %s", argv[optind]);
    }
  }
  char **args = argv + 1 + optind;
  int count = argc - 1 - optind;
  if (count < 1)
    return usage_error("%s: missing DIR", sub);
  const char *dir = args[0];
  if (strlen(dir) > PKI_DIR_MAX || !*dir)
    return usage_error("invalid DIR (1 to %d bytes)", PKI_DIR_MAX);
  args++;
  count--;
  if (o.ca_name && (strlen(o.ca_name) == 0 || strlen(o.ca_name) > 64))
    return usage_error("invalid --ca-name (1 to 64 characters)");
  if (!strcmp(sub, "ca")) {
    if (count)
      return usage_error("ca takes only DIR");
    return cmd_ca(dir, &o);
  }
  if (count < 1)
    return usage_error("%s: missing %s", sub, !strcmp(sub, "node") ? "NAME=ADDRESS" : "NAME");
  if (!strcmp(sub, "node") || !strcmp(sub, "client"))
    return cmd_issue(dir, !strcmp(sub, "node"), count, args, &o);
  if (!strcmp(sub, "renew"))
    return cmd_renew(dir, count, args, &o);
  return cmd_revoke(dir, count, args, &o);
}
