/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* What tests/api/test_api_compat.c (built against the driver's header) observed. */
#ifndef CASSL_TEST_API_COMPAT_H
#define CASSL_TEST_API_COMPAT_H

struct compat_result {
  int created;
  int min_tls12, min_tls13, trusted, key; /* CassError values */
  int sentence;                           /* cassl_ssl_last_error was not empty */
  const char *desc;                       /* cassl_error_desc(trusted) */
};

void compat_exercise(struct compat_result *r);

#endif
