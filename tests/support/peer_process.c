/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The plumbing of the TLS servers in child processes: spawning, logs, ports, argv
 * (see peers.h; each server in its own peer_<server>.c). */
#define _GNU_SOURCE /* mkostemp */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "peer_internal.h"

int peers_spawn(struct peer *p, char *const argv[], int out_fd)
{
  snprintf(p->log, sizeof p->log, "%s/peer-logs", peers_fixtures_dir());
  mkdir(peers_fixtures_dir(), 0755);
  mkdir(p->log, 0755);
  snprintf(p->log, sizeof p->log, "%s/peer-logs/%s-XXXXXX", peers_fixtures_dir(), p->name);
  int log_fd = mkostemp(p->log, O_CLOEXEC);
  if (log_fd < 0) {
    fprintf(stderr, "peers: cannot create a log file %s: %s\n", p->log, strerror(errno));
    p->log[0] = '\0';
    return -1;
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return -1;
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(1);
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, 0);
    dup2(out_fd >= 0 ? out_fd : log_fd, 1);
    dup2(log_fd, 2);
    execvp(argv[0], argv);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(log_fd);
  setpgid(pid, pid); /* also from here, so a kill right away reaches the group */
  p->pid = pid;
  return 0;
}

/* Whether the child is gone; reaps it. */
static bool child_exited(struct peer *p)
{
  if (p->pid <= 0)
    return true;
  int status;
  pid_t r = waitpid(p->pid, &status, WNOHANG);
  if (r == p->pid || (r < 0 && errno == ECHILD)) {
    p->pid = 0;
    return true;
  }
  return false;
}

void peers_kill_child(struct peer *p)
{
  if (p->pid <= 0)
    return;
  kill(-p->pid, SIGTERM);
  kill(p->pid, SIGTERM);
  double deadline = peers_now_seconds() + 2.0;
  while (!child_exited(p) && peers_now_seconds() < deadline)
    peers_sleep_ms(10);
  if (p->pid > 0) {
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    p->pid = 0;
  }
}

void peers_print_log(const struct peer *p)
{
  FILE *f = p->log[0] ? fopen(p->log, "r") : NULL;
  if (!f)
    return;
  char line[1024];
  int lines = 0;
  while (fgets(line, sizeof line, f) && lines++ < 40)
    fprintf(stderr, "  %s: %s", p->name, line);
  fclose(f);
}

/* A port free right now on p's address (the server binds it a moment later). */
static int pick_port(struct peer *p)
{
  peers_set_port(p, 0);
  int fd = peers_listen_on(p);
  if (fd < 0)
    return -1;
  close(fd);
  return 0;
}

static bool log_contains(const struct peer *p, const char *needle)
{
  FILE *f = p->log[0] ? fopen(p->log, "r") : NULL;
  if (!f)
    return false;
  char buf[16384];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return strstr(buf, needle) != NULL;
}

enum wait_result { WAIT_READY, WAIT_PORT_TAKEN, WAIT_FAILED };

/* Waits until the server says it listens (its own log line: only then is the port surely
 * its own) and accepts a TCP connection. gnutls-serv stays up with no socket when its bind
 * fails and s_server exits: both mean another process took the port in between. */
static enum wait_result wait_accepting(struct peer *p, const char *ready, const char *taken,
                                       double timeout)
{
  double deadline = peers_now_seconds() + timeout;
  while (peers_now_seconds() < deadline) {
    if (child_exited(p))
      return log_contains(p, "in use") ? WAIT_PORT_TAKEN : WAIT_FAILED;
    if (taken && log_contains(p, taken))
      return WAIT_PORT_TAKEN;
    if (log_contains(p, ready)) {
      int fd = peer_connect(p);
      if (fd >= 0) {
        close(fd);
        return WAIT_READY;
      }
    }
    peers_sleep_ms(20);
  }
  return WAIT_FAILED;
}

int peers_start_port_server(const char *name, const peer_tls_options *o,
                            peers_argv_builder build, peer **out)
{
  struct peer *p = peers_alloc(KIND_PROCESS, name, o ? o->host : NULL);
  if (!p)
    return -1;
  bool v6 = p->addr.ss_family == AF_INET6;
  bool gnutls = strcmp(name, "gnutls-serv") == 0;
  for (int attempt = 0; attempt < 5; attempt++) {
    char *argv[64];
    char buf[8192];
    if (pick_port(p) != 0 || build(p, o, argv, 64, buf, sizeof buf) != 0)
      break;
    char ready[96], taken[96];
    if (gnutls) {
      /* gnutls-serv binds the wildcard address of both families. */
      snprintf(ready, sizeof ready, "%s port %u...done", v6 ? "IPv6 ::" : "IPv4 0.0.0.0",
               (unsigned)p->port);
      snprintf(taken, sizeof taken, "%s port %u...bind() failed", v6 ? "IPv6 ::" : "IPv4 0.0.0.0",
               (unsigned)p->port);
    } else {
      snprintf(ready, sizeof ready, "ACCEPT");
      taken[0] = '\0';
    }
    if (peers_spawn(p, argv, -1) != 0)
      break;
    enum wait_result w = wait_accepting(p, ready, taken[0] ? taken : NULL, 15.0);
    if (w == WAIT_READY) {
      peers_registry_add(p);
      *out = p;
      return 0;
    }
    peers_kill_child(p);
    if (w == WAIT_FAILED || attempt == 4) {
      fprintf(stderr, "peers: %s did not start on %s; its output:\n", name, p->hostport);
      peers_print_log(p);
      break;
    }
    unlink(p->log);
    p->log[0] = '\0';
  }
  peers_free(p);
  return -1;
}

void peers_arg(struct peers_args *a, const char *fmt, ...)
{
  if (a->n + 2 > a->cap) {
    a->overflow = true;
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(a->buf + a->used, a->buf_cap - a->used, fmt, ap);
  va_end(ap);
  if (w < 0 || (size_t)w >= a->buf_cap - a->used) {
    a->overflow = true;
    return;
  }
  a->argv[a->n++] = a->buf + a->used;
  a->argv[a->n] = NULL;
  a->used += (size_t)w + 1;
}

const char *peers_group_name(const char *gnutls_name, int which)
{
  static const char *const names[][3] = { { "X25519", "X25519", "x25519" },
                                          { "SECP256R1", "P-256", "secp256r1" },
                                          { "SECP384R1", "P-384", "secp384r1" } };
  for (size_t i = 0; gnutls_name && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i][0], gnutls_name) == 0)
      return names[i][which];
  return NULL;
}
