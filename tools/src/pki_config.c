/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The client_encryption_options snippets of a node: Cassandra with the PKCS#12 keystore
 * (4.0 and later), Cassandra 4.1's PEMBasedSslContextFactory, and ScyllaDB. */
#define _GNU_SOURCE /* asprintf */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "pki_cmd.h"

const char *const pki_config_file[PKI_CONFIG_COUNT] = { "cassandra.yaml", "cassandra-pem.yaml",
                                                        "scylla.yaml" };

char *pki_config_text(enum pki_config which, const char *dir, const char *name,
                      const char *keystore_pw_ref, const char *truststore_pw_ref)
{
  char *text = NULL;
  int n = -1;
  switch (which) {
  case PKI_CONFIG_CASSANDRA:
    n = asprintf(&text,
                 "# client_encryption_options of node %s for cassandra.yaml (Cassandra 4.0 and\n"
                 "# later), made by cassl pki. The passwords are not written here:\n"
                 "# keystore_password is in %s,\n"
                 "# truststore_password is in %s.\n"
                 "# Put them in with your configuration management, and check the files with\n"
                 "#   cassl pki check %s\n"
                 "client_encryption_options:\n"
                 "  enabled: true\n"
                 "  optional: false\n"
                 "  keystore: %s/nodes/%s/keystore.p12\n"
                 "  keystore_type: PKCS12\n"
                 "  keystore_password: KEYSTORE_PASSWORD\n"
                 "  require_client_auth: true\n"
                 "  truststore: %s/truststore.p12\n"
                 "  truststore_type: PKCS12\n"
                 "  truststore_password: TRUSTSTORE_PASSWORD\n"
                 "  accepted_protocols: [TLSv1.2, TLSv1.3]\n",
                 name, keystore_pw_ref, truststore_pw_ref, dir, dir, name, dir);
    break;
  case PKI_CONFIG_CASSANDRA_PEM:
    n = asprintf(&text,
                 "# client_encryption_options of node %s for cassandra.yaml with Cassandra\n"
                 "# 4.1's PEM files, made by cassl pki. keystore.pem holds the encrypted key\n"
                 "# (PKCS#8) and the chain; keystore_password is in\n"
                 "# %s (not written here).\n"
                 "client_encryption_options:\n"
                 "  enabled: true\n"
                 "  optional: false\n"
                 "  ssl_context_factory:\n"
                 "    class_name: org.apache.cassandra.security.PEMBasedSslContextFactory\n"
                 "  keystore: %s/nodes/%s/keystore.pem\n"
                 "  keystore_password: KEYSTORE_PASSWORD\n"
                 "  require_client_auth: true\n"
                 "  truststore: %s/ca.pem\n"
                 "  accepted_protocols: [TLSv1.2, TLSv1.3]\n",
                 name, keystore_pw_ref, dir, name, dir);
    break;
  case PKI_CONFIG_SCYLLA:
    n = asprintf(&text,
                 "# client_encryption_options of node %s for scylla.yaml, made by cassl pki.\n"
                 "# ScyllaDB reads an unencrypted key: node.key is mode 0600, keep it so.\n"
                 "client_encryption_options:\n"
                 "  enabled: true\n"
                 "  certificate: %s/nodes/%s/node.pem\n"
                 "  keyfile: %s/nodes/%s/node.key\n"
                 "  truststore: %s/ca.pem\n"
                 "  require_client_auth: true\n",
                 name, dir, name, dir, name, dir);
    break;
  }
  return n < 0 ? NULL : text;
}
