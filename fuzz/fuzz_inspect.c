/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: `cassl inspect` (tools/src/inspect.c) on an arbitrary file, with the
 * password taken from the input as in fuzz_private_key (byte 0 = length n, n password bytes,
 * then the file). The report goes to /dev/null. The file is an anonymous memory file named
 * through /proc/self/fd, so a run that dies (a finding, a timeout) leaves nothing behind. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* main.c (not linked: libFuzzer has the main) defines these. */
FILE *tool_error_out;
void tool_error(CassError code, const char *detail, const char *hint)
{
  (void)code;
  (void)detail;
  (void)hint;
}

static char path[64];
static int file_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (!freopen("/dev/null", "w", stdout))
    abort();
  file_fd = memfd_create("cassl-fuzz-inspect", MFD_CLOEXEC);
  if (file_fd < 0)
    abort();
  snprintf(path, sizeof path, "/proc/self/fd/%d", file_fd);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t pw_len = data[0];
  if (pw_len > size - 1)
    pw_len = size - 1;
  size_t file_len = size - 1 - pw_len;
  if (ftruncate(file_fd, 0) != 0 ||
      pwrite(file_fd, data + 1 + pw_len, file_len, 0) != (ssize_t)file_len)
    abort();

  char pw[256];
  memcpy(pw, data + 1, pw_len);
  pw[pw_len] = '\0';
  char a0[] = "inspect", a1[] = "--password", a3[] = "--json";
  char file[sizeof path];
  memcpy(file, path, sizeof path);
  char *argv[] = { a0, a1, pw, a3, file, NULL };
  (void)cmd_inspect(5, argv);
  fflush(stdout);
  return 0;
}
