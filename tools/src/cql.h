/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* CQL native protocol v4: the few frames a TLS probe needs (OPTIONS, SUPPORTED, STARTUP,
 * READY, ERROR), encoded into caller buffers and parsed with every length bounds-checked,
 * since the bytes come from the network. */
#ifndef CASSL_TOOL_CQL_H
#define CASSL_TOOL_CQL_H

#include <stddef.h>
#include <stdint.h>

#define CQL_HEADER_LEN 9
#define CQL_VERSION_REQUEST 0x04
#define CQL_VERSION_RESPONSE 0x84
/* The probe only expects small answers; anything bigger is not a CQL node talking to us. */
#define CQL_MAX_BODY (1u << 20)

enum cql_opcode {
  CQL_OP_ERROR = 0x00,
  CQL_OP_STARTUP = 0x01,
  CQL_OP_READY = 0x02,
  CQL_OP_OPTIONS = 0x05,
  CQL_OP_SUPPORTED = 0x06
};

struct cql_header {
  uint8_t version; /* 0x04 request, 0x84 response (other versions are reported, not parsed) */
  uint8_t flags;
  int16_t stream;
  uint8_t opcode;
  uint32_t length;
};

/* A [string multimap] (SUPPORTED) or [string map] (STARTUP, values_count 1). */
struct cql_entry {
  char *key;
  char **values;
  size_t value_count;
};
struct cql_multimap {
  struct cql_entry *entries;
  size_t count;
};

/* Encoders return the frame length, or 0 when cap is too small. */
size_t cql_encode_options(uint8_t *buf, size_t cap, int16_t stream);
size_t cql_encode_startup(uint8_t *buf, size_t cap, int16_t stream, const char *cql_version);
size_t cql_encode_ready(uint8_t *buf, size_t cap, int16_t stream);
size_t cql_encode_supported(uint8_t *buf, size_t cap, int16_t stream,
                            const struct cql_multimap *map);
size_t cql_encode_error(uint8_t *buf, size_t cap, int16_t stream, int32_t code,
                        const char *message);

enum cql_parse_result {
  CQL_NEED_MORE = 0, /* not enough bytes yet */
  CQL_OK = 1,
  CQL_INVALID = -1   /* not a CQL v4 frame (or too big) */
};

/* Parses the 9-byte header at buf. CQL_INVALID when the version byte is not a v1-v5 request
 * or response, or the body is larger than CQL_MAX_BODY. */
int cql_parse_header(const uint8_t *buf, size_t len, struct cql_header *h);

/* Bodies: CQL_OK or CQL_INVALID (never reads beyond len). Free with cql_multimap_free. */
int cql_parse_multimap(const uint8_t *body, size_t len, struct cql_multimap *out);
int cql_parse_string_map(const uint8_t *body, size_t len, struct cql_multimap *out);
/* ERROR: code and message (a NUL-terminated copy the caller frees). */
int cql_parse_error(const uint8_t *body, size_t len, int32_t *code, char **message);

void cql_multimap_free(struct cql_multimap *map);
/* The first value of key, or NULL. */
const char *cql_multimap_get(const struct cql_multimap *map, const char *key);

const char *cql_opcode_name(uint8_t opcode);

#endif
