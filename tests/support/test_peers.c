/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Self-test of the peer infrastructure: each peer starts, accepts TCP on 127.0.0.1 and ::1,
 * behaves as documented in peers.h, and leaves no process behind. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "loopback.h"
#include "peers.h"

static const char *const hosts[] = { "127.0.0.1", "::1" };

static size_t host_count(void)
{
  return loopback_has_ipv6() ? 2 : 1;
}

/* Reads until n bytes, EOF or 5 s; returns the count. */
static size_t read_upto(int fd, char *buf, size_t n)
{
  size_t got = 0;
  while (got < n) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (poll(&pfd, 1, 5000) <= 0)
      break;
    ssize_t r = recv(fd, buf + got, n - got, 0);
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  return got;
}

static bool eof_within(int fd, int ms)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  char c;
  return poll(&pfd, 1, ms) > 0 && recv(fd, &c, 1, 0) <= 0;
}

static void connect_and_close(const peer *p)
{
  int fd = peer_connect(p);
  if (fd < 0)
    fail_msg("cannot connect to %s: %s", peer_hostport(p), strerror(errno));
  close(fd);
}

static void assert_no_children(void)
{
  errno = 0;
  assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
  assert_int_equal(errno, ECHILD);
}

static void test_pki(void **state)
{
  (void)state;
  static const char *const files[] = {
    "ca.pem", "ca-key.pem", "other-ca.pem", "intermediate.pem",
    "server-ip.pem", "server-ip-key.pem", "server-dns.pem", "server-dns-key.pem",
    "server-cn-only.pem", "server-san-override.pem", "server-expired.pem",
    "server-notyet.pem", "server-wrongca.pem", "server-ecdsa.pem", "server-ecdsa-key.pem",
    "server-chain.pem", "server-chain-key.pem", "client.pem", "client-key.pem",
    "client-key-enc.pem",
  };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    const char *path = peers_pki(files[i]);
    assert_non_null(path);
    struct stat st;
    if (stat(path, &st) != 0 || st.st_size == 0)
      fail_msg("fixture %s is missing", path);
  }
  if (strcmp(getenv("CASSL_BACKEND") ? getenv("CASSL_BACKEND") : "gnutls", "gnutls") == 0) {
    struct stat st;
    assert_int_equal(stat(peers_pki("server-nul.pem"), &st), 0);
    assert_int_equal(stat(peers_pki("server-nul-cn.pem"), &st), 0);
  }
  if (peers_have("keytool")) {
    static const char *const jks[] = {
      "jks/keystore.jks", "jks/keystore-node2.jks", "jks/keystore-driver.jks",
      "jks/truststore.jks", "jks/node.pem", "jks/node2.pem", "jks/driver.pem",
      "jks/keystore-driver.p12", "jks/driver-key.pem", "jks/driver-key-plain.pem",
      "server-ip.p12", "ca-truststore.jks",
    };
    for (size_t i = 0; i < sizeof jks / sizeof *jks; i++) {
      struct stat st;
      if (stat(peers_pki(jks[i]), &st) != 0)
        fail_msg("fixture %s is missing", peers_pki(jks[i]));
    }
  }
}

static void test_gnutls_serv(void **state)
{
  (void)state;
  if (!peers_have("gnutls-serv")) {
    print_message("gnutls-serv is not installed: case skipped\n");
    skip();
  }
  for (size_t h = 0; h < host_count(); h++) {
    for (int v = PEER_TLS_DEFAULT; v <= PEER_TLS1_3; v++) {
      peer_tls_options o = { .host = hosts[h], .cert_file = peers_pki("server-ip.pem"),
                             .key_file = peers_pki("server-ip-key.pem"),
                             .client_ca_file = peers_pki("ca.pem"),
                             .client_auth = (peer_client_auth)(v % 3),
                             .version = (peer_tls_version)v };
      peer *p = NULL;
      assert_int_equal(peer_start_gnutls_serv(&o, &p), 0);
      assert_true(peer_port(p) > 0);
      assert_string_equal(peer_host(p), hosts[h]);
      assert_non_null(peer_log_path(p));
      connect_and_close(p);
      peer_stop(p);
    }
  }
  assert_no_children();
}

static void test_openssl(void **state)
{
  (void)state;
  if (!peers_have("openssl")) {
    print_message("openssl is not installed: case skipped\n");
    skip();
  }
  for (size_t h = 0; h < host_count(); h++) {
    for (int v = PEER_TLS_DEFAULT; v <= PEER_TLS1_3; v++) {
      peer_tls_options o = { .host = hosts[h], .cert_file = peers_pki("server-chain.pem"),
                             .key_file = peers_pki("server-chain-key.pem"),
                             .client_ca_file = peers_pki("ca.pem"),
                             .client_auth = (peer_client_auth)(v % 3),
                             .version = (peer_tls_version)v };
      peer *p = NULL;
      assert_int_equal(peer_start_openssl(&o, &p), 0);
      char want[64];
      snprintf(want, sizeof want, h ? "[::1]:%u" : "127.0.0.1:%u", (unsigned)peer_port(p));
      assert_string_equal(peer_hostport(p), want);
      connect_and_close(p);
      peer_stop(p);
    }
  }
  assert_no_children();
}

static void test_jsse(void **state)
{
  (void)state;
  if (!peers_have("java") || !peers_have("keytool")) {
    print_message("no JDK (java and keytool, or a compiled JsseServer): case skipped\n");
    skip();
  }
  for (size_t h = 0; h < host_count(); h++) {
    peer_tls_options o = { .host = hosts[h], .keystore = peers_pki("jks/keystore.jks"),
                           .truststore = peers_pki("jks/truststore.jks"),
                           .client_auth = h ? PEER_CLIENT_AUTH_REQUIRE : PEER_CLIENT_AUTH_NONE,
                           .version = h ? PEER_TLS1_2 : PEER_TLS1_3,
                           .mode = h ? PEER_MODE_ECHO : PEER_MODE_CQL };
    peer *p = NULL;
    assert_int_equal(peer_start_jsse(&o, &p), 0);
    assert_true(peer_port(p) > 0);
    connect_and_close(p);
    peer_stop(p);
  }
  assert_no_children();
}

static void test_plain(void **state)
{
  (void)state;
  for (size_t h = 0; h < host_count(); h++) {
    peer *p = NULL;
    assert_int_equal(peer_start_plain(hosts[h], NULL, 0, &p), 0);
    int fd = peer_connect(p);
    assert_true(fd >= 0);
    assert_int_equal(send(fd, "hello\0world", 11, 0), 11);
    char buf[32];
    assert_int_equal(read_upto(fd, buf, 11), 11);
    assert_memory_equal(buf, "hello\0world", 11);
    close(fd);

    static const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
    peer *q = NULL;
    assert_int_equal(peer_start_plain(hosts[h], reply, sizeof reply - 1, &q), 0);
    fd = peer_connect(q);
    assert_true(fd >= 0);
    assert_int_equal(send(fd, "\x16\x03\x01", 3, 0), 3);
    assert_int_equal(read_upto(fd, buf, sizeof buf), sizeof reply - 1);
    assert_memory_equal(buf, reply, sizeof reply - 1);
    assert_true(eof_within(fd, 3000));
    close(fd);
    assert_int_equal(peer_accept_count(q), 1);
    peer_stop(q);
    peer_stop(p);
  }
}

static void test_closer_and_stall(void **state)
{
  (void)state;
  for (size_t h = 0; h < host_count(); h++) {
    peer *now = NULL, *later = NULL, *stall = NULL;
    assert_int_equal(peer_start_closer(hosts[h], false, &now), 0);
    assert_int_equal(peer_start_closer(hosts[h], true, &later), 0);
    assert_int_equal(peer_start_stall(hosts[h], &stall), 0);

    int fd = peer_connect(now);
    assert_true(fd >= 0);
    assert_true(eof_within(fd, 3000));
    close(fd);

    fd = peer_connect(later);
    assert_true(fd >= 0);
    assert_false(eof_within(fd, 200)); /* waits for the first bytes */
    assert_int_equal(send(fd, "\x16\x03\x01\x00\x05hello", 10, 0), 10);
    assert_true(eof_within(fd, 3000));
    close(fd);

    fd = peer_connect(stall);
    assert_true(fd >= 0);
    assert_int_equal(send(fd, "ping", 4, 0), 4);
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    assert_int_equal(poll(&pfd, 1, 300), 0);
    close(fd);

    peer_stop(stall);
    peer_stop(later);
    peer_stop(now);
  }
}

static void test_relay(void **state)
{
  (void)state;
  for (size_t h = 0; h < host_count(); h++) {
    peer *echo = NULL, *relay = NULL, *cutter = NULL;
    assert_int_equal(peer_start_plain(hosts[h], NULL, 0, &echo), 0);
    socklen_t len;
    const struct sockaddr *target = peer_address(echo, &len);

    peer_relay_options ro = { .host = hosts[h], .target = target, .target_len = len };
    assert_int_equal(peer_start_relay(&ro, &relay), 0);
    int fd = peer_connect(relay);
    assert_true(fd >= 0);
    char big[20000], back[20000];
    for (size_t i = 0; i < sizeof big; i++)
      big[i] = (char)(i * 7);
    assert_int_equal(send(fd, big, sizeof big, 0), (ssize_t)sizeof big);
    assert_int_equal(read_upto(fd, back, sizeof back), sizeof back);
    assert_memory_equal(big, back, sizeof big);
    /* a half-close travels through: the echo server answers EOF with EOF */
    shutdown(fd, SHUT_WR);
    assert_true(eof_within(fd, 3000));
    close(fd);

    /* peer_relay_cut: EOF at once, nothing more */
    fd = peer_connect(relay);
    assert_true(fd >= 0);
    assert_int_equal(send(fd, "abc", 3, 0), 3);
    assert_int_equal(read_upto(fd, back, 3), 3);
    peer_relay_cut(relay);
    assert_true(eof_within(fd, 3000));
    close(fd);
    assert_int_equal(peer_accept_count(relay), 2);

    ro.cut_after = 5;
    ro.byte_delay_us = 100;
    assert_int_equal(peer_start_relay(&ro, &cutter), 0);
    fd = peer_connect(cutter);
    assert_true(fd >= 0);
    assert_int_equal(send(fd, "0123456789", 10, 0), 10);
    assert_int_equal(read_upto(fd, back, 10), 5);
    assert_memory_equal(back, "01234", 5);
    close(fd);

    peer_stop(cutter);
    peer_stop(relay);
    peer_stop(echo);
  }
}

/* A test that "fails" with peers running still leaves nothing behind. */
static void test_stop_all(void **state)
{
  (void)state;
  peer *a = NULL, *b = NULL;
  assert_int_equal(peer_start_stall(NULL, &a), 0);
  if (peers_have("gnutls-serv")) {
    peer_tls_options o = { .cert_file = peers_pki("server-dns.pem"),
                           .key_file = peers_pki("server-dns-key.pem") };
    assert_int_equal(peer_start_gnutls_serv(&o, &b), 0);
  }
  int fd = peer_connect(a);
  assert_true(fd >= 0);
  peers_stop_all();
  assert_true(eof_within(fd, 3000));
  close(fd);
  assert_no_children();
  peer_stop(NULL);
}

int main(void)
{
  loopback_usable("::1", "every peer is tried on 127.0.0.1 only");
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_pki),
    cmocka_unit_test(test_gnutls_serv),
    cmocka_unit_test(test_openssl),
    cmocka_unit_test(test_jsse),
    cmocka_unit_test(test_plain),
    cmocka_unit_test(test_closer_and_stall),
    cmocka_unit_test(test_relay),
    cmocka_unit_test(test_stop_all),
  };
  return cmocka_run_group_tests_name("peers", tests, NULL, NULL);
}
