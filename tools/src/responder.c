/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The demo's TLS CQL responder (see responder.h): blocking sockets, poll for shutdown. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "cql.h"
#include "responder.h"

#define IO_TIMEOUT_MS 5000

struct responder {
  int listen_fd;
  int wake[2];                 /* a byte on wake[1] stops the thread */
  pthread_t thread;
  gnutls_certificate_credentials_t creds;
  gnutls_priority_t priority;
  gnutls_datum_t ticket_key;   /* session tickets, so reconnections can resume */
  pthread_mutex_t lock;
  pthread_cond_t ended;        /* signalled when a connection ends */
  int conn_fd;                 /* the connection being served, shut down by stop */
  FILE *log;                   /* "node: <outcome>" per connection, or NULL */
  unsigned served;             /* connections ended so far */
  char outcome[256];           /* what the latest one came to, as a node's log says it */
};

/* 1 when len bytes arrived; else what gnutls_record_recv said (0: the client closed). */
static int recv_all(gnutls_session_t s, uint8_t *buf, size_t len)
{
  size_t got = 0;
  while (got < len) {
    ssize_t n = gnutls_record_recv(s, buf + got, len - got);
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      continue;
    if (n <= 0)
      return (int)n;
    got += (size_t)n;
  }
  return 1;
}

static bool send_all(gnutls_session_t s, const uint8_t *buf, size_t len)
{
  while (len > 0) {
    ssize_t n = gnutls_record_send(s, buf, len);
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      continue;
    if (n < 0)
      return false;
    buf += n;
    len -= (size_t)n;
  }
  return true;
}

/* What a Cassandra 4 node answers to OPTIONS (the parts a driver reads). */
static size_t supported_frame(uint8_t *buf, size_t cap, int16_t stream)
{
  char *cql[] = { "3.4.5" };
  char *compression[] = { "lz4", "snappy" };
  char *versions[] = { "3/v3", "4/v4", "5/v5-beta" };
  struct cql_entry entries[] = {
    { "CQL_VERSION", cql, 1 },
    { "COMPRESSION", compression, 2 },
    { "PROTOCOL_VERSIONS", versions, 3 },
  };
  struct cql_multimap map = { entries, 3 };
  return cql_encode_supported(buf, cap, stream, &map);
}

/* Answers frames until the client leaves (returns what the last receive said: 0 for a
 * close, a GnuTLS error) or sends something that is not CQL v4 (returns 1). */
static int serve_cql(gnutls_session_t s, unsigned *frames)
{
  uint8_t head[CQL_HEADER_LEN], out[512];
  static uint8_t body[64 * 1024];
  for (;;) {
    struct cql_header h;
    int got = recv_all(s, head, sizeof head);
    if (got != 1)
      return got;
    if (cql_parse_header(head, sizeof head, &h) != CQL_OK || h.length > sizeof body)
      return 1;
    if ((got = recv_all(s, body, h.length)) != 1)
      return got;
    ++*frames;
    size_t n;
    if (h.version != CQL_VERSION_REQUEST)
      n = cql_encode_error(out, sizeof out, h.stream, 0x000A,
                           "Invalid or unsupported protocol version: this demo speaks v4");
    else if (h.opcode == CQL_OP_OPTIONS)
      n = supported_frame(out, sizeof out, h.stream);
    else if (h.opcode == CQL_OP_STARTUP) {
      struct cql_multimap map;
      if (cql_parse_string_map(body, h.length, &map) == CQL_OK && cql_multimap_get(&map, "CQL_VERSION"))
        n = cql_encode_ready(out, sizeof out, h.stream);
      else
        n = cql_encode_error(out, sizeof out, h.stream, 0x000A, "STARTUP without CQL_VERSION");
      if (map.entries)
        cql_multimap_free(&map);
    } else
      n = cql_encode_error(out, sizeof out, h.stream, 0x000A,
                           "this demo answers only OPTIONS and STARTUP");
    if (n == 0 || !send_all(s, out, n))
      return 1;
  }
}

/* "unknown_ca" from GNUTLS_A_UNKNOWN_CA: the name RFC 8446 and most servers' logs use. */
static void alert_rfc_name(gnutls_alert_description_t alert, char *buf, size_t cap)
{
  const char *name = gnutls_alert_get_strname(alert);
  if (!name || strncmp(name, "GNUTLS_A_", 9) != 0) {
    snprintf(buf, cap, "%d", (int)alert);
    return;
  }
  size_t i = 0;
  for (name += 9; *name && i + 1 < cap; name++)
    buf[i++] = (*name >= 'A' && *name <= 'Z') ? (char)(*name - 'A' + 'a') : *name;
  buf[i] = '\0';
}

/* How a connection ended, in the words of a node's log. */
static void describe_end(gnutls_session_t s, int ret, bool handshake_done, unsigned frames,
                         char *buf, size_t cap)
{
  if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED) {
    gnutls_alert_description_t alert = gnutls_alert_get(s);
    char name[64];
    alert_rfc_name(alert, name, sizeof name);
    snprintf(buf, cap, "the client left %s with the fatal alert %s (%s)",
             handshake_done ? "after the handshake" : "during the handshake", name,
             gnutls_alert_get_name(alert));
  } else if (!handshake_done) {
    snprintf(buf, cap, "refused the client in the handshake: %s", gnutls_strerror(ret));
  } else if (ret == 0) {
    snprintf(buf, cap, "answered %u CQL frame%s, then the client closed the session", frames,
             frames == 1 ? "" : "s");
  } else if (ret == 1) {
    snprintf(buf, cap, "answered %u CQL frame%s, then stopped at one it does not serve",
             frames, frames == 1 ? "" : "s");
  } else {
    snprintf(buf, cap, "the connection ended after %u CQL frame%s: %s", frames,
             frames == 1 ? "" : "s", gnutls_strerror(ret));
  }
}

static void serve(struct responder *r, int fd, char *outcome, size_t cap)
{
  struct timeval tv = { IO_TIMEOUT_MS / 1000, 0 };
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  gnutls_session_t s;
  if (gnutls_init(&s, GNUTLS_SERVER) < 0) {
    snprintf(outcome, cap, "could not start a TLS session (out of memory)");
    return;
  }
  gnutls_priority_set(s, r->priority);
  gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, r->creds);
  /* Like Cassandra with require_client_auth: no valid client certificate, no session. */
  gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
  gnutls_session_set_verify_cert(s, NULL, 0);
  gnutls_handshake_set_timeout(s, IO_TIMEOUT_MS);
  gnutls_session_ticket_enable_server(s, &r->ticket_key);
  gnutls_transport_set_int(s, fd);
  int ret;
  do {
    ret = gnutls_handshake(s);
  } while (ret < 0 && !gnutls_error_is_fatal(ret));
  unsigned frames = 0;
  if (ret >= 0) {
    ret = serve_cql(s, &frames);
    describe_end(s, ret, true, frames, outcome, cap);
    gnutls_bye(s, GNUTLS_SHUT_WR);
  } else {
    describe_end(s, ret, false, frames, outcome, cap);
    /* Tell the client why, as Cassandra does (certificate_required, bad_certificate...). */
    gnutls_alert_send_appropriate(s, ret);
  }
  gnutls_deinit(s);
  /* Closing with unread client data would send a reset that can overtake our alert: end our
   * side, then drain what the client still sends until it closes (bounded by the timeout). */
  shutdown(fd, SHUT_WR);
  char sink[4096];
  while (recv(fd, sink, sizeof sink, 0) > 0)
    ;
}

static void *run(void *arg)
{
  struct responder *r = arg;
  for (;;) {
    struct pollfd fds[2] = { { r->listen_fd, POLLIN, 0 }, { r->wake[0], POLLIN, 0 } };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents)
      break;
    int fd = accept(r->listen_fd, NULL, NULL);
    if (fd < 0)
      continue;
    pthread_mutex_lock(&r->lock);
    r->conn_fd = fd;
    pthread_mutex_unlock(&r->lock);
    char outcome[sizeof r->outcome];
    serve(r, fd, outcome, sizeof outcome);
    pthread_mutex_lock(&r->lock);
    r->conn_fd = -1;
    memcpy(r->outcome, outcome, sizeof outcome);
    r->served++;
    pthread_cond_broadcast(&r->ended);
    pthread_mutex_unlock(&r->lock);
    if (r->log) {
      fprintf(r->log, "node: %s\n", outcome);
      fflush(r->log);
    }
    close(fd);
  }
  return NULL;
}

static void cleanup(struct responder *r)
{
  if (r->listen_fd >= 0)
    close(r->listen_fd);
  if (r->wake[0] >= 0)
    close(r->wake[0]);
  if (r->wake[1] >= 0)
    close(r->wake[1]);
  if (r->creds)
    gnutls_certificate_free_credentials(r->creds);
  if (r->priority)
    gnutls_priority_deinit(r->priority);
  if (r->ticket_key.data) {
    gnutls_memset(r->ticket_key.data, 0, r->ticket_key.size);
    gnutls_free(r->ticket_key.data);
  }
  pthread_cond_destroy(&r->ended);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

int responder_start(struct responder **out, const char *cert_pem, const char *key_pem,
                    const char *client_ca_pem, FILE *log, int *port, char *err, size_t cap)
{
  struct responder *r = calloc(1, sizeof *r);
  if (!r) {
    snprintf(err, cap, "out of memory");
    return -1;
  }
  r->listen_fd = r->wake[0] = r->wake[1] = r->conn_fd = -1;
  r->log = log;
  pthread_mutex_init(&r->lock, NULL);
  pthread_cond_init(&r->ended, NULL);
  gnutls_datum_t cert = { (unsigned char *)cert_pem, (unsigned)strlen(cert_pem) };
  gnutls_datum_t key = { (unsigned char *)key_pem, (unsigned)strlen(key_pem) };
  gnutls_datum_t ca = { (unsigned char *)client_ca_pem, (unsigned)strlen(client_ca_pem) };
  int ret;
  if ((ret = gnutls_certificate_allocate_credentials(&r->creds)) < 0 ||
      (ret = gnutls_certificate_set_x509_key_mem(r->creds, &cert, &key, GNUTLS_X509_FMT_PEM)) < 0 ||
      (ret = gnutls_certificate_set_x509_trust_mem(r->creds, &ca, GNUTLS_X509_FMT_PEM)) < 0 ||
      (ret = gnutls_priority_init2(&r->priority, NULL, NULL, 0)) < 0 ||
      (ret = gnutls_session_ticket_key_generate(&r->ticket_key)) < 0) {
    snprintf(err, cap, "server credentials: %s", gnutls_strerror(ret));
    cleanup(r);
    return -1;
  }
  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t sl = sizeof sa;
  r->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (r->listen_fd < 0 || bind(r->listen_fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      listen(r->listen_fd, 8) != 0 || getsockname(r->listen_fd, (struct sockaddr *)&sa, &sl) != 0 ||
      pipe(r->wake) != 0) {
    snprintf(err, cap, "cannot listen on 127.0.0.1: %s", strerror(errno));
    cleanup(r);
    return -1;
  }
  if ((errno = pthread_create(&r->thread, NULL, run, r)) != 0) {
    snprintf(err, cap, "cannot start the server thread: %s", strerror(errno));
    cleanup(r);
    return -1;
  }
  *port = ntohs(sa.sin_port);
  *out = r;
  return 0;
}

void responder_stop(struct responder *r)
{
  if (!r)
    return;
  ssize_t n = write(r->wake[1], "x", 1);
  (void)n;
  pthread_mutex_lock(&r->lock);
  if (r->conn_fd >= 0)
    shutdown(r->conn_fd, SHUT_RDWR);
  pthread_mutex_unlock(&r->lock);
  pthread_join(r->thread, NULL);
  cleanup(r);
}

unsigned responder_served(struct responder *r)
{
  pthread_mutex_lock(&r->lock);
  unsigned n = r->served;
  pthread_mutex_unlock(&r->lock);
  return n;
}

int responder_outcome(struct responder *r, unsigned n, unsigned timeout_ms, char *buf,
                      size_t cap)
{
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += timeout_ms / 1000;
  until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&r->lock);
  while (r->served < n)
    if (pthread_cond_timedwait(&r->ended, &r->lock, &until) != 0)
      break;
  bool ended = r->served >= n;
  if (ended)
    snprintf(buf, cap, "%s", r->outcome);
  pthread_mutex_unlock(&r->lock);
  return ended ? 0 : -1;
}
