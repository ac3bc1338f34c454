/* The libuv transport's lifecycle: options, name resolution, TCP connect attempts, reverse
 * DNS, the session's creation, timeouts, failure reporting and close. The bytes themselves
 * move in uv_io.c. */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssl_object.h"
#include "uv_conn.h"

CASSL_EXPORT void cassl_uv_options_init(cassl_uv_options *options)
{
  if (!options)
    return;
  memset(options, 0, sizeof *options);
  options->size = sizeof *options;
  options->connect_timeout_ms = CASSL_UV_DEFAULT_CONNECT_TIMEOUT_MS;
  options->handshake_timeout_ms = CASSL_UV_DEFAULT_HANDSHAKE_TIMEOUT_MS;
  options->close_timeout_ms = CASSL_UV_DEFAULT_CLOSE_TIMEOUT_MS;
  options->high_water_mark = CASSL_UV_DEFAULT_HIGH_WATER_MARK;
}

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

static int is_ip_literal(const char *s)
{
  unsigned char buf[16];
  return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
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

/* ---- failure and its report ------------------------------------------------------------ */

static void report_failure(struct cassl_uv_conn *c)
{
  c->report_pending = 0;
  if (c->closing)
    return;
  if (!c->connect_reported) {
    c->connect_reported = 1;
    c->read_done = 1; /* a read callback never follows a failed connect */
    if (c->connect_cb)
      c->connect_cb(c, c->error, c->message.text, c->data);
  } else if (!c->read_done) {
    c->read_done = 1;
    if (c->opts.on_read)
      c->opts.on_read(c, c->error, NULL, 0, c->data);
  }
}

static void on_idle(uv_idle_t *idle)
{
  struct cassl_uv_conn *c = idle->data;
  uv_idle_stop(idle);
  if (c->report_pending)
    report_failure(c);
  if (c->writes_pending) {
    c->writes_pending = 0;
    cassl_uvi_complete_writes(c, 0);
  }
  cassl_uvi_check_drain(c);
}

void cassl_uvi_schedule(struct cassl_uv_conn *c)
{
  if (!c->final_started)
    uv_idle_start(&c->idle, on_idle);
}

static void on_tcp_closed(uv_handle_t *handle)
{
  struct cassl_uv_attempt *a = (struct cassl_uv_attempt *)handle;
  struct cassl_uv_conn *c = a->conn;
  free(a);
  if (!c->tcp) /* the connection itself is gone: nothing more can be sent */
    cassl_uvi_complete_writes(c, 1);
  cassl_uvi_request_done(c);
}

void cassl_uvi_close_tcp(struct cassl_uv_conn *c)
{
  uv_tcp_t *tcp = c->tcp;
  if (!tcp)
    return;
  c->tcp = NULL;
  uv_read_stop((uv_stream_t *)tcp);
  uv_close((uv_handle_t *)tcp, on_tcp_closed);
}

static void cancel_lookups(struct cassl_uv_conn *c)
{
  /* A request already running finishes anyway; its callback sees closing/error. */
  if (c->gai_active)
    uv_cancel((uv_req_t *)&c->gai);
  if (c->gni_active)
    uv_cancel((uv_req_t *)&c->gni);
}

static void fail_common(struct cassl_uv_conn *c, CassError code)
{
  c->error = code;
  c->write_error = c->closing ? CASS_ERROR_LIB_WRITE_ERROR : code;
  uv_timer_stop(&c->timer);
  cancel_lookups(c);
  cassl_uvi_close_tcp(c);
  if (!c->closing) {
    c->report_pending = 1;
    cassl_uvi_schedule(c);
  }
}

void cassl_uvi_fail(struct cassl_uv_conn *c, CassError code, const char *fmt, ...)
{
  va_list ap;
  if (c->error != CASS_OK)
    return;
  va_start(ap, fmt);
  vsnprintf(c->message.text, sizeof c->message.text, fmt, ap);
  va_end(ap);
  if (c->session)
    cassl_session_set_error(c->session, code, c->message.text);
  fail_common(c, code);
}

void cassl_uvi_fail_session(struct cassl_uv_conn *c, CassError code)
{
  const char *msg;
  if (c->error != CASS_OK)
    return;
  if (cassl_session_error(c->session) != CASS_OK)
    code = cassl_session_error(c->session);
  msg = cassl_session_error_message(c->session);
  snprintf(c->message.text, sizeof c->message.text, "%s",
           msg && *msg ? msg : cassl_error_desc(code));
  /* Send what the engine queued (an alert) before the socket goes. */
  if (c->tcp && cassl_session_output_pending(c->session) && c->inflight == 0) {
    size_t n;
    const void *p = cassl_session_output_peek(c->session, &n);
    uv_buf_t b = uv_buf_init((char *)p, (unsigned)n);
    uv_try_write((uv_stream_t *)c->tcp, &b, 1);
  }
  fail_common(c, code);
}

void cassl_uvi_fail_tcp(struct cassl_uv_conn *c, int uv_status, const char *what)
{
  if (c->closing && c->peer_closed) {
    /* The peer said goodbye and left: our own goodbye failing changes nothing. */
    cassl_uvi_close_tcp(c);
    return;
  }
  cassl_uvi_fail(c, CASS_ERROR_LIB_UNABLE_TO_CONNECT, "%s failed: %s", what,
                 uv_strerror(uv_status));
}

/* ---- close and free -------------------------------------------------------------------- */

static void free_conn(struct cassl_uv_conn *c)
{
  if (c->session)
    cassl_session_free(c->session);
  if (c->ai_list)
    uv_freeaddrinfo(c->ai_list);
  free(c->host);
  free(c->hostname_opt);
  free(c->sni);
  free(c->reverse_name);
  cassl_ssl_unref(c->ssl);
  free(c);
}

static void on_final_handle_closed(uv_handle_t *handle)
{
  struct cassl_uv_conn *c = handle->data;
  if (--c->final_handles > 0)
    return;
  cassl_uvi_complete_writes(c, 1);
  if (c->close_cb)
    c->close_cb(c, c->error, c->message.text, c->data);
  free_conn(c);
}

void cassl_uvi_request_done(struct cassl_uv_conn *c)
{
  c->pending--;
  if (c->closing && c->pending == 0 && !c->final_started) {
    c->final_started = 1;
    c->final_handles = 2;
    uv_close((uv_handle_t *)&c->timer, on_final_handle_closed);
    uv_close((uv_handle_t *)&c->idle, on_final_handle_closed);
  }
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
  struct cassl_uv_conn *c = req->data;
  c->shutdown_active = 0;
  if (status < 0 && status != UV_ECANCELED)
    cassl_uvi_fail_tcp(c, status, "shutdown");
  cassl_uvi_close_tcp(c);
  cassl_uvi_request_done(c);
}

static void on_timer(uv_timer_t *timer);

CASSL_EXPORT void cassl_uv_close(cassl_uv_conn *c, cassl_uv_close_cb cb)
{
  if (!c || c->closing)
    return;
  c->closing = 1;
  c->close_cb = cb;
  c->report_pending = 0;
  uv_timer_stop(&c->timer);
  cancel_lookups(c);
  if (c->tcp && c->error == CASS_OK && c->phase == CASSL_UV_ESTABLISHED) {
    /* Graceful: queued data, then close_notify, then FIN once uv_write's queue is empty.
     * Reading goes on (discarding) so a peer that echoes never blocks on us. */
    cassl_session_close(c->session);
    cassl_uvi_flush(c);
    if (c->tcp) {
      int r;
      c->shutdown_req.data = c;
      r = uv_shutdown(&c->shutdown_req, (uv_stream_t *)c->tcp, on_shutdown);
      if (r < 0) {
        cassl_uvi_fail_tcp(c, r, "shutdown");
        cassl_uvi_close_tcp(c);
      } else {
        c->shutdown_active = 1;
        c->pending++;
        if (c->opts.close_timeout_ms)
          uv_timer_start(&c->timer, on_timer, c->opts.close_timeout_ms, 0);
      }
    }
  } else {
    cassl_uvi_close_tcp(c);
  }
  /* Counted as a request so the final step starts here when nothing else is pending; it
   * still ends from the loop, in the close callbacks of the timer and the idle handle. */
  c->pending++;
  cassl_uvi_request_done(c);
}

/* ---- connecting ------------------------------------------------------------------------ */

static void start_attempt(struct cassl_uv_conn *c);
static void start_tls(struct cassl_uv_conn *c);

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
  if (!c->closing && c->error == CASS_OK) {
    if (status == 0 && hostname && *hostname)
      c->reverse_name = strdup(hostname); /* NULL when out of memory: no name */
    start_tls(c);
  }
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
    c->gni.data = c;
    if (uv_getnameinfo(c->loop, &c->gni, on_name, (struct sockaddr *)&c->peer,
                       NI_NAMEREQD) == 0) {
      c->gni_active = 1;
      c->pending++;
    } else {
      start_tls(c); /* the lookup could not start: no name */
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
  else if (c->host && !is_ip_literal(c->host))
    c->hostname = c->host;
  else
    c->hostname = NULL;

  peer.address = (const struct sockaddr *)&c->peer;
  peer.hostname = c->hostname;
  peer.sni = c->sni;
  err = cassl_session_new(c->ssl, &peer, &c->session);
  if (err != CASS_OK) {
    const char *why = cassl_ssl_last_error(c->ssl);
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
  if (c->closing) {
    cassl_uvi_fail(c, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
                   "close timed out after %u ms with %zu bytes unsent", c->opts.close_timeout_ms,
                   cassl_uvi_queued(c));
    return;
  }
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

CASSL_EXPORT CassError cassl_uv_connect(uv_loop_t *loop, CassSsl *ssl,
                                        const cassl_uv_options *options,
                                        cassl_uv_connect_cb connect_cb, void *data,
                                        cassl_uv_conn **out)
{
  struct cassl_uv_conn *c;
  int oom = 0;

  if (out)
    *out = NULL;
  if (!loop || !ssl || !options || !out || options->size < sizeof(cassl_uv_options))
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (options->address) {
    int fam = options->address->sa_family;
    if (fam != AF_INET && fam != AF_INET6)
      return CASS_ERROR_LIB_BAD_PARAMS;
  } else if (!options->host || !*options->host) {
    return CASS_ERROR_LIB_BAD_PARAMS;
  }

  c = calloc(1, sizeof *c);
  if (!c)
    return CASS_ERROR_LIB_BAD_PARAMS;
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
    return CASS_ERROR_LIB_BAD_PARAMS;
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
    c->gai.data = c;
    r = uv_getaddrinfo(loop, &c->gai, on_resolved, c->host, c->port_str, &hints);
    if (r < 0) {
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

/* ---- accessors ------------------------------------------------------------------------- */

CASSL_EXPORT cassl_session *cassl_uv_conn_session(const cassl_uv_conn *c)
{
  return c ? c->session : NULL;
}

CASSL_EXPORT const char *cassl_uv_conn_hostname(const cassl_uv_conn *c)
{
  return c ? c->hostname : NULL;
}

CASSL_EXPORT const char *cassl_uv_conn_reverse_name(const cassl_uv_conn *c)
{
  return c ? c->reverse_name : NULL;
}

CASSL_EXPORT const struct sockaddr *cassl_uv_conn_peer_address(const cassl_uv_conn *c)
{
  return c && c->have_peer ? (const struct sockaddr *)&c->peer : NULL;
}

CASSL_EXPORT CassError cassl_uv_conn_error(const cassl_uv_conn *c)
{
  return c ? c->error : CASS_ERROR_LIB_BAD_PARAMS;
}

CASSL_EXPORT const char *cassl_uv_conn_error_message(const cassl_uv_conn *c)
{
  return c ? c->message.text : "";
}
