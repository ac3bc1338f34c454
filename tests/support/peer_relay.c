/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The TCP relay: client bytes in chunks, server bytes one per write, cuts (see peers.h). */
#include "config.h"

#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer_internal.h"

/* Client to server, in chunks. */
static void *relay_up_main(void *arg)
{
  struct conn *c = arg;
  char buf[65536];
  ssize_t n;
  while ((n = peers_recv_some(c->fd, buf, sizeof buf)) > 0)
    if (peers_send_all(c->up, buf, (size_t)n) < 0)
      break;
  shutdown(c->up, SHUT_WR);
  peers_conn_finish(c);
  return NULL;
}

/* Server to client, one byte per write. */
static void *relay_down_main(void *arg)
{
  struct conn *c = arg;
  struct peer *p = c->peer;
  char buf[16384];
  ssize_t n;
  bool cut = false;
  while (!cut && (n = peers_recv_some(c->up, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      if (peers_send_all(c->fd, buf + i, 1) < 0) {
        cut = true;
        break;
      }
      c->forwarded++;
      if (p->cut_after && c->forwarded >= p->cut_after) {
        shutdown(c->fd, SHUT_RDWR);
        shutdown(c->up, SHUT_RDWR);
        cut = true;
        break;
      }
      if (p->byte_delay_us)
        peers_sleep_us(p->byte_delay_us);
    }
  }
  if (!cut)
    shutdown(c->fd, SHUT_WR);
  peers_conn_finish(c);
  return NULL;
}

static int connect_target(const struct peer *p)
{
  int fd = socket(p->target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (const struct sockaddr *)&p->target, p->target_len) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

int peer_start_relay(const peer_relay_options *o, peer **out)
{
  if (!o || !o->target || o->target_len == 0 || o->target_len > sizeof(struct sockaddr_storage)) {
    fprintf(stderr, "peers: the relay needs a target address\n");
    return -1;
  }
  struct peer *p = peers_alloc(KIND_RELAY, "relay", o->host);
  if (!p)
    return -1;
  memcpy(&p->target, o->target, o->target_len);
  p->target_len = o->target_len;
  p->cut_after = o->cut_after;
  p->byte_delay_us = o->byte_delay_us;
  p->serve[0] = relay_up_main;
  p->serve[1] = relay_down_main;
  p->connect_upstream = connect_target;
  return peers_start_thread_peer(p, out);
}

void peer_relay_cut(peer *p)
{
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  for (struct conn *c = p->conns; c; c = c->next) {
    if (c->fd >= 0)
      shutdown(c->fd, SHUT_RDWR);
    if (c->up >= 0)
      shutdown(c->up, SHUT_RDWR);
  }
  pthread_mutex_unlock(&p->lock);
}
