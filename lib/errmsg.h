/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A failure's human sentence, carried next to its CassError through every layer. */
#ifndef CASSL_ERRMSG_H
#define CASSL_ERRMSG_H

#include "cassl/cassl.h"

#define CASSL_ERRMSG_MAX 512

typedef struct cassl_errmsg {
  char text[CASSL_ERRMSG_MAX];
} cassl_errmsg;

/* Writes the sentence (printf format) into msg when msg is not NULL and returns code, so a
 * failure reads `return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no PEM ...");`. */
CassError cassl_fail(cassl_errmsg *msg, CassError code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void cassl_errmsg_clear(cassl_errmsg *msg);

/* A PKCS#11 URL as sentences may show it: the value of a pin-value attribute replaced by
 * "***" (a PIN never reaches a log). Anything else is copied as is; cut to cap bytes. */
void cassl_redact_url(const char *url, char *out, size_t cap);

/* Records a failure as the calling thread's last error (cassl_last_error): msg's sentence,
 * or the code's description when msg is NULL or empty. */
void cassl_note_thread_error(CassError code, const cassl_errmsg *msg);

#endif
