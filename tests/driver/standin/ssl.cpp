// Restates, for testing, the DataStax C/C++ driver's src/ssl.cpp (2.17.1): the driver's own
// cass_ssl_* functions, each calling the context's methods (so this program defines the
// same names libcassandra exports). Keep it faithful to the driver's code.
#include "ssl.hpp"

#include <string.h>

using namespace datastax::internal::core;

#define STANDIN_STRLEN(s) ((s) != NULL ? strlen(s) : 0)

extern "C" {

CassSsl* cass_ssl_new() {
  SslContextFactory::init_once();
  return cass_ssl_new_no_lib_init();
}

CassSsl* cass_ssl_new_no_lib_init() {
  SslContext::Ptr context(SslContextFactory::create());
  context->inc_ref(); // the application's reference
  return CassSsl::to(context.get());
}

void cass_ssl_free(CassSsl* ssl) { ssl->dec_ref(); }

CassError cass_ssl_add_trusted_cert(CassSsl* ssl, const char* cert) {
  return cass_ssl_add_trusted_cert_n(ssl, cert, STANDIN_STRLEN(cert));
}

CassError cass_ssl_add_trusted_cert_n(CassSsl* ssl, const char* cert, size_t cert_length) {
  return ssl->add_trusted_cert(cert, cert_length);
}

void cass_ssl_set_verify_flags(CassSsl* ssl, int flags) { ssl->set_verify_flags(flags); }

CassError cass_ssl_set_cert(CassSsl* ssl, const char* cert) {
  return cass_ssl_set_cert_n(ssl, cert, STANDIN_STRLEN(cert));
}

CassError cass_ssl_set_cert_n(CassSsl* ssl, const char* cert, size_t cert_length) {
  return ssl->set_cert(cert, cert_length);
}

CassError cass_ssl_set_private_key(CassSsl* ssl, const char* key, const char* password) {
  return cass_ssl_set_private_key_n(ssl, key, STANDIN_STRLEN(key), password,
                                    STANDIN_STRLEN(password));
}

CassError cass_ssl_set_private_key_n(CassSsl* ssl, const char* key, size_t key_length,
                                     const char* password, size_t password_length) {
  return ssl->set_private_key(key, key_length, password, password_length);
}

CassError cass_ssl_set_min_protocol_version(CassSsl* ssl, CassSslTlsVersion min_version) {
  return ssl->set_min_protocol_version(min_version);
}

} // extern "C"

template <class T>
uv_once_t SslContextFactoryBase<T>::ssl_init_guard = UV_ONCE_INIT;
