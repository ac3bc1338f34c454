/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Fixtures of the hardening tests: made by tests/hardening/fixtures.sh, read as strings. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "hardening_util.h"

static char fixture_dir[4096];

void hardening_fixtures_init(void)
{
  const char *src = getenv("CASSL_SRCDIR");
  const char *fx = getenv("CASSL_FIXTURES");
  if (!src || !fx) {
    fprintf(stderr, "CASSL_SRCDIR and CASSL_FIXTURES must be set (run through make check)\n");
    exit(1);
  }
  snprintf(fixture_dir, sizeof fixture_dir, "%s/hardening", fx);
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "sh '%s/tests/hardening/fixtures.sh' '%s'", src, fixture_dir);
  int status = system(cmd);
  if (status == -1 || !WIFEXITED(status)) {
    fprintf(stderr, "cannot run %s\n", cmd);
    exit(1);
  }
  if (WEXITSTATUS(status) == 77) {
    fprintf(stderr, "skipped: certtool or openssl is missing for the hardening fixtures\n");
    exit(77);
  }
  if (WEXITSTATUS(status) != 0) {
    fprintf(stderr, "%s failed with status %d\n", cmd, WEXITSTATUS(status));
    exit(1);
  }
}

char *hardening_fixture(const char *name, size_t *len)
{
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open fixture %s\n", path);
    exit(1);
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (!buf) {
    fprintf(stderr, "out of memory reading %s\n", path);
    exit(1);
  }
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}
