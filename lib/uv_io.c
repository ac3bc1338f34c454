/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The libuv transport's data path: ciphertext from the socket into the session engine
 * (handshake, plaintext to the read callback, EOF), and plaintext writes out through the
 * engine (uv_try_write first, uv_write for the rest, completion and backpressure). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secure.h"
#include "session_object.h"
#include "uv_conn.h"

/* ---- reading --------------------------------------------------------------------------- */

/* libuv asks for room just before each read and hands it to on_read right after: the read
 * lands at the end of the session's incoming queue, so an idle connection holds no read
 * buffer (the queue gives its block back once the engine has taken every byte). */
static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
  struct cassl_uv_conn *c = handle->data;
  unsigned char *room = c->session ? cassl_session_feed_reserve(c->session, CASSL_UV_READ_BUF)
                                   : NULL;
  /* No room: libuv reports UV_ENOBUFS to on_read. */
  *buf = uv_buf_init((char *)room, room ? CASSL_UV_READ_BUF : 0);
}

/* Hands decrypted bytes to the application (or drops them once it closed). The plaintext
 * buffer is on the stack: callbacks on one loop run one at a time, so no connection needs
 * one of its own; it is wiped before it goes. */
static void deliver_plaintext(struct cassl_uv_conn *c)
{
  unsigned char pbuf[CASSL_UV_PLAIN_BUF];
  size_t used = 0;
  while (c->error == CASS_OK && c->session) {
    size_t n = 0;
    CassError err = cassl_session_read(c->session, pbuf, sizeof pbuf, &n);
    if (n > used)
      used = n;
    if (err == CASS_ERROR_SSL_CLOSED &&
        cassl_session_get_state(c->session) == CASSL_SESSION_CLOSED) {
      c->peer_closed = 1;
      if (!c->closing && !c->read_done) {
        c->read_done = 1;
        if (c->opts.on_read)
          c->opts.on_read(c, CASS_OK, NULL, 0, c->data);
      }
      break;
    }
    if (err != CASS_OK) {
      cassl_uvi_fail_session(c, err);
      break;
    }
    if (n == 0)
      break;
    if (!c->closing && !c->read_done && c->opts.on_read)
      c->opts.on_read(c, CASS_OK, pbuf, n, c->data);
  }
  cassl_wipe(pbuf, used);
}

static void on_eof(struct cassl_uv_conn *c)
{
  uv_read_stop((uv_stream_t *)c->tcp);
  if (c->peer_closed || c->closing)
    return; /* after close_notify (theirs or ours) an EOF is the expected end */
  if (c->phase == CASSL_UV_ESTABLISHED)
    cassl_uvi_fail(c, CASS_ERROR_SSL_CLOSED, "connection truncated: EOF without close_notify");
  else
    cassl_uvi_fail(c, CASS_ERROR_SSL_CLOSED,
                   "connection closed by the peer during the TLS handshake "
                   "(EOF without close_notify)");
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
  struct cassl_uv_conn *c = stream->data;
  CassError err;

  int current = (uv_stream_t *)c->tcp == stream;
  /* The bytes read are queued; without any (0, an error, a stale stream) the room goes. */
  if (c->session && buf->base) {
    err = cassl_session_feed_commit(c->session, current && nread > 0 ? (size_t)nread : 0);
    if (err != CASS_OK && current && nread > 0) {
      cassl_uvi_fail_session(c, err);
      return;
    }
  }
  if (nread == 0 || !current)
    return;
  if (nread == UV_ENOBUFS && !c->closing) {
    cassl_uvi_fail(c, CASS_ERROR_LIB_BAD_PARAMS, "out of memory queueing received bytes");
    return;
  }
  if (nread == UV_EOF) {
    on_eof(c);
    return;
  }
  if (nread < 0) {
    if (c->closing)
      uv_read_stop(stream); /* our goodbye is under way; the write side tells if it fails */
    else
      cassl_uvi_fail_tcp(c, (int)nread, "receive");
    return;
  }
  if (c->phase == CASSL_UV_HANDSHAKING)
    cassl_uvi_drive_handshake(c);
  if (c->phase == CASSL_UV_ESTABLISHED)
    deliver_plaintext(c);
  cassl_uvi_flush(c); /* post-handshake answers (KeyUpdate, ...) */
}

void cassl_uvi_start_reading(struct cassl_uv_conn *c)
{
  int r = uv_read_start((uv_stream_t *)c->tcp, on_alloc, on_read);
  if (r < 0)
    cassl_uvi_fail_tcp(c, r, "receive");
}

void cassl_uvi_drive_handshake(struct cassl_uv_conn *c)
{
  CassError err = cassl_session_handshake(c->session);
  cassl_session_state state = cassl_session_get_state(c->session);

  cassl_uvi_flush(c);
  if (err == CASS_OK && state == CASSL_SESSION_FAILED)
    err = cassl_session_error(c->session);
  if (err != CASS_OK) {
    cassl_uvi_fail_session(c, err);
    return;
  }
  if (state == CASSL_SESSION_ESTABLISHED && c->error == CASS_OK)
    cassl_uvi_established(c);
}

/* ---- writing --------------------------------------------------------------------------- */

#define CHUNK_MAX ((size_t)1 << 30) /* uv_buf_t lengths are unsigned int */

size_t cassl_uvi_queued(const struct cassl_uv_conn *c)
{
  return c->inflight + (c->session ? cassl_session_output_pending(c->session) : 0);
}

void cassl_uvi_complete_writes(struct cassl_uv_conn *c, int all_done)
{
  struct cassl_uv_write *w;
  /* Unlink before calling: the callback may write again. */
  while ((w = c->writes) && (w->end <= c->sent || all_done)) {
    CassError status = w->end <= c->sent ? CASS_OK : c->write_error;
    c->writes = w->next;
    if (!c->writes)
      c->writes_tail = NULL;
    if (w->cb)
      w->cb(c, status, w->data);
    free(w);
  }
}

void cassl_uvi_check_drain(struct cassl_uv_conn *c)
{
  if (c->writable || c->closing || c->error != CASS_OK || c->phase != CASSL_UV_ESTABLISHED)
    return;
  if (cassl_uvi_queued(c) > c->opts.high_water_mark / 2)
    return;
  c->writable = 1;
  if (c->opts.on_drain)
    c->opts.on_drain(c, c->data);
}

static void on_chunk_written(uv_write_t *req, int status)
{
  struct cassl_uv_chunk *chunk = (struct cassl_uv_chunk *)req;
  struct cassl_uv_conn *c = chunk->conn;

  c->inflight -= chunk->len;
  if (status == 0)
    c->sent += chunk->len;
  free(chunk);
  if (status < 0 && status != UV_ECANCELED)
    cassl_uvi_fail_tcp(c, status, "send");
  cassl_uvi_complete_writes(c, 0);
  cassl_uvi_check_drain(c);
  cassl_uvi_request_done(c);
}

void cassl_uvi_flush(struct cassl_uv_conn *c)
{
  uint64_t sent_before = c->sent;

  /* After uv_shutdown nothing more can be sent (and after our close_notify nothing more
   * needs to be): what the engine still produces while we read is left unsent. */
  while (c->tcp && !c->shutdown_active && c->session &&
         cassl_session_output_pending(c->session) > 0) {
    size_t n;
    const unsigned char *p = cassl_session_output_peek(c->session, &n);
    struct cassl_uv_chunk *chunk;
    uv_buf_t b;
    int r;

    if (n > CHUNK_MAX)
      n = CHUNK_MAX;

    if (c->inflight == 0) {
      b = uv_buf_init((char *)p, (unsigned)n);
      r = uv_try_write((uv_stream_t *)c->tcp, &b, 1);
      if (r > 0) {
        cassl_session_output_consume(c->session, (size_t)r);
        c->produced += (uint64_t)r;
        c->sent += (uint64_t)r;
        continue;
      }
      if (r < 0 && r != UV_EAGAIN) {
        cassl_uvi_fail_tcp(c, r, "send");
        break;
      }
    }
    /* The engine's buffer moves on later writes: uv_write gets a copy of its own. */
    chunk = malloc(sizeof *chunk + n);
    if (!chunk) {
      cassl_uvi_fail(c, CASS_ERROR_LIB_WRITE_ERROR, "send failed: out of memory");
      break;
    }
    chunk->conn = c;
    chunk->len = n;
    memcpy(chunk->bytes, p, n);
    cassl_session_output_consume(c->session, n);
    c->produced += n;
    b = uv_buf_init((char *)chunk->bytes, (unsigned)n);
    r = uv_write(&chunk->req, (uv_stream_t *)c->tcp, &b, 1, on_chunk_written);
    if (r < 0) {
      free(chunk);
      cassl_uvi_fail_tcp(c, r, "send");
      break;
    }
    c->inflight += n;
    c->pending++;
  }
  if (c->sent != sent_before && c->writes && c->writes->end <= c->sent) {
    c->writes_pending = 1;
    cassl_uvi_schedule(c);
  }
  if (cassl_uvi_queued(c) > c->opts.high_water_mark)
    c->writable = 0;
}

CASSL_EXPORT CassError cassl_uv_write(cassl_uv_conn *c, const void *buf, size_t len,
                                      cassl_uv_write_cb cb, void *write_data)
{
  struct cassl_uv_write *w;
  CassError err;

  if (!c || (!buf && len))
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (c->error != CASS_OK)
    return c->error;
  if (c->closing || c->phase != CASSL_UV_ESTABLISHED || !c->tcp)
    return CASS_ERROR_LIB_WRITE_ERROR;
  if (c->peer_closed || cassl_session_get_state(c->session) != CASSL_SESSION_ESTABLISHED)
    return CASS_ERROR_SSL_CLOSED; /* refused, the connection itself is fine */
  w = calloc(1, sizeof *w);
  if (!w)
    return CASS_ERROR_LIB_WRITE_ERROR;
  if (len) {
    err = cassl_session_write(c->session, buf, len);
    if (err != CASS_OK) {
      free(w);
      cassl_uvi_fail_session(c, err);
      return err;
    }
  }
  w->end = c->produced + cassl_session_output_pending(c->session);
  w->cb = cb;
  w->data = write_data;
  if (c->writes_tail)
    c->writes_tail->next = w;
  else
    c->writes = w;
  c->writes_tail = w;
  cassl_uvi_flush(c);
  if (w->end <= c->sent) { /* sent at once: still reported from the loop */
    c->writes_pending = 1;
    cassl_uvi_schedule(c);
  }
  return CASS_OK;
}

CASSL_EXPORT size_t cassl_uv_conn_queued_bytes(const cassl_uv_conn *c)
{
  return c ? cassl_uvi_queued(c) : 0;
}

CASSL_EXPORT cass_bool_t cassl_uv_conn_writable(const cassl_uv_conn *c)
{
  return c && c->writable && c->error == CASS_OK && !c->closing ? cass_true : cass_false;
}

CASSL_EXPORT void cassl_uv_conn_set_high_water_mark(cassl_uv_conn *c, size_t bytes)
{
  if (!c)
    return;
  c->opts.high_water_mark = bytes;
  if (cassl_uvi_queued(c) > bytes)
    c->writable = 0;
  else
    cassl_uvi_schedule(c); /* may drain: reported from the loop */
}
