/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Error descriptions (the driver's strings) and the per-call failure sentence. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errmsg.h"

CassError cassl_fail(cassl_errmsg *msg, CassError code, const char *fmt, ...)
{
  if (msg) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg->text, sizeof msg->text, fmt, ap);
    va_end(ap);
  }
  return code;
}

void cassl_errmsg_clear(cassl_errmsg *msg)
{
  if (msg)
    msg->text[0] = '\0';
}

CASSL_EXPORT const char *cassl_error_desc(CassError error)
{
  switch (error) {
  case CASS_OK: return "";
  case CASS_ERROR_LIB_BAD_PARAMS: return "Bad parameters";
  case CASS_ERROR_LIB_UNABLE_TO_INIT: return "Unable to initialize";
  case CASS_ERROR_LIB_HOST_RESOLUTION: return "Unable to resolve host";
  case CASS_ERROR_LIB_UNEXPECTED_RESPONSE: return "Unexpected response from server";
  case CASS_ERROR_LIB_WRITE_ERROR: return "Write error";
  case CASS_ERROR_LIB_REQUEST_TIMED_OUT: return "Request timed out";
  case CASS_ERROR_LIB_NOT_IMPLEMENTED: return "Not implemented";
  case CASS_ERROR_LIB_UNABLE_TO_CONNECT: return "Unable to connect";
  case CASS_ERROR_LIB_INTERNAL_ERROR: return "Internal error";
  case CASS_ERROR_LIB_INVALID_DATA: return "Invalid data";
  case CASS_ERROR_SSL_INVALID_CERT: return "Unable to load certificate";
  case CASS_ERROR_SSL_INVALID_PRIVATE_KEY: return "Unable to load private key";
  case CASS_ERROR_SSL_NO_PEER_CERT: return "No peer certificate";
  case CASS_ERROR_SSL_INVALID_PEER_CERT: return "Invalid peer certificate";
  case CASS_ERROR_SSL_IDENTITY_MISMATCH: return "Certificate does not match host or IP address";
  case CASS_ERROR_SSL_PROTOCOL_ERROR: return "Protocol error";
  case CASS_ERROR_SSL_CLOSED: return "Connection closed";
  }
  return "Unknown error";
}

/* The CASS_ERROR_* identifier of a code, as the cassl tool prints it. */
CASSL_EXPORT const char *cassl_error_name(CassError error)
{
  switch (error) {
  case CASS_OK: return "CASS_OK";
  case CASS_ERROR_LIB_BAD_PARAMS: return "CASS_ERROR_LIB_BAD_PARAMS";
  case CASS_ERROR_LIB_UNABLE_TO_INIT: return "CASS_ERROR_LIB_UNABLE_TO_INIT";
  case CASS_ERROR_LIB_HOST_RESOLUTION: return "CASS_ERROR_LIB_HOST_RESOLUTION";
  case CASS_ERROR_LIB_UNEXPECTED_RESPONSE: return "CASS_ERROR_LIB_UNEXPECTED_RESPONSE";
  case CASS_ERROR_LIB_WRITE_ERROR: return "CASS_ERROR_LIB_WRITE_ERROR";
  case CASS_ERROR_LIB_REQUEST_TIMED_OUT: return "CASS_ERROR_LIB_REQUEST_TIMED_OUT";
  case CASS_ERROR_LIB_NOT_IMPLEMENTED: return "CASS_ERROR_LIB_NOT_IMPLEMENTED";
  case CASS_ERROR_LIB_UNABLE_TO_CONNECT: return "CASS_ERROR_LIB_UNABLE_TO_CONNECT";
  case CASS_ERROR_LIB_INTERNAL_ERROR: return "CASS_ERROR_LIB_INTERNAL_ERROR";
  case CASS_ERROR_LIB_INVALID_DATA: return "CASS_ERROR_LIB_INVALID_DATA";
  case CASS_ERROR_SSL_INVALID_CERT: return "CASS_ERROR_SSL_INVALID_CERT";
  case CASS_ERROR_SSL_INVALID_PRIVATE_KEY: return "CASS_ERROR_SSL_INVALID_PRIVATE_KEY";
  case CASS_ERROR_SSL_NO_PEER_CERT: return "CASS_ERROR_SSL_NO_PEER_CERT";
  case CASS_ERROR_SSL_INVALID_PEER_CERT: return "CASS_ERROR_SSL_INVALID_PEER_CERT";
  case CASS_ERROR_SSL_IDENTITY_MISMATCH: return "CASS_ERROR_SSL_IDENTITY_MISMATCH";
  case CASS_ERROR_SSL_PROTOCOL_ERROR: return "CASS_ERROR_SSL_PROTOCOL_ERROR";
  case CASS_ERROR_SSL_CLOSED: return "CASS_ERROR_SSL_CLOSED";
  }
  return "CASS_ERROR_UNKNOWN";
}

/* Each thread's last failure sentence (cassl_last_error): sessions failing at once on
 * several I/O threads must not share one string. */
static _Thread_local cassl_errmsg thread_last_error;

void cassl_note_thread_error(CassError code, const cassl_errmsg *msg)
{
  if (msg && msg->text[0])
    thread_last_error = *msg;
  else
    cassl_fail(&thread_last_error, code, "%s", cassl_error_desc(code));
}

CASSL_EXPORT const char *cassl_last_error(void)
{
  return thread_last_error.text;
}

void cassl_redact_url(const char *url, char *out, size_t cap)
{
  if (!cap)
    return;
  size_t o = 0;
  const char *attr = "pin-value=";
  while (*url && o + 1 < cap) {
    if (strncmp(url, attr, strlen(attr)) == 0) {
      int n = snprintf(out + o, cap - o, "%s***", attr);
      o = n < 0 || (size_t)n >= cap - o ? cap - 1 : o + (size_t)n;
      url += strlen(attr);
      url += strcspn(url, "&");
      continue;
    }
    out[o++] = *url++;
  }
  out[o] = '\0';
}
