/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Misbehaving plain TCP listeners: echo or a canned reply, close, stall (see peers.h). */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "peer_internal.h"

/* Sends FIN, then reads what the client still sends for a moment before closing, so the
 * close is an orderly EOF and not a reset that could destroy data in flight. */
static void close_gently(int fd)
{
  shutdown(fd, SHUT_WR);
  char buf[4096];
  double deadline = peers_now_seconds() + 2.0;
  while (peers_now_seconds() < deadline) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, 100) > 0 && peers_recv_some(fd, buf, sizeof buf) <= 0)
      break;
  }
}

static bool wait_readable(int fd, int timeout_ms)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  return poll(&pfd, 1, timeout_ms) > 0;
}

static void *plain_main(void *arg)
{
  struct conn *c = arg;
  struct peer *p = c->peer;
  char buf[65536];
  ssize_t n;
  if (p->reply) {
    if (peers_recv_some(c->fd, buf, sizeof buf) > 0)
      peers_send_all(c->fd, p->reply, p->reply_len);
    close_gently(c->fd);
  } else {
    while ((n = peers_recv_some(c->fd, buf, sizeof buf)) > 0)
      if (peers_send_all(c->fd, buf, (size_t)n) < 0)
        break;
    shutdown(c->fd, SHUT_WR);
  }
  peers_conn_finish(c);
  return NULL;
}

static void *closer_main(void *arg)
{
  struct conn *c = arg;
  char buf[4096];
  if (c->peer->read_first && wait_readable(c->fd, 10000))
    peers_recv_some(c->fd, buf, sizeof buf);
  close_gently(c->fd);
  peers_conn_finish(c);
  return NULL;
}

static void *stall_main(void *arg)
{
  struct conn *c = arg;
  char buf[4096];
  while (peers_recv_some(c->fd, buf, sizeof buf) > 0)
    ;
  peers_conn_finish(c);
  return NULL;
}

int peer_start_plain(const char *host, const void *reply, size_t reply_len, peer **out)
{
  struct peer *p = peers_alloc(KIND_PLAIN, "plain", host);
  if (!p)
    return -1;
  p->serve[0] = plain_main;
  if (reply) {
    void *copy = malloc(reply_len ? reply_len : 1);
    if (!copy) {
      peers_free(p);
      return -1;
    }
    memcpy(copy, reply, reply_len);
    p->reply = copy;
    p->reply_len = reply_len;
  }
  return peers_start_thread_peer(p, out);
}

int peer_start_closer(const char *host, bool read_first, peer **out)
{
  struct peer *p = peers_alloc(KIND_CLOSER, "closer", host);
  if (!p)
    return -1;
  p->read_first = read_first;
  p->serve[0] = closer_main;
  return peers_start_thread_peer(p, out);
}

int peer_start_stall(const char *host, peer **out)
{
  struct peer *p = peers_alloc(KIND_STALL, "stall", host);
  if (!p)
    return -1;
  p->serve[0] = stall_main;
  return peers_start_thread_peer(p, out);
}
