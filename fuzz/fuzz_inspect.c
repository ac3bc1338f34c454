/* libFuzzer target: `cassl inspect` (tools/src/inspect.c) on an arbitrary file, with the
 * password taken from the input as in fuzz_private_key (byte 0 = length n, n password bytes,
 * then the file). The report goes to /dev/null. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (!freopen("/dev/null", "w", stdout))
    abort();
  snprintf(path, sizeof path, "/tmp/cassl-fuzz-inspect-%ld", (long)getpid());
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t pw_len = data[0];
  if (pw_len > size - 1)
    pw_len = size - 1;
  FILE *f = fopen(path, "wb");
  if (!f)
    abort();
  fwrite(data + 1 + pw_len, 1, size - 1 - pw_len, f);
  fclose(f);

  char pw[256];
  memcpy(pw, data + 1, pw_len);
  pw[pw_len] = '\0';
  char a0[] = "inspect", a1[] = "--password", a3[] = "--json";
  char file[sizeof path];
  memcpy(file, path, sizeof path);
  char *argv[] = { a0, a1, pw, a3, file, NULL };
  (void)cmd_inspect(5, argv);
  fflush(stdout);
  unlink(path);
  return 0;
}
