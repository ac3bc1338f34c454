/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The in-process GnuTLS server of the transport tests (see transport_util.h). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>

#include "transport_util.h"

/* ---- in-process GnuTLS server -------------------------------------------------------- */

static void tls_send_all(gnutls_session_t gs, const unsigned char *p, size_t len)
{
  while (len > 0) {
    ssize_t n = gnutls_record_send(gs, p, len);
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      continue;
    if (n < 0)
      return;
    p += n;
    len -= (size_t)n;
  }
}

static void tls_send_pattern(gnutls_session_t gs, uint64_t total)
{
  unsigned char buf[16384];
  uint64_t off = 0;
  while (off < total) {
    size_t n = total - off < sizeof buf ? (size_t)(total - off) : sizeof buf;
    tt_fill(buf, n, off);
    tls_send_all(gs, buf, n);
    off += n;
  }
}

/* Reads until close_notify, EOF or an error; echoes when asked; checks the pattern. */
static void tls_read_loop(struct tt_tls_server *s, gnutls_session_t gs, int echo)
{
  static __thread unsigned char buf[65536];
  for (;;) {
    ssize_t n = gnutls_record_recv(gs, buf, sizeof buf);
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
      continue;
    if (n == 0) {
      s->got_close_notify = 1;
      return;
    }
    if (n < 0) {
      s->recv_error = (int)n;
      return;
    }
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] != tt_pattern(s->received + (uint64_t)i))
        s->rx_mismatch++;
    if (s->key_update && (s->received >> 20) != ((s->received + (uint64_t)n) >> 20) &&
        gnutls_session_key_update(gs, GNUTLS_KU_PEER) == 0)
      s->key_updates++;
    s->received += (uint64_t)n;
    if (echo)
      tls_send_all(gs, buf, (size_t)n);
  }
}

static void *tls_thread(void *arg)
{
  struct tt_tls_server *s = arg;
  gnutls_certificate_credentials_t creds = NULL;
  gnutls_session_t gs = NULL;
  char *cert = s->cert ? strdup(s->cert) : tt_pki_file("server.pem");
  char *key = s->key ? strdup(s->key) : tt_pki_file("server-key.pem");
  int fd, r;

  fd = tt_accept_one(s->fd);
  if (fd < 0)
    goto out;
  gnutls_certificate_allocate_credentials(&creds);
  r = gnutls_certificate_set_x509_key_file(creds, cert, key, GNUTLS_X509_FMT_PEM);
  if (r < 0) {
    s->handshake_error = r;
    goto out;
  }
  gnutls_init(&gs, GNUTLS_SERVER);
  gnutls_priority_set_direct(gs, s->priority ? s->priority : "NORMAL", NULL);
  gnutls_credentials_set(gs, GNUTLS_CRD_CERTIFICATE, creds);
  gnutls_transport_set_int(gs, fd);
  gnutls_handshake_set_timeout(gs, 20000);
  do
    r = gnutls_handshake(gs);
  while (r < 0 && !gnutls_error_is_fatal(r));
  if (r < 0) {
    s->handshake_error = r;
    goto out;
  }
  s->handshake_ok = 1;
  snprintf(s->version, sizeof s->version, "%s",
           gnutls_protocol_get_name(gnutls_protocol_get_version(gs)));
  {
    size_t len = sizeof s->sni - 1;
    unsigned type;
    if (gnutls_server_name_get(gs, s->sni, &len, &type, 0) != 0)
      s->sni[0] = '\0';
  }
  switch (s->mode) {
  case TT_TLS_ECHO:
    tls_read_loop(s, gs, 1);
    if (s->got_close_notify)
      gnutls_bye(gs, GNUTLS_SHUT_WR);
    break;
  case TT_TLS_SINK:
    if (s->delay_ms)
      usleep(s->delay_ms * 1000u);
    tls_read_loop(s, gs, 0);
    if (s->got_close_notify)
      gnutls_bye(gs, GNUTLS_SHUT_WR);
    break;
  case TT_TLS_TRUNCATE: {
    unsigned char sink[4096];
    tls_send_pattern(gs, s->send_bytes);
    shutdown(fd, SHUT_WR); /* FIN, no close_notify */
    while (read(fd, sink, sizeof sink) > 0)
      ;
    break;
  }
  case TT_TLS_ABORT: {
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    usleep(s->delay_ms * 1000u);
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg); /* close = RST */
    break;
  }
  case TT_TLS_BYE:
    tls_send_pattern(gs, s->send_bytes);
    gnutls_bye(gs, GNUTLS_SHUT_WR);
    tls_read_loop(s, gs, 0);
    break;
  }
out:
  if (gs)
    gnutls_deinit(gs);
  if (creds)
    gnutls_certificate_free_credentials(creds);
  if (fd >= 0)
    close(fd);
  free(cert);
  free(key);
  return NULL;
}

void tt_tls_start(struct tt_tls_server *s, enum tt_tls_mode mode, int family)
{
  tt_pki_dir();
  s->mode = mode;
  s->family = family;
  s->fd = tt_listen(family, &s->port, 4);
  assert_int_equal(pthread_create(&s->thread, NULL, tls_thread, s), 0);
}

void tt_tls_join(struct tt_tls_server *s)
{
  pthread_join(s->thread, NULL);
  close(s->fd);
}

