/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Shared by the transport test groups: a recording client over cassl_uv, loop helpers, and
 * peers running on their own threads on 127.0.0.1 / ::1 ephemeral ports (plain TCP peers
 * that stall, close or talk nonsense; an in-process GnuTLS server; a byte-at-a-time relay). */
#ifndef TEST_TRANSPORT_UTIL_H
#define TEST_TRANSPORT_UTIL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

#include "cassl/uv.h"

/* ---- loop -------------------------------------------------------------------------- */

/* Runs the loop until nothing is left; fails the test after watchdog_ms. */
void tt_run(uv_loop_t *loop, unsigned watchdog_ms);
/* Closes the loop, failing the test when a handle was left open (a leak). */
void tt_loop_close(uv_loop_t *loop);

/* ---- recording client -------------------------------------------------------------- */

struct tt_client {
  cassl_uv_conn *conn;
  uv_loop_t *loop;
  int connect_calls;
  CassError connect_status;
  char connect_msg[512];
  int read_end_calls; /* last read callback: clean end (CASS_OK, 0) or error */
  CassError read_status;
  char read_msg[512];
  uint64_t received;
  uint64_t rx_mismatch; /* bytes that differ from tt_pattern */
  int check_pattern;
  unsigned char *capture; /* when set, received bytes are also copied here */
  size_t capture_cap;
  int close_calls;
  CassError close_status;
  char close_msg[512];
  int drain_calls;
  int writes_ok, writes_failed, writes_accepted;
  CassError write_fail_status;
  CassError write_after_end;   /* cassl_uv_write right after the read end */
  CassError write_after_close; /* cassl_uv_write right after cassl_uv_close */
  int session_state;      /* at a failed connect: the session's state, -1 without one */
  CassError session_error;
  char session_msg[512];
  int close_on_end;       /* close when the connect fails or the read side ends */
  uint64_t close_after;   /* close once this many bytes were received (0 = never) */
  void (*on_established)(struct tt_client *t);
  void (*on_drain_hook)(struct tt_client *t);
  void *user;
};

/* Fills opts' callbacks and connects; asserts cassl_uv_connect returned CASS_OK. */
void tt_client_start(struct tt_client *t, uv_loop_t *loop, CassSsl *ssl, cassl_uv_options *opts);
/* The same through cassl_uvi_connect_list (a name that resolved to list). */
struct addrinfo;
void tt_client_start_list(struct tt_client *t, uv_loop_t *loop, CassSsl *ssl,
                          cassl_uv_options *opts, struct addrinfo *list);
/* A write whose callback is counted in t; asserts the call returned CASS_OK. */
void tt_write(struct tt_client *t, const void *buf, size_t len);
/* Closes with the recording close callback. */
void tt_close(struct tt_client *t);

/* ---- data -------------------------------------------------------------------------- */

unsigned char tt_pattern(uint64_t offset);
void tt_fill(unsigned char *buf, size_t len, uint64_t offset);
/* 64 MiB normally, 4 MiB under valgrind (CASSL_UNDER_VALGRIND). */
size_t tt_big(void);

/* ---- addresses --------------------------------------------------------------------- */

/* "127.0.0.1" or "::1" with port into ss. */
void tt_addr(struct sockaddr_storage *ss, int family, int port);
/* A port on which nothing listens (bound then closed). */
int tt_dead_port(int family);
/* A listening socket on an ephemeral loopback port; *port receives it. */
int tt_listen(int family, int *port, int backlog);

/* Blocking helpers for peer threads: accept one connection (-1 after 30 s), read exactly
 * len bytes (-1 on EOF/error), write everything. */
int tt_accept_one(int lfd);
int tt_read_full(int fd, unsigned char *buf, size_t len);
void tt_write_full(int fd, const void *buf, size_t len);

/* ---- peers ------------------------------------------------------------------------- */

enum tt_plain_mode {
  TT_PLAIN_STALL,          /* accept, read and discard until EOF, never answer */
  TT_PLAIN_CLOSE_AFTER_HELLO, /* read the whole ClientHello record, then close */
  TT_PLAIN_ALERT_AFTER_HELLO, /* read the ClientHello, answer a fatal alert, then close */
  TT_PLAIN_NOT_TLS         /* read the ClientHello, answer with plain text, then close */
};

struct tt_plain_server {
  enum tt_plain_mode mode;
  int family;
  int port;
  int fd;
  pthread_t thread;
  uint64_t received;
};

void tt_plain_start(struct tt_plain_server *s, enum tt_plain_mode mode, int family);
void tt_plain_join(struct tt_plain_server *s);

enum tt_tls_mode {
  TT_TLS_ECHO,     /* echo until close_notify, then answer it */
  TT_TLS_SINK,     /* (after delay_ms) read and check until close_notify or EOF */
  TT_TLS_TRUNCATE, /* send send_bytes, then FIN without close_notify */
  TT_TLS_BYE,      /* send send_bytes, then close_notify, then wait for the client's */
  TT_TLS_ABORT     /* after delay_ms, close the socket unread (a reset), no close_notify */
};

/* In transport_tls_server.c (GnuTLS builds only). */
struct tt_tls_server {
  enum tt_tls_mode mode;
  int family;
  const char *priority; /* NULL = "NORMAL" */
  const char *cert, *key; /* file names; NULL = the fixture server certificate */
  unsigned delay_ms;
  uint64_t send_bytes;
  int key_update;     /* ECHO: ask for a KeyUpdate (both ways) after every MiB received */
  int port;
  int fd;
  pthread_t thread;
  /* results */
  int handshake_ok;
  int handshake_error;
  uint64_t received;
  uint64_t rx_mismatch;
  int got_close_notify;
  int recv_error; /* GnuTLS error that ended the reading, 0 when none */
  char version[32];
  char sni[256]; /* server name the client sent, "" when none */
  int key_updates; /* KeyUpdates done */
};

void tt_tls_start(struct tt_tls_server *s, enum tt_tls_mode mode, int family);
void tt_tls_join(struct tt_tls_server *s);

/* Forwards client bytes as they come and the server's bytes one at a time. */
struct tt_relay {
  int family;
  int target_port;
  int port;
  int fd;
  pthread_t thread;
  uint64_t to_client;
};

void tt_relay_start(struct tt_relay *r, int family, int target_port);
void tt_relay_join(struct tt_relay *r);

/* ---- PKI --------------------------------------------------------------------------- */

/* Directory with ca.pem, server.pem/server-key.pem (CN 127.0.0.1, IP SANs 127.0.0.1 and ::1,
 * DNS SAN localhost), made once per process with certtool. */
const char *tt_pki_dir(void);
/* Full path of a file in tt_pki_dir() (static buffer per call site is not needed: malloc). */
char *tt_pki_file(const char *name);
/* A CassSsl trusting the fixture CA with the given verify flags. */
CassSsl *tt_ssl(int flags);
/* Removes the PKI directory (call at the end of main). */
void tt_pki_cleanup(void);

#endif
