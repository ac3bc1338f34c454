/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: the cassl tool's CQL v4 frame parser (tools/src/cql.c) on arbitrary
 * server bytes: the header, then the body as the opcode says, as the probe reads them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_body(uint8_t opcode, const uint8_t *body, size_t len)
{
  /* Exact-size copy: ASan sees a read past len. */
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy)
    __builtin_trap();
  memcpy(copy, body, len);
  struct cql_multimap map = { NULL, 0 };
  int32_t code;
  char *message = NULL;
  switch (opcode) {
  case CQL_OP_SUPPORTED:
    if (cql_parse_multimap(copy, len, &map) == CQL_OK) {
      (void)cql_multimap_get(&map, "CQL_VERSION");
      (void)cql_multimap_get(&map, "");
    }
    cql_multimap_free(&map);
    break;
  case CQL_OP_STARTUP:
    if (cql_parse_string_map(copy, len, &map) == CQL_OK)
      (void)cql_multimap_get(&map, "CQL_VERSION");
    cql_multimap_free(&map);
    break;
  case CQL_OP_ERROR:
    if (cql_parse_error(copy, len, &code, &message) == CQL_OK && !message)
      __builtin_trap();
    free(message);
    break;
  default:
    /* Every body parser on every frame, to reach them all from any input. */
    if (cql_parse_multimap(copy, len, &map) == CQL_OK)
      (void)cql_multimap_get(&map, "COMPRESSION");
    cql_multimap_free(&map);
    memset(&map, 0, sizeof map);
    (void)cql_parse_string_map(copy, len, &map);
    cql_multimap_free(&map);
    if (cql_parse_error(copy, len, &code, &message) == CQL_OK)
      free(message);
    break;
  }
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *head = malloc(size ? size : 1);
  if (!head)
    __builtin_trap();
  memcpy(head, data, size);
  struct cql_header h;
  int rc = cql_parse_header(head, size, &h);
  (void)cql_opcode_name(size ? data[size - 1] : 0);
  if (rc == CQL_OK) {
    if (h.length > CQL_MAX_BODY)
      __builtin_trap(); /* the parser promised to refuse these */
    size_t avail = size - CQL_HEADER_LEN;
    parse_body(h.opcode, data + CQL_HEADER_LEN, h.length < avail ? h.length : avail);
  } else if (size > CQL_HEADER_LEN) {
    parse_body(data[4], data + CQL_HEADER_LEN, size - CQL_HEADER_LEN);
  }
  free(head);
  return 0;
}
