/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport's connection object, shared by its parts: uv_connect.c (resolution,
 * TCP attempts, reverse DNS, handshake timeout), uv_transport.c (failure reporting, close,
 * accessors) and uv_io.c (reads, handshake steps, writes). */
#ifndef CASSL_UV_CONN_H
#define CASSL_UV_CONN_H

#include <netdb.h>
#include <stdint.h>

#include "cassl/uv.h"
#include "errmsg.h"

enum cassl_uv_phase {
  CASSL_UV_RESOLVING,   /* uv_getaddrinfo running */
  CASSL_UV_CONNECTING,  /* a TCP connect attempt running */
  CASSL_UV_NAMING,      /* TCP up, reverse DNS running */
  CASSL_UV_HANDSHAKING, /* TLS handshake and verification */
  CASSL_UV_ESTABLISHED
};

/* One accepted cassl_uv_write, done once `sent` reaches `end`. */
struct cassl_uv_write {
  struct cassl_uv_write *next;
  uint64_t end; /* ciphertext sequence number one past the write's last byte */
  cassl_uv_write_cb cb;
  void *data;
};

/* Ciphertext uv_try_write could not take, owned by its uv_write request. */
struct cassl_uv_chunk {
  uv_write_t req;
  struct cassl_uv_conn *conn;
  size_t len;
  unsigned char bytes[];
};

/* One TCP connect attempt (one per resolved address). */
struct cassl_uv_attempt {
  uv_tcp_t tcp; /* first: the close callback gets this pointer */
  uv_connect_t req;
  struct cassl_uv_conn *conn;
};

#define CASSL_UV_READ_BUF (16 * 1024 + 512) /* room per read: one full TLS record */
#define CASSL_UV_PLAIN_BUF (16 * 1024)

struct cassl_uv_conn {
  uv_loop_t *loop;
  cassl_ssl *ssl; /* our reference */
  void *data;
  cassl_uv_connect_cb connect_cb;
  cassl_uv_close_cb close_cb;
  cassl_uv_options opts; /* copy; the strings below replace its pointers */
  char *host, *hostname_opt, *sni;
  struct sockaddr_storage target; /* opts.address copied */
  char port_str[8];

  enum cassl_uv_phase phase;
  int closing;           /* cassl_uv_close was called */
  int connect_reported;  /* connect_cb fired (or must never fire) */
  int read_done;         /* the last read callback (end or error) fired */
  int peer_closed;       /* close_notify received */
  int report_pending;    /* a failure waits for the idle callback to be reported */
  int writes_pending;    /* completed writes wait for the idle callback */
  int final_started;     /* timer and idle are being closed */
  int final_handles;     /* of those, not closed yet */
  unsigned pending;      /* libuv handles/requests still calling back (not timer/idle) */

  uv_timer_t timer; /* connect attempt, handshake or close timeout */
  uv_idle_t idle;   /* callbacks that must not run inside an API call */
  uv_getaddrinfo_t *gai; /* while the name resolves */
  int gai_active;
  struct addrinfo *ai_list, *ai_next;
  unsigned ai_count;
  uv_getnameinfo_t *gni; /* while the reverse lookup runs */
  int gni_active;
  uv_shutdown_t shutdown_req;
  int shutdown_active;

  uv_tcp_t *tcp; /* the open connection (or current attempt); NULL once closing */
  char attempt_name[64];
  cassl_errmsg attempt_error; /* why the last attempt failed */

  struct sockaddr_storage peer;
  int have_peer;
  char *reverse_name;
  const char *hostname; /* one of hostname_opt, reverse_name, host, or NULL */
  cassl_session *session;

  /* Write path: sequence numbers count every ciphertext byte taken from the engine. */
  struct cassl_uv_write *writes, *writes_tail;
  uint64_t produced; /* taken out of the engine */
  uint64_t sent;     /* handed to the kernel */
  size_t inflight;   /* in uv_write chunks not done yet */
  int writable;
  CassError write_error; /* what unsent writes fail with */

  CassError error;
  cassl_errmsg message;
};

/* uv_transport.c */
/* Records the first failure, shuts the socket, and has it reported from the loop. */
void cassl_uvi_fail(struct cassl_uv_conn *c, CassError code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A failure the session engine already recorded (code and sentence taken from it). */
void cassl_uvi_fail_session(struct cassl_uv_conn *c, CassError code);
/* A libuv error on the socket: UNABLE_TO_CONNECT with the OS reason, unless it is harmless
 * because the connection is closing after the peer's close_notify. */
void cassl_uvi_fail_tcp(struct cassl_uv_conn *c, int uv_status, const char *what);
void cassl_uvi_schedule(struct cassl_uv_conn *c);
void cassl_uvi_close_tcp(struct cassl_uv_conn *c);
void cassl_uvi_request_done(struct cassl_uv_conn *c);
void cassl_uvi_established(struct cassl_uv_conn *c);

/* uv_connect.c */
/* What cassl_uv_connect does once options->host resolved to list (taken over, freed with
 * uv_freeaddrinfo): each address in turn. Lets tests hand over several addresses. */
CassError cassl_uvi_connect_list(uv_loop_t *loop, cassl_ssl *ssl, const cassl_uv_options *options,
                                 struct addrinfo *list, cassl_uv_connect_cb connect_cb,
                                 void *data, cassl_uv_conn **out);

/* uv_io.c */
void cassl_uvi_start_reading(struct cassl_uv_conn *c);
void cassl_uvi_drive_handshake(struct cassl_uv_conn *c);
void cassl_uvi_flush(struct cassl_uv_conn *c);
size_t cassl_uvi_queued(const struct cassl_uv_conn *c);
/* Reports writes whose bytes were sent; with all_done, fails the rest too. */
void cassl_uvi_complete_writes(struct cassl_uv_conn *c, int all_done);
void cassl_uvi_check_drain(struct cassl_uv_conn *c);

#endif
