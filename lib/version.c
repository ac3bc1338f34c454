/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl_version: the version this library was built as (include/cassl/version.h). */
#include "cassl/version.h"

const char *cassl_version(void)
{
  return CASSL_VERSION_STRING;
}
