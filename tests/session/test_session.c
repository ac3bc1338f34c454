/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The session engine wired back to back with an in-process GnuTLS server: handshakes in
 * TLS 1.2 and 1.3, transfers, post-handshake messages, renegotiation, close_notify, handshake
 * failures and the API's state rules. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session_object.h"
#include "session_util.h"

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static struct tpki ca, server, client, other_ca;

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_ca(&other_ca, "another CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .cn = "node1.example",
                                               .dns = { "node1.example", "localhost" },
                                               .ip = { "127.0.0.1", "::1" } });
  tpki_leaf(&client, &ca, &(struct tpki_opts){ .cn = "driver", .client = true });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&other_ca);
  tpki_free(&server);
  tpki_free(&client);
  return 0;
}

/* One client + server pair. */
struct pair {
  CassSsl *ssl;
  cassl_session *cs;
  struct tserver srv;
  struct tpeer peer;
};

static void pair_open(struct pair *p, const char *server_priority, int flags)
{
  memset(p, 0, sizeof *p);
  p->ssl = tssl_new(&ca, flags);
  tpeer_init(&p->peer, "127.0.0.1", "node1.example", NULL);
  assert_int_equal(cassl_session_new(p->ssl, &p->peer.peer, &p->cs), CASS_OK);
  tserver_init(&p->srv, &(struct tserver_opts){ .cert = &server, .priority = server_priority });
}

static void pair_close(struct pair *p)
{
  cassl_session_free(p->cs);
  tserver_free(&p->srv);
  cass_ssl_free(p->ssl);
}

static void pair_handshake(struct pair *p, size_t chunk)
{
  CassError rc = thandshake(p->cs, &p->srv, chunk);
  if (rc != CASS_OK)
    fail_msg("handshake: %s: %s", cassl_error_name(rc), cassl_session_error_message(p->cs));
  assert_int_equal(cassl_session_get_state(p->cs), CASSL_SESSION_ESTABLISHED);
  assert_true(p->srv.done);
}

static size_t big_transfer_size(void)
{
  /* tests/valgrind-wrap sets CASSL_UNDER_VALGRIND: 64 MiB becomes 4 MiB there. */
  const char *valgrind = getenv("CASSL_UNDER_VALGRIND");
  return (size_t)(valgrind && *valgrind ? 4 : 64) * 1024 * 1024;
}

/* ---- creation ---------------------------------------------------------------------- */

static void test_new_bad_params(void **state)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer p;
  cassl_session *s = (cassl_session *)&p;
  tpeer_init(&p, "127.0.0.1", NULL, NULL);
  assert_int_equal(cassl_session_new(NULL, &p.peer, &s), CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(s);
  assert_int_equal(cassl_session_new(ssl, NULL, &s), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_session_new(ssl, &p.peer, NULL), CASS_ERROR_LIB_BAD_PARAMS);

  /* An IP literal is never sent as SNI. */
  tpeer_init(&p, "127.0.0.1", NULL, "127.0.0.1");
  assert_int_equal(cassl_session_new(ssl, &p.peer, &s), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "IP literal"));
  tpeer_init(&p, "127.0.0.1", NULL, "::1");
  assert_int_equal(cassl_session_new(ssl, &p.peer, &s), CASS_ERROR_LIB_BAD_PARAMS);
  tpeer_init(&p, "127.0.0.1", NULL, "bad name.example");
  assert_int_equal(cassl_session_new(ssl, &p.peer, &s), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "not a valid DNS name"));

  struct sockaddr unix_addr = { .sa_family = AF_UNIX };
  cassl_peer weird = { .address = &unix_addr };
  assert_int_equal(cassl_session_new(ssl, &weird, &s), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "neither IPv4 nor IPv6"));
  cass_ssl_free(ssl);
}

static void test_state_rules(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  unsigned char buf[16];
  size_t n = 99;
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_HANDSHAKING);
  assert_int_equal(cassl_session_error(p.cs), CASS_OK);
  /* Nothing to read or write before the handshake; the session is not harmed. */
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(n, 0);
  assert_int_equal(cassl_session_write(p.cs, "x", 1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_session_close(p.cs), CASS_ERROR_LIB_BAD_PARAMS);
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(p.cs, &info), CASS_ERROR_LIB_BAD_PARAMS);
  /* The ClientHello is waiting before anything was fed. */
  assert_int_equal(cassl_session_handshake(p.cs), CASS_OK);
  assert_true(cassl_session_output_pending(p.cs) > 0);
  pair_handshake(&p, 0);
  assert_int_equal(cassl_session_handshake(p.cs), CASS_OK);
  assert_int_equal(cassl_session_write(p.cs, "", 0), CASS_OK);
  assert_int_equal(cassl_session_read(p.cs, buf, 0, &n), CASS_OK);

  /* A transport failure marks the session failed with its own sentence. */
  assert_int_equal(cassl_session_set_error(p.cs, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
                                           "handshake timed out after 5000 ms"),
                   CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_FAILED);
  assert_int_equal(cassl_session_error(p.cs), CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  assert_string_equal(cassl_session_error_message(p.cs), "handshake timed out after 5000 ms");
  assert_int_equal(cassl_session_write(p.cs, "x", 1), CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n),
                   CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  assert_int_equal(cassl_session_feed(p.cs, "x", 1), CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  assert_int_equal(cassl_session_handshake(p.cs), CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  pair_close(&p);

  /* NULL sessions. */
  assert_int_equal(cassl_session_handshake(NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_session_get_state(NULL), CASSL_SESSION_FAILED);
  assert_int_equal(cassl_session_output_pending(NULL), 0);
  cassl_session_free(NULL);
}

/* The session keeps its CassSsl alive after the application freed it. */
static void test_holds_ssl_reference(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  cass_ssl_free(p.ssl);
  p.ssl = NULL;
  pair_handshake(&p, 0);
  ttransfer(p.cs, &p.srv, 4096, 0);
  pair_close(&p);
}

/* ---- handshakes and transfers ------------------------------------------------------ */

static void check_info(cassl_session *cs, const char *protocol)
{
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(cs, &info), CASS_OK);
  assert_string_equal(info.protocol, protocol);
  assert_true(info.cipher[0] != '\0');
  assert_true(info.mac[0] != '\0');
  assert_non_null(strstr(info.kx, "ECDHE-"));
  assert_true(strncmp(info.suite, "TLS_", 4) == 0);
  assert_int_equal(info.client_cert_requested, 0);
  assert_int_equal(info.client_cert_sent, 0);
  assert_int_equal(info.resumed, 0);
  assert_int_equal(info.peer_cert_count, 1);
  const unsigned char *der;
  size_t len;
  assert_int_equal(cassl_session_peer_cert(cs, 0, &der, &len), CASS_OK);
  gnutls_datum_t want;
  assert_true(gnutls_x509_crt_export2(server.crt, GNUTLS_X509_FMT_DER, &want) >= 0);
  assert_int_equal(len, want.size);
  assert_memory_equal(der, want.data, len);
  gnutls_free(want.data);
  assert_int_equal(cassl_session_peer_cert(cs, 1, &der, &len), CASS_ERROR_SSL_NO_PEER_CERT);
}

static void run_transfer(const char *priority, const char *protocol, size_t len, size_t chunk)
{
  struct pair p;
  pair_open(&p, priority, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  pair_handshake(&p, chunk);
  check_info(p.cs, protocol);
  ttransfer(p.cs, &p.srv, len, chunk);
  pair_close(&p);
}

static void test_tls12_1_byte(void **state) { run_transfer(TLS12, "TLS1.2", 1, 0); }
static void test_tls13_1_byte(void **state) { run_transfer(TLS13, "TLS1.3", 1, 0); }
static void test_tls12_1_mib(void **state) { run_transfer(TLS12, "TLS1.2", 1 << 20, 0); }
static void test_tls13_1_mib(void **state) { run_transfer(TLS13, "TLS1.3", 1 << 20, 0); }
static void test_tls12_big(void **state) { run_transfer(TLS12, "TLS1.2", big_transfer_size(), 0); }
static void test_tls13_big(void **state) { run_transfer(TLS13, "TLS1.3", big_transfer_size(), 0); }

/* The server's bytes arrive one at a time, handshake and data. */
static void test_tls12_one_byte_feeds(void **state) { run_transfer(TLS12, "TLS1.2", 20000, 1); }
static void test_tls13_one_byte_feeds(void **state) { run_transfer(TLS13, "TLS1.3", 20000, 1); }
/* Odd-sized pieces that straddle record boundaries. */
static void test_tls13_odd_feeds(void **state) { run_transfer(TLS13, "TLS1.3", 100000, 977); }

/* Without a priority override the system policy applies and TLS 1.3 is preferred. */
static void test_default_prefers_tls13(void **state) { run_transfer("NORMAL", "TLS1.3", 10, 0); }

/* Writes bigger than a record are split; the server sees every record at most 16 KiB. */
static void test_write_split_into_records(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  size_t len = 100000;
  unsigned char *buf = malloc(len);
  assert_non_null(buf);
  for (size_t i = 0; i < len; i++)
    buf[i] = tpattern(i, 7);
  assert_int_equal(cassl_session_write(p.cs, buf, len), CASS_OK);
  /* Walk the TLS records in the output: type 23, then a length of at most 2^14 + 256. */
  size_t out_len;
  const unsigned char *out = cassl_session_output_peek(p.cs, &out_len);
  size_t records = 0;
  for (size_t off = 0; off < out_len; records++) {
    assert_true(off + 5 <= out_len);
    assert_int_equal(out[off], 23);
    size_t rec = ((size_t)out[off + 3] << 8) | out[off + 4];
    assert_true(rec <= 16384 + 256);
    off += 5 + rec;
  }
  assert_true(records >= 7);
  tpump(p.cs, &p.srv, 0);
  memset(buf, 0, len);
  assert_int_equal(tserver_recv(&p.srv, buf, len), (long)len);
  for (size_t i = 0; i < len; i++)
    assert_int_equal(buf[i], tpattern(i, 7));
  free(buf);
  pair_close(&p);
}

/* The server's first data travels with its last handshake flight (TLS 1.2 Finished, TLS 1.3
 * tickets): the handshake leaves it for the first read, which needs no further input. */
static void run_data_with_last_flight(const char *priority)
{
  struct pair p;
  pair_open(&p, priority, CASS_SSL_VERIFY_PEER_CERT);
  for (int i = 0; i < 100 && !p.srv.done; i++) {
    assert_int_equal(cassl_session_handshake(p.cs), CASS_OK);
    size_t len;
    const void *out = cassl_session_output_peek(p.cs, &len);
    assert_true(cassl_bytequeue_push(&p.srv.in, out, len));
    cassl_session_output_consume(p.cs, len);
    tserver_handshake(&p.srv);
    if (!p.srv.done)
      tpump_to_client(p.cs, &p.srv, 0);
  }
  assert_true(p.srv.done);
  tserver_send(&p.srv, "greeting", 8);
  tpump_to_client(p.cs, &p.srv, 0);
  assert_int_equal(cassl_session_handshake(p.cs), CASS_OK);
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_ESTABLISHED);
  unsigned char buf[32];
  size_t n;
  assert_int_equal(tclient_drain(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 8);
  assert_memory_equal(buf, "greeting", 8);
  ttransfer(p.cs, &p.srv, 1000, 0);
  pair_close(&p);
}

static void test_tls12_data_with_last_flight(void **state) { run_data_with_last_flight(TLS12); }
static void test_tls13_data_with_last_flight(void **state) { run_data_with_last_flight(TLS13); }

/* ---- post-handshake messages ------------------------------------------------------- */

static void test_tls13_key_update(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  ttransfer(p.cs, &p.srv, 50000, 0);
  /* The server updates its keys and asks the client to update its own. */
  assert_true(gnutls_session_key_update(p.srv.s, GNUTLS_KU_PEER) >= 0);
  ttransfer(p.cs, &p.srv, 50000, 0);
  /* Again, with the KeyUpdate and data in one feed and one byte at a time. */
  assert_true(gnutls_session_key_update(p.srv.s, GNUTLS_KU_PEER) >= 0);
  ttransfer(p.cs, &p.srv, 3000, 1);
  assert_true(gnutls_session_key_update(p.srv.s, 0) >= 0);
  ttransfer(p.cs, &p.srv, 3000, 0);
  pair_close(&p);
}

static void test_tls13_new_session_ticket(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  ttransfer(p.cs, &p.srv, 1000, 0);
  /* Tickets between records, then data right behind them in the same feed. */
  assert_true(gnutls_session_ticket_send(p.srv.s, 2, 0) >= 0);
  tserver_send(&p.srv, "after-ticket", 12);
  tpump(p.cs, &p.srv, 0);
  unsigned char buf[64];
  size_t n;
  assert_int_equal(tclient_drain(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 12);
  assert_memory_equal(buf, "after-ticket", 12);
  /* A ticket alone yields no data and no error. */
  assert_true(gnutls_session_ticket_send(p.srv.s, 1, 0) >= 0);
  tpump(p.cs, &p.srv, 0);
  assert_int_equal(tclient_drain(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 0);
  ttransfer(p.cs, &p.srv, 5000, 0);
  pair_close(&p);
}

/* Several records fed at once all come out of one read with room for them, and the read
 * after it finds nothing left (a read stops once the input is used up). */
static void records_in_one_feed(const char *version)
{
  struct pair p;
  pair_open(&p, version, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  ttransfer(p.cs, &p.srv, 1000, 0);
  unsigned char data[1000], buf[16384];
  for (int records = 1; records <= 5; records++) {
    for (int i = 0; i < records; i++) {
      memset(data, 'a' + i, sizeof data);
      tserver_send(&p.srv, data, sizeof data);
    }
    tpump_to_client(p.cs, &p.srv, 0);
    size_t n = 0;
    assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_OK);
    assert_int_equal(n, records * sizeof data);
    for (int i = 0; i < records; i++)
      assert_int_equal(buf[i * sizeof data + sizeof data - 1], 'a' + i);
    assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_OK);
    assert_int_equal(n, 0);
  }
  /* Room for two and a half: the rest comes with the next read. */
  for (int i = 0; i < 4; i++)
    tserver_send(&p.srv, data, sizeof data);
  tpump_to_client(p.cs, &p.srv, 0);
  size_t n = 0;
  assert_int_equal(cassl_session_read(p.cs, buf, 2500, &n), CASS_OK);
  assert_int_equal(n, 2500);
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 1500);
  pair_close(&p);
}

static void test_tls12_records_in_one_feed(void **state)
{
  records_in_one_feed(TLS12);
}

static void test_tls13_records_in_one_feed(void **state)
{
  records_in_one_feed(TLS13);
}

/* TLS 1.2: a server's renegotiation request is refused with a no_renegotiation warning and
 * the stream goes on both ways. */
static void test_tls12_rehandshake_refused(void **state)
{
  struct pair p;
  pair_open(&p, TLS12, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  ttransfer(p.cs, &p.srv, 1000, 0);
  assert_int_equal(gnutls_rehandshake(p.srv.s), 0);
  tserver_send(&p.srv, "still-here", 10);
  tpump(p.cs, &p.srv, 0);
  unsigned char buf[64];
  size_t n;
  assert_int_equal(tclient_drain(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 10);
  assert_memory_equal(buf, "still-here", 10);
  tpump(p.cs, &p.srv, 0);
  /* The server sees the refusal as a warning alert. */
  int ret = gnutls_handshake(p.srv.s);
  assert_int_equal(ret, GNUTLS_E_WARNING_ALERT_RECEIVED);
  assert_int_equal(gnutls_alert_get(p.srv.s), GNUTLS_A_NO_RENEGOTIATION);
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_ESTABLISHED);
  ttransfer(p.cs, &p.srv, 30000, 0);
  pair_close(&p);
}

/* ---- close_notify ------------------------------------------------------------------ */

static void test_close_from_server(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  /* Data and close_notify in the same feed: the data comes first, then CLOSED. */
  tserver_send(&p.srv, "last words", 10);
  assert_int_equal(gnutls_bye(p.srv.s, GNUTLS_SHUT_WR), 0);
  tpump(p.cs, &p.srv, 0);
  unsigned char buf[64];
  size_t n = 0;
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 10);
  assert_memory_equal(buf, "last words", 10);
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_ERROR_SSL_CLOSED);
  assert_int_equal(n, 0);
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_CLOSED);
  assert_int_equal(cassl_session_error(p.cs), CASS_ERROR_SSL_CLOSED);
  assert_string_equal(cassl_session_error_message(p.cs), "the peer sent close_notify");
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_ERROR_SSL_CLOSED);
  assert_int_equal(cassl_session_write(p.cs, "x", 1), CASS_ERROR_SSL_CLOSED);
  /* Answering with our own close_notify is still allowed. */
  assert_int_equal(cassl_session_close(p.cs), CASS_OK);
  tpump(p.cs, &p.srv, 0);
  assert_int_equal(tserver_recv(&p.srv, buf, sizeof buf), -1);
  pair_close(&p);
}

static void test_close_from_client(void **state)
{
  struct pair p;
  pair_open(&p, TLS12, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  assert_int_equal(cassl_session_write(p.cs, "bye", 3), CASS_OK);
  assert_int_equal(cassl_session_close(p.cs), CASS_OK);
  assert_int_equal(cassl_session_close(p.cs), CASS_OK); /* idempotent */
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_CLOSED);
  assert_int_equal(cassl_session_write(p.cs, "x", 1), CASS_ERROR_SSL_CLOSED);
  tpump(p.cs, &p.srv, 0);
  unsigned char buf[16];
  assert_int_equal(tserver_recv(&p.srv, buf, sizeof buf), 3);
  assert_int_equal(tserver_recv(&p.srv, buf, sizeof buf), -1);
  /* The server's late data and its close_notify are still read. */
  tserver_send(&p.srv, "ack", 3);
  assert_int_equal(gnutls_bye(p.srv.s, GNUTLS_SHUT_WR), 0);
  tpump(p.cs, &p.srv, 0);
  size_t n;
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 3);
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_ERROR_SSL_CLOSED);
  assert_string_equal(cassl_session_error_message(p.cs), "the peer sent close_notify");
  pair_close(&p);
}

/* ---- failures ---------------------------------------------------------------------- */

static void expect_handshake_error(struct pair *p, CassError want, const char *needle)
{
  CassError rc = thandshake(p->cs, &p->srv, 0);
  if (rc != want)
    fail_msg("expected %s, got %s: %s", cassl_error_name(want), cassl_error_name(rc),
             cassl_session_error_message(p->cs));
  assert_int_equal(cassl_session_get_state(p->cs), CASSL_SESSION_FAILED);
  assert_int_equal(cassl_session_error(p->cs), want);
  if (!strstr(cassl_session_error_message(p->cs), needle))
    fail_msg("message \"%s\" lacks \"%s\"", cassl_session_error_message(p->cs), needle);
}

static void run_not_tls(const char *answer, size_t len)
{
  CassSsl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", NULL, NULL);
  cassl_session *cs;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  assert_int_equal(cassl_session_handshake(cs), CASS_OK);
  assert_int_equal(cassl_session_feed(cs, answer, len), CASS_OK);
  assert_int_equal(cassl_session_handshake(cs), CASS_ERROR_SSL_PROTOCOL_ERROR);
  assert_string_equal(cassl_session_error_message(cs),
                      "the server did not answer with TLS (is this port TLS-enabled?)");
  cassl_session_free(cs);
  cass_ssl_free(ssl);
}

static void test_not_tls_http(void **state)
{
  static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  run_not_tls(http, sizeof http - 1);
}

static void test_not_tls_cql(void **state)
{
  /* A CQL v4 ERROR frame, what a Cassandra port without TLS may answer. */
  static const unsigned char cql[] = { 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
                                       0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 'o', 'o', 'p', 's' };
  run_not_tls((const char *)cql, sizeof cql);
}

/* A client certificate required by the server and none set. TLS 1.2: the server's alert
 * ends the handshake. */
static void test_tls12_client_cert_required_missing(void **state)
{
  struct pair p;
  memset(&p, 0, sizeof p);
  p.ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  tpeer_init(&p.peer, "127.0.0.1", NULL, NULL);
  assert_int_equal(cassl_session_new(p.ssl, &p.peer.peer, &p.cs), CASS_OK);
  tserver_init(&p.srv, &(struct tserver_opts){ .cert = &server, .priority = TLS12,
                                               .client_cert = GNUTLS_CERT_REQUIRE,
                                               .client_ca = &ca });
  expect_handshake_error(&p, CASS_ERROR_SSL_PROTOCOL_ERROR,
                         "the server asked for a client certificate and none is set");
  assert_non_null(strstr(cassl_session_error_message(p.cs), "fatal alert during the handshake"));
  pair_close(&p);
}

/* TLS 1.3: the client is done before the server judges its (empty) certificate, so the
 * alert arrives on the first read. */
static void test_tls13_client_cert_required_missing(void **state)
{
  struct pair p;
  memset(&p, 0, sizeof p);
  p.ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  tpeer_init(&p.peer, "127.0.0.1", NULL, NULL);
  assert_int_equal(cassl_session_new(p.ssl, &p.peer.peer, &p.cs), CASS_OK);
  tserver_init(&p.srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13,
                                               .client_cert = GNUTLS_CERT_REQUIRE,
                                               .client_ca = &ca });
  assert_int_equal(thandshake(p.cs, &p.srv, 0), CASS_OK);
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_ESTABLISHED);
  assert_true(p.srv.error < 0);
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(p.cs, &info), CASS_OK);
  assert_int_equal(info.client_cert_requested, 1);
  assert_int_equal(info.client_cert_sent, 0);
  unsigned char buf[16];
  size_t n;
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_ERROR_SSL_PROTOCOL_ERROR);
  assert_int_equal(n, 0);
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_FAILED);
  const char *msg = cassl_session_error_message(p.cs);
  assert_non_null(strstr(msg, "fatal alert after the handshake"));
  assert_non_null(strstr(msg, "the server asked for a client certificate and none is set"));
  pair_close(&p);
}

static void run_client_cert_sent(const char *priority)
{
  struct pair p;
  memset(&p, 0, sizeof p);
  p.ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  assert_int_equal(cass_ssl_set_cert(p.ssl, client.cert_pem), CASS_OK);
  assert_int_equal(cass_ssl_set_private_key(p.ssl, client.key_pem, NULL), CASS_OK);
  tpeer_init(&p.peer, "::1", NULL, NULL);
  assert_int_equal(cassl_session_new(p.ssl, &p.peer.peer, &p.cs), CASS_OK);
  tserver_init(&p.srv, &(struct tserver_opts){ .cert = &server, .priority = priority,
                                               .client_cert = GNUTLS_CERT_REQUIRE,
                                               .client_ca = &ca });
  pair_handshake(&p, 0);
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(p.cs, &info), CASS_OK);
  assert_int_equal(info.client_cert_requested, 1);
  assert_int_equal(info.client_cert_sent, 1);
  /* The server received and accepts our certificate. */
  unsigned status = 99;
  assert_int_equal(gnutls_certificate_verify_peers2(p.srv.s, &status), 0);
  assert_int_equal(status, 0);
  unsigned count = 0;
  const gnutls_datum_t *peers = gnutls_certificate_get_peers(p.srv.s, &count);
  assert_int_equal(count, 1);
  gnutls_datum_t want;
  assert_true(gnutls_x509_crt_export2(client.crt, GNUTLS_X509_FMT_DER, &want) >= 0);
  assert_int_equal(peers[0].size, want.size);
  assert_memory_equal(peers[0].data, want.data, want.size);
  gnutls_free(want.data);
  ttransfer(p.cs, &p.srv, 10000, 0);
  pair_close(&p);
}

static void test_tls12_client_cert_sent(void **state) { run_client_cert_sent(TLS12); }
static void test_tls13_client_cert_sent(void **state) { run_client_cert_sent(TLS13); }

/* The server rejects a client certificate from a CA it does not trust. */
static void test_tls12_client_cert_rejected(void **state)
{
  struct pair p;
  memset(&p, 0, sizeof p);
  p.ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(cass_ssl_set_cert(p.ssl, client.cert_pem), CASS_OK);
  assert_int_equal(cass_ssl_set_private_key(p.ssl, client.key_pem, NULL), CASS_OK);
  tpeer_init(&p.peer, "127.0.0.1", NULL, NULL);
  assert_int_equal(cassl_session_new(p.ssl, &p.peer.peer, &p.cs), CASS_OK);
  tserver_init(&p.srv, &(struct tserver_opts){ .cert = &server, .priority = TLS12,
                                               .client_cert = GNUTLS_CERT_REQUIRE,
                                               .client_ca = &other_ca });
  /* GnuTLS's server only checks the certificate when asked: do it like a real server. */
  CassError rc = CASS_OK;
  for (int i = 0; i < 100 && !p.srv.done && !p.srv.error; i++) {
    rc = cassl_session_handshake(p.cs);
    tpump(p.cs, &p.srv, 0);
    tserver_handshake(&p.srv);
    tpump(p.cs, &p.srv, 0);
  }
  assert_true(p.srv.done);
  unsigned status = 0;
  assert_int_equal(gnutls_certificate_verify_peers2(p.srv.s, &status), 0);
  assert_true(status & GNUTLS_CERT_SIGNER_NOT_FOUND);
  assert_int_equal(gnutls_alert_send(p.srv.s, GNUTLS_AL_FATAL, GNUTLS_A_UNKNOWN_CA), 0);
  tpump(p.cs, &p.srv, 0);
  rc = cassl_session_handshake(p.cs);
  if (rc == CASS_OK) {
    unsigned char buf[16];
    size_t n;
    rc = cassl_session_read(p.cs, buf, sizeof buf, &n);
  }
  assert_int_equal(rc, CASS_ERROR_SSL_PROTOCOL_ERROR);
  assert_non_null(strstr(cassl_session_error_message(p.cs), "CA is unknown"));
  assert_non_null(strstr(cassl_session_error_message(p.cs), "rejected our client certificate"));
  pair_close(&p);
}

static void test_version_mismatch(void **state)
{
  struct pair p;
  memset(&p, 0, sizeof p);
  p.ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(cassl_ssl_set_min_protocol_version(p.ssl, CASSL_SSL_VERSION_TLS1_3), CASS_OK);
  tpeer_init(&p.peer, "127.0.0.1", NULL, NULL);
  assert_int_equal(cassl_session_new(p.ssl, &p.peer.peer, &p.cs), CASS_OK);
  tserver_init(&p.srv, &(struct tserver_opts){ .cert = &server, .priority = TLS12 });
  /* GnuTLS servers answer with handshake_failure, others with protocol_version. */
  expect_handshake_error(&p, CASS_ERROR_SSL_PROTOCOL_ERROR, "fatal alert during the handshake");
  assert_non_null(strstr(cassl_session_error_message(p.cs), "no protocol version"));
  pair_close(&p);
}

static void test_cipher_mismatch(void **state)
{
  struct pair p;
  memset(&p, 0, sizeof p);
  p.ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(cassl_ssl_set_priority(p.ssl, "NORMAL:-CIPHER-ALL:+AES-128-GCM"), CASS_OK);
  tpeer_init(&p.peer, "127.0.0.1", NULL, NULL);
  assert_int_equal(cassl_session_new(p.ssl, &p.peer.peer, &p.cs), CASS_OK);
  tserver_init(&p.srv, &(struct tserver_opts){ .cert = &server,
                                               .priority = "NORMAL:-CIPHER-ALL:+CHACHA20-POLY1305" });
  expect_handshake_error(&p, CASS_ERROR_SSL_PROTOCOL_ERROR, "fatal alert during the handshake");
  assert_non_null(strstr(cassl_session_error_message(p.cs), "cipher suite"));
  pair_close(&p);
}

/* A record tampered with on the way is a protocol error, never data. */
static void test_tampered_record(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  ttransfer(p.cs, &p.srv, 100, 0);
  tserver_send(&p.srv, "secret data", 11);
  size_t len;
  unsigned char *rec = (unsigned char *)cassl_bytequeue_peek(&p.srv.out, &len);
  assert_true(len > 10);
  rec[len - 3] ^= 0x40;
  tpump(p.cs, &p.srv, 0);
  unsigned char buf[32];
  size_t n;
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_ERROR_SSL_PROTOCOL_ERROR);
  assert_int_equal(n, 0);
  assert_non_null(strstr(cassl_session_error_message(p.cs), "failed to decrypt"));
  assert_int_equal(cassl_session_get_state(p.cs), CASSL_SESSION_FAILED);
  pair_close(&p);
}

/* ---- key shares ----------------------------------------------------------------------- */

static int hellos, shares[4];

static int count_share(void *ctx, unsigned tls_id, const unsigned char *data, unsigned size)
{
  if (tls_id != 51 || size < 2) /* key_share */
    return 0;
  int *n = ctx;
  size_t len = (size_t)data[0] << 8 | data[1];
  for (size_t at = 2; at + 4 <= 2 + len && at + 4 <= size;
       at += 4 + ((size_t)data[at + 2] << 8 | data[at + 3]))
    (*n)++;
  return 0;
}

/* Counts the ClientHellos the server receives and the key shares each carries. */
static int on_client_hello(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
                           const gnutls_datum_t *msg)
{
  if (incoming && hellos < 4) {
    assert_true(gnutls_ext_raw_parse(&shares[hellos], count_share, msg,
                                     GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO) >= 0);
    hellos++;
  }
  return 0;
}

/* The ClientHello carries one key share (one key generation); a server that wants another
 * group asks for it with a HelloRetryRequest, and the handshake goes on with one share for
 * that group. */
static void run_key_share(const char *server_group, int want_hellos)
{
  struct pair p;
  char prio[128];
  snprintf(prio, sizeof prio, "%s%s%s", TLS13, server_group ? ":-GROUP-ALL:+GROUP-" : "",
           server_group ? server_group : "");
  pair_open(&p, prio, CASS_SSL_VERIFY_PEER_CERT);
  hellos = 0;
  memset(shares, 0, sizeof shares);
  gnutls_handshake_set_hook_function(p.srv.s, GNUTLS_HANDSHAKE_CLIENT_HELLO, GNUTLS_HOOK_PRE,
                                     on_client_hello);
  pair_handshake(&p, 0);
  assert_int_equal(hellos, want_hellos);
  for (int i = 0; i < hellos; i++)
    assert_int_equal(shares[i], 1);
  if (server_group) {
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(p.cs, &info), CASS_OK);
    char kx[64];
    snprintf(kx, sizeof kx, "ECDHE-%s", server_group);
    assert_string_equal(info.kx, kx);
  }
  ttransfer(p.cs, &p.srv, 1000, 0);
  pair_close(&p);
}

static void test_tls13_one_key_share(void **state)
{
  run_key_share(NULL, 1);
}

static void test_tls13_key_share_retry(void **state)
{
  /* The server's only group is not the client's first: X25519, or P-256 when the system
   * policy puts X25519 first. */
  gnutls_priority_t prio;
  assert_true(gnutls_priority_init2(&prio, "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL", NULL,
                                    GNUTLS_PRIORITY_INIT_DEF_APPEND) >= 0);
  const unsigned *list;
  assert_true(gnutls_priority_group_list(prio, &list) > 0);
  const char *other = list[0] == GNUTLS_GROUP_X25519 ? "SECP256R1" : "X25519";
  gnutls_priority_deinit(prio);
  run_key_share(other, 2);
}

/* ---- queue storage ------------------------------------------------------------------ */

/* An idle session holds no queue storage: each queue gives its block back once it is empty
 * (after the handshake, after each transfer in either direction). */
static void test_idle_session_holds_no_queue_storage(void **state)
{
  struct pair p;
  pair_open(&p, TLS13, CASS_SSL_VERIFY_PEER_CERT);
  pair_handshake(&p, 0);
  /* The tickets the server sent after its last flight are read by the first read. */
  unsigned char buf[64];
  size_t n;
  assert_int_equal(cassl_session_read(p.cs, buf, sizeof buf, &n), CASS_OK);
  assert_null(p.cs->incoming.data);
  assert_null(p.cs->outgoing.data);
  ttransfer(p.cs, &p.srv, 300000, 0);
  assert_null(p.cs->incoming.data);
  assert_null(p.cs->outgoing.data);
  pair_close(&p);
}

/* Emptied blocks go to the pool and the next push reuses one; a block too large for the
 * pool goes back to the allocator; reserve/commit queue in place; drain frees the pool. */
static void test_queue_block_pool(void **state)
{
  struct cassl_block_pool pool;
  for (size_t i = 0; i < CASSL_BLOCK_POOL_SLOTS; i++)
    atomic_init(&pool.slot[i], NULL);
  struct cassl_bytequeue q = { .pool = &pool };
  unsigned char data[300], out[300];
  memset(data, 0xa5, sizeof data);
  assert_true(cassl_bytequeue_push(&q, data, sizeof data));
  unsigned char *block = q.data;
  assert_non_null(block);
  assert_int_equal(cassl_bytequeue_pop(&q, out, 100), 100);
  assert_ptr_equal(q.data, block); /* not empty yet: kept */
  assert_int_equal(cassl_bytequeue_pop(&q, out, sizeof out), 200);
  assert_null(q.data);
  assert_ptr_equal(atomic_load(&pool.slot[0]), block);

  assert_true(cassl_bytequeue_push(&q, data, 10));
  assert_ptr_equal(q.data, block); /* reused, no allocation */
  assert_null(atomic_load(&pool.slot[0]));
  unsigned char *room = cassl_bytequeue_reserve(&q, 20000);
  assert_non_null(room);
  memcpy(room, data, 5);
  cassl_bytequeue_commit(&q, 5);
  assert_int_equal(cassl_bytequeue_size(&q), 15);
  cassl_bytequeue_consume(&q, 15);
  assert_null(q.data);
  unsigned char *grown = atomic_load(&pool.slot[0]);
  assert_non_null(grown); /* the 32 KiB block the reservation needed */

  /* A reservation nothing was read into leaves the queue empty: the block goes back. */
  assert_non_null(cassl_bytequeue_reserve(&q, 100));
  cassl_bytequeue_commit(&q, 0);
  assert_null(q.data);

  /* Beyond the pool's largest block: freed when emptied, the pool unchanged. */
  static unsigned char big[200000];
  assert_true(cassl_bytequeue_push(&q, big, sizeof big));
  cassl_bytequeue_consume(&q, sizeof big);
  assert_null(q.data);
  int pooled = 0;
  for (int i = 0; i < CASSL_BLOCK_POOL_SLOTS; i++)
    pooled += atomic_load(&pool.slot[i]) != NULL;
  assert_int_equal(pooled, 1);
  cassl_bytequeue_free(&q);
  cassl_block_pool_drain(&pool);
  for (int i = 0; i < CASSL_BLOCK_POOL_SLOTS; i++)
    assert_null(atomic_load(&pool.slot[i]));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_new_bad_params),
    cmocka_unit_test(test_idle_session_holds_no_queue_storage),
    cmocka_unit_test(test_tls13_one_key_share),
    cmocka_unit_test(test_tls13_key_share_retry),
    cmocka_unit_test(test_queue_block_pool),
    cmocka_unit_test(test_state_rules),
    cmocka_unit_test(test_holds_ssl_reference),
    cmocka_unit_test(test_tls12_1_byte),
    cmocka_unit_test(test_tls13_1_byte),
    cmocka_unit_test(test_tls12_1_mib),
    cmocka_unit_test(test_tls13_1_mib),
    cmocka_unit_test(test_tls12_big),
    cmocka_unit_test(test_tls13_big),
    cmocka_unit_test(test_tls12_one_byte_feeds),
    cmocka_unit_test(test_tls13_one_byte_feeds),
    cmocka_unit_test(test_tls13_odd_feeds),
    cmocka_unit_test(test_default_prefers_tls13),
    cmocka_unit_test(test_write_split_into_records),
    cmocka_unit_test(test_tls12_data_with_last_flight),
    cmocka_unit_test(test_tls13_data_with_last_flight),
    cmocka_unit_test(test_tls13_key_update),
    cmocka_unit_test(test_tls13_new_session_ticket),
    cmocka_unit_test(test_tls12_records_in_one_feed),
    cmocka_unit_test(test_tls13_records_in_one_feed),
    cmocka_unit_test(test_tls12_rehandshake_refused),
    cmocka_unit_test(test_close_from_server),
    cmocka_unit_test(test_close_from_client),
    cmocka_unit_test(test_not_tls_http),
    cmocka_unit_test(test_not_tls_cql),
    cmocka_unit_test(test_tls12_client_cert_required_missing),
    cmocka_unit_test(test_tls13_client_cert_required_missing),
    cmocka_unit_test(test_tls12_client_cert_sent),
    cmocka_unit_test(test_tls13_client_cert_sent),
    cmocka_unit_test(test_tls12_client_cert_rejected),
    cmocka_unit_test(test_version_mismatch),
    cmocka_unit_test(test_cipher_mismatch),
    cmocka_unit_test(test_tampered_record),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
