/* Restates, for testing, the part of the DataStax C/C++ driver's include/cassandra.h
 * (2.17.1) that its TLS layer uses: the same guard, names and values. It must stay faithful
 * to the driver's header; nothing here is libcassl's. */
#ifndef __CASSANDRA_H_INCLUDED__
#define __CASSANDRA_H_INCLUDED__

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CASS_EXPORT __attribute__((visibility("default")))

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

#define CASS_ERROR(source, code) ((source << 24) | code)

/* The driver lists every error; these are the ones its TLS layer meets. */
typedef enum CassError_ {
  CASS_OK = 0,
  CASS_ERROR_LIB_BAD_PARAMS = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 1),
  CASS_ERROR_LIB_NOT_IMPLEMENTED = CASS_ERROR(CASS_ERROR_SOURCE_LIB, 21),
  CASS_ERROR_SSL_INVALID_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 1),
  CASS_ERROR_SSL_INVALID_PRIVATE_KEY = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 2),
  CASS_ERROR_SSL_NO_PEER_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 3),
  CASS_ERROR_SSL_INVALID_PEER_CERT = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 4),
  CASS_ERROR_SSL_IDENTITY_MISMATCH = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 5),
  CASS_ERROR_SSL_PROTOCOL_ERROR = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 6),
  CASS_ERROR_SSL_CLOSED = CASS_ERROR(CASS_ERROR_SOURCE_SSL, 7)
} CassError;

/* The driver's TLS functions (src/ssl.cpp; tests/driver/standin/ssl.cpp here). */
CASS_EXPORT CassSsl* cass_ssl_new(void);
CASS_EXPORT CassSsl* cass_ssl_new_no_lib_init(void);
CASS_EXPORT void cass_ssl_free(CassSsl* ssl);
CASS_EXPORT CassError cass_ssl_add_trusted_cert(CassSsl* ssl, const char* cert);
CASS_EXPORT CassError cass_ssl_add_trusted_cert_n(CassSsl* ssl, const char* cert,
                                                  size_t cert_length);
CASS_EXPORT void cass_ssl_set_verify_flags(CassSsl* ssl, int flags);
CASS_EXPORT CassError cass_ssl_set_cert(CassSsl* ssl, const char* cert);
CASS_EXPORT CassError cass_ssl_set_cert_n(CassSsl* ssl, const char* cert, size_t cert_length);
CASS_EXPORT CassError cass_ssl_set_private_key(CassSsl* ssl, const char* key,
                                               const char* password);
CASS_EXPORT CassError cass_ssl_set_private_key_n(CassSsl* ssl, const char* key,
                                                 size_t key_length, const char* password,
                                                 size_t password_length);
CASS_EXPORT CassError cass_ssl_set_min_protocol_version(CassSsl* ssl,
                                                        CassSslTlsVersion min_version);

#ifdef __cplusplus
}
#endif

#endif
