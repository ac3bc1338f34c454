/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Session options (cassl_session_new_ex) against an in-process GnuTLS server: per-session
 * verify flags, the SNI policy, deferred verification, the held final flight, and what
 * leaves the client before the server is trusted; also the handshake engine's handling of a
 * feed that holds several records, and the protocol version range. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session_util.h"

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static struct tpki ca, other_ca, server, client;

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_ca(&other_ca, "another CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .cn = "node1.example",
                                               .dns = { "node1.example" },
                                               .ip = { "127.0.0.1" } });
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

/* A client with a certificate and key, trusting trusted, with the given object flags. */
static cassl_ssl *client_ssl(const struct tpki *trusted, int flags)
{
  cassl_ssl *ssl = tssl_new(trusted, flags);
  assert_int_equal(cassl_ssl_set_cert(ssl, client.cert_pem), CASS_OK);
  assert_int_equal(cassl_ssl_set_private_key(ssl, client.key_pem, NULL), CASS_OK);
  return ssl;
}

static cassl_session *new_session(cassl_ssl *ssl, const char *sni,
                                  const cassl_session_options *o)
{
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", sni);
  cassl_session *cs = NULL;
  CassError rc = cassl_session_new_ex(ssl, &peer.peer, o, &cs);
  if (rc != CASS_OK)
    fail_msg("cassl_session_new_ex: %s", cassl_last_error());
  return cs;
}

/* Drives both sides until the client is no longer handshaking and nothing moves: unlike
 * thandshake, it also stops when the client waits in HANDSHAKE_DONE or holds its last
 * flight while the server still waits for it. Returns the client's last CassError. */
static CassError drive(cassl_session *cs, struct tserver *srv)
{
  CassError rc = CASS_OK;
  for (int i = 0; i < 10000; i++) {
    rc = cassl_session_handshake(cs);
    size_t moved = tpump(cs, srv, 0);
    if (!srv->done && !srv->error) {
      tserver_handshake(srv);
      moved += tpump(cs, srv, 0);
    }
    if (cassl_session_get_state(cs) != CASSL_SESSION_HANDSHAKING && !moved)
      return rc;
  }
  fail_msg("handshake did not converge");
  return rc;
}

/* Whether the server received a client certificate. */
static bool server_got_client_cert(const struct tserver *srv)
{
  unsigned n = 0;
  return gnutls_certificate_get_peers(srv->s, &n) != NULL && n > 0;
}

/* The client's first flight, the server's answer fed in one piece, and the client's step on
 * it (the one that completes a TLS 1.3 handshake). */
static void to_final_step(cassl_session *cs, struct tserver *srv)
{
  assert_int_equal(cassl_session_handshake(cs), CASS_OK);
  tpump(cs, srv, 0);
  tserver_handshake(srv);
  tpump_to_client(cs, srv, 0);
  assert_int_equal(cassl_session_handshake(cs), CASS_OK);
}

/* A session holding its final flight, against a TLS 1.3 server that sends no ticket. */
static cassl_session *held_session(cassl_ssl *ssl, struct tserver *srv)
{
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_HOLD_FINAL_FLIGHT;
  cassl_session *cs = new_session(ssl, NULL, &o);
  tserver_init(srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13,
                                            .no_tickets = true });
  return cs;
}

/* ---- per-session verify flags ------------------------------------------------------- */

static void test_session_flags_override_object(void **state)
{
  /* The object checks the chain (and the server's CA is not trusted); this session's own
   * flags check nothing, so it succeeds. */
  cassl_ssl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.verify_flags = CASS_SSL_VERIFY_NONE;
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  cassl_session_free(cs);
  tserver_free(&srv);

  /* And the other way round: an object that checks nothing, a session that checks. */
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  o.verify_flags = CASS_SSL_VERIFY_PEER_CERT;
  cs = new_session(ssl, NULL, &o);
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server });
  assert_int_equal(drive(cs, &srv), CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_inherited_flags_are_a_snapshot(void **state)
{
  cassl_ssl *ssl = tssl_new(&other_ca, CASS_SSL_VERIFY_NONE);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  cassl_session *cs = new_session(ssl, NULL, &o);
  /* Changing the object's flags later does not change a session made before. */
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* ---- SNI policy ----------------------------------------------------------------------- */

/* The server name the server received ("" for none). */
static void sni_seen(cassl_ssl *ssl, const char *peer_sni, cassl_sni_policy policy, char *out,
                     size_t cap)
{
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.sni = policy;
  cassl_session *cs = new_session(ssl, peer_sni, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  unsigned type;
  size_t len = cap;
  if (gnutls_server_name_get(srv.s, out, &len, &type, 0) < 0)
    out[0] = '\0';
  cassl_session_free(cs);
  tserver_free(&srv);
}

static void test_sni_policy(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  char name[256];
  sni_seen(ssl, NULL, CASSL_SNI_AUTO, name, sizeof name);
  assert_string_equal(name, "node1.example"); /* the host name */
  sni_seen(ssl, NULL, CASSL_SNI_NONE, name, sizeof name);
  assert_string_equal(name, "");
  sni_seen(ssl, "proxy.example", CASSL_SNI_NONE, name, sizeof name);
  assert_string_equal(name, "");
  sni_seen(ssl, "proxy.example", CASSL_SNI_EXPLICIT, name, sizeof name);
  assert_string_equal(name, "proxy.example");

  /* EXPLICIT needs a valid name. */
  struct tpeer peer;
  cassl_session *cs = NULL;
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.sni = CASSL_SNI_EXPLICIT;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(cs);
  assert_non_null(strstr(cassl_last_error(), "peer->sni"));
  tpeer_init(&peer, "127.0.0.1", "node1.example", "127.0.0.1");
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_ERROR_LIB_BAD_PARAMS);
  cassl_ssl_free(ssl);
}

/* ---- options validation --------------------------------------------------------------- */

static void test_options_checked(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  cassl_session *cs = NULL;

  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.size = sizeof o - 1;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "CASSL_SESSION_OPTIONS_INIT"));

  o = (cassl_session_options)CASSL_SESSION_OPTIONS_INIT;
  o.flags = 1u << 7;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_ERROR_LIB_BAD_PARAMS);
  o = (cassl_session_options)CASSL_SESSION_OPTIONS_INIT;
  o.sni = (cassl_sni_policy)9;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_ERROR_LIB_BAD_PARAMS);
  o = (cassl_session_options)CASSL_SESSION_OPTIONS_INIT;
  o.verify_flags = -7;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_ERROR_LIB_BAD_PARAMS);

  /* A caller built against a later, larger struct: zeroed new fields are fine, set ones
   * are refused (this library cannot honour them). */
  struct {
    cassl_session_options o;
    unsigned long later;
  } bigger = { CASSL_SESSION_OPTIONS_INIT, 0 };
  bigger.o.size = sizeof bigger;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &bigger.o, &cs), CASS_OK);
  cassl_session_free(cs);
  cs = NULL;
  bigger.later = 1;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &bigger.o, &cs),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_null(cs);

  /* NULL options are the defaults. */
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, NULL, &cs), CASS_OK);
  cassl_session_free(cs);
  cassl_ssl_free(ssl);
}

/* ---- deferred verification ------------------------------------------------------------ */

static void test_deferred_verify_success(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_DEFER_VERIFY;
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13 });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_HANDSHAKE_DONE);
  /* Not usable before verification. */
  assert_int_equal(cassl_session_write(cs, "x", 1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_session_verify(cs), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  assert_int_equal(cassl_session_verify(cs), CASS_OK); /* idempotent */
  ttransfer(cs, &srv, 1000, 0);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* A check that fails is reported by cassl_session_verify, not by the handshake; the alert
 * follows the verification. */
static void deferred_failure(const char *priority, const struct tpki *trusted, int flags,
                             const char *ip, CassError expected, int alert)
{
  cassl_ssl *ssl = tssl_new(trusted, flags);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_DEFER_VERIFY;
  struct tpeer peer;
  tpeer_init(&peer, ip, "node1.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = priority });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_HANDSHAKE_DONE);
  assert_int_equal(cassl_session_verify(cs), expected);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_FAILED);
  assert_int_equal(cassl_session_error(cs), expected);
  assert_true(cassl_session_error_message(cs)[0] != '\0');
  assert_string_equal(cassl_last_error(), cassl_session_error_message(cs));
  assert_true(cassl_session_output_pending(cs) > 0);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_alert_received(&srv), alert);
  assert_int_equal(cassl_session_verify(cs), expected); /* stays failed */
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_deferred_verify_failures(void **state)
{
  deferred_failure(TLS13, &other_ca, CASS_SSL_VERIFY_PEER_CERT, "127.0.0.1",
                   CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNKNOWN_CA);
  deferred_failure(TLS12, &other_ca, CASS_SSL_VERIFY_PEER_CERT, "127.0.0.1",
                   CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNKNOWN_CA);
  deferred_failure(TLS13, &ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY,
                   "127.0.0.2", CASS_ERROR_SSL_IDENTITY_MISMATCH, GNUTLS_A_BAD_CERTIFICATE);
  deferred_failure(TLS12, &ca, CASS_SSL_VERIFY_PEER_IDENTITY, "127.0.0.2",
                   CASS_ERROR_SSL_IDENTITY_MISMATCH, GNUTLS_A_BAD_CERTIFICATE);
}

/* ---- nothing of ours reaches a server we refuse -------------------------------------- */

static void refused_server_gets_no_client_cert(const char *priority, bool defer)
{
  cassl_ssl *ssl = client_ssl(&other_ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = defer ? CASSL_SESSION_DEFER_VERIFY | CASSL_SESSION_HOLD_FINAL_FLIGHT : 0;
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = priority,
                                             .client_cert = GNUTLS_CERT_REQUEST,
                                             .client_ca = &ca });
  CassError rc = drive(cs, &srv);
  if (defer) {
    assert_int_equal(rc, CASS_OK);
    assert_int_equal(cassl_session_verify(cs), CASS_ERROR_SSL_INVALID_PEER_CERT);
  } else {
    assert_int_equal(rc, CASS_ERROR_SSL_INVALID_PEER_CERT);
  }
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_alert_received(&srv), GNUTLS_A_UNKNOWN_CA);
  assert_false(server_got_client_cert(&srv));
  assert_false(srv.done);
  cassl_session_free(cs);
  tserver_free(&srv);

  /* The same client against a server it trusts sends its certificate. */
  cassl_ssl_free(ssl);
  ssl = client_ssl(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cs = new_session(ssl, NULL, &o);
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = priority,
                                             .client_cert = GNUTLS_CERT_REQUEST,
                                             .client_ca = &ca });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_int_equal(cassl_session_verify(cs), CASS_OK);
  assert_int_equal(cassl_session_write(cs, "ping", 4), CASS_OK);
  tpump(cs, &srv, 0);
  if (!srv.done)
    tserver_handshake(&srv);
  assert_true(srv.done);
  assert_true(server_got_client_cert(&srv));
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_refused_server_gets_no_client_cert(void **state)
{
  refused_server_gets_no_client_cert(TLS13, false);
  refused_server_gets_no_client_cert(TLS12, false);
  refused_server_gets_no_client_cert(TLS13, true);
  refused_server_gets_no_client_cert(TLS12, true);
}

/* ---- the held final flight ------------------------------------------------------------ */

static void test_hold_final_flight_tls13(void **state)
{
  cassl_ssl *ssl = client_ssl(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  cassl_session *cs = held_session(ssl, &srv);
  /* The client's first flight, the server's answer, then the client completes: its last
   * flight (Finished) is held, so a loop sees no output. */
  to_final_step(cs, &srv);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  size_t len = 1;
  assert_null(cassl_session_output_peek(cs, &len));
  assert_int_equal(len, 0);
  tpump(cs, &srv, 0);
  tserver_handshake(&srv);
  assert_false(srv.done);

  /* The first write sends it, in front of the data. */
  assert_int_equal(cassl_session_write(cs, "STARTUP", 7), CASS_OK);
  assert_true(cassl_session_output_pending(cs) > 7);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_handshake(&srv), 0);
  assert_true(srv.done);
  char buf[16];
  long n = tserver_recv(&srv, buf, sizeof buf);
  assert_int_equal(n, 7);
  assert_memory_equal(buf, "STARTUP", 7);
  ttransfer(cs, &srv, 5000, 0);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* The server asked for the client's certificate (TLS 1.3), as a ScyllaDB node with
 * require_client_auth (optional or true) does: the flight is held as in every TLS 1.3
 * handshake, so the step that completes it shows no output and the session is done (or
 * waits only for verify), whatever the server does next; it may send nothing at all until
 * the client writes. The first write sends the flight (certificate, its signature, Finished)
 * in front of the data, and a ticket, when the server sends one, is read afterwards. */
static void cert_request_held(bool tickets, bool defer, bool with_cert)
{
  cassl_ssl *ssl = with_cert ? client_ssl(&ca, CASS_SSL_VERIFY_PEER_CERT)
                             : tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_HOLD_FINAL_FLIGHT | (defer ? CASSL_SESSION_DEFER_VERIFY : 0);
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  /* REQUEST: the certificate is asked for and optional (verified when sent; GnuTLS's
   * verification refuses a missing one, so it is on only with a certificate). */
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13,
                                             .client_cert = GNUTLS_CERT_REQUEST,
                                             .client_ca = &ca, .verify_client = with_cert,
                                             .no_tickets = !tickets });
  to_final_step(cs, &srv);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  if (defer) {
    assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_HANDSHAKE_DONE);
    assert_int_equal(cassl_session_verify(cs), CASS_OK);
  }
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(cs, &info), CASS_OK);
  assert_true(info.client_cert_requested);
  assert_int_equal(info.client_cert_sent, with_cert);
  /* The server has nothing yet: it waits for the flight. */
  tpump(cs, &srv, 0);
  tserver_handshake(&srv);
  assert_false(srv.done);

  assert_int_equal(cassl_session_write(cs, "STARTUP", 7), CASS_OK);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_handshake(&srv), 0);
  assert_int_equal(server_got_client_cert(&srv), with_cert);
  char buf[16];
  assert_int_equal(tserver_recv(&srv, buf, sizeof buf), 7);
  assert_memory_equal(buf, "STARTUP", 7);
  tserver_send(&srv, "READY", 5);
  tpump_to_client(cs, &srv, 0);
  size_t n = 0;
  assert_int_equal(cassl_session_read(cs, buf, sizeof buf, &n), CASS_OK);
  assert_int_equal(n, 5); /* a ticket in front of the data is taken on the way */
  assert_memory_equal(buf, "READY", 5);
  ttransfer(cs, &srv, 5000, 0);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_cert_request_flight_held(void **state)
{
  for (int i = 0; i < 8; i++)
    cert_request_held(i & 1, i & 2, i & 4);
}

/* A server that refuses the client's certificate (none, or one from a CA it does not trust)
 * says so with an alert after the client's flight, which goes in front of the first write:
 * the first read after it fails with the alert named, also when verification is deferred
 * (it is not the server's certificate that failed). The handshake itself completed, as it
 * does in every TLS 1.3 client. */
static void cert_refused_after_flight(bool with_cert, bool defer)
{
  cassl_ssl *ssl = with_cert ? client_ssl(&ca, CASS_SSL_VERIFY_PEER_CERT)
                             : tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_HOLD_FINAL_FLIGHT | (defer ? CASSL_SESSION_DEFER_VERIFY : 0);
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13,
                                             .client_cert = GNUTLS_CERT_REQUIRE,
                                             .client_ca = &other_ca, .verify_client = true });
  to_final_step(cs, &srv);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  if (defer)
    assert_int_equal(cassl_session_verify(cs), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  assert_int_equal(cassl_session_write(cs, "STARTUP", 7), CASS_OK);
  tpump(cs, &srv, 0);
  assert_true(tserver_handshake(&srv) < 0);
  tpump_to_client(cs, &srv, 0);
  char buf[16];
  size_t n = 0;
  assert_int_equal(cassl_session_read(cs, buf, sizeof buf, &n), CASS_ERROR_SSL_PROTOCOL_ERROR);
  assert_int_equal(n, 0);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_FAILED);
  const char *why = cassl_session_error_message(cs);
  print_message("%s\n", why);
  assert_non_null(strstr(why, with_cert ? "the server refused the client certificate: "
                                        : "the server refused the connection without a "
                                          "client certificate: "));
  assert_non_null(strstr(why, "fatal alert after the handshake: "));
  /* GnuTLS answers a missing certificate with certificate_required, an untrusted one with
   * its verification alert. */
  if (!with_cert)
    assert_non_null(strstr(why, "certificate_required"));
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_cert_refused_after_flight_is_read_error(void **state)
{
  cert_refused_after_flight(false, false);
  cert_refused_after_flight(false, true);
  cert_refused_after_flight(true, false);
  cert_refused_after_flight(true, true);
}

/* ---- output handed to a sink ---------------------------------------------------------- */

/* A sink that appends to a byte queue (the server's input), or refuses after a budget. */
struct sink_target {
  struct cassl_bytequeue *q;
  size_t calls;
  long budget; /* calls allowed before it refuses; -1 = no limit */
};

static int queue_sink(void *ctx, const void *data, size_t len)
{
  struct sink_target *t = ctx;
  if (t->budget >= 0 && (long)t->calls >= t->budget)
    return 1;
  t->calls++;
  return cassl_bytequeue_push(t->q, data, len) ? 0 : 1;
}

static void test_write_to_sink(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  cassl_session *cs = held_session(ssl, &srv);
  struct sink_target t = { &srv.in, 0, -1 };
  /* Nothing to write to while handshaking, and a sink is required. */
  assert_int_equal(cassl_session_write_to(cs, "x", 1, queue_sink, &t), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
  assert_int_equal(cassl_session_write_to(cs, "x", 1, NULL, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_false(srv.done);

  /* The held flight goes to the sink first, then the records: the server completes its
   * handshake and reads the data; nothing is left queued. */
  enum { BIG = 100000 };
  unsigned char *big = malloc(BIG);
  assert_non_null(big);
  for (size_t i = 0; i < BIG; i++)
    big[i] = tpattern(i, 7);
  assert_int_equal(cassl_session_write_to(cs, "STARTUP", 7, queue_sink, &t), CASS_OK);
  assert_int_equal(cassl_session_write_to(cs, big, BIG, queue_sink, &t), CASS_OK);
  assert_true(t.calls >= 3);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  assert_int_equal(tserver_handshake(&srv), 0);
  assert_true(srv.done);
  char buf[8];
  assert_int_equal(tserver_recv(&srv, buf, 7), 7);
  assert_memory_equal(buf, "STARTUP", 7);
  unsigned char *got = malloc(BIG);
  assert_non_null(got);
  size_t have = 0;
  while (have < BIG) {
    long n = tserver_recv(&srv, got + have, BIG - have);
    assert_true(n > 0);
    have += (size_t)n;
  }
  assert_memory_equal(got, big, BIG);
  /* Output of later calls is queued as usual. */
  assert_int_equal(cassl_session_write(cs, "OPTIONS", 7), CASS_OK);
  assert_true(cassl_session_output_pending(cs) > 7);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_recv(&srv, buf, 7), 7);
  assert_memory_equal(buf, "OPTIONS", 7);
  ttransfer(cs, &srv, 5000, 0);
  free(big);
  free(got);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* A sink that cannot take the bytes fails the session with a sentence: while the queued
 * output (the held flight) goes, or while the write's records go. */
static void sink_refuses(long budget)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  struct tserver srv;
  cassl_session *cs = held_session(ssl, &srv);
  assert_int_equal(drive(cs, &srv), CASS_OK);
  struct sink_target t = { &srv.in, 0, budget };
  assert_int_equal(cassl_session_write_to(cs, "STARTUP", 7, queue_sink, &t),
                   CASS_ERROR_SSL_PROTOCOL_ERROR);
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_FAILED);
  assert_true(strlen(cassl_session_error_message(cs)) > 0);
  assert_int_equal(cassl_session_write(cs, "x", 1), CASS_ERROR_SSL_PROTOCOL_ERROR);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_write_to_sink_refusing(void **state)
{
  sink_refuses(0); /* the held flight */
  sink_refuses(1); /* the records */
}

/* After cassl_session_close a write to a sink is refused: close_notify stays queued, last,
 * and the sink is not called. */
static void test_write_to_sink_after_close(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_HOLD_FINAL_FLIGHT;
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13,
                                             .no_tickets = true });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  struct sink_target t = { &srv.in, 0, -1 };
  assert_int_equal(cassl_session_write_to(cs, "STARTUP", 7, queue_sink, &t), CASS_OK);
  size_t calls = t.calls;
  assert_int_equal(cassl_session_close(cs), CASS_OK);
  size_t close_len = cassl_session_output_pending(cs);
  assert_true(close_len > 0);
  assert_int_equal(cassl_session_write_to(cs, "x", 1, queue_sink, &t), CASS_ERROR_SSL_CLOSED);
  assert_int_equal(cassl_session_write_to(cs, NULL, 0, queue_sink, &t), CASS_ERROR_SSL_CLOSED);
  assert_int_equal(t.calls, calls);
  assert_int_equal(cassl_session_output_pending(cs), close_len);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_handshake(&srv), 0);
  char buf[8];
  assert_int_equal(tserver_recv(&srv, buf, 7), 7);
  assert_memory_equal(buf, "STARTUP", 7);
  assert_int_equal(tserver_recv(&srv, buf, sizeof buf), -1); /* close_notify */
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_hold_released_by_close(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_HOLD_FINAL_FLIGHT | CASSL_SESSION_DEFER_VERIFY;
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = TLS13 });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  assert_int_equal(cassl_session_verify(cs), CASS_OK);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  assert_int_equal(cassl_session_close(cs), CASS_OK);
  assert_true(cassl_session_output_pending(cs) > 0);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_handshake(&srv), 0);
  char buf[8];
  assert_int_equal(tserver_recv(&srv, buf, sizeof buf), -1); /* close_notify */
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* The server's whole flight in one feed, refused by a check during that step: with the
 * held final flight, the step shows no output (TLS 1.3's compatibility ChangeCipherSpec
 * included), so a loop that verifies only after a silent step gets to verify; then only
 * the alert leaves. */
static void refused_in_last_step(const char *priority, const struct tpki *trusted, int flags,
                                 const char *ip, CassError expected, int alert)
{
  cassl_ssl *ssl = tssl_new(trusted, flags);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_DEFER_VERIFY | CASSL_SESSION_HOLD_FINAL_FLIGHT;
  struct tpeer peer;
  tpeer_init(&peer, ip, "node1.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new_ex(ssl, &peer.peer, &o, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = priority });
  assert_int_equal(cassl_session_handshake(cs), CASS_OK);
  tpump(cs, &srv, 0);
  tserver_handshake(&srv);
  tpump_to_client(cs, &srv, 0); /* one feed */
  assert_int_equal(cassl_session_handshake(cs), CASS_OK);
  if (cassl_session_get_state(cs) == CASSL_SESSION_HANDSHAKING) {
    /* TLS 1.2: the client's flight goes, the server's Finished ends it. */
    assert_true(cassl_session_output_pending(cs) > 0);
    tpump(cs, &srv, 0);
    tserver_handshake(&srv);
    tpump_to_client(cs, &srv, 0);
    assert_int_equal(cassl_session_handshake(cs), CASS_OK);
  }
  assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_HANDSHAKE_DONE);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  /* A write to a sink before the verification neither releases the held flight nor calls
   * the sink. */
  struct sink_target t = { &srv.in, 0, -1 };
  assert_int_equal(cassl_session_write_to(cs, "x", 1, queue_sink, &t), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(t.calls, 0);
  assert_int_equal(cassl_session_output_pending(cs), 0);
  assert_int_equal(cassl_session_verify(cs), expected);
  size_t alert_len = cassl_session_output_pending(cs);
  assert_true(alert_len > 0);
  /* After the refusal only the alert may leave, and only through the queue. */
  assert_int_equal(cassl_session_write_to(cs, "x", 1, queue_sink, &t), expected);
  assert_int_equal(t.calls, 0);
  assert_int_equal(cassl_session_output_pending(cs), alert_len);
  tpump(cs, &srv, 0);
  assert_int_equal(tserver_alert_received(&srv), alert);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

static void test_refused_in_last_step_shows_nothing(void **state)
{
  refused_in_last_step(TLS13, &ca, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY,
                       "127.0.0.2", CASS_ERROR_SSL_IDENTITY_MISMATCH, GNUTLS_A_BAD_CERTIFICATE);
  refused_in_last_step(TLS13, &other_ca, CASS_SSL_VERIFY_PEER_CERT, "127.0.0.1",
                       CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNKNOWN_CA);
  refused_in_last_step(TLS12, &other_ca, CASS_SSL_VERIFY_PEER_CERT, "127.0.0.1",
                       CASS_ERROR_SSL_INVALID_PEER_CERT, GNUTLS_A_UNKNOWN_CA);
}

/* TLS 1.2 full handshake: the server's Finished is last, nothing is held. */
static void test_hold_tls12_full_sends_at_once(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  cassl_session_options o = CASSL_SESSION_OPTIONS_INIT;
  o.flags = CASSL_SESSION_HOLD_FINAL_FLIGHT;
  cassl_session *cs = new_session(ssl, NULL, &o);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = TLS12 });
  assert_int_equal(drive(cs, &srv), CASS_OK);
  assert_true(srv.done);
  ttransfer(cs, &srv, 1000, 0);
  cassl_session_free(cs);
  tserver_free(&srv);
  cassl_ssl_free(ssl);
}

/* ---- a feed holding several records --------------------------------------------------- */

static void test_one_feed_many_records(void **state)
{
  /* A certificate of over 16 KiB spans several records; fed in one piece, a single
   * handshake call must use all of it. */
  struct tpki big;
  tpki_leaf(&big, &ca, &(struct tpki_opts){ .cn = "node1.example", .ip = { "127.0.0.1" },
                                            .padding = 40000 });
  const char *priorities[] = { TLS13, TLS12 };
  for (size_t i = 0; i < 2; i++) {
    cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_NONE);
    cassl_session *cs = new_session(ssl, NULL, NULL);
    struct tserver srv;
    tserver_init(&srv, &(struct tserver_opts){ .cert = &big, .priority = priorities[i] });
    assert_int_equal(cassl_session_handshake(cs), CASS_OK);
    tpump(cs, &srv, 0);
    tserver_handshake(&srv);
    assert_true(cassl_bytequeue_size(&srv.out) > 16384 + 5);
    tpump_to_client(cs, &srv, 0); /* one feed */
    assert_int_equal(cassl_session_handshake(cs), CASS_OK);
    if (i == 0) {
      assert_int_equal(cassl_session_get_state(cs), CASSL_SESSION_ESTABLISHED);
      tpump(cs, &srv, 0);
      assert_int_equal(tserver_handshake(&srv), 0);
    } else {
      /* TLS 1.2: the client's flight is out, the server's Finished still to come. */
      assert_true(cassl_session_output_pending(cs) > 0);
      assert_int_equal(drive(cs, &srv), CASS_OK);
    }
    ttransfer(cs, &srv, 100, 0);
    cassl_session_free(cs);
    tserver_free(&srv);
    cassl_ssl_free(ssl);
  }
  tpki_free(&big);
}

/* ---- protocol version range ----------------------------------------------------------- */

static const char *negotiated(cassl_ssl *ssl, const char *server_priority, CassError *rc)
{
  static char proto[32];
  cassl_session *cs = new_session(ssl, NULL, NULL);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server, .priority = server_priority });
  *rc = drive(cs, &srv);
  proto[0] = '\0';
  cassl_session_info info = { 0 };
  if (*rc == CASS_OK && cassl_session_get_info(cs, &info) == CASS_OK)
    snprintf(proto, sizeof proto, "%s", info.protocol);
  cassl_session_free(cs);
  tserver_free(&srv);
  return proto;
}

static void test_version_range(void **state)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  CassError rc;
  assert_string_equal(negotiated(ssl, NULL, &rc), "TLS1.3");
  assert_int_equal(cassl_ssl_set_max_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2), CASS_OK);
  assert_string_equal(negotiated(ssl, NULL, &rc), "TLS1.2");
  /* A TLS 1.3-only server then has nothing in common. */
  negotiated(ssl, TLS13, &rc);
  assert_int_equal(rc, CASS_ERROR_SSL_PROTOCOL_ERROR);
  /* A minimum above the maximum is refused, and so the other way round. */
  assert_int_equal(cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "above the maximum"));
  assert_int_equal(cassl_ssl_set_max_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3), CASS_OK);
  assert_int_equal(cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3), CASS_OK);
  assert_int_equal(cassl_ssl_set_max_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_max_protocol_version(ssl, 7), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_max_protocol_version(ssl, CASS_SSL_VERSION_TLS1_1),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_string_equal(negotiated(ssl, NULL, &rc), "TLS1.3");
  cassl_ssl_free(ssl);
}

/* Every minimum the driver's API accepts gives working sessions (the system policy decides
 * whether TLS 1.0/1.1 are really offered). */
static void test_every_minimum_works(void **state)
{
  static const int minimums[] = { CASS_SSL_VERSION_TLS1, CASS_SSL_VERSION_TLS1_1,
                                  CASS_SSL_VERSION_TLS1_2, CASSL_SSL_VERSION_TLS1_3 };
  for (size_t i = 0; i < sizeof minimums / sizeof minimums[0]; i++) {
    cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
    assert_int_equal(cassl_ssl_set_min_protocol_version(ssl, minimums[i]), CASS_OK);
    CassError rc;
    assert_string_equal(negotiated(ssl, NULL, &rc), "TLS1.3");
    if (minimums[i] != CASSL_SSL_VERSION_TLS1_3)
      assert_string_equal(negotiated(ssl, TLS12, &rc), "TLS1.2");
    cassl_ssl_free(ssl);
  }
}

/* A priority string the setter accepts works in sessions, however long. */
static void test_long_priority_works(void **state)
{
  char priority[4096];
  size_t n = (size_t)snprintf(priority, sizeof priority, "NORMAL");
  /* Repeating a valid element is valid GnuTLS syntax. */
  while (n + 32 < sizeof priority)
    n += (size_t)snprintf(priority + n, sizeof priority - n, ":+AES-256-GCM:+AES-128-GCM");
  assert_true(n > 3000);
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(cassl_ssl_set_priority(ssl, priority), CASS_OK);
  CassError rc;
  negotiated(ssl, NULL, &rc);
  assert_int_equal(rc, CASS_OK);
  cassl_ssl_free(ssl);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_session_flags_override_object),
    cmocka_unit_test(test_inherited_flags_are_a_snapshot),
    cmocka_unit_test(test_sni_policy),
    cmocka_unit_test(test_options_checked),
    cmocka_unit_test(test_deferred_verify_success),
    cmocka_unit_test(test_deferred_verify_failures),
    cmocka_unit_test(test_refused_server_gets_no_client_cert),
    cmocka_unit_test(test_hold_final_flight_tls13),
    cmocka_unit_test(test_cert_request_flight_held),
    cmocka_unit_test(test_cert_refused_after_flight_is_read_error),
    cmocka_unit_test(test_hold_released_by_close),
    cmocka_unit_test(test_write_to_sink),
    cmocka_unit_test(test_write_to_sink_refusing),
    cmocka_unit_test(test_write_to_sink_after_close),
    cmocka_unit_test(test_refused_in_last_step_shows_nothing),
    cmocka_unit_test(test_hold_tls12_full_sends_at_once),
    cmocka_unit_test(test_one_feed_many_records),
    cmocka_unit_test(test_version_range),
    cmocka_unit_test(test_every_minimum_works),
    cmocka_unit_test(test_long_priority_works),
  };
  return cmocka_run_group_tests_name("session_options", tests, group_setup, group_teardown);
}
