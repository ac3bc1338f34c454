/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl tool's CQL v4 codec (tools/src/cql.c): frames byte for byte as the protocol
 * spec writes them, and every malformed or truncated input refused without reading past it. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cql.h"

static void test_options_frame(void **state)
{
  uint8_t buf[64];
  static const uint8_t expected[] = { 0x04, 0x00, 0x00, 0x07, 0x05, 0x00, 0x00, 0x00, 0x00 };
  assert_int_equal(cql_encode_options(buf, sizeof buf, 7), sizeof expected);
  assert_memory_equal(buf, expected, sizeof expected);
  assert_int_equal(cql_encode_options(buf, 8, 7), 0); /* too small */
}

static void test_startup_frame(void **state)
{
  uint8_t buf[64];
  static const uint8_t expected[] = {
    0x04, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x16, /* header, body 22 bytes */
    0x00, 0x01,                                           /* one entry */
    0x00, 0x0b, 'C', 'Q', 'L', '_', 'V', 'E', 'R', 'S', 'I', 'O', 'N',
    0x00, 0x05, '3', '.', '4', '.', '5'
  };
  assert_int_equal(cql_encode_startup(buf, sizeof buf, 1, "3.4.5"), sizeof expected);
  assert_memory_equal(buf, expected, sizeof expected);
  assert_int_equal(cql_encode_startup(buf, sizeof expected - 1, 1, "3.4.5"), 0);

  assert_int_equal(cql_encode_startup(buf, sizeof buf, 1, "3.4.5"), sizeof expected);
  struct cql_header h;
  assert_int_equal(cql_parse_header(buf, sizeof expected, &h), CQL_OK);
  assert_int_equal(h.opcode, CQL_OP_STARTUP);
  struct cql_multimap map;
  assert_int_equal(cql_parse_string_map(buf + CQL_HEADER_LEN, h.length, &map), CQL_OK);
  assert_string_equal(cql_multimap_get(&map, "CQL_VERSION"), "3.4.5");
  assert_null(cql_multimap_get(&map, "COMPRESSION"));
  cql_multimap_free(&map);
}

static void test_supported_round_trip(void **state)
{
  char *cql[] = { "3.4.5" };
  char *versions[] = { "3/v3", "4/v4", "5/v5-beta" };
  struct cql_entry entries[] = { { "CQL_VERSION", cql, 1 }, { "COMPRESSION", NULL, 0 },
                                 { "PROTOCOL_VERSIONS", versions, 3 } };
  struct cql_multimap in = { entries, 3 }, out;
  uint8_t buf[256];
  size_t n = cql_encode_supported(buf, sizeof buf, -3, &in);
  assert_true(n > CQL_HEADER_LEN);
  struct cql_header h;
  assert_int_equal(cql_parse_header(buf, n, &h), CQL_OK);
  assert_int_equal(h.version, CQL_VERSION_RESPONSE);
  assert_int_equal(h.stream, -3);
  assert_int_equal(h.opcode, CQL_OP_SUPPORTED);
  assert_int_equal(h.length, n - CQL_HEADER_LEN);
  assert_int_equal(cql_parse_multimap(buf + CQL_HEADER_LEN, h.length, &out), CQL_OK);
  assert_int_equal(out.count, 3);
  assert_string_equal(out.entries[0].key, "CQL_VERSION");
  assert_int_equal(out.entries[1].value_count, 0);
  assert_int_equal(out.entries[2].value_count, 3);
  assert_string_equal(out.entries[2].values[2], "5/v5-beta");
  assert_string_equal(cql_multimap_get(&out, "CQL_VERSION"), "3.4.5");
  assert_null(cql_multimap_get(&out, "COMPRESSION")); /* no value */
  cql_multimap_free(&out);

  /* Every truncation of the body is refused, and nothing leaks (valgrind run). */
  for (size_t len = 0; len < h.length; len++) {
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, buf + CQL_HEADER_LEN, len);
    assert_int_equal(cql_parse_multimap(copy, len, &out), CQL_INVALID);
    assert_int_equal(out.count, 0);
    free(copy);
  }
  /* A trailing byte is refused too. */
  buf[n] = 0;
  assert_int_equal(cql_parse_multimap(buf + CQL_HEADER_LEN, h.length + 1, &out), CQL_INVALID);
}

static void test_ready_and_error(void **state)
{
  uint8_t buf[128];
  static const uint8_t ready[] = { 0x84, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00 };
  assert_int_equal(cql_encode_ready(buf, sizeof buf, 2), sizeof ready);
  assert_memory_equal(buf, ready, sizeof ready);

  size_t n = cql_encode_error(buf, sizeof buf, 0, 0x000A, "bad version");
  struct cql_header h;
  assert_int_equal(cql_parse_header(buf, n, &h), CQL_OK);
  assert_int_equal(h.opcode, CQL_OP_ERROR);
  int32_t code = 0;
  char *message = NULL;
  assert_int_equal(cql_parse_error(buf + CQL_HEADER_LEN, h.length, &code, &message), CQL_OK);
  assert_int_equal(code, 0x000A);
  assert_string_equal(message, "bad version");
  free(message);
  for (size_t len = 0; len < h.length; len++)
    assert_int_equal(cql_parse_error(buf + CQL_HEADER_LEN, len, &code, &message), CQL_INVALID);
}

static void test_header(void **state)
{
  struct cql_header h;
  uint8_t buf[CQL_HEADER_LEN] = { 0x84, 0, 0, 0, CQL_OP_READY, 0, 0, 0, 0 };
  for (size_t len = 0; len < CQL_HEADER_LEN; len++)
    assert_int_equal(cql_parse_header(buf, len, &h), CQL_NEED_MORE);
  /* A TLS record or an HTTP answer is not a CQL frame. */
  static const uint8_t tls_alert[CQL_HEADER_LEN] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
  assert_int_equal(cql_parse_header(tls_alert, sizeof tls_alert, &h), CQL_INVALID);
  assert_int_equal(cql_parse_header((const uint8_t *)"HTTP/1.0 ", 9, &h), CQL_INVALID);
  /* Other protocol versions parse (the probe reports them). */
  buf[0] = 0x83;
  assert_int_equal(cql_parse_header(buf, sizeof buf, &h), CQL_OK);
  assert_int_equal(h.version, 0x83);
  /* A body larger than the limit is refused before anything is allocated. */
  buf[0] = 0x84;
  buf[5] = 0x7f;
  assert_int_equal(cql_parse_header(buf, sizeof buf, &h), CQL_INVALID);
  buf[5] = 0;
  buf[6] = (CQL_MAX_BODY >> 16) & 0xff;
  assert_int_equal(cql_parse_header(buf, sizeof buf, &h), CQL_OK);
  assert_int_equal(h.length, CQL_MAX_BODY);
}

static void test_lying_counts(void **state)
{
  struct cql_multimap map;
  /* 65535 entries announced in a 2-byte body. */
  static const uint8_t many[] = { 0xff, 0xff };
  assert_int_equal(cql_parse_multimap(many, sizeof many, &map), CQL_INVALID);
  /* A string longer than the body. */
  static const uint8_t long_key[] = { 0x00, 0x01, 0x00, 0x10, 'a', 'b' };
  assert_int_equal(cql_parse_multimap(long_key, sizeof long_key, &map), CQL_INVALID);
  /* A value list longer than the body. */
  static const uint8_t values[] = { 0x00, 0x01, 0x00, 0x01, 'k', 0xff, 0xff, 0x00, 0x00 };
  assert_int_equal(cql_parse_multimap(values, sizeof values, &map), CQL_INVALID);
  /* An empty map is fine. */
  static const uint8_t empty[] = { 0x00, 0x00 };
  assert_int_equal(cql_parse_multimap(empty, sizeof empty, &map), CQL_OK);
  assert_int_equal(map.count, 0);
  cql_multimap_free(&map);
  /* Keys with NUL bytes are copied whole (and compared as C strings). */
  static const uint8_t nul_key[] = { 0x00, 0x01, 0x00, 0x03, 'a', 0x00, 'b', 0x00, 0x00 };
  assert_int_equal(cql_parse_multimap(nul_key, sizeof nul_key, &map), CQL_OK);
  assert_null(cql_multimap_get(&map, "a"));
  cql_multimap_free(&map);
}

static void test_opcode_names(void **state)
{
  assert_string_equal(cql_opcode_name(CQL_OP_SUPPORTED), "SUPPORTED");
  assert_string_equal(cql_opcode_name(0x03), "AUTHENTICATE");
  assert_string_equal(cql_opcode_name(0xee), "unknown");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_options_frame),
    cmocka_unit_test(test_startup_frame),
    cmocka_unit_test(test_supported_round_trip),
    cmocka_unit_test(test_ready_and_error),
    cmocka_unit_test(test_header),
    cmocka_unit_test(test_lying_counts),
    cmocka_unit_test(test_opcode_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
