/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The test PKI and the availability of each peer's program (see peers.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "peer_internal.h"

int peers_run_wait(char *const argv[], const char *const envs[])
{
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    for (size_t i = 0; envs && envs[i]; i += 2)
      setenv(envs[i], envs[i + 1], 1);
    execvp(argv[0], argv);
    fprintf(stderr, "peers: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool peers_file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

const char *peers_ring_path(const char *fmt, ...)
{
  static _Thread_local char ring[16][PATH_MAX];
  static _Thread_local unsigned next;
  char *out = ring[next++ % 16];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, PATH_MAX, fmt, ap);
  va_end(ap);
  return out;
}

const char *peers_pki(const char *name)
{
  const char *fx = peers_fixtures_dir();
  if (!peers_file_exists(peers_ring_path("%s/pki/complete", fx))) {
    /* Run directly rather than through make check: make the PKI the way the stamp does. */
    const char *src = getenv("CASSL_SRCDIR");
    const char *build = getenv("CASSL_BUILDDIR");
    char script[PATH_MAX], nul[PATH_MAX];
    snprintf(script, sizeof script, "%s/tests/fixtures/pki.sh", src ? src : ".");
    snprintf(nul, sizeof nul, "%s/tests/support/mknulcert", build ? build : ".");
    char *argv[] = { "sh", script, NULL };
    const char *envs[] = { "CASSL_FIXTURES", fx, "MKNULCERT", nul, NULL };
    if (peers_run_wait(argv, envs) != 0) {
      fprintf(stderr, "peers: %s failed: the test PKI is missing\n", script);
      return NULL;
    }
  }
  return peers_ring_path("%s/pki/%s", fx, name);
}

bool peers_have(const char *program)
{
  if (strcmp(program, "java") == 0) {
    char cls[PATH_MAX];
    snprintf(cls, sizeof cls, "%s/java/JsseServer.class", peers_fixtures_dir());
    return peers_program_in_path("java") &&
           (peers_file_exists(cls) || peers_program_in_path("javac"));
  }
  return peers_program_in_path(program);
}

void peers_require(const char *program)
{
  if (!peers_have(program)) {
    fprintf(stderr, "SKIP: %s is not installed, so the tests that need it cannot run\n",
            program);
    exit(PEER_SKIP);
  }
}
