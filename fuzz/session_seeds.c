/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Writes seed inputs for fuzz_session: the bytes real GnuTLS servers send to our client
 * (TLS 1.3, with a HelloRetryRequest, with a certificate request, tickets, KeyUpdate, data
 * and close_notify; TLS 1.2; a refused version), each prefixed with fuzz_session's
 * feed-size byte. Also a few action scripts for fuzz_session_records.
 *   session_seeds SESSION-DIR RECORDS-DIR */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cassl/session.h"
#include "memserver.h"

static CassSsl *ssl;

static void write_seed(const char *dir, const char *name, unsigned char first,
                       const unsigned char *data, size_t len)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(1);
  }
  fputc(first, f);
  fwrite(data, 1, len, f);
  fclose(f);
}

static void record(const char *dir, const char *name, const char *priority, bool request_cert,
                   bool after)
{
  struct memserver *m = memserver_new(priority, request_cert, true);
  cassl_peer peer = { .hostname = "node1.example.com" };
  cassl_session *c = NULL;
  if (cassl_session_new(ssl, &peer, &c) != CASS_OK)
    exit(1);
  bool ok = memserver_handshake(m, c, 16);
  if (ok && after) {
    static const char frame[] = "\x84\x00\x00\x01\x02\x00\x00\x00\x00";
    (void)gnutls_session_ticket_send(m->session, 1, 0);
    (void)gnutls_record_send(m->session, frame, sizeof frame - 1);
    (void)gnutls_session_key_update(m->session, GNUTLS_KU_PEER);
    (void)gnutls_record_send(m->session, "after the key update", 20);
    (void)gnutls_bye(m->session, GNUTLS_SHUT_WR);
  }
  write_seed(dir, name, 0, m->transcript.data, m->transcript.len);
  char chunked[256];
  snprintf(chunked, sizeof chunked, "%s_in_5_byte_feeds", name);
  write_seed(dir, chunked, 5, m->transcript.data, m->transcript.len);
  cassl_session_free(c);
  memserver_free(m);
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: session_seeds SESSION-DIR RECORDS-DIR\n");
    return 2;
  }
  memserver_global_init();
  ssl = cass_ssl_new();
  if (!ssl || cassl_ssl_set_priority(ssl, MEMSERVER_CLIENT_PRIORITY) != CASS_OK)
    return 1;
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  const char *s = argv[1];
  record(s, "tls13_full", "NORMAL:-VERS-ALL:+VERS-TLS1.3", false, true);
  record(s, "tls13_certreq", "NORMAL:-VERS-ALL:+VERS-TLS1.3", true, true);
  record(s, "tls13_hrr", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1", false,
         true);
  record(s, "tls12_full", "NORMAL:-VERS-ALL:+VERS-TLS1.2", false, true);
  record(s, "tls12_certreq", "NORMAL:-VERS-ALL:+VERS-TLS1.2", true, true);
  record(s, "tls12_cbc", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1",
         false, true);
  record(s, "refused_version", "NORMAL:-VERS-ALL:+VERS-TLS1.1", false, false);

  /* fuzz_session_records: mode byte, then ops (see that file). */
  static const unsigned char scripts[][16] = {
    { 0, 0, 40, 10, 7, 0, 8, 3, 7, 0, 4, 1, 7, 0, 1, 7 },
    { 1, 0, 200, 64, 7, 3, 8, 9, 9, 0, 1, 7, 1, 0, 0, 0 },
    { 2, 0, 10, 10, 5, 0, 9, 1, 7, 0, 0, 0, 0, 0, 0, 0 },
    { 0, 2, 1, 20, 7, 1, 6, 7, 7, 0, 0, 0, 0, 0, 0, 0 },
  };
  for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
    char name[32];
    snprintf(name, sizeof name, "script%zu", i);
    write_seed(argv[2], name, scripts[i][0], scripts[i] + 1, sizeof scripts[i] - 1);
  }
  cass_ssl_free(ssl);
  return 0;
}
