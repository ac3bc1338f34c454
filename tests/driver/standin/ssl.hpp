/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
// Restates, for testing, the DataStax C/C++ driver's src/ssl.hpp (2.17.1): the TLS
// interfaces a backend implements (SslSession, SslContext, SslContextFactoryBase<T>), then
// the backend's header at the bottom, as the driver does once
// integrations/cpp-driver/patches/0001 is applied (there: "ssl/ssl_cassl_impl.hpp"). Keep it
// faithful to the driver's code.
#ifndef DATASTAX_INTERNAL_SSL_HPP
#define DATASTAX_INTERNAL_SSL_HPP

#include "address.hpp"
#include "allocated.hpp"
#include "cassandra.h"
#include "external.hpp"
#include "ref_counted.hpp"
#include "ring_buffer.hpp"
#include "string.hpp"

#include <uv.h>

namespace datastax { namespace internal { namespace core {

// One TLS connection. The socket code puts received ciphertext in incoming() and sends what
// the session puts in outgoing(). flags: the context's verify flags when it was created.
class SslSession : public Allocated {
public:
  SslSession(const Address& address, const String& hostname, const String& sni_server_name,
             int flags)
      : address_(address)
      , hostname_(hostname)
      , sni_server_name_(sni_server_name)
      , verify_flags_(flags)
      , error_code_(CASS_OK) {}

  virtual ~SslSession() {}

  bool has_error() const { return error_code() != CASS_OK; }
  CassError error_code() const { return error_code_; }
  String error_message() const { return error_message_; }

  virtual bool is_handshake_done() const = 0;
  virtual void do_handshake() = 0;
  virtual void verify() = 0;

  // Plaintext in, ciphertext to outgoing(); returns the bytes taken or <= 0.
  virtual int encrypt(const char* data, size_t data_size) = 0;
  // Ciphertext from incoming(), plaintext out; returns the bytes given, or <= 0 (an error
  // only when has_error()).
  virtual int decrypt(char* data, size_t data_size) = 0;

  rb::RingBuffer& incoming() { return incoming_; }
  rb::RingBuffer& outgoing() { return outgoing_; }

protected:
  Address address_;
  String hostname_;
  String sni_server_name_;
  int verify_flags_;
  rb::RingBuffer incoming_;
  rb::RingBuffer outgoing_;
  CassError error_code_;
  String error_message_;
};

// What the application's CassSsl is inside the driver.
class SslContext : public RefCounted<SslContext> {
public:
  typedef SharedRefPtr<SslContext> Ptr;

  SslContext()
      : verify_flags_(CASS_SSL_VERIFY_PEER_CERT) {}
  virtual ~SslContext() {}

  void set_verify_flags(int flags) { verify_flags_ = flags; }
  bool is_cert_validation_enabled() { return verify_flags_ != CASS_SSL_VERIFY_NONE; }

  virtual SslSession* create_session(const Address& address, const String& hostname,
                                     const String& sni_server_name) = 0;
  virtual CassError add_trusted_cert(const char* cert, size_t cert_length) = 0;
  virtual CassError set_cert(const char* cert, size_t cert_length) = 0;
  virtual CassError set_private_key(const char* key, size_t key_length, const char* password,
                                    size_t password_length) = 0;
  virtual CassError set_min_protocol_version(CassSslTlsVersion min_version) = 0;

protected:
  int verify_flags_;
};

// The backend's hooks, reached through static functions of T.
template <class T>
class SslContextFactoryBase {
public:
  static SslContext::Ptr create() { return T::create(); }
  static void init_once() { uv_once(&ssl_init_guard, T::init); }
  static void thread_cleanup() { T::internal_thread_cleanup(); }

  static void init() { T::internal_init(); }       // tests only, in the driver
  static void cleanup() { T::internal_cleanup(); } // tests only, in the driver

private:
  static uv_once_t ssl_init_guard;
};

}}} // namespace datastax::internal::core

#include "ssl_cassl_impl.hpp"

EXTERNAL_TYPE(datastax::internal::core::SslContext, CassSsl)

#endif
