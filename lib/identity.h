/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Peer identity policy (DESIGN 2.2): IP and DNS rules over the names a certificate holds. */
#ifndef CASSL_IDENTITY_H
#define CASSL_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "errmsg.h"
#include "names.h"

/* PEER_IDENTITY: the connected address against iPAddress SANs (raw bytes); the CN as an IP
 * literal only when the certificate has no DNS and no IP SAN. CASS_OK, or
 * CASS_ERROR_SSL_IDENTITY_MISMATCH with a sentence naming what the certificate holds. */
CassError cassl_identity_check_ip(const struct cassl_cert_names *names,
                                  const struct sockaddr *address, cassl_errmsg *err);

/* PEER_IDENTITY_DNS: the reference host name (NULL = none known: mismatch) against DNS SANs,
 * or the CN when the certificate has no DNS and no IP SAN. */
CassError cassl_identity_check_dns(const struct cassl_cert_names *names, const char *hostname,
                                   cassl_errmsg *err);

/* CASS_ERROR_SSL_INVALID_PEER_CERT when a DNS SAN or CN holds a NUL byte, else CASS_OK. */
CassError cassl_identity_check_names_sane(const struct cassl_cert_names *names, cassl_errmsg *err);

/* Whether name is a usable reference host name (letters, digits, hyphens, dot-separated
 * non-empty labels of at most 63 bytes, one optional trailing dot, at most 253 bytes). */
bool cassl_hostname_is_valid(const char *name);

/* Whether text parses as an IPv4 or IPv6 literal. */
bool cassl_is_ip_literal(const char *text);

/* One certificate DNS pattern against a valid reference name, with the wildcard rules. */
bool cassl_dns_pattern_matches(const unsigned char *pattern, size_t pattern_len,
                               const char *hostname);

#endif
