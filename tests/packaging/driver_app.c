/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* An application written for the driver's cassandra.h SSL API; only the include differs.
 * Loads the guide's files given on the command line and prints the outcome of each call. */
#include <cassl/cassl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *load_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  rewind(f);
  char *data = malloc(size > 0 ? (size_t)size : 1);
  if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *len = (size_t)size;
  return data;
}

int main(int argc, char **argv)
{
  if (argc != 5) {
    fprintf(stderr, "usage: %s TRUSTED.pem CERT.pem KEY.pem PASSWORD\n", argv[0]);
    return 2;
  }
  CassSsl *ssl = cass_ssl_new();
  size_t len;
  char *pem = load_file(argv[1], &len);
  CassError rc = cass_ssl_add_trusted_cert_n(ssl, pem, len);
  printf("trusted: %s\n", rc == CASS_OK ? "ok" : cassl_error_desc(rc));
  free(pem);
  pem = load_file(argv[2], &len);
  rc = cass_ssl_set_cert_n(ssl, pem, len);
  printf("cert: %s\n", rc == CASS_OK ? "ok" : cassl_error_desc(rc));
  free(pem);
  pem = load_file(argv[3], &len);
  rc = cass_ssl_set_private_key_n(ssl, pem, len, argv[4], strlen(argv[4]));
  printf("key: %s\n", rc == CASS_OK ? "ok" : cassl_error_desc(rc));
  free(pem);
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  cass_ssl_free(ssl);
  return rc == CASS_OK ? 0 : 1;
}
