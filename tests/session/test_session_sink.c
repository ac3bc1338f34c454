/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl_session_write_to's sink calling back into its own session: every call is refused
 * with CASS_ERROR_LIB_BAD_PARAMS and changes nothing, the outer write completes and the
 * server receives exactly its bytes, in TLS 1.2 and 1.3. The backend's own check, a send
 * GnuTLS reports as longer than asked, is driven by a gnutls_record_send of this program's
 * that can add a byte to what GnuTLS answers (re-entering GnuTLS from its push callback
 * would make it use freed memory before the check is reached). */
#include "config.h"

#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session_object.h"
#include "session_util.h"

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static struct tpki ca, server;

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .cn = "node1.example",
                                               .dns = { "node1.example" },
                                               .ip = { "127.0.0.1" } });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&server);
  return 0;
}

/* An established session against an in-process server speaking priority. */
static cassl_session *established(cassl_ssl *ssl, struct tserver *srv, const char *priority)
{
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  tserver_init(srv, &(struct tserver_opts){ .cert = &server, .priority = priority,
                                            .no_tickets = true });
  assert_int_equal(thandshake(cs, srv, 0), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  return cs;
}

/* ---- the core refuses calls from the sink ---------------------------------------------- */

enum { CALLS = 8 };

struct reentering_sink {
  cassl_session *cs;
  struct cassl_bytequeue *q;  /* the server's input */
  size_t calls;
  CassError rc[CALLS];        /* what each call from inside the first sink call returned */
  char sentence[CASSL_ERRMSG_MAX];
};

static int noop_sink(void *ctx, const void *data, size_t len)
{
  return 0;
}

static int reentering(void *ctx, const void *data, size_t len)
{
  struct reentering_sink *t = ctx;
  if (t->calls++ == 0) {
    static const char inner[] = "INNER\n";
    unsigned char buf[64];
    size_t n = 0;
    t->rc[0] = cassl_session_write(t->cs, inner, sizeof inner - 1);
    snprintf(t->sentence, sizeof t->sentence, "%s", cassl_last_error());
    t->rc[1] = cassl_session_write_to(t->cs, inner, sizeof inner - 1, noop_sink, NULL);
    t->rc[2] = cassl_session_read(t->cs, buf, sizeof buf, &n);
    t->rc[3] = cassl_session_close(t->cs);
    t->rc[4] = cassl_session_handshake(t->cs);
    t->rc[5] = cassl_session_verify(t->cs);
    t->rc[6] = cassl_session_feed(t->cs, "x", 1);
    t->rc[7] = cassl_session_set_error(t->cs, CASS_ERROR_SSL_CLOSED, "from the sink");
    /* The bytes being handed over are not the caller's to consume. */
    cassl_session_output_consume(t->cs, len);
  }
  return cassl_bytequeue_push(t->q, data, len) ? 0 : 1;
}

static void sink_reentry_refused(const char *priority)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  cassl_session *cs = established(ssl, &srv, priority);
  /* Several records: the first sink call comes in the middle of the write. */
  enum { BIG = 40000 };
  unsigned char *big = malloc(BIG);
  assert_non_null(big);
  for (size_t i = 0; i < BIG; i++)
    big[i] = tpattern(i, 3);
  struct reentering_sink t = { .cs = cs, .q = &srv.in };
  assert_int_equal(cassl_session_write_to(cs, big, BIG, reentering, &t), CASS_OK);
  assert_true(t.calls >= 3);
  for (int i = 0; i < CALLS; i++)
    if (t.rc[i] != CASS_ERROR_LIB_BAD_PARAMS)
      fail_msg("call %d from the sink returned %s", i, cassl_error_name(t.rc[i]));
  assert_non_null(strstr(t.sentence, "from the output sink"));
  /* The session is kept: established, nothing queued, and the server gets exactly the
   * outer write (the inner bytes never became records). */
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  assert_int_equal(cassl_session_error(cs), CASS_OK);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  unsigned char *got = malloc(BIG + 64);
  assert_non_null(got);
  size_t have = 0;
  for (;;) {
    long n = tserver_recv(&srv, got + have, BIG + 64 - have);
    if (n <= 0)
      break;
    have += (size_t)n;
  }
  assert_int_equal(have, BIG);
  assert_memory_equal(got, big, BIG);
  /* And it goes on working both ways. */
  ttransfer(cs, &srv, 5000, 0);
  free(big);
  free(got);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_sink_reentry_refused_tls12(void **state)
{
  sink_reentry_refused(TLS12);
}

static void test_sink_reentry_refused_tls13(void **state)
{
  sink_reentry_refused(TLS13);
}

/* The queued output (what a read produced) goes to the sink too: calls from there are
 * refused the same way. */
static void test_sink_reentry_refused_on_queued_output(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  cassl_session *cs = established(ssl, &srv, TLS13);
  assert_int_equal(cassl_session_write(cs, "queued\n", 7), CASS_OK);
  assert_true(cassl_session_output_pending(cs) > 0);
  struct reentering_sink t = { .cs = cs, .q = &srv.in };
  assert_int_equal(cassl_session_write_to(cs, NULL, 0, reentering, &t), CASS_OK);
  assert_int_equal(t.calls, 1);
  for (int i = 0; i < CALLS; i++)
    assert_int_equal(t.rc[i], CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  char buf[16];
  assert_int_equal(tserver_recv(&srv, buf, sizeof buf), 7);
  assert_memory_equal(buf, "queued\n", 7);
  assert_int_equal(tserver_recv(&srv, buf, sizeof buf), 0);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* ---- the backend's bound on what a send reports ------------------------------------------ */

/* The library's calls to gnutls_record_send come here (the symbol is exported from this
 * program, see tests/session/local.mk); with overreport set, the next answer is one byte
 * more than GnuTLS sent, as a re-entered GnuTLS answers. */
static int overreport;

__attribute__((visibility("default"))) ssize_t gnutls_record_send(gnutls_session_t session,
                                                                   const void *data, size_t len)
{
  static ssize_t (*next)(gnutls_session_t, const void *, size_t);
  if (!next)
    *(void **)&next = dlsym(RTLD_NEXT, "gnutls_record_send");
  if (!next)
    abort();
  ssize_t ret = next(session, data, len);
  if (overreport && ret > 0) {
    overreport = 0;
    return ret + 1;
  }
  return ret;
}

static void overreported_send_fails_session(const char *priority)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  cassl_session *cs = established(ssl, &srv, priority);
  static const char msg[] = "hello, node";
  overreport = 1;
  CassError rc = cassl_session_write(cs, msg, sizeof msg - 1);
  assert_int_equal(overreport, 0); /* the library's call came through here */
  if (rc != CASS_ERROR_SSL_PROTOCOL_ERROR ||
      !strstr(cassl_session_error_message(cs), "reported sending"))
    fail_msg("%s: %s", cassl_error_name(rc), cassl_session_error_message(cs));
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_FAILED);
  /* Nothing further is encrypted. */
  assert_int_not_equal(cassl_session_write(cs, msg, sizeof msg - 1), CASS_OK);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_overreported_send_tls12(void **state)
{
  overreported_send_fails_session(TLS12);
}

static void test_overreported_send_tls13(void **state)
{
  overreported_send_fails_session(TLS13);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sink_reentry_refused_tls12),
    cmocka_unit_test(test_sink_reentry_refused_tls13),
    cmocka_unit_test(test_sink_reentry_refused_on_queued_output),
    cmocka_unit_test(test_overreported_send_tls12),
    cmocka_unit_test(test_overreported_send_tls13),
  };
  return cmocka_run_group_tests_name("session_sink", tests, group_setup, group_teardown);
}
