/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Shared by the beyond-the-driver groups (PKCS#12, trust and CRLs, pins): their fixtures
 * (tests/fixtures/p12.sh, crl.sh, keys.sh over the test PKI) and a handshake-and-echo run
 * against a real peer through the session engine (tests/support/session_net.h). */
#ifndef TESTS_BEYOND_UTIL_H
#define TESTS_BEYOND_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "session_net.h"

/* Makes the fixtures with the given script of tests/fixtures/ ("p12.sh", "crl.sh",
 * "keys.sh"); 0 ready, 77 a tool is missing (after a message), -1 failure. */
int beyond_make_fixtures(const char *script);

/* $CASSL_FIXTURES/<rel> (e.g. "beyond/p12/client.p12", "keys/keystore-driver.p12"); the
 * string lives until 8 more calls in the same thread. */
const char *beyond_path(const char *rel);

/* A whole file (binary-safe) and its length; fails the test when unreadable. */
char *beyond_read(const char *path, size_t *len);

/* A CassSsl with the given flags trusting the PEM file at path (NULL = nothing trusted). */
CassSsl *beyond_ssl(const char *trusted_path, int flags);

/* gnutls-serv (echo) with the PEM certificate and key at these paths; client_ca may be NULL. */
peer *beyond_gnutls_serv(const char *cert, const char *key, const char *client_ca,
                         peer_client_auth auth, peer_tls_version version);

/* Connects to p with ssl, handshakes and echoes one line ("hello beyond\n"); returns the
 * first failure (the session's sentence is copied into msg, cap bytes). client_cert_sent
 * (may be NULL) says whether our certificate went out. */
CassError beyond_run(CassSsl *ssl, const peer *p, char *msg, size_t cap, bool *client_cert_sent);

/* beyond_run expecting want (CASS_OK or an error) and, for an error, a sentence holding
 * needle (NULL = any). */
void beyond_expect(CassSsl *ssl, const peer *p, CassError want, const char *needle);

/* Expects rc == want and cassl_ssl_last_error(ssl) to hold needle. */
void beyond_expect_setter(CassSsl *ssl, CassError rc, CassError want, const char *needle);

#endif
