/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* In-memory TLS peers: a GnuTLS server session and a raw GnuTLS client session moving
 * ciphertext through plain growable buffers (the thinnest memory transport there is). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

void bench_buf_put(struct bench_buf *b, const void *data, size_t len)
{
  if (b->cap - b->tail < len && b->head > 0) {
    memmove(b->data, b->data + b->head, b->tail - b->head);
    b->tail -= b->head;
    b->head = 0;
  }
  if (b->cap - b->tail < len) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->tail < len)
      cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p)
      bench_die("out of memory");
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->tail, data, len);
  b->tail += len;
}

size_t bench_buf_take(struct bench_buf *b, void *out, size_t cap)
{
  size_t n = b->tail - b->head;
  if (n > cap)
    n = cap;
  memcpy(out, b->data + b->head, n);
  b->head += n;
  if (b->head == b->tail)
    b->head = b->tail = 0;
  return n;
}

size_t bench_buf_len(const struct bench_buf *b)
{
  return b->tail - b->head;
}

void bench_buf_free(struct bench_buf *b)
{
  free(b->data);
  memset(b, 0, sizeof *b);
}

/* ---- server ------------------------------------------------------------------------- */

static ssize_t server_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
  struct bench_mem_server *m = ptr;
  if (m->cassl) {
    if (cassl_session_feed(m->cassl, data, len) != CASS_OK) {
      gnutls_transport_set_errno(m->s, EPIPE);
      return -1;
    }
  } else {
    bench_buf_put(m->to_client, data, len);
  }
  return (ssize_t)len;
}

static ssize_t server_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
  struct bench_mem_server *m = ptr;
  size_t n;
  if (m->cassl) {
    /* Straight from the session's output: no buffer of our own in between. */
    size_t have;
    const void *p = cassl_session_output_peek(m->cassl, &have);
    n = have < len ? have : len;
    if (n) {
      memcpy(data, p, n);
      cassl_session_output_consume(m->cassl, n);
    }
  } else {
    n = bench_buf_take(m->from_client, data, len);
  }
  if (n == 0) {
    gnutls_transport_set_errno(m->s, EAGAIN);
    return -1;
  }
  return (ssize_t)n;
}

void bench_mem_server_init(struct bench_mem_server *m, const struct bench_pki *p,
                           const char *priority, const gnutls_datum_t *ticket_key)
{
  gnutls_session_t s;
  int ret = gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NONBLOCK);
  if (ret >= 0)
    ret = gnutls_priority_set_direct(s, priority, NULL);
  if (ret >= 0)
    ret = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, p->server);
  if (ret >= 0 && ticket_key)
    ret = gnutls_session_ticket_enable_server(s, ticket_key);
  if (ret < 0)
    bench_die("server session: %s", gnutls_strerror(ret));
  gnutls_handshake_set_timeout(s, GNUTLS_INDEFINITE_TIMEOUT);
  gnutls_transport_set_ptr(s, m);
  gnutls_transport_set_push_function(s, server_push);
  gnutls_transport_set_pull_function(s, server_pull);
  m->s = s;
}

void bench_mem_server_deinit(struct bench_mem_server *m)
{
  if (m->s)
    gnutls_deinit(m->s);
  m->s = NULL;
}

int bench_mem_server_handshake(struct bench_mem_server *m)
{
  int ret = gnutls_handshake(m->s);
  if (ret == 0)
    return 1;
  if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
    return 0;
  bench_die("server handshake: %s", gnutls_strerror(ret));
}

/* ---- raw client ---------------------------------------------------------------------- */

static ssize_t client_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
  struct bench_raw_client *c = ptr;
  bench_buf_put(c->out, data, len);
  return (ssize_t)len;
}

static ssize_t client_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
  struct bench_raw_client *c = ptr;
  size_t n = bench_buf_take(c->in, data, len);
  if (n == 0) {
    gnutls_transport_set_errno(c->s, EAGAIN);
    return -1;
  }
  return (ssize_t)n;
}

gnutls_session_t bench_raw_client_session(const struct bench_pki *p)
{
  return bench_raw_client_session_flags(p, 0);
}

gnutls_session_t bench_raw_client_session_flags(const struct bench_pki *p, unsigned flags)
{
  gnutls_session_t s;
  int ret = gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK | flags);
  /* The library's defaults: the system policy with TLS 1.2 as the minimum. */
  if (ret >= 0)
    ret = gnutls_set_default_priority_append(s, "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL",
                                             NULL, 0);
  if (ret >= 0)
    ret = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, p->client);
  if (ret < 0)
    bench_die("raw client session: %s", gnutls_strerror(ret));
  gnutls_handshake_set_timeout(s, GNUTLS_INDEFINITE_TIMEOUT);
  return s;
}

void bench_raw_client_init(struct bench_raw_client *c, const struct bench_pki *p,
                           struct bench_buf *in, struct bench_buf *out, unsigned flags)
{
  c->in = in;
  c->out = out;
  c->s = bench_raw_client_session_flags(p, flags);
  gnutls_transport_set_ptr(c->s, c);
  gnutls_transport_set_push_function(c->s, client_push);
  gnutls_transport_set_pull_function(c->s, client_pull);
}

void bench_raw_verify(gnutls_session_t s)
{
  unsigned status = 0;
  int ret = gnutls_certificate_verify_peers2(s, &status);
  if (ret < 0 || status != 0)
    bench_die("raw client: peer verification failed (%s, status 0x%x)",
              ret < 0 ? gnutls_strerror(ret) : "ok", status);
}
