/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The fault table: the libuv transport against an in-process GnuTLS server on loopback,
 * with a record-aware relay (fault_relay.h) in the middle that cuts, stalls, corrupts,
 * oversizes or replaces the server's records. A clean handshake is watched first, so the
 * faults are injected at each of its records in turn, for TLS 1.2 and TLS 1.3.
 *
 * Every case asserts its CassError and sentence, and that the connect, read-end, write and
 * close callbacks each fired exactly once. Leaks: run under valgrind (make check-valgrind)
 * and ASan; tt_loop_close also fails on a handle left open. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>

#include "fault_relay.h"
#include "transport_util.h"

#define MIB ((size_t)1 << 20)
#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static const char closed_in_handshake[] =
    "connection closed by the peer during the TLS handshake (EOF without close_notify)";
static const char truncated[] = "connection truncated: EOF without close_notify";
static const char timed_out[] = "TLS handshake timed out after 300 ms";
static const char not_tls[] = "the server did not answer with TLS (is this port TLS-enabled?)";
static const char bad_mac[] = "a TLS record failed to decrypt (corrupted or tampered data): ";

struct fixture {
  uv_loop_t loop;
  CassSsl *ssl;
  cassl_uv_options opts;
  struct sockaddr_storage addr;
  struct tt_client t;
  struct fault_relay relay;
  struct tt_tls_server srv;
  size_t send_total, send_piece; /* written once established */
  int close_after_send;
  unsigned hs_timeout_ms, close_timeout_ms; /* 0: the defaults */
  uint64_t srv_send_bytes;                  /* TT_TLS_TRUNCATE */
  unsigned est_forwarded;        /* relay records forwarded when the handshake ended */
};

/* What a clean handshake looks like through the relay, per version. */
struct flight {
  unsigned records; /* server records needed to finish the handshake */
  unsigned char type[FR_MAX_RECORDS], hs_type[FR_MAX_RECORDS];
  size_t len[FR_MAX_RECORDS];
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  assert_int_equal(uv_loop_init(&f->loop), 0);
  f->ssl = tt_ssl(CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  tt_loop_close(&f->loop);
  cass_ssl_free(f->ssl);
  free(f);
  return 0;
}

static void on_established(struct tt_client *t)
{
  struct fixture *f = t->user;
  f->est_forwarded = fault_relay_forwarded(&f->relay);
  if (f->send_total) {
    unsigned char *buf = malloc(f->send_piece);
    assert_non_null(buf);
    for (size_t off = 0; off < f->send_total; off += f->send_piece) {
      size_t n = f->send_total - off < f->send_piece ? f->send_total - off : f->send_piece;
      tt_fill(buf, n, off);
      tt_write(t, buf, n);
    }
    free(buf);
  }
  if (f->close_after_send)
    tt_close(t);
}

/* One connection: server (priority) <- relay (action at record at) <- client. */
static void run_case(struct fixture *f, const char *priority, enum tt_tls_mode mode,
                     enum fr_action action, unsigned at)
{
  memset(&f->t, 0, sizeof f->t);
  memset(&f->srv, 0, sizeof f->srv);
  f->srv.priority = priority;
  f->srv.send_bytes = f->srv_send_bytes;
  tt_tls_start(&f->srv, mode, AF_INET);
  f->relay.family = AF_INET;
  f->relay.target_port = f->srv.port;
  f->relay.action = action;
  f->relay.at = at;
  fault_relay_start(&f->relay);
  tt_addr(&f->addr, AF_INET, f->relay.port);
  cassl_uv_options_init(&f->opts);
  f->opts.address = (struct sockaddr *)&f->addr;
  if (f->hs_timeout_ms)
    f->opts.handshake_timeout_ms = f->hs_timeout_ms;
  if (f->close_timeout_ms)
    f->opts.close_timeout_ms = f->close_timeout_ms;
  f->t.close_on_end = 1;
  f->t.user = f;
  f->t.on_established = on_established;
  f->t.check_pattern = 1;
  f->est_forwarded = 0;
  tt_client_start(&f->t, &f->loop, f->ssl, &f->opts);
  tt_run(&f->loop, 120000);
  fault_relay_join(&f->relay);
  tt_tls_join(&f->srv);
}

static void reset_case(struct fixture *f)
{
  memset(&f->relay, 0, sizeof f->relay);
  f->send_total = f->send_piece = 0;
  f->close_after_send = 0;
  f->hs_timeout_ms = f->close_timeout_ms = 0;
  f->srv_send_bytes = 0;
}

/* Every callback exactly once: connect, close, and one report per accepted write. */
static void assert_callbacks(const struct fixture *f)
{
  assert_int_equal(f->t.connect_calls, 1);
  assert_int_equal(f->t.close_calls, 1);
  assert_int_equal(f->t.writes_ok + f->t.writes_failed, f->t.writes_accepted);
}

static void assert_connect_failed(const struct fixture *f, CassError code, const char *msg,
                                  size_t msg_prefix_len)
{
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, code);
  if (msg_prefix_len)
    assert_memory_equal(f->t.connect_msg, msg, msg_prefix_len);
  else
    assert_string_equal(f->t.connect_msg, msg);
  assert_int_equal(f->t.read_end_calls, 0);
  assert_int_equal(f->t.close_status, code);
  assert_string_equal(f->t.close_msg, f->t.connect_msg);
  assert_int_equal(f->t.session_state, CASSL_SESSION_FAILED);
  assert_int_equal(f->t.session_error, code);
  assert_string_equal(f->t.session_msg, f->t.connect_msg);
}

static void assert_read_failed(const struct fixture *f, CassError code, const char *msg,
                               size_t msg_prefix_len)
{
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.read_end_calls, 1);
  assert_int_equal(f->t.read_status, code);
  if (msg_prefix_len)
    assert_memory_equal(f->t.read_msg, msg, msg_prefix_len);
  else
    assert_string_equal(f->t.read_msg, msg);
  assert_int_equal(f->t.rx_mismatch, 0);
  assert_int_equal(f->t.write_after_end, code);
  assert_int_equal(f->t.close_status, code);
  assert_string_equal(f->t.close_msg, f->t.read_msg);
}

/* ---- the clean handshake, watched ----------------------------------------------------- */

static const char *hs_name(unsigned char t)
{
  switch (t) {
  case 2: return "ServerHello";
  case 11: return "Certificate";
  case 12: return "ServerKeyExchange";
  case 13: return "CertificateRequest";
  case 14: return "ServerHelloDone";
  case 4: return "NewSessionTicket";
  default: return "handshake";
  }
}

/* A name for record i of the server's flight. TLS 1.3 encrypts everything after
 * ServerHello (and the compatibility ChangeCipherSpec): one message per record, in the
 * order RFC 8446 fixes. TLS 1.2's Finished follows its ChangeCipherSpec, encrypted. */
static void record_name(const struct flight *fl, unsigned i, int tls13, char *out, size_t cap)
{
  static const char *const tls13_names[] = {"EncryptedExtensions", "Certificate",
                                            "CertificateVerify", "Finished"};
  unsigned first_enc = 0;
  if (fl->type[i] == 20) {
    snprintf(out, cap, "ChangeCipherSpec");
    return;
  }
  if (tls13) {
    for (unsigned k = 0; k < fl->records; k++)
      if (fl->type[k] == 23) {
        first_enc = k;
        break;
      }
    if (fl->type[i] == 23 && i - first_enc < 4)
      snprintf(out, cap, "%s (encrypted)", tls13_names[i - first_enc]);
    else
      snprintf(out, cap, "%s", hs_name(fl->hs_type[i]));
    return;
  }
  if (i > 0 && fl->type[i - 1] == 20)
    snprintf(out, cap, "Finished (encrypted)");
  else
    snprintf(out, cap, "%s", hs_name(fl->hs_type[i]));
}

static void watch_handshake(struct fixture *f, const char *priority, struct flight *fl)
{
  reset_case(f);
  f->close_after_send = 1;
  run_case(f, priority, TT_TLS_ECHO, FR_FORWARD, 0);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.close_status, CASS_OK);
  fl->records = f->est_forwarded;
  assert_true(fl->records >= 4 && fl->records < FR_MAX_RECORDS);
  memcpy(fl->type, f->relay.type, sizeof fl->type);
  memcpy(fl->hs_type, f->relay.hs_type, sizeof fl->hs_type);
  memcpy(fl->len, f->relay.len, sizeof fl->len);
  /* The flight starts with a plaintext ServerHello and carries the certificate. */
  assert_int_equal(fl->type[0], 22);
  assert_int_equal(fl->hs_type[0], 2);
}

static void table_row(const char *version, const char *fault, const char *where, CassError code,
                      const char *msg)
{
  fprintf(stderr, "| %s | %s %s | %s | %s |\n", version, fault, where, cassl_error_name(code),
          msg);
}

/* ---- the server closes at each handshake step ----------------------------------------- */

static void cut_each_step(void **state, const char *priority, const char *version, int tls13)
{
  struct fixture *f = *state;
  struct flight fl;
  char name[64], where[128];

  watch_handshake(f, priority, &fl);
  /* On a record boundary: after the ClientHello (no answer at all), then after each record. */
  for (unsigned at = 0; at <= fl.records; at++) {
    reset_case(f);
    run_case(f, priority, TT_TLS_ECHO, FR_CUT, at);
    assert_true(f->relay.acted);
    if (at == 0) {
      snprintf(where, sizeof where, "after the ClientHello arrived");
    } else {
      record_name(&fl, at - 1, tls13, name, sizeof name);
      snprintf(where, sizeof where, "after record %u (%s)", at - 1, name);
    }
    if (at < fl.records) {
      assert_connect_failed(f, CASS_ERROR_SSL_CLOSED, closed_in_handshake, 0);
      table_row(version, "server closes", where, f->t.connect_status, f->t.connect_msg);
    } else {
      /* The whole flight arrived: the handshake is done, the EOF is a truncation. */
      assert_read_failed(f, CASS_ERROR_SSL_CLOSED, truncated, 0);
      table_row(version, "server closes", where, f->t.read_status, f->t.read_msg);
    }
  }
  /* Inside each record: in its header, and half-way through its body. */
  for (unsigned at = 0; at < fl.records; at++) {
    size_t offsets[2] = {3, 5 + fl.len[at] / 2};
    for (int k = 0; k < 2; k++) {
      reset_case(f);
      f->relay.at_offset = offsets[k];
      run_case(f, priority, TT_TLS_ECHO, FR_CUT, at);
      assert_true(f->relay.acted);
      assert_connect_failed(f, CASS_ERROR_SSL_CLOSED, closed_in_handshake, 0);
      record_name(&fl, at, tls13, name, sizeof name);
      snprintf(where, sizeof where, "inside record %u (%s) at byte %zu", at, name, offsets[k]);
      table_row(version, "server closes", where, f->t.connect_status, f->t.connect_msg);
    }
  }
}

static void test_cut_each_step_tls12(void **state) { cut_each_step(state, TLS12, "TLS1.2", 0); }
static void test_cut_each_step_tls13(void **state) { cut_each_step(state, TLS13, "TLS1.3", 1); }

/* ---- the server stalls at each handshake step ----------------------------------------- */

static void stall_each_step(void **state, const char *priority, const char *version, int tls13)
{
  struct fixture *f = *state;
  struct flight fl;
  char name[64], where[128];

  watch_handshake(f, priority, &fl);
  for (unsigned at = 0; at < fl.records; at++) {
    reset_case(f);
    f->hs_timeout_ms = 300;
    run_case(f, priority, TT_TLS_ECHO, FR_STALL, at);
    assert_true(f->relay.acted);
    assert_connect_failed(f, CASS_ERROR_LIB_REQUEST_TIMED_OUT, timed_out, 0);
    if (at == 0) {
      snprintf(where, sizeof where, "from the start (no ServerHello)");
    } else {
      record_name(&fl, at - 1, tls13, name, sizeof name);
      snprintf(where, sizeof where, "after record %u (%s)", at - 1, name);
    }
    table_row(version, "server stalls", where, f->t.connect_status, f->t.connect_msg);
  }
}

static void test_stall_each_step_tls12(void **state) { stall_each_step(state, TLS12, "TLS1.2", 0); }
static void test_stall_each_step_tls13(void **state) { stall_each_step(state, TLS13, "TLS1.3", 1); }

/* ---- a byte flipped in flight --------------------------------------------------------- */

static void corrupt_each_record(void **state, const char *priority, const char *version,
                                int tls13)
{
  struct fixture *f = *state;
  struct flight fl;
  char name[64], where[128];

  watch_handshake(f, priority, &fl);
  /* Each handshake record: the handshake fails (the transcript, a signature, a MAC or the
   * encoding catches it), never succeeds. */
  for (unsigned at = 0; at < fl.records; at++) {
    reset_case(f);
    f->hs_timeout_ms = 2000;
    f->close_after_send = 1; /* when it does get established */
    run_case(f, priority, TT_TLS_ECHO, FR_CORRUPT, at);
    assert_true(f->relay.acted);
    assert_callbacks(f);
    record_name(&fl, at, tls13, name, sizeof name);
    snprintf(where, sizeof where, "in record %u (%s)", at, name);
    table_row(version, "byte flipped", where, f->t.connect_status, f->t.connect_msg);
    if (!tls13 && fl.type[at] == 22 && !(at > 0 && fl.type[at - 1] == 20)) {
      /* A TLS 1.2 plaintext message: the last byte is a length, an extension, a signature
       * byte... The client may only find out from the server's Finished, which never comes:
       * the server's own Finished check fails and it hangs up (this server sends no alert),
       * or the client waits for bytes a length promised. Never a success. */
      const CassError code = f->t.connect_status;
      assert_true(code == CASS_ERROR_SSL_PROTOCOL_ERROR ||
                  code == CASS_ERROR_SSL_INVALID_PEER_CERT || code == CASS_ERROR_SSL_CLOSED ||
                  code == CASS_ERROR_LIB_REQUEST_TIMED_OUT);
      if (code == CASS_ERROR_SSL_CLOSED)
        assert_connect_failed(f, code, closed_in_handshake, 0);
      else if (code == CASS_ERROR_LIB_REQUEST_TIMED_OUT)
        assert_connect_failed(f, code, "TLS handshake timed out after 2000 ms", 0);
      else
        assert_connect_failed(f, code, f->t.connect_msg, 0);
    } else if (!tls13 && fl.type[at] == 20 && f->t.connect_status == CASS_OK) {
      /* TLS 1.2's ChangeCipherSpec byte is protected by nothing and means nothing: GnuTLS
       * does not look at its value, and the Finished that follows is intact. */
      assert_callbacks(f);
      assert_int_equal(f->t.close_status, CASS_OK);
    } else {
      assert_connect_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, f->t.connect_msg, 0);
    }
    /* Encrypted handshake records fail their AEAD tag. */
    if (fl.type[at] == 23 || (!tls13 && at > 0 && fl.type[at - 1] == 20)) {
      char want[256];
      snprintf(want, sizeof want, "TLS handshake failed: %s",
               gnutls_strerror(GNUTLS_E_DECRYPTION_FAILED));
      assert_string_equal(f->t.connect_msg, want);
    }
  }
  /* The first application-data record after the handshake: bad MAC on the read side. */
  reset_case(f);
  f->send_total = f->send_piece = 1000;
  run_case(f, priority, TT_TLS_ECHO, FR_CORRUPT, fl.records);
  assert_true(f->relay.acted);
  assert_read_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, bad_mac, strlen(bad_mac));
  assert_int_equal(f->t.received, 0);
  table_row(version, "byte flipped", "in the first application-data record",
            f->t.read_status, f->t.read_msg);
}

static void test_corrupt_tls12(void **state) { corrupt_each_record(state, TLS12, "TLS1.2", 0); }
static void test_corrupt_tls13(void **state) { corrupt_each_record(state, TLS13, "TLS1.3", 1); }

/* ---- oversized records ---------------------------------------------------------------- */

/* RFC 5246 6.2.3: TLSCiphertext.length <= 2^14 + 2048; RFC 8446 5.2: <= 2^14 + 256; a
 * plaintext record (the ServerHello's) <= 2^14. One byte more is a record_overflow. */
static void oversize(void **state, const char *priority, const char *version, size_t limit)
{
  struct fixture *f = *state;
  struct flight fl;
  char where[128];

  watch_handshake(f, priority, &fl);

  /* Instead of the ServerHello. */
  reset_case(f);
  f->relay.oversize_len = (1u << 14) + 1;
  run_case(f, priority, TT_TLS_ECHO, FR_OVERSIZE, 0);
  assert_true(f->relay.acted);
  assert_connect_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, f->t.connect_msg, 0);
  assert_non_null(strstr(f->t.connect_msg, "TLS handshake failed: "));
  snprintf(where, sizeof where, "(2^14+1) instead of the ServerHello");
  table_row(version, "oversized record", where, f->t.connect_status, f->t.connect_msg);

  /* Instead of the first application-data record. */
  reset_case(f);
  f->relay.oversize_len = limit + 1;
  f->send_total = f->send_piece = 1000;
  run_case(f, priority, TT_TLS_ECHO, FR_OVERSIZE, fl.records);
  assert_true(f->relay.acted);
  assert_read_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, f->t.read_msg, 0);
  assert_int_equal(f->t.received, 0);
  snprintf(where, sizeof where, "(%zu bytes) after the handshake", limit + 1);
  table_row(version, "oversized record", where, f->t.read_status, f->t.read_msg);
  assert_null(strstr(f->t.read_msg, bad_mac)); /* refused for its size, before decryption */
}

static void test_oversize_tls12(void **state) { oversize(state, TLS12, "TLS1.2", (1u << 14) + 2048); }
static void test_oversize_tls13(void **state) { oversize(state, TLS13, "TLS1.3", (1u << 14) + 256); }

/* ---- garbage instead of the ServerHello ----------------------------------------------- */

struct garbage {
  const char *what;
  const void *bytes;
  size_t len;
  int looks_tls; /* 1: a TLS record with a nonsense body; 2: one left incomplete */
};

static void test_garbage_instead_of_server_hello(void **state)
{
  static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
  /* A CQL v4 ERROR response frame (protocol error) as a Cassandra port without TLS sends. */
  static const unsigned char cql[] = {0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a,
                                      0x00, 0x00, 0x00, 0x0a, 0x00, 0x04, 'b', 'a', 'd', '!'};
  static const unsigned char zeros[64];
  /* A handshake record holding an unknown message type (0xde) of 12 bytes. */
  static const unsigned char fake[] = {0x16, 0x03, 0x03, 0x00, 0x10, 0xde, 0x00, 0x00,
                                       0x0c, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe,
                                       0xef, 0xde, 0xad, 0xbe, 0xef};
  /* A handshake message announcing 11 MB, then EOF: the client waits for the rest. */
  static const unsigned char huge[] = {0x16, 0x03, 0x03, 0x00, 0x10, 0xde, 0xad, 0xbe,
                                       0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe,
                                       0xef, 0xde, 0xad, 0xbe, 0xef};
  const struct garbage cases[] = {
      {"HTTP response", http, sizeof http - 1, 0},
      {"SSH banner", ssh, sizeof ssh - 1, 0},
      {"CQL frame", cql, sizeof cql, 0},
      {"zero bytes", zeros, sizeof zeros, 0},
      {"TLS record, unknown handshake message", fake, sizeof fake, 1},
      {"TLS record, 11 MB handshake message then EOF", huge, sizeof huge, 2},
  };
  struct fixture *f = *state;

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    reset_case(f);
    f->relay.garbage = cases[i].bytes;
    f->relay.garbage_len = cases[i].len;
    run_case(f, NULL, TT_TLS_ECHO, FR_GARBAGE, 0);
    assert_true(f->relay.acted);
    if (cases[i].looks_tls == 2)
      assert_connect_failed(f, CASS_ERROR_SSL_CLOSED, closed_in_handshake, 0);
    else if (cases[i].looks_tls)
      assert_connect_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, "TLS handshake failed: ",
                            strlen("TLS handshake failed: "));
    else
      assert_connect_failed(f, CASS_ERROR_SSL_PROTOCOL_ERROR, not_tls, 0);
    table_row("any", "garbage instead of the ServerHello:", cases[i].what,
              f->t.connect_status, f->t.connect_msg);
  }
}

/* ---- truncation after the handshake --------------------------------------------------- */

static void truncation_mid_stream(void **state, const char *priority, const char *version)
{
  struct fixture *f = *state;
  struct flight fl;

  watch_handshake(f, priority, &fl);
  /* Records flow back (the server echoes 60000 bytes): the connection ends inside the third
   * application-data record, without close_notify. */
  reset_case(f);
  f->send_total = 60000;
  f->send_piece = 20000;
  f->relay.at_offset = 100;
  run_case(f, priority, TT_TLS_ECHO, FR_CUT, fl.records + 2);
  assert_true(f->relay.acted);
  assert_read_failed(f, CASS_ERROR_SSL_CLOSED, truncated, 0);
  assert_true(f->t.received > 0 && f->t.received < 60000);
  table_row(version, "server closes", "inside the third application-data record",
            f->t.read_status, f->t.read_msg);

  /* The server ends TCP cleanly after its data, but sends no close_notify. */
  reset_case(f);
  f->srv_send_bytes = 100000;
  run_case(f, priority, TT_TLS_TRUNCATE, FR_FORWARD, 0);
  assert_read_failed(f, CASS_ERROR_SSL_CLOSED, truncated, 0);
  assert_int_equal(f->t.received, 100000);
  table_row(version, "server sends 100000 bytes then FIN", "(no close_notify)",
            f->t.read_status, f->t.read_msg);
}

static void test_truncation_tls12(void **state) { truncation_mid_stream(state, TLS12, "TLS1.2"); }
static void test_truncation_tls13(void **state) { truncation_mid_stream(state, TLS13, "TLS1.3"); }

/* ---- the client closes with tt_big() queued ------------------------------------------- */

/* The relay stops reading the client right after the handshake: the 64 MiB (16 MiB under
 * valgrind) queued in 1 MiB writes cannot leave; the close gives up after its timeout.
 * Every write reports exactly once (OK for what reached the kernel, WRITE_ERROR for the
 * rest), the close reports the timeout, nothing leaks. */
static void close_with_big_queue(void **state, const char *priority, const char *version)
{
  struct fixture *f = *state;
  struct flight fl;
  char prefix[64];

  watch_handshake(f, priority, &fl);
  reset_case(f);
  f->close_timeout_ms = 300;
  /* More than loopback buffers absorb, also under valgrind (where tt_big() is 4 MiB). */
  f->send_total = tt_big() > 16 * MIB ? tt_big() : 16 * MIB;
  f->send_piece = MIB;
  f->close_after_send = 1;
  /* Frozen from the first record after the handshake on. */
  run_case(f, priority, TT_TLS_ECHO, FR_FREEZE, fl.records);
  assert_callbacks(f);
  assert_int_equal(f->t.connect_status, CASS_OK);
  assert_int_equal(f->t.writes_accepted, f->send_total / MIB);
  assert_true(f->t.writes_failed >= 1);
  assert_int_equal(f->t.write_fail_status, CASS_ERROR_LIB_WRITE_ERROR);
  assert_int_equal(f->t.write_after_close, CASS_ERROR_LIB_WRITE_ERROR);
  assert_int_equal(f->t.read_end_calls, 0);
  assert_int_equal(f->t.close_status, CASS_ERROR_LIB_REQUEST_TIMED_OUT);
  snprintf(prefix, sizeof prefix, "close timed out after 300 ms with ");
  assert_memory_equal(f->t.close_msg, prefix, strlen(prefix));
  fprintf(stderr, "| %s | close with %zu MiB queued, server not reading | %s | %s "
                  "(%d writes OK, %d failed once each) |\n",
          version, f->send_total / MIB, cassl_error_name(f->t.close_status), f->t.close_msg,
          f->t.writes_ok, f->t.writes_failed);
}

static void test_close_big_queue_tls12(void **state) { close_with_big_queue(state, TLS12, "TLS1.2"); }
static void test_close_big_queue_tls13(void **state) { close_with_big_queue(state, TLS13, "TLS1.3"); }

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_cut_each_step_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cut_each_step_tls13, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stall_each_step_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stall_each_step_tls13, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_tls13, setup, teardown),
      cmocka_unit_test_setup_teardown(test_oversize_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_oversize_tls13, setup, teardown),
      cmocka_unit_test_setup_teardown(test_garbage_instead_of_server_hello, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncation_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncation_tls13, setup, teardown),
      cmocka_unit_test_setup_teardown(test_close_big_queue_tls12, setup, teardown),
      cmocka_unit_test_setup_teardown(test_close_big_queue_tls13, setup, teardown),
  };
  int rc;
  signal(SIGPIPE, SIG_IGN);
  rc = cmocka_run_group_tests_name("faults", tests, NULL, NULL);
  tt_pki_cleanup();
  return rc;
}
