/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* <cassl/inspect.h>: files described as the credential setters read them, every bad input
 * answered with its code and sentence, fingerprints and pins as OpenSSL computes them, and
 * cassl_cert_info_check_identity giving a real session's verdict for every name case. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cassl/inspect.h"
#include "session_util.h"

#define PASSWORD "cassandra"

static char fixtures[4096];
static struct tpki ca;

/* The fixture's bytes (malloc'ed), or NULL after skip() when the fixture was not made. */
static char *fixture(const char *name, size_t *len)
{
  char path[4600];
  snprintf(path, sizeof path, "%s/pki/%s", fixtures, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    print_message("no fixture %s\n", path);
    return NULL;
  }
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

static cassl_file_info *read_fixture(const char *name, const char *password, CassError want)
{
  size_t len;
  char *data = fixture(name, &len);
  if (!data)
    return NULL;
  cassl_file_info *fi = NULL;
  CassError rc = cassl_file_info_read(data, len, password, &fi);
  free(data);
  if (rc != want)
    fail_msg("%s: %s, wanted %s: %s", name, cassl_error_name(rc), cassl_error_name(want),
             cassl_last_error());
  assert_non_null(fi);
  return fi;
}

/* First line of a shell command's output, without the newline. */
static void command_line(const char *cmd, char *out, size_t cap)
{
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  out[0] = '\0';
  if (!fgets(out, (int)cap, p))
    out[0] = '\0';
  pclose(p);
  out[strcspn(out, "\n")] = '\0';
}

/* ---- certificates ---------------------------------------------------------------------- */

static void test_pem_chain(void **state)
{
  cassl_file_info *fi = read_fixture("server-chain.pem", NULL, CASS_OK);
  assert_string_equal(cassl_file_info_format(fi), "PEM");
  assert_int_equal(cassl_file_info_error(fi), CASS_OK);
  assert_string_equal(cassl_file_info_error_message(fi), "");
  assert_int_equal(cassl_file_info_cert_count(fi), 2);
  assert_int_equal(cassl_file_info_key_count(fi), 0);
  assert_null(cassl_file_info_pkcs12_mac(fi));
  const cassl_cert_info *leaf = cassl_file_info_cert(fi, 0);
  const cassl_cert_info *mid = cassl_file_info_cert(fi, 1);
  assert_null(cassl_file_info_cert(fi, 2));
  assert_string_equal(cassl_cert_info_common_name(leaf), "127.0.0.1");
  assert_non_null(strstr(cassl_cert_info_issuer(leaf), "cassl intermediate CA"));
  assert_string_equal(cassl_cert_info_subject(mid), cassl_cert_info_issuer(leaf));
  assert_false(cassl_cert_info_is_ca(leaf));
  assert_true(cassl_cert_info_is_ca(mid));
  assert_false(cassl_cert_info_is_self_signed(mid));
  assert_true(cassl_cert_info_not_before(leaf) > 0);
  assert_true(cassl_cert_info_not_after(leaf) > cassl_cert_info_not_before(leaf));
  assert_true(strlen(cassl_cert_info_serial(leaf)) > 0);
  cassl_file_info_free(fi);
}

/* The fingerprint and the pin agree with OpenSSL's, and the pin is one the setter takes. */
static void test_fingerprint_and_pin_match_openssl(void **state)
{
  cassl_file_info *fi = read_fixture("server-dns.pem", NULL, CASS_OK);
  const cassl_cert_info *c = cassl_file_info_cert(fi, 0);
  char path[4600], cmd[9400], line[256];
  snprintf(path, sizeof path, "%s/pki/server-dns.pem", fixtures);
  snprintf(cmd, sizeof cmd, "openssl x509 -in '%s' -noout -fingerprint -sha256", path);
  command_line(cmd, line, sizeof line);
  const char *eq = strchr(line, '=');
  if (!eq)
    skip();
  assert_string_equal(cassl_cert_info_sha256(c), eq + 1);
  snprintf(cmd, sizeof cmd,
           "openssl x509 -in '%s' -noout -pubkey | openssl pkey -pubin -outform DER | "
           "openssl dgst -sha256 -binary | base64", path);
  command_line(cmd, line, sizeof line);
  char pin[300];
  snprintf(pin, sizeof pin, "sha256//%s", line);
  assert_string_equal(cassl_cert_info_pin(c), pin);
  cassl_ssl *ssl = cassl_ssl_new();
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, cassl_cert_info_pin(c)), CASS_OK);
  cassl_ssl_free(ssl);
  size_t n = cassl_cert_info_san_count(c);
  assert_int_equal(n, 2);
  assert_string_equal(cassl_cert_info_san(c, 0), "DNS:localhost");
  assert_string_equal(cassl_cert_info_san(c, 1), "DNS:node.cassl.test");
  assert_null(cassl_cert_info_san(c, 2));
  cassl_file_info_free(fi);
}

/* A certificate's DER reads back as a DER certificate with the same description. */
static void test_der_certificate(void **state)
{
  cassl_file_info *fi = read_fixture("server-ip.pem", NULL, CASS_OK);
  const cassl_cert_info *c = cassl_file_info_cert(fi, 0);
  size_t der_len;
  const unsigned char *der = cassl_cert_info_der(c, &der_len);
  assert_true(der_len > 100);
  cassl_file_info *again = NULL;
  assert_int_equal(cassl_file_info_read(der, der_len, NULL, &again), CASS_OK);
  assert_string_equal(cassl_file_info_format(again), "DER certificate");
  const cassl_cert_info *d = cassl_file_info_cert(again, 0);
  assert_string_equal(cassl_cert_info_sha256(d), cassl_cert_info_sha256(c));
  assert_string_equal(cassl_cert_info_san(d, 0), "IP:127.0.0.1");
  assert_string_equal(cassl_cert_info_san(d, 1), "IP:::1");
  cassl_file_info_free(again);
  cassl_file_info_free(fi);
}

/* ---- keys ------------------------------------------------------------------------------ */

static bool same_key_id(const cassl_key_info *k, const cassl_cert_info *c)
{
  size_t kl, cl;
  const unsigned char *a = cassl_key_info_key_id(k, &kl), *b = cassl_cert_info_key_id(c, &cl);
  return kl && kl == cl && !memcmp(a, b, kl);
}

static void test_encrypted_key(void **state)
{
  /* Without a password: described, not tried, and not a failure. */
  cassl_file_info *fi = read_fixture("client-key-enc.pem", NULL, CASS_OK);
  const cassl_key_info *k = cassl_file_info_key(fi, 0);
  assert_string_equal(cassl_key_info_format(k), "PKCS#8 (encrypted)");
  assert_true(cassl_key_info_encrypted(k));
  assert_non_null(strstr(cassl_key_info_scheme(k), "iterations"));
  assert_false(cassl_key_info_attempted(k));
  assert_false(cassl_key_info_loaded(k));
  assert_non_null(strstr(cassl_key_info_problem(k), "password"));
  assert_null(cassl_key_info_type(k));
  cassl_file_info_free(fi);

  fi = read_fixture("client-key-enc.pem", "wrong", CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  k = cassl_file_info_key(fi, 0);
  assert_true(cassl_key_info_attempted(k));
  assert_false(cassl_key_info_loaded(k));
  assert_non_null(strstr(cassl_key_info_problem(k), "wrong password"));
  assert_non_null(strstr(cassl_last_error(), "wrong password"));
  assert_non_null(strstr(cassl_file_info_error_hint(fi), "password"));
  cassl_file_info_free(fi);

  fi = read_fixture("client-key-enc.pem", PASSWORD, CASS_OK);
  k = cassl_file_info_key(fi, 0);
  assert_true(cassl_key_info_loaded(k));
  assert_null(cassl_key_info_problem(k));
  assert_non_null(strstr(cassl_key_info_type(k), "RSA"));
  cassl_file_info *client = read_fixture("client.pem", NULL, CASS_OK);
  cassl_file_info *server = read_fixture("server-dns.pem", NULL, CASS_OK);
  assert_true(same_key_id(k, cassl_file_info_cert(client, 0)));
  assert_false(same_key_id(k, cassl_file_info_cert(server, 0)));
  cassl_file_info_free(server);
  cassl_file_info_free(client);
  cassl_file_info_free(fi);
}

/* A plain key in PEM and in DER. */
static void test_plain_keys(void **state)
{
  cassl_file_info *fi = read_fixture("server-ecdsa-key.pem", NULL, CASS_OK);
  const cassl_key_info *k = cassl_file_info_key(fi, 0);
  assert_false(cassl_key_info_encrypted(k));
  assert_null(cassl_key_info_scheme(k));
  assert_true(cassl_key_info_loaded(k));
  assert_non_null(strstr(cassl_key_info_type(k), "256 bits"));
  cassl_file_info *cert = read_fixture("server-ecdsa.pem", NULL, CASS_OK);
  assert_true(same_key_id(k, cassl_file_info_cert(cert, 0)));
  assert_non_null(strstr(cassl_cert_info_key(cassl_file_info_cert(cert, 0)), "SECP256R1"));
  cassl_file_info_free(cert);
  cassl_file_info_free(fi);

  gnutls_datum_t der = { NULL, 0 };
  assert_int_equal(gnutls_x509_privkey_export2(ca.key, GNUTLS_X509_FMT_DER, &der), 0);
  cassl_file_info *d = NULL;
  assert_int_equal(cassl_file_info_read(der.data, der.size, NULL, &d), CASS_OK);
  assert_string_equal(cassl_file_info_format(d), "DER private key");
  assert_true(cassl_key_info_loaded(cassl_file_info_key(d, 0)));
  cassl_file_info_free(d);
  gnutls_free(der.data);
}

/* ---- PKCS#12 --------------------------------------------------------------------------- */

static void test_pkcs12(void **state)
{
  size_t len;
  char *probe = fixture("server-dns.p12", &len);
  if (!probe)
    skip();
  free(probe);
  cassl_file_info *fi = read_fixture("server-dns.p12", PASSWORD, CASS_OK);
  assert_string_equal(cassl_file_info_format(fi), "PKCS#12");
  assert_non_null(strstr(cassl_file_info_pkcs12_mac(fi), "iterations"));
  assert_non_null(cassl_file_info_pkcs12_cert_encryption(fi));
  assert_non_null(cassl_file_info_pkcs12_key_encryption(fi));
  assert_true(cassl_file_info_cert_count(fi) >= 1);
  assert_int_equal(cassl_file_info_key_count(fi), 1);
  const cassl_key_info *k = cassl_file_info_key(fi, 0);
  assert_string_equal(cassl_key_info_format(k), "PKCS#12 key bag");
  assert_true(cassl_key_info_loaded(k));
  assert_true(same_key_id(k, cassl_file_info_cert(fi, 0)));
  assert_string_equal(cassl_cert_info_common_name(cassl_file_info_cert(fi, 0)), "localhost");
  cassl_file_info_free(fi);

  fi = read_fixture("server-dns.p12", NULL, CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_file_info_error_message(fi), "protected by a password"));
  assert_int_equal(cassl_file_info_cert_count(fi), 0);
  cassl_file_info_free(fi);
  fi = read_fixture("server-dns.p12", "wrong", CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_last_error(), "wrong password"));
  assert_int_equal(cassl_file_info_key_count(fi), 0);
  cassl_file_info_free(fi);
}

/* ---- bad input ------------------------------------------------------------------------- */

static void assert_unrecognised(const void *data, size_t len)
{
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(data, len, NULL, &fi), CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(fi);
  assert_int_equal(cassl_file_info_cert_count(fi) + cassl_file_info_key_count(fi), 0);
  assert_non_null(strstr(cassl_last_error(), "holds no certificate or key"));
  cassl_file_info_free(fi);
}

static void test_bad_input(void **state)
{
  assert_unrecognised("", 0);
  assert_unrecognised(NULL, 0);
  unsigned char noise[512];
  for (size_t i = 0; i < sizeof noise; i++)
    noise[i] = tpattern(i, 7);
  assert_unrecognised(noise, sizeof noise);
  assert_unrecognised("hello, not PEM at all\n", 22);

  /* Truncated: the block has no END line. */
  size_t pem_len = strlen(ca.cert_pem);
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(ca.cert_pem, pem_len / 2, NULL, &fi),
                   CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_file_info_error_message(fi), "has no END line"));
  cassl_file_info_free(fi);

  /* A damaged body: the certificate does not parse; the good one after it still counts. */
  char *bad = malloc(2 * pem_len + 1);
  assert_non_null(bad);
  memcpy(bad, ca.cert_pem, pem_len);
  memcpy(bad + pem_len, ca.cert_pem, pem_len);
  bad[2 * pem_len] = '\0';
  bad[80] = bad[80] == 'A' ? 'B' : 'A';
  bad[81] = '*';
  assert_int_equal(cassl_file_info_read(bad, 2 * pem_len, NULL, &fi), CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_file_info_error_message(fi), "certificate #1 does not parse"));
  assert_int_equal(cassl_file_info_cert_count(fi), 1);
  cassl_file_info_free(fi);
  free(bad);

  /* Blocks that are neither certificate nor key are listed, and are no failure. */
  const char other[] = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
  size_t both_len = strlen(other) + pem_len;
  char *both = malloc(both_len + 1);
  assert_non_null(both);
  snprintf(both, both_len + 1, "%s%s", other, ca.cert_pem);
  assert_int_equal(cassl_file_info_read(both, both_len, NULL, &fi), CASS_OK);
  assert_int_equal(cassl_file_info_skipped_count(fi), 1);
  assert_string_equal(cassl_file_info_skipped(fi, 0), "X509 CRL");
  assert_null(cassl_file_info_skipped(fi, 1));
  assert_int_equal(cassl_file_info_cert_count(fi), 1);
  cassl_file_info_free(fi);
  free(both);

  /* A damaged key. */
  const char key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  assert_int_equal(cassl_file_info_read(key, strlen(key), NULL, &fi),
                   CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_false(cassl_key_info_loaded(cassl_file_info_key(fi, 0)));
  cassl_file_info_free(fi);

  assert_int_equal(cassl_file_info_read("x", 1, NULL, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_file_info_read(NULL, 5, NULL, &fi), CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(fi);
  /* Getters take NULL. */
  assert_null(cassl_file_info_format(NULL));
  assert_int_equal(cassl_file_info_cert_count(NULL), 0);
  assert_null(cassl_cert_info_subject(NULL));
  assert_null(cassl_key_info_format(NULL));
  cassl_file_info_free(NULL);
}

/* A file of more blocks than the cap is refused with a sentence, not held whole. */
static void test_item_cap(void **state)
{
  size_t one = strlen(ca.cert_pem), count = 4100;
  char *many = malloc(one * count + 1);
  assert_non_null(many);
  for (size_t i = 0; i < count; i++)
    memcpy(many + i * one, ca.cert_pem, one);
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(many, one * count, NULL, &fi),
                   CASS_ERROR_SSL_INVALID_CERT);
  assert_int_equal(cassl_file_info_cert_count(fi), 4096);
  assert_non_null(strstr(cassl_last_error(), "more than 4096"));
  cassl_file_info_free(fi);
  free(many);
}

/* ---- identity: the same verdict as a session ------------------------------------------- */

struct name_case {
  struct tpki_opts cert;
  int flag;
  const char *identity;
  CassError want;
  const char *matched_by; /* on CASS_OK */
};

static const struct name_case name_cases[] = {
  { { .cn = "node1", .dns = { "node1.example.com" } }, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    "node1.example.com", CASS_OK, "DNS SAN node1.example.com" },
  { { .cn = "node1", .dns = { "*.example.com" } }, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    "node2.example.com", CASS_OK, "DNS SAN *.example.com" },
  { { .cn = "node1", .dns = { "*.example.com" } }, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    "a.b.example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  { { .cn = "node1.example.com", .dns = { "other.example.com" } },
    CASS_SSL_VERIFY_PEER_IDENTITY_DNS, "node1.example.com", CASS_ERROR_SSL_IDENTITY_MISMATCH,
    NULL },
  { { .cn = "node1.example.com" }, CASS_SSL_VERIFY_PEER_IDENTITY_DNS, "node1.example.com",
    CASS_OK, "subject CN node1.example.com" },
  { { .cn = "node1", .dns = { "node1.example.com" } }, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  { { .cn = "x", .ip = { "127.0.0.1" } }, CASS_SSL_VERIFY_PEER_IDENTITY, "127.0.0.1", CASS_OK,
    "IP SAN 127.0.0.1" },
  { { .cn = "x", .ip = { "::1" } }, CASS_SSL_VERIFY_PEER_IDENTITY, "::1", CASS_OK,
    "IP SAN ::1" },
  { { .cn = "x", .ip = { "::ffff:127.0.0.1" } }, CASS_SSL_VERIFY_PEER_IDENTITY, "127.0.0.1",
    CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  { { .cn = "127.0.0.1" }, CASS_SSL_VERIFY_PEER_IDENTITY, "127.0.0.1", CASS_OK,
    "the subject CN (the certificate has no DNS or IP SAN)" },
  { { .cn = "127.0.0.1", .dns = { "node1.example.com" } }, CASS_SSL_VERIFY_PEER_IDENTITY,
    "127.0.0.1", CASS_ERROR_SSL_IDENTITY_MISMATCH, NULL },
  /* A NUL inside a name refuses the certificate under either rules. */
  { { .cn = "x", .dns = { "node1.example.com\0.evil" }, .dns_len = { 22 }, .ip = { "127.0.0.1" } },
    CASS_SSL_VERIFY_PEER_IDENTITY, "127.0.0.1", CASS_ERROR_SSL_INVALID_PEER_CERT, NULL },
  { { .cn = "node1.example.com\0.evil", .cn_len = 22 }, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    "node1.example.com", CASS_ERROR_SSL_INVALID_PEER_CERT, NULL },
};

/* A session's verdict on the same certificate and identity, over the in-process server. */
static CassError session_verdict(const struct tpki *leaf, int flag, const char *identity)
{
  bool ip = flag == CASS_SSL_VERIFY_PEER_IDENTITY;
  CassSsl *ssl = tssl_new(&ca, flag);
  struct tpeer p;
  tpeer_init(&p, ip ? identity : "127.0.0.1", ip ? NULL : identity, NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &p.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = leaf });
  CassError rc = thandshake(cs, &srv, 0);
  cassl_session_free(cs);
  tserver_free(&srv);
  cass_ssl_free(ssl);
  return rc;
}

static void test_identity_agrees_with_session(void **state)
{
  for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
    const struct name_case *c = &name_cases[i];
    struct tpki leaf;
    tpki_leaf(&leaf, &ca, &c->cert);
    cassl_file_info *fi = NULL;
    assert_int_equal(cassl_file_info_read(leaf.cert_pem, strlen(leaf.cert_pem), NULL, &fi),
                     CASS_OK);
    char by[300];
    CassError rc = cassl_cert_info_check_identity(cassl_file_info_cert(fi, 0), c->flag,
                                                  c->identity, by, sizeof by);
    char why[600];
    snprintf(why, sizeof why, "%s", cassl_last_error());
    CassError session = session_verdict(&leaf, c->flag, c->identity);
    if (rc != c->want || session != c->want)
      fail_msg("case %zu (%s): check %s (%s), session %s, wanted %s", i, c->identity,
               cassl_error_name(rc), rc ? why : by, cassl_error_name(session),
               cassl_error_name(c->want));
    if (rc == CASS_OK)
      assert_string_equal(by, c->matched_by);
    else
      assert_true(strlen(why) > 10);
    cassl_file_info_free(fi);
    tpki_free(&leaf);
  }
}

static void test_identity_bad_arguments(void **state)
{
  struct tpki leaf;
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "n", .dns = { "node1.example.com" } });
  cassl_file_info *fi = NULL;
  assert_int_equal(cassl_file_info_read(leaf.cert_pem, strlen(leaf.cert_pem), NULL, &fi),
                   CASS_OK);
  const cassl_cert_info *c = cassl_file_info_cert(fi, 0);
  char by[8] = "junk";
  assert_int_equal(cassl_cert_info_check_identity(c, CASS_SSL_VERIFY_PEER_IDENTITY,
                                                  "node1.example.com", by, sizeof by),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_string_equal(by, "");
  assert_non_null(strstr(cassl_last_error(), "not an IP address"));
  assert_int_equal(cassl_cert_info_check_identity(c, CASS_SSL_VERIFY_PEER_CERT,
                                                  "node1.example.com", NULL, 0),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_cert_info_check_identity(c, CASS_SSL_VERIFY_PEER_IDENTITY_DNS, NULL,
                                                  NULL, 0),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_cert_info_check_identity(NULL, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
                                                  "node1.example.com", NULL, 0),
                   CASS_ERROR_LIB_BAD_PARAMS);
  /* A short matched_by is cut, never overrun. */
  assert_int_equal(cassl_cert_info_check_identity(c, CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
                                                  "node1.example.com", by, sizeof by),
                   CASS_OK);
  assert_string_equal(by, "DNS SAN");
  cassl_file_info_free(fi);
  tpki_free(&leaf);
}

static void test_name_helpers(void **state)
{
  assert_true(cassl_hostname_is_valid("node1.example.com"));
  assert_true(cassl_hostname_is_valid("node1.example.com."));
  assert_false(cassl_hostname_is_valid("-node1.example.com"));
  assert_false(cassl_hostname_is_valid("node1..example.com"));
  assert_false(cassl_hostname_is_valid("127.0.0.1"));
  assert_false(cassl_hostname_is_valid(""));
  assert_false(cassl_hostname_is_valid(NULL));
  assert_true(cassl_is_ip_literal("127.0.0.1"));
  assert_true(cassl_is_ip_literal("::1"));
  assert_false(cassl_is_ip_literal("localhost"));
  assert_false(cassl_is_ip_literal(NULL));
}

static int group_setup(void **state)
{
  const char *dir = getenv("CASSL_FIXTURES");
  if (!dir) {
    fprintf(stderr, "CASSL_FIXTURES must be set (run through make check)\n");
    return -1;
  }
  snprintf(fixtures, sizeof fixtures, "%s", dir);
  tpki_ca(&ca, "inspect test CA");
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pem_chain),
    cmocka_unit_test(test_fingerprint_and_pin_match_openssl),
    cmocka_unit_test(test_der_certificate),
    cmocka_unit_test(test_encrypted_key),
    cmocka_unit_test(test_plain_keys),
    cmocka_unit_test(test_pkcs12),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_item_cap),
    cmocka_unit_test(test_identity_agrees_with_session),
    cmocka_unit_test(test_identity_bad_arguments),
    cmocka_unit_test(test_name_helpers),
  };
  return cmocka_run_group_tests_name("inspect_api", tests, group_setup, group_teardown);
}
