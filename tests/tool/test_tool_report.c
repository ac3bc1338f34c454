/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl tool's report emitter (tools/src/report.c): one set of calls, a human rendering
 * and a JSON one; JSON strings escaped, invalid UTF-8 from certificates replaced. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

static char text[8192];

static FILE *open_buffer(void)
{
  FILE *f = tmpfile();
  assert_non_null(f);
  return f;
}

static const char *read_back(FILE *f)
{
  rewind(f);
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  return text;
}

static const char *json_of(const char *s)
{
  FILE *f = open_buffer();
  json_write_string(f, s);
  return read_back(f);
}

static void test_json_escapes(void **state)
{
  assert_string_equal(json_of("plain"), "\"plain\"");
  assert_string_equal(json_of("a\"b\\c"), "\"a\\\"b\\\\c\"");
  assert_string_equal(json_of("\n\r\t\x01\x7f"), "\"\\n\\r\\t\\u0001\\u007f\"");
  assert_string_equal(json_of(NULL), "\"\"");
}

static void test_json_utf8(void **state)
{
  /* Valid UTF-8 passes through: é, €, 𝄞. */
  assert_string_equal(json_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e"),
                      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"");
  /* Latin-1, a lone continuation byte, an overlong '/', a surrogate, a truncated sequence
   * and a code point above U+10FFFF each become U+FFFD. */
  assert_string_equal(json_of("caf\xe9"), "\"caf\\ufffd\"");
  assert_string_equal(json_of("\x80x"), "\"\\ufffdx\"");
  assert_string_equal(json_of("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
  assert_string_equal(json_of("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
  assert_string_equal(json_of("\xe2\x82"), "\"\\ufffd\\ufffd\"");
  assert_string_equal(json_of("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void emit(struct report *r)
{
  char *sans[] = { "DNS:a", "IP:127.0.0.1" };
  report_object(r, "cert", "certificate");
  report_str(r, "subject", NULL, "CN=x");
  report_list(r, "sans", "SANs", sans, 2);
  report_int(r, "port", NULL, 9042);
  report_bool(r, "valid_now", "valid now", true);
  report_json_str(r, "only_json", "j");
  report_line(r, "only human");
  report_end(r);
  report_array(r, "empty", NULL);
  report_end(r);
}

static void test_renderings(void **state)
{
  struct report r;
  FILE *f = open_buffer();
  report_init(&r, f, true, false);
  emit(&r);
  report_finish(&r);
  assert_string_equal(read_back(f),
                      "{\"cert\":{\"subject\":\"CN=x\",\"sans\":[\"DNS:a\",\"IP:127.0.0.1\"],"
                      "\"port\":9042,\"valid_now\":true,\"only_json\":\"j\"},\"empty\":[]}\n");

  f = open_buffer();
  report_init(&r, f, false, false);
  emit(&r);
  report_finish(&r);
  assert_string_equal(read_back(f),
                      "certificate\n"
                      "  subject            CN=x\n"
                      "  SANs               DNS:a, IP:127.0.0.1\n"
                      "  port               9042\n"
                      "  valid now          yes\n"
                      "  only human\n");

  f = open_buffer();
  report_init(&r, f, false, false);
  report_str(&r, "cn", NULL, "evil\x1b[2Jname\r");
  report_finish(&r);
  assert_string_equal(read_back(f), "cn                 evil?[2Jname?\n");

  f = open_buffer();
  report_init(&r, f, false, true); /* --quiet */
  emit(&r);
  report_finish(&r);
  assert_string_equal(read_back(f), "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_json_escapes),
    cmocka_unit_test(test_json_utf8),
    cmocka_unit_test(test_renderings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
