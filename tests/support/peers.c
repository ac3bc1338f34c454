/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Real peers for the interop tests (see peers.h). */
#define _GNU_SOURCE /* accept4, pipe2, mkostemp */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "peers.h"

enum peer_kind { KIND_PROCESS, KIND_PLAIN, KIND_CLOSER, KIND_STALL, KIND_RELAY };

struct conn {
  struct peer *peer;
  int fd;             /* the accepted client; -1 once closed */
  int up;             /* relay: the connection to the target; -1 if none */
  pthread_t threads[2];
  int nthreads;
  int running;        /* threads still running */
  size_t forwarded;   /* relay: server bytes written to the client */
  struct conn *next;
};

struct peer {
  enum peer_kind kind;
  char name[32];
  char host[INET6_ADDRSTRLEN];
  char hostport[INET6_ADDRSTRLEN + 10];
  uint16_t port;
  struct sockaddr_storage addr;
  socklen_t addr_len;

  /* process peers */
  pid_t pid;
  char log[PATH_MAX];
  char extra_file[PATH_MAX]; /* a temporary file to remove at stop */
  bool chain_split;

  /* thread peers */
  int listen_fd;
  int stop_pipe[2];
  pthread_t listener;
  bool listener_started;
  pthread_mutex_t lock;
  struct conn *conns;
  unsigned accepted;
  const void *reply;
  size_t reply_len;
  bool read_first;
  struct sockaddr_storage target;
  socklen_t target_len;
  size_t cut_after;
  unsigned byte_delay_us;

  struct peer *next_live;
};

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

static void registry_add(struct peer *p)
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

static const char *fixtures_dir(void)
{
  const char *d = getenv("CASSL_FIXTURES");
  return d && *d ? d : "tests/fixtures";
}

static bool program_in_path(const char *prog)
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

static double now_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_us(unsigned us)
{
  struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000L };
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

static void sleep_ms(int ms)
{
  sleep_us((unsigned)ms * 1000u);
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

static void set_port(struct peer *p, uint16_t port)
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
static int listen_on(struct peer *p)
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
  set_port(p, ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                            : ((struct sockaddr_in6 *)&ss)->sin6_port));
  return fd;
}

static struct peer *peer_alloc(enum peer_kind kind, const char *name, const char *host)
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

static void peer_free(struct peer *p)
{
  if (p->log[0])
    unlink(p->log);
  if (p->extra_file[0])
    unlink(p->extra_file);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

static ssize_t send_all(int fd, const void *buf, size_t len)
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

static ssize_t recv_some(int fd, void *buf, size_t len)
{
  ssize_t n;
  do
    n = recv(fd, buf, len, 0);
  while (n < 0 && errno == EINTR);
  return n;
}

/* ---- fixtures ---- */

static int run_wait(char *const argv[], const char *const envs[])
{
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    for (size_t i = 0; envs && envs[i]; i += 2)
      setenv(envs[i], envs[i + 1], 1);
    execvp(argv[0], argv);
    fprintf(stderr, "peers: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* A path from a small per-thread ring of buffers, so callers need not free it. */
static const char *ring_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *ring_path(const char *fmt, ...)
{
  static _Thread_local char ring[16][PATH_MAX];
  static _Thread_local unsigned next;
  char *out = ring[next++ % 16];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, PATH_MAX, fmt, ap);
  va_end(ap);
  return out;
}

const char *peers_pki(const char *name)
{
  const char *fx = fixtures_dir();
  if (!file_exists(ring_path("%s/pki/complete", fx))) {
    /* Run directly rather than through make check: make the PKI the way the stamp does. */
    const char *src = getenv("CASSL_SRCDIR");
    const char *build = getenv("CASSL_BUILDDIR");
    char script[PATH_MAX], nul[PATH_MAX];
    snprintf(script, sizeof script, "%s/tests/fixtures/pki.sh", src ? src : ".");
    snprintf(nul, sizeof nul, "%s/tests/support/mknulcert", build ? build : ".");
    char *argv[] = { "sh", script, NULL };
    const char *envs[] = { "CASSL_FIXTURES", fx, "MKNULCERT", nul, NULL };
    if (run_wait(argv, envs) != 0) {
      fprintf(stderr, "peers: %s failed: the test PKI is missing\n", script);
      return NULL;
    }
  }
  return ring_path("%s/pki/%s", fx, name);
}

/* The compiled JsseServer directory, compiling it when the build did not. */
static const char *jsse_classes(void)
{
  static char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/java", fixtures_dir());
  if (file_exists(ring_path("%s/JsseServer.class", dir)))
    return dir;
  if (!program_in_path("javac"))
    return NULL;
  char tmp[PATH_MAX], src[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s/java.tmp.XXXXXX", fixtures_dir());
  const char *srcdir = getenv("CASSL_SRCDIR");
  snprintf(src, sizeof src, "%s/tests/peers/JsseServer.java", srcdir ? srcdir : ".");
  mkdir(fixtures_dir(), 0755);
  if (!mkdtemp(tmp))
    return NULL;
  char *argv[] = { "javac", "-d", tmp, src, NULL };
  if (run_wait(argv, NULL) != 0) {
    fprintf(stderr, "peers: javac %s failed\n", src);
    return NULL;
  }
  /* A concurrent compile may have won the rename: then use theirs. */
  if (rename(tmp, dir) != 0) {
    char *rm[] = { "rm", "-rf", tmp, NULL };
    run_wait(rm, NULL);
  }
  return file_exists(ring_path("%s/JsseServer.class", dir)) ? dir : NULL;
}

bool peers_have(const char *program)
{
  if (strcmp(program, "java") == 0) {
    char cls[PATH_MAX];
    snprintf(cls, sizeof cls, "%s/java/JsseServer.class", fixtures_dir());
    return program_in_path("java") && (file_exists(cls) || program_in_path("javac"));
  }
  return program_in_path(program);
}

void peers_require(const char *program)
{
  if (!peers_have(program)) {
    fprintf(stderr, "SKIP: %s is not installed, so the tests that need it cannot run\n",
            program);
    exit(PEER_SKIP);
  }
}

/* ---- process peers ---- */

/* Starts argv with stdout to out_fd (or the log) and stderr to the log, in its own process
 * group, killed with the test process. */
static int spawn(struct peer *p, char *const argv[], int out_fd)
{
  snprintf(p->log, sizeof p->log, "%s/peer-logs", fixtures_dir());
  mkdir(fixtures_dir(), 0755);
  mkdir(p->log, 0755);
  snprintf(p->log, sizeof p->log, "%s/peer-logs/%s-XXXXXX", fixtures_dir(), p->name);
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

static void kill_child(struct peer *p)
{
  if (p->pid <= 0)
    return;
  kill(-p->pid, SIGTERM);
  kill(p->pid, SIGTERM);
  double deadline = now_seconds() + 2.0;
  while (!child_exited(p) && now_seconds() < deadline)
    sleep_ms(10);
  if (p->pid > 0) {
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
    while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    p->pid = 0;
  }
}

static void print_log(const struct peer *p)
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
  set_port(p, 0);
  int fd = listen_on(p);
  if (fd < 0)
    return -1;
  close(fd);
  return 0;
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
  double deadline = now_seconds() + timeout;
  while (now_seconds() < deadline) {
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
    sleep_ms(20);
  }
  return WAIT_FAILED;
}

typedef int (*argv_builder)(struct peer *p, const peer_tls_options *o, char **argv, size_t cap,
                            char *buf, size_t buf_cap);

/* Picks a port, starts the server on it, and retries on a new port when another process
 * took the port between our probe and the server's bind. */
static int start_port_server(const char *name, const peer_tls_options *o, argv_builder build,
                             peer **out)
{
  struct peer *p = peer_alloc(KIND_PROCESS, name, o ? o->host : NULL);
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
    if (spawn(p, argv, -1) != 0)
      break;
    enum wait_result w = wait_accepting(p, ready, taken[0] ? taken : NULL, 15.0);
    if (w == WAIT_READY) {
      registry_add(p);
      *out = p;
      return 0;
    }
    kill_child(p);
    if (w == WAIT_FAILED || attempt == 4) {
      fprintf(stderr, "peers: %s did not start on %s; its output:\n", name, p->hostport);
      print_log(p);
      break;
    }
    unlink(p->log);
    p->log[0] = '\0';
  }
  peer_free(p);
  return -1;
}

/* Appends one argument, copying formatted text into buf. */
struct args {
  char **argv;
  size_t n, cap;
  char *buf;
  size_t used, buf_cap;
  bool overflow;
};

static void arg(struct args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct args *a, const char *fmt, ...)
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

/* A key exchange group in each server's spelling (GnuTLS, OpenSSL, JSSE); NULL if unknown. */
static const char *group_name(const char *gnutls_name, int which)
{
  static const char *const names[][3] = { { "X25519", "X25519", "x25519" },
                                          { "SECP256R1", "P-256", "secp256r1" },
                                          { "SECP384R1", "P-384", "secp384r1" } };
  for (size_t i = 0; gnutls_name && i < sizeof names / sizeof names[0]; i++)
    if (strcmp(names[i][0], gnutls_name) == 0)
      return names[i][which];
  return NULL;
}

static int gnutls_argv(struct peer *p, const peer_tls_options *o, char **argv, size_t cap,
                       char *buf, size_t buf_cap)
{
  struct args a = { argv, 0, cap, buf, 0, buf_cap, false };
  char port[8];
  snprintf(port, sizeof port, "%u", (unsigned)p->port);
  /* gnutls-serv reports each connection (the alerts it received) on stdout: line-buffered,
   * the log shows them while it runs (stdbuf execs it in place, the pid stays). */
  if (program_in_path("stdbuf")) {
    arg(&a, "%s", "stdbuf");
    arg(&a, "%s", "-oL");
  }
  arg(&a, "%s", "gnutls-serv");
  arg(&a, "--port=%s", port);
  arg(&a, "%s", "--echo");
  arg(&a, "%s", "--crlf");
  arg(&a, "--x509certfile=%s", o->cert_file);
  arg(&a, "--x509keyfile=%s", o->key_file);
  if (o->client_ca_file)
    arg(&a, "--x509cafile=%s", o->client_ca_file);
  switch (o->client_auth) {
  case PEER_CLIENT_AUTH_NONE:
    arg(&a, "%s", "--disable-client-cert");
    break;
  case PEER_CLIENT_AUTH_REQUEST:
    arg(&a, "%s", "--verify-client-cert");
    break;
  case PEER_CLIENT_AUTH_REQUIRE:
    arg(&a, "%s", "--require-client-cert");
    arg(&a, "%s", "--verify-client-cert");
    break;
  }
  if (o->group && !group_name(o->group, 0))
    return -1;
  if (o->priority)
    arg(&a, "--priority=%s", o->priority);
  else if (o->version != PEER_TLS_DEFAULT || o->group)
    arg(&a, "--priority=NORMAL%s%s%s",
        o->version == PEER_TLS1_2   ? ":-VERS-ALL:+VERS-TLS1.2"
        : o->version == PEER_TLS1_3 ? ":-VERS-ALL:+VERS-TLS1.3"
                                    : "",
        o->group ? ":-GROUP-ALL:+GROUP-" : "", o->group ? o->group : "");
  if (o->no_tickets)
    arg(&a, "%s", "--noticket");
  return a.overflow ? -1 : 0;
}

int peer_start_gnutls_serv(const peer_tls_options *o, peer **out)
{
  if (!program_in_path("gnutls-serv")) {
    fprintf(stderr, "peers: gnutls-serv is not installed (Debian: gnutls-bin)\n");
    return PEER_SKIP;
  }
  if (!o || !o->cert_file || !o->key_file) {
    fprintf(stderr, "peers: gnutls-serv needs cert_file and key_file\n");
    return -1;
  }
  return start_port_server("gnutls-serv", o, gnutls_argv, out);
}

/* s_server takes the leaf from -cert and the rest from -cert_chain: split the file. */
static int split_chain(struct peer *p, const char *cert_file)
{
  FILE *f = fopen(cert_file, "r");
  if (!f) {
    fprintf(stderr, "peers: cannot read %s: %s\n", cert_file, strerror(errno));
    return -1;
  }
  static const char begin[] = "-----BEGIN CERTIFICATE-----";
  char line[4096];
  int certs = 0;
  FILE *chain = NULL;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, begin, sizeof begin - 1) == 0 && ++certs == 2) {
      snprintf(p->extra_file, sizeof p->extra_file, "%s/peer-logs", fixtures_dir());
      mkdir(fixtures_dir(), 0755);
      mkdir(p->extra_file, 0755);
      snprintf(p->extra_file, sizeof p->extra_file, "%s/peer-logs/chain-XXXXXX",
               fixtures_dir());
      int fd = mkostemp(p->extra_file, O_CLOEXEC);
      chain = fd >= 0 ? fdopen(fd, "w") : NULL;
      if (!chain) {
        fclose(f);
        return -1;
      }
    }
    if (chain)
      fputs(line, chain);
  }
  fclose(f);
  if (chain && fclose(chain) != 0)
    return -1;
  return 0;
}

static int openssl_argv(struct peer *p, const peer_tls_options *o, char **argv, size_t cap,
                        char *buf, size_t buf_cap)
{
  struct args a = { argv, 0, cap, buf, 0, buf_cap, false };
  if (!p->chain_split) {
    if (split_chain(p, o->cert_file) != 0)
      return -1;
    p->chain_split = true;
  }
  /* -state logs the alerts it receives (peer_saw_alert), line-buffered as for gnutls-serv. */
  if (program_in_path("stdbuf")) {
    arg(&a, "%s", "stdbuf");
    arg(&a, "%s", "-oL");
  }
  arg(&a, "%s", "openssl");
  arg(&a, "%s", "s_server");
  arg(&a, "%s", "-accept");
  arg(&a, "%s", p->hostport);
  arg(&a, "%s", "-rev");
  arg(&a, "%s", "-state");
  arg(&a, "%s", "-cert");
  arg(&a, "%s", o->cert_file);
  arg(&a, "%s", "-key");
  arg(&a, "%s", o->key_file);
  if (p->extra_file[0]) {
    arg(&a, "%s", "-cert_chain");
    arg(&a, "%s", p->extra_file);
  }
  if (o->client_ca_file) {
    arg(&a, "%s", "-CAfile");
    arg(&a, "%s", o->client_ca_file);
  }
  if (o->client_auth != PEER_CLIENT_AUTH_NONE) {
    arg(&a, "%s", o->client_auth == PEER_CLIENT_AUTH_REQUIRE ? "-Verify" : "-verify");
    arg(&a, "%s", "4");
    arg(&a, "%s", "-verify_return_error");
  }
  if (o->version == PEER_TLS1_2)
    arg(&a, "%s", "-tls1_2");
  else if (o->version == PEER_TLS1_3)
    arg(&a, "%s", "-tls1_3");
  if (o->group) {
    if (!group_name(o->group, 1))
      return -1;
    arg(&a, "%s", "-groups");
    arg(&a, "%s", group_name(o->group, 1));
  }
  if (o->no_tickets)
    arg(&a, "%s", "-no_ticket");
  if (o->servername) {
    /* -servername needs a second certificate for that name: the same leaf (no chain). */
    arg(&a, "%s", "-servername");
    arg(&a, "%s", o->servername);
    arg(&a, "%s", "-servername_fatal");
    arg(&a, "%s", "-cert2");
    arg(&a, "%s", o->cert_file);
    arg(&a, "%s", "-key2");
    arg(&a, "%s", o->key_file);
  }
  return a.overflow ? -1 : 0;
}

int peer_start_openssl(const peer_tls_options *o, peer **out)
{
  if (!program_in_path("openssl")) {
    fprintf(stderr, "peers: openssl is not installed\n");
    return PEER_SKIP;
  }
  if (!o || !o->cert_file || !o->key_file) {
    fprintf(stderr, "peers: openssl s_server needs cert_file and key_file\n");
    return -1;
  }
  return start_port_server("openssl", o, openssl_argv, out);
}

int peer_start_jsse(const peer_tls_options *o, peer **out)
{
  if (!program_in_path("java")) {
    fprintf(stderr, "peers: java is not installed (Debian: openjdk-17-jre-headless)\n");
    return PEER_SKIP;
  }
  const char *classes = jsse_classes();
  if (!classes) {
    fprintf(stderr, "peers: JsseServer is not compiled and javac is not installed\n");
    return PEER_SKIP;
  }
  if (!o || !o->keystore) {
    fprintf(stderr, "peers: the JSSE server needs a keystore\n");
    return -1;
  }
  struct peer *p = peer_alloc(KIND_PROCESS, "jsse", o->host);
  if (!p)
    return -1;

  char *argv[40];
  char buf[8192];
  struct args a = { argv, 0, 40, buf, 0, sizeof buf, false };
  static const char *const auth[] = { "none", "want", "need" };
  arg(&a, "%s", "java");
  arg(&a, "%s", "-XX:+UseSerialGC");
  arg(&a, "%s", "-XX:TieredStopAtLevel=1");
  arg(&a, "%s", "-Xmx128m");
  if (o->group) {
    if (!group_name(o->group, 2)) {
      peer_free(p);
      return -1;
    }
    arg(&a, "-Djdk.tls.namedGroups=%s", group_name(o->group, 2));
  }
  arg(&a, "%s", "-cp");
  arg(&a, "%s", classes);
  arg(&a, "%s", "JsseServer");
  arg(&a, "%s", "--keystore");
  arg(&a, "%s", o->keystore);
  arg(&a, "%s", "--storepass");
  arg(&a, "%s", o->storepass ? o->storepass : "cassandra");
  if (o->truststore) {
    arg(&a, "%s", "--truststore");
    arg(&a, "%s", o->truststore);
  }
  arg(&a, "%s", "--client-auth");
  arg(&a, "%s", auth[o->client_auth]);
  if (o->version != PEER_TLS_DEFAULT) {
    arg(&a, "%s", "--protocols");
    arg(&a, "%s", o->version == PEER_TLS1_2 ? "TLSv1.2" : "TLSv1.3");
  }
  arg(&a, "%s", "--bind");
  arg(&a, "%s", p->host);
  arg(&a, "%s", "--mode");
  arg(&a, "%s", o->mode == PEER_MODE_CQL ? "cql" : "echo");

  int pipe_fds[2];
  if (a.overflow || pipe2(pipe_fds, O_CLOEXEC) != 0) {
    peer_free(p);
    return -1;
  }
  int rc = spawn(p, argv, pipe_fds[1]);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    peer_free(p);
    return -1;
  }

  /* The JVM prints "PORT <n>" once it listens; a loaded machine can take a while. */
  char line[64];
  size_t used = 0;
  unsigned port = 0;
  double deadline = now_seconds() + 60.0;
  while (!port && now_seconds() < deadline) {
    struct pollfd pfd = { .fd = pipe_fds[0], .events = POLLIN };
    int ready = poll(&pfd, 1, 200);
    if (ready < 0 && errno != EINTR)
      break;
    if (ready <= 0)
      continue;
    ssize_t n = read(pipe_fds[0], line + used, sizeof line - 1 - used);
    if (n <= 0)
      break; /* the JVM exited */
    used += (size_t)n;
    line[used] = '\0';
    if (strchr(line, '\n') && sscanf(line, "PORT %u", &port) != 1)
      break;
    if (used == sizeof line - 1)
      break;
  }
  close(pipe_fds[0]);
  if (!port || port > 65535) {
    fprintf(stderr, "peers: the JSSE server did not start; its output:\n");
    kill_child(p);
    print_log(p);
    peer_free(p);
    return -1;
  }
  set_port(p, (uint16_t)port);
  registry_add(p);
  *out = p;
  return 0;
}

/* ---- thread peers ---- */

/* Each connection thread ends here; the last one closes the sockets. */
static void conn_finish(struct conn *c)
{
  struct peer *p = c->peer;
  pthread_mutex_lock(&p->lock);
  if (--c->running == 0) {
    if (c->fd >= 0)
      close(c->fd);
    if (c->up >= 0)
      close(c->up);
    c->fd = c->up = -1;
  }
  pthread_mutex_unlock(&p->lock);
}

/* Sends FIN, then reads what the client still sends for a moment before closing, so the
 * close is an orderly EOF and not a reset that could destroy data in flight. */
static void close_gently(int fd)
{
  shutdown(fd, SHUT_WR);
  char buf[4096];
  double deadline = now_seconds() + 2.0;
  while (now_seconds() < deadline) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, 100) > 0 && recv_some(fd, buf, sizeof buf) <= 0)
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
    if (recv_some(c->fd, buf, sizeof buf) > 0)
      send_all(c->fd, p->reply, p->reply_len);
    close_gently(c->fd);
  } else {
    while ((n = recv_some(c->fd, buf, sizeof buf)) > 0)
      if (send_all(c->fd, buf, (size_t)n) < 0)
        break;
    shutdown(c->fd, SHUT_WR);
  }
  conn_finish(c);
  return NULL;
}

static void *closer_main(void *arg)
{
  struct conn *c = arg;
  char buf[4096];
  if (c->peer->read_first && wait_readable(c->fd, 10000))
    recv_some(c->fd, buf, sizeof buf);
  close_gently(c->fd);
  conn_finish(c);
  return NULL;
}

static void *stall_main(void *arg)
{
  struct conn *c = arg;
  char buf[4096];
  while (recv_some(c->fd, buf, sizeof buf) > 0)
    ;
  conn_finish(c);
  return NULL;
}

/* Client to server, in chunks. */
static void *relay_up_main(void *arg)
{
  struct conn *c = arg;
  char buf[65536];
  ssize_t n;
  while ((n = recv_some(c->fd, buf, sizeof buf)) > 0)
    if (send_all(c->up, buf, (size_t)n) < 0)
      break;
  shutdown(c->up, SHUT_WR);
  conn_finish(c);
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
  while (!cut && (n = recv_some(c->up, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; i++) {
      if (send_all(c->fd, buf + i, 1) < 0) {
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
        sleep_us(p->byte_delay_us);
    }
  }
  if (!cut)
    shutdown(c->fd, SHUT_WR);
  conn_finish(c);
  return NULL;
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
  void *(*mains[2])(void *) = { NULL, NULL };
  switch (p->kind) {
  case KIND_PLAIN: mains[0] = plain_main; break;
  case KIND_CLOSER: mains[0] = closer_main; break;
  case KIND_STALL: mains[0] = stall_main; break;
  case KIND_RELAY:
    mains[0] = relay_up_main;
    mains[1] = relay_down_main;
    c->up = connect_target(p);
    if (c->up < 0) {
      fprintf(stderr, "peers: relay cannot reach its target: %s\n", strerror(errno));
      close(fd);
      free(c);
      return;
    }
    break;
  case KIND_PROCESS: break;
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
    if (c->fd >= 0)
      close(c->fd);
    if (c->up >= 0)
      close(c->up);
    c->fd = c->up = -1;
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

static int start_thread_peer(struct peer *p, peer **out)
{
  p->listen_fd = listen_on(p);
  if (p->listen_fd < 0) {
    fprintf(stderr, "peers: cannot listen on %s: %s\n", p->host, strerror(errno));
    goto fail;
  }
  if (pipe2(p->stop_pipe, O_CLOEXEC) != 0)
    goto fail;
  if (pthread_create(&p->listener, NULL, listener_main, p) != 0)
    goto fail;
  p->listener_started = true;
  registry_add(p);
  *out = p;
  return 0;
fail:
  if (p->listen_fd >= 0)
    close(p->listen_fd);
  if (p->stop_pipe[0] >= 0)
    close(p->stop_pipe[0]), close(p->stop_pipe[1]);
  free((void *)p->reply);
  peer_free(p);
  return -1;
}

int peer_start_plain(const char *host, const void *reply, size_t reply_len, peer **out)
{
  struct peer *p = peer_alloc(KIND_PLAIN, "plain", host);
  if (!p)
    return -1;
  if (reply) {
    void *copy = malloc(reply_len ? reply_len : 1);
    if (!copy) {
      peer_free(p);
      return -1;
    }
    memcpy(copy, reply, reply_len);
    p->reply = copy;
    p->reply_len = reply_len;
  }
  return start_thread_peer(p, out);
}

int peer_start_closer(const char *host, bool read_first, peer **out)
{
  struct peer *p = peer_alloc(KIND_CLOSER, "closer", host);
  if (!p)
    return -1;
  p->read_first = read_first;
  return start_thread_peer(p, out);
}

int peer_start_stall(const char *host, peer **out)
{
  struct peer *p = peer_alloc(KIND_STALL, "stall", host);
  if (!p)
    return -1;
  return start_thread_peer(p, out);
}

int peer_start_relay(const peer_relay_options *o, peer **out)
{
  if (!o || !o->target || o->target_len == 0 || o->target_len > sizeof(struct sockaddr_storage)) {
    fprintf(stderr, "peers: the relay needs a target address\n");
    return -1;
  }
  struct peer *p = peer_alloc(KIND_RELAY, "relay", o->host);
  if (!p)
    return -1;
  memcpy(&p->target, o->target, o->target_len);
  p->target_len = o->target_len;
  p->cut_after = o->cut_after;
  p->byte_delay_us = o->byte_delay_us;
  return start_thread_peer(p, out);
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
    sleep_ms(20);
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
    kill_child(p);
  } else {
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
  peer_free(p);
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
