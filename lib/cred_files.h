/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Credentials bound to files (cassl_ssl_set_cert_key_files, _trusted_file, _crl_file) and
 * their reload: what the object remembers of each file it read, to tell what changed. */
#ifndef CASSL_CRED_FILES_H
#define CASSL_CRED_FILES_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cassl/cassl.h"
#include "errmsg.h"

/* Larger files are refused: a CA bundle is a few hundred KiB, and a reload never holds an
 * unbounded amount of memory. */
#define CASSL_BOUND_FILE_MAX (4u << 20)
#define CASSL_RELOAD_INTERVAL_MAX 86400u

/* What identifies a file's content without reading it (fstat of what was read). */
struct cassl_file_sig {
  bool valid;
  dev_t dev;
  ino_t ino;
  off_t size;
  struct timespec mtime, ctime;
};

/* One bound file or URL, as last loaded into the configuration in force. */
struct cassl_bound {
  char *path;                /* NULL = not bound */
  char *shown;               /* path as sentences show it (a URL's PIN hidden) */
  bool url;                  /* a PKCS#11 URL: read when bound only */
  struct cassl_file_sig sig;
  unsigned char sha256[32];  /* of the content in force */
};

/* A set of bound files loaded together: the client pair (cert + key), the trusted file, the
 * CRL file. A refusal is remembered by the content it was about, so the same refused state
 * is reported again without parsing it (or deriving its key) again. */
struct cassl_bound_unit {
  bool refused;
  unsigned char refused_sha256[32]; /* of the members' contents that were refused */
  CassError refused_rc;
  cassl_errmsg refused_msg;
};

struct cassl_bindings {
  struct cassl_bound cert, key, trust, crl;
  struct cassl_bound_unit pair_unit, trust_unit, crl_unit;
  char *password;             /* the bound key's (wiped when replaced or freed) */
  size_t password_len;
  atomic_uint interval;       /* seconds between checks at session creation; 0 = none */
  atomic_llong next_check;    /* CLOCK_MONOTONIC second of the next check */
  /* The latest reload's outcome, under the object's lock. */
  cassl_reload_result last_result;
  cassl_errmsg last_msg;
};

struct cassl_ssl;

/* Frees what the bindings hold (the object is going away). */
void cassl_bindings_free(struct cassl_bindings *b);
/* The application set a client pair by hand (set_cert, set_private_key, set_pkcs12): the
 * pair's files are unbound. Under the setter lock. */
void cassl_bindings_forget_pair(struct cassl_bindings *b);
/* At session creation: reloads when the interval is on and due, unless a reload or a
 * setter is running (it never waits). */
void cassl_reload_if_due(struct cassl_ssl *ssl);

#endif
