/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A resumption entry whose offer makes the handshake fail is forgotten: a node that keeps
 * its session-ticket key but now speaks TLS 1.3 only fails the handshake that offers its
 * TLS 1.2 ticket ("unexpected handshake packet"), and the next attempt is a full handshake
 * that succeeds instead of the same failure for the entry's remaining hour. The server is
 * GnuTLS in process, restarted with the same ticket key, as a node keeps its key across a
 * configuration change (gnutls-serv and openssl s_server make a new key at every start, so
 * they cannot show it). */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>

#include "session_cache.h"
#include "ssl_object.h"
#include "session_util.h"

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static struct tpki ca, leaf;
static gnutls_datum_t stek; /* the node's ticket key, kept across its restarts */

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "node.cassl.test",
                                             .dns = { "node.cassl.test" },
                                             .ip = { "127.0.0.1" } });
  assert_int_equal(gnutls_session_ticket_key_generate(&stek), 0);
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&leaf);
  gnutls_free(stek.data);
  return 0;
}

struct outcome {
  CassError rc;
  int resumed;
  int server_resumed;
  char msg[512];
};

/* One session to the node at 127.0.0.1:9042 running priority with the kept ticket key. */
static struct outcome connect_node(CassSsl *ssl, const char *priority)
{
  struct outcome o = { 0 };
  struct tpeer tp;
  tpeer_init(&tp, "127.0.0.1", "node.cassl.test", NULL);
  ((struct sockaddr_in *)&tp.addr)->sin_port = htons(9042);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &tp.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &leaf, .priority = priority });
  assert_int_equal(gnutls_session_ticket_enable_server(srv.s, &stek), 0);
  o.rc = thandshake(cs, &srv, 0);
  if (o.rc == CASS_OK)
    ttransfer(cs, &srv, 100, 0); /* takes in TLS 1.3 tickets */
  cassl_session_info info;
  if (cassl_session_get_info(cs, &info) == CASS_OK)
    o.resumed = info.resumed;
  o.server_resumed = srv.done && gnutls_session_is_resumed(srv.s);
  snprintf(o.msg, sizeof o.msg, "%s", cassl_session_error_message(cs));
  tserver_free(&srv);
  cassl_session_free(cs);
  return o;
}

static void expect(struct outcome o, CassError rc, int resumed)
{
  if (o.rc != rc)
    fail_msg("expected %s, got %s: %s", cassl_error_name(rc), cassl_error_name(o.rc), o.msg);
  if (o.resumed != resumed)
    fail_msg("expected %s, got %s", resumed ? "a resumed session" : "a full handshake",
             o.resumed ? "a resumed one" : "a full one");
}

static size_t cached(CassSsl *ssl)
{
  return cassl_session_cache_count(&ssl->sessions);
}

static void test_failed_offer_forgotten(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  /* TLS 1.2 node: full handshake, then it resumes its own ticket. */
  expect(connect_node(ssl, TLS12), CASS_OK, 0);
  expect(connect_node(ssl, TLS12), CASS_OK, 1);
  assert_int_equal(cached(ssl), 1);
  /* The node moves to TLS 1.3 only, same ticket key: the offer fails the handshake. */
  struct outcome o = connect_node(ssl, TLS13);
  expect(o, CASS_ERROR_SSL_PROTOCOL_ERROR, 0);
  assert_non_null(strstr(o.msg, "unexpected TLS handshake packet"));
  assert_int_equal(cached(ssl), 0);
  /* The next attempt is a full handshake that succeeds, and the one after resumes. */
  expect(connect_node(ssl, TLS13), CASS_OK, 0);
  expect(connect_node(ssl, TLS13), CASS_OK, 1);
  cass_ssl_free(ssl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_failed_offer_forgotten),
  };
  return cmocka_run_group_tests_name("resumption_failed_offer", tests, group_setup,
                                     group_teardown);
}
