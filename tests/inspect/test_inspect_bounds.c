/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The work bounds of cassl_file_info_read: every PEM block counts toward the item cap,
 * whatever its label, so a file of millions of tiny unknown blocks is refused after 4096
 * of them instead of being listed whole. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cassl/inspect.h"
#include "session_util.h"

static struct tpki ca;

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  return 0;
}

/* ---- the item cap ---------------------------------------------------------------------- */

static const char tiny[] = "-----BEGIN A-----\n-----END A-----\n";

/* n copies of block into one buffer (its length in *len). */
static char *repeat(const char *block, size_t n, size_t *len)
{
  size_t one = strlen(block);
  char *text = malloc(one * n + 1);
  assert_non_null(text);
  for (size_t i = 0; i < n; i++)
    memcpy(text + i * one, block, one);
  text[one * n] = '\0';
  *len = one * n;
  return text;
}

static void expect_capped(const char *text, size_t len)
{
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(text, len, NULL, &fi), CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(fi);
  assert_non_null(strstr(cassl_file_info_error_message(fi), "more than 4096 items"));
  assert_non_null(strstr(cassl_last_error(), "PEM blocks of any kind"));
  assert_true(cassl_file_info_skipped_count(fi) + cassl_file_info_cert_count(fi) +
                  cassl_file_info_key_count(fi) <= 4096);
  cassl_file_info_free(fi);
}

static void test_unknown_blocks_count(void **state)
{
  size_t len;
  char *text = repeat(tiny, 5000, &len);
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(text, len, NULL, &fi), CASS_ERROR_SSL_INVALID_CERT);
  assert_int_equal(cassl_file_info_skipped_count(fi), 4096);
  assert_non_null(strstr(cassl_file_info_error_message(fi), "more than 4096"));
  cassl_file_info_free(fi);
  free(text);
  /* At the cap exactly, the file is read. */
  text = repeat(tiny, 4096, &len);
  assert_int_equal(cassl_file_info_read(text, len, NULL, &fi), CASS_OK);
  assert_int_equal(cassl_file_info_skipped_count(fi), 4096);
  cassl_file_info_free(fi);
  free(text);
}

/* Known and unknown blocks share the cap. */
static void test_mixed_blocks_share_the_cap(void **state)
{
  size_t one = strlen(ca.cert_pem), ulen;
  char *unknown = repeat(tiny, 4000, &ulen);
  char *text = malloc(ulen + 200 * one + 1);
  assert_non_null(text);
  memcpy(text, unknown, ulen);
  for (size_t i = 0; i < 200; i++)
    memcpy(text + ulen + i * one, ca.cert_pem, one);
  expect_capped(text, ulen + 200 * one);
  free(text);
  free(unknown);
}

/* The file: 2,000,000 tiny unknown blocks (68 MB) are refused after 4096 of them,
 * not listed. */
static void test_millions_of_tiny_blocks(void **state)
{
  size_t len;
  char *text = repeat(tiny, 2000000, &len);
  expect_capped(text, len);
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unknown_blocks_count),
    cmocka_unit_test(test_mixed_blocks_share_the_cap),
    cmocka_unit_test(test_millions_of_tiny_blocks),
  };
  return cmocka_run_group_tests_name("inspect_bounds", tests, group_setup, group_teardown);
}
