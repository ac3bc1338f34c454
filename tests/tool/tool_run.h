/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl tool as a child process for the cmocka tool tests: run it, then check its exit
 * code, its output, its error:/hint: lines and its --json object. */
#ifndef CASSL_TESTS_TOOL_RUN_H
#define CASSL_TESTS_TOOL_RUN_H

#define MAX_ARGS 40
#define OUT_MAX (256 * 1024)

struct run {
  int exit_code;
  char out[OUT_MAX];
  char err[OUT_MAX];
  char cmd[4096];
};

extern struct run result;  /* the last command's */
extern char scratch[512];  /* a private directory of the test (tool_scratch_make) */

/* Makes $CASSL_FIXTURES/tool/NAME.XXXXXX as scratch. 0 or -1. */
int tool_scratch_make(const char *name);
/* Removes it. 0 or -1. */
int tool_scratch_remove(void);

/* Runs cassl with the NULL-terminated arguments, 20 s at most (under valgrind when
 * CASSL_TOOL_VALGRIND is set: 120 s, a memory error or leak is exit 99). */
void cassl(const char *first, ...);
void show(void);
void expect_exit(int code);
void expect_in(const char *where, const char *text, const char *what);
void expect_out(const char *text);
void expect_err(const char *text);
/* The contract: "error: NAME: description" as a whole line, and a hint line containing text. */
void expect_error(const char *name, const char *desc, const char *hint);
/* stdout is one JSON object d for which the Python expression holds. */
void expect_json(const char *expr);

#endif
