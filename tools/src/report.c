/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Human and JSON rendering of a report (see report.h). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define LABEL_WIDTH 18

void report_init(struct report *r, FILE *out, bool json, bool quiet)
{
  memset(r, 0, sizeof *r);
  r->out = out;
  r->json = json;
  r->quiet = quiet && !json;
  r->first[0] = true;
  if (json)
    fputc('{', out);
}

void report_finish(struct report *r)
{
  if (r->json) {
    while (r->depth > 0)
      report_end(r);
    fputs("}\n", r->out);
  }
  fflush(r->out);
}

/* Length of a valid UTF-8 sequence at p (shortest form, no surrogates), or 0. */
static size_t utf8_sequence(const unsigned char *p)
{
  size_t n;
  unsigned min;
  unsigned cp;
  if (p[0] >= 0xc2 && p[0] <= 0xdf) {
    n = 2, min = 0x80, cp = p[0] & 0x1f;
  } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
    n = 3, min = 0x800, cp = p[0] & 0x0f;
  } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
    n = 4, min = 0x10000, cp = p[0] & 0x07;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

/* Certificate names come from the network: bytes that are not UTF-8 become U+FFFD, so the
 * output always parses. */
void json_write_string(FILE *out, const char *s)
{
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p >= 0x80) {
      size_t n = utf8_sequence(p);
      if (n == 0) {
        fputs("\\ufffd", out);
      } else {
        fwrite(p, 1, n, out);
        p += n - 1;
      }
      continue;
    }
    switch (*p) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (*p < 0x20 || *p == 0x7f)
        fprintf(out, "\\u%04x", *p);
      else
        fputc(*p, out);
    }
  }
  fputc('"', out);
}

/* JSON: the separator and the member name (none inside arrays). */
static void json_member(struct report *r, const char *key)
{
  if (!r->first[r->depth])
    fputc(',', r->out);
  r->first[r->depth] = false;
  if (!r->array[r->depth]) {
    json_write_string(r->out, key);
    fputc(':', r->out);
  }
}

static void human_indent(struct report *r)
{
  fprintf(r->out, "%*s", 2 * r->indent[r->depth], "");
}

static bool human(const struct report *r)
{
  return !r->json && !r->quiet;
}

static void open_level(struct report *r, const char *key, const char *title, bool array)
{
  if (r->json) {
    json_member(r, key);
    fputc(array ? '[' : '{', r->out);
  } else if (human(r) && title) {
    human_indent(r);
    fprintf(r->out, "%s\n", title);
  }
  int indent = r->indent[r->depth] + (title ? 1 : 0);
  if (r->depth + 1 < REPORT_MAX_DEPTH)
    r->depth++;
  r->indent[r->depth] = indent;
  r->first[r->depth] = true;
  r->array[r->depth] = array;
}

void report_object(struct report *r, const char *key, const char *title)
{
  open_level(r, key, title, false);
}

void report_array(struct report *r, const char *key, const char *title)
{
  open_level(r, key, title, true);
}

void report_end(struct report *r)
{
  if (r->depth == 0)
    return;
  if (r->json)
    fputc(r->array[r->depth] ? ']' : '}', r->out);
  r->depth--;
}

static void human_label(struct report *r, const char *key, const char *label)
{
  human_indent(r);
  fprintf(r->out, "%-*s ", LABEL_WIDTH, label ? label : key);
}

/* Values can come from certificates and servers: no control characters reach a terminal. */
static void human_text(FILE *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
    fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

void report_str(struct report *r, const char *key, const char *label, const char *value)
{
  if (r->json) {
    json_member(r, key);
    json_write_string(r->out, value);
  } else if (human(r)) {
    human_label(r, key, label);
    human_text(r->out, value);
    fputc('\n', r->out);
  }
}

void report_strf(struct report *r, const char *key, const char *label, const char *fmt, ...)
{
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  report_str(r, key, label, buf);
}

void report_int(struct report *r, const char *key, const char *label, long long value)
{
  if (r->json) {
    json_member(r, key);
    fprintf(r->out, "%lld", value);
  } else if (human(r)) {
    human_label(r, key, label);
    fprintf(r->out, "%lld\n", value);
  }
}

void report_bool(struct report *r, const char *key, const char *label, bool value)
{
  if (r->json) {
    json_member(r, key);
    fputs(value ? "true" : "false", r->out);
  } else if (human(r)) {
    human_label(r, key, label);
    fputs(value ? "yes\n" : "no\n", r->out);
  }
}

void report_list(struct report *r, const char *key, const char *label, char *const *items,
                 size_t count)
{
  if (r->json) {
    json_member(r, key);
    fputc('[', r->out);
    for (size_t i = 0; i < count; i++) {
      if (i)
        fputc(',', r->out);
      json_write_string(r->out, items[i]);
    }
    fputc(']', r->out);
  } else if (human(r)) {
    human_label(r, key, label);
    if (count == 0)
      fputs("(none)", r->out);
    for (size_t i = 0; i < count; i++) {
      fputs(i ? ", " : "", r->out);
      human_text(r->out, items[i]);
    }
    fputc('\n', r->out);
  }
}

void report_json_str(struct report *r, const char *key, const char *value)
{
  if (r->json) {
    json_member(r, key);
    json_write_string(r->out, value);
  }
}

void report_json_int(struct report *r, const char *key, long long value)
{
  if (r->json) {
    json_member(r, key);
    fprintf(r->out, "%lld", value);
  }
}

void report_json_bool(struct report *r, const char *key, bool value)
{
  if (r->json) {
    json_member(r, key);
    fputs(value ? "true" : "false", r->out);
  }
}

void report_line(struct report *r, const char *fmt, ...)
{
  if (!human(r))
    return;
  human_indent(r);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(r->out, fmt, ap);
  va_end(ap);
  fputc('\n', r->out);
}
