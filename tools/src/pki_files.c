/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl pki's files: atomic writes without overwriting, private directories, passwords. */
#define _GNU_SOURCE /* mkostemp */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "options.h"
#include "pki_files.h"
#include "tool.h"

int pki_password_generate(char *out)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  size_t n = 0;
  while (n < PKI_PASSWORD_LEN) {
    unsigned char rnd[64];
    if (gnutls_rnd(GNUTLS_RND_KEY, rnd, sizeof rnd) < 0)
      return -1;
    /* 62 * 4 = 248: bytes above it are dropped so every character is equally likely. */
    for (size_t i = 0; i < sizeof rnd && n < PKI_PASSWORD_LEN; i++)
      if (rnd[i] < 248)
        out[n++] = alphabet[rnd[i] % 62];
    gnutls_memset(rnd, 0, sizeof rnd);
  }
  out[n] = '\0';
  return 0;
}

bool pki_file_exists(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int pki_file_write(const char *path, const void *data, size_t len, mode_t mode, bool force)
{
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = mkostemp(tmp, O_CLOEXEC);
  if (fd < 0)
    return -1;
  int saved = 0;
  if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0)
    saved = errno ? errno : EIO;
  if (close(fd) != 0 && !saved)
    saved = errno;
  int result = 0;
  if (!saved) {
    if (force) {
      if (rename(tmp, path) != 0)
        saved = errno;
    } else if (link(tmp, path) != 0) {
      /* link() never replaces: an existing file, even one made meanwhile, stays. */
      if (errno == EEXIST)
        result = 1;
      else
        saved = errno;
    }
  }
  if (force && !saved)
    return 0;
  unlink(tmp);
  if (saved) {
    errno = saved;
    return -1;
  }
  return result;
}

int pki_dir_make(const char *dir)
{
  char path[4096];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *p = path + 1;; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char saved = *p;
    *p = '\0';
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
      return -1;
    *p = saved;
    if (!saved)
      break;
  }
  struct stat st;
  if (stat(path, &st) != 0)
    return -1;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

int pki_secret_read(const char *file_opt, const char *env, const char *what, char **out)
{
  *out = NULL;
  if (file_opt) {
    int ret = read_password_file(file_opt, out);
    if (ret == 0)
      return 0;
    char detail[600], hint[600];
    snprintf(detail, sizeof detail, "the %s cannot be read from %s", what, file_opt);
    if (ret == -2)
      snprintf(hint, sizeof hint, "make the password file private: chmod 600 %s", file_opt);
    else
      snprintf(hint, sizeof hint, "cannot read the password file %s: %s", file_opt,
               strerror(errno));
    tool_error(CASS_ERROR_SSL_INVALID_PRIVATE_KEY, detail, hint);
    return -1;
  }
  const char *value = env ? getenv(env) : NULL;
  if (!value)
    return 1;
  if (!*value) {
    char detail[300];
    snprintf(detail, sizeof detail, "%s is set but empty", env);
    tool_error(CASS_ERROR_SSL_INVALID_PRIVATE_KEY, detail,
               "put the password in the variable, or unset it to have one generated");
    return -1;
  }
  *out = strdup(value);
  return *out ? 0 : -1;
}
