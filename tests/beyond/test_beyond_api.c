/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The beyond-the-driver calls at the API level, built for every backend: NULL arguments,
 * and with --with-tls=none (CASSL_BACKEND=none) CASS_ERROR_LIB_NOT_IMPLEMENTED with its
 * sentence from each of them. The GnuTLS behaviour is tested against real peers in
 * test_beyond_pkcs12, test_beyond_trust and test_beyond_pins. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cassl/cassl.h"

#define PIN "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
#define CRL "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"

static bool none_backend;

static void test_null_object(void **state)
{
  unsigned added = 7;
  assert_int_equal(cassl_ssl_set_pkcs12_n(NULL, "x", 1, NULL, 0), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_add_system_trust(NULL, &added), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(added, 0);
  assert_int_equal(cassl_ssl_add_system_trust(NULL, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_add_crl(NULL, CRL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_add_crl_n(NULL, CRL, strlen(CRL)), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_add_pinned_public_key(NULL, PIN), CASS_ERROR_LIB_BAD_PARAMS);
}

/* NULL inputs are refused with a sentence before the backend is asked. */
static void test_null_inputs(void **state)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  assert_int_equal(cassl_ssl_set_pkcs12_n(ssl, NULL, 5, "pw", 2), CASS_ERROR_SSL_INVALID_CERT);
  assert_string_equal(cassl_ssl_last_error(ssl), "no PKCS#12 data given (NULL)");
  assert_int_equal(cassl_ssl_add_crl_n(ssl, NULL, 5), CASS_ERROR_SSL_INVALID_CERT);
  assert_string_equal(cassl_ssl_last_error(ssl), "no CRL given (NULL)");
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_string_equal(cassl_ssl_last_error(ssl), "no pin given (NULL)");
  cass_ssl_free(ssl);
}

static void test_none_not_implemented(void **state)
{
  if (!none_backend)
    skip();
  const char *sentence = "libcassl was built without TLS (--with-tls=none)";
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  assert_int_equal(cassl_ssl_set_pkcs12_n(ssl, "x", 1, "pw", 2), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  unsigned added = 7;
  assert_int_equal(cassl_ssl_add_system_trust(ssl, &added), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_int_equal(added, 0);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  assert_int_equal(cassl_ssl_add_crl(ssl, CRL), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, PIN), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  cass_ssl_free(ssl);
}

int main(void)
{
  const char *backend = getenv("CASSL_BACKEND");
  none_backend = backend && strcmp(backend, "none") == 0;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_null_object),
    cmocka_unit_test(test_null_inputs),
    cmocka_unit_test(test_none_not_implemented),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
