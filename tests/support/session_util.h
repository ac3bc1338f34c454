/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Shared by the session test groups: a tiny PKI made with the GnuTLS API, an in-process
 * GnuTLS server session, and the pump that wires it back to back with a cassl_session. */
#ifndef TEST_SESSION_UTIL_H
#define TEST_SESSION_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "bytequeue.h"
#include "cassl/session.h"

/* ---- PKI --------------------------------------------------------------------------- */

struct tpki {
  gnutls_x509_crt_t crt;
  gnutls_x509_privkey_t key;
  char *cert_pem; /* NUL-terminated PEM */
  char *key_pem;
};

struct tpki_opts {
  const char *cn;          /* subject CN (NULL = none) */
  size_t cn_len;           /* 0 = strlen(cn); lets a CN hold a NUL */
  const char *dns[4];      /* DNS SANs */
  size_t dns_len[4];       /* 0 = strlen */
  const char *ip[4];       /* IP SANs as text ("127.0.0.1", "::1") */
  time_t not_before;       /* 0 = an hour ago */
  time_t not_after;        /* 0 = in a day */
  bool client;             /* TLS client key purpose instead of server */
  bool break_signature;    /* flip a bit of the signature after signing */
  size_t padding;          /* bytes of a private, non-critical extension (a large leaf) */
};

/* A self-signed CA. */
void tpki_ca(struct tpki *ca, const char *cn);
/* A leaf signed by ca. */
void tpki_leaf(struct tpki *leaf, const struct tpki *ca, const struct tpki_opts *opts);
void tpki_free(struct tpki *p);

/* ---- in-process server ------------------------------------------------------------- */

struct tserver_opts {
  const struct tpki *cert;    /* server certificate (NULL = anonymous only) */
  const struct tpki *chain_ca;/* appended to the sent chain when set */
  const char *priority;       /* NULL = "NORMAL" */
  gnutls_certificate_request_t client_cert; /* GNUTLS_CERT_IGNORE by default */
  const struct tpki *client_ca; /* trusted for client certificates */
  bool anon;                  /* also offer anonymous ECDH */
  bool no_tickets;            /* send no session tickets */
  bool verify_client;         /* check the client's chain against client_ca */
};

struct tserver {
  gnutls_session_t s;
  gnutls_certificate_credentials_t creds;
  gnutls_anon_server_credentials_t anon;
  gnutls_datum_t ticket_key;  /* session tickets on, as on real servers */
  struct cassl_bytequeue in;  /* ciphertext from the client */
  struct cassl_bytequeue out; /* ciphertext to the client */
  bool done;                  /* handshake finished */
  int error;                  /* last fatal GnuTLS error, 0 if none */
};

void tserver_init(struct tserver *srv, const struct tserver_opts *opts);
void tserver_free(struct tserver *srv);
/* One handshake step; returns the GnuTLS code (0 done, GNUTLS_E_AGAIN waiting). */
int tserver_handshake(struct tserver *srv);
/* Reads what the client sent; the fatal alert it ended with, or -1 when it sent none. */
int tserver_alert_received(struct tserver *srv);
/* Encrypts len bytes (all of them). */
void tserver_send(struct tserver *srv, const void *data, size_t len);
/* Decrypts what is available into buf; returns the count, 0 when nothing, -1 on
 * close_notify, or a negative GnuTLS error. */
long tserver_recv(struct tserver *srv, void *buf, size_t cap);

/* Moves ciphertext both ways: client output to the server, server output fed to the client
 * in pieces of at most chunk bytes (0 = all at once). Returns bytes moved. */
size_t tpump(cassl_session *cs, struct tserver *srv, size_t chunk);
/* Moves only the server's output to the client, at most chunk bytes per feed. */
size_t tpump_to_client(cassl_session *cs, struct tserver *srv, size_t chunk);

/* Drives both handshakes until the client is no longer HANDSHAKING (and the server is done
 * when the client succeeded); returns the client's last CassError. */
CassError thandshake(cassl_session *cs, struct tserver *srv, size_t chunk);

/* Client writes len pattern bytes, the server receives and checks them; then the server
 * writes len bytes and the client reads and checks them. chunk as for tpump. */
void ttransfer(cassl_session *cs, struct tserver *srv, size_t len, size_t chunk);
/* The byte at offset i of the test pattern seeded by seed. */
unsigned char tpattern(size_t i, unsigned seed);

/* Reads everything the client can decrypt now into buf (up to cap); returns the
 * CassError of the last read and the count in *n. */
CassError tclient_drain(cassl_session *cs, void *buf, size_t cap, size_t *n);

/* A CassSsl trusting ca (may be NULL) with the given verify flags. */
CassSsl *tssl_new(const struct tpki *ca, int flags);
/* The loopback peer description for the given address text ("127.0.0.1" / "::1"). */
struct tpeer {
  struct sockaddr_storage addr;
  cassl_peer peer;
};
void tpeer_init(struct tpeer *p, const char *ip, const char *hostname, const char *sni);

/* ---- one connection to a fresh in-process server (the resumption and trust tests) ------- */

struct tconn {
  CassError rc;
  int resumed;
  char msg[512]; /* the session's error sentence */
};

/* A session of ssl (127.0.0.1, hostname, SNI "node.cassl.test") against a fresh in-process
 * server presenting cert over TLS 1.3 (tls13) or 1.2, with session tickets under stek;
 * prepare, when set, is given the server before the handshake. After a handshake that
 * succeeds, 100 bytes go each way, which take in a TLS 1.3 ticket. */
struct tconn tconn_run(CassSsl *ssl, const struct tpki *cert, const char *hostname, bool tls13,
                       const gnutls_datum_t *stek, void (*prepare)(struct tserver *, void *),
                       void *ctx);
/* Fails the case unless c ended with rc, resumed as said, its sentence holding needle (when
 * not NULL). */
void tconn_expect(const struct tconn *c, CassError rc, int resumed, const char *needle);

#endif
