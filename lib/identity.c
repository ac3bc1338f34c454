/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Peer identity policy (DESIGN 2.2) over the names a backend extracted from the leaf.
 *
 * Matching is written here rather than delegated to gnutls_x509_crt_check_hostname because
 * GnuTLS refuses a trailing dot, silently drops TAB/LF and soft hyphens from the reference
 * name, lets `*.x.com` match `.x.com` and accepts partial wildcards (`*baz.x.com`): none of
 * which the rules allow. Keeping it backend-independent also means every backend agrees.
 *
 * Addresses are compared as raw bytes of the same length, as OpenSSL's X509_check_ip does:
 * an IPv4-mapped IPv6 SAN (::ffff:a.b.c.d, 16 bytes) is not the IPv4 address, so it matches
 * only a connection made to that IPv6 address. Mapping it onto IPv4 would let it slip past
 * a CA's IPv4 name constraints, which never look at 16-byte names. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "identity.h"

/* Longest IP or host name text we ever format, plus room for escapes. */
#define NAME_TEXT_MAX 256

static int ascii_lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static bool ascii_ieq(const unsigned char *a, const unsigned char *b, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

static bool is_ldh(int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-';
}

/* RFC 1123 host names: LDH labels of 1..63 bytes not starting or ending with '-', 253 bytes
 * at most without the optional trailing dot, and a last label that is not all digits (so a
 * dotted-decimal IPv4 literal is never taken for a host name, RFC 1123 2.1 / RFC 3696 2). */
CASSL_EXPORT cass_bool_t cassl_hostname_is_valid(const char *name)
{
  if (!name)
    return cass_false;
  size_t len = strlen(name);
  if (len > 0 && name[len - 1] == '.')
    len--;
  if (len == 0 || len > 253)
    return cass_false;

  size_t label_start = 0;
  bool label_all_digits = true;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || name[i] == '.') {
      size_t label_len = i - label_start;
      if (label_len == 0 || label_len > 63)
        return cass_false;
      if (name[label_start] == '-' || name[i - 1] == '-')
        return cass_false;
      if (i == len && label_all_digits)
        return cass_false;
      label_start = i + 1;
      label_all_digits = true;
      continue;
    }
    unsigned char c = (unsigned char)name[i];
    if (!is_ldh(c))
      return cass_false;
    if (c < '0' || c > '9')
      label_all_digits = false;
  }
  return cass_true;
}

CASSL_EXPORT cass_bool_t cassl_is_ip_literal(const char *text)
{
  unsigned char buf[sizeof(struct in6_addr)];
  return text && (inet_pton(AF_INET, text, buf) == 1 || inet_pton(AF_INET6, text, buf) == 1)
             ? cass_true
             : cass_false;
}

/* The pattern without one trailing dot; false when it holds a NUL or is empty. */
static bool pattern_trim(const unsigned char *pattern, size_t *len)
{
  if (*len == 0 || memchr(pattern, '\0', *len))
    return false;
  if (pattern[*len - 1] == '.')
    (*len)--;
  return *len > 0;
}

bool cassl_dns_pattern_matches(const unsigned char *pattern, size_t pattern_len,
                               const char *hostname)
{
  if (!pattern || !cassl_hostname_is_valid(hostname) || !pattern_trim(pattern, &pattern_len))
    return false;
  const unsigned char *host = (const unsigned char *)hostname;
  size_t host_len = strlen(hostname);
  if (host[host_len - 1] == '.')
    host_len--;

  if (pattern[0] != '*') {
    /* A '*' elsewhere (f*.x.com, xn--*.x.com) is a partial wildcard: the valid host name
     * cannot hold one, so the byte comparison already refuses it. */
    return pattern_len == host_len && ascii_ieq(pattern, host, host_len);
  }

  /* "*." + at least two more labels: `*.com` and `*` match nothing. */
  if (pattern_len < 2 || pattern[1] != '.')
    return false;
  const unsigned char *rest = pattern + 1; /* ".example.com" */
  size_t rest_len = pattern_len - 1;
  if (memchr(rest, '*', rest_len) || !memchr(rest + 1, '.', rest_len - 1))
    return false;

  /* The wildcard takes exactly the host's first label, which is non-empty by validity. */
  const unsigned char *dot = memchr(host, '.', host_len);
  if (!dot)
    return false;
  size_t host_rest_len = host_len - (size_t)(dot - host);
  return host_rest_len == rest_len && ascii_ieq(dot, rest, rest_len);
}

/* Certificate bytes are untrusted: printable ASCII as is, anything else as \xNN. */
static void escape_bytes(const unsigned char *data, size_t len, char *out, size_t cap)
{
  size_t o = 0; /* invariant: o + 4 <= cap, room for "..." and the NUL */
  for (size_t i = 0; i < len; i++) {
    unsigned char c = data[i];
    bool plain = c >= 0x20 && c < 0x7f && c != '\\';
    if (o + (plain ? 1 : 4) + 4 > cap) {
      memcpy(out + o, "...", 3);
      o += 3;
      break;
    }
    if (plain)
      out[o++] = (char)c;
    else
      o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
  }
  out[o] = '\0';
}

static bool ip_is_v4_mapped(const unsigned char *ip, size_t len)
{
  static const unsigned char mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  return len == 16 && memcmp(ip, mapped_prefix, sizeof mapped_prefix) == 0;
}

/* Whether a and b are one IPv4 address, one side written as IPv4-mapped IPv6. */
static bool ip_same_but_mapped(const unsigned char *a, size_t a_len, const unsigned char *b,
                               size_t b_len)
{
  if (a_len == 16 && b_len == 4)
    return ip_same_but_mapped(b, b_len, a, a_len);
  return a_len == 4 && ip_is_v4_mapped(b, b_len) && memcmp(a, b + 12, 4) == 0;
}

static void format_ip(const unsigned char *bytes, size_t len, char *out, size_t cap)
{
  int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
  if (!family || !inet_ntop(family, bytes, out, (socklen_t)cap))
    snprintf(out, cap, "<%zu-byte address>", len);
}

static bool has_san(const struct cassl_cert_names *names)
{
  for (size_t i = 0; i < names->count; i++)
    if (names->items[i].type == CASSL_NAME_DNS || names->items[i].type == CASSL_NAME_IP)
      return true;
  return false;
}

/* "DNS:a, IP:b" for the SANs, or "CN:c" when there are none; the CN that SANs override
 * is reported separately so the user sees why it was not used. */
static void describe_names(const struct cassl_cert_names *names, char *out, size_t cap)
{
  bool sans = has_san(names);
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < names->count && o < cap; i++) {
    const struct cassl_name *n = &names->items[i];
    char text[NAME_TEXT_MAX];
    const char *tag;
    if (n->type == CASSL_NAME_IP) {
      format_ip(n->data, n->len, text, sizeof text);
      tag = "IP";
    } else if (n->type == CASSL_NAME_DNS || (!sans && n->type == CASSL_NAME_CN)) {
      escape_bytes(n->data, n->len, text, sizeof text);
      tag = n->type == CASSL_NAME_DNS ? "DNS" : "CN";
    } else {
      continue;
    }
    int w = snprintf(out + o, cap - o, "%s%s:%s", o ? ", " : "", tag, text);
    if (w < 0)
      break;
    o += (size_t)w;
  }
  if (o >= cap && cap > 4)
    memcpy(out + cap - 4, "...", 4);
}

/* The sentence for a mismatch against `checked` (already printable); note ("" or a clause
 * starting with "; ") says why a name that looks right did not count. */
static CassError mismatch(const struct cassl_cert_names *names, const char *checked,
                          const char *note, cassl_errmsg *err)
{
  char held[CASSL_ERRMSG_MAX / 2];
  describe_names(names, held, sizeof held);
  if (!held[0])
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "certificate holds no DNS, IP or CN name to match %s", checked);

  const struct cassl_name *ignored_cn = NULL;
  for (size_t i = 0; i < names->count && has_san(names); i++)
    if (names->items[i].type == CASSL_NAME_CN)
      ignored_cn = &names->items[i];
  if (ignored_cn) {
    char cn[NAME_TEXT_MAX / 2];
    escape_bytes(ignored_cn->data, ignored_cn->len, cn, sizeof cn);
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "certificate names %s do not match %s (its CN %s is ignored because "
                      "subjectAltNames are present)%s",
                      held, checked, cn, note);
  }
  return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                    "certificate names %s do not match %s%s", held, checked, note);
}

/* A CN that would match, refused because a CA of the chain does not permit it (names.h). */
static void note_constrained_cn(const struct cassl_name *n, char *note, size_t cap)
{
  char cn[NAME_TEXT_MAX / 4];
  char ca[NAME_TEXT_MAX / 2];
  escape_bytes(n->data, n->len, cn, sizeof cn);
  escape_bytes((const unsigned char *)n->outside_constraints_of,
               strlen(n->outside_constraints_of), ca, sizeof ca);
  snprintf(note, cap,
           "; its CN %s is outside the name constraints of \"%s\" in its chain", cn, ca);
}

/* The connected address as raw bytes: 4 for IPv4, 16 for IPv6 (scope ids left out). */
static size_t address_bytes(const struct sockaddr *address, unsigned char out[16])
{
  if (address->sa_family == AF_INET) {
    struct sockaddr_in sin;
    memcpy(&sin, address, sizeof sin);
    memcpy(out, &sin.sin_addr, 4);
    return 4;
  }
  if (address->sa_family == AF_INET6) {
    struct sockaddr_in6 sin6;
    memcpy(&sin6, address, sizeof sin6);
    memcpy(out, &sin6.sin6_addr, 16);
    return 16;
  }
  return 0;
}

CassError cassl_identity_match_ip(const struct cassl_cert_names *names,
                                  const struct sockaddr *address,
                                  const struct cassl_name **matched, cassl_errmsg *err)
{
  unsigned char want[16];
  size_t want_len;
  if (!address)
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "the connected address is unknown, so the certificate's IP cannot be "
                      "checked");
  if (!(want_len = address_bytes(address, want)))
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "the connected address (family %d) is neither IPv4 nor IPv6",
                      (int)address->sa_family);
  char want_text[INET6_ADDRSTRLEN];
  format_ip(want, want_len, want_text, sizeof want_text);

  char note[CASSL_ERRMSG_MAX / 2] = "";
  bool sans = has_san(names);
  for (size_t i = 0; i < names->count; i++) {
    const struct cassl_name *n = &names->items[i];
    unsigned char have[16];
    size_t have_len = 0;
    if (n->type == CASSL_NAME_IP && (n->len == 4 || n->len == 16)) {
      memcpy(have, n->data, n->len);
      have_len = n->len;
    } else if (n->type == CASSL_NAME_CN && !sans && !memchr(n->data, '\0', n->len)) {
      /* The CN is text: only an exact IP literal counts, parsed rather than compared as a
       * string so "::1" and "0:0::1" agree. */
      if (inet_pton(AF_INET, (const char *)n->data, have) == 1)
        have_len = 4;
      else if (inet_pton(AF_INET6, (const char *)n->data, have) == 1)
        have_len = 16;
    }
    if (have_len && have_len == want_len && memcmp(have, want, want_len) == 0) {
      if (!n->outside_constraints_of) {
        if (matched)
          *matched = n;
        return CASS_OK;
      }
      note_constrained_cn(n, note, sizeof note);
    } else if (have_len && !note[0] && ip_same_but_mapped(have, have_len, want, want_len)) {
      snprintf(note, sizeof note,
               "; an IPv4-mapped IPv6 address and the IPv4 address are different names, "
               "compared byte for byte: the certificate must name the address exactly as the "
               "node is reached");
    }
  }
  return mismatch(names, want_text, note, err);
}

CassError cassl_identity_match_dns(const struct cassl_cert_names *names, const char *hostname,
                                   const struct cassl_name **matched, cassl_errmsg *err)
{
  if (!hostname)
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "no host name is known for the peer (set one, or enable host name "
                      "resolution), so the certificate's DNS name cannot be checked");
  char shown[NAME_TEXT_MAX];
  escape_bytes((const unsigned char *)hostname, strlen(hostname), shown, sizeof shown);
  if (cassl_is_ip_literal(hostname))
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "\"%s\" is an IP address, not a host name: DNS identity checks need a "
                      "name (use the IP identity check for addresses)",
                      shown);
  if (!cassl_hostname_is_valid(hostname))
    return cassl_fail(err, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "\"%s\" is not a valid host name, so no certificate name can match it",
                      shown);

  char note[CASSL_ERRMSG_MAX / 2] = "";
  bool sans = has_san(names);
  for (size_t i = 0; i < names->count; i++) {
    const struct cassl_name *n = &names->items[i];
    if (n->type == CASSL_NAME_DNS || (n->type == CASSL_NAME_CN && !sans))
      if (cassl_dns_pattern_matches(n->data, n->len, hostname)) {
        if (!n->outside_constraints_of) {
          if (matched)
            *matched = n;
          return CASS_OK;
        }
        note_constrained_cn(n, note, sizeof note);
      }
  }
  return mismatch(names, shown, note, err);
}

CassError cassl_identity_check_names_sane(const struct cassl_cert_names *names, cassl_errmsg *err)
{
  for (size_t i = 0; i < names->count; i++) {
    const struct cassl_name *n = &names->items[i];
    if (n->type == CASSL_NAME_IP || !memchr(n->data, '\0', n->len))
      continue;
    char text[NAME_TEXT_MAX];
    escape_bytes(n->data, n->len, text, sizeof text);
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                      "certificate %s name \"%s\" contains a NUL byte (a name-spoofing trick)",
                      n->type == CASSL_NAME_DNS ? "DNS" : "CN", text);
  }
  return CASS_OK;
}

CassError cassl_identity_check_ip(const struct cassl_cert_names *names,
                                  const struct sockaddr *address, cassl_errmsg *err)
{
  return cassl_identity_match_ip(names, address, NULL, err);
}

CassError cassl_identity_check_dns(const struct cassl_cert_names *names, const char *hostname,
                                   cassl_errmsg *err)
{
  return cassl_identity_match_dns(names, hostname, NULL, err);
}
