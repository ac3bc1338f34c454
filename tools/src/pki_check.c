/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl pki check DIR: every file of a cassl pki directory loaded the way the node and the
 * driver load it (the library's loaders, <cassl/inspect.h> and cassl_ssl_add_crl_n), each
 * key against its certificate, each certificate against the CA and its CRL (GnuTLS's
 * verifier), each node's certificate against the addresses it is reached at. The trust
 * store is the exception: the library reads PKCS#12 identities only, so its bags are opened
 * with GnuTLS and their certificates read by the library. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "cassl/cassl.h"
#include "cassl/inspect.h"
#include "certinfo.h"
#include "options.h"
#include "pki_cmd.h"
#include "pki_files.h"
#include "report.h"
#include "tool.h"

#define MAX_ROWS 512
#define MAX_EXPECT 64

struct row {
  char file[300];            /* relative to DIR */
  char entity[100];          /* "CA", "node node1", "client app" */
  bool loads;
  const char *pairs;         /* "ok", "NO", "-" */
  const char *chain;         /* "root", "ok", "NO", "revoked", "expired", "-" */
  const char *names;         /* "ok", "NO", "-" */
  char checked[1024];        /* the addresses checked, ", "-joined */
  char expires[16];
  char problem[1200];
  char hint[600];
  CassError error;
  int exit_code;             /* EXIT_OK, EXIT_LOCAL or EXIT_VERIFY */
};

struct expect {
  char name[80];
  char *list; /* "a,b" */
  bool used;
};

struct check {
  const char *dir;
  struct row rows[MAX_ROWS];
  size_t count;
  char *given_password;
  gnutls_x509_crt_t ca;
  char ca_sha256[200];
  gnutls_x509_crl_t crl;
  struct expect expect[MAX_EXPECT];
  size_t expect_count;
};

static struct row *row_new(struct check *c, const char *entity, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct row *row_new(struct check *c, const char *entity, const char *fmt, ...)
{
  static struct row spare; /* past MAX_ROWS: checked, not shown */
  struct row *r = c->count < MAX_ROWS ? &c->rows[c->count++] : &spare;
  memset(r, 0, sizeof *r);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->file, sizeof r->file, fmt, ap);
  va_end(ap);
  snprintf(r->entity, sizeof r->entity, "%s", entity);
  r->pairs = r->chain = r->names = "-";
  snprintf(r->expires, sizeof r->expires, "-");
  return r;
}

static void problem(struct row *r, int exit_code, CassError error, const char *hint,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The first problem of a row is the one shown; a local failure outranks a name mismatch. */
static void problem(struct row *r, int exit_code, CassError error, const char *hint,
                    const char *fmt, ...)
{
  if (r->exit_code == EXIT_LOCAL || (r->exit_code == exit_code && r->problem[0]))
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->problem, sizeof r->problem, fmt, ap);
  va_end(ap);
  snprintf(r->hint, sizeof r->hint, "%s", hint);
  r->error = error;
  r->exit_code = exit_code;
}

/* Reads DIR/rel into *data (or appends, for a PEM pair). 0, or -1 with the row's problem. */
static int read_into(struct check *c, struct row *r, const char *rel, char **data, size_t *len)
{
  char path[PKI_PATH];
  pki_path(path, c->dir, rel, NULL);
  unsigned char *buf;
  size_t n;
  if (read_file(path, &buf, &n) != 0) {
    if (errno == ENOENT)
      problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
              "make it again: cassl pki renew DIR NAME (a node or client), cassl pki ca DIR "
              "--force (the CA)", "%s is missing", rel);
    else
      problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "check the file's permissions",
              "cannot read %s: %s", rel, strerror(errno));
    return -1;
  }
  char *bigger = realloc(*data, *len + n + 1);
  if (!bigger) {
    free(buf);
    problem(r, EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "", "out of memory");
    return -1;
  }
  memcpy(bigger + *len, buf, n);
  *len += n;
  bigger[*len] = '\0';
  *data = bigger;
  explicit_bzero(buf, n);
  free(buf);
  return 0;
}

static void wipe_free(char *data, size_t len)
{
  if (data) {
    explicit_bzero(data, len);
    free(data);
  }
}

/* The password in DIR/rel, else the one given; NULL with the row's problem. */
static char *password_for(struct check *c, struct row *r, const char *rel)
{
  char path[PKI_PATH];
  pki_path(path, c->dir, rel, NULL);
  char *pw = NULL;
  if (pki_file_exists(path)) {
    int ret = read_password_file(path, &pw);
    if (ret == -2) {
      char hint[PKI_PATH + 40];
      snprintf(hint, sizeof hint, "make it private: chmod 600 %s", path);
      problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, hint,
              "the password file %s is open to other users", rel);
    } else if (ret != 0) {
      problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "check its permissions",
              "cannot read the password file %s: %s", rel, strerror(errno));
    }
    return pw;
  }
  if (c->given_password)
    return strdup(c->given_password);
  problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
          "give the password with --password-file or CASSL_PKI_PASSWORD",
          "%s is missing and no password was given", rel);
  return NULL;
}

static void set_expires(struct row *r, const cassl_cert_info *cert)
{
  time_t t = (time_t)cassl_cert_info_not_after(cert);
  struct tm tm;
  if (t > 0 && gmtime_r(&t, &tm))
    strftime(r->expires, sizeof r->expires, "%Y-%m-%d", &tm);
}

/* The leaf against the CA and the CRL, with GnuTLS's verifier. */
static void check_chain(struct check *c, struct row *r, const cassl_cert_info *leaf)
{
  if (!c->ca) {
    r->chain = "NO";
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "see the ca.pem line",
            "%s cannot be checked: the CA did not load", r->file);
    return;
  }
  size_t der_len;
  const unsigned char *der = cassl_cert_info_der(leaf, &der_len);
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_trust_list_t list = NULL;
  gnutls_datum_t d = { (unsigned char *)der, (unsigned)der_len };
  unsigned status = GNUTLS_CERT_INVALID;
  gnutls_x509_crt_t ca_copy = NULL;
  gnutls_datum_t ca_der = { NULL, 0 };
  /* The list owns what it is given: a copy of the CA, and of the CRL. */
  if (gnutls_x509_crt_init(&crt) >= 0 && gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) >= 0 &&
      gnutls_x509_trust_list_init(&list, 0) >= 0 &&
      gnutls_x509_crt_export2(c->ca, GNUTLS_X509_FMT_DER, &ca_der) >= 0 &&
      gnutls_x509_crt_init(&ca_copy) >= 0 &&
      gnutls_x509_crt_import(ca_copy, &ca_der, GNUTLS_X509_FMT_DER) >= 0 &&
      gnutls_x509_trust_list_add_cas(list, &ca_copy, 1, 0) == 1) {
    ca_copy = NULL;
    if (c->crl) {
      gnutls_datum_t crl_der = { NULL, 0 };
      gnutls_x509_crl_t crl_copy = NULL;
      if (gnutls_x509_crl_export2(c->crl, GNUTLS_X509_FMT_DER, &crl_der) >= 0 &&
          gnutls_x509_crl_init(&crl_copy) >= 0 &&
          gnutls_x509_crl_import(crl_copy, &crl_der, GNUTLS_X509_FMT_DER) >= 0 &&
          gnutls_x509_trust_list_add_crls(list, &crl_copy, 1, GNUTLS_TL_VERIFY_CRL, 0) == 1)
        crl_copy = NULL;
      if (crl_copy)
        gnutls_x509_crl_deinit(crl_copy);
      gnutls_free(crl_der.data);
    }
    if (gnutls_x509_trust_list_verify_crt2(list, &crt, 1, NULL, 0, 0, &status, NULL) < 0)
      status = GNUTLS_CERT_INVALID;
  }
  if (ca_copy)
    gnutls_x509_crt_deinit(ca_copy);
  gnutls_free(ca_der.data);
  if (list)
    gnutls_x509_trust_list_deinit(list, 1);
  if (crt)
    gnutls_x509_crt_deinit(crt);
  if (status == 0) {
    r->chain = "ok";
    return;
  }
  char hint[300];
  snprintf(hint, sizeof hint, "reissue it under this CA: cassl pki renew %s NAME", c->dir);
  if (status & GNUTLS_CERT_REVOKED) {
    r->chain = "revoked";
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, hint,
            "the certificate in %s is revoked by %s", r->file, PKI_CRL);
  } else if (status & GNUTLS_CERT_EXPIRED) {
    r->chain = "expired";
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, hint,
            "the certificate in %s has expired (%s)", r->file, r->expires);
  } else {
    r->chain = "NO";
    gnutls_datum_t why = { NULL, 0 };
    gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0);
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, hint,
            "the certificate in %s does not verify against %s: %s", r->file, PKI_CA_CERT,
            why.data ? (char *)why.data : "unknown reason");
    gnutls_free(why.data);
  }
}

/* Each address against the certificate, with the driver's rules. */
static void check_names(const struct check *c, struct row *r, const cassl_cert_info *leaf,
                        const char *node, const char *list)
{
  if (!list || !*list)
    return;
  r->names = "ok";
  snprintf(r->checked, sizeof r->checked, "%s", list);
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", list);
  for (char *save = NULL, *a = strtok_r(copy, ", \n", &save); a; a = strtok_r(NULL, ", \n", &save)) {
    bool ip = cassl_is_ip_literal(a);
    CassError rc = cassl_cert_info_check_identity(
        leaf, ip ? CASS_SSL_VERIFY_PEER_IDENTITY : CASS_SSL_VERIFY_PEER_IDENTITY_DNS, a, NULL, 0);
    if (rc == CASS_OK)
      continue;
    r->names = "NO";
    char holds[1024], hint[1400];
    cert_names_text(leaf, holds, sizeof holds);
    snprintf(hint, sizeof hint, "a driver with %s reaching the node at %s fails; reissue the "
             "node's certificate with every address it is reached at: cassl pki node %s %s=%s "
             "--force", ip ? "peer-identity" : "peer-identity-dns", a, c->dir, node, list);
    for (char *p = strchr(hint, '\n'); p; p = strchr(p, '\n'))
      *p = ',';
    problem(r, EXIT_VERIFY, CASS_ERROR_SSL_IDENTITY_MISMATCH, hint,
            "the certificate in %s does not hold %s %s (it holds %s)", r->file,
            ip ? "IP" : "DNS name", a, holds);
  }
}

/* One file (or a PEM pair) of a node or a client: loads, pairs, chain, names. Returns the
 * leaf's SHA-256 in leaf_sha (empty when it did not load). */
static void check_identity_file(struct check *c, const char *entity, const char *node,
                                const char *edir,
                                const char *const *parts, size_t part_count, const char *pw_rel,
                                bool want_key_encrypted, const char *addresses, char *leaf_sha,
                                size_t sha_cap)
{
  struct row *r;
  leaf_sha[0] = '\0';
  if (part_count == 2)
    r = row_new(c, entity, "%s/%s + %s", edir, parts[0], parts[1]);
  else
    r = row_new(c, entity, "%s/%s", edir, parts[0]);
  char *data = NULL;
  size_t len = 0;
  for (size_t i = 0; i < part_count; i++) {
    char rel[PKI_PATH];
    pki_path(rel, edir, parts[i], NULL);
    if (read_into(c, r, rel, &data, &len) != 0) {
      wipe_free(data, len);
      return;
    }
  }
  char *pw = NULL;
  if (pw_rel) {
    char rel[PKI_PATH];
    pki_path(rel, edir, pw_rel, NULL);
    if (!(pw = password_for(c, r, rel))) {
      wipe_free(data, len);
      return;
    }
  }
  cassl_file_info *fi = NULL;
  CassError rc = cassl_file_info_read(data, len, pw, &fi);
  wipe_free(data, len);
  free_secret(pw);
  r->loads = rc == CASS_OK;
  if (rc != CASS_OK) {
    const char *msg = fi ? cassl_file_info_error_message(fi) : cassl_last_error();
    const char *hint = fi ? cassl_file_info_error_hint(fi) : "";
    bool p12 = cassl_file_info_format(fi) && !strcmp(cassl_file_info_format(fi), "PKCS#12");
    if (pw_rel && (rc == CASS_ERROR_SSL_INVALID_PRIVATE_KEY || p12))
      problem(r, EXIT_LOCAL, rc, "the password file and the store belong together: restore "
              "the right password file, or make the files again with cassl pki renew",
              "%s does not open with the password in %s/%s: %s", r->file, edir, pw_rel, msg);
    else
      problem(r, EXIT_LOCAL, rc, hint, "%s does not load: %s", r->file, msg);
    cassl_file_info_free(fi);
    return;
  }
  const cassl_cert_info *leaf = cassl_file_info_cert(fi, 0);
  const cassl_key_info *key = cassl_file_info_key(fi, 0);
  if (!leaf || !key || cassl_file_info_key_count(fi) != 1) {
    r->loads = false;
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "make the files again with cassl pki "
            "renew", "%s should hold one key and its certificate; it holds %zu key(s) and %zu "
            "certificate(s)", r->file, cassl_file_info_key_count(fi),
            cassl_file_info_cert_count(fi));
    cassl_file_info_free(fi);
    return;
  }
  set_expires(r, leaf);
  snprintf(leaf_sha, sha_cap, "%s", cassl_cert_info_sha256(leaf));
  if (want_key_encrypted && !cassl_key_info_encrypted(key))
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "make the files again with "
            "cassl pki renew", "the key in %s is not encrypted", r->file);
  size_t a_len, b_len;
  const unsigned char *a = cassl_key_info_key_id(key, &a_len);
  const unsigned char *b = cassl_cert_info_key_id(leaf, &b_len);
  bool pairs = a_len && a_len == b_len && !memcmp(a, b, a_len);
  r->pairs = pairs ? "ok" : "NO";
  if (!pairs)
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "make the files again with "
            "cassl pki renew", "the key in %s is not the key of its certificate", r->file);
  check_chain(c, r, leaf);
  check_names(c, r, leaf, node, addresses);
  cassl_file_info_free(fi);
}

static const char *expected_addresses(struct check *c, const char *name)
{
  for (size_t i = 0; i < c->expect_count; i++)
    if (!strcmp(c->expect[i].name, name)) {
      c->expect[i].used = true;
      return c->expect[i].list;
    }
  return NULL;
}

static void check_node(struct check *c, const char *name)
{
  char edir[PKI_PATH], entity[100], rel[PKI_PATH];
  pki_path(edir, PKI_NODES, name, NULL);
  snprintf(entity, sizeof entity, "node %s", name);
  /* The addresses it is reached at: --expect, else the ones it was made for. */
  char *made_for = NULL;
  size_t made_len = 0;
  const char *addresses = expected_addresses(c, name);
  if (!addresses) {
    pki_path(rel, edir, "addresses", NULL);
    char path[PKI_PATH];
    pki_path(path, c->dir, rel, NULL);
    unsigned char *buf;
    if (read_file(path, &buf, &made_len) == 0) {
      made_for = (char *)buf;
      /* one a line -> "a,b" */
      for (char *p = made_for; *p; p++)
        if (*p == '\n')
          *p = p[1] ? ',' : '\0';
      addresses = made_for;
    }
  }
  static const char *const p12[] = { "keystore.p12" }, *const pem[] = { "keystore.pem" },
                           *const scylla[] = { "node.pem", "node.key" };
  char sha[3][200];
  check_identity_file(c, entity, name, edir, p12, 1, "keystore.password", true, addresses, sha[0],
                      sizeof sha[0]);
  check_identity_file(c, entity, name, edir, pem, 1, "keystore.password", true, addresses, sha[1],
                      sizeof sha[1]);
  check_identity_file(c, entity, name, edir, scylla, 2, NULL, false, addresses, sha[2], sizeof sha[2]);
  for (int i = 1; i < 3; i++)
    if (sha[0][0] && sha[i][0] && strcmp(sha[0], sha[i]))
      problem(&c->rows[c->count - 3 + (size_t)i], EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
              "make the node's files again together: cassl pki renew DIR NAME",
              "%s holds another certificate than keystore.p12", c->rows[c->count - 3 + (size_t)i].file);
  free(made_for);
}

static void check_client(struct check *c, const char *name)
{
  char edir[PKI_PATH], entity[100];
  pki_path(edir, PKI_CLIENTS, name, NULL);
  snprintf(entity, sizeof entity, "client %s", name);
  static const char *const pem[] = { "client.pem", "client.key" }, *const p12[] = { "client.p12" };
  char sha[2][200];
  check_identity_file(c, entity, name, edir, pem, 2, "client.key.password", true, NULL, sha[0],
                      sizeof sha[0]);
  check_identity_file(c, entity, name, edir, p12, 1, "client.key.password", true, NULL, sha[1],
                      sizeof sha[1]);
  if (sha[0][0] && sha[1][0] && strcmp(sha[0], sha[1]))
    problem(&c->rows[c->count - 1], EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
            "make the client's files again together: cassl pki renew DIR NAME",
            "%s holds another certificate than client.pem", c->rows[c->count - 1].file);
}

static void check_ca(struct check *c)
{
  struct row *r = row_new(c, "CA", "%s", PKI_CA_CERT);
  char *data = NULL;
  size_t len = 0;
  if (read_into(c, r, PKI_CA_CERT, &data, &len) != 0)
    return;
  cassl_file_info *fi = NULL;
  CassError rc = cassl_file_info_read(data, len, NULL, &fi);
  const cassl_cert_info *cert = cassl_file_info_cert(fi, 0);
  r->loads = rc == CASS_OK && cert;
  if (!r->loads) {
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "%s does not load: %s", PKI_CA_CERT,
            fi ? cassl_file_info_error_message(fi) : cassl_last_error());
  } else if (cassl_file_info_cert_count(fi) != 1 || !cassl_cert_info_is_ca(cert) ||
             !cassl_cert_info_is_self_signed(cert)) {
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "%s should hold one self-signed CA "
            "certificate", PKI_CA_CERT);
  } else {
    set_expires(r, cert);
    r->chain = "root";
    snprintf(c->ca_sha256, sizeof c->ca_sha256, "%s", cassl_cert_info_sha256(cert));
    size_t der_len;
    const unsigned char *der = cassl_cert_info_der(cert, &der_len);
    gnutls_datum_t d = { (unsigned char *)der, (unsigned)der_len };
    if (gnutls_x509_crt_init(&c->ca) < 0 || gnutls_x509_crt_import(c->ca, &d, GNUTLS_X509_FMT_DER) < 0) {
      gnutls_x509_crt_deinit(c->ca);
      c->ca = NULL;
    }
  }
  cassl_file_info_free(fi);

  /* The CRL, read by the library as a session reads it. */
  char path[PKI_PATH];
  pki_path(path, c->dir, PKI_CRL, NULL);
  if (c->ca && pki_file_exists(path)) {
    struct row *cr = row_new(c, "CA", "%s", PKI_CRL);
    char *crl = NULL;
    size_t crl_len = 0;
    if (read_into(c, cr, PKI_CRL, &crl, &crl_len) == 0) {
      cassl_ssl *ssl = cassl_ssl_new();
      CassError e = ssl ? cassl_ssl_add_trusted_cert_n(ssl, data, len) : CASS_ERROR_LIB_BAD_PARAMS;
      if (e == CASS_OK)
        e = cassl_ssl_add_crl_n(ssl, crl, crl_len);
      cr->loads = e == CASS_OK;
      if (!cr->loads)
        problem(cr, EXIT_LOCAL, e, "revoke again to write a new one: cassl pki revoke DIR NAME",
                "%s does not load: %s", PKI_CRL, ssl ? cassl_ssl_last_error(ssl) : "no memory");
      cassl_ssl_free(ssl);
      gnutls_datum_t d = { (unsigned char *)crl, (unsigned)crl_len };
      if (cr->loads && (gnutls_x509_crl_init(&c->crl) < 0 ||
                        gnutls_x509_crl_import(c->crl, &d, GNUTLS_X509_FMT_PEM) < 0)) {
        gnutls_x509_crl_deinit(c->crl);
        c->crl = NULL;
      }
      if (c->crl) {
        time_t next = gnutls_x509_crl_get_next_update(c->crl);
        struct tm tm;
        if (next > 0 && gmtime_r(&next, &tm))
          strftime(cr->expires, sizeof cr->expires, "%Y-%m-%d", &tm);
        cr->chain = gnutls_x509_crl_verify(c->crl, &c->ca, 1, 0, &(unsigned){ 0 }) >= 0 ? "ok" : "NO";
        if (next > 0 && next < time(NULL))
          problem(cr, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "revoke again to re-sign it",
                  "%s is out of date since %s", PKI_CRL, cr->expires);
      }
    }
    free(crl);
  }
  free(data);

}

/* The certificates of a PKCS#12 file's bags, each read by the library. The library's
 * PKCS#12 reader is for identities (a key and its chain, as cassl_ssl_set_pkcs12_n takes)
 * and refuses a store without a key, so the bags are opened with GnuTLS here. 0, or -1
 * with the row's problem. */
static int truststore_certs(struct row *r, const gnutls_datum_t *der, const char *pw,
                            size_t *certs, size_t *keys, bool *matches_ca, const char *ca_sha)
{
  gnutls_pkcs12_t p12 = NULL;
  int g;
  *certs = *keys = 0;
  *matches_ca = false;
  if ((g = gnutls_pkcs12_init(&p12)) < 0 ||
      (g = gnutls_pkcs12_import(p12, der, GNUTLS_X509_FMT_DER, 0)) < 0) {
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "make it again: cassl pki ca DIR --force",
            "%s is not a PKCS#12 file: %s", r->file, gnutls_strerror(g));
    gnutls_pkcs12_deinit(p12);
    return -1;
  }
  if ((g = gnutls_pkcs12_verify_mac(p12, pw)) < 0) {
    problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
            "restore the right password file, or make the CA's files again",
            "%s does not open with the password in %s: %s", r->file, PKI_TRUSTSTORE_PASSWORD,
            gnutls_strerror(g));
    gnutls_pkcs12_deinit(p12);
    return -1;
  }
  for (unsigned i = 0;; i++) {
    gnutls_pkcs12_bag_t bag = NULL;
    if (gnutls_pkcs12_bag_init(&bag) < 0)
      break;
    if (gnutls_pkcs12_get_bag(p12, (int)i, bag) < 0) {
      gnutls_pkcs12_bag_deinit(bag);
      break;
    }
    if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED)
      gnutls_pkcs12_bag_decrypt(bag, pw);
    int n = gnutls_pkcs12_bag_get_count(bag);
    for (int k = 0; k < n; k++) {
      int type = gnutls_pkcs12_bag_get_type(bag, (unsigned)k);
      gnutls_datum_t data;
      if (type == GNUTLS_BAG_PKCS8_KEY || type == GNUTLS_BAG_PKCS8_ENCRYPTED_KEY)
        (*keys)++;
      if (type != GNUTLS_BAG_CERTIFICATE || gnutls_pkcs12_bag_get_data(bag, (unsigned)k, &data) < 0)
        continue;
      (*certs)++;
      cassl_file_info *fi = NULL;
      if (cassl_file_info_read(data.data, data.size, NULL, &fi) == CASS_OK &&
          cassl_file_info_cert(fi, 0) &&
          !strcmp(cassl_cert_info_sha256(cassl_file_info_cert(fi, 0)), ca_sha))
        *matches_ca = true;
      cassl_file_info_free(fi);
    }
    gnutls_pkcs12_bag_deinit(bag);
  }
  gnutls_pkcs12_deinit(p12);
  return 0;
}

/* Oracle's trusted-key-usage bag attribute, without which JSSE skips a certificate that has
 * no key: its OID's DER (2.16.840.1.113894.746875.1.1). */
static bool has_jsse_trust(const gnutls_datum_t *der)
{
  static const unsigned char oid[] = { 0x06, 0x0c, 0x60, 0x86, 0x48, 0x01, 0x86, 0xf9,
                                       0x66, 0xad, 0xca, 0x7b, 0x01, 0x01 };
  for (size_t i = 0; i + sizeof oid <= der->size; i++)
    if (!memcmp(der->data + i, oid, sizeof oid))
      return true;
  return false;
}

static void check_truststore(struct check *c)
{
  struct row *r = row_new(c, "CA", "%s", PKI_TRUSTSTORE);
  char *store = NULL;
  size_t store_len = 0;
  if (read_into(c, r, PKI_TRUSTSTORE, &store, &store_len) != 0)
    return;
  char *pw = password_for(c, r, PKI_TRUSTSTORE_PASSWORD);
  gnutls_datum_t der = { (unsigned char *)store, (unsigned)store_len };
  size_t certs, keys;
  bool matches;
  if (pw && truststore_certs(r, &der, pw, &certs, &keys, &matches, c->ca_sha256) == 0) {
    r->loads = true;
    if (certs != 1 || keys != 0 || !matches)
      problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "make it again: cassl pki ca DIR --force",
              "%s should hold exactly the certificate of %s (it holds %zu certificate(s), %zu "
              "key(s))", PKI_TRUSTSTORE, PKI_CA_CERT, certs, keys);
    else if (!has_jsse_trust(&der))
      problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "make it again: cassl pki ca DIR --force",
              "%s lacks the trusted-certificate attribute: JSSE would load it empty",
              PKI_TRUSTSTORE);
    else {
      r->chain = "CA";
      snprintf(r->expires, sizeof r->expires, "%s", c->rows[0].expires);
    }
  }
  free_secret(pw);
  free(store);
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of DIR/sub, sorted; each is checked by fn. */
static void check_each(struct check *c, const char *sub, void (*fn)(struct check *, const char *))
{
  char path[PKI_PATH];
  pki_path(path, c->dir, sub, NULL);
  DIR *d = opendir(path);
  if (!d)
    return;
  char *names[1024];
  size_t n = 0;
  for (struct dirent *e; (e = readdir(d)) && n < 1024;)
    if (pki_name_valid(e->d_name))
      names[n] = strdup(e->d_name), n += names[n] != NULL;
  closedir(d);
  qsort(names, n, sizeof *names, name_cmp);
  for (size_t i = 0; i < n; i++) {
    fn(c, names[i]);
    free(names[i]);
  }
}

static void print_table(const struct check *c)
{
  printf("%-36s %-5s %-5s %-7s %-5s %s\n", "FILE", "LOADS", "KEY", "CHAIN", "NAMES", "EXPIRES");
  for (size_t i = 0; i < c->count; i++) {
    const struct row *r = &c->rows[i];
    printf("%-36s %-5s %-5s %-7s %-5s %s\n", r->file, r->loads ? "ok" : "NO", r->pairs, r->chain,
           r->names, r->expires);
  }
  bool any = false;
  for (size_t i = 0; i < c->count; i++) {
    if (!c->rows[i].problem[0])
      continue;
    if (!any)
      printf("\nproblems:\n");
    any = true;
    printf("  %s\n", c->rows[i].problem);
  }
}

static void print_json(const struct check *c, bool ok)
{
  struct report r;
  report_init(&r, stdout, true, false);
  report_str(&r, "dir", NULL, c->dir);
  report_bool(&r, "ok", NULL, ok);
  report_array(&r, "files", NULL);
  for (size_t i = 0; i < c->count; i++) {
    const struct row *w = &c->rows[i];
    report_object(&r, NULL, NULL);
    report_str(&r, "file", NULL, w->file);
    report_str(&r, "entity", NULL, w->entity);
    report_bool(&r, "loads", NULL, w->loads);
    report_str(&r, "key", NULL, w->pairs);
    report_str(&r, "chain", NULL, w->chain);
    report_str(&r, "names", NULL, w->names);
    report_str(&r, "names_checked", NULL, w->checked);
    report_str(&r, "expires", NULL, w->expires);
    if (w->problem[0]) {
      report_str(&r, "problem", NULL, w->problem);
      report_str(&r, "error", NULL, cassl_error_name(w->error));
    }
    report_end(&r);
  }
  report_end(&r);
  report_finish(&r);
}

static bool addresses_valid(const char *list)
{
  char copy[1024];
  if (snprintf(copy, sizeof copy, "%s", list) >= (int)sizeof copy)
    return false;
  char *save = NULL;
  for (char *a = strtok_r(copy, ",", &save); a; a = strtok_r(NULL, ",", &save))
    if (!cassl_is_ip_literal(a) && !cassl_hostname_is_valid(a))
      return false;
  return list[0] != '\0';
}

static int check_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int check_usage(const char *fmt, ...)
{
  fputs("cassl pki check: ", stderr);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\ntry: cassl pki --help\n", stderr);
  return EXIT_USAGE;
}

int pki_check_run(int argc, char **argv)
{
  static const struct option longopts[] = {
    { "expect", required_argument, NULL, 'e' },
    { "password-file", required_argument, NULL, 'p' },
    { "json", no_argument, NULL, 'j' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  struct check *c = calloc(1, sizeof *c);
  if (!c)
    return EXIT_LOCAL;
  bool json = false;
  const char *password_file = NULL;
  int ch, ret = EXIT_OK;
  optind = 1;
  opterr = 0;
  while (ret == EXIT_OK && (ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    switch (ch) {
    case 'e': {
      const char *eq = strchr(optarg, '=');
      if (!eq || eq == optarg || !eq[1] || (size_t)(eq - optarg) >= sizeof c->expect[0].name ||
          c->expect_count == MAX_EXPECT) {
        ret = check_usage("invalid --expect '%s' (NAME=ADDRESS[,ADDRESS...])", optarg);
        break;
      }
      struct expect *e = &c->expect[c->expect_count++];
      snprintf(e->name, sizeof e->name, "%.*s", (int)(eq - optarg), optarg);
      e->list = strdup(eq + 1);
      if (!e->list || !addresses_valid(e->list))
        ret = check_usage("invalid address in --expect '%s' (IP addresses and host names)",
                          optarg);
      break;
    }
    case 'p': password_file = optarg; break;
    case 'j': json = true; break;
    case 'h': fputs("usage: cassl pki check DIR [--expect NAME=ADDRESS,...]... [--json]\n"
                    "see: cassl pki --help\n", stdout);
              ret = -1;
              break;
    case ':': ret = check_usage("option %s needs a value", argv[optind - 1]); break;
    default: ret = check_usage("unknown option %s", argv[optind - 1]); break;
    }
  }
  if (ret == EXIT_OK && optind != argc - 1)
    ret = check_usage("%s", optind >= argc ? "missing DIR" : "only one DIR please");
  if (ret == EXIT_OK && pki_secret_read(password_file, PKI_ENV_PASSWORD, "store password",
                                        &c->given_password) < 0)
    ret = EXIT_LOCAL;
  if (ret == EXIT_OK && (strlen(argv[optind]) > PKI_DIR_MAX || !argv[optind][0]))
    ret = check_usage("invalid DIR '%s'", argv[optind]);
  if (ret == EXIT_OK) {
    c->dir = argv[optind];
    check_ca(c);
    check_truststore(c);
    check_each(c, PKI_NODES, check_node);
    check_each(c, PKI_CLIENTS, check_client);
    for (size_t i = 0; i < c->expect_count; i++)
      if (!c->expect[i].used) {
        struct row *r = row_new(c, "node", "%s/%s", PKI_NODES, c->expect[i].name);
        problem(r, EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
                "make it: cassl pki node DIR NAME=ADDRESS,...", "%s has no node %s", c->dir,
                c->expect[i].name);
      }
    /* The first local failure, else the first name mismatch, makes the exit code. */
    const struct row *first = NULL;
    for (size_t i = 0; i < c->count; i++) {
      const struct row *r = &c->rows[i];
      if (r->exit_code == EXIT_LOCAL && (!first || first->exit_code != EXIT_LOCAL))
        first = r;
      else if (r->exit_code == EXIT_VERIFY && !first)
        first = r;
    }
    if (json)
      print_json(c, first == NULL);
    else
      print_table(c);
    fflush(stdout);
    if (first) {
      tool_error(first->error, first->problem, first->hint);
      ret = first->exit_code;
    }
  }
  for (size_t i = 0; i < c->expect_count; i++)
    free(c->expect[i].list);
  free_secret(c->given_password);
  if (c->ca)
    gnutls_x509_crt_deinit(c->ca);
  if (c->crl)
    gnutls_x509_crl_deinit(c->crl);
  free(c);
  return ret < 0 ? EXIT_OK : ret;
}
