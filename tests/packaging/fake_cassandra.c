/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A stand-in for the driver's libcassandra in the symbol test: it exports every cass_ssl_*
 * name the driver exports, and each aborts, so a call meant for libcassl that lands here (by
 * link order, LD_PRELOAD or the PLT) ends the program. */
#include <stdio.h>
#include <stdlib.h>

#define LANDED(name)                                                                           \
  do {                                                                                         \
    fprintf(stderr, "fake libcassandra: %s was called\n", name);                              \
    abort();                                                                                   \
  } while (0)

typedef struct CassSsl_ CassSsl;

CassSsl *cass_ssl_new(void);
CassSsl *cass_ssl_new_no_lib_init(void);
void cass_ssl_free(CassSsl *ssl);
int cass_ssl_add_trusted_cert(CassSsl *ssl, const char *cert);
int cass_ssl_add_trusted_cert_n(CassSsl *ssl, const char *cert, size_t len);
void cass_ssl_set_verify_flags(CassSsl *ssl, int flags);
int cass_ssl_set_cert(CassSsl *ssl, const char *cert);
int cass_ssl_set_cert_n(CassSsl *ssl, const char *cert, size_t len);
int cass_ssl_set_private_key(CassSsl *ssl, const char *key, const char *password);
int cass_ssl_set_private_key_n(CassSsl *ssl, const char *key, size_t key_len,
                               const char *password, size_t password_len);
int cass_ssl_set_min_protocol_version(CassSsl *ssl, int version);

CassSsl *cass_ssl_new(void) { LANDED("cass_ssl_new"); }
CassSsl *cass_ssl_new_no_lib_init(void) { LANDED("cass_ssl_new_no_lib_init"); }
void cass_ssl_free(CassSsl *ssl) { LANDED("cass_ssl_free"); }
int cass_ssl_add_trusted_cert(CassSsl *ssl, const char *cert) { LANDED("cass_ssl_add_trusted_cert"); }
int cass_ssl_add_trusted_cert_n(CassSsl *ssl, const char *cert, size_t len)
{
  LANDED("cass_ssl_add_trusted_cert_n");
}
void cass_ssl_set_verify_flags(CassSsl *ssl, int flags) { LANDED("cass_ssl_set_verify_flags"); }
int cass_ssl_set_cert(CassSsl *ssl, const char *cert) { LANDED("cass_ssl_set_cert"); }
int cass_ssl_set_cert_n(CassSsl *ssl, const char *cert, size_t len) { LANDED("cass_ssl_set_cert_n"); }
int cass_ssl_set_private_key(CassSsl *ssl, const char *key, const char *password)
{
  LANDED("cass_ssl_set_private_key");
}
int cass_ssl_set_private_key_n(CassSsl *ssl, const char *key, size_t key_len,
                               const char *password, size_t password_len)
{
  LANDED("cass_ssl_set_private_key_n");
}
int cass_ssl_set_min_protocol_version(CassSsl *ssl, int version)
{
  LANDED("cass_ssl_set_min_protocol_version");
}
