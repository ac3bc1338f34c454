/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Release metadata: the version macros agree with each other and with configure's version,
 * and cassl_version() reports the same release. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "cassl/version.h"

static void test_macros_match_configure(void **state)
{
  char text[32];
  snprintf(text, sizeof text, "%d.%d.%d", CASSL_VERSION_MAJOR, CASSL_VERSION_MINOR,
           CASSL_VERSION_PATCH);
  assert_string_equal(text, CASSL_VERSION_STRING);
  assert_string_equal(CASSL_VERSION_STRING, PACKAGE_VERSION);
  assert_int_equal(CASSL_VERSION_NUMBER,
                   (CASSL_VERSION_MAJOR << 16) | (CASSL_VERSION_MINOR << 8) | CASSL_VERSION_PATCH);
}

static void test_runtime_version(void **state)
{
  assert_string_equal(cassl_version(), CASSL_VERSION_STRING);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_macros_match_configure),
    cmocka_unit_test(test_runtime_version),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
