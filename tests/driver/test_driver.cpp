/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cpp-driver backend (integrations/cpp-driver) inside a stand-in of the driver
 * (tests/driver/standin: its TLS interfaces, its cass_ssl_* functions, its socket
 * connector's handshake loop and SSL socket paths), over TCP against real servers:
 * gnutls-serv in TLS 1.3 without session tickets (the client's Finished ends the handshake),
 * openssl s_server in TLS 1.2 and 1.3 resuming every reconnect, the JSSE server requiring a
 * client certificate and answering CQL (OPTIONS/SUPPORTED, STARTUP/READY), certificates
 * failing identity or trust (the driver's verify stage, not its handshake stage), SNI sent
 * only when the driver has a server name, a KeyUpdate and a HelloRequest read between two
 * writes (what the read produced goes out in front of the next write, never dropped),
 * per-session verify flags, and the context setters' failures as log lines. */
#include "socket_connector.hpp"

#include "logger.hpp"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

extern "C" {
#include "cql.h"
#include "peers.h"
}

// Last: cmocka's fail() and skip() macros would rename the C++ library's members.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

extern "C" { // cmocka.h declares C functions without saying so
#include <cmocka.h>
}
#include "loopback.h"

using namespace datastax;
using namespace datastax::internal;
using namespace datastax::internal::core;

namespace {

const int PEER_CERT = CASS_SSL_VERIFY_PEER_CERT;
const int PEER_IP = CASS_SSL_VERIFY_PEER_IDENTITY;
const int PEER_DNS = CASS_SSL_VERIFY_PEER_IDENTITY_DNS;

// A palindrome line: gnutls-serv echoes it, openssl s_server -rev reverses it: same bytes.
const char LINE[] = "level\n";

String pki_path(const char* name) {
  const char* path = peers_pki(name);
  if (path == NULL) fail_msg("the test PKI cannot be made (%s)", name);
  return path;
}

String read_pki(const char* name) {
  String path = pki_path(name);
  std::ifstream in(path.c_str(), std::ios::binary);
  if (!in) fail_msg("cannot read %s", path.c_str());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A peer stopped when the test leaves its scope.
struct Node {
  peer* p;
  Node()
      : p(NULL) {}
  ~Node() { peer_stop(p); }
};

typedef int (*start_fn)(const peer_tls_options*, peer**);

void start(start_fn fn, peer_tls_options opts, Node* node) {
  int rc = fn(&opts, &node->p);
  if (rc == PEER_SKIP) skip();
  if (rc != 0) fail_msg("cannot start the TLS server");
}

// A server with the fixture PKI's leaf `cert` (and its -key.pem).
void start_pem(start_fn fn, const char* cert, peer_tls_version version, Node* node,
               const char* servername = NULL) {
  String cert_file = pki_path(cert);
  String key_name = String(cert, strlen(cert) - 4) + "-key.pem";
  String key_file = pki_path(key_name.c_str());
  peer_tls_options opts;
  memset(&opts, 0, sizeof(opts));
  opts.cert_file = cert_file.c_str();
  opts.key_file = key_file.c_str();
  opts.version = version;
  opts.servername = servername;
  start(fn, opts, node);
}

// The application's side, through the driver's own cass_ssl_* functions.
CassSsl* new_ssl(const char* trusted, int flags) {
  CassSsl* ssl = cass_ssl_new();
  assert_non_null(ssl);
  String ca = read_pki(trusted);
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, ca.c_str()), CASS_OK);
  cass_ssl_set_verify_flags(ssl, flags);
  return ssl;
}

SocketSettings settings_for(CassSsl* ssl) {
  SocketSettings settings;
  settings.ssl_context.reset(ssl->from());
  return settings;
}

// Connects to the peer as the driver's SocketConnector does; the connector stays the
// caller's to inspect.
SocketConnector* connect_to(const peer* p, CassSsl* ssl, const String& hostname = String(),
                            const String& server_name = String()) {
  Address address(peer_host(p), peer_port(p), server_name);
  SocketConnector* connector = new SocketConnector(address, hostname, settings_for(ssl));
  connector->connect();
  return connector;
}

Socket* expect_connected(SocketConnector* connector) {
  if (!connector->is_ok())
    fail_msg("connect failed (%d): %s", connector->error_code(),
             connector->error_message().c_str());
  assert_true(connector->largest_handshake_write() <= SSL_HANDSHAKE_MAX_BUFFER_SIZE);
  Socket* socket = connector->release_socket();
  assert_non_null(socket);
  return socket;
}

cassl_session_info info_of(Socket* socket) {
  const cassl_session* session = static_cast<CasslSession*>(socket->ssl_session())->cassl();
  assert_non_null(session);
  cassl_session_info info;
  assert_int_equal(cassl_session_get_info(session, &info), CASS_OK);
  return info;
}

// Writes data, reads until want came back.
void exchange(Socket* socket, const String& data, const String& want) {
  socket->plaintext().clear();
  assert_true(socket->write(data));
  if (!socket->read_at_least(want.size()))
    fail_msg("read failed: %s", socket->ssl_session()->error_message().c_str());
  assert_true(socket->plaintext() == want);
}

void expect_error(SocketConnector* connector, SocketConnector::SocketError code,
                  CassError ssl_code, const char* prefix, const char* needle) {
  if (connector->error_code() != code || connector->ssl_error_code() != ssl_code)
    fail_msg("expected socket error %d / %s, got %d / %s: %s", code, cassl_error_name(ssl_code),
             connector->error_code(), cassl_error_name(connector->ssl_error_code()),
             connector->error_message().c_str());
  const String& message = connector->error_message();
  if (message.compare(0, strlen(prefix), prefix) != 0 || message.find(needle) == String::npos)
    fail_msg("message \"%s\" is not \"%s...%s...\"", message.c_str(), prefix, needle);
  assert_null(connector->release_socket());
}

// The first request after a TLS 1.3 handshake whose client certificate the node refused:
// the write goes out (with the held final flight in front), the read fails with the node's
// alert, and the socket is defunct, as SslSocketHandler::on_read leaves it.
void expect_refused_on_first_read(Socket* socket, const char* needle) {
  socket->plaintext().clear();
  assert_true(socket->write("OPTIONS"));
  assert_false(socket->read_at_least(1));
  assert_true(socket->is_defunct());
  SslSession* session = socket->ssl_session();
  const String& message = session->error_message();
  print_message("first read: %s\n", message.c_str());
  if (session->error_code() != CASS_ERROR_SSL_PROTOCOL_ERROR ||
      message.find("fatal alert after the handshake") == String::npos ||
      message.find(needle) == String::npos)
    fail_msg("expected the node's refusal (%s), got %s: %s", needle,
             cassl_error_name(session->error_code()), message.c_str());
}

const char HANDSHAKE_PREFIX[] = "Error during SSL handshake: ";
const char VERIFY_PREFIX[] = "Error verifying peer certificate: ";

/* ---- TLS 1.3 without session tickets ------------------------------------------------- */

// The client's Finished is the last handshake message: held, then sent in front of the first
// write. The context can go before its sessions.
void test_gnutls_tls13_no_tickets(void**) {
  const char* hosts[] = { "127.0.0.1", "::1" };
  for (int h = 0; h < 2; ++h) {
    if (!loopback_usable(hosts[h], "that host is left out")) continue;
    Node node;
    String cert_file = pki_path("server-ip.pem");
    String key_file = pki_path("server-ip-key.pem");
    peer_tls_options opts;
    memset(&opts, 0, sizeof(opts));
    opts.host = hosts[h];
    opts.cert_file = cert_file.c_str();
    opts.key_file = key_file.c_str();
    opts.version = PEER_TLS1_3;
    opts.no_tickets = true;
    start(peer_start_gnutls_serv, opts, &node);

    CassSsl* ssl = new_ssl("ca.pem", PEER_CERT | PEER_IP);
    SocketConnector* connector = connect_to(node.p, ssl);
    ScopedPtr<Socket> socket(expect_connected(connector));
    delete connector;
    cass_ssl_free(ssl); // the last reference to the context: the session keeps libcassl's

    cassl_session_info info = info_of(socket.get());
    assert_string_equal(info.protocol, "TLS1.3");
    assert_false(info.resumed);
    exchange(socket.get(), LINE, LINE);
    // 400 palindrome lines: several 8 KiB encrypt() pieces in one write.
    String lines;
    for (int i = 0; i < 400; ++i) {
      String half(31, static_cast<char>('a' + i % 26));
      lines += half + "-" + half + "\n";
    }
    exchange(socket.get(), lines, lines);
  }
}

/* ---- any server, no waiting: client certificates requested or required ------------- */

// Far below the connect timeout (5 s here, the driver's default is 5 s too): what finishes
// without waiting takes milliseconds; what waits would take the timeout.
const unsigned CONNECT_TIMEOUT_MS = 5000;
const double PROMPT_MS = 2000;

double now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

void expect_prompt(double since, const char* what) {
  double took = now_ms() - since;
  if (took > PROMPT_MS) fail_msg("%s took %.0f ms (the loop waited on the node)", what, took);
}

enum ClientCert { NO_CERT, VALID_CERT };

CassSsl* ssl_with(ClientCert cert) {
  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT | PEER_IP);
  if (cert == VALID_CERT) {
    String pem = read_pki("client.pem");
    String key = read_pki("client-key-enc.pem");
    assert_int_equal(cass_ssl_set_cert(ssl, pem.c_str()), CASS_OK);
    assert_int_equal(cass_ssl_set_private_key(ssl, key.c_str(), "cassandra"), CASS_OK);
  }
  return ssl;
}

// A TLS 1.3 node with server-ip.pem that sends no session ticket and asks for client
// certificates as auth says, trusting those of client_ca.
void start_auth_node(start_fn fn, peer_client_auth auth, const char* client_ca, bool tickets,
                     Node* node) {
  String cert_file = pki_path("server-ip.pem");
  String key_file = pki_path("server-ip-key.pem");
  String ca_file = pki_path(client_ca);
  peer_tls_options opts;
  memset(&opts, 0, sizeof(opts));
  opts.cert_file = cert_file.c_str();
  opts.key_file = key_file.c_str();
  opts.client_ca_file = ca_file.c_str();
  opts.client_auth = auth;
  opts.version = PEER_TLS1_3;
  opts.no_tickets = !tickets;
  start(fn, opts, node);
}

// Connects through the driver's loop with a 5 s timeout; the connect must end at once.
SocketConnector* connect_promptly(const peer* p, CassSsl* ssl) {
  SocketSettings settings = settings_for(ssl);
  settings.timeout_ms = CONNECT_TIMEOUT_MS;
  SocketConnector* connector =
      new SocketConnector(Address(peer_host(p), peer_port(p)), String(), settings);
  double since = now_ms();
  connector->connect();
  expect_prompt(since, "the connect");
  return connector;
}

// One node, one client: accepted (an exchange works and says what was sent) or refused on
// the first read after the handshake with the alert named (needle).
void no_wait(start_fn fn, peer_client_auth auth, const char* client_ca, ClientCert cert,
             const char* needle) {
  Node node;
  start_auth_node(fn, auth, client_ca, false, &node);
  CassSsl* ssl = ssl_with(cert);
  ScopedPtr<SocketConnector> connector(connect_promptly(node.p, ssl));
  ScopedPtr<Socket> socket(expect_connected(connector.get()));
  double since = now_ms();
  if (needle == NULL) {
    exchange(socket.get(), LINE, LINE);
    cassl_session_info info = info_of(socket.get());
    assert_string_equal(info.protocol, "TLS1.3");
    assert_int_equal(info.client_cert_requested, auth != PEER_CLIENT_AUTH_NONE);
    assert_int_equal(info.client_cert_sent, cert == VALID_CERT && auth != PEER_CLIENT_AUTH_NONE);
  } else {
    expect_refused_on_first_read(socket.get(), needle);
  }
  expect_prompt(since, "the first exchange");
  cass_ssl_free(ssl);
}

const char* const MISSING = "the server asked for a client certificate and none is set";
const char* const REFUSED = "the server refused the client certificate: ";

// gnutls-serv --noticket, the stand-in for a ScyllaDB node (Seastar's TLS is GnuTLS) without
// enable_session_tickets: certificate not requested, requested (require_client_auth:
// optional) with or without one, required (valid, missing, from a CA the node does not
// trust).
void test_gnutls_no_tickets_client_auth(void**) {
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_NONE, "ca.pem", NO_CERT, NULL);
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_NONE, "ca.pem", VALID_CERT, NULL);
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_REQUEST, "ca.pem", NO_CERT, NULL);
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_REQUEST, "ca.pem", VALID_CERT, NULL);
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_REQUIRE, "ca.pem", VALID_CERT, NULL);
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_REQUIRE, "ca.pem", NO_CERT, MISSING);
  no_wait(peer_start_gnutls_serv, PEER_CLIENT_AUTH_REQUIRE, "other-ca.pem", VALID_CERT,
          REFUSED);
}

// openssl s_server -num_tickets 0 (netty/tcnative nodes use OpenSSL) with -verify
// (requested) and -Verify (required).
void test_openssl_no_tickets_client_auth(void**) {
  no_wait(peer_start_openssl, PEER_CLIENT_AUTH_REQUEST, "ca.pem", NO_CERT, NULL);
  no_wait(peer_start_openssl, PEER_CLIENT_AUTH_REQUEST, "ca.pem", VALID_CERT, NULL);
  no_wait(peer_start_openssl, PEER_CLIENT_AUTH_REQUIRE, "ca.pem", VALID_CERT, NULL);
  no_wait(peer_start_openssl, PEER_CLIENT_AUTH_REQUIRE, "ca.pem", NO_CERT, MISSING);
  no_wait(peer_start_openssl, PEER_CLIENT_AUTH_REQUIRE, "other-ca.pem", VALID_CERT, REFUSED);
}

// Tickets that come after the client's Finished (a GnuTLS node sends two once it has read
// the held flight, i.e. with the answer to the first request): taken in by decrypt(), so
// every reconnect resumes, a certificate requested or not, and the client certificate is
// sent only in full handshakes.
void test_late_tickets_resume(void**) {
  const peer_client_auth auths[] = { PEER_CLIENT_AUTH_REQUEST, PEER_CLIENT_AUTH_REQUIRE };
  for (int a = 0; a < 2; ++a) {
    Node node;
    start_auth_node(peer_start_gnutls_serv, auths[a], "ca.pem", true, &node);
    CassSsl* ssl = ssl_with(VALID_CERT);
    const int rounds = 6;
    int resumed = 0;
    for (int i = 0; i < rounds; ++i) {
      ScopedPtr<SocketConnector> connector(connect_promptly(node.p, ssl));
      ScopedPtr<Socket> socket(expect_connected(connector.get()));
      exchange(socket.get(), LINE, LINE);
      cassl_session_info info = info_of(socket.get());
      if (info.resumed != (i > 0)) fail_msg("connection %d: resumed %d", i, info.resumed);
      resumed += info.resumed;
    }
    print_message("%d of %d reconnects resumed\n", resumed, rounds - 1);
    cass_ssl_free(ssl);
  }
}

/* ---- resumption through the driver's loop -------------------------------------------- */

void resume_against(peer_tls_version version, const char* protocol) {
  Node node;
  start_pem(peer_start_openssl, "server-ip.pem", version, &node);
  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT | PEER_IP);
  for (int i = 0; i < 4; ++i) {
    SocketConnector* connector = connect_to(node.p, ssl);
    ScopedPtr<Socket> socket(expect_connected(connector));
    delete connector;
    exchange(socket.get(), LINE, LINE); // TLS 1.3: the ticket arrives before the answer
    cassl_session_info info = info_of(socket.get());
    assert_string_equal(info.protocol, protocol);
    if (info.resumed != (i > 0))
      fail_msg("connection %d: resumed %d", i, info.resumed);
  }
  cass_ssl_free(ssl);
}

// A resumed TLS 1.2 handshake ends with the client's Finished.
void test_openssl_tls12_resumption(void**) { resume_against(PEER_TLS1_2, "TLS1.2"); }

void test_openssl_tls13_resumption(void**) { resume_against(PEER_TLS1_3, "TLS1.3"); }

/* ---- JSSE: client certificate and CQL ------------------------------------------------ */

void start_jsse(peer_tls_version version, Node* node) {
  String keystore = pki_path("jks/keystore.jks");
  String truststore = pki_path("jks/truststore.jks");
  peer_tls_options opts;
  memset(&opts, 0, sizeof(opts));
  opts.keystore = keystore.c_str();
  opts.truststore = truststore.c_str();
  opts.client_auth = PEER_CLIENT_AUTH_REQUIRE;
  opts.version = version;
  opts.mode = PEER_MODE_CQL;
  start(peer_start_jsse, opts, node);
}

// The driver's SSL guide: trust the node's exported certificate, the driver's certificate
// and its encrypted key, PEER_CERT | PEER_IDENTITY.
CassSsl* guide_ssl(bool with_cert) {
  CassSsl* ssl = new_ssl("jks/node.pem", PEER_CERT | PEER_IP);
  if (with_cert) {
    String cert = read_pki("jks/driver-cert.pem");
    String key = read_pki("jks/driver-key.pem");
    assert_int_equal(cass_ssl_set_cert(ssl, cert.c_str()), CASS_OK);
    assert_int_equal(cass_ssl_set_private_key(ssl, key.c_str(), "cassandra"), CASS_OK);
  }
  return ssl;
}

// Sends one CQL frame and returns the answer's header (its body is left in plaintext()).
cql_header cql_request(Socket* socket, const uint8_t* frame, size_t len) {
  socket->plaintext().clear();
  assert_true(socket->write(String(reinterpret_cast<const char*>(frame), len)));
  if (!socket->read_at_least(CQL_HEADER_LEN))
    fail_msg("no CQL answer: %s", socket->ssl_session()->error_message().c_str());
  cql_header h;
  const uint8_t* data = reinterpret_cast<const uint8_t*>(socket->plaintext().data());
  assert_int_equal(cql_parse_header(data, socket->plaintext().size(), &h), CQL_OK);
  assert_true(socket->read_at_least(CQL_HEADER_LEN + h.length));
  return h;
}

// OPTIONS/SUPPORTED then STARTUP/READY, as the driver opens a connection.
void test_jsse_client_cert_cql(void**) {
  Node node;
  start_jsse(PEER_TLS_DEFAULT, &node);
  CassSsl* ssl = guide_ssl(true);
  SocketConnector* connector = connect_promptly(node.p, ssl);
  ScopedPtr<Socket> socket(expect_connected(connector));
  delete connector;

  uint8_t frame[256];
  size_t len = cql_encode_options(frame, sizeof(frame), 1);
  cql_header h = cql_request(socket.get(), frame, len);
  assert_int_equal(h.version, CQL_VERSION_RESPONSE);
  assert_int_equal(h.opcode, CQL_OP_SUPPORTED);
  assert_int_equal(h.stream, 1);
  cql_multimap supported;
  const uint8_t* body =
      reinterpret_cast<const uint8_t*>(socket->plaintext().data()) + CQL_HEADER_LEN;
  assert_int_equal(cql_parse_multimap(body, h.length, &supported), CQL_OK);
  assert_string_equal(cql_multimap_get(&supported, "CQL_VERSION"), "3.4.5");
  cql_multimap_free(&supported);

  len = cql_encode_startup(frame, sizeof(frame), 2, "3.4.5");
  h = cql_request(socket.get(), frame, len);
  assert_int_equal(h.opcode, CQL_OP_READY);
  assert_int_equal(h.stream, 2);
  assert_int_equal(h.length, 0);

  cassl_session_info info = info_of(socket.get());
  assert_string_equal(info.protocol, "TLS1.3");
  assert_true(info.client_cert_sent);
  cass_ssl_free(ssl);
}

// Without a certificate the node refuses the client: in TLS 1.2 before its Finished, so the
// connect fails in its handshake stage; in TLS 1.3 with an alert after the client's final
// flight, which leaves with the first request: the connect succeeds at once (a node that
// accepts would send nothing more) and the first read fails with the alert named, as the
// driver's SslSocketHandler sees it. libcassl's sentence either way.
void test_jsse_client_cert_missing(void**) {
  const char* hint = "the server asked for a client certificate and none is set";
  const peer_tls_version versions[] = { PEER_TLS1_3, PEER_TLS1_2 };
  for (int v = 0; v < 2; ++v) {
    Node node;
    start_jsse(versions[v], &node);
    CassSsl* ssl = guide_ssl(false);
    ScopedPtr<SocketConnector> connector(connect_promptly(node.p, ssl));
    double since = now_ms();
    if (versions[v] == PEER_TLS1_2) {
      expect_error(connector.get(), SocketConnector::SOCKET_ERROR_SSL_HANDSHAKE,
                   CASS_ERROR_SSL_PROTOCOL_ERROR, HANDSHAKE_PREFIX, hint);
    } else {
      ScopedPtr<Socket> socket(expect_connected(connector.get()));
      expect_refused_on_first_read(socket.get(), hint);
      expect_prompt(since, "the first exchange");
    }
    cass_ssl_free(ssl);
  }
}

/* ---- verification: the verify stage, as with OpenSSL --------------------------------- */

void expect_verify_error(start_fn fn, const char* cert, peer_tls_version version, int flags,
                         const char* hostname, CassError ssl_code, const char* needle,
                         int alert = 0) {
  Node node;
  start_pem(fn, cert, version, &node);
  CassSsl* ssl = new_ssl("ca.pem", flags);
  ScopedPtr<SocketConnector> connector(connect_to(node.p, ssl, hostname ? hostname : ""));
  print_message("%s with %s (TLS %s): %s\n",
                fn == peer_start_openssl ? "openssl" : "gnutls-serv", cert,
                version == PEER_TLS1_2 ? "1.2" : "1.3", connector->error_message().c_str());
  expect_error(connector.get(), SocketConnector::SOCKET_ERROR_SSL_VERIFY, ssl_code,
               VERIFY_PREFIX, needle);
  // The node hears why (the patched connector writes the alert before closing).
  if (alert != 0 && !peer_saw_alert(node.p, alert, 5000))
    fail_msg("the node did not log the fatal alert %d", alert);
  cass_ssl_free(ssl);
}

// IP SAN 10.9.9.9 reached at 127.0.0.1; DNS names localhost and node.cassl.test checked
// against another name. TLS 1.3 (gnutls-serv) and 1.2 (openssl s_server).
void test_identity_mismatch_at_verify(void**) {
  expect_verify_error(peer_start_gnutls_serv, "server-san-override.pem", PEER_TLS1_3,
                      PEER_CERT | PEER_IP, NULL, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "do not match", 42 /* bad_certificate */);
  expect_verify_error(peer_start_openssl, "server-san-override.pem", PEER_TLS1_2,
                      PEER_CERT | PEER_IP, NULL, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "do not match", 42);
  expect_verify_error(peer_start_gnutls_serv, "server-dns.pem", PEER_TLS1_3,
                      PEER_CERT | PEER_DNS, "wrong.cassl.test",
                      CASS_ERROR_SSL_IDENTITY_MISMATCH, "wrong.cassl.test");
  expect_verify_error(peer_start_openssl, "server-dns.pem", PEER_TLS1_2, PEER_CERT | PEER_DNS,
                      "wrong.cassl.test", CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "wrong.cassl.test");
}

void test_untrusted_ca_at_verify(void**) {
  expect_verify_error(peer_start_gnutls_serv, "server-wrongca.pem", PEER_TLS1_3, PEER_CERT,
                      NULL, CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer",
                      48 /* unknown_ca */);
  expect_verify_error(peer_start_openssl, "server-wrongca.pem", PEER_TLS1_2, PEER_CERT, NULL,
                      CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer", 48);
}

// A failed handshake step sends the alert the session queued before the socket closes (the
// packager's patch), so whatever answers on the node's port hears why: here a plain-text
// reply to the ClientHello (a port that is not TLS-enabled).
void test_handshake_error_sends_alert(void**) {
  static const char reply[] = "HTTP/1.0 400 Bad Request\r\n\r\n";
  Node node;
  assert_int_equal(peer_start_plain("127.0.0.1", reply, sizeof(reply) - 1, &node.p), 0);
  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT);
  ScopedPtr<SocketConnector> connector(connect_to(node.p, ssl));
  expect_error(connector.get(), SocketConnector::SOCKET_ERROR_SSL_HANDSHAKE,
               CASS_ERROR_SSL_PROTOCOL_ERROR, HANDSHAKE_PREFIX, "did not answer with TLS");
  unsigned char got[64];
  size_t n = peer_plain_after_reply(node.p, got, sizeof(got), 5000);
  // One alert record: content type 21, version 3.x, length 2, level fatal (2).
  if (n != 7 || got[0] != 21 || got[1] != 3 || got[3] != 0 || got[4] != 2 || got[5] != 2)
    fail_msg("the node got %zu bytes after its reply, not one fatal alert record", n);
  print_message("the node got the fatal alert %u\n", got[6]);
  cass_ssl_free(ssl);
}

// The DNS name checked is the driver's host name, and a matching one connects.
void test_dns_identity_match(void**) {
  Node node;
  start_pem(peer_start_gnutls_serv, "server-dns.pem", PEER_TLS_DEFAULT, &node);
  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT | PEER_DNS);
  SocketConnector* connector = connect_to(node.p, ssl, "node.cassl.test");
  ScopedPtr<Socket> socket(expect_connected(connector));
  delete connector;
  exchange(socket.get(), LINE, LINE);
  cass_ssl_free(ssl);
}

// Each session verifies with the context's flags when the driver created it (the driver's
// set_verify_flags never reaches libcassl's object).
void test_session_flags_from_context(void**) {
  Node node;
  start_pem(peer_start_gnutls_serv, "server-wrongca.pem", PEER_TLS_DEFAULT, &node);
  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT);
  {
    ScopedPtr<SocketConnector> connector(connect_to(node.p, ssl));
    assert_int_equal(connector->error_code(), SocketConnector::SOCKET_ERROR_SSL_VERIFY);
  }
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  SocketConnector* connector = connect_to(node.p, ssl);
  ScopedPtr<Socket> socket(expect_connected(connector));
  delete connector;
  exchange(socket.get(), LINE, LINE);
  cass_ssl_free(ssl);
}

/* ---- SNI only when the driver has a server name -------------------------------------- */

// The node accepts only the SNI node.cassl.test, or none.
void test_sni_only_when_given(void**) {
  Node node;
  start_pem(peer_start_openssl, "server-dns.pem", PEER_TLS_DEFAULT, &node, "node.cassl.test");
  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT | PEER_DNS);

  // Host name localhost, no server name: no SNI (sending the host name would be refused).
  SocketConnector* connector = connect_to(node.p, ssl, "localhost");
  ScopedPtr<Socket> socket(expect_connected(connector));
  delete connector;
  exchange(socket.get(), LINE, LINE);
  socket.reset(); // s_server serves one connection at a time

  connector = connect_to(node.p, ssl, "localhost", "node.cassl.test");
  socket.reset(expect_connected(connector));
  delete connector;
  exchange(socket.get(), LINE, LINE);
  socket.reset();

  ScopedPtr<SocketConnector> refused(connect_to(node.p, ssl, "localhost", "other.cassl.test"));
  assert_int_equal(refused->error_code(), SocketConnector::SOCKET_ERROR_SSL_HANDSHAKE);
  assert_int_equal(refused->ssl_error_code(), CASS_ERROR_SSL_PROTOCOL_ERROR);
  cass_ssl_free(ssl);
}

/* ---- post-handshake messages read between two writes ------------------------------- */

// A GnuTLS server on a TCP socket. After the first line it sends a post-handshake message,
// then answers: TLS 1.3, a KeyUpdate asking the client to update too (the second line
// decrypts only if the client's KeyUpdate went in front of it); TLS 1.2, a HelloRequest,
// which the client's read answers with a no_renegotiation warning that must reach the server
// in front of the second line.
struct PostHandshakeServer {
  bool tls12;
  int listen_fd;
  uint16_t port;
  pthread_t thread;
  String cert_file, key_file;
  String received; // what the server read: lines, and "<alert N>" for warnings
  int error;       // the GnuTLS error that ended it, 0 if none
};

bool server_line(gnutls_session_t s, PostHandshakeServer* srv) {
  char buf[256];
  String line;
  while (line.empty() || line[line.size() - 1] != '\n') {
    ssize_t n = gnutls_record_recv(s, buf, sizeof(buf));
    if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) continue;
    if (n == GNUTLS_E_WARNING_ALERT_RECEIVED) {
      snprintf(buf, sizeof(buf), "<alert %d>", static_cast<int>(gnutls_alert_get(s)));
      srv->received += buf;
      continue;
    }
    if (n <= 0) {
      srv->error = n == 0 ? GNUTLS_E_PREMATURE_TERMINATION : static_cast<int>(n);
      return false;
    }
    line.append(buf, static_cast<size_t>(n));
  }
  srv->received += line;
  return true;
}

void* post_handshake_server(void* arg) {
  PostHandshakeServer* srv = static_cast<PostHandshakeServer*>(arg);
  int fd = accept(srv->listen_fd, NULL, NULL);
  if (fd < 0) return NULL;
  gnutls_certificate_credentials_t creds;
  gnutls_session_t s;
  gnutls_certificate_allocate_credentials(&creds);
  gnutls_certificate_set_x509_key_file(creds, srv->cert_file.c_str(), srv->key_file.c_str(),
                                       GNUTLS_X509_FMT_PEM);
  gnutls_init(&s, GNUTLS_SERVER);
  gnutls_priority_set_direct(
      s, srv->tls12 ? "NORMAL:-VERS-ALL:+VERS-TLS1.2" : "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL);
  gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds);
  gnutls_transport_set_int(s, fd);
  gnutls_handshake_set_timeout(s, 10000);
  int rc;
  do {
    rc = gnutls_handshake(s);
  } while (rc < 0 && !gnutls_error_is_fatal(rc));
  if (rc < 0) {
    srv->error = rc;
  } else if (server_line(s, srv)) {
    rc = srv->tls12 ? gnutls_rehandshake(s) : gnutls_session_key_update(s, GNUTLS_KU_PEER);
    if (rc >= 0) rc = static_cast<int>(gnutls_record_send(s, "pong1\n", 6));
    if (rc < 0) {
      srv->error = rc;
    } else if (server_line(s, srv)) {
      gnutls_record_send(s, "pong2\n", 6);
      gnutls_bye(s, GNUTLS_SHUT_WR);
    }
  }
  gnutls_deinit(s);
  gnutls_certificate_free_credentials(creds);
  close(fd);
  return NULL;
}

void post_handshake_between_writes(bool tls12) {
  PostHandshakeServer srv;
  srv.tls12 = tls12;
  srv.error = 0;
  srv.cert_file = pki_path("server-ip.pem");
  srv.key_file = pki_path("server-ip-key.pem");
  srv.listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(srv.listen_fd >= 0);
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(sin);
  struct sockaddr* sa = reinterpret_cast<struct sockaddr*>(&sin);
  assert_int_equal(bind(srv.listen_fd, sa, len), 0);
  assert_int_equal(listen(srv.listen_fd, 1), 0);
  assert_int_equal(getsockname(srv.listen_fd, sa, &len), 0);
  srv.port = ntohs(sin.sin_port);
  assert_int_equal(pthread_create(&srv.thread, NULL, post_handshake_server, &srv), 0);

  CassSsl* ssl = new_ssl("ca.pem", PEER_CERT | PEER_IP);
  {
    SocketConnector connector(Address("127.0.0.1", srv.port), String(), settings_for(ssl));
    connector.connect();
    ScopedPtr<Socket> socket(expect_connected(&connector));
    exchange(socket.get(), "ping1\n", "pong1\n");
    // What the read produced is not in the driver's buffer: only writes fill it.
    assert_int_equal(socket->ssl_session()->outgoing().length(), 0);
    exchange(socket.get(), "ping2\n", "pong2\n");
  }
  pthread_join(srv.thread, NULL);
  close(srv.listen_fd);
  if (srv.error != 0) fail_msg("server: %s", gnutls_strerror(srv.error));
  char want[64];
  snprintf(want, sizeof(want), "ping1\n%sping2\n", tls12 ? "<alert 100>" : "");
  if (srv.received != want)
    fail_msg("the server read \"%s\", not \"%s\"", srv.received.c_str(), want);
  cass_ssl_free(ssl);
}

void test_key_update_between_writes(void**) { post_handshake_between_writes(false); }

void test_hello_request_between_writes(void**) { post_handshake_between_writes(true); }

/* ---- the context's setters ----------------------------------------------------------- */

// Failures return the driver's codes and log libcassl's sentence after the OpenSSL
// backend's words.
void test_context_setters(void**) {
  CassSsl* ssl = cass_ssl_new();
  assert_non_null(ssl);
  standin_clear_log();
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, "not a certificate"),
                   CASS_ERROR_SSL_INVALID_CERT);
  String logged = standin_last_log_error();
  assert_true(logged.compare(0, 31, "Unable to load certificate(s): ") == 0);
  assert_true(logged.size() > 31);

  standin_clear_log();
  assert_int_equal(cass_ssl_set_cert(ssl, "-----BEGIN CERTIFICATE-----\nAAAA\n"),
                   CASS_ERROR_SSL_INVALID_CERT);
  logged = standin_last_log_error();
  assert_true(logged.compare(0, 33, "Unable to load certificate chain:") == 0);

  standin_clear_log();
  String key = read_pki("client-key-enc.pem");
  assert_int_equal(cass_ssl_set_private_key(ssl, key.c_str(), "wrong password"),
                   CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  logged = standin_last_log_error();
  assert_true(logged.compare(0, 27, "Unable to load private key:") == 0);

  assert_int_equal(cass_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2), CASS_OK);
  standin_clear_log();
  assert_int_equal(cass_ssl_set_min_protocol_version(ssl, static_cast<CassSslTlsVersion>(9)),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_true(strlen(standin_last_log_error()) > 0);
  // 3 is libcassl's TLS 1.3, not a value of the driver's enum: refused, as the OpenSSL
  // backend and libcassl's own cass_ssl_set_min_protocol_version refuse it.
  standin_clear_log();
  assert_int_equal(cass_ssl_set_min_protocol_version(ssl, static_cast<CassSslTlsVersion>(3)),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(standin_last_log_error(), "is not a CassSslTlsVersion"));
  assert_int_equal(cass_ssl_set_min_protocol_version(ssl, static_cast<CassSslTlsVersion>(-1)),
                   CASS_ERROR_LIB_BAD_PARAMS);

  String ca = read_pki("ca.pem");
  String cert = read_pki("client.pem");
  String plain_key = read_pki("client-key.pem");
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, ca.c_str()), CASS_OK);
  assert_int_equal(cass_ssl_set_cert(ssl, cert.c_str()), CASS_OK);
  assert_int_equal(cass_ssl_set_private_key(ssl, plain_key.c_str(), NULL), CASS_OK);
  cass_ssl_free(ssl);
}

} // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_context_setters),
    cmocka_unit_test(test_gnutls_tls13_no_tickets),
    cmocka_unit_test(test_openssl_tls12_resumption),
    cmocka_unit_test(test_openssl_tls13_resumption),
    cmocka_unit_test(test_identity_mismatch_at_verify),
    cmocka_unit_test(test_untrusted_ca_at_verify),
    cmocka_unit_test(test_handshake_error_sends_alert),
    cmocka_unit_test(test_dns_identity_match),
    cmocka_unit_test(test_session_flags_from_context),
    cmocka_unit_test(test_sni_only_when_given),
    cmocka_unit_test(test_key_update_between_writes),
    cmocka_unit_test(test_hello_request_between_writes),
    cmocka_unit_test(test_jsse_client_cert_cql),
    cmocka_unit_test(test_jsse_client_cert_missing),
    cmocka_unit_test(test_gnutls_no_tickets_client_auth),
    cmocka_unit_test(test_openssl_no_tickets_client_auth),
    cmocka_unit_test(test_late_tickets_resume),
  };
  if (getenv("CASSL_TEST_FILTER") != NULL) cmocka_set_test_filter(getenv("CASSL_TEST_FILTER"));
  SslContextFactory::init_once();
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  SslContextFactory::cleanup();
  return failed;
}
