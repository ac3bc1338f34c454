/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Rotation under load: a thread swaps the bound client certificate and key between two
 * pairs (rename into place, the Kubernetes directory-symlink swap, and half-done states: a
 * certificate half written, a new certificate before its key, a published directory whose
 * pair does not match) and reloads after each step, while 8 threads connect over loopback
 * TCP to a GnuTLS server that requires a client certificate, verifies it and logs which one
 * it saw; sessions also reload at creation (interval 1 s). Every connection must succeed
 * with one of the two pairs, whole: a mixed pair fails the server's check of the client's
 * signature. Meant to run clean under ThreadSanitizer too. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "session_net.h"
#include "session_util.h"
#include "transport_util.h"

#define CLIENTS 8
#define SERVER_WORKERS 4

static struct tpki ca, server_cert, pair_a, pair_b;
static char dir[256];

static unsigned swaps(void)
{
  return getenv("CASSL_UNDER_VALGRIND") ? 6 : 24;
}

/* ---- the server: requires, verifies and logs client certificates ---------------------- */

struct log_server {
  int lfd, port;
  pthread_t workers[SERVER_WORKERS];
  gnutls_certificate_credentials_t creds;
  atomic_bool stop;
  pthread_mutex_t lock;
  unsigned seen_a, seen_b, failures;
  char why[512];
};

static void server_failure(struct log_server *s, const char *what, const char *detail)
{
  pthread_mutex_lock(&s->lock);
  if (!s->failures++)
    snprintf(s->why, sizeof s->why, "%s: %s", what, detail);
  pthread_mutex_unlock(&s->lock);
}

static void serve_one(struct log_server *s, int fd)
{
  gnutls_session_t g;
  if (gnutls_init(&g, GNUTLS_SERVER) < 0)
    return server_failure(s, "gnutls_init", "out of memory");
  gnutls_priority_set_direct(g, "NORMAL", NULL);
  gnutls_credentials_set(g, GNUTLS_CRD_CERTIFICATE, s->creds);
  gnutls_certificate_server_set_request(g, GNUTLS_CERT_REQUIRE);
  gnutls_transport_set_int(g, fd);
  gnutls_handshake_set_timeout(g, 30000);
  int ret;
  do
    ret = gnutls_handshake(g);
  while (ret < 0 && !gnutls_error_is_fatal(ret));
  if (ret < 0) {
    server_failure(s, "server handshake", gnutls_strerror(ret));
    goto done;
  }
  unsigned status = 0;
  if (gnutls_certificate_verify_peers2(g, &status) < 0 || status != 0) {
    server_failure(s, "client certificate", "not verified");
    goto done;
  }
  unsigned n = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers(g, &n);
  char cn[64] = "";
  gnutls_x509_crt_t crt;
  if (certs && n > 0 && gnutls_x509_crt_init(&crt) >= 0) {
    size_t size = sizeof cn;
    if (gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) < 0 ||
        gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) < 0)
      cn[0] = '\0';
    gnutls_x509_crt_deinit(crt);
  }
  pthread_mutex_lock(&s->lock);
  if (strcmp(cn, "driver-a") == 0)
    s->seen_a++;
  else if (strcmp(cn, "driver-b") == 0)
    s->seen_b++;
  pthread_mutex_unlock(&s->lock);
  if (strcmp(cn, "driver-a") != 0 && strcmp(cn, "driver-b") != 0)
    server_failure(s, "client certificate", cn[0] ? cn : "none");
  /* Echo one line back, then close. */
  char buf[64];
  do
    ret = (int)gnutls_record_recv(g, buf, sizeof buf);
  while (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED);
  if (ret > 0)
    gnutls_record_send(g, buf, (size_t)ret);
  /* The client ends the connection (it closes once it read the echo). */
  do
    ret = (int)gnutls_record_recv(g, buf, sizeof buf);
  while (ret > 0 || ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED);

done:
  gnutls_deinit(g);
}

static void *server_worker(void *arg)
{
  struct log_server *s = arg;
  while (!atomic_load(&s->stop)) {
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      break; /* shut down */
    }
    serve_one(s, fd);
    close(fd);
  }
  return NULL;
}

static void server_start(struct log_server *s)
{
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  assert_int_equal(gnutls_certificate_allocate_credentials(&s->creds), 0);
  gnutls_datum_t cert = { (unsigned char *)server_cert.cert_pem,
                          (unsigned)strlen(server_cert.cert_pem) };
  gnutls_datum_t key = { (unsigned char *)server_cert.key_pem,
                         (unsigned)strlen(server_cert.key_pem) };
  assert_true(gnutls_certificate_set_x509_key_mem(s->creds, &cert, &key, GNUTLS_X509_FMT_PEM) >= 0);
  gnutls_datum_t cad = { (unsigned char *)ca.cert_pem, (unsigned)strlen(ca.cert_pem) };
  assert_true(gnutls_certificate_set_x509_trust_mem(s->creds, &cad, GNUTLS_X509_FMT_PEM) > 0);
  s->lfd = tt_listen(AF_INET, &s->port, 64);
  for (int i = 0; i < SERVER_WORKERS; i++)
    assert_int_equal(pthread_create(&s->workers[i], NULL, server_worker, s), 0);
}

static void server_stop(struct log_server *s)
{
  atomic_store(&s->stop, true);
  shutdown(s->lfd, SHUT_RDWR); /* wakes the workers blocked in accept */
  for (int i = 0; i < SERVER_WORKERS; i++)
    pthread_join(s->workers[i], NULL);
  close(s->lfd);
  gnutls_certificate_free_credentials(s->creds);
  pthread_mutex_destroy(&s->lock);
}

/* ---- clients -------------------------------------------------------------------------- */

struct client {
  pthread_t tid;
  cassl_ssl *ssl;
  int port;
  atomic_bool *done;
  atomic_uint *all_connections;
  unsigned connections, failures;
  char why[600];
};

static void *client_main(void *arg)
{
  struct client *c = arg;
  struct sockaddr_storage ss;
  tt_addr(&ss, AF_INET, c->port);
  /* At least three connections each, and until the swapping is over. */
  while (c->connections < 3 || !atomic_load(c->done)) {
    struct tnet n;
    CassError rc = tnet_open_address(&n, c->ssl, (struct sockaddr *)&ss,
                                     sizeof(struct sockaddr_in), NULL);
    if (rc == CASS_OK)
      rc = tnet_handshake(&n);
    if (rc == CASS_OK)
      rc = tnet_exchange(&n, "ping\n", 5, "ping\n", 5);
    c->connections++;
    atomic_fetch_add(c->all_connections, 1);
    if (rc != CASS_OK && !c->failures++)
      snprintf(c->why, sizeof c->why, "connection %u: %s: %s", c->connections,
               cassl_error_name(rc), n.cs ? cassl_session_error_message(n.cs) : "(no session)");
    tnet_close(&n);
  }
  return NULL;
}

/* ---- the swapper ---------------------------------------------------------------------- */

static void write_file(const char *path, const char *text, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, len), (ssize_t)len);
  close(fd);
}

static void put(const char *name, const char *text)
{
  char path[600], tmp[620];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  write_file(tmp, text, strlen(text));
  assert_int_equal(rename(tmp, path), 0);
}

/* A new ..NNN directory with cert and key, published by renaming a fresh ..data link. */
static void k8s_publish(unsigned version, const char *cert, const char *key)
{
  char d[600], f[700], link[600], target[64];
  snprintf(target, sizeof target, "..%03u", version);
  snprintf(d, sizeof d, "%s/%s", dir, target);
  assert_int_equal(mkdir(d, 0700), 0);
  snprintf(f, sizeof f, "%s/tls.crt", d);
  write_file(f, cert, strlen(cert));
  snprintf(f, sizeof f, "%s/tls.key", d);
  write_file(f, key, strlen(key));
  snprintf(link, sizeof link, "%s/..data_tmp", dir);
  unlink(link);
  assert_int_equal(symlink(target, link), 0);
  char data[600];
  snprintf(data, sizeof data, "%s/..data", dir);
  assert_int_equal(rename(link, data), 0);
}

/* The CN of the pair in force: a handshake with an in-process server over memory. */
static void assert_in_force(cassl_ssl *ssl, const char *cn)
{
  struct tpeer tp;
  tpeer_init(&tp, "127.0.0.1", NULL, NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &tp.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server_cert,
                                             .client_cert = GNUTLS_CERT_REQUIRE,
                                             .client_ca = &ca, .verify_client = true });
  assert_int_equal(thandshake(cs, &srv, 0), CASS_OK);
  unsigned n = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers(srv.s, &n);
  assert_true(certs && n > 0);
  gnutls_x509_crt_t crt;
  char seen[64];
  size_t size = sizeof seen;
  assert_int_equal(gnutls_x509_crt_init(&crt), 0);
  assert_int_equal(gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER), 0);
  assert_int_equal(gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, seen,
                                                 &size), 0);
  gnutls_x509_crt_deinit(crt);
  tserver_free(&srv);
  cassl_session_free(cs);
  assert_string_equal(seen, cn);
}

/* A half-done state: refused (by this reload, or remembered from a session's), and the
 * pair in force stays. */
static void half_step(cassl_ssl *ssl, const struct tpki *in_force)
{
  cassl_reload_result r;
  assert_int_not_equal(cassl_ssl_reload(ssl, &r), CASS_OK);
  assert_int_equal(r, CASSL_RELOAD_REFUSED);
  assert_in_force(ssl, in_force == &pair_a ? "driver-a" : "driver-b");
}

/* A whole new pair: in force once this reload returns (a session's reload may have taken it
 * in first: then this one finds nothing new). */
static void full_step(cassl_ssl *ssl, const struct tpki *next, atomic_uint *connections)
{
  cassl_reload_result r;
  assert_int_equal(cassl_ssl_reload(ssl, &r), CASS_OK);
  assert_int_not_equal(r, CASSL_RELOAD_REFUSED);
  assert_in_force(ssl, next == &pair_a ? "driver-a" : "driver-b");
  /* Let the clients connect with it before the next swap. */
  unsigned start = atomic_load(connections);
  for (int i = 0; i < 3000 && atomic_load(connections) < start + CLIENTS; i++)
    usleep(10000);
}

/* The plain layout: files renamed into place, with a half-written certificate and a
 * certificate before its key on the way. */
static void swap_files(cassl_ssl *ssl, unsigned i, atomic_uint *connections)
{
  const struct tpki *next = i % 2 ? &pair_a : &pair_b;
  const struct tpki *before = i % 2 ? &pair_b : &pair_a;
  char path[600];
  snprintf(path, sizeof path, "%s/client.pem", dir);
  if (i % 3 == 0) {
    write_file(path, next->cert_pem, strlen(next->cert_pem) / 2); /* a writer at work */
    half_step(ssl, before);
  }
  put("client.pem", next->cert_pem);
  half_step(ssl, before); /* a new certificate with the old key: held back */
  put("client-key.pem", next->key_pem);
  full_step(ssl, next, connections);
}

static void swap_k8s(cassl_ssl *ssl, unsigned i, atomic_uint *connections)
{
  const struct tpki *next = i % 2 ? &pair_a : &pair_b;
  const struct tpki *before = i % 2 ? &pair_b : &pair_a;
  if (i % 3 == 0) {
    k8s_publish(2 * i + 1, next->cert_pem, before->key_pem); /* a mismatched publication */
    half_step(ssl, before);
  }
  k8s_publish(2 * i + 2, next->cert_pem, next->key_pem);
  full_step(ssl, next, connections);
}

/* ---- the test ------------------------------------------------------------------------- */

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_leaf(&server_cert, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .ip = { "127.0.0.1" } });
  tpki_leaf(&pair_a, &ca, &(struct tpki_opts){ .cn = "driver-a", .client = true });
  tpki_leaf(&pair_b, &ca, &(struct tpki_opts){ .cn = "driver-b", .client = true });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&server_cert);
  tpki_free(&pair_a);
  tpki_free(&pair_b);
  return 0;
}

static void run(bool k8s)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/cassl-rotation-load-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(dir));
  char cert[600], key[600];
  if (k8s) {
    k8s_publish(0, pair_a.cert_pem, pair_a.key_pem);
    snprintf(cert, sizeof cert, "%s/tls.crt", dir);
    snprintf(key, sizeof key, "%s/tls.key", dir);
    assert_int_equal(symlink("..data/tls.crt", cert), 0);
    assert_int_equal(symlink("..data/tls.key", key), 0);
  } else {
    put("client.pem", pair_a.cert_pem);
    put("client-key.pem", pair_a.key_pem);
    snprintf(cert, sizeof cert, "%s/client.pem", dir);
    snprintf(key, sizeof key, "%s/client-key.pem", dir);
  }
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, cert, key, NULL), CASS_OK);
  assert_int_equal(cassl_ssl_set_reload_interval(ssl, 1), CASS_OK);

  struct log_server srv;
  server_start(&srv);
  atomic_bool done = false;
  atomic_uint all_connections = 0;
  struct client clients[CLIENTS];
  for (int i = 0; i < CLIENTS; i++) {
    clients[i] = (struct client){ .ssl = ssl, .port = srv.port, .done = &done,
                                  .all_connections = &all_connections };
    assert_int_equal(pthread_create(&clients[i].tid, NULL, client_main, &clients[i]), 0);
  }
  for (unsigned i = 0; i < swaps(); i++) {
    if (k8s)
      swap_k8s(ssl, i, &all_connections);
    else
      swap_files(ssl, i, &all_connections);
  }
  atomic_store(&done, true);
  unsigned connections = 0, failures = 0;
  const char *why = NULL;
  for (int i = 0; i < CLIENTS; i++) {
    pthread_join(clients[i].tid, NULL);
    connections += clients[i].connections;
    failures += clients[i].failures;
    if (clients[i].failures && !why)
      why = clients[i].why;
  }
  server_stop(&srv);
  print_message("%s layout: %u swaps, %u connections (the server saw driver-a %u times, "
                "driver-b %u)\n", k8s ? "Kubernetes" : "files", swaps(), connections,
                srv.seen_a, srv.seen_b);
  if (failures)
    fail_msg("%u client failures, first: %s", failures, why);
  if (srv.failures)
    fail_msg("%u server failures, first: %s", srv.failures, srv.why);
  assert_int_equal(srv.seen_a + srv.seen_b, connections);
  assert_true(srv.seen_a > 0);
  assert_true(srv.seen_b > 0);
  cassl_ssl_free(ssl);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static void test_rotation_under_load_files(void **state)
{
  run(false);
}

static void test_rotation_under_load_kubernetes(void **state)
{
  run(true);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rotation_under_load_files),
    cmocka_unit_test(test_rotation_under_load_kubernetes),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
