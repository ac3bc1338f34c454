/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
// Restates, for testing, the DataStax C/C++ driver's socket_connector.cpp and the SSL parts
// of socket.cpp (2.17.1) over a blocking TCP socket: see socket_connector.hpp. Keep it
// faithful to the driver's code.
#include "socket_connector.hpp"

#include "logger.hpp"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <vector>

using namespace datastax;
using namespace datastax::internal;
using namespace datastax::internal::core;

namespace {

bool send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Receives into the session's incoming() as the driver's alloc_buffer()/on_read() do
// (libuv suggests 64 KiB). Returns recv()'s result.
ssize_t receive(int fd, rb::RingBuffer& incoming) {
  size_t size = 64 * 1024;
  char* buf = incoming.peek_writable(&size);
  ssize_t n;
  do {
    n = recv(fd, buf, size, 0);
  } while (n < 0 && errno == EINTR);
  if (n > 0) incoming.commit(static_cast<size_t>(n));
  return n;
}

} // namespace

Socket::Socket(int fd, SslSession* ssl_session)
    : fd_(fd)
    , ssl_session_(ssl_session)
    , defunct_(false)
    , closed_(false) {}

Socket::~Socket() {
  if (fd_ >= 0) close(fd_);
}

bool Socket::write(const String& data) {
  if (defunct_ || closed_) return false;
  SslSession* session = ssl_session_.get();
  rb::RingBuffer::Position prev_pos = session->outgoing().write_position();

  for (size_t offset = 0; offset < data.size();) {
    size_t piece = data.size() - offset;
    if (piece > SSL_WRITE_SIZE) piece = SSL_WRITE_SIZE;
    int rc = session->encrypt(data.data() + offset, piece);
    if (rc <= 0 && session->has_error()) {
      LOG_ERROR("Unable to encrypt data: %s", session->error_message().c_str());
      defunct_ = true;
      return false;
    }
    offset += piece;
  }

  std::vector<uv_buf_t> bufs;
  size_t encrypted_size = session->outgoing().peek_multiple(prev_pos, &bufs);
  for (size_t i = 0; i < bufs.size(); ++i) {
    if (!send_all(fd_, bufs[i].base, bufs[i].len)) {
      defunct_ = true;
      return false;
    }
  }
  session->outgoing().read(NULL, encrypted_size); // on_write: the sent bytes leave
  return true;
}

bool Socket::read_once() {
  if (defunct_ || closed_) return false;
  SslSession* session = ssl_session_.get();
  ssize_t n = receive(fd_, session->incoming());
  if (n == 0) {
    closed_ = true;
    return false;
  }
  if (n < 0) {
    LOG_ERROR("Read error: %s", strerror(errno));
    defunct_ = true;
    return false;
  }
  char decrypted[SSL_READ_SIZE];
  int rc = 0;
  while ((rc = session->decrypt(decrypted, sizeof(decrypted))) > 0) {
    plaintext_.append(decrypted, static_cast<size_t>(rc));
  }
  if (rc <= 0 && session->has_error()) {
    if (session->error_code() == CASS_ERROR_SSL_CLOSED) {
      LOG_DEBUG("SSL session closed");
      closed_ = true;
    } else {
      LOG_ERROR("Unable to decrypt data: %s", session->error_message().c_str());
      defunct_ = true;
    }
    return false;
  }
  return true;
}

bool Socket::read_at_least(size_t size) {
  while (plaintext_.size() < size) {
    if (!read_once()) return plaintext_.size() >= size;
  }
  return true;
}

SocketConnector::SocketConnector(const Address& address, const String& hostname,
                                 const SocketSettings& settings)
    : address_(address)
    , hostname_(hostname)
    , settings_(settings)
    , error_code_(SOCKET_OK)
    , ssl_error_code_(CASS_OK)
    , finished_(false)
    , steps_(0)
    , largest_write_(0) {}

SocketConnector::~SocketConnector() {}

Socket* SocketConnector::release_socket() { return is_ok() ? socket_.release() : NULL; }

void SocketConnector::connect() {
  Address::SocketStorage storage;
  const struct sockaddr* addr = address_.to_sockaddr(&storage);
  int fd = addr != NULL ? socket(addr->sa_family, SOCK_STREAM, 0) : -1;
  if (fd < 0) {
    on_error(SOCKET_ERROR_INIT, "Unable to initialize TCP object");
    return;
  }
  socket_.reset(new Socket(fd, NULL));

  unsigned timeout_ms = settings_.timeout_ms != 0 ? settings_.timeout_ms : 10000;
  struct timeval tv;
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = (timeout_ms % 1000) * 1000;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0) {
    LOG_WARN("Unable to set socket options");
  }

  if (settings_.ssl_context) {
    socket_->ssl_session_.reset(
        settings_.ssl_context->create_session(address_, hostname_, address_.server_name()));
  }

  socklen_t len = addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
  if (::connect(fd, addr, len) != 0) {
    on_error(SOCKET_ERROR_CONNECT, "Connect error '" + String(strerror(errno)) + "'");
    return;
  }

  // on_connect()
  if (!socket_->ssl_session_) {
    finish();
    return;
  }
  ssl_handshake();

  // SslHandshakeHandler::on_read(), once per read
  while (!finished_) {
    ssize_t n = receive(fd, socket_->ssl_session_->incoming());
    if (n > 0) {
      ssl_handshake();
    } else if (n == 0) {
      on_error(SOCKET_ERROR_CLOSE, "Socket closed prematurely");
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      on_error(SOCKET_ERROR_TIMEOUT, "Timed out waiting for the node during the TLS handshake");
    } else {
      on_error(SOCKET_ERROR_CLOSE, "Read error: " + String(strerror(errno)));
    }
  }
}

void SocketConnector::ssl_handshake() {
  SslSession* session = socket_->ssl_session_.get();
  ++steps_;

  char buf[SSL_HANDSHAKE_MAX_BUFFER_SIZE];
  size_t size;
  if (!session->is_handshake_done()) {
    session->do_handshake();
    if (session->has_error()) {
      // The packager's patch, as below: the alert the failed step queued goes out first.
      size = session->outgoing().read(buf, SSL_HANDSHAKE_MAX_BUFFER_SIZE);
      if (size > 0 && !send_all(socket_->fd_, buf, size)) LOG_WARN("Unable to send the alert");
      on_error(SOCKET_ERROR_SSL_HANDSHAKE,
               "Error during SSL handshake: " + session->error_message());
      return;
    }
  }

  size = session->outgoing().read(buf, SSL_HANDSHAKE_MAX_BUFFER_SIZE);
  if (size > 0) {
    if (size > largest_write_) largest_write_ = size;
    if (!send_all(socket_->fd_, buf, size)) on_error(SOCKET_ERROR_WRITE, "Write error");
  } else if (session->is_handshake_done()) {
    session->verify();
    if (session->has_error()) {
      // The packager's patch: the queued fatal alert goes out before the socket closes.
      size = session->outgoing().read(buf, SSL_HANDSHAKE_MAX_BUFFER_SIZE);
      if (size > 0 && !send_all(socket_->fd_, buf, size)) LOG_WARN("Unable to send the alert");
      on_error(SOCKET_ERROR_SSL_VERIFY,
               "Error verifying peer certificate: " + session->error_message());
      return;
    }
    finish();
  }
}

void SocketConnector::finish() { finished_ = true; }

void SocketConnector::on_error(SocketError code, const String& message) {
  if (error_code_ != SOCKET_OK) return; // only the first error counts
  LOG_DEBUG("Lost connection to host %s with the following error: %s",
            address_.to_string().c_str(), message.c_str());
  error_message_ = message;
  error_code_ = code;
  if (is_ssl_error()) ssl_error_code_ = socket_->ssl_session_->error_code();
  finished_ = true;
}
