/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport: one TLS client connection on a uv_loop_t, built on the session engine.
 *
 *   cassl_uv_options opts;
 *   cassl_uv_options_init(&opts);
 *   opts.host = "node1.example.com"; opts.port = 9042;   (or opts.address = &sockaddr)
 *   opts.on_read = on_read;
 *   cassl_uv_connect(loop, ssl, &opts, on_connect, app, &conn);
 *   on_connect(conn, CASS_OK, "", app)  -> cassl_uv_write(conn, buf, len, on_written, req);
 *   on_read(conn, CASS_OK, plaintext, n, app) ...
 *   cassl_uv_close(conn, on_close);     -> on_close(conn, status, message, app), conn freed.
 *
 * Connecting: the host name is resolved with uv_getaddrinfo and each address is tried in
 * turn; once TCP is up the connected address (uv_tcp_getpeername) becomes the session's peer
 * address for PEER_IDENTITY, its name is optionally looked up with uv_getnameinfo
 * (NI_NAMEREQD; the driver's cass_cluster_set_use_hostname_resolution), then the TLS
 * handshake and the verification the cassl_ssl's flags ask for run under a timeout.
 *
 * Errors (status of the callbacks, with a sentence):
 *   CASS_ERROR_LIB_BAD_PARAMS       invalid arguments (returned, no callback)
 *   CASS_ERROR_LIB_HOST_RESOLUTION  uv_getaddrinfo failed ("cannot resolve 'x': <reason>")
 *   CASS_ERROR_LIB_UNABLE_TO_CONNECT a TCP failure with the OS reason (uv_strerror):
 *                                   "connect to 127.0.0.1:9042 failed: connection refused",
 *                                   "... failed: connection timed out after N ms" (the
 *                                   connect timeout), "receive failed: connection reset by
 *                                   peer", "send failed: broken pipe"; for a name with several
 *                                   addresses, "no address of 'x' accepted a connection
 *                                   (N tried); last: ..."
 *   CASS_ERROR_LIB_REQUEST_TIMED_OUT "TLS handshake timed out after N ms"
 *   CASS_ERROR_SSL_CLOSED           the peer ended TCP without close_notify: "connection
 *                                   truncated: EOF without close_notify" once established,
 *                                   "connection closed by the peer during the TLS handshake
 *                                   (EOF without close_notify)" before — never a clean end
 *   CASS_ERROR_SSL_*                the session engine's handshake / verification / record
 *                                   errors, with its sentence
 *
 * Lifetime rules:
 * - cassl_uv_connect takes a reference on the cassl_ssl for the life of the connection; the
 *   caller may cass_ssl_free its own reference right after the call.
 * - A connection returned by cassl_uv_connect must be closed with cassl_uv_close exactly once,
 *   also after a failure. The close callback then fires exactly once, from the loop (never
 *   from inside cassl_uv_close), and the connection is freed when it returns.
 * - After cassl_uv_close, the only callbacks still made are the write callbacks of writes not
 *   yet reported and the close callback. No connect, read or drain callback follows.
 * - Any callback may call cassl_uv_write or cassl_uv_close on its connection.
 * - The loop must keep running until the close callback has fired. All calls on a connection
 *   must come from the loop's thread.
 * - As in any libuv program, SIGPIPE must be ignored (or handled) by the application: a peer
 *   that goes away while data is being written makes the kernel raise it.
 * - Everything passed in options is copied; the session returned by cassl_uv_conn_session is
 *   owned by the connection (read it, do not free it or move bytes through it). */
#ifndef CASSL_UV_H
#define CASSL_UV_H

#include <stddef.h>
#include <sys/socket.h>

#include <uv.h>

#include "cassl/session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cassl_uv_conn cassl_uv_conn;

/* Once per connection, unless it was closed first: CASS_OK when TLS is established and the
 * peer verified, else the failure (message is "" on success). On failure the socket is
 * already shut; call cassl_uv_close. */
typedef void (*cassl_uv_connect_cb)(cassl_uv_conn *conn, CassError status, const char *message,
                                    void *data);

/* status CASS_OK and len > 0: decrypted bytes, valid during the call.
 * status CASS_OK and len == 0: the peer closed cleanly (close_notify); no more reads follow.
 * any other status: the connection failed (see the table above; message from
 * cassl_uv_conn_error_message); no more reads follow. */
typedef void (*cassl_uv_read_cb)(cassl_uv_conn *conn, CassError status, const void *buf,
                                 size_t len, void *data);

/* Exactly once per accepted write: CASS_OK when all of its ciphertext was handed to the
 * kernel, or the connection's error when it died first (CASS_ERROR_LIB_WRITE_ERROR when a
 * close gave up on unsent data). */
typedef void (*cassl_uv_write_cb)(cassl_uv_conn *conn, CassError status, void *write_data);

/* The queued bytes fell to half the high-water mark or below after having exceeded it. */
typedef void (*cassl_uv_drain_cb)(cassl_uv_conn *conn, void *data);

/* Exactly once after cassl_uv_close. status CASS_OK: nothing failed (close_notify was sent
 * and the sending side shut down cleanly, or the connection was closed before TLS was up);
 * otherwise the error that ended the connection, or why the close itself failed
 * (CASS_ERROR_LIB_REQUEST_TIMED_OUT "close timed out after N ms with X bytes unsent").
 * The connection is freed when this returns. */
typedef void (*cassl_uv_close_cb)(cassl_uv_conn *conn, CassError status, const char *message,
                                  void *data);

#define CASSL_UV_DEFAULT_CONNECT_TIMEOUT_MS 5000u
#define CASSL_UV_DEFAULT_HANDSHAKE_TIMEOUT_MS 10000u
#define CASSL_UV_DEFAULT_CLOSE_TIMEOUT_MS 5000u
/* 128 KiB: enough to keep loopback and LAN sockets busy; a larger queue only adds copies of
 * ciphertext the kernel did not take yet (bench B2). */
#define CASSL_UV_DEFAULT_HIGH_WATER_MARK ((size_t)128 << 10)

/* Connection options. Always start with cassl_uv_options_init, which sets size (so later
 * versions of the library can add fields at the end) and the defaults. */
typedef struct cassl_uv_options {
  size_t size;                    /* sizeof(cassl_uv_options) as compiled by the caller: a
                                     smaller size than this version's is refused, fields
                                     beyond it (a newer header) are ignored */

  /* Where: an address (IPv4/IPv6 with its port), or host + port to resolve. */
  const struct sockaddr *address; /* connect to this address; takes precedence over host */
  const char *host;               /* a name or an IP literal, resolved with uv_getaddrinfo */
  unsigned short port;            /* port for host */

  /* Who: the reference name for CASS_SSL_VERIFY_PEER_IDENTITY_DNS, chosen in this order:
   * hostname when set; else, with reverse_dns, the name uv_getnameinfo finds for the
   * connected address (none found: no name, so the DNS identity check fails); else host when
   * it is not an IP literal; else none. */
  const char *hostname;
  int reverse_dns;                /* nonzero: look up the connected address's name */
  const char *sni;                /* server name to send; NULL: the reference name when it is
                                     a DNS name (never an IP literal) */

  /* Timeouts in milliseconds; 0 waits forever. */
  unsigned connect_timeout_ms;    /* per TCP connect attempt */
  unsigned handshake_timeout_ms;  /* from TCP connected: reverse DNS, handshake, verification */
  unsigned close_timeout_ms;      /* how long a close waits for queued data to leave */

  size_t high_water_mark;         /* queued ciphertext bytes above which the caller should
                                     pause writing until on_drain */
  cassl_uv_read_cb on_read;       /* plaintext and end of stream; NULL discards */
  cassl_uv_drain_cb on_drain;     /* NULL: no drain notification */
} cassl_uv_options;

/* Sets size and the defaults: no address, no host, reverse DNS off, the timeouts and the
 * high-water mark above, no callbacks. */
CASSL_EXPORT void cassl_uv_options_init(cassl_uv_options *options);

/* Starts connecting. On CASS_OK *out is the new connection and connect_cb fires later from
 * the loop (never from inside this call). CASS_ERROR_LIB_BAD_PARAMS (nothing created, no
 * callback) for a NULL loop/ssl/options/out, an unknown options size, neither address nor
 * host, an address family other than AF_INET/AF_INET6, or an sni that is an IP literal or
 * not a valid DNS name. data is passed to the connect, read, drain and close callbacks. */
CASSL_EXPORT CassError cassl_uv_connect(uv_loop_t *loop, cassl_ssl *ssl,
                                        const cassl_uv_options *options,
                                        cassl_uv_connect_cb connect_cb, void *data,
                                        cassl_uv_conn **out);

/* Encrypts len bytes of buf now (buf may be reused on return) and sends them: uv_try_write
 * first, the rest queued with uv_write. CASS_OK: cb (may be NULL) fires exactly once, from
 * the loop. Otherwise cb never fires: CASS_ERROR_LIB_BAD_PARAMS for NULL arguments,
 * CASS_ERROR_LIB_WRITE_ERROR before the connection is established or after cassl_uv_close,
 * CASS_ERROR_SSL_CLOSED after the peer's close_notify, the connection's error once it
 * failed. Writing past the high-water mark is allowed (the data is queued);
 * cassl_uv_conn_writable tells when to pause. */
CASSL_EXPORT CassError cassl_uv_write(cassl_uv_conn *conn, const void *buf, size_t len,
                                      cassl_uv_write_cb cb, void *write_data);

/* Closes the connection, at any time after cassl_uv_connect (also from a callback): queued
 * data is still sent, then close_notify, then the sending side is shut down (uv_shutdown)
 * and the socket closed. Data still unsent after close_timeout_ms is dropped (its writes
 * fail). cb (may be NULL) fires once; see the lifetime rules. A second call does nothing. */
CASSL_EXPORT void cassl_uv_close(cassl_uv_conn *conn, cassl_uv_close_cb cb);

/* Ciphertext accepted by cassl_uv_write but not yet handed to the kernel. */
CASSL_EXPORT size_t cassl_uv_conn_queued_bytes(const cassl_uv_conn *conn);
/* cass_true when established, healthy, not closing, and not paused: a pause starts when
 * the queued bytes exceed the high-water mark and ends with on_drain. */
CASSL_EXPORT cass_bool_t cassl_uv_conn_writable(const cassl_uv_conn *conn);
CASSL_EXPORT void cassl_uv_conn_set_high_water_mark(cassl_uv_conn *conn, size_t bytes);

/* Pointers returned below live until the close callback returns. */

/* The TLS session (info, peer certificates), or NULL until TCP is connected and the reverse
 * DNS lookup (when asked) is done. */
CASSL_EXPORT cassl_session *cassl_uv_conn_session(const cassl_uv_conn *conn);
/* The reference host name in use (see cassl_uv_options.hostname), or NULL when none. */
CASSL_EXPORT const char *cassl_uv_conn_hostname(const cassl_uv_conn *conn);
/* The name reverse DNS found for the connected address, or NULL (not asked, none found). */
CASSL_EXPORT const char *cassl_uv_conn_reverse_name(const cassl_uv_conn *conn);
/* The connected address, or NULL until TCP is connected. */
CASSL_EXPORT const struct sockaddr *cassl_uv_conn_peer_address(const cassl_uv_conn *conn);

/* The error that ended the connection (CASS_OK while healthy) and its sentence ("" then). */
CASSL_EXPORT CassError cassl_uv_conn_error(const cassl_uv_conn *conn);
CASSL_EXPORT const char *cassl_uv_conn_error_message(const cassl_uv_conn *conn);

#ifdef __cplusplus
}
#endif

#endif
