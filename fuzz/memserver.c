/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* In-memory GnuTLS server (see memserver.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/x509.h>

#include "memserver.h"

static gnutls_certificate_credentials_t server_creds;
static gnutls_datum_t ticket_key;

void membuf_append(struct membuf *b, const void *data, size_t len)
{
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + len)
      cap *= 2;
    unsigned char *bigger = realloc(b->data, cap);
    if (!bigger)
      abort();
    b->data = bigger;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

void membuf_clear(struct membuf *b)
{
  free(b->data);
  memset(b, 0, sizeof *b);
}

static void membuf_consume(struct membuf *b, size_t n)
{
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

static ssize_t server_push(gnutls_transport_ptr_t p, const void *data, size_t len)
{
  struct memserver *m = p;
  membuf_append(&m->to_client, data, len);
  membuf_append(&m->transcript, data, len);
  return (ssize_t)len;
}

static ssize_t server_pull(gnutls_transport_ptr_t p, void *data, size_t len)
{
  struct memserver *m = p;
  if (m->from_client.len == 0) {
    gnutls_transport_set_errno(m->session, EAGAIN);
    return -1;
  }
  size_t n = len < m->from_client.len ? len : m->from_client.len;
  memcpy(data, m->from_client.data, n);
  membuf_consume(&m->from_client, n);
  return (ssize_t)n;
}

void memserver_global_init(void)
{
  if (server_creds)
    return;
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  time_t now = time(NULL);
  unsigned char serial[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
  if (gnutls_global_init() < 0 || gnutls_x509_privkey_init(&key) < 0 ||
      gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                   GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
      gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_crt_set_version(crt, 3) < 0 ||
      gnutls_x509_crt_set_serial(crt, serial, sizeof serial) < 0 ||
      gnutls_x509_crt_set_activation_time(crt, now - 3600) < 0 ||
      gnutls_x509_crt_set_expiration_time(crt, now + 30 * 86400) < 0 ||
      gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "node1.example.com",
                                    17) < 0 ||
      gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "node1.example.com", 17,
                                           GNUTLS_FSAN_SET) < 0 ||
      gnutls_x509_crt_set_key(crt, key) < 0 ||
      gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
      gnutls_certificate_allocate_credentials(&server_creds) < 0 ||
      gnutls_certificate_set_x509_key(server_creds, &crt, 1, key) < 0 ||
      gnutls_session_ticket_key_generate(&ticket_key) < 0)
    abort();
  gnutls_x509_crt_deinit(crt);
  gnutls_x509_privkey_deinit(key);
}

struct memserver *memserver_new(const char *priority, bool request_cert, bool tickets)
{
  struct memserver *m = calloc(1, sizeof *m);
  if (!m || gnutls_init(&m->session, GNUTLS_SERVER | GNUTLS_NONBLOCK |
                                         (tickets ? 0 : GNUTLS_NO_TICKETS)) < 0)
    abort();
  const char *where = NULL;
  if (gnutls_priority_set_direct(m->session, priority, &where) < 0 ||
      gnutls_credentials_set(m->session, GNUTLS_CRD_CERTIFICATE, server_creds) < 0)
    abort();
  if (tickets && gnutls_session_ticket_enable_server(m->session, &ticket_key) < 0)
    abort();
  if (request_cert)
    gnutls_certificate_server_set_request(m->session, GNUTLS_CERT_REQUEST);
  gnutls_transport_set_ptr(m->session, m);
  gnutls_transport_set_push_function(m->session, server_push);
  gnutls_transport_set_pull_function(m->session, server_pull);
  return m;
}

void memserver_free(struct memserver *m)
{
  if (!m)
    return;
  gnutls_deinit(m->session);
  membuf_clear(&m->to_client);
  membuf_clear(&m->from_client);
  membuf_clear(&m->transcript);
  free(m);
}

static void take_client_output(struct memserver *m, cassl_session *client)
{
  size_t len;
  const void *out;
  while ((out = cassl_session_output_peek(client, &len)) != NULL && len > 0) {
    membuf_append(&m->from_client, out, len);
    cassl_session_output_consume(client, len);
  }
}

void memserver_deliver(struct memserver *m, cassl_session *client, size_t chunk)
{
  size_t off = 0;
  while (off < m->to_client.len) {
    size_t n = chunk && chunk < m->to_client.len - off ? chunk : m->to_client.len - off;
    if (cassl_session_feed(client, m->to_client.data + off, n) != CASS_OK)
      break;
    off += n;
    if (cassl_session_get_state(client) == CASSL_SESSION_HANDSHAKING)
      (void)cassl_session_handshake(client);
  }
  membuf_consume(&m->to_client, m->to_client.len);
  take_client_output(m, client);
}

bool memserver_handshake(struct memserver *m, cassl_session *client, int rounds)
{
  for (int i = 0; i < rounds; i++) {
    if (cassl_session_handshake(client) != CASS_OK)
      return false;
    take_client_output(m, client);
    if (!m->handshake_done) {
      int ret = gnutls_handshake(m->session);
      if (ret == 0)
        m->handshake_done = true;
      else if (gnutls_error_is_fatal(ret))
        return false;
    }
    memserver_deliver(m, client, 0);
    if (cassl_session_get_state(client) == CASSL_SESSION_FAILED)
      return false;
    if (m->handshake_done && cassl_session_get_state(client) == CASSL_SESSION_ESTABLISHED)
      return true;
  }
  return false;
}

void memserver_server_read(struct memserver *m)
{
  unsigned char buf[4096];
  for (int i = 0; i < 64; i++) {
    ssize_t r = gnutls_record_recv(m->session, buf, sizeof buf);
    if (r <= 0)
      break;
  }
}
