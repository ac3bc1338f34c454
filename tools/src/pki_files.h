/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* How cassl pki writes and reads its files: every file appears whole or not at all
 * (written beside its final name, then renamed), an existing one only with --force, secrets
 * and keys mode 0600 in 0700 directories, passwords generated strong or read from a private
 * file or the environment, never from the command line. */
#ifndef CASSL_TOOL_PKI_FILES_H
#define CASSL_TOOL_PKI_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* 32 characters from [A-Za-z0-9], about 190 bits: printable, so it pastes into YAML and
 * shell without quoting. */
#define PKI_PASSWORD_LEN 32

/* Fills out (PKI_PASSWORD_LEN + 1 bytes) with a new random password. 0 or -1. */
int pki_password_generate(char *out);

/* Writes data to path through a temporary file in the same directory and a rename: an
 * interrupted run leaves the old file or none, never half of one. Without force an
 * existing path is left alone and the result is 1. 0 written, 1 exists, -1 error (errno). */
int pki_file_write(const char *path, const void *data, size_t len, mode_t mode, bool force);

/* Makes dir (and its parents) mode 0700 when missing. 0 or -1 (errno). */
int pki_dir_make(const char *dir);

bool pki_file_exists(const char *path);

/* A secret from the file named by file_opt (mode checked as for --key-password-file), or
 * else from the environment variable env. 0 and *out set (wipe and free it); 1 when neither
 * is given; -1 after printing the error:/hint: lines (what = whose password it is). */
int pki_secret_read(const char *file_opt, const char *env, const char *what, char **out);

#endif
