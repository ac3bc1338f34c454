/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/*
  libcassl backend for the DataStax C/C++ driver (see ssl_cassl_impl.hpp).

  How it differs from the OpenSSL backend:
  - TLS 1.3 is negotiated by default (libcassl's maximum), TLS 1.2 when the node offers no more.
  - Reconnects resume: libcassl keeps a resumption cache per cassl_ssl, i.e. per context.
  - The socket connector writes what a handshake step produced and calls verify() only after
    a step that produced nothing. When the client's flight ends the handshake (every TLS 1.3
    handshake, a resumed TLS 1.2 one) that step would wait for a read that may never come (a
    node that sends no session ticket says nothing until the client writes), so sessions
    hold that final flight (CASSL_SESSION_HOLD_FINAL_FLIGHT) and send it in front of the
    first encrypt(), whether or not the node asked for a client certificate. A TLS 1.3 node
    that refuses the certificate says so after the flight: the first decrypt() fails with
    its alert named (docs/cpp-driver.md).
  - Verification runs in verify(), not inside the handshake (CASSL_SESSION_DEFER_VERIFY), so a
    bad certificate is a verification error for the driver, as with OpenSSL.
  - SNI is sent only when the driver gives a server name (cloud / SNI proxy).
  - Error messages are libcassl's sentences ("server certificate not trusted: ...").
*/

#include "ssl.hpp"

#include "logger.hpp"

#include <string.h>

using namespace datastax;
using namespace datastax::internal;
using namespace datastax::internal::core;

// Ciphertext moves from the driver's ring buffer to libcassl in pieces of this size.
#define CASSL_FEED_CHUNK_SIZE 8192

CasslSession::CasslSession(const Address& address, const String& hostname,
                           const String& sni_server_name, int flags, cassl_ssl* ssl)
    : SslSession(address, hostname, sni_server_name, flags)
    , session_(NULL) {
  Address::SocketStorage storage;
  cassl_peer peer;
  memset(&peer, 0, sizeof(peer));
  peer.address = address_.to_sockaddr(&storage); // NULL when unresolved: no IP identity
  peer.hostname = hostname_.empty() ? NULL : hostname_.c_str();
  peer.sni = sni_server_name_.empty() ? NULL : sni_server_name_.c_str();

  cassl_session_options options = CASSL_SESSION_OPTIONS_INIT;
  options.verify_flags = verify_flags_; // the context's flags when the driver made the session
  options.sni = sni_server_name_.empty() ? CASSL_SNI_NONE : CASSL_SNI_EXPLICIT;
  options.flags = CASSL_SESSION_DEFER_VERIFY | CASSL_SESSION_HOLD_FINAL_FLIGHT;

  CassError rc = cassl_session_new_ex(ssl, &peer, &options, &session_);
  if (rc != CASS_OK) {
    // Reported by the first do_handshake() as a handshake error.
    session_ = NULL;
    error_code_ = rc;
    const char* message = cassl_last_error();
    error_message_ = (message != NULL && *message != '\0') ? message : cassl_error_desc(rc);
  }
}

CasslSession::~CasslSession() { cassl_session_free(session_); }

bool CasslSession::is_handshake_done() const {
  if (session_ == NULL) return false;
  cassl_session_state state = cassl_session_get_state(session_);
  return state == CASSL_SESSION_HANDSHAKE_DONE || state == CASSL_SESSION_ESTABLISHED;
}

void CasslSession::do_handshake() {
  if (session_ == NULL || has_error()) return;
  if (!feed_incoming()) return;
  CassError rc = cassl_session_handshake(session_);
  move_output();
  if (rc != CASS_OK) set_error(rc);
}

void CasslSession::verify() {
  if (session_ == NULL || has_error()) return;
  CassError rc = cassl_session_verify(session_);
  if (rc != CASS_OK) {
    move_output(); // the alert telling the node why
    set_error(rc);
  }
}

// cassl_session_write_to's sink: the records go straight into the driver's ring buffer.
static int write_to_ring(void* ring, const void* data, size_t len) {
  static_cast<rb::RingBuffer*>(ring)->write(static_cast<const char*>(data), len);
  return 0;
}

int CasslSession::encrypt(const char* buf, size_t size) {
  if (session_ == NULL || has_error()) return -1;
  // Whatever the session holds (the final handshake flight, the answer to a KeyUpdate read
  // by decrypt()) comes out in front of these records.
  CassError rc = cassl_session_write_to(session_, buf, size, write_to_ring, &outgoing_);
  if (rc != CASS_OK) move_output(); // the alert of a failed write, if any
  if (rc != CASS_OK) {
    set_error(rc);
    return -1;
  }
  return static_cast<int>(size);
}

int CasslSession::decrypt(char* buf, size_t size) {
  if (session_ == NULL || has_error()) return -1;
  if (!feed_incoming()) return -1;
  size_t n = 0;
  CassError rc = cassl_session_read(session_, buf, size, &n);
  if (rc != CASS_OK) {
    set_error(rc); // CASS_ERROR_SSL_CLOSED for the node's close_notify
    return -1;
  }
  // Output a read produced stays in the session until the next encrypt(): the driver sends
  // only what a write adds to outgoing().
  return static_cast<int>(n);
}

bool CasslSession::feed_incoming() {
  char chunk[CASSL_FEED_CHUNK_SIZE];
  while (incoming_.length() > 0) {
    size_t n = incoming_.read(chunk, sizeof(chunk));
    CassError rc = cassl_session_feed(session_, chunk, n);
    if (rc != CASS_OK) {
      set_error(rc);
      return false;
    }
  }
  return true;
}

void CasslSession::move_output() {
  size_t len = 0;
  const void* data;
  while ((data = cassl_session_output_peek(session_, &len)) != NULL && len > 0) {
    outgoing_.write(static_cast<const char*>(data), len);
    cassl_session_output_consume(session_, len);
  }
}

void CasslSession::set_error(CassError rc) {
  error_code_ = rc;
  const char* message = cassl_session_error_message(session_);
  error_message_ = (message != NULL && *message != '\0') ? message : cassl_error_desc(rc);
}

CasslContext::CasslContext()
    : ssl_(cassl_ssl_new_no_lib_init()) {
  if (ssl_ == NULL) {
    LOG_ERROR("Unable to create the TLS context: %s", cassl_last_error());
  }
}

CasslContext::~CasslContext() {
  // Sessions still alive keep their own reference on the object.
  if (ssl_ != NULL) cassl_ssl_free(ssl_);
}

SslSession* CasslContext::create_session(const Address& address, const String& hostname,
                                         const String& sni_server_name) {
  return new CasslSession(address, hostname, sni_server_name, verify_flags_, ssl_);
}

CassError CasslContext::add_trusted_cert(const char* cert, size_t cert_length) {
  CassError rc = cassl_ssl_add_trusted_cert_n(ssl_, cert, cert_length);
  if (rc != CASS_OK) {
    LOG_ERROR("Unable to load certificate(s): %s", cassl_last_error());
  }
  return rc;
}

CassError CasslContext::set_cert(const char* cert, size_t cert_length) {
  CassError rc = cassl_ssl_set_cert_n(ssl_, cert, cert_length);
  if (rc != CASS_OK) {
    LOG_ERROR("Unable to load certificate chain: %s", cassl_last_error());
  }
  return rc;
}

CassError CasslContext::set_private_key(const char* key, size_t key_length, const char* password,
                                        size_t password_length) {
  CassError rc = cassl_ssl_set_private_key_n(ssl_, key, key_length, password, password_length);
  if (rc != CASS_OK) {
    LOG_ERROR("Unable to load private key: %s", cassl_last_error());
  }
  return rc;
}

CassError CasslContext::set_min_protocol_version(CassSslTlsVersion min_version) {
  // The driver's enum has three values; cassl_ssl_set_min_protocol_version also takes
  // libcassl's TLS 1.3, which the driver's API does not have.
  if (min_version != CASS_SSL_VERSION_TLS1 && min_version != CASS_SSL_VERSION_TLS1_1 &&
      min_version != CASS_SSL_VERSION_TLS1_2) {
    LOG_ERROR("Unable to set the minimum protocol version: %d is not a CassSslTlsVersion "
              "(a TLS 1.3 minimum: cassl_ssl_set_min_protocol_version on "
              "CasslContext::cassl() with CASSL_SSL_VERSION_TLS1_3)",
              static_cast<int>(min_version));
    return CASS_ERROR_LIB_BAD_PARAMS;
  }
  CassError rc = cassl_ssl_set_min_protocol_version(ssl_, min_version);
  if (rc != CASS_OK) {
    LOG_ERROR("Unable to set the minimum protocol version: %s", cassl_last_error());
  }
  return rc;
}

SslContext::Ptr CasslContextFactory::create() { return SslContext::Ptr(new CasslContext()); }

void CasslContextFactory::internal_init() {
  CassError rc = cassl_global_init();
  if (rc != CASS_OK) {
    LOG_ERROR("Unable to initialize the TLS library: %s", cassl_last_error());
  }
}

// libcassl keeps nothing per thread that needs releasing.
void CasslContextFactory::internal_thread_cleanup() {}

void CasslContextFactory::internal_cleanup() { cassl_global_cleanup(); }
