/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl pki: the directory it keeps, and what its subcommands share.
 *
 *   DIR/ca.pem                     the cluster CA certificate (PEM truststore)
 *   DIR/truststore.p12             the CA as a PKCS#12 trusted entry, + truststore.password
 *   DIR/crl.pem                    revoked certificates (after the first revoke)
 *   DIR/ca/ca.key                  the CA key, encrypted PKCS#8, + ca/ca.password
 *   DIR/nodes/NAME/                keystore.p12, keystore.pem (Cassandra 4.1 PEM), node.pem
 *                                  and node.key (ScyllaDB), keystore.password, addresses,
 *                                  cassandra.yaml, cassandra-pem.yaml, scylla.yaml
 *   DIR/clients/NAME/              client.pem, client.key (encrypted PKCS#8), client.p12,
 *                                  client.key.password
 */
#ifndef CASSL_TOOL_PKI_CMD_H
#define CASSL_TOOL_PKI_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cassl/cassl.h"
#include "pki.h"

#define PKI_CA_CERT "ca.pem"
#define PKI_CA_KEY "ca/ca.key"
#define PKI_CA_PASSWORD "ca/ca.password"
#define PKI_TRUSTSTORE "truststore.p12"
#define PKI_TRUSTSTORE_PASSWORD "truststore.password"
#define PKI_CRL "crl.pem"
#define PKI_NODES "nodes"
#define PKI_CLIENTS "clients"
#define PKI_MAX_ADDRESSES 32

/* Environment variables: the password of the stores and keys a run writes, and the CA's. */
#define PKI_ENV_PASSWORD "CASSL_PKI_PASSWORD"
#define PKI_ENV_CA_PASSWORD "CASSL_PKI_CA_PASSWORD"

/* "DIR/a/b" in buf (PKI_PATH bytes; a or b NULL: left out). DIR is at most PKI_DIR_MAX
 * bytes (cmd_pki refuses longer ones), so the names of the layout always fit. */
#define PKI_PATH 4096
#define PKI_DIR_MAX 2048
void pki_path(char *buf, const char *dir, const char *a, const char *b);

/* Prints the error:/detail:/hint: lines and returns exit code code. */
int pki_fail(int code, CassError error, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The CA of dir with its key (password: ca_password_file, else $CASSL_PKI_CA_PASSWORD,
 * else DIR/ca/ca.password). 0, or an exit code after the error lines. */
int pki_ca_load(const char *dir, const char *ca_password_file, struct pki_entity *ca);

/* Whether an entity's name is a safe directory name: [A-Za-z0-9._-], not starting with '.'. */
bool pki_name_valid(const char *name);

/* cassl pki revoke: adds the certificate's serial to DIR/crl.pem (made or re-signed). */
int pki_revoke(const char *dir, const struct pki_entity *ca, gnutls_x509_crt_t crt,
               unsigned days, bool *already);

/* A node's client_encryption_options snippets, with absolute paths. The *_ref arguments say
 * where a password is ("the file /abs/path", "$VAR"): a snippet never holds a password. */
enum pki_config { PKI_CONFIG_CASSANDRA, PKI_CONFIG_CASSANDRA_PEM, PKI_CONFIG_SCYLLA };
#define PKI_CONFIG_COUNT 3
extern const char *const pki_config_file[PKI_CONFIG_COUNT]; /* "cassandra.yaml", ... */
/* The text (malloc'd), or NULL when memory runs out. */
char *pki_config_text(enum pki_config which, const char *dir_abs, const char *name,
                      const char *keystore_pw_ref, const char *truststore_pw_ref);

int pki_check_run(int argc, char **argv);

#endif
