/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Secret hygiene: passwords, decrypted private keys and session secrets are wiped before
 * their memory is released.
 *
 * secret_scan.c, linked into this binary, interposes free() and realloc() for the whole
 * process (GnuTLS, nettle and GMP included). While the scanner is armed, every block being
 * freed, or moved away by realloc, is searched for:
 *   - the password (as given, and as GnuTLS's UTF-32 normalisation holds it) and a wrong
 *     password that was tried,
 *   - a 32-byte window from the middle of the private exponent d and of the prime p, both as
 *     they appear in the key's DER (big-endian) and as GMP/nettle hold them (little-endian).
 * The key's values come from a child process that decrypts it with GnuTLS, so this process
 * never held them before the scan starts (no stale copies in recycled blocks), and the test's
 * own password lives in static memory.
 * For a real handshake (TLS 1.3 and 1.2, with a client certificate) the server runs in a
 * child and logs its secrets (keylog); every block freed meanwhile is kept aside and searched
 * for them afterwards.
 *
 * Each hit is attributed to the code that called free: libcassl (linked into this
 * executable) or a library (by its file name, or the library function whose final tail call
 * reached free). Hits in libcassl fail the test; hits inside the TLS library and its
 * dependencies are printed with their stack and counted separately, not hidden. */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cassl/cassl.h"
#include "cassl/session.h"
#include "hardening_util.h"
#include "secret_scan.h"

#define WINDOW SCAN_WINDOW

static char password[128]; /* the fixtures' password, read without the heap */
static const char wrong_password[] = "Wrong-Password-For-The-Scan-42";

/* ---- the secrets, computed in a child ----------------------------------------------------- */

/* The 32 bytes from the middle of a big-endian integer (leading zeros skipped), as written
 * in DER (be) and as a little-endian limb array holds them (le). */
static void middle_window(const gnutls_datum_t *v, unsigned char be[WINDOW], unsigned char le[WINDOW])
{
  const unsigned char *d = v->data;
  size_t n = v->size;
  while (n > 0 && *d == 0) {
    d++;
    n--;
  }
  size_t start = n > WINDOW ? (n - WINDOW) / 2 : 0;
  for (size_t i = 0; i < WINDOW; i++) {
    be[i] = d[start + i];
    le[WINDOW - 1 - i] = d[start + i];
  }
}

/* In a child: decrypt the key with GnuTLS and send the four windows through a pipe. */
static bool compute_key_windows(const char *encrypted_key)
{
  int fds[2];
  if (pipe(fds) != 0)
    return false;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return false;
  if (pid == 0) {
    close(fds[0]);
    unsigned char out[4][WINDOW];
    gnutls_x509_privkey_t key;
    gnutls_datum_t pem = { (unsigned char *)encrypted_key, (unsigned)strlen(encrypted_key) };
    gnutls_datum_t m, e, d, p, q, u;
    if (gnutls_global_init() < 0 || gnutls_x509_privkey_init(&key) < 0 ||
        gnutls_x509_privkey_import2(key, &pem, GNUTLS_X509_FMT_PEM, password, 0) < 0 ||
        gnutls_x509_privkey_export_rsa_raw(key, &m, &e, &d, &p, &q, &u) < 0 ||
        d.size < 2 * WINDOW || p.size < 2 * WINDOW)
      _exit(1);
    middle_window(&d, out[0], out[1]);
    middle_window(&p, out[2], out[3]);
    _exit(write(fds[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 1);
  }
  close(fds[1]);
  unsigned char in[4][WINDOW];
  size_t got = 0;
  while (got < sizeof in) {
    ssize_t r = read(fds[0], (unsigned char *)in + got, sizeof in - got);
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  close(fds[0]);
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      got != sizeof in)
    return false;
  scan_add_pattern("private exponent d (DER, big-endian)", in[0], WINDOW);
  scan_add_pattern("private exponent d (little-endian limbs)", in[1], WINDOW);
  scan_add_pattern("prime p (DER, big-endian)", in[2], WINDOW);
  scan_add_pattern("prime p (little-endian limbs)", in[3], WINDOW);
  explicit_bzero(in, sizeof in);
  return true;
}

/* The password file, read into static memory with read(2): no stdio buffer on the heap. */
static void read_password(void)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/hardening/password", getenv("CASSL_FIXTURES"));
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  ssize_t n = read(fd, password, sizeof password - 1);
  close(fd);
  if (n <= 0) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(1);
  }
  password[n] = '\0';
}

/* ---- the cases -------------------------------------------------------------------------- */

static char *client_pem, *keys[6], *p12;
static size_t p12_len;
static const char *key_names[6] = {
  "client-pbes2-aes.key", "client-pbes1-3des.key", "client-trad-aes.key",
  "client-trad-3des.key", "client-p12.key", "client.key",
};

static void expect_clean(const char *what)
{
  scan_disarm();
  unsigned ours = scan_report(what);
  if (scan_blocks_scanned() == 0)
    fail_msg("%s: no freed block was scanned: the allocator is not interposed", what);
  if (ours)
    fail_msg("%s: %u freed blocks still held a secret in libcassl's own code", what, ours);
}

/* The scanner itself: a block with the password freed unwiped from this executable is a
 * hit attributed to libcassl's side; a wiped one is not. */
static void test_scanner_sees_an_unwiped_block(void **state)
{
  (void)state;
  size_t n = strlen(password);
  char *volatile wiped = malloc(64);
  char *volatile leaky = malloc(64);
  assert_non_null(wiped);
  assert_non_null(leaky);
  scan_arm();
  memcpy(wiped, password, n);
  explicit_bzero(wiped, n);
  free(wiped);
  memcpy(leaky, password, n);
  free(leaky);
  scan_disarm();
  assert_int_equal(scan_blocks_scanned(), 2);
  assert_int_equal(scan_hit_count(), 1);
  assert_true(scan_hit_in_libcassl(0));
  assert_string_equal(scan_hit_pattern(0), "password");
  scan_clear_hits();
}

/* Each encoding of the key: load it with its password, then free everything. */
static void test_load_and_free(void **state)
{
  (void)state;
  for (size_t i = 0; i < 6; i++) {
    bool encrypted = strcmp(key_names[i], "client.key") != 0;
    scan_arm();
    CassSsl *ssl = cass_ssl_new();
    assert_non_null(ssl);
    CassError rc = cass_ssl_set_private_key_n(ssl, keys[i], strlen(keys[i]),
                                              encrypted ? password : NULL,
                                              encrypted ? strlen(password) : 0);
    if (rc != CASS_OK) {
      scan_disarm();
      fail_msg("%s: %s %s", key_names[i], cassl_error_name(rc), cassl_ssl_last_error(ssl));
    }
    cass_ssl_free(ssl);
    expect_clean(key_names[i]);
  }
}

/* The whole pair from the PKCS#12 file, with its password (and a wrong one first). */
static void test_pkcs12_load_and_free(void **state)
{
  (void)state;
  scan_arm();
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  CassError wrong = cassl_ssl_set_pkcs12_n(ssl, p12, p12_len, wrong_password,
                                           strlen(wrong_password));
  CassError right = cassl_ssl_set_pkcs12_n(ssl, p12, p12_len, password, strlen(password));
  cass_ssl_free(ssl);
  expect_clean("client.p12");
  assert_int_equal(wrong, CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_int_equal(right, CASS_OK);
}

/* A wrong password, then the right one, on one object; the pair with its certificate. */
static void test_wrong_password_then_pair(void **state)
{
  (void)state;
  scan_arm();
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  CassError wrong = cass_ssl_set_private_key(ssl, keys[0], wrong_password);
  CassError cert = cass_ssl_set_cert(ssl, client_pem);
  CassError right = cass_ssl_set_private_key(ssl, keys[0], password);
  cass_ssl_free(ssl);
  expect_clean("wrong password, then certificate and key");
  assert_int_equal(wrong, CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_int_equal(cert, CASS_OK);
  assert_int_equal(right, CASS_OK);
}

/* A session holds the credentials (and a reference on the CassSsl) until it is freed. */
static void test_session_keeps_and_releases(void **state)
{
  (void)state;
  scan_arm();
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  CassError cert = cass_ssl_set_cert(ssl, client_pem);
  CassError key = cass_ssl_set_private_key(ssl, keys[2], password);
  cassl_peer peer = { .hostname = "node1.example.com" };
  cassl_session *session = NULL;
  CassError made = cassl_session_new(ssl, &peer, &session);
  cass_ssl_free(ssl); /* the session keeps it alive */
  if (made == CASS_OK)
    (void)cassl_session_handshake(session); /* queues the ClientHello */
  cassl_session_free(session);
  expect_clean("credentials held by a session");
  assert_int_equal(cert, CASS_OK);
  assert_int_equal(key, CASS_OK);
  assert_int_equal(made, CASS_OK);
}

/* ---- a real handshake: the server runs in a child and logs its secrets -------------- */

static int keylog_fd = -1;

/* In the child: each secret as "label\0", one length byte, the bytes. */
static int log_secret(gnutls_session_t session, const char *label, const gnutls_datum_t *secret)
{
  (void)session;
  unsigned char len = (unsigned char)(secret->size > 255 ? 255 : secret->size);
  if (write(keylog_fd, label, strlen(label) + 1) < 0 || write(keylog_fd, &len, 1) < 0 ||
      write(keylog_fd, secret->data, len) < 0)
    return -1;
  return 0;
}

static void fixture_path(char *out, size_t cap, const char *name)
{
  snprintf(out, cap, "%s/hardening/%s", getenv("CASSL_FIXTURES"), name);
}

/* In the child: a GnuTLS server on sock that asks for a client certificate, sends one
 * message, reads the client's, and closes. Its allocations stay out of the scanned process. */
static void serve(int sock, int log, const char *priority)
{
  char cert[4096], key[4096];
  fixture_path(cert, sizeof cert, "server.pem");
  fixture_path(key, sizeof key, "server.key");
  keylog_fd = log;
  gnutls_certificate_credentials_t creds;
  gnutls_session_t s;
  if (gnutls_global_init() < 0 || gnutls_certificate_allocate_credentials(&creds) < 0 ||
      gnutls_certificate_set_x509_key_file(creds, cert, key, GNUTLS_X509_FMT_PEM) < 0 ||
      gnutls_init(&s, GNUTLS_SERVER) < 0 ||
      gnutls_priority_set_direct(s, priority, NULL) < 0 ||
      gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds) < 0)
    _exit(10);
  gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
  gnutls_session_set_keylog_function(s, log_secret);
  gnutls_transport_set_int(s, sock);
  int ret;
  do
    ret = gnutls_handshake(s);
  while (ret < 0 && !gnutls_error_is_fatal(ret));
  if (ret < 0) {
    fprintf(stderr, "test server: handshake failed: %s\n", gnutls_strerror(ret));
    _exit(11);
  }
  if (gnutls_record_send(s, "hello from the server", 21) != 21)
    _exit(12);
  char buf[256];
  do
    ret = (int)gnutls_record_recv(s, buf, sizeof buf);
  while (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED);
  if (ret <= 0)
    _exit(13);
  gnutls_bye(s, GNUTLS_SHUT_WR);
  _exit(0);
}

static bool flush_output(cassl_session *c, int sock)
{
  size_t len;
  const void *out;
  while ((out = cassl_session_output_peek(c, &len)) != NULL && len > 0) {
    ssize_t w = write(sock, out, len);
    if (w <= 0)
      return false;
    cassl_session_output_consume(c, (size_t)w);
  }
  return true;
}

/* Drives the client to the end: handshake, ping, the server's message, close. */
static bool talk(cassl_session *c, int sock, char *why, size_t cap)
{
  bool sent = false, heard = false;
  unsigned char buf[16384];
  for (int i = 0; i < 200; i++) {
    cassl_session_state st = cassl_session_get_state(c);
    if (st == CASSL_SESSION_HANDSHAKING && cassl_session_handshake(c) != CASS_OK)
      break;
    if (cassl_session_get_state(c) == CASSL_SESSION_ESTABLISHED) {
      if (!sent && cassl_session_write(c, "ping", 4) == CASS_OK)
        sent = true;
      size_t n;
      CassError rc;
      while ((rc = cassl_session_read(c, buf, sizeof buf, &n)) == CASS_OK && n > 0)
        heard = true;
      if (rc == CASS_ERROR_SSL_CLOSED) {
        (void)cassl_session_close(c);
        flush_output(c, sock);
        return sent && heard;
      }
    }
    if (!flush_output(c, sock) || cassl_session_get_state(c) == CASSL_SESSION_FAILED)
      break;
    struct pollfd pfd = { .fd = sock, .events = POLLIN };
    if (poll(&pfd, 1, 100) > 0) {
      ssize_t r = read(sock, buf, sizeof buf);
      if (r <= 0)
        break;
      if (cassl_session_feed(c, buf, (size_t)r) != CASS_OK)
        break;
    }
  }
  snprintf(why, cap, "session did not finish: state %d, %s", (int)cassl_session_get_state(c),
           cassl_session_error_message(c));
  return false;
}

/* Reads the child's secrets and turns each into a pattern (its first 32 bytes). */
static void add_logged_secrets(int log, const char *version)
{
  static unsigned char data[8192];
  size_t len = 0;
  ssize_t r;
  while (len < sizeof data && (r = read(log, data + len, sizeof data - len)) > 0)
    len += (size_t)r;
  size_t off = 0;
  while (off < len) {
    const char *label = (const char *)data + off;
    size_t label_len = strnlen(label, len - off);
    if (off + label_len + 2 > len)
      break;
    size_t n = data[off + label_len + 1];
    const unsigned char *secret = data + off + label_len + 2;
    if (off + label_len + 2 + n > len)
      break;
    char name[48];
    snprintf(name, sizeof name, "%s %.30s", version, label);
    scan_add_pattern(name, secret, n);
    off += label_len + 2 + n;
  }
  explicit_bzero(data, sizeof data);
}

static void handshake_and_scan(const char *version, const char *priority)
{
  int sv[2], logp[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  assert_int_equal(pipe(logp), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(sv[0]);
    close(logp[0]);
    serve(sv[1], logp[1], priority);
  }
  close(sv[1]);
  close(logp[1]);

  size_t base_patterns = scan_pattern_count();
  char trusted[4096];
  fixture_path(trusted, sizeof trusted, "ca.pem");
  char *ca = hardening_fixture("ca.pem", NULL);

  /* Everything from here to the last free is recorded. */
  scan_record(true);
  CassSsl *ssl = cass_ssl_new();
  CassError trust = cass_ssl_add_trusted_cert(ssl, ca);
  CassError cert = cass_ssl_set_cert(ssl, client_pem);
  CassError key = cass_ssl_set_private_key(ssl, keys[0], password);
  cassl_peer peer = { .hostname = "node1.example.com" };
  cassl_session *session = NULL;
  CassError made = cassl_session_new(ssl, &peer, &session);
  char why[1024] = "";
  bool talked = made == CASS_OK && talk(session, sv[0], why, sizeof why);
  cassl_session_info info;
  char protocol[32] = "";
  if (talked && cassl_session_get_info(session, &info) == CASS_OK)
    snprintf(protocol, sizeof protocol, "%s", info.protocol);
  cassl_session_free(session);
  cass_ssl_free(ssl);
  scan_record(false);

  free(ca);
  close(sv[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  add_logged_secrets(logp[0], version);
  close(logp[0]);
  size_t logged = scan_pattern_count() - base_patterns;
  scan_saved();
  scan_drop_patterns(base_patterns);

  char what[64];
  snprintf(what, sizeof what, "%s handshake with a client certificate", version);
  unsigned ours = scan_report(what);
  assert_int_equal(trust, CASS_OK);
  assert_int_equal(cert, CASS_OK);
  assert_int_equal(key, CASS_OK);
  assert_int_equal(made, CASS_OK);
  if (!talked)
    fail_msg("%s (server exit status %d)", why, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_string_equal(protocol, version);
  if (logged == 0)
    fail_msg("the server logged no secrets");
  if (ours)
    fail_msg("%s: %u freed blocks still held a secret in libcassl's own code", what, ours);
}

static void test_tls13_session_secrets(void **state)
{
  (void)state;
  handshake_and_scan("TLS1.3", "NORMAL:-VERS-ALL:+VERS-TLS1.3");
}

static void test_tls12_session_secrets(void **state)
{
  (void)state;
  handshake_and_scan("TLS1.2", "NORMAL:-VERS-ALL:+VERS-TLS1.2");
}

int main(void)
{
  const char *why_not = scan_unsupported();
  if (why_not) {
    fprintf(stderr, "skipped: %s; the secret scan runs in the plain build\n", why_not);
    return 77;
  }
  signal(SIGPIPE, SIG_IGN); /* a test server that gives up must not kill the test */
  hardening_fixtures_init();
  read_password();
  scan_add_pattern("password", (const unsigned char *)password, strlen(password));
  scan_add_pattern("wrong password", (const unsigned char *)wrong_password, strlen(wrong_password));
  {
    /* GnuTLS normalises passwords through UTF-32 (NFKC): look for that form too. */
    static unsigned char utf32[WINDOW];
    for (size_t i = 0; i < WINDOW / 4 && password[i]; i++)
      utf32[4 * i] = (unsigned char)password[i];
    if (strlen(password) >= WINDOW / 4)
      scan_add_pattern("password (UTF-32)", utf32, WINDOW);
  }
  client_pem = hardening_fixture("client.pem", NULL);
  p12 = hardening_fixture("client.p12", &p12_len);
  for (size_t i = 0; i < 6; i++)
    keys[i] = hardening_fixture(key_names[i], NULL);
  {
    /* Initialise the TLS library before the scan (it allocates once). */
    CassSsl *warm = cass_ssl_new();
    cass_ssl_free(warm);
  }
  /* The windows of the key come from a child; this process never decrypts before arming. */
  if (!compute_key_windows(keys[0])) {
    fprintf(stderr, "cannot decrypt %s with GnuTLS to learn the key's secret values\n",
            key_names[0]);
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scanner_sees_an_unwiped_block),
    cmocka_unit_test(test_load_and_free),
    cmocka_unit_test(test_pkcs12_load_and_free),
    cmocka_unit_test(test_wrong_password_then_pair),
    cmocka_unit_test(test_session_keeps_and_releases),
    cmocka_unit_test(test_tls13_session_secrets),
    cmocka_unit_test(test_tls12_session_secrets),
  };
  int rc = cmocka_run_group_tests_name("secrets", tests, NULL, NULL);
  free(client_pem);
  free(p12);
  for (size_t i = 0; i < 6; i++)
    free(keys[i]);
  return rc;
}
