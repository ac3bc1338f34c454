/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The loopback server for B2 and B6: a child process with epoll worker threads, GnuTLS
 * server sessions straight on the non-blocking sockets (TLS 1.3, the PKI's ECDSA P-256
 * certificate), and the same command protocol in plain TCP on a second port. It holds tens
 * of thousands of idle connections (gnutls-serv does not). */
#define _GNU_SOURCE /* accept4 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define SEND_CHUNK 16384
#define RECV_BUF 65536

struct listener {
  int fd;
  bool tls;
};

struct conn {
  int fd;
  gnutls_session_t s; /* NULL in plain TCP */
  bool handshaken;
  bool want_out;      /* blocked on a write: poll for EPOLLOUT */
  uint32_t events;    /* interest registered with epoll */
  unsigned char hdr[9];
  size_t hdr_len;
  uint64_t sink_left; /* 'U': bytes still to receive */
  uint64_t send_left; /* 'D': bytes still to send */
  int acks;           /* 'K' answers to send */
  size_t retry_len;   /* GnuTLS: a send that returned EAGAIN is repeated with this length */
};

static struct listener listeners[2];
static gnutls_certificate_credentials_t server_creds;
static gnutls_datum_t ticket_key; /* size 0: no session tickets */
static gnutls_priority_t server_prio;
static const unsigned char zeros[SEND_CHUNK];

void bench_put_u64(unsigned char *p, uint64_t v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = (unsigned char)v;
}

static uint64_t get_u64(const unsigned char *p)
{
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v = v << 8 | p[i];
  return v;
}

static void conn_free(struct conn *c)
{
  if (c->s) {
    /* Answer a close_notify; never wait for it to leave. */
    gnutls_bye(c->s, GNUTLS_SHUT_WR);
    gnutls_deinit(c->s);
  }
  close(c->fd);
  free(c);
}

static void set_interest(int ep, struct conn *c)
{
  uint32_t ev = EPOLLIN | (c->want_out ? EPOLLOUT : 0);
  if (ev == c->events)
    return;
  struct epoll_event e = { .events = ev, .data.ptr = c };
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
  c->events = ev;
}

/* Sends up to len bytes; the count sent, 0 when the socket is full, -1 on failure. */
static ssize_t conn_send(struct conn *c, const void *data, size_t len)
{
  if (c->s) {
    if (c->retry_len)
      len = c->retry_len;
    ssize_t n = gnutls_record_send(c->s, data, len);
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
      c->retry_len = len;
      return 0;
    }
    c->retry_len = 0;
    return n < 0 ? -1 : n;
  }
  ssize_t n = send(c->fd, data, len, MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return 0;
  return n;
}

/* Receives; the count, 0 when nothing is there now, -1 on end of stream or failure. */
static ssize_t conn_recv(struct conn *c, unsigned char *buf, size_t cap)
{
  if (c->s) {
    ssize_t n = gnutls_record_recv(c->s, buf, cap);
    if (n > 0)
      return n;
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      return 0;
    if (n < 0 && !gnutls_error_is_fatal((int)n))
      return 0;
    return -1;
  }
  ssize_t n = recv(c->fd, buf, cap, 0);
  if (n > 0)
    return n;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return 0;
  return -1;
}

static void consume(struct conn *c, const unsigned char *p, size_t n)
{
  while (n > 0) {
    if (c->sink_left) {
      size_t k = n < c->sink_left ? n : (size_t)c->sink_left;
      c->sink_left -= k;
      p += k;
      n -= k;
      if (c->sink_left == 0)
        c->acks++;
      continue;
    }
    c->hdr[c->hdr_len++] = *p++;
    n--;
    if (c->hdr_len < sizeof c->hdr)
      continue;
    c->hdr_len = 0;
    uint64_t v = get_u64(c->hdr + 1);
    switch (c->hdr[0]) {
    case 'U':
      c->sink_left = v;
      if (v == 0)
        c->acks++;
      break;
    case 'D': c->send_left += v; break;
    default: c->acks++; break; /* 'P' */
    }
  }
}

/* Moves the connection as far as it goes; false when it is finished. */
static bool conn_progress(struct conn *c)
{
  static __thread unsigned char buf[RECV_BUF];
  c->want_out = false;
  if (c->s && !c->handshaken) {
    int ret = gnutls_handshake(c->s);
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
      c->want_out = gnutls_record_get_direction(c->s) == 1;
      return true;
    }
    if (ret < 0)
      return false;
    c->handshaken = true;
  }
  for (int rounds = 0; rounds < 64; rounds++) {
    if (c->acks || c->send_left) {
      const void *data = c->acks ? (const void *)"K" : (const void *)zeros;
      size_t len = c->acks ? 1 : (c->send_left < SEND_CHUNK ? (size_t)c->send_left : SEND_CHUNK);
      ssize_t n = conn_send(c, data, len);
      if (n < 0)
        return false;
      if (n == 0) {
        c->want_out = true;
        return true;
      }
      if (c->acks)
        c->acks--;
      else
        c->send_left -= (uint64_t)n;
      continue;
    }
    ssize_t n = conn_recv(c, buf, sizeof buf);
    if (n < 0)
      return false;
    if (n == 0)
      return true;
    consume(c, buf, (size_t)n);
  }
  /* Fairness between connections: come back on the next wakeup. */
  c->want_out = c->acks || c->send_left;
  return true;
}

static void accept_all(int ep, const struct listener *l)
{
  for (;;) {
    int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        usleep(1000); /* out of descriptors: let closes catch up */
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      continue;
    }
    c->fd = fd;
    if (l->tls) {
      int ret = gnutls_init(&c->s, GNUTLS_SERVER | GNUTLS_NONBLOCK);
      if (ret >= 0)
        ret = gnutls_priority_set(c->s, server_prio);
      if (ret >= 0)
        ret = gnutls_credentials_set(c->s, GNUTLS_CRD_CERTIFICATE, server_creds);
      if (ret >= 0 && ticket_key.size)
        ret = gnutls_session_ticket_enable_server(c->s, &ticket_key);
      if (ret < 0) {
        if (c->s)
          gnutls_deinit(c->s);
        close(fd);
        free(c);
        continue;
      }
      gnutls_handshake_set_timeout(c->s, GNUTLS_INDEFINITE_TIMEOUT);
      gnutls_transport_set_int(c->s, fd);
    }
    c->events = EPOLLIN;
    struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) != 0) {
      conn_free(c);
      continue;
    }
    /* The ClientHello may be there already. */
    if (!conn_progress(c))
      conn_free(c);
    else
      set_interest(ep, c);
  }
}

static void *worker(void *arg)
{
  (void)arg;
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    _exit(3);
  for (int i = 0; i < 2; i++) {
    struct epoll_event e = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &listeners[i] };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listeners[i].fd, &e) != 0)
      _exit(3);
  }
  struct epoll_event events[256];
  for (;;) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; i++) {
      void *p = events[i].data.ptr;
      if (p == &listeners[0] || p == &listeners[1]) {
        accept_all(ep, p);
        continue;
      }
      struct conn *c = p;
      if (!conn_progress(c))
        conn_free(c); /* closing the socket removes it from epoll */
      else
        set_interest(ep, c);
    }
  }
  return NULL;
}

static int listen_on_loopback(uint16_t *port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    bench_die("socket: %s", strerror(errno));
  struct sockaddr_in sa = { .sin_family = AF_INET };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4096) != 0 ||
      getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
    bench_die("listen on 127.0.0.1: %s", strerror(errno));
  *port = ntohs(sa.sin_port);
  return fd;
}

/* The child: closes every descriptor it inherited but the listeners and its pipe (a
 * restart forks from a client holding thousands of sockets, whose ends must not stay open
 * here), then serves until the pipe closes. */
static void server_child(int tls_fd, int tcp_fd, int pipe_fd, const struct bench_pki *p,
                         const gnutls_datum_t *key, int threads)
{
  int keep[3] = { tls_fd, tcp_fd, pipe_fd };
  for (int i = 0; i < 3; i++)
    for (int j = i + 1; j < 3; j++)
      if (keep[j] < keep[i]) {
        int t = keep[i];
        keep[i] = keep[j];
        keep[j] = t;
      }
  unsigned from = 3;
  for (int i = 0; i < 3; i++) {
    if ((unsigned)keep[i] > from)
      close_range(from, (unsigned)keep[i] - 1, 0);
    from = (unsigned)keep[i] + 1;
  }
  close_range(from, ~0u, 0);
  signal(SIGPIPE, SIG_IGN);
  bench_raise_nofile();
  listeners[0] = (struct listener){ tls_fd, true };
  listeners[1] = (struct listener){ tcp_fd, false };
  server_creds = p->server;
  if (key)
    ticket_key = *key;
  if (gnutls_priority_init(&server_prio, BENCH_PRIO_TLS13, NULL) < 0)
    _exit(3);
  for (int i = 0; i < threads; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
      _exit(3);
  }
  /* Runs until the parent closes its end of the pipe (or dies). */
  char byte;
  while (read(pipe_fd, &byte, 1) != 0 && errno == EINTR)
    ;
  _exit(0);
}

static void server_fork(struct bench_server *srv)
{
  int pipefd[2];
  if (pipe(pipefd) != 0)
    bench_die("pipe: %s", strerror(errno));
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    bench_die("fork: %s", strerror(errno));
  if (pid == 0) {
    close(pipefd[1]);
    server_child(srv->tls_fd, srv->tcp_fd, pipefd[0], srv->pki,
                 srv->ticket_key.size ? &srv->ticket_key : NULL, srv->threads);
  }
  close(pipefd[0]);
  srv->pid = pid;
  srv->control = pipefd[1];
}

void bench_server_start_tickets(struct bench_server *srv, const struct bench_pki *p, int threads,
                                const gnutls_datum_t *key)
{
  memset(srv, 0, sizeof *srv);
  srv->tls_fd = listen_on_loopback(&srv->tls_port);
  srv->tcp_fd = listen_on_loopback(&srv->tcp_port);
  srv->pki = p;
  srv->threads = threads;
  if (key)
    srv->ticket_key = *key;
  server_fork(srv);
}

void bench_server_start(struct bench_server *srv, const struct bench_pki *p, int threads)
{
  bench_server_start_tickets(srv, p, threads, NULL);
  /* Nothing restarts it: the child alone listens. */
  close(srv->tls_fd);
  close(srv->tcp_fd);
  srv->tls_fd = srv->tcp_fd = -1;
}

void bench_server_restart(struct bench_server *srv, const gnutls_datum_t *key)
{
  if (srv->tls_fd < 0)
    bench_die("bench_server_restart: the server was started without its listeners kept");
  kill(srv->pid, SIGKILL);
  int status;
  waitpid(srv->pid, &status, 0);
  close(srv->control);
  srv->ticket_key = key ? *key : (gnutls_datum_t){ NULL, 0 };
  server_fork(srv);
}

void bench_server_stop(struct bench_server *srv)
{
  if (srv->pid <= 0)
    return;
  close(srv->control);
  int status;
  waitpid(srv->pid, &status, 0);
  srv->pid = 0;
  if (srv->tls_fd >= 0)
    close(srv->tls_fd);
  if (srv->tcp_fd >= 0)
    close(srv->tcp_fd);
  srv->tls_fd = srv->tcp_fd = -1;
}
