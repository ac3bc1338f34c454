/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* How the file reader's lists grow: geometrically, so reading n items makes a logarithmic
 * number of reallocations (one per item made it quadratic under an allocator that moves the
 * block each time). Counted on the library's own allocator calls (faults_alloc.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cassl/inspect.h"
#include "faults_alloc.h"

/* n tiny blocks with a label the reader does not know (it lists them as skipped). */
static char *unknown_blocks(size_t n, size_t *len)
{
  static const char block[] = "-----BEGIN UNKNOWN THING-----\n-----END UNKNOWN THING-----\n";
  size_t one = sizeof block - 1;
  char *text = malloc(one * n + 1);
  assert_non_null(text);
  for (size_t i = 0; i < n; i++)
    memcpy(text + i * one, block, one);
  text[one * n] = '\0';
  *len = one * n;
  return text;
}

static void test_skipped_list_grows_geometrically(void **state)
{
  size_t len;
  char *text = unknown_blocks(4000, &len);
  cassl_file_info *fi = NULL;
  faults_start(0);
  faults_resume();
  CassError rc = cassl_file_info_read(text, len, NULL, &fi);
  faults_pause();
  unsigned long reallocs = faults_realloc_count();
  assert_non_null(fi);
  assert_int_equal(cassl_file_info_skipped_count(fi), 4000);
  assert_int_equal(rc, CASS_OK);
  /* 4, 8, ..., 4096: 11 steps; a margin for other lists, far below one per block. */
  if (reallocs > 32)
    fail_msg("%lu reallocations for 4000 skipped blocks", reallocs);
  cassl_file_info_free(fi);
  free(text);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_skipped_list_grows_geometrically),
  };
  return cmocka_run_group_tests_name("faults_growth", tests, NULL, NULL);
}
