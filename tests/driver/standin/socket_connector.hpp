/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
// Restates, for testing, the DataStax C/C++ driver's TLS socket handling (2.17.1):
// SocketConnector's handshake loop (src/socket_connector.cpp: SslHandshakeHandler,
// ssl_handshake()) and the established socket's SSL write and read paths (src/socket.cpp:
// SslSocketWrite, SslSocketHandler). The driver runs them as libuv callbacks; here each
// callback is a step of a loop over one blocking TCP socket. The rules kept from the driver:
//  - every step (the connect, then each read) runs do_handshake() while the handshake is not
//    done; an error there is SOCKET_ERROR_SSL_HANDSHAKE, after what the session queued (the
//    fatal alert) is written, as integrations/cpp-driver/patches/0001 makes the driver do;
//  - a step writes at most 16 KiB + 5 bytes of outgoing(); only a step that wrote nothing
//    and finds the handshake done calls verify() (an error is SOCKET_ERROR_SSL_VERIFY) and
//    finishes; on a verify() error it first writes what the session queued (the fatal
//    alert), as integrations/cpp-driver/patches/0001 makes the driver do;
//  - a write encrypts in 8 KiB pieces and sends only what those encrypt() calls added to
//    outgoing(), then drops that many bytes from its front;
//  - a read commits the received bytes to incoming() and decrypts into an 8 KiB buffer
//    until decrypt() returns <= 0; CASS_ERROR_SSL_CLOSED closes, other errors defunct.
// Keep it faithful to the driver's code.
#ifndef DATASTAX_INTERNAL_SOCKET_CONNECTOR_HPP
#define DATASTAX_INTERNAL_SOCKET_CONNECTOR_HPP

#include "scoped_ptr.hpp"
#include "ssl.hpp"

#include <stddef.h>

namespace datastax { namespace internal { namespace core {

#define SSL_HANDSHAKE_MAX_BUFFER_SIZE (16 * 1024 + 5)
#define SSL_READ_SIZE 8192
#define SSL_WRITE_SIZE 8192

struct SocketSettings {
  SslContext::Ptr ssl_context;
  unsigned timeout_ms; // stands for the driver's connect timeout (Connector); 0 = 10 s
  SocketSettings()
      : timeout_ms(0) {}
};

// The connected socket with its TLS session (the driver's Socket + SslSocketHandler).
class Socket {
public:
  Socket(int fd, SslSession* ssl_session);
  ~Socket();

  // SslSocketWrite::flush(): encrypts the buffers and sends what encrypt() added.
  // false when the socket is defunct (encrypt or send failed).
  bool write(const String& data);
  // One read callback: receives once, decrypts into the plaintext queue. false when the
  // socket closed (EOF, close_notify) or became defunct.
  bool read_once();
  // Reads until at least size plaintext bytes are queued, or false as read_once().
  bool read_at_least(size_t size);

  String& plaintext() { return plaintext_; }
  bool is_defunct() const { return defunct_; }
  bool is_closed() const { return closed_; }
  SslSession* ssl_session() { return ssl_session_.get(); }

private:
  int fd_;
  ScopedPtr<SslSession> ssl_session_;
  String plaintext_;
  bool defunct_;
  bool closed_;

  friend class SocketConnector;
};

class SocketConnector {
public:
  enum SocketError {
    SOCKET_OK,
    SOCKET_CANCELED,
    SOCKET_ERROR_CLOSE,
    SOCKET_ERROR_CONNECT,
    SOCKET_ERROR_INIT,
    SOCKET_ERROR_BIND,
    SOCKET_ERROR_RESOLVE,
    SOCKET_ERROR_RESOLVE_TIMEOUT,
    SOCKET_ERROR_SSL_HANDSHAKE,
    SOCKET_ERROR_SSL_VERIFY,
    SOCKET_ERROR_WRITE,
    SOCKET_ERROR_TIMEOUT // the stand-in's: the driver's Connector times the connect out
  };

  // address: resolved (an IP literal), its server_name() is the SNI to send (may be empty);
  // hostname: what the driver's resolver or reverse DNS found (may be empty).
  SocketConnector(const Address& address, const String& hostname,
                  const SocketSettings& settings);
  ~SocketConnector();

  // TCP connect, then the handshake loop until it finishes or fails.
  void connect();

  SocketError error_code() const { return error_code_; }
  const String& error_message() const { return error_message_; }
  CassError ssl_error_code() const { return ssl_error_code_; }
  bool is_ok() const { return error_code_ == SOCKET_OK; }
  bool is_ssl_error() const {
    return error_code_ == SOCKET_ERROR_SSL_HANDSHAKE || error_code_ == SOCKET_ERROR_SSL_VERIFY;
  }

  // The handshake steps run and the largest write one made (the driver's bound holds).
  unsigned handshake_steps() const { return steps_; }
  size_t largest_handshake_write() const { return largest_write_; }

  // The established socket (NULL after an error); the caller owns it.
  Socket* release_socket();

private:
  void ssl_handshake();
  void finish();
  void on_error(SocketError code, const String& message);

  Address address_;
  String hostname_;
  SocketSettings settings_;
  ScopedPtr<Socket> socket_;
  SocketError error_code_;
  String error_message_;
  CassError ssl_error_code_;
  bool finished_;
  unsigned steps_;
  size_t largest_write_;
};

}}} // namespace datastax::internal::core

#endif
