/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The hint line of a failed probe: the likely cause and the fix, from what was observed. */
#define _GNU_SOURCE /* strcasestr */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"
#include "probe.h"

static bool contains(const char *text, const char *word)
{
  return text && strcasestr(text, word) != NULL;
}

/* Whether any certificate in the --ca files has this subject (RFC 4514 form). */
static bool ca_files_hold(const struct probe_opts *o, const char *subject)
{
  bool found = false;
  for (size_t i = 0; i < o->ca_count && !found; i++) {
    unsigned char *data;
    size_t len;
    if (read_file(o->ca[i], &data, &len) != 0)
      continue;
    cassl_file_info *fi = NULL;
    cassl_file_info_read(data, len, NULL, &fi);
    for (size_t j = 0; j < cassl_file_info_cert_count(fi) && !found; j++)
      found = !strcmp(subject, cassl_cert_info_subject(cassl_file_info_cert(fi, j)));
    cassl_file_info_free(fi);
    free(data);
  }
  return found;
}

static void verify_hint(const struct probe_opts *o, const struct probe_result *res, char *buf,
                        size_t cap)
{
  const cassl_cert_info *leaf = res->chain_count ? res->chain[0].cert : NULL;
  const cassl_cert_info *top = res->chain_count ? res->chain[res->chain_count - 1].cert : NULL;
  if (res->status == CASS_ERROR_SSL_NO_PEER_CERT) {
    snprintf(buf, cap, "the server sent no certificate: peer-cert needs one; configure the "
                       "node's keystore, or use --verify none to look without checking");
    return;
  }
  if (res->status == CASS_ERROR_SSL_IDENTITY_MISMATCH) {
    char names[700] = "no names";
    if (leaf)
      cert_names_text(leaf, names, sizeof names);
    if (contains(res->message, "outside the name constraints")) {
      snprintf(buf, cap,
               "a CA of the node's chain restricts the names it may vouch for (nameConstraints) "
               "and the CN the certificate relies on is not among them: reissue the node "
               "certificate from a CA allowed to name it, with the name as a SAN");
    } else if (contains(res->message, "IPv4-mapped")) {
      snprintf(buf, cap,
               "the certificate holds %s, but the connection went to %s, and an IPv4-mapped "
               "IPv6 address is a different name from the IPv4 one: connect to the address as "
               "the certificate writes it, or reissue it with IP SAN %s",
               names, res->ip, res->ip);
    } else if ((o->verify_flags & CASS_SSL_VERIFY_PEER_IDENTITY) || !(o->verify_flags & CASS_SSL_VERIFY_PEER_IDENTITY_DNS)) {
      const char *bare = res->ip;
      snprintf(buf, cap,
               "the certificate holds %s, but the connection went to %s: connect to an "
               "address the certificate names, or reissue the node certificate with IP SAN %s",
               names, bare, bare);
    } else if (!*res->hostname_used) {
      snprintf(buf, cap,
               "peer-identity-dns needs a host name, and none was known (the target is an IP "
               "address): pass --hostname NAME or --resolve-hostname; the certificate holds %s",
               names);
    } else {
      snprintf(buf, cap,
               "the certificate holds %s, but the host name checked was %s: connect by a name "
               "the certificate holds (or --hostname), or reissue the certificate with DNS SAN %s",
               names, res->hostname_used, res->hostname_used);
    }
    return;
  }
  /* INVALID_PEER_CERT */
  if (contains(res->message, "pin")) {
    snprintf(buf, cap, "the server's public key is not one of the pinned keys: check --pin "
                       "against `cassl inspect` of the node certificate");
    return;
  }
  if (contains(res->message, "revoked")) {
    snprintf(buf, cap, "the node certificate is revoked (by a --crl list, or by the OCSP "
                       "response the node stapled): the node needs a new certificate");
    return;
  }
  if (contains(res->message, "not meant for TLS servers")) {
    snprintf(buf, cap, "the node certificate's extended key usage leaves out TLS servers: "
                       "reissue it with serverAuth (keytool -ext EKU=serverAuth,clientAuth)");
    return;
  }
  if (contains(res->message, "(the intermediate CA ")) {
    snprintf(buf, cap, "an intermediate CA certificate the node sends is out of date (see the "
                       "peer chain): the node needs its renewed chain");
    return;
  }
  if (contains(res->message, "(the trusted CA ")) {
    snprintf(buf, cap, "the --ca certificate that issued the node's chain is out of date: "
                       "renew the CA, or trust its current certificate");
    return;
  }
  if (leaf && !cert_valid_now(leaf)) {
    char until[40];
    format_time(cassl_cert_info_not_after(leaf), until, sizeof until);
    snprintf(buf, cap, "the node certificate is not valid now (valid until %s): renew it",
             until);
    return;
  }
  const char *issuer = top ? (cassl_cert_info_is_self_signed(top) ? cassl_cert_info_subject(top)
                                                                   : cassl_cert_info_issuer(top))
                          : NULL;
  if (issuer && !issuer[0])
    issuer = NULL; /* an empty DN names nothing to look for */
  if (o->ca_count == 0 && !o->system_ca) {
    snprintf(buf, cap, "no --ca given, so nothing is trusted: pass --ca with the certificate of "
                       "%s", issuer ? issuer : "the CA that signed the node certificate");
    return;
  }
  if (issuer && o->ca_count == 0) {
    snprintf(buf, cap, "the system CA store does not hold the issuer %s: give that CA's "
                       "certificate with --ca", issuer);
    return;
  }
  if (issuer && !ca_files_hold(o, issuer)) {
    snprintf(buf, cap, "the CA file does not contain the issuer %s: add that CA's certificate "
                       "to --ca (or check that this is the node you meant)", issuer);
    return;
  }
  snprintf(buf, cap, "the chain does not verify against --ca (%s): check the node's chain "
                     "with `cassl inspect` and the CA's validity", res->message);
}

static void handshake_hint(const struct probe_opts *o, const struct probe_result *res,
                           char *buf, size_t cap)
{
  bool requested = res->have_info && res->info.client_cert_requested;
  bool alert = contains(res->message, "alert");
  if (!o->cert && (requested || contains(res->message, "certificate required"))) {
    snprintf(buf, cap, "the server asked for a client certificate (require_client_auth): pass "
                       "--cert and --key");
    return;
  }
  if (o->cert && alert && (requested || contains(res->message, "certificate") ||
                           contains(res->message, "unknown ca"))) {
    snprintf(buf, cap, "the server refused our client certificate: make the node's "
                       "truststore trust the CA that signed %s", o->cert);
    return;
  }
  if (alert && (contains(res->message, "version") || contains(res->message, "handshake failure") ||
                contains(res->message, "insufficient security"))) {
    snprintf(buf, cap, "the server and this client share no TLS version or cipher suite: check "
                       "--min-tls/--priority and the node's protocol and cipher_suites settings");
    return;
  }
  if (res->status == CASS_ERROR_LIB_REQUEST_TIMED_OUT && res->chain_count == 0) {
    snprintf(buf, cap, "no TLS answer within %u ms: this port does not speak TLS (plain CQL "
                       "port, or client_encryption_options not enabled on the node)",
             o->timeout_ms);
    return;
  }
  if (contains(res->message, "cannot parse the server's certificate")) {
    snprintf(buf, cap, "the node's certificate cannot be used by a GnuTLS client whatever "
                       "--verify says: reissue it without empty subjectAltName entries (`openssl "
                       "s_client -showcerts` fetches it for a look)");
    return;
  }
  if (!alert && res->chain_count == 0) {
    snprintf(buf, cap, "this port does not speak TLS: the server did not answer the TLS "
                       "handshake (enable client_encryption_options on the node or use its "
                       "TLS port)");
    return;
  }
  if (contains(res->message, "version") || contains(res->message, "cipher") ||
      contains(res->message, "no supported") || contains(res->message, "insufficient")) {
    snprintf(buf, cap, "the server and this client share no TLS version or cipher suite: check "
                       "--min-tls/--priority and the node's settings");
    return;
  }
  snprintf(buf, cap, "the TLS handshake failed: %s", res->message);
}

void probe_hint(const struct probe_opts *o, const struct probe_result *res, char *buf,
                size_t cap)
{
  buf[0] = '\0';
  if (res->hint[0]) {
    snprintf(buf, cap, "%s", res->hint);
    return;
  }
  switch (res->stage) {
  case STAGE_LOCAL:
    snprintf(buf, cap, "check the files given with --ca, --cert and --key");
    return;
  case STAGE_CONNECT:
    if (res->status == CASS_ERROR_LIB_HOST_RESOLUTION)
      snprintf(buf, cap, "the name %s does not resolve: check its spelling and DNS, or use the "
                         "node's IP address", o->host);
    else if (contains(res->message, "refused"))
      snprintf(buf, cap, "nothing listens on %s port %d: check the address, the port "
                         "(native_transport_port, 9042 by default) and that the node is up",
               o->host, o->port);
    else if (contains(res->message, "timed out") || contains(res->message, "timeout"))
      snprintf(buf, cap, "no TCP answer from %s port %d within %u ms: a firewall, a wrong "
                         "address, or a slow network (--timeout)", o->host, o->port, o->timeout_ms);
    else
      snprintf(buf, cap, "cannot reach %s port %d: check the address and the network",
               o->host, o->port);
    return;
  case STAGE_HANDSHAKE:
    handshake_hint(o, res, buf, cap);
    return;
  case STAGE_VERIFY:
    verify_hint(o, res, buf, cap);
    return;
  case STAGE_CQL:
    if (res->status == CASS_ERROR_LIB_REQUEST_TIMED_OUT)
      snprintf(buf, cap, "TLS works but no CQL answer came within %u ms: is this the node's "
                         "native transport port (9042), not another TLS service?", o->timeout_ms);
    else if (contains(res->message, "not a CQL frame"))
      snprintf(buf, cap, "TLS works but the server does not speak CQL: this port belongs to "
                         "another TLS service");
    else if (contains(res->message, "ERROR"))
      snprintf(buf, cap, "the node refused the CQL handshake: read its message above "
                         "(protocol version or startup options)");
    else
      snprintf(buf, cap, "TLS works but the CQL exchange failed: is this a Cassandra node?");
    return;
  case STAGE_DONE:
    return;
  }
}
