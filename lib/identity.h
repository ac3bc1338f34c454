/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Peer identity policy (DESIGN 2.2): IP and DNS rules over the names a certificate holds. */
#ifndef CASSL_IDENTITY_H
#define CASSL_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "cassl/inspect.h"
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

/* The same checks, also saying which name matched (*matched, when matched is not NULL, on
 * CASS_OK): cassl_cert_info_check_identity tells the user why a certificate fits. */
CassError cassl_identity_match_ip(const struct cassl_cert_names *names,
                                  const struct sockaddr *address,
                                  const struct cassl_name **matched, cassl_errmsg *err);
CassError cassl_identity_match_dns(const struct cassl_cert_names *names, const char *hostname,
                                   const struct cassl_name **matched, cassl_errmsg *err);

/* cassl_hostname_is_valid and cassl_is_ip_literal are public (<cassl/inspect.h>). */

/* One certificate DNS pattern against a valid reference name, with the wildcard rules. */
bool cassl_dns_pattern_matches(const unsigned char *pattern, size_t pattern_len,
                               const char *hostname);

#endif
