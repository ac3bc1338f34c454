/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The plumbing of the TCP listeners in threads: one listener thread per peer, one or two
 * threads per accepted connection (see peers.h; what each serves in peer_tcp.c and
 * peer_relay.c). */
#define _GNU_SOURCE /* accept4, pipe2 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer_internal.h"

/* Closes both sockets of a connection whose threads are all gone (p->lock held). */
static void close_conn(struct conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  if (c->up >= 0)
    close(c->up);
  c->fd = c->up = -1;
}

void peers_conn_finish(struct conn *c)
{
  struct peer *p = c->peer;
  pthread_mutex_lock(&p->lock);
  if (--c->running == 0) {
    close_conn(c);
  }
  pthread_mutex_unlock(&p->lock);
}

/* Joins and frees finished connections, or all of them after shutting their sockets. */
static void reap(struct peer *p, bool all)
{
  for (;;) {
    struct conn *victim = NULL;
    pthread_mutex_lock(&p->lock);
    for (struct conn **cp = &p->conns; *cp; cp = &(*cp)->next) {
      struct conn *c = *cp;
      if (all && c->running > 0) {
        if (c->fd >= 0)
          shutdown(c->fd, SHUT_RDWR);
        if (c->up >= 0)
          shutdown(c->up, SHUT_RDWR);
      }
      if (all || c->running == 0) {
        *cp = c->next;
        victim = c;
        break;
      }
    }
    pthread_mutex_unlock(&p->lock);
    if (!victim)
      return;
    for (int i = 0; i < victim->nthreads; i++)
      pthread_join(victim->threads[i], NULL);
    free(victim);
  }
}

static void start_conn(struct peer *p, int fd)
{
  struct conn *c = calloc(1, sizeof *c);
  if (!c) {
    close(fd);
    return;
  }
  c->peer = p;
  c->fd = fd;
  c->up = -1;
  void *(*mains[2])(void *) = { p->serve[0], p->serve[1] };
  if (p->connect_upstream) {
    c->up = p->connect_upstream(p);
    if (c->up < 0) {
      fprintf(stderr, "peers: relay cannot reach its target: %s\n", strerror(errno));
      close(fd);
      free(c);
      return;
    }
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  pthread_mutex_lock(&p->lock);
  p->accepted++;
  c->next = p->conns;
  p->conns = c;
  for (int i = 0; i < 2 && mains[i]; i++) {
    c->running++;
    if (pthread_create(&c->threads[c->nthreads], NULL, mains[i], c) == 0) {
      c->nthreads++;
    } else {
      c->running--;
      if (c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR);
      if (c->up >= 0)
        shutdown(c->up, SHUT_RDWR);
    }
  }
  if (c->running == 0) {
    close_conn(c);
  }
  pthread_mutex_unlock(&p->lock);
}

static void *listener_main(void *arg)
{
  struct peer *p = arg;
  for (;;) {
    struct pollfd fds[2] = { { .fd = p->listen_fd, .events = POLLIN },
                             { .fd = p->stop_pipe[0], .events = POLLIN } };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents)
      break;
    if (fds[0].revents & POLLIN) {
      int fd = accept4(p->listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      reap(p, false);
      start_conn(p, fd);
    }
  }
  return NULL;
}

int peers_start_thread_peer(struct peer *p, peer **out)
{
  p->listen_fd = peers_listen_on(p);
  if (p->listen_fd < 0) {
    fprintf(stderr, "peers: cannot listen on %s: %s\n", p->host, strerror(errno));
    goto fail;
  }
  if (pipe2(p->stop_pipe, O_CLOEXEC) != 0)
    goto fail;
  if (pthread_create(&p->listener, NULL, listener_main, p) != 0)
    goto fail;
  p->listener_started = true;
  peers_registry_add(p);
  *out = p;
  return 0;
fail:
  if (p->listen_fd >= 0)
    close(p->listen_fd);
  if (p->stop_pipe[0] >= 0)
    close(p->stop_pipe[0]), close(p->stop_pipe[1]);
  free((void *)p->reply);
  peers_free(p);
  return -1;
}

void peers_thread_stop(struct peer *p)
{
  if (p->listener_started) {
    ssize_t ignored = write(p->stop_pipe[1], "x", 1);
    (void)ignored;
    pthread_join(p->listener, NULL);
  }
  reap(p, true);
  close(p->listen_fd);
  close(p->stop_pipe[0]);
  close(p->stop_pipe[1]);
  free((void *)p->reply);
}
