/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* One emitter, two renderings: the same calls print an indented human report or one JSON
 * object, so the text and the --json output always carry the same facts. */
#ifndef CASSL_REPORT_H
#define CASSL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#define REPORT_MAX_DEPTH 16

struct report {
  FILE *out;
  bool json;
  bool quiet;                     /* human mode: print nothing */
  int depth;
  bool first[REPORT_MAX_DEPTH];   /* no member written yet at this level */
  bool array[REPORT_MAX_DEPTH];   /* this level is a JSON array */
  int indent[REPORT_MAX_DEPTH];   /* human indentation of this level's members */
};

void report_init(struct report *r, FILE *out, bool json, bool quiet);
/* Closes the root object (JSON) and flushes. */
void report_finish(struct report *r);

/* A nested object: key is the JSON member name (ignored inside arrays); title is the human
 * heading, whose members are indented (NULL = no heading, no extra indentation). */
void report_object(struct report *r, const char *key, const char *title);
void report_array(struct report *r, const char *key, const char *title);
void report_end(struct report *r);

/* Members: label is the human label (NULL = same as key). */
void report_str(struct report *r, const char *key, const char *label, const char *value);
void report_strf(struct report *r, const char *key, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void report_int(struct report *r, const char *key, const char *label, long long value);
void report_bool(struct report *r, const char *key, const char *label, bool value);
/* A list of strings: one human line joined with ", ", a JSON array. */
void report_list(struct report *r, const char *key, const char *label, char *const *items,
                 size_t count);
/* JSON only (e.g. machine-friendly duplicates of a human line). */
void report_json_str(struct report *r, const char *key, const char *value);
void report_json_int(struct report *r, const char *key, long long value);
void report_json_bool(struct report *r, const char *key, bool value);
/* Human only: a free line at the current indentation. */
void report_line(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes s as a JSON string literal (quotes included). */
void json_write_string(FILE *out, const char *s);

#endif
