/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* libFuzzer target: a client session (the sans-IO engine, include/cassl/session.h) that has
 * sent a real ClientHello and is then fed arbitrary server bytes.
 * Layout: byte 0 = feed size (0 = all at once), then the server's bytes. The client
 * priority is fixed (MEMSERVER_CLIENT_PRIORITY) so a finding reproduces. */
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
  ssl = cass_ssl_new();
  if (!ssl || cassl_ssl_set_priority(ssl, MEMSERVER_CLIENT_PRIORITY) != CASS_OK)
    __builtin_trap();
  /* No verification: a fuzzer cannot forge a Finished message anyway, and this keeps the
   * engine's post-verification paths reachable from a recorded transcript. */
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  return 0;
}

static void drain_output(cassl_session *s)
{
  size_t len;
  while (cassl_session_output_peek(s, &len) && len > 0)
    cassl_session_output_consume(s, len);
}

/* A failed session must say why, and refuse everything afterwards. */
static void check_failed(cassl_session *s)
{
  if (cassl_session_error(s) == CASS_OK || !cassl_session_error_message(s)[0])
    __builtin_trap();
  unsigned char buf[64];
  size_t n = 1;
  if (cassl_session_handshake(s) == CASS_OK || cassl_session_write(s, "x", 1) == CASS_OK ||
      cassl_session_read(s, buf, sizeof buf, &n) == CASS_OK || n != 0)
    __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  size_t chunk = data[0] ? data[0] : size;
  data++;
  size--;
  cassl_peer peer = { .hostname = "node1.example.com" };
  cassl_session *s = NULL;
  if (cassl_session_new(ssl, &peer, &s) != CASS_OK)
    __builtin_trap();
  (void)cassl_session_handshake(s); /* the ClientHello */
  drain_output(s);

  unsigned char plain[1024];
  for (size_t off = 0; off < size; off += chunk) {
    size_t n = chunk < size - off ? chunk : size - off;
    if (cassl_session_feed(s, data + off, n) != CASS_OK)
      break;
    cassl_session_state st = cassl_session_get_state(s);
    if (st == CASSL_SESSION_HANDSHAKING)
      (void)cassl_session_handshake(s);
    st = cassl_session_get_state(s);
    if (st == CASSL_SESSION_ESTABLISHED) {
      size_t got;
      while (cassl_session_read(s, plain, sizeof plain, &got) == CASS_OK && got > 0)
        ;
    }
    drain_output(s);
    if (cassl_session_get_state(s) == CASSL_SESSION_FAILED)
      break;
  }
  if (cassl_session_get_state(s) == CASSL_SESSION_FAILED)
    check_failed(s);
  cassl_session_info info;
  (void)cassl_session_get_info(s, &info);
  cassl_session_free(s);
  return 0;
}
