/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Helpers of the transport test groups (see transport_util.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "loopback.h"
#include "transport_util.h"
#include "uv_conn.h"

/* ---- loop ---------------------------------------------------------------------------- */

static void on_watchdog(uv_timer_t *t)
{
  fail_msg("the loop still ran after %u ms", *(unsigned *)t->data);
}

void tt_run(uv_loop_t *loop, unsigned watchdog_ms)
{
  uv_timer_t dog;
  uv_timer_init(loop, &dog);
  dog.data = &watchdog_ms;
  uv_timer_start(&dog, on_watchdog, watchdog_ms, 0);
  uv_unref((uv_handle_t *)&dog); /* the watchdog alone does not keep the loop running */
  uv_run(loop, UV_RUN_DEFAULT);
  uv_close((uv_handle_t *)&dog, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
}

static void count_handle(uv_handle_t *h, void *arg)
{
  fprintf(stderr, "left open: handle type %s\n", uv_handle_type_name(uv_handle_get_type(h)));
  (*(int *)arg)++;
}

void tt_loop_close(uv_loop_t *loop)
{
  int open = 0;
  uv_walk(loop, count_handle, &open);
  assert_int_equal(open, 0);
  assert_int_equal(uv_loop_close(loop), 0);
}

/* ---- recording client ---------------------------------------------------------------- */

static void copy_msg(char *dst, const char *src)
{
  snprintf(dst, 512, "%s", src ? src : "(null)");
}

static void on_connect(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct tt_client *t = data;
  assert_ptr_equal(conn, t->conn);
  t->connect_calls++;
  t->connect_status = status;
  copy_msg(t->connect_msg, message);
  assert_int_equal(cassl_uv_conn_error(conn), status);
  assert_string_equal(cassl_uv_conn_error_message(conn), t->connect_msg);
  if (status == CASS_OK) {
    assert_string_equal(message, "");
    if (t->on_established)
      t->on_established(t);
    return;
  }
  t->session_state = -1;
  if (cassl_uv_conn_session(conn)) {
    cassl_session *s = cassl_uv_conn_session(conn);
    t->session_state = (int)cassl_session_get_state(s);
    t->session_error = cassl_session_error(s);
    copy_msg(t->session_msg, cassl_session_error_message(s));
  }
  if (t->close_on_end)
    tt_close(t);
}

static void on_read(cassl_uv_conn *conn, CassError status, const void *buf, size_t len,
                    void *data)
{
  struct tt_client *t = data;
  assert_ptr_equal(conn, t->conn);
  assert_int_equal(t->read_end_calls, 0); /* nothing after the end */
  if (status == CASS_OK && len > 0) {
    if (t->check_pattern) {
      const unsigned char *p = buf;
      for (size_t i = 0; i < len; i++)
        if (p[i] != tt_pattern(t->received + i))
          t->rx_mismatch++;
    }
    if (t->capture && t->received < t->capture_cap)
      memcpy(t->capture + t->received, buf,
             len < t->capture_cap - t->received ? len : (size_t)(t->capture_cap - t->received));
    t->received += len;
    if (t->close_after && t->received >= t->close_after)
      tt_close(t);
    return;
  }
  t->read_end_calls++;
  t->read_status = status;
  copy_msg(t->read_msg, cassl_uv_conn_error_message(conn));
  assert_int_equal(cassl_uv_conn_error(conn), status);
  t->write_after_end = cassl_uv_write(conn, "x", 1, NULL, NULL);
  if (t->close_on_end)
    tt_close(t);
}

static void on_drain(cassl_uv_conn *conn, void *data)
{
  struct tt_client *t = data;
  assert_ptr_equal(conn, t->conn);
  t->drain_calls++;
  if (t->on_drain_hook)
    t->on_drain_hook(t);
}

static void on_close(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
  struct tt_client *t = data;
  assert_ptr_equal(conn, t->conn);
  t->close_calls++;
  t->close_status = status;
  copy_msg(t->close_msg, message);
}

void tt_client_start(struct tt_client *t, uv_loop_t *loop, CassSsl *ssl, cassl_uv_options *opts)
{
  t->loop = loop;
  opts->on_read = on_read;
  opts->on_drain = on_drain;
  assert_int_equal(cassl_uv_connect(loop, ssl, opts, on_connect, t, &t->conn), CASS_OK);
  assert_non_null(t->conn);
}

void tt_client_start_list(struct tt_client *t, uv_loop_t *loop, CassSsl *ssl,
                          cassl_uv_options *opts, struct addrinfo *list)
{
  t->loop = loop;
  opts->on_read = on_read;
  opts->on_drain = on_drain;
  assert_int_equal(cassl_uvi_connect_list(loop, ssl, opts, list, on_connect, t, &t->conn),
                   CASS_OK);
}

/* Each write carries its own record, so a second callback for one write is caught. */
struct tt_write_rec {
  struct tt_client *t;
  int calls;
};

static void on_written(cassl_uv_conn *conn, CassError status, void *data)
{
  struct tt_write_rec *w = data;
  assert_ptr_equal(conn, w->t->conn);
  assert_int_equal(++w->calls, 1);
  if (status == CASS_OK) {
    w->t->writes_ok++;
  } else {
    w->t->writes_failed++;
    w->t->write_fail_status = status;
  }
  free(w);
}

void tt_write(struct tt_client *t, const void *buf, size_t len)
{
  struct tt_write_rec *w = calloc(1, sizeof *w);
  assert_non_null(w);
  w->t = t;
  assert_int_equal(cassl_uv_write(t->conn, buf, len, on_written, w), CASS_OK);
  t->writes_accepted++;
}

void tt_close(struct tt_client *t)
{
  cassl_uv_close(t->conn, on_close);
  t->write_after_close = cassl_uv_write(t->conn, "x", 1, NULL, NULL);
}

/* ---- data ---------------------------------------------------------------------------- */

unsigned char tt_pattern(uint64_t i)
{
  /* Not periodic on any record or buffer size, so a lost or repeated piece shows. */
  return (unsigned char)((i * 7) ^ (i >> 8) ^ (i >> 17) ^ (i >> 25));
}

void tt_fill(unsigned char *buf, size_t len, uint64_t offset)
{
  for (size_t i = 0; i < len; i++)
    buf[i] = tt_pattern(offset + i);
}

size_t tt_big(void)
{
  return getenv("CASSL_UNDER_VALGRIND") ? (size_t)4 << 20 : (size_t)64 << 20;
}

/* ---- addresses ----------------------------------------------------------------------- */

void tt_addr(struct sockaddr_storage *ss, int family, int port)
{
  memset(ss, 0, sizeof *ss);
  if (family == AF_INET6)
    assert_int_equal(uv_ip6_addr("::1", port, (struct sockaddr_in6 *)ss), 0);
  else
    assert_int_equal(uv_ip4_addr("127.0.0.1", port, (struct sockaddr_in *)ss), 0);
}

/* Every ::1 server and dead port of the transport tests starts here (on the test's thread). */
static int bound_socket(int family, int *port)
{
  if (family == AF_INET6)
    SKIP_UNLESS_USABLE("::1");
  struct sockaddr_storage ss;
  socklen_t len = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  int one = 1;
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  assert_true(fd >= 0);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  tt_addr(&ss, family, 0);
  assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
  *port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                   : ((struct sockaddr_in *)&ss)->sin_port);
  return fd;
}

int tt_dead_port(int family)
{
  int port;
  int fd = bound_socket(family, &port);
  close(fd);
  return port;
}

int tt_listen(int family, int *port, int backlog)
{
  int fd = bound_socket(family, port);
  assert_int_equal(listen(fd, backlog), 0);
  return fd;
}

/* Accepts one connection, giving up after 30 s so a failed test never hangs. */
int tt_accept_one(int lfd)
{
  struct pollfd p = {.fd = lfd, .events = POLLIN};
  int fd;
  if (poll(&p, 1, 30000) <= 0)
    return -1;
  fd = accept(lfd, NULL, NULL);
  return fd;
}

int tt_read_full(int fd, unsigned char *buf, size_t len)
{
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    if (n <= 0)
      return -1;
    got += (size_t)n;
  }
  return 0;
}

void tt_write_full(int fd, const void *buf, size_t len)
{
  const unsigned char *p = buf;
  while (len > 0) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    p += n;
    len -= (size_t)n;
  }
}

/* Reads one TLS record (the ClientHello) whole, so closing afterwards sends a FIN, not a
 * reset for unread data. */
static int read_record(int fd, uint64_t *count)
{
  unsigned char hdr[5], body[1 << 15];
  size_t len;
  if (tt_read_full(fd, hdr, sizeof hdr) < 0)
    return -1;
  len = ((size_t)hdr[3] << 8) | hdr[4];
  if (len > sizeof body || tt_read_full(fd, body, len) < 0)
    return -1;
  *count += 5 + len;
  return 0;
}

/* ---- plain TCP peers ----------------------------------------------------------------- */

static void *plain_thread(void *arg)
{
  struct tt_plain_server *s = arg;
  unsigned char buf[4096];
  ssize_t n;
  int fd = tt_accept_one(s->fd);
  if (fd < 0)
    return NULL;
  switch (s->mode) {
  case TT_PLAIN_STALL:
    while ((n = read(fd, buf, sizeof buf)) > 0)
      s->received += (uint64_t)n;
    break;
  case TT_PLAIN_CLOSE_AFTER_HELLO:
    read_record(fd, &s->received);
    break;
  case TT_PLAIN_ALERT_AFTER_HELLO: {
    /* A TLS 1.2 record: fatal (2) handshake_failure (40). */
    static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    if (read_record(fd, &s->received) == 0)
      tt_write_full(fd, alert, sizeof alert);
    shutdown(fd, SHUT_WR);
    while ((n = read(fd, buf, sizeof buf)) > 0)
      s->received += (uint64_t)n;
    break;
  }
  case TT_PLAIN_NOT_TLS: {
    static const char text[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    if (read_record(fd, &s->received) == 0)
      tt_write_full(fd, text, sizeof text - 1);
    shutdown(fd, SHUT_WR);
    while ((n = read(fd, buf, sizeof buf)) > 0)
      s->received += (uint64_t)n;
    break;
  }
  }
  close(fd);
  return NULL;
}

void tt_plain_start(struct tt_plain_server *s, enum tt_plain_mode mode, int family)
{
  s->mode = mode;
  s->family = family;
  s->received = 0;
  s->fd = tt_listen(family, &s->port, 4);
  assert_int_equal(pthread_create(&s->thread, NULL, plain_thread, s), 0);
}

void tt_plain_join(struct tt_plain_server *s)
{
  pthread_join(s->thread, NULL);
  close(s->fd);
}

/* ---- byte-at-a-time relay ------------------------------------------------------------ */

static void *relay_thread(void *arg)
{
  struct tt_relay *r = arg;
  struct sockaddr_storage ss;
  unsigned char buf[65536];
  int one = 1, up, down;
  int up_open = 1, down_open = 1;

  down = tt_accept_one(r->fd);
  if (down < 0)
    return NULL;
  up = socket(r->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  tt_addr(&ss, r->family, r->target_port);
  if (connect(up, (struct sockaddr *)&ss,
              r->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in))) {
    close(down);
    close(up);
    return NULL;
  }
  setsockopt(down, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  while (up_open || down_open) {
    struct pollfd p[2] = {{.fd = down_open ? down : -1, .events = POLLIN},
                          {.fd = up_open ? up : -1, .events = POLLIN}};
    if (poll(p, 2, 30000) <= 0)
      break;
    if (p[0].revents) {
      ssize_t n = read(down, buf, sizeof buf);
      if (n <= 0) {
        down_open = 0;
        shutdown(up, SHUT_WR);
      } else {
        tt_write_full(up, buf, (size_t)n);
      }
    }
    if (p[1].revents) {
      ssize_t n = read(up, buf, sizeof buf);
      if (n <= 0) {
        up_open = 0;
        shutdown(down, SHUT_WR);
      } else {
        for (ssize_t i = 0; i < n; i++) {
          tt_write_full(down, buf + i, 1);
          usleep(50); /* lets the client see the byte on its own */
        }
        r->to_client += (uint64_t)n;
      }
    }
  }
  close(up);
  close(down);
  return NULL;
}

void tt_relay_start(struct tt_relay *r, int family, int target_port)
{
  r->family = family;
  r->target_port = target_port;
  r->to_client = 0;
  r->fd = tt_listen(family, &r->port, 4);
  assert_int_equal(pthread_create(&r->thread, NULL, relay_thread, r), 0);
}

void tt_relay_join(struct tt_relay *r)
{
  pthread_join(r->thread, NULL);
  close(r->fd);
}

/* ---- PKI ----------------------------------------------------------------------------- */

static char pki_dir[4096];

const char *tt_pki_dir(void)
{
  static const char script[] =
      "set -e; cd '%s'\n"
      "certtool --generate-privkey --key-type=ecdsa --outfile ca-key.pem 2>/dev/null\n"
      "printf 'cn = \"transport test CA\"\\nca\\ncert_signing_key\\nexpiration_days = 30\\n' >ca.tmpl\n"
      "certtool --generate-self-signed --load-privkey ca-key.pem --template ca.tmpl "
      "--outfile ca.pem 2>/dev/null\n"
      "certtool --generate-privkey --key-type=ecdsa --outfile server-key.pem 2>/dev/null\n"
      "printf 'cn = \"127.0.0.1\"\\nip_address = \"127.0.0.1\"\\nip_address = \"::1\"\\n"
      "dns_name = \"localhost\"\\ntls_www_server\\nsigning_key\\nexpiration_days = 30\\n' "
      ">server.tmpl\n"
      "certtool --generate-certificate --load-privkey server-key.pem --load-ca-certificate "
      "ca.pem --load-ca-privkey ca-key.pem --template server.tmpl --outfile server.pem "
      "2>/dev/null\n";
  char cmd[8192];
  const char *base;

  if (pki_dir[0])
    return pki_dir;
  base = getenv("CASSL_FIXTURES");
  if (!base)
    base = "/tmp";
  snprintf(pki_dir, sizeof pki_dir, "%s/transport", base);
  mkdir(base, 0755);
  mkdir(pki_dir, 0755);
  snprintf(pki_dir, sizeof pki_dir, "%s/transport/pki.XXXXXX", base);
  if (!mkdtemp(pki_dir))
    fail_msg("mkdtemp %s: %s", pki_dir, strerror(errno));
  snprintf(cmd, sizeof cmd, script, pki_dir);
  if (system(cmd) != 0)
    fail_msg("certtool could not make the test PKI in %s", pki_dir);
  return pki_dir;
}

char *tt_pki_file(const char *name)
{
  char *p = malloc(strlen(tt_pki_dir()) + strlen(name) + 2);
  sprintf(p, "%s/%s", tt_pki_dir(), name);
  return p;
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  buf = calloc(1, (size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return buf;
}

CassSsl *tt_ssl(int flags)
{
  char *path = tt_pki_file("ca.pem");
  char *ca = slurp(path);
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, ca), CASS_OK);
  cass_ssl_set_verify_flags(ssl, flags);
  free(ca);
  free(path);
  return ssl;
}

void tt_pki_cleanup(void)
{
  char cmd[8192];
  if (!pki_dir[0])
    return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", pki_dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", pki_dir);
  pki_dir[0] = '\0';
}
