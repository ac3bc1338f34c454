/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Secret wiping for the core (see secure.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secure.h"

void cassl_wipe(void *p, size_t len)
{
  if (p && len)
    explicit_bzero(p, len);
}

void cassl_free_secret_string(char *s)
{
  if (s) {
    cassl_wipe(s, strlen(s));
    free(s);
  }
}
