/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The identity policy of DESIGN 2.2: reference-name validation, DNS patterns, IP matching,
 * CN fallback and its override by SANs, NUL names, and the mismatch sentences. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <cmocka.h>

#include "identity.h"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

/* Names from "DNS:x", "IP:1.2.3.4", "CN:y" strings (IP text parsed to raw bytes). */
static void names_build(struct cassl_cert_names *names, const char *const *specs, size_t n)
{
  memset(names, 0, sizeof *names);
  for (size_t i = 0; i < n; i++) {
    const char *s = specs[i];
    if (strncmp(s, "DNS:", 4) == 0) {
      assert_int_equal(cassl_names_add(names, CASSL_NAME_DNS, s + 4, strlen(s + 4)), CASS_OK);
    } else if (strncmp(s, "CN:", 3) == 0) {
      assert_int_equal(cassl_names_add(names, CASSL_NAME_CN, s + 3, strlen(s + 3)), CASS_OK);
    } else if (strncmp(s, "IP:", 3) == 0) {
      unsigned char raw[16];
      if (inet_pton(AF_INET, s + 3, raw) == 1)
        assert_int_equal(cassl_names_add(names, CASSL_NAME_IP, raw, 4), CASS_OK);
      else if (inet_pton(AF_INET6, s + 3, raw) == 1)
        assert_int_equal(cassl_names_add(names, CASSL_NAME_IP, raw, 16), CASS_OK);
      else
        fail_msg("bad IP in test spec %s", s);
    } else {
      fail_msg("bad test spec %s", s);
    }
  }
}

/* A sockaddr for an IPv4 or IPv6 literal, "fe80::1%3" style scope allowed. */
static const struct sockaddr *addr_of(const char *text, struct sockaddr_storage *ss)
{
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *sin = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  char buf[INET6_ADDRSTRLEN + 8];
  snprintf(buf, sizeof buf, "%s", text);
  char *pct = strchr(buf, '%');
  if (pct) {
    *pct = '\0';
    sin6->sin6_scope_id = (uint32_t)atoi(pct + 1);
  }
  if (inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
    sin->sin_family = AF_INET;
    sin->sin_port = htons(9042);
  } else if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) == 1) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(9042);
  } else {
    fail_msg("bad address in test %s", text);
  }
  return (const struct sockaddr *)ss;
}

/* ---- cassl_hostname_is_valid ---- */

static void test_hostname_valid(void **state)
{
  (void)state;
  char label63[64], label64[65], long253[300], long254[300];
  memset(label63, 'a', 63), label63[63] = '\0';
  memset(label64, 'a', 64), label64[64] = '\0';
  /* 4 labels of 63 + 3 dots = 255; trim to exactly 253 and 254. */
  snprintf(long253, sizeof long253, "%s.%s.%s.%s", label63, label63, label63, label63);
  memcpy(long254, long253, sizeof long253);
  long253[253] = '\0';
  long254[254] = '\0';
  char long253dot[310];
  snprintf(long253dot, sizeof long253dot, "%s.", long253);
  char label63_name[80];
  snprintf(label63_name, sizeof label63_name, "%s.com", label63);
  char label64_name[80];
  snprintf(label64_name, sizeof label64_name, "%s.com", label64);

  const char *good[] = {
    "localhost", "example.com", "example.com.", "EXAMPLE.COM", "a-b.example.com",
    "node1.cassl.test", "xn--bcher-kva.example", "a.b.c.d.e.f", "1.example.com",
    "123abc", "0x7f", "a", label63_name, long253, long253dot,
  };
  for (size_t i = 0; i < countof(good); i++)
    if (!cassl_hostname_is_valid(good[i]))
      fail_msg("expected valid: \"%s\"", good[i]);

  const char *bad[] = {
    "", ".", "..", ".example.com", "example..com", "example.com..", "exa mple.com",
    " example.com", "example.com ", "ex\tample.com", "ex\nample.com", "ex\rample.com",
    "ex\x01" "ample.com", "ex\x7f" "ample.com", "example.com:9042", "host:443", "a/b.com",
    "example.com/", "[::1]", "[example.com]", "::1", "fe80::1", "127.0.0.1", "127.0.0.1.",
    "10.0.0.1", "1.2.3.4.5", "node.1", "-a.com", "a-.com", "a.-b.com", "a_b.com",
    "*.example.com", "f*.example.com", "ex\xc2\xad" "ample.com", "\xc3\xa9.com", "a@b.com",
    "a%b.com", "exa\\mple.com", label64_name, long254,
  };
  for (size_t i = 0; i < countof(bad); i++)
    if (cassl_hostname_is_valid(bad[i]))
      fail_msg("expected invalid: \"%s\"", bad[i]);
  assert_false(cassl_hostname_is_valid(NULL));
}

static void test_is_ip_literal(void **state)
{
  (void)state;
  const char *yes[] = { "127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::",
                        "2001:db8::1", "::ffff:10.0.0.1", "FE80::1", "1:2:3:4:5:6:7:8" };
  for (size_t i = 0; i < countof(yes); i++)
    if (!cassl_is_ip_literal(yes[i]))
      fail_msg("expected IP literal: %s", yes[i]);
  const char *no[] = { "", "localhost", "127.1", "127.0.0.1.", "256.0.0.1", " 127.0.0.1",
                       "[::1]", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "0x7f.0.0.1" };
  for (size_t i = 0; i < countof(no); i++)
    if (cassl_is_ip_literal(no[i]))
      fail_msg("expected not an IP literal: %s", no[i]);
  assert_false(cassl_is_ip_literal(NULL));
}

/* ---- cassl_dns_pattern_matches ---- */

struct pattern_case {
  const char *pattern;
  const char *host;
  bool match;
};

static const struct pattern_case pattern_cases[] = {
  /* exact, case-insensitive, one trailing dot on either side */
  { "example.com", "example.com", true },
  { "EXAMPLE.com", "example.COM", true },
  { "Node1.Cassl.Test", "nODE1.cASSL.tEST", true },
  { "example.com.", "example.com", true },
  { "example.com", "example.com.", true },
  { "example.com.", "example.com.", true },
  { "localhost", "localhost", true },
  { "localhost.", "localhost", true },
  { "example.com..", "example.com", false },
  { "example.com", "example.com..", false },
  { ".example.com", "example.com", false },
  { "example.com", "www.example.com", false },
  { "www.example.com", "example.com", false },
  { "example.co", "example.com", false },
  { "example.com", "example.co", false },
  { "", "example.com", false },
  { ".", "example.com", false },
  /* RFC 6125 6.4.3 wildcards: whole leftmost label, exactly one label */
  { "*.example.com", "foo.example.com", true },
  { "*.example.com", "FOO.Example.Com.", true },
  { "*.EXAMPLE.COM", "foo.example.com", true },
  { "*.example.com.", "foo.example.com", true },
  { "*.example.com", "xn--bcher-kva.example.com", true },
  { "*.example.com", "a.example.com", true },
  { "*.co.uk", "example.co.uk", true },
  { "*.example.com", "example.com", false },
  { "*.example.com", "bar.foo.example.com", false },
  { "*.example.com", ".example.com", false },
  { "*.example.com", "*.example.com", false },
  { "*.example.com", "foo.example.org", false },
  { "*.example.com", "fooexample.com", false },
  /* at least two dots in the pattern */
  { "*.com", "example.com", false },
  { "*.com.", "example.com", false },
  { "*.localhost", "a.localhost", false },
  { "*", "localhost", false },
  { "*", "com", false },
  { "*.", "localhost", false },
  { "*..com", "a..com", false },
  /* no partial wildcards, no wildcard beyond the first label */
  { "f*.example.com", "foo.example.com", false },
  { "*oo.example.com", "foo.example.com", false },
  { "*baz.example.com", "foobaz.example.com", false },
  { "baz*.example.com", "baz1.example.com", false },
  { "b*z.example.com", "buzz.example.com", false },
  { "xn--*.example.com", "xn--bcher-kva.example.com", false },
  { "*.*.example.com", "a.b.example.com", false },
  { "foo.*.example.com", "foo.bar.example.com", false },
  { "foo.*.com", "foo.bar.com", false },
  { "**.example.com", "foo.example.com", false },
  { "*.example.*", "foo.example.com", false },
  /* the reference name must be a valid host name, whatever the pattern says */
  { "foo bar.com", "foo bar.com", false },
  { "*.example.com", "a b.example.com", false },
  { "*.example.com", "a\tb.example.com", false },
  { "*.example.com", "-.example.com", false },
  { "127.0.0.1", "127.0.0.1", false },
  { "*.0.0.1", "127.0.0.1", false },
  { "a_b.example.com", "a_b.example.com", false },
  { "example.com:443", "example.com:443", false },
  { "[::1]", "[::1]", false },
  { "::1", "::1", false },
};

static void test_pattern_table(void **state)
{
  (void)state;
  for (size_t i = 0; i < countof(pattern_cases); i++) {
    const struct pattern_case *c = &pattern_cases[i];
    bool got = cassl_dns_pattern_matches((const unsigned char *)c->pattern,
                                         strlen(c->pattern), c->host);
    if (got != c->match)
      fail_msg("pattern \"%s\" vs host \"%s\": expected %s", c->pattern, c->host,
               c->match ? "match" : "no match");
  }
}

static void test_pattern_nul_and_length(void **state)
{
  (void)state;
  static const unsigned char nul_pat[] = "example.com\0.evil.org";
  assert_false(cassl_dns_pattern_matches(nul_pat, sizeof nul_pat - 1, "example.com"));
  assert_false(cassl_dns_pattern_matches(nul_pat, sizeof nul_pat - 1, "example.com.evil.org"));
  static const unsigned char nul_wild[] = "*.example.com\0";
  assert_false(cassl_dns_pattern_matches(nul_wild, sizeof nul_wild - 1, "a.example.com"));
  /* the length is honoured: only "example.com" of the buffer is the pattern */
  static const unsigned char longer[] = "example.comXYZ";
  assert_true(cassl_dns_pattern_matches(longer, 11, "example.com"));
  assert_false(cassl_dns_pattern_matches(longer, sizeof longer - 1, "example.com"));
  assert_false(cassl_dns_pattern_matches(NULL, 0, "example.com"));
  assert_false(cassl_dns_pattern_matches((const unsigned char *)"example.com", 11, NULL));
  /* a 63-byte leftmost label is still one label */
  char host[100];
  memset(host, 'z', 63);
  snprintf(host + 63, sizeof host - 63, ".example.com");
  assert_true(cassl_dns_pattern_matches((const unsigned char *)"*.example.com", 13, host));
}

/* ---- cassl_identity_check_ip ---- */

struct ip_case {
  const char *names[4];
  size_t count;
  const char *address;
  CassError expect;
  const char *sentence; /* exact, when not NULL and expect is a mismatch */
};

static const struct ip_case ip_cases[] = {
  { { "IP:127.0.0.1" }, 1, "127.0.0.1", CASS_OK, NULL },
  { { "IP:10.0.0.1", "IP:127.0.0.1" }, 2, "127.0.0.1", CASS_OK, NULL },
  { { "IP:127.0.0.1", "IP:::1" }, 2, "::1", CASS_OK, NULL },
  { { "IP:127.0.0.1", "IP:::1" }, 2, "127.0.0.1", CASS_OK, NULL },
  { { "IP:2001:db8::1" }, 1, "2001:db8:0:0:0:0:0:1", CASS_OK, NULL },
  { { "DNS:localhost", "IP:127.0.0.1" }, 2, "127.0.0.1", CASS_OK, NULL },
  /* scope ids are not part of the identity */
  { { "IP:fe80::1" }, 1, "fe80::1%2", CASS_OK, NULL },
  /* raw bytes of the same length: IPv4-mapped IPv6 is not the IPv4 address (a CA's IPv4
   * name constraints never see a 16-byte name), on either side */
  { { "IP:127.0.0.1" }, 1, "::ffff:127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:127.0.0.1 do not match ::ffff:127.0.0.1; an IPv4-mapped IPv6 "
    "address and the IPv4 address are different names, compared byte for byte: the "
    "certificate must name the address exactly as the node is reached" },
  { { "IP:::ffff:127.0.0.1" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:::ffff:127.0.0.1 do not match 127.0.0.1; an IPv4-mapped IPv6 "
    "address and the IPv4 address are different names, compared byte for byte: the "
    "certificate must name the address exactly as the node is reached" },
  { { "IP:::ffff:127.0.0.1" }, 1, "::ffff:127.0.0.1", CASS_OK, NULL },
  { { "IP:::ffff:127.0.0.1", "IP:127.0.0.1" }, 2, "127.0.0.1", CASS_OK, NULL },
  { { "IP:10.0.0.1" }, 1, "::ffff:10.0.0.2", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:10.0.0.1 do not match ::ffff:10.0.0.2" },
  /* the deprecated IPv4-compatible form is a different address */
  { { "IP:127.0.0.1" }, 1, "::127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:127.0.0.1 do not match ::127.0.0.1" },
  /* DESIGN's example sentence */
  { { "DNS:node1.example.com", "IP:10.0.0.1" }, 2, "127.0.0.1",
    CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:node1.example.com, IP:10.0.0.1 do not match 127.0.0.1" },
  { { "IP:127.0.0.1" }, 1, "::1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:127.0.0.1 do not match ::1" },
  { { "IP:::1" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:::1 do not match 127.0.0.1" },
  { { "IP:2001:db8::1" }, 1, "2001:db8::2", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:2001:db8::1 do not match 2001:db8::2" },
  /* a DNS SAN never matches an address, even when it spells it */
  { { "DNS:127.0.0.1" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:127.0.0.1 do not match 127.0.0.1" },
  /* CN fallback: only without DNS and IP SANs, parsed as an IP literal */
  { { "CN:127.0.0.1" }, 1, "127.0.0.1", CASS_OK, NULL },
  { { "CN:::1" }, 1, "::1", CASS_OK, NULL },
  { { "CN:0:0:0:0:0:0:0:1" }, 1, "::1", CASS_OK, NULL },
  { { "CN:::ffff:127.0.0.1" }, 1, "::ffff:127.0.0.1", CASS_OK, NULL },
  { { "CN:::ffff:127.0.0.1" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  { { "CN:Some Org", "CN:127.0.0.1" }, 2, "127.0.0.1", CASS_OK, NULL },
  { { "CN:127.0.0.2" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names CN:127.0.0.2 do not match 127.0.0.1" },
  { { "CN:127.1" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names CN:127.1 do not match 127.0.0.1" },
  { { "CN:127.0.0.1 " }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names CN:127.0.0.1  do not match 127.0.0.1" },
  { { "CN:localhost" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names CN:localhost do not match 127.0.0.1" },
  /* an IP SAN overrides the CN (the driver guide), so does a DNS SAN */
  { { "CN:127.0.0.1", "IP:10.9.9.9" }, 2, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:10.9.9.9 do not match 127.0.0.1 (its CN 127.0.0.1 is ignored "
    "because subjectAltNames are present)" },
  { { "CN:127.0.0.1", "DNS:localhost" }, 2, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:localhost do not match 127.0.0.1 (its CN 127.0.0.1 is ignored "
    "because subjectAltNames are present)" },
  { { "CN:127.0.0.1", "IP:127.0.0.1" }, 2, "127.0.0.1", CASS_OK, NULL },
  { { 0 }, 0, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate holds no DNS, IP or CN name to match 127.0.0.1" },
};

static void test_ip_table(void **state)
{
  (void)state;
  for (size_t i = 0; i < countof(ip_cases); i++) {
    const struct ip_case *c = &ip_cases[i];
    struct cassl_cert_names names;
    struct sockaddr_storage ss;
    cassl_errmsg err = { .text = "untouched" };
    names_build(&names, c->names, c->count);
    CassError rc = cassl_identity_check_ip(&names, addr_of(c->address, &ss), &err);
    if (rc != c->expect)
      fail_msg("case %zu (%s): expected 0x%08x got 0x%08x: %s", i, c->address,
               (unsigned)c->expect, (unsigned)rc, err.text);
    if (c->sentence && strcmp(err.text, c->sentence) != 0)
      fail_msg("case %zu: sentence\n  got:  %s\n  want: %s", i, err.text, c->sentence);
    if (rc == CASS_OK)
      assert_string_equal(err.text, "untouched");
    cassl_names_clear(&names);
  }
}

static void test_ip_odd_addresses(void **state)
{
  (void)state;
  const char *specs[] = { "IP:127.0.0.1" };
  struct cassl_cert_names names;
  cassl_errmsg err;
  names_build(&names, specs, 1);

  assert_int_equal(cassl_identity_check_ip(&names, NULL, &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_non_null(strstr(err.text, "connected address is unknown"));

  struct sockaddr_un sun = { .sun_family = AF_UNIX };
  assert_int_equal(cassl_identity_check_ip(&names, (struct sockaddr *)&sun, &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_non_null(strstr(err.text, "neither IPv4 nor IPv6"));

  /* a NULL errmsg is allowed */
  struct sockaddr_storage ss;
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.2", &ss), NULL),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  cassl_names_clear(&names);

  /* an iPAddress SAN of a length other than 4 or 16 matches nothing and says so */
  static const unsigned char five[] = { 127, 0, 0, 1, 0 };
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_IP, five, sizeof five), CASS_OK);
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.1", &ss), &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(err.text, "certificate names IP:<5-byte address> do not match 127.0.0.1");
  /* a 4-byte prefix of a 16-byte SAN is no match */
  cassl_names_clear(&names);
  static const unsigned char v6_start_v4[16] = { 127, 0, 0, 1 };
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_IP, v6_start_v4, 16), CASS_OK);
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.1", &ss), &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  cassl_names_clear(&names);

  /* a CN with a NUL byte is never parsed as an address */
  static const char cn_nul[] = "127.0.0.1\0garbage";
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, cn_nul, sizeof cn_nul - 1), CASS_OK);
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.1", &ss), &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(err.text,
                      "certificate names CN:127.0.0.1\\x00garbage do not match 127.0.0.1");
  cassl_names_clear(&names);
}

/* A CN the chain's name constraints do not permit (marked by the backend) never matches. */
static void test_cn_outside_constraints(void **state)
{
  (void)state;
  struct cassl_cert_names names = { 0 };
  struct sockaddr_storage ss;
  cassl_errmsg err;
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, "127.0.0.1", 9), CASS_OK);
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, "node.example", 12), CASS_OK);
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.1", &ss), &err), CASS_OK);
  assert_int_equal(cassl_identity_check_dns(&names, "node.example", &err), CASS_OK);
  assert_int_equal(cassl_name_set_outside_constraints(&names.items[0], "CN=Lab CA"), CASS_OK);
  assert_int_equal(cassl_name_set_outside_constraints(&names.items[1], "CN=Lab \"CA\""), CASS_OK);
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.1", &ss), &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(err.text, "certificate names CN:127.0.0.1, CN:node.example do not match "
                                "127.0.0.1; its CN 127.0.0.1 is outside the name constraints "
                                "of \"CN=Lab CA\" in its chain");
  assert_int_equal(cassl_identity_check_dns(&names, "node.example", &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(err.text, "certificate names CN:127.0.0.1, CN:node.example do not match "
                                "node.example; its CN node.example is outside the name "
                                "constraints of \"CN=Lab \"CA\"\" in its chain");
  /* another name that matches still does */
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, "127.0.0.1", 9), CASS_OK);
  assert_int_equal(cassl_identity_check_ip(&names, addr_of("127.0.0.1", &ss), &err), CASS_OK);
  cassl_names_clear(&names);
}

/* ---- cassl_identity_check_dns ---- */

struct dns_case {
  const char *names[4];
  size_t count;
  const char *host;
  CassError expect;
  const char *sentence;
};

static const struct dns_case dns_cases[] = {
  { { "DNS:localhost", "DNS:node.cassl.test" }, 2, "localhost", CASS_OK, NULL },
  { { "DNS:localhost", "DNS:node.cassl.test" }, 2, "NODE.cassl.test.", CASS_OK, NULL },
  { { "DNS:*.example.com" }, 1, "node1.example.com", CASS_OK, NULL },
  { { "DNS:other.org", "DNS:*.example.com" }, 2, "node1.example.com", CASS_OK, NULL },
  { { "DNS:node1.example.com", "IP:10.0.0.1" }, 2, "node1.example.com", CASS_OK, NULL },
  { { "DNS:localhost", "DNS:node.cassl.test" }, 2, "node9.cassl.test",
    CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:localhost, DNS:node.cassl.test do not match node9.cassl.test" },
  { { "DNS:*.example.com" }, 1, "a.b.example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:*.example.com do not match a.b.example.com" },
  { { "DNS:*.com" }, 1, "example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:*.com do not match example.com" },
  { { "DNS:f*.example.com" }, 1, "foo.example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  /* an IP SAN does not match a name, and is listed */
  { { "IP:127.0.0.1" }, 1, "localhost", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:127.0.0.1 do not match localhost" },
  /* CN fallback, wildcard rules included */
  { { "CN:localhost" }, 1, "localhost", CASS_OK, NULL },
  { { "CN:Node.Example.com" }, 1, "node.example.com.", CASS_OK, NULL },
  { { "CN:*.example.com" }, 1, "node.example.com", CASS_OK, NULL },
  { { "CN:*.com" }, 1, "example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  { { "CN:localhost" }, 1, "node.example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names CN:localhost do not match node.example.com" },
  /* SANs override the CN */
  { { "CN:foo.example.com", "DNS:bar.example.com" }, 2, "foo.example.com",
    CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names DNS:bar.example.com do not match foo.example.com (its CN "
    "foo.example.com is ignored because subjectAltNames are present)" },
  { { "CN:localhost", "IP:127.0.0.1" }, 2, "localhost", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate names IP:127.0.0.1 do not match localhost (its CN localhost is ignored "
    "because subjectAltNames are present)" },
  { { "CN:localhost", "DNS:localhost" }, 2, "localhost", CASS_OK, NULL },
  { { 0 }, 0, "localhost", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "certificate holds no DNS, IP or CN name to match localhost" },
  /* an IP literal is not a host name */
  { { "DNS:127.0.0.1" }, 1, "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    "\"127.0.0.1\" is an IP address, not a host name: DNS identity checks need a name (use "
    "the IP identity check for addresses)" },
  { { "CN:::1" }, 1, "::1", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
};

static void test_dns_table(void **state)
{
  (void)state;
  for (size_t i = 0; i < countof(dns_cases); i++) {
    const struct dns_case *c = &dns_cases[i];
    struct cassl_cert_names names;
    cassl_errmsg err = { .text = "untouched" };
    names_build(&names, c->names, c->count);
    CassError rc = cassl_identity_check_dns(&names, c->host, &err);
    if (rc != c->expect)
      fail_msg("case %zu (%s): expected 0x%08x got 0x%08x: %s", i, c->host,
               (unsigned)c->expect, (unsigned)rc, err.text);
    if (c->sentence && strcmp(err.text, c->sentence) != 0)
      fail_msg("case %zu: sentence\n  got:  %s\n  want: %s", i, err.text, c->sentence);
    if (rc == CASS_OK)
      assert_string_equal(err.text, "untouched");
    cassl_names_clear(&names);
  }
}

/* Each bad reference name is refused even when the certificate holds the same bytes. */
static void test_dns_bad_reference_names(void **state)
{
  (void)state;
  static const struct {
    const char *host;
    const char *shown;
  } bad[] = {
    { "", "" },
    { ".example.com", ".example.com" },
    { "example..com", "example..com" },
    { "example.com..", "example.com.." },
    { "exa mple.com", "exa mple.com" },
    { "ex\tample.com", "ex\\x09ample.com" },
    { "ex\nample.com", "ex\\x0aample.com" },
    { "ex\x01" "ample.com", "ex\\x01ample.com" },
    { "ex\x7f" "ample.com", "ex\\x7fample.com" },
    { "example.com:9042", "example.com:9042" },
    { "example.com/path", "example.com/path" },
    { "[example.com]", "[example.com]" },
    { "a_b.example.com", "a_b.example.com" },
    { "ex\xc2\xad" "ample.com", "ex\\xc2\\xadample.com" },
    { "-lead.example.com", "-lead.example.com" },
    { "*.example.com", "*.example.com" },
    { "127.0.0.1.", "127.0.0.1." },
    { "back\\slash.com", "back\\x5cslash.com" },
  };
  for (size_t i = 0; i < countof(bad); i++) {
    struct cassl_cert_names names = { 0 };
    cassl_errmsg err;
    assert_int_equal(cassl_names_add(&names, CASSL_NAME_DNS, bad[i].host, strlen(bad[i].host)),
                     CASS_OK);
    assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, bad[i].host, strlen(bad[i].host)),
                     CASS_OK);
    CassError rc = cassl_identity_check_dns(&names, bad[i].host, &err);
    if (rc != CASS_ERROR_SSL_IDENTITY_MISMATCH)
      fail_msg("bad name \"%s\" was accepted", bad[i].shown);
    char want[CASSL_ERRMSG_MAX];
    snprintf(want, sizeof want,
             "\"%s\" is not a valid host name, so no certificate name can match it",
             bad[i].shown);
    if (strcmp(err.text, want) != 0)
      fail_msg("sentence\n  got:  %s\n  want: %s", err.text, want);
    cassl_names_clear(&names);
  }
}

static void test_dns_no_hostname(void **state)
{
  (void)state;
  const char *specs[] = { "DNS:localhost" };
  struct cassl_cert_names names;
  cassl_errmsg err;
  names_build(&names, specs, 1);
  assert_int_equal(cassl_identity_check_dns(&names, NULL, &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(err.text,
                      "no host name is known for the peer (set one, or enable host name "
                      "resolution), so the certificate's DNS name cannot be checked");
  assert_int_equal(cassl_identity_check_dns(&names, NULL, NULL),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  cassl_names_clear(&names);
}

/* The sentence stays within its buffer and says it was cut. */
static void test_long_names_truncated(void **state)
{
  (void)state;
  struct cassl_cert_names names = { 0 };
  char label[64];
  memset(label, 'q', 63), label[63] = '\0';
  for (int i = 0; i < 12; i++) {
    char dns[300];
    snprintf(dns, sizeof dns, "%s.%s.%s.n%d.example.com", label, label, label, i);
    assert_int_equal(cassl_names_add(&names, CASSL_NAME_DNS, dns, strlen(dns)), CASS_OK);
  }
  cassl_errmsg err;
  assert_int_equal(cassl_identity_check_dns(&names, "localhost", &err),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_true(strlen(err.text) < sizeof err.text);
  assert_non_null(strstr(err.text, "..."));
  assert_non_null(strstr(err.text, "do not match localhost"));
  assert_int_equal(strncmp(err.text, "certificate names DNS:qqq", 25), 0);
  cassl_names_clear(&names);
}

/* ---- cassl_identity_check_names_sane ---- */

static void test_names_sane(void **state)
{
  (void)state;
  struct cassl_cert_names names = { 0 };
  cassl_errmsg err = { .text = "untouched" };
  static const unsigned char ip_with_zeros[16] = { 0 };
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_DNS, "localhost", 9), CASS_OK);
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_IP, ip_with_zeros, 16), CASS_OK);
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_IP, "\x0a\0\0\x01", 4), CASS_OK);
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, "127.0.0.1", 9), CASS_OK);
  assert_int_equal(cassl_identity_check_names_sane(&names, &err), CASS_OK);
  assert_string_equal(err.text, "untouched");

  static const char dns_nul[] = "evil.org\0.example.com";
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_DNS, dns_nul, sizeof dns_nul - 1),
                   CASS_OK);
  assert_int_equal(cassl_identity_check_names_sane(&names, &err),
                   CASS_ERROR_SSL_INVALID_PEER_CERT);
  assert_string_equal(err.text, "certificate DNS name \"evil.org\\x00.example.com\" contains a "
                                "NUL byte (a name-spoofing trick)");
  /* and the NUL name never matches either half */
  assert_int_equal(cassl_identity_check_dns(&names, "evil.org", NULL),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_int_equal(cassl_identity_check_dns(&names, "evil.org.example.com", NULL),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  cassl_names_clear(&names);

  static const char cn_nul[] = "127.0.0.1\0.evil";
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, cn_nul, sizeof cn_nul - 1), CASS_OK);
  assert_int_equal(cassl_identity_check_names_sane(&names, &err),
                   CASS_ERROR_SSL_INVALID_PEER_CERT);
  assert_string_equal(err.text, "certificate CN name \"127.0.0.1\\x00.evil\" contains a NUL "
                                "byte (a name-spoofing trick)");
  assert_int_equal(cassl_identity_check_names_sane(&names, NULL),
                   CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_names_clear(&names);

  /* a lone NUL, and an empty name set */
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_DNS, "\0", 1), CASS_OK);
  assert_int_equal(cassl_identity_check_names_sane(&names, &err),
                   CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_names_clear(&names);
  assert_int_equal(cassl_identity_check_names_sane(&names, &err), CASS_OK);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hostname_valid),
    cmocka_unit_test(test_is_ip_literal),
    cmocka_unit_test(test_pattern_table),
    cmocka_unit_test(test_pattern_nul_and_length),
    cmocka_unit_test(test_ip_table),
    cmocka_unit_test(test_ip_odd_addresses),
    cmocka_unit_test(test_cn_outside_constraints),
    cmocka_unit_test(test_dns_table),
    cmocka_unit_test(test_dns_bad_reference_names),
    cmocka_unit_test(test_dns_no_hostname),
    cmocka_unit_test(test_long_names_truncated),
    cmocka_unit_test(test_names_sane),
  };
  return cmocka_run_group_tests_name("identity", tests, NULL, NULL);
}
