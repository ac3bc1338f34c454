/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The identities a peer certificate claims, extracted by a backend and judged by the core
 * (identity.c), so the rules of DESIGN 2.2 live in one backend-independent place. */
#ifndef CASSL_NAMES_H
#define CASSL_NAMES_H

#include <stddef.h>

#include "cassl/cassl.h"

enum cassl_name_type {
  CASSL_NAME_DNS, /* subjectAltName dNSName, bytes as in the certificate */
  CASSL_NAME_IP,  /* subjectAltName iPAddress: 4 or 16 raw bytes */
  CASSL_NAME_CN   /* subject commonName as text: UTF-8, or the bytes of a string type
                     without an encoding of its own (may hold a NUL) */
};

struct cassl_name {
  enum cassl_name_type type;
  size_t len;
  unsigned char *data; /* len bytes plus a terminating NUL */
  /* CN only: the CA of the chain whose name constraints do not permit this CN as an
   * identity (its subject, as text), or NULL. Chain verification checks the SANs against
   * the constraints but not a CN used in their place, so the backend says so here. */
  char *outside_constraints_of;
};

struct cassl_cert_names {
  struct cassl_name *items;
  size_t count;
  size_t cap;
};

/* Appends a copy; CASS_ERROR_LIB_BAD_PARAMS only when memory runs out. */
CassError cassl_names_add(struct cassl_cert_names *names, enum cassl_name_type type,
                          const void *data, size_t len);
/* Marks n as outside the name constraints of the CA named ca (copied); CASS_ERROR_LIB_BAD_PARAMS
 * only when memory runs out. */
CassError cassl_name_set_outside_constraints(struct cassl_name *n, const char *ca);
void cassl_names_clear(struct cassl_cert_names *names);
/* Appends copies of every name of src, marks included; CASS_ERROR_LIB_BAD_PARAMS only when
 * memory runs out (dst then holds what was copied so far). */
CassError cassl_names_copy(struct cassl_cert_names *dst, const struct cassl_cert_names *src);

#endif
