/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport's lifecycle: options, failure reporting from the loop, close and
 * free, accessors. Connecting is in uv_connect.c, the bytes move in uv_io.c. */
#include "config.h"

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
    uv_cancel((uv_req_t *)c->gai);
  if (c->gni_active)
    uv_cancel((uv_req_t *)c->gni);
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

static void on_close_timer(uv_timer_t *timer)
{
  struct cassl_uv_conn *c = timer->data;
  cassl_uvi_fail(c, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
                 "close timed out after %u ms with %zu bytes unsent", c->opts.close_timeout_ms,
                 cassl_uvi_queued(c));
}

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
          uv_timer_start(&c->timer, on_close_timer, c->opts.close_timeout_ms, 0);
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

