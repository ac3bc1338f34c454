/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport before TLS: arguments, name resolution, TCP failures and timeouts,
 * closing early. Real sockets on 127.0.0.1 and ::1; no TLS peer needed. */
#include "config.h"

#include <netdb.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "transport_util.h"
#include "uv_conn.h"

struct fixture {
  uv_loop_t loop;
  CassSsl *ssl;
  cassl_uv_options opts;
  struct tt_client t;
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  assert_int_equal(uv_loop_init(&f->loop), 0);
  f->ssl = cass_ssl_new();
  assert_non_null(f->ssl);
  cassl_uv_options_init(&f->opts);
  f->t.close_on_end = 1;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  tt_loop_close(&f->loop);
  cass_ssl_free(f->ssl);
  free(f);
  return 0;
}

/* A connect that must fail before TLS: connect callback once with the error, no read
 * callback, and the close callback once with the same error. */
static void expect_connect_failure(struct fixture *f, CassError code, const char *message)
{
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 20000);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.connect_status, code);
  if (message)
    assert_string_equal(f->t.connect_msg, message);
  assert_int_equal(f->t.read_end_calls, 0);
  assert_int_equal(f->t.close_calls, 1);
  assert_int_equal(f->t.close_status, code);
  assert_string_equal(f->t.close_msg, f->t.connect_msg);
}

static void on_connect_close(cassl_uv_conn *conn, CassError status, const char *msg, void *d)
{
  struct tt_client *t = d;
  t->connect_calls++;
  t->connect_status = status;
  snprintf(t->connect_msg, sizeof t->connect_msg, "%s", msg);
  assert_string_equal(cassl_uv_conn_error_message(conn), msg);
  assert_int_equal(cassl_uv_conn_error(conn), status);
  tt_close(t);
}

static void test_options_defaults(void **state)
{
  cassl_uv_options o;
  memset(&o, 0x5a, sizeof o);
  cassl_uv_options_init(&o);
  assert_int_equal(o.size, sizeof o);
  assert_null(o.address);
  assert_null(o.host);
  assert_null(o.hostname);
  assert_null(o.sni);
  assert_int_equal(o.reverse_dns, 0);
  assert_int_equal(o.connect_timeout_ms, CASSL_UV_DEFAULT_CONNECT_TIMEOUT_MS);
  assert_int_equal(o.handshake_timeout_ms, CASSL_UV_DEFAULT_HANDSHAKE_TIMEOUT_MS);
  assert_int_equal(o.close_timeout_ms, CASSL_UV_DEFAULT_CLOSE_TIMEOUT_MS);
  assert_int_equal(o.high_water_mark, CASSL_UV_DEFAULT_HIGH_WATER_MARK);
  assert_null(o.on_read);
  assert_null(o.on_drain);
}

static void test_bad_params(void **state)
{
  struct fixture *f = *state;
  cassl_uv_conn *conn = (cassl_uv_conn *)&conn;
  struct sockaddr_storage ss;
  cassl_uv_options o = f->opts;

  tt_addr(&ss, AF_INET, 9);
  o.address = (struct sockaddr *)&ss;
  assert_int_equal(cassl_uv_connect(NULL, f->ssl, &o, NULL, NULL, &conn), CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(conn);
  assert_int_equal(cassl_uv_connect(&f->loop, NULL, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, NULL, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, NULL),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o.size = sizeof o - 1; /* a size this library does not know */
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o.size = 0;
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o = f->opts; /* neither address nor host */
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o.host = "";
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o = f->opts;
  ss.ss_family = AF_UNIX;
  o.address = (struct sockaddr *)&ss;
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(conn);
  /* SNI carries DNS names only. */
  tt_addr(&ss, AF_INET, 9);
  o.address = (struct sockaddr *)&ss;
  o.sni = "127.0.0.1";
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o.sni = "::1";
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  o.sni = "bad name.example";
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &o, NULL, NULL, &conn),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(conn);

  /* NULL connections in the other calls. */
  assert_int_equal(cassl_uv_write(NULL, "x", 1, NULL, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  cassl_uv_close(NULL, NULL);
  assert_int_equal(cassl_uv_conn_queued_bytes(NULL), 0);
  assert_int_equal(cassl_uv_conn_writable(NULL), cass_false);
  assert_null(cassl_uv_conn_session(NULL));
  assert_null(cassl_uv_conn_hostname(NULL));
  assert_null(cassl_uv_conn_reverse_name(NULL));
  assert_null(cassl_uv_conn_peer_address(NULL));
  assert_int_equal(cassl_uv_conn_error(NULL), CASS_ERROR_LIB_BAD_PARAMS);
  tt_run(&f->loop, 1000); /* nothing was started */
}

static void refused(void **state, int family)
{
  struct fixture *f = *state;
  struct sockaddr_storage ss;
  char expect[128];
  int port = tt_dead_port(family);

  tt_addr(&ss, family, port);
  f->opts.address = (struct sockaddr *)&ss;
  snprintf(expect, sizeof expect, family == AF_INET6 ? "connect to [::1]:%d failed: %s"
                                                     : "connect to 127.0.0.1:%d failed: %s",
           port, uv_strerror(UV_ECONNREFUSED));
  expect_connect_failure(f, CASS_ERROR_LIB_UNABLE_TO_CONNECT, expect);
  assert_string_equal(cassl_error_name(f->t.connect_status), "CASS_ERROR_LIB_UNABLE_TO_CONNECT");
}

static void test_refused_v4(void **state) { refused(state, AF_INET); }
static void test_refused_v6(void **state) { refused(state, AF_INET6); }

/* How many addresses the resolver gives for a name (the transport tries each). */
static int count_addresses(uv_loop_t *loop, const char *host, int port)
{
  uv_getaddrinfo_t req;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                           .ai_protocol = IPPROTO_TCP, .ai_flags = AI_NUMERICSERV};
  char service[8];
  int n = 0;
  snprintf(service, sizeof service, "%d", port);
  if (uv_getaddrinfo(loop, &req, NULL, host, service, &hints) != 0)
    return 0;
  for (struct addrinfo *a = req.addrinfo; a; a = a->ai_next)
    n++;
  uv_freeaddrinfo(req.addrinfo);
  return n;
}

static void test_refused_by_name(void **state)
{
  struct fixture *f = *state;
  char expect[256];
  int port = tt_dead_port(AF_INET);
  int n = count_addresses(&f->loop, "localhost", port);

  f->opts.host = "localhost";
  f->opts.port = (unsigned short)port;
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 20000);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.connect_status, CASS_ERROR_LIB_UNABLE_TO_CONNECT);
  assert_true(n >= 1);
  if (n == 1) {
    snprintf(expect, sizeof expect, "connect to 127.0.0.1:%d failed: %s", port,
             uv_strerror(UV_ECONNREFUSED));
    assert_string_equal(f->t.connect_msg, expect);
  } else {
    snprintf(expect, sizeof expect, "no address of 'localhost' accepted a connection (%d tried)",
             n);
    assert_memory_equal(f->t.connect_msg, expect, strlen(expect));
  }
  assert_int_equal(f->t.close_calls, 1);
}

static void test_name_not_found(void **state)
{
  struct fixture *f = *state;
  uv_getaddrinfo_t req;
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                           .ai_protocol = IPPROTO_TCP, .ai_flags = AI_NUMERICSERV};
  char expect[256];
  int r = uv_getaddrinfo(&f->loop, &req, NULL, "no-such-host.invalid", "9042", &hints);

  /* The reason is whatever this machine's resolver says; ask it the same question. */
  assert_true(r < 0);
  snprintf(expect, sizeof expect, "cannot resolve 'no-such-host.invalid': %s", uv_strerror(r));
  f->opts.host = "no-such-host.invalid";
  f->opts.port = 9042;
  expect_connect_failure(f, CASS_ERROR_LIB_HOST_RESOLUTION, expect);
}

static void test_connect_timeout(void **state)
{
  struct fixture *f = *state;
  struct sockaddr_storage ss;
  char expect[128];
  int port, filler;
  int lfd = tt_listen(AF_INET, &port, 0);

  /* A listener with backlog 0 holding one unaccepted connection drops further SYNs, so
   * the next connect hangs until our timeout. */
  tt_addr(&ss, AF_INET, port);
  filler = socket(AF_INET, SOCK_STREAM, 0);
  assert_int_equal(connect(filler, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)), 0);
  f->opts.address = (struct sockaddr *)&ss;
  f->opts.connect_timeout_ms = 200;
  snprintf(expect, sizeof expect,
           "connect to 127.0.0.1:%d failed: connection timed out after 200 ms", port);
  expect_connect_failure(f, CASS_ERROR_LIB_UNABLE_TO_CONNECT, expect);
  close(filler);
  close(lfd);
}

/* A numeric address as getaddrinfo gives it (so freeaddrinfo can free a chain of them). */
static struct addrinfo *numeric(const char *ip, int port)
{
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP,
                           .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
  struct addrinfo *ai = NULL;
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  assert_int_equal(getaddrinfo(ip, service, &hints, &ai), 0);
  assert_null(ai->ai_next);
  return ai;
}

/* A name that resolved to several addresses: each is tried, the last reason is kept. */
static void test_every_address_refused(void **state)
{
  struct fixture *f = *state;
  int p6 = tt_dead_port(AF_INET6), p4 = tt_dead_port(AF_INET);
  struct addrinfo *list = numeric("::1", p6);
  char expect[256];

  list->ai_next = numeric("127.0.0.1", p4);
  f->opts.host = "localhost";
  assert_int_equal(cassl_uvi_connect_list(&f->loop, f->ssl, &f->opts, list,
                                          on_connect_close, &f->t, &f->t.conn),
                   CASS_OK);
  tt_run(&f->loop, 20000);
  snprintf(expect, sizeof expect,
           "no address of 'localhost' accepted a connection (2 tried); last: "
           "connect to 127.0.0.1:%d failed: %s",
           p4, uv_strerror(UV_ECONNREFUSED));
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.connect_status, CASS_ERROR_LIB_UNABLE_TO_CONNECT);
  assert_string_equal(f->t.connect_msg, expect);
  assert_int_equal(f->t.close_calls, 1);
}

/* Closing right after cassl_uv_connect: no connect callback, one close callback, CASS_OK. */
static void close_early(struct fixture *f)
{
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_close(&f->t);
  tt_close(&f->t); /* a second close does nothing */
  assert_int_equal(f->t.close_calls, 0); /* never from inside cassl_uv_close */
  tt_run(&f->loop, 20000);
  assert_int_equal(f->t.connect_calls, 0);
  assert_int_equal(f->t.read_end_calls, 0);
  assert_int_equal(f->t.close_calls, 1);
  assert_int_equal(f->t.close_status, CASS_OK);
  assert_string_equal(f->t.close_msg, "");
}

static void test_close_while_connecting(void **state)
{
  struct fixture *f = *state;
  struct tt_plain_server srv;
  struct sockaddr_storage ss;
  tt_plain_start(&srv, TT_PLAIN_STALL, AF_INET6);
  tt_addr(&ss, AF_INET6, srv.port);
  f->opts.address = (struct sockaddr *)&ss;
  close_early(f);
  /* The connect may have been abandoned before the server saw it: knock once so its
   * accept returns either way. */
  {
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in6)) != 0)
      fail_msg("the stalling server stopped listening");
    close(fd);
  }
  tt_plain_join(&srv);
}

static void test_close_while_resolving(void **state)
{
  struct fixture *f = *state;
  f->opts.host = "localhost";
  f->opts.port = (unsigned short)tt_dead_port(AF_INET);
  close_early(f);
}

/* A failed connection closed from its connect callback; writes are refused before TLS. */
static void test_write_before_established(void **state)
{
  struct fixture *f = *state;
  struct sockaddr_storage ss;
  tt_addr(&ss, AF_INET, tt_dead_port(AF_INET));
  f->opts.address = (struct sockaddr *)&ss;
  assert_int_equal(cassl_uv_connect(&f->loop, f->ssl, &f->opts, on_connect_close, &f->t,
                                    &f->t.conn),
                   CASS_OK);
  assert_int_equal(cassl_uv_write(f->t.conn, "x", 1, NULL, NULL), CASS_ERROR_LIB_WRITE_ERROR);
  assert_int_equal(cassl_uv_write(f->t.conn, NULL, 1, NULL, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(cassl_uv_conn_session(f->t.conn));
  assert_null(cassl_uv_conn_peer_address(f->t.conn));
  assert_null(cassl_uv_conn_hostname(f->t.conn));
  assert_int_equal(cassl_uv_conn_queued_bytes(f->t.conn), 0);
  assert_int_equal(cassl_uv_conn_writable(f->t.conn), cass_false);
  assert_int_equal(cassl_uv_conn_error(f->t.conn), CASS_OK);
  assert_string_equal(cassl_uv_conn_error_message(f->t.conn), "");
  tt_run(&f->loop, 20000);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.connect_status, CASS_ERROR_LIB_UNABLE_TO_CONNECT);
  assert_int_equal(f->t.close_calls, 1);
}

/* The CassSsl reference: the caller may drop its own right after connecting. */
static void test_ssl_reference(void **state)
{
  struct fixture *f = *state;
  struct sockaddr_storage ss;
  CassSsl *ssl = cass_ssl_new();
  tt_addr(&ss, AF_INET, tt_dead_port(AF_INET));
  f->opts.address = (struct sockaddr *)&ss;
  tt_client_start(&f->t, &f->loop, ssl, &f->opts);
  cass_ssl_free(ssl);
  tt_run(&f->loop, 20000);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.connect_status, CASS_ERROR_LIB_UNABLE_TO_CONNECT);
  assert_int_equal(f->t.close_calls, 1);
}

/* Built without TLS: TCP comes up, the session cannot be made, the connect says so. */
static void test_no_tls_backend(void **state)
{
  struct fixture *f = *state;
  struct tt_plain_server srv;
  struct sockaddr_storage ss;
  const char *backend = getenv("CASSL_BACKEND");

  if (!backend || strcmp(backend, "none") != 0) {
    fprintf(stderr, "only for --with-tls=none (the TLS groups cover the rest)\n");
    skip();
  }
  tt_plain_start(&srv, TT_PLAIN_STALL, AF_INET);
  tt_addr(&ss, AF_INET, srv.port);
  f->opts.address = (struct sockaddr *)&ss;
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 20000);
  tt_plain_join(&srv);
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.connect_status, CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_memory_equal(f->t.connect_msg, "cannot start the TLS session: ", 30);
  assert_int_equal(f->t.close_calls, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_options_defaults),
      cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused_v4, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused_v6, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused_by_name, setup, teardown),
      cmocka_unit_test_setup_teardown(test_name_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_connect_timeout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_every_address_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_close_while_connecting, setup, teardown),
      cmocka_unit_test_setup_teardown(test_close_while_resolving, setup, teardown),
      cmocka_unit_test_setup_teardown(test_write_before_established, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ssl_reference, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_tls_backend, setup, teardown),
  };
  signal(SIGPIPE, SIG_IGN); /* as any libuv program must: a peer may go away mid-write */
  if (getenv("CASSL_TEST_FILTER")) /* e.g. CASSL_TEST_FILTER='test_refused*' */
    cmocka_set_test_filter(getenv("CASSL_TEST_FILTER"));
  return cmocka_run_group_tests_name("transport_tcp", tests, NULL, NULL);
}
