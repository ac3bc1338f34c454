/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The session resumption calls at the API level, built for every backend: NULL objects, the
 * size bound with its sentence, the defaults, and with --with-tls=none (CASSL_BACKEND=none)
 * CASS_ERROR_LIB_NOT_IMPLEMENTED with its sentence. The GnuTLS behaviour is tested against
 * real peers in test_resumption. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ssl_object.h"

static bool none_backend;

static void test_null_object(void **state)
{
  assert_int_equal(cassl_ssl_set_session_resumption(NULL, cass_true), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_session_resumption(NULL, cass_false), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_session_cache_size(NULL, 1), CASS_ERROR_LIB_BAD_PARAMS);
}

static void test_defaults_and_bounds(void **state)
{
  if (none_backend)
    skip();
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  assert_true(ssl->sessions.enabled);
  assert_int_equal(ssl->sessions.capacity, 256);
  assert_int_equal(cassl_ssl_set_session_cache_size(ssl, (size_t)-1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_string_equal(cassl_ssl_last_error(ssl),
                      "session cache size 18446744073709551615 is too large (at most 1048576 "
                      "entries)");
  assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 1048577), CASS_ERROR_LIB_BAD_PARAMS);
  assert_string_equal(cassl_ssl_last_error(ssl),
                      "session cache size 1048577 is too large (at most 1048576 entries)");
  assert_int_equal(ssl->sessions.capacity, 256);
  assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 1048576), CASS_OK);
  assert_string_equal(cassl_ssl_last_error(ssl), "");
  assert_int_equal(ssl->sessions.capacity, 1048576);
  assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 0), CASS_OK);
  assert_int_equal(ssl->sessions.capacity, 0);
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false), CASS_OK);
  assert_false(ssl->sessions.enabled);
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_true), CASS_OK);
  assert_true(ssl->sessions.enabled);
  cass_ssl_free(ssl);
}

static void test_none_not_implemented(void **state)
{
  if (!none_backend)
    skip();
  const char *sentence = "libcassl was built without TLS (--with-tls=none)";
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_true),
                   CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false),
                   CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  assert_int_equal(cassl_ssl_set_session_cache_size(ssl, 16), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  cass_ssl_free(ssl);
}

int main(void)
{
  const char *backend = getenv("CASSL_BACKEND");
  none_backend = backend && strcmp(backend, "none") == 0;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_null_object),
    cmocka_unit_test(test_defaults_and_bounds),
    cmocka_unit_test(test_none_not_implemented),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
