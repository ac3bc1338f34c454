/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Stapled OCSP responses (status_request, which the library's ClientHello always carries):
 * a response saying the server's certificate is revoked refuses the handshake, from
 * gnutls-serv --ocsp-response and from an in-process server, in TLS 1.2 and 1.3; a good one
 * is accepted. A stapled session neither uses nor fills the verified-chain cache
 * (plugins/gnutls/verified.c): a chain the cache holds as verified is refused all the same
 * when a full handshake staples its revocation, and a chain verified with a staple is
 * verified again, with its response, on every resumption. The responses are made by `openssl ocsp` from an index
 * file, signed by the CA itself. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cassl/cassl.h"
#include "peers.h"
#include "session_net.h"
#include "session_util.h"
#include "verified.h"

static struct tpki ca, leaf;
static gnutls_datum_t stek;
static char dir[] = "/tmp/cassl-ocsp-XXXXXX";
/* [0] good, [1] revoked: for the in-process leaf (tpki) and for the fixture server-ip.pem */
static gnutls_datum_t leaf_resp[2];
static char fixture_resp[2][4200];

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

/* An OCSP response for cert from ca (its key signs it), saying good or revoked. */
static void make_response(const char *ca_file, const char *ca_key, const char *cert,
                          bool revoked, const char *out)
{
  char cmd[8192], index[4200], serial[128] = "";
  snprintf(cmd, sizeof cmd, "openssl x509 -in '%s' -noout -serial", cert);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  assert_non_null(fgets(serial, sizeof serial, p));
  pclose(p);
  char *hex = strchr(serial, '=');
  assert_non_null(hex);
  hex[1 + strcspn(hex + 1, "\r\n")] = '\0';
  /* The index takes UTCTime, YYMMDDHHMMSSZ: the four-digit year without its century. */
  char end[32], when[32];
  time_t now = time(NULL), later = now + 365 * 86400, before = now - 86400;
  strftime(end, sizeof end, "%Y%m%d%H%M%SZ", gmtime(&later));
  strftime(when, sizeof when, "%Y%m%d%H%M%SZ", gmtime(&before));
  snprintf(index, sizeof index, "%s/index.txt", dir);
  char line[512];
  snprintf(line, sizeof line, "%s\t%s\t%s\t%s\tunknown\t/CN=cassl\n", revoked ? "R" : "V",
           end + 2, revoked ? when + 2 : "", hex + 1);
  write_file(index, line);
  snprintf(cmd, sizeof cmd,
           "openssl ocsp -index '%s' -rsigner '%s' -rkey '%s' -CA '%s' -issuer '%s' "
           "-cert '%s' -ndays 1 -respout '%s' >/dev/null 2>&1",
           index, ca_file, ca_key, ca_file, ca_file, cert, out);
  if (system(cmd) != 0)
    fail_msg("openssl ocsp could not make a response: %s", cmd);
}

static int group_setup(void **state)
{
  if (!peers_have("openssl") || !peers_have("gnutls-serv")) {
    fprintf(stderr, "openssl and gnutls-serv are needed (Debian: openssl, gnutls-bin)\n");
    exit(77);
  }
  assert_non_null(mkdtemp(dir));
  tpki_ca(&ca, "cassl test CA");
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "node.cassl.test",
                                             .dns = { "node.cassl.test" },
                                             .ip = { "127.0.0.1" } });
  assert_int_equal(gnutls_session_ticket_key_generate(&stek), 0);
  char ca_file[4200], ca_key[4200], leaf_file[4200], out[4200];
  snprintf(ca_file, sizeof ca_file, "%s/ca.pem", dir);
  snprintf(ca_key, sizeof ca_key, "%s/ca-key.pem", dir);
  snprintf(leaf_file, sizeof leaf_file, "%s/leaf.pem", dir);
  write_file(ca_file, ca.cert_pem);
  write_file(ca_key, ca.key_pem);
  write_file(leaf_file, leaf.cert_pem);
  for (int r = 0; r < 2; r++) {
    snprintf(out, sizeof out, "%s/leaf-%d.der", dir, r);
    make_response(ca_file, ca_key, leaf_file, r, out);
    assert_int_equal(gnutls_load_file(out, &leaf_resp[r]), 0);
    snprintf(fixture_resp[r], sizeof fixture_resp[r], "%s/fixture-%d.der", dir, r);
    char fca[4200], fkey[4200], fcert[4200];
    snprintf(fca, sizeof fca, "%s", tnet_pki("ca.pem"));
    snprintf(fkey, sizeof fkey, "%s", tnet_pki("ca-key.pem"));
    snprintf(fcert, sizeof fcert, "%s", tnet_pki("server-ip.pem"));
    make_response(fca, fkey, fcert, r, fixture_resp[r]);
  }
  return 0;
}

static int group_teardown(void **state)
{
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  for (int r = 0; r < 2; r++)
    gnutls_free(leaf_resp[r].data);
  gnutls_free(stek.data);
  tpki_free(&ca);
  tpki_free(&leaf);
  return 0;
}

/* ---- gnutls-serv --ocsp-response --------------------------------------------------------- */

static void against_gnutls_serv(peer_tls_version version)
{
  char cert[4096], key[4096];
  snprintf(cert, sizeof cert, "%s", tnet_pki("server-ip.pem"));
  snprintf(key, sizeof key, "%s", tnet_pki("server-ip-key.pem"));
  for (int r = 0; r < 2; r++) {
    peer_tls_options opts = { .cert_file = cert, .key_file = key, .version = version,
                              .ocsp_response = fixture_resp[r] };
    peer *p = NULL;
    assert_int_equal(peer_start_gnutls_serv(&opts, &p), 0);
    CassSsl *ssl = cass_ssl_new();
    assert_non_null(ssl);
    char *pem = tnet_read_file(tnet_pki("ca.pem"));
    assert_int_equal(cass_ssl_add_trusted_cert(ssl, pem), CASS_OK);
    free(pem);
    cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
    struct tnet n;
    assert_int_equal(tnet_open(&n, ssl, p, NULL), CASS_OK);
    CassError rc = tnet_handshake(&n);
    const char *msg = cassl_session_error_message(n.cs);
    print_message("%s staple: %s %s\n", r ? "revoked" : "good", cassl_error_name(rc), msg);
    if (r == 0 && rc != CASS_OK)
      fail_msg("a good staple was refused: %s: %s", cassl_error_name(rc), msg);
    if (r == 1 && (rc != CASS_ERROR_SSL_INVALID_PEER_CERT || !strstr(msg, "revoked")))
      fail_msg("a revoked staple: %s: %s", cassl_error_name(rc), msg);
    tnet_close(&n);
    cass_ssl_free(ssl);
    peer_stop(p);
  }
}

static void test_gnutls_serv_tls12(void **state)
{
  against_gnutls_serv(PEER_TLS1_2);
}

static void test_gnutls_serv_tls13(void **state)
{
  against_gnutls_serv(PEER_TLS1_3);
}

/* ---- the staple and the verified-chain cache ---------------------------------------------- */

static int staple_response(gnutls_session_t session, void *ptr, gnutls_datum_t *out)
{
  const gnutls_datum_t *r = ptr;
  out->data = gnutls_malloc(r->size);
  if (!out->data)
    return GNUTLS_E_MEMORY_ERROR;
  memcpy(out->data, r->data, r->size);
  out->size = r->size;
  return 0;
}

/* The in-process server staples the response ctx points to. Through a callback: GnuTLS
 * checks a response given as data, and would not staple a revoked one. */
static void staple(struct tserver *srv, void *ctx)
{
  assert_int_equal(gnutls_certificate_set_ocsp_status_request_function2(srv->creds, 0,
                                                                        staple_response, ctx),
                   0);
}

/* One connection to an in-process server with ticket key key, stapling response (or nothing);
 * GnuTLS's chain verifications during it in *verifications. */
static struct tconn run(CassSsl *ssl, bool tls13, const gnutls_datum_t *key,
                        const gnutls_datum_t *response, unsigned long *verifications)
{
  unsigned long before = gtls_chain_verifications();
  struct tconn c = tconn_run(ssl, &leaf, "node.cassl.test", tls13, key, response ? staple : NULL,
                             (void *)response);
  *verifications = gtls_chain_verifications() - before;
  return c;
}

static void expect(CassSsl *ssl, bool tls13, const gnutls_datum_t *key,
                   const gnutls_datum_t *response, CassError rc, int resumed,
                   unsigned long verifications, const char *needle)
{
  unsigned long made;
  struct tconn c = run(ssl, tls13, key, response, &made);
  tconn_expect(&c, rc, resumed, needle);
  if (made != verifications)
    fail_msg("expected %lu chain verification(s), GnuTLS made %lu", verifications, made);
}

/* The chain is cached as verified (a resumed session shows it: no verification); a node
 * with another ticket key (a full handshake) then staples its revocation: refused. */
static void test_cached_chain_refused_by_revoked_staple(void **state)
{
  for (int v = 0; v < 2; v++) {
    CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS);
    expect(ssl, v, &stek, NULL, CASS_OK, 0, 1, NULL);
    expect(ssl, v, &stek, NULL, CASS_OK, 1, 0, NULL);
    gnutls_datum_t other;
    assert_int_equal(gnutls_session_ticket_key_generate(&other), 0);
    expect(ssl, v, &other, &leaf_resp[1], CASS_ERROR_SSL_INVALID_PEER_CERT, 0, 1, "revoked");
    gnutls_free(other.data);
    cass_ssl_free(ssl);
  }
}

/* A chain verified with a (good) staple does not go into the cache, and the sessions resumed
 * from it carry that response (GnuTLS keeps it in the session data): each is verified
 * again, response included. */
static void test_stapled_chain_not_cached(void **state)
{
  for (int v = 0; v < 2; v++) {
    CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS);
    expect(ssl, v, &stek, &leaf_resp[0], CASS_OK, 0, 1, NULL);
    expect(ssl, v, &stek, NULL, CASS_OK, 1, 1, NULL);
    expect(ssl, v, &stek, NULL, CASS_OK, 1, 1, NULL);
    cass_ssl_free(ssl);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_gnutls_serv_tls12),
    cmocka_unit_test(test_gnutls_serv_tls13),
    cmocka_unit_test(test_cached_chain_refused_by_revoked_staple),
    cmocka_unit_test(test_stapled_chain_not_cached),
  };
  int rc = cmocka_run_group_tests_name("ocsp_staple", tests, group_setup, group_teardown);
  peers_stop_all();
  return rc;
}
