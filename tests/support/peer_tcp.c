/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Misbehaving plain TCP listeners: echo or a canned reply, close, stall (see peers.h). */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "peer_internal.h"

/* Sends FIN, then reads what the client still sends for a moment before closing, so the
 * close is an orderly EOF and not a reset that could destroy data in flight. With keep, the
 * first bytes read are kept in p->after_reply. */
static void close_gently(int fd, struct peer *keep)
{
  shutdown(fd, SHUT_WR);
  char buf[4096];
  double deadline = peers_now_seconds() + 2.0;
  while (peers_now_seconds() < deadline) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, 100) <= 0)
      continue;
    ssize_t n = peers_recv_some(fd, buf, sizeof buf);
    if (n <= 0)
      break;
    if (keep) {
      pthread_mutex_lock(&keep->lock);
      size_t room = sizeof keep->after_reply - keep->after_reply_len;
      size_t take = (size_t)n < room ? (size_t)n : room;
      memcpy(keep->after_reply + keep->after_reply_len, buf, take);
      keep->after_reply_len += take;
      pthread_mutex_unlock(&keep->lock);
    }
  }
  if (keep) {
    pthread_mutex_lock(&keep->lock);
    keep->after_reply_done = true;
    pthread_mutex_unlock(&keep->lock);
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
    pthread_mutex_lock(&p->lock);
    p->after_reply_len = 0;
    p->after_reply_done = false;
    pthread_mutex_unlock(&p->lock);
    if (peers_recv_some(c->fd, buf, sizeof buf) > 0)
      peers_send_all(c->fd, p->reply, p->reply_len);
    close_gently(c->fd, p);
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
  close_gently(c->fd, NULL);
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

size_t peer_plain_after_reply(const peer *p, void *buf, size_t cap, unsigned timeout_ms)
{
  struct peer *q = (struct peer *)p; /* the lock only */
  for (unsigned waited = 0;; waited += 20) {
    pthread_mutex_lock(&q->lock);
    bool done = q->after_reply_done;
    size_t n = q->after_reply_len < cap ? q->after_reply_len : cap;
    if (done || waited >= timeout_ms)
      memcpy(buf, q->after_reply, n);
    pthread_mutex_unlock(&q->lock);
    if (done || waited >= timeout_ms)
      return n;
    peers_sleep_ms(20);
  }
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
