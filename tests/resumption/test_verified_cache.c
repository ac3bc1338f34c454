/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cache of verified chains (plugins/gnutls/verified.c): a resumed session whose chain
 * its credential generation already accepted is not verified again by GnuTLS (counted),
 * while identity and pins are still checked; the cache serves only sessions that verify the
 * chain; time is checked on every use (an expired leaf, a CRL past its nextUpdate, through
 * a test clock that GnuTLS is given too); a CRL or a new trusted set means a new generation;
 * and the cache itself: byte-for-byte match, priority string, window, bound, LRU. Against an
 * in-process GnuTLS server sharing one ticket key. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cassl/cassl.h"
#include "session_util.h"
#include "verified.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_DNS CASS_SSL_VERIFY_PEER_IDENTITY_DNS

static struct tpki ca, leaf, short_leaf;
static gnutls_datum_t stek;

/* The test clock: real time shifted by offset seconds, for GnuTLS and the cache alike. */
static time_t offset;
static time_t shifted_time(time_t *t)
{
  time_t now = time(NULL) + offset;
  if (t)
    *t = now;
  return now;
}

struct outcome {
  struct tconn c;
  unsigned long verifications; /* made by GnuTLS during this connection */
};

/* One connection to a fresh in-process server (TLS 1.3 or 1.2) presenting cert. */
static struct outcome run(CassSsl *ssl, const struct tpki *cert, const char *hostname, bool tls13)
{
  struct outcome o;
  unsigned long before = gtls_chain_verifications();
  o.c = tconn_run(ssl, cert, hostname, tls13, &stek, NULL, NULL);
  o.verifications = gtls_chain_verifications() - before;
  return o;
}

static void expect(struct outcome o, CassError rc, int resumed, unsigned long verifications,
                   const char *needle)
{
  tconn_expect(&o.c, rc, resumed, needle);
  if (o.verifications != verifications)
    fail_msg("expected %lu chain verification(s), GnuTLS made %lu", verifications,
             o.verifications);
}

/* A resumed session is not verified again; identity and pins still are. */
static void test_resumed_skips_verification(void **state)
{
  for (int v = 0; v < 2; v++) {
    CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
    expect(run(ssl, &leaf, "node.cassl.test", v), CASS_OK, 0, 1, NULL);
    expect(run(ssl, &leaf, "node.cassl.test", v), CASS_OK, 1, 0, NULL);
    expect(run(ssl, &leaf, "node.cassl.test", v), CASS_OK, 1, 0, NULL);
    /* Same SNI, another reference name: resumed from the cache, refused by identity. */
    expect(run(ssl, &leaf, "evil.cassl.test", v), CASS_ERROR_SSL_IDENTITY_MISMATCH, 1, 0,
           "evil.cassl.test");
    /* That failure dropped the resumption data: full, verified, then resumed again. */
    expect(run(ssl, &leaf, "node.cassl.test", v), CASS_OK, 0, 1, NULL);
    expect(run(ssl, &leaf, "node.cassl.test", v), CASS_OK, 1, 0, NULL);
    cass_ssl_free(ssl);
  }
}

/* Pins are checked on every resumed session (before the chain, so they never depend on the
 * cache), and a pin setter is a new generation: its cache starts empty. */
static void test_pins_still_checked(void **state)
{
  CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  assert_int_equal(cassl_ssl_add_pinned_public_key(
                       ssl, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
                   CASS_OK);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_ERROR_SSL_INVALID_PEER_CERT, 1, 0,
         "public key pin mismatch");
  gnutls_datum_t spki = { NULL, 0 };
  gnutls_pubkey_t pub;
  assert_int_equal(gnutls_pubkey_init(&pub), 0);
  assert_int_equal(gnutls_pubkey_import_x509(pub, leaf.crt, 0), 0);
  assert_int_equal(gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki), 0);
  unsigned char digest[32];
  assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size, digest), 0);
  gnutls_datum_t raw = { digest, sizeof digest }, b64 = { NULL, 0 };
  assert_int_equal(gnutls_base64_encode2(&raw, &b64), 0);
  char pin[80];
  snprintf(pin, sizeof pin, "sha256//%.*s", (int)b64.size, (const char *)b64.data);
  gnutls_free(b64.data);
  gnutls_free(spki.data);
  gnutls_pubkey_deinit(pub);
  assert_int_equal(cassl_ssl_add_pinned_public_key(ssl, pin), CASS_OK);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  cass_ssl_free(ssl);
}

/* Only sessions that verify the chain use or fill the cache: entries made under
 * PEER_CERT never excuse a session from it, and identity-only sessions make none. */
static void test_flags(void **state)
{
  CassSsl *ssl = tssl_new(&ca, PEER_DNS);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 0, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  /* Now the chain counts: the resumed session is verified (nothing was cached). */
  cass_ssl_set_verify_flags(ssl, PEER_CERT | PEER_DNS);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  /* Identity only again: the cached entry is not even asked. */
  cass_ssl_set_verify_flags(ssl, PEER_DNS);
  expect(run(ssl, &leaf, "evil.cassl.test", true), CASS_ERROR_SSL_IDENTITY_MISMATCH, 1, 0,
         "evil.cassl.test");
  cass_ssl_free(ssl);
}

/* Time is checked on every use: once the leaf has expired at the session's time, the
 * resumed session is verified again and refused. */
static void test_expired_by_time(void **state)
{
  for (int v = 0; v < 2; v++) {
    CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
    offset = 0;
    expect(run(ssl, &short_leaf, "node.cassl.test", v), CASS_OK, 0, 1, NULL);
    expect(run(ssl, &short_leaf, "node.cassl.test", v), CASS_OK, 1, 0, NULL);
    offset = 3600; /* half an hour past its notAfter, well inside the ticket's lifetime */
    expect(run(ssl, &short_leaf, "node.cassl.test", v), CASS_ERROR_SSL_INVALID_PEER_CERT, 1, 1,
           "expired");
    offset = 0;
    expect(run(ssl, &short_leaf, "node.cassl.test", v), CASS_OK, 0, 1, NULL);
    expect(run(ssl, &short_leaf, "node.cassl.test", v), CASS_OK, 1, 0, NULL);
    cass_ssl_free(ssl);
  }
}

/* A PEM CRL from ca revoking the certificates of the given serials (none: an empty one),
 * issued now and next updated in next_update seconds. */
static char *make_crl(const gnutls_x509_crt_t *revoked, unsigned count, time_t next_update)
{
  gnutls_x509_crl_t crl;
  assert_int_equal(gnutls_x509_crl_init(&crl), 0);
  time_t now = time(NULL);
  assert_int_equal(gnutls_x509_crl_set_version(crl, 2), 0);
  assert_int_equal(gnutls_x509_crl_set_this_update(crl, now - 60), 0);
  assert_int_equal(gnutls_x509_crl_set_next_update(crl, now + next_update), 0);
  for (unsigned i = 0; i < count; i++)
    assert_int_equal(gnutls_x509_crl_set_crt(crl, revoked[i], now - 30), 0);
  assert_int_equal(gnutls_x509_crl_sign2(crl, ca.crt, ca.key, GNUTLS_DIG_SHA256, 0), 0);
  gnutls_datum_t pem;
  assert_int_equal(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &pem), 0);
  char *text = strndup((const char *)pem.data, pem.size);
  gnutls_free(pem.data);
  gnutls_x509_crl_deinit(crl);
  return text;
}

/* CRLs: one added after the first connection makes a new generation (the resumption data
 * goes, the next handshake is verified and refused); a CRL past its nextUpdate at the
 * session's time ends the cached entry's use. */
static void test_crls(void **state)
{
  CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  offset = 0;
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  char *crl = make_crl(&leaf.crt, 1, 86400);
  assert_int_equal(cassl_ssl_add_crl(ssl, crl), CASS_OK);
  free(crl);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_ERROR_SSL_INVALID_PEER_CERT, 0, 1,
         "revoked");
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_ERROR_SSL_INVALID_PEER_CERT, 0, 1,
         "revoked");
  cass_ssl_free(ssl);

  /* An empty CRL next updated in ten minutes: the chain is cached until then only. */
  ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  crl = make_crl(NULL, 0, 600);
  assert_int_equal(cassl_ssl_add_crl(ssl, crl), CASS_OK);
  free(crl);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  offset = 1200;
  struct outcome o = run(ssl, &leaf, "node.cassl.test", true);
  assert_int_equal(o.c.resumed, 1);
  assert_int_equal(o.verifications, 1); /* GnuTLS's verdict, whatever it is, is asked */
  offset = 0;
  cass_ssl_free(ssl);
}

/* A new trusted set is a new generation with a cache of its own. */
static void test_new_generation(void **state)
{
  CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  struct tpki other;
  tpki_ca(&other, "another CA");
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, other.cert_pem), CASS_OK);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 1, 0, NULL);
  tpki_free(&other);
  cass_ssl_free(ssl);

  /* A session created before a setter keeps its generation, and that generation's cache. */
  ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_OK, 0, 1, NULL);
  struct tpeer tp;
  tpeer_init(&tp, "127.0.0.1", "node.cassl.test", "node.cassl.test");
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &tp.peer, &cs), CASS_OK);
  char *crl = make_crl(&leaf.crt, 1, 86400);
  assert_int_equal(cassl_ssl_add_crl(ssl, crl), CASS_OK);
  free(crl);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &leaf,
                                             .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3" });
  assert_int_equal(gnutls_session_ticket_enable_server(srv.s, &stek), 0);
  unsigned long before = gtls_chain_verifications();
  assert_int_equal(thandshake(cs, &srv, 0), CASS_OK);
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(cs, &info), CASS_OK);
  assert_int_equal(info.resumed, 1);
  assert_int_equal(gtls_chain_verifications() - before, 0);
  tserver_free(&srv);
  cassl_session_free(cs);
  expect(run(ssl, &leaf, "node.cassl.test", true), CASS_ERROR_SSL_INVALID_PEER_CERT, 0, 1,
         "revoked");
  cass_ssl_free(ssl);
}

/* ---- the cache itself ------------------------------------------------------------------- */

static void test_unit(void **state)
{
  struct gtls_verified *c = gtls_verified_new();
  assert_non_null(c);
  unsigned char a[300], b[200];
  for (size_t i = 0; i < sizeof a; i++)
    a[i] = (unsigned char)(i * 7);
  for (size_t i = 0; i < sizeof b; i++)
    b[i] = (unsigned char)(i * 11);
  gnutls_datum_t chain[2] = { { a, sizeof a }, { b, sizeof b } };
  assert_false(gtls_verified_lookup(c, chain, 2, NULL, 150, NULL));
  gtls_verified_store(c, chain, 2, NULL, (time_t[]){ 100, 200 });
  assert_int_equal(gtls_verified_count(c), 1);
  assert_true(gtls_verified_lookup(c, chain, 2, NULL, 150, NULL));
  assert_true(gtls_verified_lookup(c, chain, 2, NULL, 100, NULL));
  assert_true(gtls_verified_lookup(c, chain, 2, NULL, 200, NULL));
  assert_false(gtls_verified_lookup(c, chain, 2, NULL, 99, NULL));
  assert_false(gtls_verified_lookup(c, chain, 2, NULL, 201, NULL));
  /* Another priority string, fewer or more certificates, one byte changed anywhere, the
   * same bytes cut elsewhere: no match. */
  assert_false(gtls_verified_lookup(c, chain, 2, "NORMAL", 150, NULL));
  assert_false(gtls_verified_lookup(c, chain, 1, NULL, 150, NULL));
  gnutls_datum_t three[3] = { chain[0], chain[1], chain[1] };
  assert_false(gtls_verified_lookup(c, three, 3, NULL, 150, NULL));
  for (size_t at = 0; at < sizeof a + sizeof b; at += 37) {
    unsigned char *p = at < sizeof a ? &a[at] : &b[at - sizeof a];
    *p ^= 1;
    assert_false(gtls_verified_lookup(c, chain, 2, NULL, 150, NULL));
    *p ^= 1;
  }
  unsigned char ab[sizeof a + sizeof b];
  memcpy(ab, a, sizeof a);
  memcpy(ab + sizeof a, b, sizeof b);
  gnutls_datum_t recut[2] = { { ab, sizeof a - 1 }, { ab + sizeof a - 1, sizeof b + 1 } };
  assert_false(gtls_verified_lookup(c, recut, 2, NULL, 150, NULL));
  /* The stored copy is the cache's own. */
  gnutls_datum_t copy[2] = { { ab, sizeof a }, { ab + sizeof a, sizeof b } };
  assert_true(gtls_verified_lookup(c, copy, 2, NULL, 150, NULL));
  /* A priority string matches by value. */
  char prio[] = "NORMAL";
  gtls_verified_store(c, chain, 2, prio, (time_t[]){ 100, 200 });
  prio[0] = 'X';
  assert_true(gtls_verified_lookup(c, chain, 2, "NORMAL", 150, NULL));
  assert_false(gtls_verified_lookup(c, chain, 2, prio, 150, NULL));
  /* Storing the same chain again replaces its window. */
  gtls_verified_store(c, chain, 2, NULL, (time_t[]){ 300, 400 });
  assert_int_equal(gtls_verified_count(c), 2);
  assert_false(gtls_verified_lookup(c, chain, 2, NULL, 150, NULL));
  assert_true(gtls_verified_lookup(c, chain, 2, NULL, 350, NULL));
  /* An empty window or an oversized chain is not kept. */
  gnutls_datum_t one = { b, sizeof b };
  gtls_verified_store(c, &one, 1, NULL, (time_t[]){ 200, 100 });
  assert_int_equal(gtls_verified_count(c), 2);
  unsigned char *big = calloc(1, GTLS_VERIFIED_MAX_BYTES + 1);
  gnutls_datum_t huge = { big, GTLS_VERIFIED_MAX_BYTES + 1 };
  gtls_verified_store(c, &huge, 1, NULL, (time_t[]){ 0, 1000 });
  assert_false(gtls_verified_lookup(c, &huge, 1, NULL, 500, NULL));
  free(big);
  /* Names are kept with an entry and copied out whole, marks included. */
  struct cassl_cert_names names = { 0 }, out = { 0 };
  assert_false(gtls_verified_copy_names(c, chain, 2, NULL, &out));
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_DNS, "node.cassl.test", 15), CASS_OK);
  assert_int_equal(cassl_names_add(&names, CASSL_NAME_CN, "node", 4), CASS_OK);
  assert_int_equal(cassl_name_set_outside_constraints(&names.items[1], "CN=CA"), CASS_OK);
  gtls_verified_keep_names(c, chain, 2, NULL, &names);
  gtls_verified_keep_names(c, chain, 2, "OTHER", &names); /* no such entry: nothing */
  cassl_names_clear(&names);
  assert_false(gtls_verified_copy_names(c, chain, 2, "OTHER", &out));
  assert_true(gtls_verified_copy_names(c, chain, 2, NULL, &out));
  assert_int_equal(out.count, 2);
  assert_int_equal(out.items[0].type, CASSL_NAME_DNS);
  assert_memory_equal(out.items[0].data, "node.cassl.test", 16);
  assert_null(out.items[0].outside_constraints_of);
  assert_string_equal(out.items[1].outside_constraints_of, "CN=CA");
  cassl_names_clear(&out);
  /* Stored again without a window (the next full handshake): the entry, its window and
   * its names stay. */
  gtls_verified_store(c, chain, 2, NULL, NULL);
  assert_int_equal(gtls_verified_count(c), 2);
  assert_true(gtls_verified_lookup(c, chain, 2, NULL, 350, NULL));
  assert_true(gtls_verified_copy_names(c, chain, 2, NULL, &out));
  cassl_names_clear(&out);
  /* Stored without a window and nothing to work it out from: never a hit. */
  gtls_verified_store(c, &one, 1, NULL, NULL);
  assert_false(gtls_verified_lookup(c, &one, 1, NULL, 150, NULL));
  assert_false(gtls_verified_lookup(c, &one, 1, NULL, 0, NULL));
  gtls_verified_free(c);

  /* Bounded, least recently used out first. */
  c = gtls_verified_new();
  unsigned char certs[GTLS_VERIFIED_MAX + 1][4];
  gnutls_datum_t d[GTLS_VERIFIED_MAX + 1];
  for (unsigned i = 0; i <= GTLS_VERIFIED_MAX; i++) {
    memset(certs[i], (int)i, sizeof certs[i]);
    d[i] = (gnutls_datum_t){ certs[i], sizeof certs[i] };
  }
  for (unsigned i = 0; i < GTLS_VERIFIED_MAX; i++)
    gtls_verified_store(c, &d[i], 1, NULL, (time_t[]){ 0, 1000 });
  assert_true(gtls_verified_lookup(c, &d[0], 1, NULL, 10, NULL)); /* d[1] is now the oldest */
  gtls_verified_store(c, &d[GTLS_VERIFIED_MAX], 1, NULL, (time_t[]){ 0, 1000 });
  assert_int_equal(gtls_verified_count(c), GTLS_VERIFIED_MAX);
  assert_false(gtls_verified_lookup(c, &d[1], 1, NULL, 10, NULL));
  assert_true(gtls_verified_lookup(c, &d[0], 1, NULL, 10, NULL));
  assert_true(gtls_verified_lookup(c, &d[GTLS_VERIFIED_MAX], 1, NULL, 10, NULL));
  gtls_verified_free(c);
}

/* Threads storing, looking up and copying names of more chains than fit, at once: every
 * hit is for a chain stored, names come out whole, the bound holds (run under a thread
 * checker to see the locking). No cmocka assertion inside threads: counts are checked after. */
struct hammer {
  pthread_t tid;
  struct gtls_verified *c;
  unsigned seed;
  unsigned bad;
};

static void *hammer_main(void *arg)
{
  struct hammer *h = arg;
  unsigned char der[GTLS_VERIFIED_MAX * 2][64];
  for (unsigned i = 0; i < GTLS_VERIFIED_MAX * 2; i++)
    memset(der[i], (int)i, sizeof der[i]);
  for (int round = 0; round < 20000; round++) {
    unsigned i = (h->seed = h->seed * 1103515245u + 12345u) % (GTLS_VERIFIED_MAX * 2);
    gnutls_datum_t d = { der[i], sizeof der[i] };
    switch (round % 4) {
    case 0:
      gtls_verified_store(h->c, &d, 1, NULL, (time_t[]){ 0, 1000 });
      break;
    case 1:
      (void)gtls_verified_lookup(h->c, &d, 1, NULL, 500, NULL);
      break;
    case 2: {
      struct cassl_cert_names names = { 0 };
      if (cassl_names_add(&names, CASSL_NAME_DNS, der[i], 8) == CASS_OK)
        gtls_verified_keep_names(h->c, &d, 1, NULL, &names);
      cassl_names_clear(&names);
      break;
    }
    default: {
      struct cassl_cert_names out = { 0 };
      if (gtls_verified_copy_names(h->c, &d, 1, NULL, &out) &&
          (out.count != 1 || out.items[0].len != 8 || memcmp(out.items[0].data, der[i], 8)))
        h->bad++;
      cassl_names_clear(&out);
    }
    }
    if (gtls_verified_count(h->c) > GTLS_VERIFIED_MAX)
      h->bad++;
  }
  return NULL;
}

static void test_threads(void **state)
{
  struct gtls_verified *c = gtls_verified_new();
  assert_non_null(c);
  struct hammer h[4];
  for (unsigned t = 0; t < 4; t++) {
    h[t] = (struct hammer){ .c = c, .seed = t + 1 };
    assert_int_equal(pthread_create(&h[t].tid, NULL, hammer_main, &h[t]), 0);
  }
  for (unsigned t = 0; t < 4; t++) {
    assert_int_equal(pthread_join(h[t].tid, NULL), 0);
    assert_int_equal(h[t].bad, 0);
  }
  assert_int_equal(gtls_verified_count(c), GTLS_VERIFIED_MAX);
  gtls_verified_free(c);
}

/* More chains than the cache holds, through real sessions on one object from several
 * threads at once: each thread connects to servers presenting 12 leaves (each its own SNI,
 * so its own resumption entry) and one leaf of a CA nobody trusts, full handshakes then
 * resumed ones, so chains are stored, looked up and evicted concurrently. Every trusted
 * session succeeds, resumed or not, and the untrusted chain is never accepted, whatever
 * the cache held (run under ThreadSanitizer: tests/threaded-tests). */
enum { EVICT_LEAVES = GTLS_VERIFIED_MAX + 4, EVICT_THREADS = 4, EVICT_ROUNDS = 3 };

static struct tpki evict_leaf[EVICT_LEAVES], rogue_ca, rogue_leaf;

struct evictor {
  pthread_t tid;
  CassSsl *ssl;
  unsigned first;
  unsigned ok, resumed, refused, wrong;
  char why[640];
};

static CassError evict_run(CassSsl *ssl, const struct tpki *cert, unsigned n, int *resumed,
                           char *why, size_t cap)
{
  char name[64];
  snprintf(name, sizeof name, "node%u.cassl.test", n);
  struct tpeer tp;
  tpeer_init(&tp, "127.0.0.1", name, name);
  cassl_session *cs = NULL;
  if (cassl_session_new(ssl, &tp.peer, &cs) != CASS_OK)
    return CASS_ERROR_LIB_BAD_PARAMS;
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = cert,
                                             .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3" });
  gnutls_session_ticket_enable_server(srv.s, &stek);
  CassError rc = thandshake(cs, &srv, 0);
  if (rc == CASS_OK)
    ttransfer(cs, &srv, 100, 0);
  cassl_session_info info;
  *resumed = cassl_session_get_info(cs, &info) == CASS_OK && info.resumed;
  snprintf(why, cap, "%s", cassl_session_error_message(cs));
  tserver_free(&srv);
  cassl_session_free(cs);
  return rc;
}

static void *evictor_main(void *arg)
{
  struct evictor *e = arg;
  for (unsigned r = 0; r < EVICT_ROUNDS; r++) {
    for (unsigned k = 0; k <= EVICT_LEAVES; k++) {
      unsigned n = (e->first + k) % (EVICT_LEAVES + 1);
      int resumed = 0;
      char why[512];
      bool rogue = n == EVICT_LEAVES;
      CassError rc = evict_run(e->ssl, rogue ? &rogue_leaf : &evict_leaf[n], n, &resumed, why,
                               sizeof why);
      if (rogue ? rc == CASS_ERROR_SSL_INVALID_PEER_CERT : rc == CASS_OK) {
        rogue ? e->refused++ : e->ok++;
        e->resumed += resumed != 0;
      } else if (!e->wrong++) {
        snprintf(e->why, sizeof e->why, "leaf %u: %s: %s", n, cassl_error_name(rc), why);
      }
    }
  }
  return NULL;
}

static void test_eviction_under_concurrent_sessions(void **state)
{
  tpki_ca(&rogue_ca, "nobody's CA");
  tpki_leaf(&rogue_leaf, &rogue_ca, &(struct tpki_opts){
                                        .cn = "node12.cassl.test",
                                        .dns = { "node12.cassl.test" } });
  for (unsigned i = 0; i < EVICT_LEAVES; i++) {
    char name[64];
    snprintf(name, sizeof name, "node%u.cassl.test", i);
    tpki_leaf(&evict_leaf[i], &ca, &(struct tpki_opts){ .cn = name, .dns = { name } });
  }
  CassSsl *ssl = tssl_new(&ca, PEER_CERT | PEER_DNS);
  struct evictor e[EVICT_THREADS];
  for (unsigned t = 0; t < EVICT_THREADS; t++) {
    e[t] = (struct evictor){ .ssl = ssl, .first = t * 3 };
    assert_int_equal(pthread_create(&e[t].tid, NULL, evictor_main, &e[t]), 0);
  }
  unsigned resumed = 0;
  for (unsigned t = 0; t < EVICT_THREADS; t++) {
    assert_int_equal(pthread_join(e[t].tid, NULL), 0);
    if (e[t].wrong)
      fail_msg("thread %u: %u unexpected outcome(s), first: %s", t, e[t].wrong, e[t].why);
    assert_int_equal(e[t].ok, EVICT_ROUNDS * EVICT_LEAVES);
    assert_int_equal(e[t].refused, EVICT_ROUNDS);
    resumed += e[t].resumed;
  }
  /* Resumption went on meanwhile (the cache was exercised, not bypassed). */
  assert_true(resumed > 0);
  cass_ssl_free(ssl);
  for (unsigned i = 0; i < EVICT_LEAVES; i++)
    tpki_free(&evict_leaf[i]);
  tpki_free(&rogue_leaf);
  tpki_free(&rogue_ca);
}

static int group_setup(void **state)
{
  gnutls_global_set_time_function(shifted_time);
  gtls_verified_set_clock(shifted_time);
  tpki_ca(&ca, "verified-cache CA");
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "node.cassl.test",
                                              .dns = { "node.cassl.test" } });
  tpki_leaf(&short_leaf, &ca, &(struct tpki_opts){ .cn = "node.cassl.test",
                                                    .dns = { "node.cassl.test" },
                                                    .not_after = time(NULL) + 1800 });
  return gnutls_session_ticket_key_generate(&stek) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
  tpki_free(&short_leaf);
  tpki_free(&leaf);
  tpki_free(&ca);
  gnutls_memset(stek.data, 0, stek.size);
  gnutls_free(stek.data);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unit),
    cmocka_unit_test(test_threads),
    cmocka_unit_test(test_resumed_skips_verification),
    cmocka_unit_test(test_pins_still_checked),
    cmocka_unit_test(test_flags),
    cmocka_unit_test(test_expired_by_time),
    cmocka_unit_test(test_crls),
    cmocka_unit_test(test_new_generation),
    cmocka_unit_test(test_eviction_under_concurrent_sessions),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
