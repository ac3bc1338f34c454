/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Names and chains at the edges, against real servers on 127.0.0.1 (gnutls-serv; openssl
 * s_server for what gnutls-serv cannot load): IP name constraints and the identity that
 * matches, CNs in BMPString / UniversalString, out-of-date intermediates, empty
 * subjectAltName entries, an empty subject. Certificates: tests/fixtures/names.sh. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beyond_util.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY
#define PEER_DNS CASS_SSL_VERIFY_PEER_IDENTITY_DNS

static const char *names(const char *file)
{
  static __thread char paths[4][4096];
  static __thread unsigned next;
  char *out = paths[next++ % 4];
  snprintf(out, sizeof paths[0], "%s/names/%s", getenv("CASSL_FIXTURES"), file);
  return out;
}

static peer *serve(const char *cert)
{
  return beyond_gnutls_serv(names(cert), names("leaf-key.pem"), NULL, PEER_CLIENT_AUTH_NONE,
                            PEER_TLS_DEFAULT);
}

/* One handshake (and echo) with flags, trusting the CA file `ca` of the fixtures. */
static void expect(const char *ca, int flags, const peer *p, CassError want, const char *needle)
{
  CassSsl *ssl = beyond_ssl(names(ca), flags);
  beyond_expect(ssl, p, want, needle);
  cass_ssl_free(ssl);
}

/* A handshake only, with the host name given (for the DNS check); the sentence goes to msg. */
static CassError handshake(const char *ca, int flags, const peer *p, const char *host,
                           char *msg, size_t cap)
{
  CassSsl *ssl = beyond_ssl(names(ca), flags);
  struct tnet n;
  assert_int_equal(tnet_open(&n, ssl, p, host), CASS_OK);
  CassError rc = tnet_handshake(&n);
  snprintf(msg, cap, "%s", cassl_session_error_message(n.cs));
  tnet_close(&n);
  cass_ssl_free(ssl);
  return rc;
}

/* ---- IP name constraints ------------------------------------------------------------- */

/* A v4-mapped IPv6 SAN is 16 bytes: it is not the 4-byte 127.0.0.1 (and the chain's IPv4
 * constraints never looked at it). */
static void test_mapped_san_is_not_ipv4(void **state)
{
  (void)state;
  const char *cases[][2] = { { "nc-excl-mapped.pem", "nc-excl.pem" },
                             { "nc-permit-mapped.pem", "nc-permit.pem" },
                             { "nc-permit-lo-mapped.pem", "nc-permit-lo.pem" } };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    peer *p = serve(cases[i][0]);
    expect(cases[i][1], PEER_CERT | PEER_IP, p, CASS_ERROR_SSL_IDENTITY_MISMATCH,
           "certificate names IP:::ffff:127.0.0.1 do not match 127.0.0.1");
    /* The chain itself is fine: without the identity check the server is accepted. */
    expect(cases[i][1], PEER_CERT, p, CASS_OK, NULL);
    peer_stop(p);
  }
}

/* CN=127.0.0.1 without SANs matches 127.0.0.1 only when every CA of the chain permits it. */
static void test_cn_fallback_obeys_constraints(void **state)
{
  (void)state;
  peer *p = serve("nc-excl-cn.pem");
  expect("nc-excl.pem", PEER_CERT | PEER_IP, p, CASS_ERROR_SSL_IDENTITY_MISMATCH,
         "its CN 127.0.0.1 is outside the name constraints of \"CN=cassl CA excluding 127/8\"");
  expect("nc-excl.pem", PEER_CERT, p, CASS_OK, NULL);
  /* The identity check alone holds the CN to the trusted CA's constraints too. */
  expect("nc-excl.pem", PEER_IP, p, CASS_ERROR_SSL_IDENTITY_MISMATCH,
         "outside the name constraints of \"CN=cassl CA excluding 127/8\"");
  peer_stop(p);

  p = serve("nc-permit-cn.pem");
  expect("nc-permit.pem", PEER_CERT | PEER_IP, p, CASS_ERROR_SSL_IDENTITY_MISMATCH,
         "its CN 127.0.0.1 is outside the name constraints of \"CN=cassl CA permitting 10/8\"");
  peer_stop(p);

  /* An intermediate the server sends constrains its leaf too. */
  p = serve("nc-mid-excl-cn-chain.pem");
  expect("ca.pem", PEER_CERT | PEER_IP, p, CASS_ERROR_SSL_IDENTITY_MISMATCH,
         "outside the name constraints of \"CN=cassl intermediate excluding 127/8\"");
  expect("ca.pem", PEER_CERT, p, CASS_OK, NULL);
  peer_stop(p);

  /* A CA that permits 127/8 lets the CN match. */
  p = serve("nc-permit-lo-cn.pem");
  expect("nc-permit-lo.pem", PEER_CERT | PEER_IP, p, CASS_OK, NULL);
  peer_stop(p);
}

/* The IP SAN itself was always checked by the chain verification (kept as a guard). */
static void test_ip_san_obeys_constraints(void **state)
{
  (void)state;
  peer *p = serve("nc-excl-ip.pem");
  expect("nc-excl.pem", PEER_CERT | PEER_IP, p, CASS_ERROR_SSL_INVALID_PEER_CERT,
         "its issuer's constraints forbid it");
  peer_stop(p);
  p = serve("nc-permit-lo-ip.pem");
  expect("nc-permit-lo.pem", PEER_CERT | PEER_IP, p, CASS_OK, NULL);
  peer_stop(p);
}

/* ---- CN string types ----------------------------------------------------------------- */

/* The NUL bytes of UCS-2 / UCS-4 belong to the encoding, not to the text "Tëst". */
static void test_cn_bmp_and_universal(void **state)
{
  (void)state;
  const char *files[] = { "cn-bmp.pem", "cn-universal.pem" };
  for (size_t i = 0; i < 2; i++) {
    peer *p = serve(files[i]);
    expect("ca.pem", PEER_CERT | PEER_IP, p, CASS_OK, NULL);
    expect("ca.pem", CASS_SSL_VERIFY_NONE, p, CASS_OK, NULL);
    /* The CN is ignored beside SANs, and shown decoded (UTF-8, escaped) when it is. */
    char msg[1024];
    CassError rc = handshake("ca.pem", PEER_CERT | PEER_DNS, p, "node.example", msg, sizeof msg);
    if (rc != CASS_ERROR_SSL_IDENTITY_MISMATCH || !strstr(msg, "its CN T\\xc3\\xabst is ignored"))
      fail_msg("%s: %s: %s", files[i], cassl_error_name(rc), msg);
    peer_stop(p);
  }
}

/* A NUL in the decoded text is a real one, refused with the name as decoded. */
static void test_cn_bmp_with_nul(void **state)
{
  (void)state;
  peer *p = serve("cn-bmp-nul.pem");
  expect("ca.pem", PEER_CERT | PEER_IP, p, CASS_ERROR_SSL_INVALID_PEER_CERT,
         "certificate CN name \"127.0.0.1\\x00.evil\" contains a NUL byte");
  peer_stop(p);
}

/* ---- validity dates of the chain ----------------------------------------------------- */

static void test_out_of_date_intermediate(void **state)
{
  (void)state;
  peer *p = serve("mid-expired-chain.pem");
  expect("ca.pem", PEER_CERT, p, CASS_ERROR_SSL_INVALID_PEER_CERT,
         "expired (the intermediate CA \"CN=cassl expired intermediate\" in the server's chain "
         "is valid from 2001-01-01 00:00:00 UTC until 2002-01-01 00:00:00 UTC)");
  peer_stop(p);
  p = serve("mid-notyet-chain.pem");
  expect("ca.pem", PEER_CERT, p, CASS_ERROR_SSL_INVALID_PEER_CERT,
         "not yet valid (the intermediate CA \"CN=cassl future intermediate\" in the server's "
         "chain is valid from 2098-01-01 00:00:00 UTC until 2099-01-01 00:00:00 UTC)");
  peer_stop(p);
  /* The trusted root itself. */
  p = serve("root-expired-leaf.pem");
  expect("root-expired.pem", PEER_CERT, p, CASS_ERROR_SSL_INVALID_PEER_CERT,
         "expired (the trusted CA \"CN=cassl expired root\" that issued the chain is valid "
         "from 2001-01-01 00:00:00 UTC until 2002-01-01 00:00:00 UTC)");
  peer_stop(p);
}

/* ---- empty subjectAltName entries ----------------------------------------------------- */

/* GnuTLS cannot parse a certificate holding an empty GeneralName, and refuses it while the
 * handshake reads it: the same failure whatever the flags, saying so. */
static void test_empty_san_entries(void **state)
{
  (void)state;
  const char *files[] = { "san-ip-empty.pem", "san-dns-empty.pem" };
  const int flags[] = { CASS_SSL_VERIFY_NONE, PEER_CERT, PEER_CERT | PEER_IP, PEER_DNS };
  const peer_tls_version versions[] = { PEER_TLS1_3, PEER_TLS1_2 };
  for (size_t f = 0; f < 2; f++) {
    for (size_t v = 0; v < 2; v++) {
      peer_tls_options o = { .cert_file = names(files[f]), .key_file = names("leaf-key.pem"),
                             .version = versions[v] };
      peer *p = NULL;
      if (peer_start_openssl(&o, &p) != 0)
        fail_msg("cannot start openssl s_server");
      for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        char msg[1024];
        CassError rc = handshake("ca.pem", flags[i], p, "localhost", msg, sizeof msg);
        if (rc != CASS_ERROR_SSL_PROTOCOL_ERROR ||
            !strstr(msg, "GnuTLS cannot parse the server's certificate") ||
            !strstr(msg, "whatever the verify flags"))
          fail_msg("%s, TLS 1.%d, flags 0x%x: %s: %s", files[f], v == 0 ? 3 : 2, flags[i],
                   cassl_error_name(rc), msg);
      }
      peer_stop(p);
    }
  }
}

/* ---- an empty subject ---------------------------------------------------------------- */

static void test_empty_subject(void **state)
{
  (void)state;
  peer *p = serve("empty-subject.pem");
  expect("ca.pem", PEER_CERT | PEER_IP, p, CASS_OK, NULL);
  char msg[1024];
  assert_int_equal(handshake("ca.pem", PEER_CERT | PEER_DNS, p, "localhost", msg, sizeof msg),
                   CASS_ERROR_SSL_IDENTITY_MISMATCH);
  assert_string_equal(msg, "certificate names IP:127.0.0.1, IP:::1 do not match localhost");
  peer_stop(p);
}

static int group_setup(void **state)
{
  (void)state;
  peers_require("gnutls-serv");
  peers_require("openssl");
  char mknulcert[4096];
  snprintf(mknulcert, sizeof mknulcert, "%s/tests/support/mknulcert", getenv("CASSL_BUILDDIR"));
  setenv("MKNULCERT", mknulcert, 1);
  return beyond_make_fixtures("names.sh") == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_mapped_san_is_not_ipv4),
    cmocka_unit_test(test_cn_fallback_obeys_constraints),
    cmocka_unit_test(test_ip_san_obeys_constraints),
    cmocka_unit_test(test_cn_bmp_and_universal),
    cmocka_unit_test(test_cn_bmp_with_nul),
    cmocka_unit_test(test_out_of_date_intermediate),
    cmocka_unit_test(test_empty_san_entries),
    cmocka_unit_test(test_empty_subject),
  };
  return cmocka_run_group_tests(tests, group_setup, NULL);
}
