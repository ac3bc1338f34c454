/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Storage for the identities of a peer certificate (see names.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"

CassError cassl_names_add(struct cassl_cert_names *names, enum cassl_name_type type,
                          const void *data, size_t len)
{
  if (names->count == names->cap) {
    size_t cap = names->cap ? names->cap * 2 : 8;
    struct cassl_name *items = realloc(names->items, cap * sizeof *items);
    if (!items)
      return CASS_ERROR_LIB_BAD_PARAMS;
    names->items = items;
    names->cap = cap;
  }
  unsigned char *copy = malloc(len + 1);
  if (!copy)
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (len)
    memcpy(copy, data, len);
  copy[len] = '\0';
  names->items[names->count++] = (struct cassl_name){ .type = type, .len = len, .data = copy };
  return CASS_OK;
}

CassError cassl_name_set_outside_constraints(struct cassl_name *n, const char *ca)
{
  char *copy = strdup(ca);
  if (!copy)
    return CASS_ERROR_LIB_BAD_PARAMS;
  free(n->outside_constraints_of);
  n->outside_constraints_of = copy;
  return CASS_OK;
}

CassError cassl_names_copy(struct cassl_cert_names *dst, const struct cassl_cert_names *src)
{
  for (size_t i = 0; i < src->count; i++) {
    const struct cassl_name *n = &src->items[i];
    if (cassl_names_add(dst, n->type, n->data, n->len) != CASS_OK ||
        (n->outside_constraints_of &&
         cassl_name_set_outside_constraints(&dst->items[dst->count - 1],
                                            n->outside_constraints_of) != CASS_OK))
      return CASS_ERROR_LIB_BAD_PARAMS;
  }
  return CASS_OK;
}

void cassl_names_clear(struct cassl_cert_names *names)
{
  for (size_t i = 0; i < names->count; i++) {
    free(names->items[i].data);
    free(names->items[i].outside_constraints_of);
  }
  free(names->items);
  names->items = NULL;
  names->count = names->cap = 0;
}
