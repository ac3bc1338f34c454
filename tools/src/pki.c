/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Certificates and keys with the GnuTLS API (no keytool, no openssl): the general issuer
 * of cassl pki, and the demo PKI made with it. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "pki.h"

void pki_entity_free(struct pki_entity *e)
{
  if (e->key)
    gnutls_x509_privkey_deinit(e->key);
  if (e->crt)
    gnutls_x509_crt_deinit(e->crt);
  e->key = NULL;
  e->crt = NULL;
}

static int generate_key(gnutls_x509_privkey_t key, enum pki_key_kind kind)
{
  switch (kind) {
  case PKI_KEY_RSA_2048: return gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, 2048, 0);
  case PKI_KEY_RSA_3072: return gnutls_x509_privkey_generate(key, GNUTLS_PK_RSA, 3072, 0);
  case PKI_KEY_EC_P256: break;
  }
  return gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
}

static int add_ip_san(gnutls_x509_crt_t crt, const char *ip)
{
  unsigned char raw[16];
  unsigned len = 4;
  if (inet_pton(AF_INET, ip, raw) != 1) {
    if (inet_pton(AF_INET6, ip, raw) != 1)
      return GNUTLS_E_INVALID_REQUEST;
    len = 16;
  }
  /* The raw 4 or 16 bytes: what identity checks compare, never the text. */
  return gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, raw, len,
                                              GNUTLS_FSAN_APPEND);
}

static int set_extensions(struct pki_entity *e, const struct pki_cert_spec *spec)
{
  int ret;
  bool ca = spec->role == PKI_ROLE_CA;
  if ((ret = gnutls_x509_crt_set_basic_constraints(e->crt, ca, -1)) < 0)
    return ret;
  unsigned usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
  if (ca)
    usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
  else if (spec->key != PKI_KEY_EC_P256)
    usage |= GNUTLS_KEY_KEY_ENCIPHERMENT; /* TLS 1.2 RSA key exchange */
  if ((ret = gnutls_x509_crt_set_key_usage(e->crt, usage)) < 0)
    return ret;
  /* A node is a TLS server to clients and a TLS client of the other nodes. */
  if (spec->role != PKI_ROLE_CA && spec->role != PKI_ROLE_CLIENT &&
      (ret = gnutls_x509_crt_set_key_purpose_oid(e->crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0)
    return ret;
  if ((spec->role == PKI_ROLE_NODE || spec->role == PKI_ROLE_CLIENT) &&
      (ret = gnutls_x509_crt_set_key_purpose_oid(e->crt, GNUTLS_KP_TLS_WWW_CLIENT, 0)) < 0)
    return ret;
  for (size_t i = 0; i < spec->ip_count; i++)
    if ((ret = add_ip_san(e->crt, spec->ips[i])) < 0)
      return ret;
  for (size_t i = 0; i < spec->dns_count; i++)
    if ((ret = gnutls_x509_crt_set_subject_alt_name(e->crt, GNUTLS_SAN_DNSNAME, spec->dns[i],
                                                    (unsigned)strlen(spec->dns[i]),
                                                    GNUTLS_FSAN_APPEND)) < 0)
      return ret;
  return 0;
}

int pki_entity_make(struct pki_entity *e, const struct pki_cert_spec *spec,
                    const struct pki_entity *issuer)
{
  int ret;
  unsigned char serial[16];
  time_t now = time(NULL);
  if ((ret = gnutls_x509_privkey_init(&e->key)) < 0 ||
      (ret = generate_key(e->key, spec->key)) < 0 ||
      (ret = gnutls_x509_crt_init(&e->crt)) < 0 ||
      (ret = gnutls_x509_crt_set_version(e->crt, 3)) < 0 ||
      (ret = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
    return ret;
  serial[0] &= 0x7f; /* a positive INTEGER */
  serial[0] |= 0x01; /* and 16 bytes long: no leading zero byte to strip */
  /* An hour back: a node whose clock lags a little still accepts a fresh certificate. */
  if ((ret = gnutls_x509_crt_set_serial(e->crt, serial, sizeof serial)) < 0 ||
      (ret = gnutls_x509_crt_set_activation_time(e->crt, now - 3600)) < 0 ||
      (ret = gnutls_x509_crt_set_expiration_time(e->crt, now + (time_t)spec->days * 86400)) < 0 ||
      (ret = gnutls_x509_crt_set_dn_by_oid(e->crt, GNUTLS_OID_X520_COMMON_NAME, 0, spec->cn,
                                           (unsigned)strlen(spec->cn))) < 0 ||
      (ret = gnutls_x509_crt_set_key(e->crt, e->key)) < 0 ||
      (ret = set_extensions(e, spec)) < 0)
    return ret;
  unsigned char id[64];
  size_t id_len = sizeof id;
  if ((ret = gnutls_x509_crt_get_key_id(e->crt, 0, id, &id_len)) < 0 ||
      (ret = gnutls_x509_crt_set_subject_key_id(e->crt, id, id_len)) < 0)
    return ret;
  if (issuer) {
    id_len = sizeof id;
    if ((ret = gnutls_x509_crt_get_subject_key_id(issuer->crt, id, &id_len, NULL)) < 0 ||
        (ret = gnutls_x509_crt_set_authority_key_id(e->crt, id, id_len)) < 0)
      return ret;
  }
  const struct pki_entity *signer = issuer ? issuer : e;
  return gnutls_x509_crt_sign2(e->crt, signer->crt, signer->key, GNUTLS_DIG_SHA256, 0);
}

enum role { ROLE_CA, ROLE_SERVER, ROLE_CLIENT };

/* The demo's certificates: P-256, two days, one IPv4 SAN at most. */
static int make_entity(struct pki_entity *e, enum role role, const char *cn, const char *ip,
                       const struct pki_entity *issuer)
{
  static const enum pki_role roles[] = { PKI_ROLE_CA, PKI_ROLE_SERVER, PKI_ROLE_CLIENT };
  struct pki_cert_spec spec = { .role = roles[role], .key = PKI_KEY_EC_P256, .cn = cn,
                                .ips = &ip, .ip_count = ip ? 1 : 0, .days = 2 };
  return pki_entity_make(e, &spec, issuer);
}

/* Writes a file only its owner can read. */
static int write_private(const char *path, const void *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  const unsigned char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      close(fd);
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return close(fd);
}

static char *datum_to_str(gnutls_datum_t *d)
{
  char *s = malloc(d->size + 1);
  if (s) {
    memcpy(s, d->data, d->size);
    s[d->size] = '\0';
  }
  return s;
}

static int save_cert(const struct pki_entity *e, const char *path, char **copy)
{
  gnutls_datum_t d = { NULL, 0 };
  int ret = gnutls_x509_crt_export2(e->crt, GNUTLS_X509_FMT_PEM, &d);
  if (ret < 0)
    return ret;
  ret = write_private(path, d.data, d.size) == 0 ? 0 : GNUTLS_E_FILE_ERROR;
  if (ret == 0 && copy && !(*copy = datum_to_str(&d)))
    ret = GNUTLS_E_MEMORY_ERROR;
  gnutls_free(d.data);
  return ret;
}

static int save_key(const struct pki_entity *e, const char *path, const char *password, char **copy)
{
  gnutls_datum_t d = { NULL, 0 };
  int ret = password ? gnutls_x509_privkey_export2_pkcs8(e->key, GNUTLS_X509_FMT_PEM, password,
                                                         GNUTLS_PKCS_PBES2_AES_256, &d)
                     : gnutls_x509_privkey_export2_pkcs8(e->key, GNUTLS_X509_FMT_PEM, NULL,
                                                         GNUTLS_PKCS_PLAIN, &d);
  if (ret < 0)
    return ret;
  ret = write_private(path, d.data, d.size) == 0 ? 0 : GNUTLS_E_FILE_ERROR;
  if (ret == 0 && copy && !(*copy = datum_to_str(&d)))
    ret = GNUTLS_E_MEMORY_ERROR;
  gnutls_memset(d.data, 0, d.size);
  gnutls_free(d.data);
  return ret;
}

static void path_in(const struct demo_pki *pki, char *out, const char *name)
{
  snprintf(out, PKI_PATH_MAX, "%s/%s", pki->dir, name);
}

int pki_create(struct demo_pki *pki, const char *dir, char *err, size_t cap)
{
  memset(pki, 0, sizeof *pki);
  if (dir) {
    if (strlen(dir) >= sizeof pki->dir - 32) {
      snprintf(err, cap, "directory name too long");
      return -1;
    }
    snprintf(pki->dir, sizeof pki->dir, "%s", dir);
  } else {
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) >= sizeof pki->dir - 32)
      tmp = "/tmp";
    snprintf(pki->dir, sizeof pki->dir, "%s/cassl-demo-XXXXXX", tmp);
    if (!mkdtemp(pki->dir)) {
      snprintf(err, cap, "cannot create a temporary directory: %s", strerror(errno));
      pki->dir[0] = '\0';
      return -1;
    }
    pki->own_dir = 1;
  }
  path_in(pki, pki->ca_file, "ca.pem");
  path_in(pki, pki->other_ca_file, "other-ca.pem");
  path_in(pki, pki->node_cert_file, "node.pem");
  path_in(pki, pki->node_key_file, "node.key");
  path_in(pki, pki->client_cert_file, "client.pem");
  path_in(pki, pki->client_key_file, "client.key");
  path_in(pki, pki->password_file, "client.key.password");
  path_in(pki, pki->wrong_password_file, "wrong.password");

  /* A random password: the demo shows the flow, it never needs a fixed secret. */
  unsigned char rnd[12];
  gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof rnd);
  for (size_t i = 0; i < sizeof rnd; i++)
    sprintf(pki->password + 2 * i, "%02x", rnd[i]);

  struct pki_entity ca = { 0 }, other = { 0 }, node = { 0 }, client = { 0 };
  const char *step = "the CA";
  int ret = make_entity(&ca, ROLE_CA, "cassl demo CA", NULL, NULL);
  if (ret >= 0 && (step = "the other CA", 1))
    ret = make_entity(&other, ROLE_CA, "cassl demo untrusted CA", NULL, NULL);
  if (ret >= 0 && (step = "the node certificate", 1))
    ret = make_entity(&node, ROLE_SERVER, "127.0.0.1", "127.0.0.1", &ca);
  if (ret >= 0 && (step = "the client certificate", 1))
    ret = make_entity(&client, ROLE_CLIENT, "cassl demo client", NULL, &ca);
  if (ret >= 0 && (step = "writing the files", 1)) {
    if ((ret = save_cert(&ca, pki->ca_file, &pki->ca_pem)) >= 0 &&
        (ret = save_cert(&other, pki->other_ca_file, NULL)) >= 0 &&
        (ret = save_cert(&node, pki->node_cert_file, &pki->node_cert_pem)) >= 0 &&
        (ret = save_key(&node, pki->node_key_file, NULL, &pki->node_key_pem)) >= 0 &&
        (ret = save_cert(&client, pki->client_cert_file, NULL)) >= 0)
      ret = save_key(&client, pki->client_key_file, pki->password, NULL);
    if (ret >= 0 && (write_private(pki->password_file, pki->password, strlen(pki->password)) != 0 ||
                     write_private(pki->wrong_password_file, "not-the-password\n", 17) != 0))
      ret = GNUTLS_E_FILE_ERROR;
  }
  pki_entity_free(&ca);
  pki_entity_free(&other);
  pki_entity_free(&node);
  pki_entity_free(&client);
  if (ret < 0) {
    snprintf(err, cap, "making %s failed: %s", step, gnutls_strerror(ret));
    pki_destroy(pki);
    return -1;
  }
  return 0;
}

void pki_destroy(struct demo_pki *pki)
{
  if (pki->dir[0]) {
    const char *files[] = { pki->ca_file, pki->other_ca_file, pki->node_cert_file,
                            pki->node_key_file, pki->client_cert_file, pki->client_key_file,
                            pki->password_file, pki->wrong_password_file };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
      if (files[i][0])
        unlink(files[i]);
    if (pki->own_dir)
      rmdir(pki->dir);
  }
  free(pki->ca_pem);
  free(pki->node_cert_pem);
  if (pki->node_key_pem) {
    gnutls_memset(pki->node_key_pem, 0, strlen(pki->node_key_pem));
    free(pki->node_key_pem);
  }
  gnutls_memset(pki->password, 0, sizeof pki->password);
  memset(pki, 0, sizeof *pki);
}
