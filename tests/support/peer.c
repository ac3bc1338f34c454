/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The peer object, the registry that stops every running peer at exit, the accessors,
 * and the small socket and time helpers the peers share (see peers.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peer_internal.h"

/* ---- registry: everything running is stopped at exit ---- */

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct peer *live_peers;
static pthread_once_t atexit_once = PTHREAD_ONCE_INIT;

static void dump_log_tail(const struct peer *p)
{
  FILE *f = p->log[0] ? fopen(p->log, "r") : NULL;
  if (!f)
    return;
  char buf[2048];
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0, SEEK_SET);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  fprintf(stderr, "---- %s on %s still running at exit; its log ends with:\n%s\n----\n",
          p->name, p->hostport, buf);
}

static void stop_all_at_exit(void)
{
  pthread_mutex_lock(&registry_lock);
  for (struct peer *p = live_peers; p; p = p->next_live)
    dump_log_tail(p);
  pthread_mutex_unlock(&registry_lock);
  peers_stop_all();
}

static void register_atexit(void)
{
  atexit(stop_all_at_exit);
}


void peers_registry_add(struct peer *p)
{
  pthread_once(&atexit_once, register_atexit);
  pthread_mutex_lock(&registry_lock);
  p->next_live = live_peers;
  live_peers = p;
  pthread_mutex_unlock(&registry_lock);
}


static bool registry_remove(struct peer *p)
{
  bool found = false;
  pthread_mutex_lock(&registry_lock);
  for (struct peer **pp = &live_peers; *pp; pp = &(*pp)->next_live) {
    if (*pp == p) {
      *pp = p->next_live;
      found = true;
      break;
    }
  }
  pthread_mutex_unlock(&registry_lock);
  return found;
}

/* ---- small helpers ---- */

const char *peers_fixtures_dir(void)
{
  const char *d = getenv("CASSL_FIXTURES");
  return d && *d ? d : "tests/fixtures";
}

bool peers_program_in_path(const char *prog)
{
  const char *path = getenv("PATH");
  if (!path)
    return false;
  char dir[PATH_MAX], full[PATH_MAX * 2];
  while (*path) {
    size_t n = strcspn(path, ":");
    snprintf(dir, sizeof dir, "%.*s", (int)n, path);
    snprintf(full, sizeof full, "%s/%s", n ? dir : ".", prog);
    if (access(full, X_OK) == 0)
      return true;
    path += n;
    if (*path == ':')
      path++;
  }
  return false;
}

double peers_now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void peers_sleep_us(unsigned us)
{
  struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000L };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

void peers_sleep_ms(int ms)
{
  peers_sleep_us((unsigned)ms * 1000u);
}

/* Parses host ("127.0.0.1" default, or "::1") into p->addr with port 0. */
static int set_host(struct peer *p, const char *host)
{
  if (!host)
    host = "127.0.0.1";
  memset(&p->addr, 0, sizeof p->addr);
  struct sockaddr_in *sin = (struct sockaddr_in *)&p->addr;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&p->addr;
  if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    p->addr_len = sizeof *sin;
  } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    p->addr_len = sizeof *sin6;
  } else {
    fprintf(stderr, "peers: \"%s\" is not an IP address\n", host);
    return -1;
  }
  snprintf(p->host, sizeof p->host, "%s", host);
  return 0;
}


void peers_set_port(struct peer *p, uint16_t port)
{
  p->port = port;
  if (p->addr.ss_family == AF_INET)
    ((struct sockaddr_in *)&p->addr)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)&p->addr)->sin6_port = htons(port);
  if (p->addr.ss_family == AF_INET6)
    snprintf(p->hostport, sizeof p->hostport, "[%s]:%u", p->host, (unsigned)port);
  else
    snprintf(p->hostport, sizeof p->hostport, "%s:%u", p->host, (unsigned)port);
}

/* A listening socket on p->addr; port 0 picks one. */
int peers_listen_on(struct peer *p)
{
  int fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (p->addr.ss_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (bind(fd, (struct sockaddr *)&p->addr, p->addr_len) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  peers_set_port(p, ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                            : ((struct sockaddr_in6 *)&ss)->sin6_port));
  return fd;
}

struct peer *peers_alloc(enum peer_kind kind, const char *name, const char *host)
{
  struct peer *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->kind = kind;
  snprintf(p->name, sizeof p->name, "%s", name);
  p->listen_fd = p->stop_pipe[0] = p->stop_pipe[1] = -1;
  pthread_mutex_init(&p->lock, NULL);
  if (set_host(p, host) != 0) {
    pthread_mutex_destroy(&p->lock);
    free(p);
    return NULL;
  }
  return p;
}

void peers_free(struct peer *p)
{
  if (p->log[0])
    unlink(p->log);
  if (p->extra_file[0])
    unlink(p->extra_file);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

ssize_t peers_send_all(int fd, const void *buf, size_t len)
{
  const char *b = buf;
  size_t done = 0;
  while (done < len) {
    ssize_t n = send(fd, b + done, len - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    done += (size_t)n;
  }
  return (ssize_t)done;
}

ssize_t peers_recv_some(int fd, void *buf, size_t len)
{
  ssize_t n;
  do
    n = recv(fd, buf, len, 0);
  while (n < 0 && errno == EINTR);
  return n;
}

int peer_connect(const peer *p)
{
  int fd = socket(p->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int rc;
  do
    rc = connect(fd, (const struct sockaddr *)&p->addr, p->addr_len);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* ---- accessors and stop ---- */

uint16_t peer_port(const peer *p)
{
  return p->port;
}

const char *peer_host(const peer *p)
{
  return p->host;
}

const struct sockaddr *peer_address(const peer *p, socklen_t *len)
{
  if (len)
    *len = p->addr_len;
  return (const struct sockaddr *)&p->addr;
}

const char *peer_hostport(const peer *p)
{
  return p->hostport;
}

const char *peer_log_path(const peer *p)
{
  return p->log[0] ? p->log : NULL;
}

bool peer_log_wait(const peer *p, const char *needle, unsigned timeout_ms)
{
  if (!p->log[0])
    return false;
  for (unsigned waited = 0;; waited += 20) {
    FILE *f = fopen(p->log, "r");
    if (f) {
      char line[4096];
      bool found = false;
      while (!found && fgets(line, sizeof line, f))
        found = strstr(line, needle) != NULL;
      fclose(f);
      if (found)
        return true;
    }
    if (waited >= timeout_ms)
      return false;
    peers_sleep_ms(20);
  }
}

/* How each server logs a fatal alert it received: gnutls-serv by number, s_server (with
 * -state) by OpenSSL's description, JSSE by the RFC name. */
static const struct {
  int number;
  const char *rfc;
  const char *openssl;
} alert_names[] = {
  { 40, "handshake_failure", "handshake failure" },
  { 42, "bad_certificate", "bad certificate" },
  { 43, "unsupported_certificate", "unsupported certificate" },
  { 44, "certificate_revoked", "certificate revoked" },
  { 45, "certificate_expired", "certificate expired" },
  { 48, "unknown_ca", "unknown CA" },
  { 80, "internal_error", "internal error" },
};

bool peer_saw_alert(const peer *p, int alert, unsigned timeout_ms)
{
  char line[128];
  if (!strcmp(p->name, "gnutls-serv")) {
    snprintf(line, sizeof line, "Received alert '%d'", alert);
    return peer_log_wait(p, line, timeout_ms);
  }
  for (size_t i = 0; i < sizeof alert_names / sizeof alert_names[0]; i++) {
    if (alert_names[i].number != alert)
      continue;
    if (!strcmp(p->name, "openssl"))
      snprintf(line, sizeof line, "SSL3 alert read:fatal:%s", alert_names[i].openssl);
    else if (!strcmp(p->name, "jsse"))
      snprintf(line, sizeof line, "Received fatal alert: %s", alert_names[i].rfc);
    else
      return false;
    return peer_log_wait(p, line, timeout_ms);
  }
  return false;
}

unsigned peer_accept_count(const peer *p)
{
  pthread_mutex_lock((pthread_mutex_t *)&p->lock);
  unsigned n = p->accepted;
  pthread_mutex_unlock((pthread_mutex_t *)&p->lock);
  return n;
}

void peer_stop(peer *p)
{
  if (!p)
    return;
  registry_remove(p);
  if (p->kind == KIND_PROCESS) {
    peers_kill_child(p);
  } else {
    peers_thread_stop(p);
  }
  peers_free(p);
}

void peers_stop_all(void)
{
  for (;;) {
    pthread_mutex_lock(&registry_lock);
    struct peer *p = live_peers;
    pthread_mutex_unlock(&registry_lock);
    if (!p)
      return;
    peer_stop(p);
  }
}
