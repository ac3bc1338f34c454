/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: the peer identity policy (lib/identity.c, DESIGN 2.2) over the names a
 * server certificate claims (untrusted bytes, NULs included) and a reference name/address.
 * Besides crashes it checks soundness: a DNS pattern may only match a valid host name equal
 * to it (ASCII case-insensitive, one trailing dot ignored), or, for "*.rest" with at least
 * two dots, a host whose first label is non-empty and whose rest equals ".rest".
 * Layout: byte 0 bit 0 = IPv6 address; 16 address bytes; 1 byte hostname length h, h bytes
 * (cut at a NUL); then names as [type % 3, bit 7: outside the chain's name constraints]
 * [length][bytes]. A name marked so never makes a match on its own. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "identity.h"
#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t trimmed(const char *s, size_t len)
{
  return len > 0 && s[len - 1] == '.' ? len - 1 : len;
}

/* What DESIGN 2.2 allows a match to be (necessary conditions). */
static bool allowed_match(const unsigned char *pattern, size_t plen, const char *host)
{
  if (!cassl_hostname_is_valid(host) || memchr(pattern, '\0', plen))
    return false;
  const char *p = (const char *)pattern;
  size_t pl = trimmed(p, plen), hl = trimmed(host, strlen(host));
  if (pl == 0)
    return false;
  if (!memchr(p, '*', pl))
    return pl == hl && strncasecmp(p, host, pl) == 0;
  if (pl < 2 || p[0] != '*' || p[1] != '.' || memchr(p + 1, '*', pl - 1))
    return false;
  size_t dots = 0;
  for (size_t i = 0; i < pl; i++)
    dots += p[i] == '.';
  if (dots < 2)
    return false;
  const char *dot = memchr(host, '.', hl);
  if (!dot || dot == host)
    return false;
  size_t rest = hl - (size_t)(dot - host);
  return rest == pl - 1 && strncasecmp(dot, p + 1, rest) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 18)
    return 0;
  bool v6 = data[0] & 1;
  struct sockaddr_in in4;
  struct sockaddr_in6 in6;
  memset(&in4, 0, sizeof in4);
  memset(&in6, 0, sizeof in6);
  in4.sin_family = AF_INET;
  memcpy(&in4.sin_addr, data + 1, 4);
  in6.sin6_family = AF_INET6;
  memcpy(&in6.sin6_addr, data + 1, 16);
  size_t h = data[17];
  size_t off = 18;
  if (h > size - off)
    h = size - off;
  char host[256];
  memcpy(host, data + off, h);
  host[h] = '\0';
  off += h;

  struct cassl_cert_names names = { NULL, 0, 0 };
  while (off + 2 <= size) {
    enum cassl_name_type type = (enum cassl_name_type)(data[off] % 3);
    size_t len = data[off + 1];
    off += 2;
    if (len > size - off)
      len = size - off;
    bool outside = data[off - 2] & 0x80;
    if (cassl_names_add(&names, type, data + off, len) != CASS_OK)
      __builtin_trap();
    if (outside &&
        cassl_name_set_outside_constraints(&names.items[names.count - 1], "CN=fuzz") != CASS_OK)
      __builtin_trap();
    off += len;
  }

  bool all_outside = true;
  for (size_t i = 0; i < names.count; i++)
    all_outside &= names.items[i].outside_constraints_of != NULL;
  cassl_errmsg err;
  (void)cassl_identity_check_names_sane(&names, &err);
  CassError ip = cassl_identity_check_ip(&names, v6 ? (const struct sockaddr *)&in6
                                                    : (const struct sockaddr *)&in4, &err);
  CassError dns = cassl_identity_check_dns(&names, host, &err);
  if (all_outside && (ip == CASS_OK || dns == CASS_OK))
    __builtin_trap(); /* only names outside the constraints, yet a match */
  if (dns == CASS_OK && !cassl_hostname_is_valid(host))
    __builtin_trap(); /* an invalid reference name never matches */
  (void)cassl_is_ip_literal(host);
  for (size_t i = 0; i < names.count; i++) {
    const struct cassl_name *n = &names.items[i];
    if (n->type == CASSL_NAME_IP)
      continue;
    bool match = cassl_dns_pattern_matches(n->data, n->len, host);
    if (match && !allowed_match(n->data, n->len, host))
      __builtin_trap(); /* matched more than DESIGN 2.2 allows */
    if (!match && n->len && !memchr(n->data, '*', n->len) && allowed_match(n->data, n->len, host))
      __builtin_trap(); /* an exact name must match */
  }
  cassl_names_clear(&names);
  return 0;
}
