/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* One TLS 1.3 client handshake in memory against a GnuTLS server session, by a cassl session
 * or a raw GnuTLS client, counting only the client's CPU time (B3, B4, B5). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "bench.h"
#include "handshake.h"

double bench_hs_client_new(struct bench_hs *h, bool cassl, const struct bench_pki *pki,
                           CassSsl *ssl, const gnutls_datum_t *resume)
{
  return bench_hs_client_new_flags(h, cassl, pki, ssl, resume, 0);
}

double bench_hs_client_new_flags(struct bench_hs *h, bool cassl, const struct bench_pki *pki,
                                 CassSsl *ssl, const gnutls_datum_t *resume, unsigned raw_flags)
{
  memset(h, 0, sizeof *h);
  h->cassl = cassl;
  double t0 = bench_thread_cpu();
  if (cassl) {
    /* An address, as the transport always gives one (it keys the session cache when the
     * library has one); the verify flags do not check it. */
    static struct sockaddr_in addr;
    addr.sin_family = AF_INET;
    addr.sin_port = htons(9042);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cassl_peer peer = { .address = (const struct sockaddr *)&addr };
    if (cassl_session_new(ssl, &peer, &h->c) != CASS_OK)
      bench_die("cassl_session_new: %s", cassl_ssl_last_error(ssl));
  } else {
    bench_raw_client_init(&h->raw, pki, &h->in, &h->out, raw_flags);
    if (resume && resume->size) {
      int ret = gnutls_session_set_data(h->raw.s, resume->data, resume->size);
      if (ret < 0)
        bench_die("gnutls_session_set_data: %s", gnutls_strerror(ret));
    }
  }
  return bench_thread_cpu() - t0;
}

void bench_hs_attach(struct bench_hs *h, struct bench_mem_server *srv)
{
  if (h->cassl) {
    srv->cassl = h->c;
  } else {
    srv->cassl = NULL;
    srv->from_client = &h->out;
    srv->to_client = &h->in;
  }
}

/* One client turn: advance the handshake; after it, let the client read what came with or
 * after the server's last flight (TLS 1.3 tickets), as an application's next read would. */
static bool client_turn(struct bench_hs *h, bool *done)
{
  if (h->cassl) {
    if (!*done) {
      if (cassl_session_handshake(h->c) != CASS_OK)
        bench_die("cassl handshake: %s", cassl_session_error_message(h->c));
      *done = cassl_session_get_state(h->c) == CASSL_SESSION_ESTABLISHED;
    }
    if (*done) {
      unsigned char buf[256];
      size_t n = 0;
      if (cassl_session_read(h->c, buf, sizeof buf, &n) != CASS_OK || n)
        bench_die("cassl read after the handshake: %s", cassl_session_error_message(h->c));
    }
    return *done;
  }
  if (!*done) {
    int ret = gnutls_handshake(h->raw.s);
    if (ret == 0) {
      /* The chain of a resumed session was verified when its ticket was obtained. */
      if (!gnutls_session_is_resumed(h->raw.s) || h->reverify_resumed)
        bench_raw_verify(h->raw.s);
      *done = true;
    } else if (ret != GNUTLS_E_AGAIN) {
      bench_die("raw handshake: %s", gnutls_strerror(ret));
    }
  }
  if (*done) {
    unsigned char buf[256];
    ssize_t n = gnutls_record_recv(h->raw.s, buf, sizeof buf);
    if (n != GNUTLS_E_AGAIN)
      bench_die("raw read after the handshake: %zd", n);
  }
  return *done;
}

double bench_hs_run(struct bench_hs *h, struct bench_mem_server *srv)
{
  double cpu = 0;
  bool cdone = false, sdone = false;
  for (int round = 0; !cdone || !sdone; round++) {
    if (round > 100)
      bench_die("handshake does not finish");
    double t0 = bench_thread_cpu();
    client_turn(h, &cdone);
    cpu += bench_thread_cpu() - t0;
    if (!sdone)
      sdone = bench_mem_server_handshake(srv);
  }
  /* The server's last flight (and tickets) may still be waiting for the client. */
  double t0 = bench_thread_cpu();
  client_turn(h, &cdone);
  cpu += bench_thread_cpu() - t0;
  return cpu;
}

bool bench_hs_resumed(const struct bench_hs *h)
{
  if (h->cassl) {
    cassl_session_info info;
    return cassl_session_get_info(h->c, &info) == CASS_OK && info.resumed;
  }
  return gnutls_session_is_resumed(h->raw.s) != 0;
}

double bench_hs_free(struct bench_hs *h)
{
  double t0 = bench_thread_cpu();
  if (h->cassl)
    cassl_session_free(h->c);
  else if (h->raw.s)
    gnutls_deinit(h->raw.s);
  double cpu = bench_thread_cpu() - t0;
  bench_buf_free(&h->in);
  bench_buf_free(&h->out);
  memset(h, 0, sizeof *h);
  return cpu;
}
