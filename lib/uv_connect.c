/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport's way up: name resolution, TCP connect attempts (each address in
 * turn, each under the connect timeout), reverse DNS, the session's creation and the
 * handshake timeout. */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "ssl_object.h"
#include "uv_conn.h"

/* "127.0.0.1:9042" or "[::1]:9042". */
static void format_address(const struct sockaddr *sa, char *out, size_t cap)
{
  char ip[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
    uv_ip6_name(s6, ip, sizeof ip);
    snprintf(out, cap, "[%s]:%u", ip, ntohs(s6->sin6_port));
  } else {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
    uv_ip4_name(s4, ip, sizeof ip);
    snprintf(out, cap, "%s:%u", ip, ntohs(s4->sin_port));
  }
}

static char *dup_or_null(const char *s, int *oom)
{
  char *d;
  if (!s)
    return NULL;
  d = strdup(s);
  if (!d)
    *oom = 1;
  return d;
}

static void start_attempt(struct cassl_uv_conn *c);
static void start_tls(struct cassl_uv_conn *c);
static void on_timer(uv_timer_t *timer);

static void attempt_failed(struct cassl_uv_conn *c, const char *reason)
{
  uv_timer_stop(&c->timer);
  cassl_fail(&c->attempt_error, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "connect to %s failed: %s",
             c->attempt_name, reason);
  cassl_uvi_close_tcp(c);
  start_attempt(c);
}

static void on_name(uv_getnameinfo_t *req, int status, const char *hostname,
                    const char *service)
{
  struct cassl_uv_conn *c = req->data;
  c->gni_active = 0;
  c->gni = NULL;
  bool proceed = !c->closing && c->error == CASS_OK;
  /* hostname lives in req: copy it before freeing the request. */
  if (proceed && status == 0 && hostname && *hostname)
    c->reverse_name = strdup(hostname); /* NULL when out of memory: no name */
  free(req);
  if (proceed)
    start_tls(c);
  cassl_uvi_request_done(c);
}

static void on_connected(uv_connect_t *req, int status)
{
  struct cassl_uv_attempt *a = req->data;
  struct cassl_uv_conn *c = a->conn;
  int len = sizeof c->peer;

  if (&a->tcp != c->tcp || c->closing || c->error != CASS_OK) {
    cassl_uvi_request_done(c); /* a superseded attempt */
    return;
  }
  if (status < 0) {
    attempt_failed(c, uv_strerror(status));
    cassl_uvi_request_done(c);
    return;
  }
  uv_timer_stop(&c->timer);
  status = uv_tcp_getpeername(c->tcp, (struct sockaddr *)&c->peer, &len);
  if (status < 0) {
    cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "connect to %s failed: %s",
                   c->attempt_name, uv_strerror(status));
    cassl_uvi_request_done(c);
    return;
  }
  c->have_peer = 1;
  uv_tcp_nodelay(c->tcp, 1);
  if (c->opts.handshake_timeout_ms)
    uv_timer_start(&c->timer, on_timer, c->opts.handshake_timeout_ms, 0);
  if (c->opts.reverse_dns) {
    c->phase = CASSL_UV_NAMING;
    /* Allocated per lookup: the request holds a host name buffer of NI_MAXHOST bytes that
     * an established connection does not need. */
    c->gni = malloc(sizeof *c->gni);
    if (!c->gni) {
      cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT,
                     "reverse DNS lookup of %s failed: out of memory", c->attempt_name);
    } else {
      c->gni->data = c;
      if (uv_getnameinfo(c->loop, c->gni, on_name, (struct sockaddr *)&c->peer,
                         NI_NAMEREQD) == 0) {
        c->gni_active = 1;
        c->pending++;
      } else {
        free(c->gni);
        c->gni = NULL;
        start_tls(c); /* the lookup could not start: no name */
      }
    }
  } else {
    start_tls(c);
  }
  cassl_uvi_request_done(c);
}

static void start_attempt(struct cassl_uv_conn *c)
{
  const struct sockaddr *sa;
  struct cassl_uv_attempt *a;
  int r;

  if (c->opts.address && c->ai_count == 0) {
    sa = (const struct sockaddr *)&c->target;
    c->ai_count = 1;
  } else if (c->ai_next) {
    sa = c->ai_next->ai_addr;
    c->ai_next = c->ai_next->ai_next;
    c->ai_count++;
  } else {
    if (c->ai_count > 1)
      cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT,
                     "no address of '%s' accepted a connection (%u tried); last: %s", c->host,
                     c->ai_count, c->attempt_error.text);
    else
      cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "%s", c->attempt_error.text);
    return;
  }
  format_address(sa, c->attempt_name, sizeof c->attempt_name);
  if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) {
    cassl_fail(&c->attempt_error, CASS_ERROR_LIB_UNABLE_TO_CONNECT,
               "connect to %s failed: not an IP address", c->attempt_name);
    start_attempt(c);
    return;
  }
  a = calloc(1, sizeof *a);
  if (!a) {
    cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "connect to %s failed: out of memory",
                   c->attempt_name);
    return;
  }
  a->conn = c;
  r = uv_tcp_init(c->loop, &a->tcp);
  if (r < 0) {
    free(a);
    cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "connect to %s failed: %s",
                   c->attempt_name, uv_strerror(r));
    return;
  }
  a->tcp.data = c;
  a->req.data = a;
  c->tcp = &a->tcp;
  c->pending++; /* the handle, until on_tcp_closed */
  c->phase = CASSL_UV_CONNECTING;
  r = uv_tcp_connect(&a->req, &a->tcp, sa, on_connected);
  if (r < 0) {
    attempt_failed(c, uv_strerror(r));
    return;
  }
  c->pending++; /* the connect request */
  if (c->opts.connect_timeout_ms)
    uv_timer_start(&c->timer, on_timer, c->opts.connect_timeout_ms, 0);
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
  struct cassl_uv_conn *c = req->data;
  c->gai_active = 0;
  c->gai = NULL;
  free(req);
  if (c->closing || c->error != CASS_OK) {
    if (res)
      uv_freeaddrinfo(res);
  } else if (status < 0) {
    cassl_uvi_fail(c, CASS_ERROR_LIB_HOST_RESOLUTION, "cannot resolve '%s': %s", c->host,
                   uv_strerror(status));
  } else {
    c->ai_list = c->ai_next = res;
    cassl_fail(&c->attempt_error, CASS_ERROR_LIB_UNABLE_TO_CONNECT,
               "'%s' resolved to no address", c->host);
    start_attempt(c);
  }
  cassl_uvi_request_done(c);
}

static void start_tls(struct cassl_uv_conn *c)
{
  cassl_peer peer;
  CassError err;

  if (c->hostname_opt)
    c->hostname = c->hostname_opt;
  else if (c->opts.reverse_dns)
    c->hostname = c->reverse_name;
  else if (c->host && !cassl_is_ip_literal(c->host))
    c->hostname = c->host;
  else
    c->hostname = NULL;

  peer.address = (const struct sockaddr *)&c->peer;
  peer.hostname = c->hostname;
  peer.sni = c->sni;
  err = cassl_session_new(c->ssl, &peer, &c->session);
  if (err != CASS_OK) {
    const char *why = cassl_last_error(); /* this thread's: the object is shared */
    c->session = NULL;
    cassl_uvi_fail(c, err, "cannot start the TLS session: %s",
                   why && *why ? why : cassl_error_desc(err));
    return;
  }
  c->phase = CASSL_UV_HANDSHAKING;
  cassl_uvi_start_reading(c);
  if (c->error == CASS_OK)
    cassl_uvi_drive_handshake(c);
}

void cassl_uvi_established(struct cassl_uv_conn *c)
{
  uv_timer_stop(&c->timer);
  c->phase = CASSL_UV_ESTABLISHED;
  c->writable = 1;
  if (!c->connect_reported && !c->closing) {
    c->connect_reported = 1;
    if (c->connect_cb)
      c->connect_cb(c, CASS_OK, "", c->data);
  }
}

static void on_timer(uv_timer_t *timer)
{
  struct cassl_uv_conn *c = timer->data;
  switch (c->phase) {
  case CASSL_UV_CONNECTING: {
    char reason[64];
    snprintf(reason, sizeof reason, "connection timed out after %u ms",
             c->opts.connect_timeout_ms);
    attempt_failed(c, reason);
    break;
  }
  case CASSL_UV_NAMING:
    cassl_uvi_fail(c, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
                   "TLS handshake timed out after %u ms: the reverse DNS lookup did not finish",
                   c->opts.handshake_timeout_ms);
    break;
  case CASSL_UV_HANDSHAKING:
    cassl_uvi_fail(c, CASS_ERROR_LIB_REQUEST_TIMED_OUT, "TLS handshake timed out after %u ms",
                   c->opts.handshake_timeout_ms);
    break;
  default:
    break;
  }
}

/* The connection before its first step; NULL for invalid arguments or no memory. */
static struct cassl_uv_conn *conn_new(uv_loop_t *loop, cassl_ssl *ssl,
                                      const cassl_uv_options *options,
                                      cassl_uv_connect_cb connect_cb, void *data)
{
  struct cassl_uv_conn *c;
  int oom = 0;

  if (!loop || !ssl || !options || options->size < sizeof(cassl_uv_options))
    return NULL;
  if (options->address) {
    int fam = options->address->sa_family;
    if (fam != AF_INET && fam != AF_INET6)
      return NULL;
  } else if (!options->host || !*options->host) {
    return NULL;
  }
  /* Refused now rather than after TCP is up: the engine sends only DNS names as SNI. */
  if (options->sni && (cassl_is_ip_literal(options->sni) || !cassl_hostname_is_valid(options->sni)))
    return NULL;

  c = calloc(1, sizeof *c);
  if (!c)
    goto oom;
  c->opts = *options;
  c->opts.size = sizeof c->opts;
  c->host = dup_or_null(options->host, &oom);
  c->hostname_opt = dup_or_null(options->hostname, &oom);
  c->sni = dup_or_null(options->sni, &oom);
  if (oom) {
    free(c->host);
    free(c->hostname_opt);
    free(c->sni);
    free(c);
    goto oom;
  }
  if (options->address)
    memcpy(&c->target, options->address,
           options->address->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                                   : sizeof(struct sockaddr_in));
  c->opts.address = options->address ? (const struct sockaddr *)&c->target : NULL;
  c->opts.host = c->opts.hostname = c->opts.sni = NULL;
  c->loop = loop;
  c->ssl = ssl;
  cassl_ssl_ref(ssl);
  c->data = data;
  c->connect_cb = connect_cb;
  c->write_error = CASS_ERROR_LIB_WRITE_ERROR;
  uv_timer_init(loop, &c->timer);
  c->timer.data = c;
  uv_idle_init(loop, &c->idle);
  c->idle.data = c;
  return c;

oom: { /* the only failure with a sentence: cassl_ssl_last_error says why */
  cassl_errmsg msg;
  cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  pthread_mutex_lock(&ssl->lock);
  ssl->last_error = msg;
  pthread_mutex_unlock(&ssl->lock);
  cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &msg);
  return NULL;
}
}

CASSL_EXPORT CassError cassl_uv_connect(uv_loop_t *loop, cassl_ssl *ssl,
                                        const cassl_uv_options *options,
                                        cassl_uv_connect_cb connect_cb, void *data,
                                        cassl_uv_conn **out)
{
  struct cassl_uv_conn *c;

  if (out)
    *out = NULL;
  c = out ? conn_new(loop, ssl, options, connect_cb, data) : NULL;
  if (!c)
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (c->opts.address) {
    start_attempt(c);
  } else {
    struct addrinfo hints;
    int r;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(c->port_str, sizeof c->port_str, "%u", (unsigned)options->port);
    c->phase = CASSL_UV_RESOLVING;
    c->gai = malloc(sizeof *c->gai); /* per lookup, like the reverse one */
    if (c->gai)
      c->gai->data = c;
    r = c->gai ? uv_getaddrinfo(loop, c->gai, on_resolved, c->host, c->port_str, &hints)
               : UV_ENOMEM;
    if (r < 0) {
      free(c->gai);
      c->gai = NULL;
      cassl_uvi_fail(c, CASS_ERROR_LIB_HOST_RESOLUTION, "cannot resolve '%s': %s", c->host,
                     uv_strerror(r));
    } else {
      c->gai_active = 1;
      c->pending++;
    }
  }
  *out = c;
  return CASS_OK;
}

CassError cassl_uvi_connect_list(uv_loop_t *loop, cassl_ssl *ssl, const cassl_uv_options *options,
                                 struct addrinfo *list, cassl_uv_connect_cb connect_cb,
                                 void *data, cassl_uv_conn **out)
{
  struct cassl_uv_conn *c;

  *out = NULL;
  if (!options || options->address)
    return CASS_ERROR_LIB_BAD_PARAMS;
  c = conn_new(loop, ssl, options, connect_cb, data);
  if (!c)
    return CASS_ERROR_LIB_BAD_PARAMS;
  c->ai_list = c->ai_next = list;
  cassl_fail(&c->attempt_error, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "'%s' resolved to no address",
             c->host);
  start_attempt(c);
  *out = c;
  return CASS_OK;
}
