/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/*
  libcassl backend for the DataStax C/C++ driver: the driver's SslContext, SslSession and
  SslContextFactory over libcassl's embedding API (the cassl_ names only).

  Added to the driver's src/ssl/ with ssl_cassl_impl.cpp by patches/0001 (with the CMake
  option CASS_USE_CASSL): the bottom of src/ssl.hpp then includes this header (HAVE_CASSL),
  after the driver's cassandra.h, so <cassl/cassl.h> declares only the cassl_ API and the
  driver's own cass_ssl_* functions stay the driver's.

  One cassl_ssl per CasslContext: its trust, credentials, versions and resumption cache are
  shared by every session the context creates; each session holds a reference on it, so a
  session outlives the context safely.
*/

#ifndef DATASTAX_INTERNAL_SSL_CASSL_IMPL_HPP
#define DATASTAX_INTERNAL_SSL_CASSL_IMPL_HPP

#include <cassl/cassl.h>
#include <cassl/session.h>

namespace datastax { namespace internal { namespace core {

class CasslSession : public SslSession {
public:
  CasslSession(const Address& address, const String& hostname, const String& sni_server_name,
               int flags, cassl_ssl* ssl);
  ~CasslSession();

  // The TLS handshake is over (verified or not yet); verify() gives the verdict.
  virtual bool is_handshake_done() const;

  virtual void do_handshake();
  virtual void verify();

  virtual int encrypt(const char* buf, size_t size);
  virtual int decrypt(char* buf, size_t size);

  // The libcassl session, for diagnostics (cassl_session_get_info); NULL if creation failed.
  const cassl_session* cassl() const { return session_; }

private:
  bool feed_incoming();
  void move_output();
  void set_error(CassError rc);

  cassl_session* session_;
};

class CasslContext : public SslContext {
public:
  CasslContext();
  ~CasslContext();

  virtual SslSession* create_session(const Address& address, const String& hostname,
                                     const String& sni_server_name);
  virtual CassError add_trusted_cert(const char* cert, size_t cert_length);
  virtual CassError set_cert(const char* cert, size_t cert_length);
  virtual CassError set_private_key(const char* key, size_t key_length, const char* password,
                                    size_t password_length);
  virtual CassError set_min_protocol_version(CassSslTlsVersion min_version);

  // The libcassl object, for its extensions (PKCS#12, CRLs, pins, system trust, ...).
  cassl_ssl* cassl() const { return ssl_; }

private:
  cassl_ssl* ssl_;
};

class CasslContextFactory : public SslContextFactoryBase<CasslContextFactory> {
public:
  static SslContext::Ptr create();
  static void internal_init();
  static void internal_thread_cleanup();
  static void internal_cleanup();
};

typedef SslContextFactoryBase<CasslContextFactory> SslContextFactory;

}}} // namespace datastax::internal::core

#endif
