/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The record-aware relay of the fault table (see fault_relay.h). */
#define _GNU_SOURCE 1 /* POLLRDHUP */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_relay.h"
#include "transport_util.h"

#define SBUF_CAP (256 * 1024)

struct relay_state {
  struct fault_relay *r;
  int up, down;
  int up_open, down_open;
  int silent;        /* after the fault: nothing more goes to the client */
  int frozen;        /* FR_FREEZE injected: the client is no longer read */
  unsigned char *sbuf; /* server bytes not yet split into records */
  size_t slen;
  unsigned char chdr[5]; /* the client's first record header */
  int hello_done;
};

unsigned fault_relay_forwarded(struct fault_relay *r)
{
  return __atomic_load_n(&r->forwarded, __ATOMIC_SEQ_CST);
}

/* FIN to the client (so it reads everything forwarded, then EOF) and the server dropped. */
static void cut(struct relay_state *st)
{
  st->r->acted = 1;
  st->silent = 1;
  shutdown(st->down, SHUT_WR);
  if (st->up_open) {
    close(st->up);
    st->up = -1;
    st->up_open = 0;
  }
}

static void forward(struct relay_state *st, const unsigned char *p, size_t n)
{
  tt_write_full(st->down, p, n);
}

/* One whole server record (5-byte header + body) at p. */
static void on_record(struct relay_state *st, unsigned char *p, size_t body)
{
  struct fault_relay *r = st->r;
  unsigned i = r->records++;

  if (i < FR_MAX_RECORDS) {
    r->type[i] = p[0];
    r->len[i] = body;
    r->hs_type[i] = p[0] == 22 && body > 0 ? p[5] : 0;
  }
  if (st->silent)
    return;
  if (i == r->at) {
    switch (r->action) {
    case FR_CUT:
      forward(st, p, r->at_offset < 5 + body ? r->at_offset : 5 + body);
      cut(st);
      return;
    case FR_STALL:
      r->acted = st->silent = 1;
      return;
    case FR_FREEZE:
      r->acted = st->silent = st->frozen = 1;
      return;
    case FR_CORRUPT:
      r->acted = 1;
      p[5 + body - 1] ^= 0x01;
      break;
    case FR_OVERSIZE: {
      unsigned char hdr[5] = {p[0], p[1], p[2], (unsigned char)(r->oversize_len >> 8),
                              (unsigned char)r->oversize_len};
      unsigned char *junk = malloc(r->oversize_len);
      assert_non_null(junk);
      memset(junk, 0x5a, r->oversize_len);
      forward(st, hdr, sizeof hdr);
      forward(st, junk, r->oversize_len);
      free(junk);
      r->acted = st->silent = 1;
      return;
    }
    case FR_GARBAGE:
      forward(st, r->garbage, r->garbage_len);
      shutdown(st->down, SHUT_WR);
      r->acted = st->silent = 1;
      return;
    case FR_FORWARD:
      break;
    }
  }
  /* Counted before the write: a client that reacts to the record sees the count. */
  __atomic_add_fetch(&r->forwarded, 1, __ATOMIC_SEQ_CST);
  forward(st, p, 5 + body);
  /* A cut on a record boundary happens right after record at-1: the next record may be
   * one the server sends only later (or never). */
  if (r->action == FR_CUT && r->at_offset == 0 && r->at > 0 && r->forwarded == r->at)
    cut(st);
}

static void on_server_bytes(struct relay_state *st, const unsigned char *p, size_t n)
{
  assert_true(st->slen + n <= SBUF_CAP);
  memcpy(st->sbuf + st->slen, p, n);
  st->slen += n;
  for (;;) {
    size_t body, whole;
    if (st->slen < 5)
      return;
    body = ((size_t)st->sbuf[3] << 8) | st->sbuf[4];
    whole = 5 + body;
    if (st->slen < whole)
      return;
    on_record(st, st->sbuf, body);
    memmove(st->sbuf, st->sbuf + whole, st->slen - whole);
    st->slen -= whole;
  }
}

static void on_client_bytes(struct relay_state *st, const unsigned char *p, size_t n)
{
  struct fault_relay *r = st->r;
  for (size_t i = 0; i < n && r->from_client + i < 5; i++)
    st->chdr[r->from_client + i] = p[i];
  r->from_client += n;
  if (st->up_open && !st->silent)
    tt_write_full(st->up, p, n);
  if (!st->hello_done && r->from_client >= 5 &&
      r->from_client >= 5 + (((size_t)st->chdr[3] << 8) | st->chdr[4])) {
    st->hello_done = 1;
    if (r->action == FR_CUT && r->at == 0 && r->at_offset == 0)
      cut(st);
  }
}

static void *relay_thread(void *arg)
{
  struct relay_state st = {.r = arg, .up = -1, .down = -1};
  struct fault_relay *r = st.r;
  struct sockaddr_storage ss;
  unsigned char *buf = malloc(65536);
  int one = 1;

  st.sbuf = malloc(SBUF_CAP);
  st.down = tt_accept_one(r->fd);
  if (st.down < 0 || !buf || !st.sbuf)
    goto out;
  st.up = socket(r->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  tt_addr(&ss, r->family, r->target_port);
  if (connect(st.up, (struct sockaddr *)&ss,
              r->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)))
    goto out;
  setsockopt(st.down, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(st.up, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  st.up_open = st.down_open = 1;
  while (st.down_open) {
    struct pollfd p[2] = {
        {.fd = st.down, .events = st.frozen ? POLLRDHUP : POLLIN},
        {.fd = st.up_open ? st.up : -1, .events = POLLIN}};
    if (poll(p, 2, 30000) <= 0)
      break;
    if (p[0].revents) {
      ssize_t n;
      if (st.frozen)
        break; /* the client went away */
      n = read(st.down, buf, 65536);
      if (n <= 0) {
        st.down_open = 0;
        if (st.up_open)
          shutdown(st.up, SHUT_WR);
        if (st.silent || !st.up_open)
          break;
        continue;
      }
      on_client_bytes(&st, buf, (size_t)n);
    }
    if (p[1].revents && st.up_open) {
      ssize_t n = read(st.up, buf, 65536);
      if (n <= 0) {
        st.up_open = 0;
        if (!st.silent)
          shutdown(st.down, SHUT_WR); /* the server's FIN, passed on */
        continue;
      }
      on_server_bytes(&st, buf, (size_t)n);
    }
  }
  /* The client half-closed: pass on what the server still says until its EOF. */
  while (!st.down_open && st.up_open && !st.silent) {
    ssize_t n = read(st.up, buf, 65536);
    if (n <= 0)
      break;
    on_server_bytes(&st, buf, (size_t)n);
  }
out:
  if (st.up >= 0)
    close(st.up);
  if (st.down >= 0)
    close(st.down);
  free(st.sbuf);
  free(buf);
  return NULL;
}

void fault_relay_start(struct fault_relay *r)
{
  r->records = r->forwarded = 0;
  r->acted = 0;
  r->from_client = 0;
  r->fd = tt_listen(r->family, &r->port, 4);
  assert_int_equal(pthread_create(&r->thread, NULL, relay_thread, r), 0);
}

void fault_relay_join(struct fault_relay *r)
{
  pthread_join(r->thread, NULL);
  close(r->fd);
}
