/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A minimal stand-in for the DataStax driver's cassandra.h, reduced to what concerns SSL:
 * the same guard, export macro, types, enum values, error numbers and cass_ssl_* prototypes.
 * Tests include it before cassl/cassl.h to check that both headers compile together. */
#ifndef __CASSANDRA_H_INCLUDED__
#define __CASSANDRA_H_INCLUDED__

#include <stddef.h>

#if !defined(CASS_STATIC)
#if (defined(WIN32) || defined(_WIN32))
#if defined(CASS_BUILDING)
#define CASS_EXPORT __declspec(dllexport)
#else
#define CASS_EXPORT __declspec(dllimport)
#endif
#elif (defined(__GNUC__) && __GNUC__ >= 4) || defined(__INTEL_COMPILER)
#define CASS_EXPORT __attribute__((visibility("default")))
#endif
#else
#define CASS_EXPORT
#endif

#ifndef CASS_EXPORT
#define CASS_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { cass_false = 0, cass_true = 1 } cass_bool_t;

typedef struct CassSsl_ CassSsl;

typedef enum CassSslVerifyFlags_ {
  CASS_SSL_VERIFY_NONE = 0x00,
  CASS_SSL_VERIFY_PEER_CERT = 0x01,
  CASS_SSL_VERIFY_PEER_IDENTITY = 0x02,
  CASS_SSL_VERIFY_PEER_IDENTITY_DNS = 0x04
} CassSslVerifyFlags;

typedef enum CassSslTlsVersion_ {
  CASS_SSL_VERSION_TLS1 = 0x00,
  CASS_SSL_VERSION_TLS1_1 = 0x01,
  CASS_SSL_VERSION_TLS1_2 = 0x02
} CassSslTlsVersion;

typedef enum CassErrorSource_ {
  CASS_ERROR_SOURCE_NONE,
  CASS_ERROR_SOURCE_LIB,
  CASS_ERROR_SOURCE_SERVER,
  CASS_ERROR_SOURCE_SSL,
  CASS_ERROR_SOURCE_COMPRESSION
} CassErrorSource;

/* The driver builds its error enum from one mapping macro; the same technique here. */
#define CASS_ERROR_MAPPING(XX)                                                                 \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_BAD_PARAMS, 1, "Bad parameters")                    \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_NO_STREAMS, 2, "No streams available")              \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_UNABLE_TO_INIT, 3, "Unable to initialize")          \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_MESSAGE_ENCODE, 4, "Unable to encode message")      \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_HOST_RESOLUTION, 5, "Unable to resolve host")       \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, 6,                             \
     "Unexpected response from server")                                                        \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_REQUEST_QUEUE_FULL, 7, "The request queue is full") \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_NO_AVAILABLE_IO_THREAD, 8, "No available IO threads") \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_WRITE_ERROR, 9, "Write error")                      \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_NO_HOSTS_AVAILABLE, 10, "No hosts available")       \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_REQUEST_TIMED_OUT, 14, "Request timed out")         \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_NOT_IMPLEMENTED, 21, "Not implemented")             \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_UNABLE_TO_CONNECT, 22, "Unable to connect")         \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_UNABLE_TO_CLOSE, 23, "Unable to close")             \
  XX(CASS_ERROR_SOURCE_LIB, CASS_ERROR_LIB_INVALID_DATA, 30, "Invalid data")                   \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_INVALID_CERT, 1, "Unable to load certificate")      \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, 2, "Unable to load private key") \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_NO_PEER_CERT, 3, "No peer certificate")             \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_INVALID_PEER_CERT, 4, "Invalid peer certificate")   \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_IDENTITY_MISMATCH, 5,                               \
     "Certificate does not match host or IP address")                                          \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_PROTOCOL_ERROR, 6, "Protocol error")                \
  XX(CASS_ERROR_SOURCE_SSL, CASS_ERROR_SSL_CLOSED, 7, "Connection closed")

#define CASS_ERROR(source, code) ((source << 24) | code)

typedef enum CassError_ {
  CASS_OK = 0,
#define XX_ERROR(source, name, code, _) name = CASS_ERROR(source, code),
  CASS_ERROR_MAPPING(XX_ERROR)
#undef XX_ERROR
  CASS_ERROR_LAST_ENTRY
} CassError;

CASS_EXPORT CassSsl* cass_ssl_new();
CASS_EXPORT CassSsl* cass_ssl_new_no_lib_init();
CASS_EXPORT void cass_ssl_free(CassSsl* ssl);
CASS_EXPORT CassError cass_ssl_add_trusted_cert(CassSsl* ssl, const char* cert);
CASS_EXPORT CassError cass_ssl_add_trusted_cert_n(CassSsl* ssl, const char* cert,
                                                  size_t cert_length);
CASS_EXPORT void cass_ssl_set_verify_flags(CassSsl* ssl, int flags);
CASS_EXPORT CassError cass_ssl_set_cert(CassSsl* ssl, const char* cert);
CASS_EXPORT CassError cass_ssl_set_cert_n(CassSsl* ssl, const char* cert, size_t cert_length);
CASS_EXPORT CassError cass_ssl_set_private_key(CassSsl* ssl, const char* key,
                                               const char* password);
CASS_EXPORT CassError cass_ssl_set_private_key_n(CassSsl* ssl, const char* key, size_t key_length,
                                                 const char* password, size_t password_length);
CASS_EXPORT CassError cass_ssl_set_min_protocol_version(CassSsl* ssl,
                                                        CassSslTlsVersion min_version);

/* Part of the driver (not of libcassl): declared, never called by the tests. */
CASS_EXPORT const char* cass_error_desc(CassError error);

#ifdef __cplusplus
}
#endif

#endif /* __CASSANDRA_H_INCLUDED__ */
