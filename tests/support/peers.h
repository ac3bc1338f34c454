/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Real peers for the interop tests: TLS servers in child processes (gnutls-serv,
 * openssl s_server, the JSSE server of tests/peers/JsseServer.java) and misbehaving TCP
 * listeners in threads (plain, closing, stalling, a byte-at-a-time relay).
 *
 * Every peer listens on 127.0.0.1 or ::1 on an ephemeral port, is ready to accept when its
 * start function returns, and is stopped by peer_stop() or, when a test fails before that,
 * at process exit (an atexit handler, and PR_SET_PDEATHSIG for the children): no process
 * outlives the test. Start peers from the main thread (the death signal follows the thread
 * that forked).
 *
 * Start functions return 0, PEER_SKIP when the peer's program is not installed (the test
 * should exit 77 and say why), or -1 after printing the reason to stderr.
 *
 * gnutls-serv has no bind-address option: it listens on the wildcard addresses of both
 * families (0.0.0.0 and ::), and the tests connect to it on loopback only.
 *
 * What each TLS peer does with application data:
 *   gnutls-serv --echo: sends back what it received once the buffered text holds a '\n'
 *     (line-oriented, and not NUL-safe: it copies with strdup); --crlf keeps CR bytes.
 *   openssl s_server -rev: for each line received sends the line reversed, "hello\n" ->
 *     "olleh\n"; a line "CLOSE" makes it close the connection.
 *   JsseServer: PEER_MODE_ECHO echoes every byte; PEER_MODE_CQL answers CQL v4 OPTIONS
 *     (SUPPORTED {CQL_VERSION:[3.4.5], COMPRESSION:[]}) and STARTUP (READY), stream ids kept.
 *
 * One file per peer kind: peer_gnutls_serv.c, peer_openssl.c, peer_jsse.c (over the child
 * process plumbing of peer_process.c), peer_tcp.c (plain, closer, stall) and peer_relay.c
 * (over the listener threads of peer_thread.c); peer.c holds the object, the registry and
 * the accessors, peer_fixtures.c the test PKI and peers_have (peer_internal.h: what they
 * share). The in-process GnuTLS servers are in session_util.h (over memory) and
 * transport_util.h (over loopback TCP).
 */
#ifndef CASSL_TESTS_PEERS_H
#define CASSL_TESTS_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PEER_SKIP 77

typedef struct peer peer;

typedef enum peer_tls_version {
  PEER_TLS_DEFAULT, /* what the server offers by default (1.2 and 1.3) */
  PEER_TLS1_2,      /* TLS 1.2 only */
  PEER_TLS1_3       /* TLS 1.3 only */
} peer_tls_version;

typedef enum peer_client_auth {
  PEER_CLIENT_AUTH_NONE,    /* no certificate request */
  PEER_CLIENT_AUTH_REQUEST, /* ask; verify one if sent (needs client_ca_file/truststore) */
  PEER_CLIENT_AUTH_REQUIRE  /* ask and fail the handshake without a valid one */
} peer_client_auth;

typedef enum peer_mode { PEER_MODE_ECHO, PEER_MODE_CQL } peer_mode;

typedef struct peer_tls_options {
  const char *host;           /* "127.0.0.1" (when NULL) or "::1" */
  /* gnutls-serv and openssl s_server: PEM files */
  const char *cert_file;      /* leaf first, then its chain (e.g. server-chain.pem) */
  const char *key_file;
  const char *key_password_file; /* openssl s_server only: an encrypted key's password
                                    (-pass file:), e.g. a PKCS#8 key beside the chain */
  const char *client_ca_file; /* CA verifying client certificates (e.g. ca.pem) */
  /* JsseServer: keytool stores */
  const char *keystore;       /* JKS or PKCS#12 */
  const char *storepass;      /* for keystore and truststore; NULL = "cassandra" */
  const char *truststore;     /* trusted client certificates, optional */
  const char *trustpass;      /* the truststore's when it differs from storepass */
  peer_client_auth client_auth;
  peer_tls_version version;
  peer_mode mode;             /* PEER_MODE_CQL: JsseServer only */
  const char *priority;       /* gnutls-serv only: a full priority string, overrides version */
  /* The only key exchange group the server accepts (all three servers), in GnuTLS's
   * spelling: "X25519", "SECP256R1" or "SECP384R1"; NULL = the server's defaults. */
  const char *group;
  bool no_tickets;            /* gnutls-serv --noticket, openssl s_server -no_ticket
                                 -num_tickets 0: no session tickets (TLS 1.3: the client's
                                 flight is the last) */
  /* JsseServer only: jdk.tls.server.SignatureSchemes (the schemes its CertificateRequest and
   * its own signatures may use), with the handshake debug log (javax.net.debug) on. */
  const char *jsse_signature_schemes;
  const char *servername;     /* openssl s_server only: the one SNI it accepts (another name
                                 fails the handshake with unrecognized_name; none is fine) */
  const char *ocsp_response;  /* gnutls-serv only: a DER OCSP response it staples
                                 (--ocsp-response) for a client that asks for one */
} peer_tls_options;

int peer_start_gnutls_serv(const peer_tls_options *opts, peer **out);
int peer_start_openssl(const peer_tls_options *opts, peer **out);
int peer_start_jsse(const peer_tls_options *opts, peer **out);

/* A plain TCP (not TLS) listener. reply NULL: echoes every byte back. Otherwise answers the
 * first bytes received with reply (e.g. "HTTP/1.0 400 Bad Request\r\n\r\n") and closes,
 * keeping the first bytes the client sends after the reply (peer_plain_after_reply). */
int peer_start_plain(const char *host, const void *reply, size_t reply_len, peer **out);
/* Copies up to cap of what the client sent after the reply on the latest connection, once
 * that connection is over (the client closed, or 2 s passed) or timeout_ms ran out; the
 * number of bytes copied. */
size_t peer_plain_after_reply(const peer *p, void *buf, size_t cap, unsigned timeout_ms);

/* Accepts and closes: at once (read_first false), or after the first bytes arrive, i.e.
 * after the ClientHello, so the client sees the connection close mid-handshake. */
int peer_start_closer(const char *host, bool read_first, peer **out);

/* Accepts, reads and discards, never answers (handshake timeouts). */
int peer_start_stall(const char *host, peer **out);

typedef struct peer_relay_options {
  const char *host;               /* where the relay listens; NULL = "127.0.0.1" */
  const struct sockaddr *target;  /* where it connects, e.g. peer_address(server, &len) */
  socklen_t target_len;
  size_t cut_after;               /* close both sides once this many server bytes were
                                     forwarded (0 = never): a mid-stream/handshake cut */
  unsigned byte_delay_us;         /* pause after each single-byte write (0 = none) */
} peer_relay_options;

/* A TCP relay to target: client bytes go through in chunks, the server's bytes are
 * written to the client one byte per write (TCP_NODELAY). Half-closes are forwarded. */
int peer_start_relay(const peer_relay_options *opts, peer **out);

/* Closes every relayed connection at once on both sides, without forwarding anything
 * more: the client sees EOF with no close_notify (truncation). */
void peer_relay_cut(peer *relay);

uint16_t peer_port(const peer *p);
const char *peer_host(const peer *p);                               /* "127.0.0.1" / "::1" */
const struct sockaddr *peer_address(const peer *p, socklen_t *len); /* host:port */
/* "127.0.0.1:4433" or "[::1]:4433", as the cassl tool takes it. */
const char *peer_hostport(const peer *p);
/* The child's stdout/stderr log while it runs (NULL for thread peers). */
const char *peer_log_path(const peer *p);
/* Whether a line of the child's log holds needle, waiting up to timeout_ms for it. */
bool peer_log_wait(const peer *p, const char *needle, unsigned timeout_ms);
/* Whether the server (gnutls-serv, openssl s_server, JSSE) logged receiving the fatal alert
 * with this number (42 bad_certificate, 48 unknown_ca, ...), waiting up to timeout_ms. */
bool peer_saw_alert(const peer *p, int alert, unsigned timeout_ms);
/* Connections accepted so far (thread peers; 0 for processes). */
unsigned peer_accept_count(const peer *p);

/* A blocking TCP connection to the peer: the fd, or -1 with errno. */
int peer_connect(const peer *p);

/* Stops the peer (SIGTERM to its process group, SIGKILL after 2 s, waitpid; or stops and
 * joins the threads), removes its log, frees it. NULL is ignored. */
void peer_stop(peer *p);
/* Stops every running peer (also done at exit, after printing the tail of their logs). */
void peers_stop_all(void);

/* Whether a peer's program is available: "gnutls-serv", "openssl", "java" (java and the
 * compiled JsseServer, or javac to compile it), "keytool". */
bool peers_have(const char *program);

/* Exits 77 (skip) with "SKIP: ..." on stderr when the program is missing (peers_have). */
void peers_require(const char *program);

/* $CASSL_FIXTURES/pki/<name> (e.g. "server-ip.pem", "jks/keystore.jks"), making the PKI with
 * tests/fixtures/pki.sh first when it is missing. The string lives until 16 more calls in
 * the same thread. NULL (after a message) when the fixtures cannot be made. */
const char *peers_pki(const char *name);

#endif
