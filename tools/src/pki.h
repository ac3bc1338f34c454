/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The demo's PKI, made with GnuTLS in a private temporary directory: a CA, a node
 * certificate for 127.0.0.1 (CN and IP SAN), a client certificate whose key is stored as
 * encrypted PKCS#8, and a second, unrelated CA to show an untrusted server. */
#ifndef CASSL_TOOL_PKI_H
#define CASSL_TOOL_PKI_H

#include <limits.h>
#include <stddef.h>

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
