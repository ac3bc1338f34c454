/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* One configured CassSsl shared by 8 threads, each making its own sessions: handshakes
 * (TLS 1.2 and 1.3, client certificate, full verification) and transfers, in-process. Meant
 * to run clean under ThreadSanitizer and valgrind's helgrind as well as plainly. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session_util.h"

#define THREADS 8
#define ROUNDS 6

static struct tpki ca, server, client;

struct worker {
  pthread_t tid;
  int index;
  CassSsl *ssl;
  int failures;
  char why[600];
};

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  for (int round = 0; round < ROUNDS && !w->failures; round++) {
    bool tls13 = (w->index + round) % 2 == 0;
    struct tpeer peer;
    tpeer_init(&peer, round % 3 == 0 ? "::1" : "127.0.0.1", "node1.example", NULL);
    cassl_session *cs = NULL;
    CassError rc = cassl_session_new(w->ssl, &peer.peer, &cs);
    if (rc != CASS_OK) {
      w->failures++;
      snprintf(w->why, sizeof w->why, "session_new: %s", cassl_error_name(rc));
      break;
    }
    struct tserver srv;
    tserver_init(&srv, &(struct tserver_opts){
                           .cert = &server,
                           .priority = tls13 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
                                             : "NORMAL:-VERS-ALL:+VERS-TLS1.2",
                           .client_cert = GNUTLS_CERT_REQUIRE,
                           .client_ca = &ca });
    rc = thandshake(cs, &srv, round == 1 ? 7 : 0);
    if (rc != CASS_OK || !srv.done) {
      w->failures++;
      snprintf(w->why, sizeof w->why, "handshake: %s: %s", cassl_error_name(rc),
               cassl_session_error_message(cs));
    } else {
      cassl_session_info info;
      cassl_session_get_info(cs, &info);
      if (strcmp(info.protocol, tls13 ? "TLS1.3" : "TLS1.2") != 0 || !info.client_cert_sent) {
        w->failures++;
        snprintf(w->why, sizeof w->why, "negotiated %s, client cert sent %d", info.protocol,
                 info.client_cert_sent);
      } else {
        ttransfer(cs, &srv, 64 * 1024 + (size_t)w->index * 977, 0);
        if (cassl_session_close(cs) != CASS_OK)
          w->failures++;
        tpump(cs, &srv, 0);
        unsigned char buf[8];
        if (tserver_recv(&srv, buf, sizeof buf) != -1) {
          w->failures++;
          snprintf(w->why, sizeof w->why, "server did not see close_notify");
        }
      }
    }
    tserver_free(&srv);
    cassl_session_free(cs);
  }
  return NULL;
}

static void test_threads_share_one_ssl(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  assert_int_equal(cass_ssl_set_cert(ssl, client.cert_pem), CASS_OK);
  assert_int_equal(cass_ssl_set_private_key(ssl, client.key_pem, NULL), CASS_OK);
  struct worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (struct worker){ .index = i, .ssl = ssl };
    assert_int_equal(pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]), 0);
  }
  int failures = 0;
  for (int i = 0; i < THREADS; i++) {
    assert_int_equal(pthread_join(workers[i].tid, NULL), 0);
    if (workers[i].failures) {
      print_error("thread %d: %s\n", i, workers[i].why);
      failures += workers[i].failures;
    }
  }
  cass_ssl_free(ssl);
  assert_int_equal(failures, 0);
}

/* Sessions outlive the application's reference: the last one to go frees the CassSsl. */
static void *hold_and_release(void *arg)
{
  cassl_session *cs = arg;
  /* Exercise the session's view of the object after the owner dropped it. */
  cassl_session_state st = cassl_session_get_state(cs);
  cassl_session_free(cs);
  return (void *)(st == CASSL_SESSION_HANDSHAKING ? (void *)1 : NULL);
}

static void test_threads_release_last_reference(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", NULL, NULL);
  cassl_session *sessions[THREADS];
  for (int i = 0; i < THREADS; i++)
    assert_int_equal(cassl_session_new(ssl, &peer.peer, &sessions[i]), CASS_OK);
  cass_ssl_free(ssl);
  pthread_t tids[THREADS];
  for (int i = 0; i < THREADS; i++)
    assert_int_equal(pthread_create(&tids[i], NULL, hold_and_release, sessions[i]), 0);
  for (int i = 0; i < THREADS; i++) {
    void *ok = NULL;
    assert_int_equal(pthread_join(tids[i], &ok), 0);
    assert_non_null(ok);
  }
}

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl threads CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .dns = { "node1.example" },
                                               .ip = { "127.0.0.1", "::1" } });
  tpki_leaf(&client, &ca, &(struct tpki_opts){ .cn = "driver", .client = true });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&server);
  tpki_free(&client);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_threads_share_one_ssl),
    cmocka_unit_test(test_threads_release_last_reference),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
