/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: a client session after a real handshake with an in-memory GnuTLS server,
 * then a sequence of server actions read from the input: application data of chosen sizes,
 * close_notify, alerts, KeyUpdate, session tickets, records corrupted or truncated in
 * flight, deliveries in chunks of chosen sizes, client writes and reads. Covers the
 * post-handshake record paths, which raw fuzzed bytes cannot reach (they never decrypt).
 * Byte 0: bit 0 = TLS 1.2 instead of 1.3, bit 1 = the server requests a certificate. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cassl/session.h"
#include "memserver.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static CassSsl *ssl;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  memserver_global_init();
  ssl = cass_ssl_new();
  if (!ssl || cassl_ssl_set_priority(ssl, MEMSERVER_CLIENT_PRIORITY) != CASS_OK)
    __builtin_trap();
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  return 0;
}

struct input {
  const uint8_t *p;
  size_t left;
};

static unsigned next(struct input *in)
{
  if (!in->left)
    return 0;
  in->left--;
  return *in->p++;
}

static void client_read_all(cassl_session *c)
{
  unsigned char buf[2048];
  size_t n;
  while (cassl_session_read(c, buf, sizeof buf, &n) == CASS_OK && n > 0)
    ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct input in = { data, size };
  unsigned mode = next(&in);
  const char *server_priority = (mode & 1) ? "NORMAL:-VERS-ALL:+VERS-TLS1.2"
                                           : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
  struct memserver *m = memserver_new(server_priority, (mode & 2) != 0, true);
  cassl_peer peer = { .hostname = "node1.example.com" };
  cassl_session *c = NULL;
  if (cassl_session_new(ssl, &peer, &c) != CASS_OK)
    __builtin_trap();
  if (!memserver_handshake(m, c, 16))
    __builtin_trap(); /* a clean handshake must work */

  static unsigned char payload[1 << 16];
  for (int steps = 0; in.left && steps < 64; steps++) {
    unsigned op = next(&in) % 10;
    switch (op) {
    case 0: { /* application data; the size grows fast to reach record boundaries */
      size_t n = (size_t)next(&in) * (next(&in) % 65 + 1);
      if (n > sizeof payload)
        n = sizeof payload;
      memset(payload, (int)n, n);
      (void)gnutls_record_send(m->session, payload, n);
      break;
    }
    case 1:
      (void)gnutls_bye(m->session, GNUTLS_SHUT_WR);
      break;
    case 2:
      (void)gnutls_alert_send(m->session, next(&in) & 1 ? GNUTLS_AL_FATAL : GNUTLS_AL_WARNING,
                              (gnutls_alert_description_t)next(&in));
      break;
    case 3:
      (void)gnutls_session_key_update(m->session, next(&in) & 1 ? GNUTLS_KU_PEER : 0);
      break;
    case 4:
      (void)gnutls_session_ticket_send(m->session, 1 + next(&in) % 3, 0);
      break;
    case 5: /* corrupt one byte in flight */
      if (m->to_client.len) {
        size_t at = ((size_t)next(&in) << 8 | next(&in)) % m->to_client.len;
        m->to_client.data[at] ^= (unsigned char)(next(&in) | 1);
      }
      break;
    case 6: /* drop the tail in flight */
      if (m->to_client.len) {
        size_t cut = next(&in) % (m->to_client.len + 1);
        m->to_client.len -= cut;
      }
      break;
    case 7: /* deliver in chunks, then read */
      memserver_deliver(m, c, next(&in));
      client_read_all(c);
      memserver_server_read(m);
      break;
    case 8: { /* the client writes, the server reads */
      size_t n = (size_t)next(&in) * 64;
      if (cassl_session_write(c, payload, n) == CASS_OK) {
        memserver_deliver(m, c, 0);
        memserver_server_read(m);
      }
      break;
    }
    default: /* the client closes */
      (void)cassl_session_close(c);
      memserver_deliver(m, c, 0);
      memserver_server_read(m);
      break;
    }
    if (cassl_session_get_state(c) == CASSL_SESSION_FAILED) {
      if (!cassl_session_error_message(c)[0])
        __builtin_trap();
      break;
    }
  }
  memserver_deliver(m, c, 0);
  client_read_all(c);
  cassl_session_free(c);
  memserver_free(m);
  return 0;
}
