/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A program written with the driver's names through <cassl/cassl.h>, for the symbol test:
 * every cass_ssl_* call must reach libcassl even when a library exporting the same names
 * (the driver's libcassandra) is in the process. Prints one line per call: name and code. */
#include <cassl/cassl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *load(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *data = malloc(65536);
  *len = data ? fread(data, 1, 65535, f) : 0;
  fclose(f);
  if (data)
    data[*len] = '\0';
  return data;
}

static void show(const char *call, CassError rc)
{
  printf("%s %s\n", call, cassl_error_name(rc));
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: %s CA.pem CERT.pem ENCRYPTED-KEY.pem (password cassandra)\n",
            argv[0]);
    return 2;
  }
  size_t ca_len, cert_len, key_len;
  char *ca = load(argv[1], &ca_len), *cert = load(argv[2], &cert_len);
  char *key = load(argv[3], &key_len);
  if (!ca || !cert || !key)
    return 2;
  CassSsl *ssl = cass_ssl_new();
  CassSsl *other = cass_ssl_new_no_lib_init();
  if (!ssl || !other)
    return 1;
  show("cass_ssl_add_trusted_cert", cass_ssl_add_trusted_cert(ssl, ca));
  show("cass_ssl_add_trusted_cert_n", cass_ssl_add_trusted_cert_n(other, ca, ca_len));
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  show("cass_ssl_set_cert", cass_ssl_set_cert(ssl, cert));
  show("cass_ssl_set_cert_n", cass_ssl_set_cert_n(other, cert, cert_len));
  show("cass_ssl_set_private_key", cass_ssl_set_private_key(ssl, key, "cassandra"));
  show("cass_ssl_set_private_key_n",
       cass_ssl_set_private_key_n(other, key, key_len, "cassandra", 9));
  show("cass_ssl_set_min_protocol_version",
       cass_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2));
  cass_ssl_free(other);
  cass_ssl_free(ssl);
  free(ca);
  free(cert);
  free(key);
  printf("done\n");
  return 0;
}
