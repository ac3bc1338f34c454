/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Certificates and keys made with GnuTLS: pki_entity_make issues one (cassl pki and the
 * demo); pki_create makes the demo's PKI in a private temporary directory: a CA, a node
 * certificate for 127.0.0.1 (CN and IP SAN), a client certificate whose key is stored as
 * encrypted PKCS#8, and a second, unrelated CA to show an untrusted server. */
#ifndef CASSL_TOOL_PKI_H
#define CASSL_TOOL_PKI_H

#include <limits.h>
#include <stddef.h>

#include <gnutls/x509.h>

/* A key and its certificate. */
struct pki_entity {
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
};

enum pki_key_kind { PKI_KEY_EC_P256, PKI_KEY_RSA_2048, PKI_KEY_RSA_3072 };

/* CA: keyCertSign, cRLSign. SERVER: serverAuth. NODE: serverAuth and clientAuth (a node is
 * a client of the other nodes). CLIENT: clientAuth. */
enum pki_role { PKI_ROLE_CA, PKI_ROLE_SERVER, PKI_ROLE_NODE, PKI_ROLE_CLIENT };

struct pki_cert_spec {
  enum pki_role role;
  enum pki_key_kind key;
  const char *cn;
  const char *const *ips;   /* IPv4 and IPv6 literals: raw iPAddress SANs */
  size_t ip_count;
  const char *const *dns;   /* dNSName SANs */
  size_t dns_count;
  unsigned days;            /* validity from now (it starts an hour ago) */
};

/* A fresh key and a certificate for it, signed by issuer (NULL: self-signed), SHA-256.
 * 0 or a GnuTLS error code; e is to be freed with pki_entity_free either way. */
int pki_entity_make(struct pki_entity *e, const struct pki_cert_spec *spec,
                    const struct pki_entity *issuer);
void pki_entity_free(struct pki_entity *e);

#define PKI_PATH_MAX 512

struct demo_pki {
  char dir[PKI_PATH_MAX / 2];
  int own_dir;                       /* made by pki_create: removed by pki_destroy */
  char ca_file[PKI_PATH_MAX];        /* ca.pem: the demo CA */
  char other_ca_file[PKI_PATH_MAX];  /* other-ca.pem: a CA that signed nothing here */
  char node_cert_file[PKI_PATH_MAX]; /* node.pem */
  char node_key_file[PKI_PATH_MAX];  /* node.key */
  char client_cert_file[PKI_PATH_MAX];
  char client_key_file[PKI_PATH_MAX]; /* client.key: encrypted PKCS#8 (PBES2 AES-256) */
  char password_file[PKI_PATH_MAX];   /* client.key.password, mode 0600 */
  char wrong_password_file[PKI_PATH_MAX];
  char password[40];                 /* the client key's password */
  char *ca_pem, *node_cert_pem, *node_key_pem; /* for the embedded server */
};

/* In dir (NULL: a new private temporary directory). 0, or -1 with a sentence in err. */
int pki_create(struct demo_pki *pki, const char *dir, char *err, size_t cap);
/* Removes the files and the directory, wipes the secrets. */
void pki_destroy(struct demo_pki *pki);

#endif
