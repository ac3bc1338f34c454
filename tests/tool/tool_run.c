/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl tool as a child process (tool_run.h). */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tool_run.h"

struct run result;
char scratch[512];

int tool_scratch_make(const char *name)
{
  const char *fixtures = getenv("CASSL_FIXTURES");
  if (!fixtures)
    return -1;
  snprintf(scratch, sizeof scratch, "%s/tool", fixtures);
  mkdir(scratch, 0700);
  snprintf(scratch, sizeof scratch, "%s/tool/%s.XXXXXX", fixtures, name);
  return mkdtemp(scratch) ? 0 : -1;
}

int tool_scratch_remove(void)
{
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
  return system(cmd) == 0 ? 0 : -1;
}

static void slurp(const char *path, char *buf, size_t cap)
{
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
  buf[n] = '\0';
  if (f)
    fclose(f);
}

void cassl(const char *first, ...)
{
  const char *argv[MAX_ARGS + 2];
  char tool[512];
  snprintf(tool, sizeof tool, "%s/tools/cassl", getenv("CASSL_BUILDDIR"));
  size_t n = 0;
  argv[n++] = tool;
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a && n < MAX_ARGS; a = va_arg(ap, const char *))
    argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  size_t pos = 0;
  result.cmd[0] = '\0';
  for (size_t i = 1; i < n && pos < sizeof result.cmd; i++)
    pos += (size_t)snprintf(result.cmd + pos, sizeof result.cmd - pos, "%s ", argv[i]);

  char out_path[600], err_path[600];
  snprintf(out_path, sizeof out_path, "%s/out", scratch);
  snprintf(err_path, sizeof err_path, "%s/err", scratch);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (getenv("CASSL_TOOL_VALGRIND")) {
      /* Every command under valgrind: a memory error or leak is exit 99. */
      char libtool[600];
      snprintf(libtool, sizeof libtool, "%s/libtool", getenv("CASSL_BUILDDIR"));
      const char *vg[MAX_ARGS + 12] = { libtool, "--mode=execute", "valgrind", "-q",
                                        "--error-exitcode=99", "--leak-check=full",
                                        "--errors-for-leak-kinds=definite,indirect" };
      size_t k = 7;
      for (size_t i = 0; argv[i]; i++)
        vg[k++] = argv[i];
      vg[k] = NULL;
      execv(libtool, (char *const *)vg);
    }
    execv(tool, (char *const *)argv);
    _exit(127);
  }
  int status = 0;
  for (int waited = 0;; waited += 10) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      break;
    if (waited > (getenv("CASSL_TOOL_VALGRIND") ? 120000 : 20000)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    struct timespec ts = { 0, 10 * 1000 * 1000 };
    nanosleep(&ts, NULL);
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  slurp(out_path, result.out, sizeof result.out);
  slurp(err_path, result.err, sizeof result.err);
}

void show(void)
{
  fprintf(stderr, "command: cassl %s\nexit %d\n--- stdout\n%s--- stderr\n%s", result.cmd,
          result.exit_code, result.out, result.err);
}

void expect_exit(int code)
{
  if (result.exit_code != code) {
    show();
    fail_msg("exit %d, expected %d", result.exit_code, code);
  }
}

void expect_in(const char *where, const char *text, const char *what)
{
  if (!strstr(where, text)) {
    show();
    fail_msg("%s lacks: %s", what, text);
  }
}

void expect_out(const char *text) { expect_in(result.out, text, "stdout"); }
void expect_err(const char *text) { expect_in(result.err, text, "stderr"); }

void expect_error(const char *name, const char *desc, const char *hint)
{
  char line[300];
  snprintf(line, sizeof line, "error: %s: %s\n", name, desc);
  expect_err(line);
  const char *h = strstr(result.err, "\nhint: ");
  if (!h || !strstr(h, hint)) {
    show();
    fail_msg("no hint line with: %s", hint);
  }
}

void expect_json(const char *expr)
{
  char script[600], cmd[2048];
  snprintf(script, sizeof script, "%s/check.py", scratch);
  FILE *f = fopen(script, "w");
  assert_non_null(f);
  fprintf(f, "import json, sys\nd = json.load(open(sys.argv[1]))\nsys.exit(0 if (%s) else 1)\n",
          expr);
  fclose(f);
  snprintf(cmd, sizeof cmd, "python3 %s %s/out", script, scratch);
  if (system(cmd) != 0) {
    show();
    fail_msg("JSON check failed: %s", expr);
  }
}

