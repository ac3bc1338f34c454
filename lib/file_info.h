/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The objects behind <cassl/inspect.h>: the core owns and frees them, a backend's file_read
 * fills them, so the description of a file is the backend's reading of it. */
#ifndef CASSL_FILE_INFO_H
#define CASSL_FILE_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "cassl/inspect.h"
#include "errmsg.h"
#include "names.h"

struct cassl_cert_info {
  char *subject, *issuer, *serial; /* never NULL once filled */
  char *common_name;               /* or NULL */
  int64_t not_before, not_after;
  bool is_ca, self_signed;
  char **sans;
  size_t san_count;
  char key[64];
  char sha256[3 * 32];
  char pin[80];
  unsigned char key_id[64];
  size_t key_id_len;
  unsigned char *der;
  size_t der_len;
  struct cassl_cert_names names; /* the identities, extracted as for a session's peer */
  CassError names_error;         /* why they could not be (the identity check says it) */
  cassl_errmsg names_message;
};

struct cassl_key_info {
  const char *format; /* a literal */
  bool encrypted, attempted, loaded;
  char scheme[160];
  char problem[256];
  char type[64];
  unsigned char key_id[64];
  size_t key_id_len;
};

struct cassl_file_info {
  const char *format; /* a literal, or NULL */
  bool pkcs12;
  char pkcs12_mac[128];
  char pkcs12_cert_encryption[160]; /* "" = not read */
  char pkcs12_key_encryption[160];
  char **skipped;
  size_t skipped_count;
  struct cassl_cert_info **certs;
  size_t cert_count;
  struct cassl_key_info **keys;
  size_t key_count;
  size_t pem_blocks;  /* BEGIN/END blocks taken, whatever their label */
  bool full;          /* the item cap was reached: reading stopped (recorded as a failure) */
  CassError error;
  cassl_errmsg message;
  char hint[512];
};

/* Cap on items per file: a file of millions of tiny PEM blocks is refused, not held. Every
 * PEM block counts, whatever its label (unknown and damaged ones too), and so does every
 * certificate and key of a DER or PKCS#12 file. */
#define CASSL_FILE_INFO_MAX_ITEMS 4096

/* Counts one more PEM block before it is read; false when the cap is reached (then
 * info->full, and the failure is recorded): the caller stops reading. */
bool cassl_file_info_take_pem_block(struct cassl_file_info *info);

/* A new zeroed certificate or key appended to info; NULL when memory runs out or the cap
 * is reached (then info->full, and the failure is recorded): the caller stops reading. */
struct cassl_cert_info *cassl_file_info_add_cert(struct cassl_file_info *info);
struct cassl_key_info *cassl_file_info_add_key(struct cassl_file_info *info,
                                               const char *format);
/* Drops the last certificate added (it did not parse after all). */
void cassl_file_info_drop_last_cert(struct cassl_file_info *info);
/* A copy of label in the skipped list; false when memory runs out or the cap is reached
 * (then info->full). */
bool cassl_file_info_skip(struct cassl_file_info *info, const char *label);
/* Appends prefix + len bytes of value as a SAN for display; false when memory runs out. */
bool cassl_cert_info_add_san(struct cassl_cert_info *cert, const char *prefix,
                             const char *value, size_t len);
/* Records a failure; only the first is kept (code, sentence, hint). */
void cassl_file_info_fail(struct cassl_file_info *info, CassError code, const char *hint,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
