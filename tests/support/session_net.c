/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A blocking-style socket driver for the session engine (see session_net.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "session_net.h"

#define IO_TIMEOUT_MS 10000
#define READ_CHUNK 65536

CassError tnet_open(struct tnet *n, CassSsl *ssl, const peer *p, const char *hostname)
{
  memset(n, 0, sizeof *n);
  n->fd = peer_connect(p);
  if (n->fd < 0)
    fail_msg("connect to %s: %s", peer_hostport(p), strerror(errno));
  int flags = fcntl(n->fd, F_GETFL);
  assert_int_equal(fcntl(n->fd, F_SETFL, flags | O_NONBLOCK), 0);
  socklen_t len;
  cassl_peer desc = { .address = peer_address(p, &len), .hostname = hostname };
  CassError rc = cassl_session_new(ssl, &desc, &n->cs);
  if (rc != CASS_OK) {
    close(n->fd);
    n->fd = -1;
  }
  return rc;
}

CassError tnet_open_address(struct tnet *n, CassSsl *ssl, const struct sockaddr *addr,
                            socklen_t len, const char *hostname)
{
  memset(n, 0, sizeof *n);
  n->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (n->fd < 0 || connect(n->fd, addr, len) != 0 ||
      fcntl(n->fd, F_SETFL, fcntl(n->fd, F_GETFL) | O_NONBLOCK) != 0) {
    if (n->fd >= 0)
      close(n->fd);
    n->fd = -1;
    return CASS_ERROR_LIB_BAD_PARAMS;
  }
  cassl_peer desc = { .address = addr, .hostname = hostname };
  CassError rc = cassl_session_new(ssl, &desc, &n->cs);
  if (rc != CASS_OK) {
    close(n->fd);
    n->fd = -1;
  }
  return rc;
}

void tnet_close(struct tnet *n)
{
  cassl_session_free(n->cs);
  if (n->fd >= 0)
    close(n->fd);
  n->cs = NULL;
  n->fd = -1;
}

/* Sends what the session queued, as far as the socket takes it now. */
static void flush_some(struct tnet *n)
{
  for (;;) {
    size_t len;
    const void *data = cassl_session_output_peek(n->cs, &len);
    if (!len)
      return;
    ssize_t w = send(n->fd, data, len, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      return;
    if (w < 0) {
      /* The peer is gone for writing; what it sent before (an alert) may still wait to be
       * read, so reading goes on. */
      cassl_session_output_consume(n->cs, len);
      return;
    }
    cassl_session_output_consume(n->cs, (size_t)w);
  }
}

/* One round: flush, wait for the socket, receive and feed. Returns bytes fed, 0 on
 * timeout, -1 on EOF. */
static long io_round(struct tnet *n, int timeout_ms)
{
  flush_some(n);
  if (n->eof)
    return -1;
  struct pollfd pfd = { .fd = n->fd, .events = POLLIN };
  if (cassl_session_output_pending(n->cs))
    pfd.events |= POLLOUT;
  int r = poll(&pfd, 1, timeout_ms);
  if (r == 0)
    return 0;
  if (r < 0)
    return errno == EINTR ? 0 : -1;
  if (pfd.revents & POLLOUT)
    flush_some(n);
  if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
    return 1;
  unsigned char buf[READ_CHUNK];
  ssize_t got = recv(n->fd, buf, sizeof buf, 0);
  if (got < 0 && (errno == EAGAIN || errno == EINTR))
    return 1;
  if (got <= 0) {
    n->eof = true;
    return -1;
  }
  cassl_session_feed(n->cs, buf, (size_t)got);
  return got;
}

CassError tnet_handshake(struct tnet *n)
{
  for (;;) {
    CassError rc = cassl_session_handshake(n->cs);
    flush_some(n);
    if (rc != CASS_OK)
      return rc;
    if (cassl_session_get_state(n->cs) == CASSL_SESSION_ESTABLISHED)
      return CASS_OK;
    long r = io_round(n, IO_TIMEOUT_MS);
    if (r < 0)
      return cassl_session_set_error(n->cs, CASS_ERROR_SSL_CLOSED,
                                     "the server closed the connection during the handshake");
    if (r == 0)
      return cassl_session_set_error(n->cs, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
                                     "the handshake timed out");
  }
}

CassError tnet_exchange(struct tnet *n, const void *data, size_t len, const void *want,
                        size_t want_len)
{
  const unsigned char *in = data;
  const unsigned char *expect = want;
  unsigned char *buf = malloc(READ_CHUNK);
  assert_non_null(buf);
  size_t sent = 0, got = 0;
  CassError rc = CASS_OK;
  while (got < want_len) {
    /* Keep at most 256 KiB of ciphertext queued so both directions flow. */
    if (sent < len && cassl_session_output_pending(n->cs) < 256 * 1024) {
      size_t piece = len - sent < 65536 ? len - sent : 65536;
      if ((rc = cassl_session_write(n->cs, in + sent, piece)) != CASS_OK)
        break;
      sent += piece;
    }
    size_t r;
    do {
      rc = cassl_session_read(n->cs, buf, READ_CHUNK, &r);
      if (r) {
        if (got + r > want_len)
          fail_msg("%zu bytes more than the %zu expected", got + r - want_len, want_len);
        if (memcmp(buf, expect + got, r) != 0)
          fail_msg("received bytes differ in [%zu, %zu)", got, got + r);
        got += r;
      }
    } while (rc == CASS_OK && r);
    if (rc != CASS_OK || got == want_len)
      break;
    long io = io_round(n, sent < len ? 0 : IO_TIMEOUT_MS);
    if (io < 0) {
      rc = cassl_session_set_error(n->cs, CASS_ERROR_SSL_CLOSED,
                                   "the server closed the connection without close_notify");
      break;
    }
    if (io == 0 && sent == len) {
      rc = cassl_session_set_error(n->cs, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
                                   "no answer from the server");
      break;
    }
  }
  free(buf);
  flush_some(n);
  return rc;
}

CassError tnet_shutdown(struct tnet *n)
{
  CassError rc = cassl_session_close(n->cs);
  if (rc != CASS_OK)
    return rc;
  flush_some(n);
  shutdown(n->fd, SHUT_WR);
  unsigned char buf[4096];
  for (int i = 0; i < 100; i++) {
    size_t r;
    do
      rc = cassl_session_read(n->cs, buf, sizeof buf, &r);
    while (rc == CASS_OK && r);
    if (rc != CASS_OK)
      return rc;
    if (io_round(n, 5000) <= 0)
      return CASS_OK;
  }
  return CASS_OK;
}

char *tnet_read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s: %s", path, strerror(errno));
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  assert_non_null(text);
  assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
  text[size] = '\0';
  fclose(f);
  return text;
}

const char *tnet_pki(const char *name)
{
  const char *path = peers_pki(name);
  if (!path)
    fail_msg("the test PKI (%s) cannot be made", name);
  return path;
}
