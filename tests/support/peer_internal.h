/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* What the peer helpers share (peers.h is their interface): the peer object, and the
 * plumbing the process peers (peer_process.c) and the thread peers (peer_thread.c) build on.
 * Private to tests/support/peer_*.c. */
#ifndef CASSL_TESTS_PEER_INTERNAL_H
#define CASSL_TESTS_PEER_INTERNAL_H

#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

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
  /* What serves each accepted connection: one thread, or two for a relay, which first
   * connects to its target with connect_upstream. */
  void *(*serve[2])(void *);
  int (*connect_upstream)(const struct peer *p);
  const void *reply;
  size_t reply_len;
  unsigned char after_reply[512]; /* under lock: what the client sent after the reply */
  size_t after_reply_len;
  bool after_reply_done;
  bool read_first;
  struct sockaddr_storage target;
  socklen_t target_len;
  size_t cut_after;
  unsigned byte_delay_us;

  struct peer *next_live;
};

/* ---- peer.c: the object, the registry of running peers, small helpers ---- */

struct peer *peers_alloc(enum peer_kind kind, const char *name, const char *host);
void peers_free(struct peer *p);
/* Stopped at exit (or by peers_stop_all) unless peer_stop comes first. */
void peers_registry_add(struct peer *p);
const char *peers_fixtures_dir(void);
bool peers_program_in_path(const char *prog);
double peers_now_seconds(void);
void peers_sleep_us(unsigned us);
void peers_sleep_ms(int ms);
void peers_set_port(struct peer *p, uint16_t port);
/* A listening socket on p->addr; port 0 picks one. */
int peers_listen_on(struct peer *p);
ssize_t peers_send_all(int fd, const void *buf, size_t len);
ssize_t peers_recv_some(int fd, void *buf, size_t len);

/* ---- peer_fixtures.c ---- */

/* Runs argv to its end with envs ("NAME", "value", ..., NULL) set; its exit status or -1. */
int peers_run_wait(char *const argv[], const char *const envs[]);
bool peers_file_exists(const char *path);
/* A path from a small per-thread ring of buffers, so callers need not free it. */
const char *peers_ring_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- peer_process.c: TLS servers in child processes ---- */

/* Starts argv with stdout to out_fd (or the log) and stderr to the log, in its own process
 * group, killed with the test process. */
int peers_spawn(struct peer *p, char *const argv[], int out_fd);
void peers_kill_child(struct peer *p);
/* The first lines of the child's log on stderr. */
void peers_print_log(const struct peer *p);

typedef int (*peers_argv_builder)(struct peer *p, const peer_tls_options *o, char **argv,
                                  size_t cap, char *buf, size_t buf_cap);

/* Picks a port, starts the server that build describes on it (gnutls-serv or openssl
 * s_server: how each says it listens), and retries on a new port when another process took
 * the port between our probe and the server's bind. */
int peers_start_port_server(const char *name, const peer_tls_options *o,
                            peers_argv_builder build, peer **out);

/* Appends one argument, copying formatted text into buf. */
struct peers_args {
  char **argv;
  size_t n, cap;
  char *buf;
  size_t used, buf_cap;
  bool overflow;
};

void peers_arg(struct peers_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A key exchange group in each server's spelling (which: 0 GnuTLS, 1 OpenSSL, 2 JSSE);
 * NULL if unknown. */
const char *peers_group_name(const char *gnutls_name, int which);

/* ---- peer_thread.c: TCP listeners in threads ---- */

/* Listens on p->addr and serves each connection with p->serve; registers p. On failure
 * frees p and returns -1. */
int peers_start_thread_peer(struct peer *p, peer **out);
/* Each connection thread ends here; the last one closes the sockets. */
void peers_conn_finish(struct conn *c);
/* Stops the listener and joins every connection (peer_stop of a thread peer). */
void peers_thread_stop(struct peer *p);

#endif
