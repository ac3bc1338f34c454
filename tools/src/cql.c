/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* CQL v4 frames for the probe and the demo responder (see cql.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cql.h"

/* ---- encoding ------------------------------------------------------------------------- */

struct writer {
  uint8_t *buf;
  size_t cap, pos;
  int ok;
};

static void put(struct writer *w, const void *data, size_t n)
{
  if (!w->ok || n > w->cap - w->pos) {
    w->ok = 0;
    return;
  }
  memcpy(w->buf + w->pos, data, n);
  w->pos += n;
}

static void put_u8(struct writer *w, uint8_t v)
{
  put(w, &v, 1);
}

static void put_u16(struct writer *w, uint16_t v)
{
  uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
  put(w, b, 2);
}

static void put_u32(struct writer *w, uint32_t v)
{
  uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
  put(w, b, 4);
}

static void put_string(struct writer *w, const char *s)
{
  size_t n = strlen(s);
  if (n > 0xffff) {
    w->ok = 0;
    return;
  }
  put_u16(w, (uint16_t)n);
  put(w, s, n);
}

static void begin(struct writer *w, uint8_t *buf, size_t cap, uint8_t version, int16_t stream,
                  uint8_t opcode)
{
  *w = (struct writer){ buf, cap, 0, 1 };
  put_u8(w, version);
  put_u8(w, 0);
  put_u16(w, (uint16_t)stream);
  put_u8(w, opcode);
  put_u32(w, 0); /* length, patched by finish */
}

static size_t finish(struct writer *w)
{
  if (!w->ok)
    return 0;
  uint32_t body = (uint32_t)(w->pos - CQL_HEADER_LEN);
  w->buf[5] = (uint8_t)(body >> 24);
  w->buf[6] = (uint8_t)(body >> 16);
  w->buf[7] = (uint8_t)(body >> 8);
  w->buf[8] = (uint8_t)body;
  return w->pos;
}

size_t cql_encode_options(uint8_t *buf, size_t cap, int16_t stream)
{
  struct writer w;
  begin(&w, buf, cap, CQL_VERSION_REQUEST, stream, CQL_OP_OPTIONS);
  return finish(&w);
}

size_t cql_encode_startup(uint8_t *buf, size_t cap, int16_t stream, const char *cql_version)
{
  struct writer w;
  begin(&w, buf, cap, CQL_VERSION_REQUEST, stream, CQL_OP_STARTUP);
  put_u16(&w, 1);
  put_string(&w, "CQL_VERSION");
  put_string(&w, cql_version);
  return finish(&w);
}

size_t cql_encode_ready(uint8_t *buf, size_t cap, int16_t stream)
{
  struct writer w;
  begin(&w, buf, cap, CQL_VERSION_RESPONSE, stream, CQL_OP_READY);
  return finish(&w);
}

size_t cql_encode_supported(uint8_t *buf, size_t cap, int16_t stream,
                            const struct cql_multimap *map)
{
  struct writer w;
  begin(&w, buf, cap, CQL_VERSION_RESPONSE, stream, CQL_OP_SUPPORTED);
  put_u16(&w, (uint16_t)map->count);
  for (size_t i = 0; i < map->count; i++) {
    put_string(&w, map->entries[i].key);
    put_u16(&w, (uint16_t)map->entries[i].value_count);
    for (size_t j = 0; j < map->entries[i].value_count; j++)
      put_string(&w, map->entries[i].values[j]);
  }
  return finish(&w);
}

size_t cql_encode_error(uint8_t *buf, size_t cap, int16_t stream, int32_t code,
                        const char *message)
{
  struct writer w;
  begin(&w, buf, cap, CQL_VERSION_RESPONSE, stream, CQL_OP_ERROR);
  put_u32(&w, (uint32_t)code);
  put_string(&w, message);
  return finish(&w);
}

/* ---- parsing -------------------------------------------------------------------------- */

struct reader {
  const uint8_t *p;
  size_t left;
};

static int get_u16(struct reader *r, uint16_t *v)
{
  if (r->left < 2)
    return 0;
  *v = (uint16_t)((r->p[0] << 8) | r->p[1]);
  r->p += 2;
  r->left -= 2;
  return 1;
}

static int get_string(struct reader *r, char **out)
{
  uint16_t n;
  if (!get_u16(r, &n) || n > r->left)
    return 0;
  char *s = malloc((size_t)n + 1);
  if (!s)
    return 0;
  memcpy(s, r->p, n);
  s[n] = '\0';
  r->p += n;
  r->left -= n;
  *out = s;
  return 1;
}

int cql_parse_header(const uint8_t *buf, size_t len, struct cql_header *h)
{
  if (len < CQL_HEADER_LEN)
    return CQL_NEED_MORE;
  uint8_t version = buf[0] & 0x7f;
  if (version < 1 || version > 5)
    return CQL_INVALID;
  h->version = buf[0];
  h->flags = buf[1];
  h->stream = (int16_t)((buf[2] << 8) | buf[3]);
  h->opcode = buf[4];
  h->length = ((uint32_t)buf[5] << 24) | ((uint32_t)buf[6] << 16) | ((uint32_t)buf[7] << 8) |
              buf[8];
  if (h->length > CQL_MAX_BODY)
    return CQL_INVALID;
  return CQL_OK;
}

void cql_multimap_free(struct cql_multimap *map)
{
  for (size_t i = 0; i < map->count; i++) {
    free(map->entries[i].key);
    for (size_t j = 0; j < map->entries[i].value_count; j++)
      free(map->entries[i].values[j]);
    free(map->entries[i].values);
  }
  free(map->entries);
  map->entries = NULL;
  map->count = 0;
}

static int parse_map(const uint8_t *body, size_t len, struct cql_multimap *out, int multi)
{
  struct reader r = { body, len };
  uint16_t n;
  memset(out, 0, sizeof *out);
  if (!get_u16(&r, &n))
    return CQL_INVALID;
  /* Each entry takes at least 4 bytes: a count larger than that is a lie. */
  if ((size_t)n * 4 > r.left)
    return CQL_INVALID;
  out->entries = calloc(n ? n : 1, sizeof *out->entries);
  if (!out->entries)
    return CQL_INVALID;
  for (size_t i = 0; i < n; i++) {
    struct cql_entry *e = &out->entries[i];
    out->count = i + 1;
    if (!get_string(&r, &e->key))
      goto bad;
    uint16_t nv = 1;
    if (multi && (!get_u16(&r, &nv) || (size_t)nv * 2 > r.left))
      goto bad;
    e->values = calloc(nv ? nv : 1, sizeof *e->values);
    if (!e->values)
      goto bad;
    for (size_t j = 0; j < nv; j++) {
      if (!get_string(&r, &e->values[j]))
        goto bad;
      e->value_count = j + 1;
    }
  }
  if (r.left != 0)
    goto bad;
  return CQL_OK;
bad:
  cql_multimap_free(out);
  return CQL_INVALID;
}

int cql_parse_multimap(const uint8_t *body, size_t len, struct cql_multimap *out)
{
  return parse_map(body, len, out, 1);
}

int cql_parse_string_map(const uint8_t *body, size_t len, struct cql_multimap *out)
{
  return parse_map(body, len, out, 0);
}

int cql_parse_error(const uint8_t *body, size_t len, int32_t *code, char **message)
{
  struct reader r = { body, len };
  if (r.left < 4)
    return CQL_INVALID;
  *code = (int32_t)(((uint32_t)body[0] << 24) | ((uint32_t)body[1] << 16) |
                    ((uint32_t)body[2] << 8) | body[3]);
  r.p += 4;
  r.left -= 4;
  /* Some errors carry more fields after the message: they are not needed here. */
  if (!get_string(&r, message))
    return CQL_INVALID;
  return CQL_OK;
}

const char *cql_multimap_get(const struct cql_multimap *map, const char *key)
{
  for (size_t i = 0; i < map->count; i++)
    if (!strcmp(map->entries[i].key, key) && map->entries[i].value_count > 0)
      return map->entries[i].values[0];
  return NULL;
}

const char *cql_opcode_name(uint8_t opcode)
{
  switch (opcode) {
  case CQL_OP_ERROR: return "ERROR";
  case CQL_OP_STARTUP: return "STARTUP";
  case CQL_OP_READY: return "READY";
  case 0x03: return "AUTHENTICATE";
  case CQL_OP_OPTIONS: return "OPTIONS";
  case CQL_OP_SUPPORTED: return "SUPPORTED";
  case 0x07: return "QUERY";
  case 0x08: return "RESULT";
  case 0x0E: return "AUTH_CHALLENGE";
  case 0x10: return "AUTH_SUCCESS";
  }
  return "unknown";
}
