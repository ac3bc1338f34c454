/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The session engine: one TLS connection as buffers, no sockets (sans-IO).
 *
 * The caller moves ciphertext between the network and the session, and plaintext between
 * the session and the application:
 *
 *   cassl_session_new(ssl, &peer, &s);
 *   loop: send cassl_session_output_peek()/consume() bytes to the network;
 *         cassl_session_feed() bytes received from the network;
 *         cassl_session_handshake() until cassl_session_state() is ESTABLISHED (verification
 *         per the cassl_ssl's flags runs as soon as the server's certificate arrives);
 *   then: cassl_session_write() plaintext (its ciphertext appears as output),
 *         cassl_session_read() plaintext after each feed.
 * Every failure returns a CassError and leaves a sentence in cassl_session_error_message(). */
#ifndef CASSL_SESSION_H
#define CASSL_SESSION_H

#include <stddef.h>
#include <sys/socket.h>

#include "cassl/cassl.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cassl_session cassl_session;

/* Who we are talking to. Everything is copied by cassl_session_new. */
typedef struct cassl_peer {
  const struct sockaddr *address; /* connected address (PEER_IDENTITY); NULL = unknown */
  const char *hostname;           /* reference name for PEER_IDENTITY_DNS (given by the
                                     application or found by reverse DNS); NULL = none */
  const char *sni;                /* server name to send; NULL = hostname when that is a DNS
                                     name. IP literals are never sent as SNI. */
} cassl_peer;

typedef enum cassl_session_state {
  CASSL_SESSION_HANDSHAKING,
  CASSL_SESSION_ESTABLISHED,   /* handshake done and peer verified */
  CASSL_SESSION_CLOSED,        /* close_notify sent or received */
  CASSL_SESSION_FAILED,        /* see cassl_session_error() */
  CASSL_SESSION_HANDSHAKE_DONE /* CASSL_SESSION_DEFER_VERIFY: the handshake is over and
                                  cassl_session_verify() has not been called yet */
} cassl_session_state;

/* Which server name (SNI) a session sends. */
typedef enum cassl_sni_policy {
  CASSL_SNI_AUTO = 0,    /* peer->sni, else the host name when it is a DNS name */
  CASSL_SNI_NONE = 1,    /* none, whatever peer holds (peer->hostname is still checked
                            by PEER_IDENTITY_DNS) */
  CASSL_SNI_EXPLICIT = 2 /* exactly peer->sni, which must be a DNS name */
} cassl_sni_policy;

/* cassl_session_options.verify_flags: the object's flags at session creation. */
#define CASSL_VERIFY_FLAGS_INHERIT (-1)

/* cassl_session_options.flags */
/* Verification is a step of its own: cassl_session_handshake ends in HANDSHAKE_DONE (also
 * when a check already failed during the handshake), and cassl_session_verify() reports the
 * result, as a driver tells handshake failures and verification failures apart. */
#define CASSL_SESSION_DEFER_VERIFY (1u << 0)
/* The client's last handshake flight (TLS 1.3 Finished, with the client certificate and its
 * signature when the server asked for them; a resumed TLS 1.2 Finished), produced by the
 * step that completes the handshake, is held back: the output does not show it until the
 * first cassl_session_write or cassl_session_close, which send it in front of their own
 * records (or output a read produces). For loops that finish a handshake only after a step
 * that produced no output, as the driver's does: such a loop never waits for the server,
 * which may send nothing until the client writes. A TLS 1.3 server judges the client's
 * certificate after the flight; a refusal is its fatal alert, which fails the first
 * cassl_session_read after the first write (CASS_ERROR_SSL_PROTOCOL_ERROR, the sentence
 * naming the alert and saying the server refused the client certificate). A TLS 1.2
 * refusal comes before the server's Finished: a handshake error. */
#define CASSL_SESSION_HOLD_FINAL_FLIGHT (1u << 1)

/* Per-session choices beyond the object's configuration. Initialise with
 * CASSL_SESSION_OPTIONS_INIT (or set size to sizeof(cassl_session_options) and the rest as
 * it says): size lets later versions add fields without breaking callers built earlier. */
typedef struct cassl_session_options {
  size_t size;           /* sizeof(cassl_session_options) as the caller was built */
  int verify_flags;      /* CassSslVerifyFlags, or CASSL_VERIFY_FLAGS_INHERIT */
  cassl_sni_policy sni;  /* CASSL_SNI_AUTO by default */
  unsigned flags;        /* CASSL_SESSION_* bits */
} cassl_session_options;

/* The largest cassl_session_options.size accepted: room for later fields, and a bound on
 * what is read of a caller's struct when the size is garbage. */
#define CASSL_SESSION_OPTIONS_MAX_SIZE 1024

#define CASSL_SESSION_OPTIONS_INIT \
  { sizeof(cassl_session_options), CASSL_VERIFY_FLAGS_INHERIT, CASSL_SNI_AUTO, 0u }

typedef struct cassl_session_info {
  const char *protocol;     /* "TLS1.3" */
  const char *cipher;       /* "AES-256-GCM" */
  const char *mac;          /* "AEAD" */
  const char *kx;           /* key exchange / group, e.g. "ECDHE-X25519" */
  const char *suite;        /* IANA-style suite name when known, else "" */
  int client_cert_sent;     /* our certificate was requested and sent */
  int client_cert_requested;/* the server asked for a certificate */
  int resumed;              /* the session was resumed */
  size_t peer_cert_count;   /* certificates the server sent */
} cassl_session_info;

/* A new client session holding a reference on ssl; the cassl_ssl's configuration in force
 * now (verify flags, versions, priority, trusted set, CRLs, client certificate and key,
 * pins) applies to it for its whole life, whatever setters do meanwhile. CASS_ERROR_LIB_BAD_PARAMS
 * (sentence in cassl_ssl_last_error) for NULL arguments, an explicit SNI that is an IP
 * literal or not a valid DNS name, or an address that is neither IPv4 nor IPv6. A hostname
 * that is not a valid DNS name is kept: it is not sent as SNI and PEER_IDENTITY_DNS fails
 * with CASS_ERROR_SSL_IDENTITY_MISMATCH. Out of memory is CASS_ERROR_LIB_INTERNAL_ERROR;
 * a TLS library that cannot make a session, CASS_ERROR_LIB_UNABLE_TO_INIT. */
CASSL_EXPORT CassError cassl_session_new(cassl_ssl *ssl, const cassl_peer *peer,
                                         cassl_session **out);
/* cassl_session_new with options (NULL = the defaults, as cassl_session_new). A size below
 * sizeof(cassl_session_options) or above CASSL_SESSION_OPTIONS_MAX_SIZE (refused before any
 * byte past the known fields is read), nonzero bytes past the known fields, verify_flags
 * with a bit other than CASS_SSL_VERIFY_PEER_CERT, _PEER_IDENTITY and _PEER_IDENTITY_DNS
 * (unless CASSL_VERIFY_FLAGS_INHERIT), an unknown SNI policy or flag, or CASSL_SNI_EXPLICIT
 * without a valid peer->sni, is CASS_ERROR_LIB_BAD_PARAMS. */
CASSL_EXPORT CassError cassl_session_new_ex(cassl_ssl *ssl, const cassl_peer *peer,
                                            const cassl_session_options *options,
                                            cassl_session **out);
CASSL_EXPORT void cassl_session_free(cassl_session *session);

/* Advances the handshake with the ciphertext fed so far. CASS_OK while it waits for more
 * input or once it is done and verified (see cassl_session_state); an error otherwise. When
 * verification refuses the server, the output holds a fatal alert telling it why: send it
 * before closing the connection. The server's certificate is checked as soon as it arrives,
 * before the client's certificate is sent: a server the checks refuse never receives it.
 * With CASSL_SESSION_DEFER_VERIFY it returns CASS_OK in HANDSHAKE_DONE instead of reporting
 * a verification failure; cassl_session_verify() reports it. */
CASSL_EXPORT CassError cassl_session_handshake(cassl_session *session);

/* The verification step of CASSL_SESSION_DEFER_VERIFY: in HANDSHAKE_DONE, the checks' result
 * (pins, then the flags' PEER_CERT and identity checks; CASS_ERROR_SSL_NO_PEER_CERT,
 * _INVALID_PEER_CERT, _IDENTITY_MISMATCH with the sentence in cassl_session_error_message);
 * on success the session is ESTABLISHED, on failure FAILED with the fatal alert queued as
 * output. CASS_OK on an ESTABLISHED session; CASS_ERROR_LIB_BAD_PARAMS while handshaking. */
CASSL_EXPORT CassError cassl_session_verify(cassl_session *session);

/* Queues ciphertext received from the network (copied). */
CASSL_EXPORT CassError cassl_session_feed(cassl_session *session, const void *data, size_t len);

/* Ciphertext waiting to be sent, in one piece; consume what was sent. The pointer is valid
 * until the next call on the session. */
CASSL_EXPORT const void *cassl_session_output_peek(const cassl_session *session, size_t *len);
CASSL_EXPORT void cassl_session_output_consume(cassl_session *session, size_t len);
CASSL_EXPORT size_t cassl_session_output_pending(const cassl_session *session);

/* Decrypts plaintext into buf. *n = 0 with CASS_OK: nothing more until more is fed.
 * CASS_ERROR_SSL_CLOSED once the peer sent close_notify (cassl_session_state CLOSED); data
 * that arrived before it is returned first. Still allowed after our own close, until the
 * peer's close_notify. CASS_ERROR_LIB_BAD_PARAMS while handshaking (the session is kept). */
CASSL_EXPORT CassError cassl_session_read(cassl_session *session, void *buf, size_t cap,
                                          size_t *n);
/* Encrypts all of buf (split into records); the ciphertext becomes output. */
CASSL_EXPORT CassError cassl_session_write(cassl_session *session, const void *buf, size_t len);
/* Where cassl_session_write_to puts output: len bytes of ciphertext, in order. Returns 0, or
 * nonzero when it cannot take them (out of memory), which fails the session. A sink only
 * takes the bytes: a call on the same session from inside it (write, write_to, read,
 * handshake, verify, feed, close, set_error) is refused with CASS_ERROR_LIB_BAD_PARAMS and
 * changes nothing (the session is kept and the outer write goes on),
 * cassl_session_output_consume does nothing there, and cassl_session_free must not be
 * called from it. Getters (state, error, pending output, info) may be. */
typedef int (*cassl_output_sink)(void *ctx, const void *data, size_t len);
/* cassl_session_write, with the output handed to sink as it is made instead of queued: first
 * what the output queue holds (a held final flight, what reads produced), then this write's
 * records. For a caller that copies the output into a buffer of its own anyway (one copy
 * less). Output made by later calls is queued as usual. CASS_ERROR_LIB_BAD_PARAMS without a
 * sink; a sink that fails gives CASS_ERROR_SSL_PROTOCOL_ERROR and a failed session. */
CASSL_EXPORT CassError cassl_session_write_to(cassl_session *session, const void *buf,
                                              size_t len, cassl_output_sink sink, void *ctx);
/* Queues close_notify (once; also as the answer to the peer's). */
CASSL_EXPORT CassError cassl_session_close(cassl_session *session);

CASSL_EXPORT cassl_session_state cassl_session_get_state(const cassl_session *session);
CASSL_EXPORT CassError cassl_session_error(const cassl_session *session);
CASSL_EXPORT const char *cassl_session_error_message(const cassl_session *session);

/* Negotiated parameters; valid once established, strings live as long as the session. */
CASSL_EXPORT CassError cassl_session_get_info(const cassl_session *session,
                                              cassl_session_info *info);
/* The idx-th certificate the server sent (0 = leaf), DER, valid as long as the session. */
CASSL_EXPORT CassError cassl_session_peer_cert(const cassl_session *session, size_t idx,
                                               const unsigned char **der, size_t *len);

/* Marks a failure coming from outside the engine (the transport: timeout, TCP error), so
 * state and message tell one story. Returns code. */
CASSL_EXPORT CassError cassl_session_set_error(cassl_session *session, CassError code,
                                               const char *message);

#ifdef __cplusplus
}
#endif

#endif
