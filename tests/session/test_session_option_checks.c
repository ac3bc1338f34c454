/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* What a session's verify flags may mean: cassl_session_new_ex refuses verify bits it does
 * not know (they never mean less checking), cassl_ssl_set_verify_flags keeps the driver's
 * meaning for them (any nonzero value needs a certificate, known bits keep their checks);
 * and an options size is bounded before any byte past the known struct is read. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "session_util.h"

#define TLS12_ANON "NORMAL:-VERS-TLS1.3:+ANON-ECDH"

static struct tpki ca, other_ca, server;

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_ca(&other_ca, "another CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .cn = "node1.example",
                                               .dns = { "node1.example" },
                                               .ip = { "127.0.0.1" } });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&other_ca);
  tpki_free(&server);
  return 0;
}

/* ---- per-session verify flags --------------------------------------------------------- */

static void test_unknown_verify_bits_refused(void **state)
{
  cassl_ssl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  static const int bad[] = { 0x100, 0x8, CASS_SSL_VERIFY_PEER_CERT | 0x100, 0x40000000,
                             -2, INT32_MIN };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
    o.verify_flags = bad[i];
    cassl_session *cs = NULL;
    if (cassl_session_new_ex(ssl, &peer.peer, &o, &cs) != CASS_ERROR_LIB_BAD_PARAMS)
      fail_msg("verify_flags 0x%x were accepted", (unsigned)bad[i]);
    assert_null(cs);
    assert_non_null(strstr(cassl_ssl_last_error(ssl), "unknown verify flags"));
  }
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "CASS_SSL_VERIFY_PEER_CERT"));
  /* Every known combination, and inheriting, is still accepted. */
  for (int f = 0; f <= 7; f++) {
    cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
    o.verify_flags = f;
    cassl_session *cs = NULL;
    assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_OK);
    cassl_session_free(cs);
  }
  cassl_ssl_free(ssl);
}

/* The failure the issue describes: 0x100 used to mean VERIFY_NONE, so a server signed by a
 * CA nobody trusts was accepted. Now no session is even made. */
static void test_unknown_verify_bits_never_accept_untrusted(void **state)
{
  cassl_ssl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.verify_flags = 0x100;
  cassl_session *cs = NULL;
  CassError rc = cassl_session_new_ex(ssl, &peer.peer, &o, &cs);
  if (rc == CASS_OK) {
    struct tserver srv;
    tserver_init(&srv, &(struct tserver_opts){ .cert = &server });
    rc = thandshake(cs, &srv, 0);
    tserver_free(&srv);
    cassl_session_free(cs);
    fail_msg("verify_flags 0x100: the session was made, and the untrusted server gave %s",
             cassl_error_name(rc));
  }
  assert_int_equal(rc, CASS_ERROR_LIB_BAD_PARAMS);
  cassl_ssl_free(ssl);
}

/* ---- cassl_ssl_set_verify_flags keeps the driver's meaning ---------------------------- */

static CassError handshake_with(cassl_ssl *ssl, const struct tserver_opts *so, char *msg,
                                size_t cap)
{
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, so);
  CassError rc = thandshake(cs, &srv, 0);
  snprintf(msg, cap, "%s", cassl_session_error_message(cs));
  tserver_free(&srv);
  cassl_session_free(cs);
  return rc;
}

/* The driver checks nothing only for flags 0: any other value needs a certificate. An
 * unknown bit alone used to be read as 0, so a server without any certificate passed. */
static void test_setter_unknown_bits_need_a_certificate(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(cassl_ssl_set_priority(ssl, TLS12_ANON), CASS_OK);
  const struct tserver_opts anon = { .anon = true,
                                     .priority = "NORMAL:-VERS-TLS1.3:-KX-ALL:+ANON-ECDH" };
  char msg[512];
  cassl_ssl_set_verify_flags(ssl, 0x100);
  assert_int_equal(handshake_with(ssl, &anon, msg, sizeof msg), CASS_ERROR_SSL_NO_PEER_CERT);
  assert_non_null(strstr(msg, "the server sent no certificate"));
  /* Flags 0 are the driver's VERIFY_NONE, which checks nothing (only for tests). */
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  assert_int_equal(handshake_with(ssl, &anon, msg, sizeof msg), CASS_OK);
  cassl_ssl_free(ssl);
}

/* Known bits keep their checks whatever unknown bits come with them. */
static void test_setter_unknown_bits_keep_known_checks(void **state)
{
  char msg[512];
  const struct tserver_opts so = { .cert = &server };
  cassl_ssl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | 0x100);
  assert_int_equal(handshake_with(ssl, &so, msg, sizeof msg), CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | 0x7ffffff0);
  assert_int_equal(handshake_with(ssl, &so, msg, sizeof msg), CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_ssl_free(ssl);

  ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_IDENTITY_DNS | 0x100);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "evil.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &so);
  assert_int_equal(thandshake(cs, &srv, 0), CASS_ERROR_SSL_IDENTITY_MISMATCH);
  tserver_free(&srv);
  cassl_session_free(cs);
  /* And with the right name and a trusted chain, the session is made. */
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT | 0x100);
  assert_int_equal(handshake_with(ssl, &so, msg, sizeof msg), CASS_OK);
  cassl_ssl_free(ssl);
}

/* ---- the options size ----------------------------------------------------------------- */

/* Options at the very end of a readable page, an unreadable page after them: reading one
 * byte past the struct faults. */
static cassl_session_options *options_before_guard(void **base, size_t *map_len)
{
  long page = sysconf(_SC_PAGESIZE);
  *map_len = 2 * (size_t)page;
  unsigned char *p = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                          -1, 0);
  assert_true(p != MAP_FAILED);
  assert_int_equal(mprotect(p + page, (size_t)page, PROT_NONE), 0);
  *base = p;
  cassl_session_options *o = (cassl_session_options *)(p + page - sizeof *o);
  *o = (cassl_session_options)CASSL_SESSION_OPTIONS_INIT;
  return o;
}

static void test_options_size_bounded(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  void *base;
  size_t map_len;
  cassl_session_options *o = options_before_guard(&base, &map_len);
  static const uint64_t sizes[] = { (uint64_t)1 << 40, SIZE_MAX,
                                    CASSL_SESSION_OPTIONS_MAX_SIZE + 1, 4096 };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    o->size = (size_t)sizes[i];
    cassl_session *cs = NULL;
    assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, o, &cs), CASS_ERROR_LIB_BAD_PARAMS);
    assert_null(cs);
    assert_non_null(strstr(cassl_ssl_last_error(ssl), "is not a struct size (at most 1024"));
  }
  /* The struct's own size is fine there. */
  o->size = sizeof *o;
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, o, &cs), CASS_OK);
  cassl_session_free(cs);
  munmap(base, map_len);

  /* Up to the cap, zeroed trailing bytes are a later header's fields, set ones are refused. */
  unsigned char *big = calloc(1, CASSL_SESSION_OPTIONS_MAX_SIZE);
  assert_non_null(big);
  cassl_session_options *bo = (cassl_session_options *)big;
  *bo = (cassl_session_options)CASSL_SESSION_OPTIONS_INIT;
  bo->size = CASSL_SESSION_OPTIONS_MAX_SIZE;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, bo, &cs), CASS_OK);
  cassl_session_free(cs);
  big[CASSL_SESSION_OPTIONS_MAX_SIZE - 1] = 1;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, bo, &cs), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "fields this libcassl does not know"));
  free(big);
  cassl_ssl_free(ssl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unknown_verify_bits_refused),
    cmocka_unit_test(test_unknown_verify_bits_never_accept_untrusted),
    cmocka_unit_test(test_setter_unknown_bits_need_a_certificate),
    cmocka_unit_test(test_setter_unknown_bits_keep_known_checks),
    cmocka_unit_test(test_options_size_bounded),
  };
  return cmocka_run_group_tests_name("session_option_checks", tests, group_setup,
                                     group_teardown);
}
