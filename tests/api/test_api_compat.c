/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Code that sees the driver's cassandra.h and libcassl at once, as a driver TLS backend
 * does: cassandra.h comes first, then cassl/cassl.h declares only the cassl_ API on its own
 * object type (the cass_ssl_* names and CassSsl stay the driver's), and this file must
 * compile and link without any cass_ssl_* definition from libcassl. test_api.c runs
 * compat_exercise() and checks what it saw. */
#include "config.h"

/* The driver declares cass_ssl_new() without (void), as C allows. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include "compat/cassandra.h"
#pragma GCC diagnostic pop

#include "cassl/cassl.h"

#include "test_api_compat.h"

_Static_assert(CASS_ERROR_SSL_INVALID_CERT == 0x03000001, "driver error numbers");
_Static_assert(CASS_ERROR_LIB_NOT_IMPLEMENTED == 0x01000015, "driver error numbers");
_Static_assert(CASSL_SSL_VERSION_TLS1_3 == CASS_SSL_VERSION_TLS1_2 + 1, "TLS 1.3 follows 1.2");
/* The driver's CassSsl is not libcassl's object: a mix-up does not compile. */
_Static_assert(_Generic((CassSsl *)0, cassl_ssl *: 0, default: 1), "distinct object types");

void compat_exercise(struct compat_result *r)
{
  cassl_ssl *ssl = cassl_ssl_new();
  r->created = ssl != NULL;
  if (!ssl)
    return;
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  r->min_tls12 = cassl_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2);
  r->min_tls13 = cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3);
  r->trusted = cassl_ssl_add_trusted_cert_n(ssl, "garbage", 7);
  r->sentence = cassl_ssl_last_error(ssl)[0] != '\0';
  r->desc = cassl_error_desc(r->trusted);
  r->key = cassl_ssl_set_private_key(ssl, "garbage", "password");
  cassl_ssl_free(ssl);
}
