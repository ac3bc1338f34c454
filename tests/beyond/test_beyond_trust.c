/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl_ssl_add_system_trust and cassl_ssl_add_crl(_n) against gnutls-serv.
 *
 * System trust: this GnuTLS (Debian's) reads its system store from
 * /etc/ssl/certs/ca-certificates.crt, and has no environment override for it. The case that
 * is true on this machine is tested directly (the store's certificate count, or the failure
 * when ca-certificates is not installed); the failure paths are tested for real in a child
 * process with its own mount namespace, where an empty file is bind-mounted over the store
 * or an empty tmpfs over /etc/ssl/certs. Where namespaces are not allowed those two cases
 * skip, saying so.
 *
 * CRLs: tests/fixtures/crl.sh makes them with certtool --generate-crl over the test PKI. */
#define _GNU_SOURCE 1 /* unshare */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "beyond_util.h"

#define PEER_CERT CASS_SSL_VERIFY_PEER_CERT
#define PEER_IP CASS_SSL_VERIFY_PEER_IDENTITY
#define SYSTEM_STORE "/etc/ssl/certs/ca-certificates.crt"

static void trust_test_ca(CassSsl *ssl)
{
  char *pem = tnet_read_file(tnet_pki("ca.pem"));
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, pem), CASS_OK);
  free(pem);
}

/* ---- system trust -------------------------------------------------------------------- */

static unsigned count_certs(const char *path)
{
  size_t len;
  char *text = beyond_read(path, &len);
  unsigned n = 0;
  for (const char *p = text; (p = strstr(p, "-----BEGIN CERTIFICATE-----")); p++)
    n++;
  free(text);
  return n;
}

static void test_system_trust_here(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  unsigned added = 12345;
  CassError rc = cassl_ssl_add_system_trust(ssl, &added);
  struct stat st;
  if (stat(SYSTEM_STORE, &st) == 0 && count_certs(SYSTEM_STORE) > 0) {
    if (rc != CASS_OK)
      fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
    assert_int_equal(added, count_certs(SYSTEM_STORE));
    assert_string_equal(cassl_ssl_last_error(ssl), "");
    /* A NULL count is fine. */
    assert_int_equal(cassl_ssl_add_system_trust(ssl, NULL), CASS_OK);
  } else {
    fprintf(stderr, "note: %s is missing here; checking the failure\n", SYSTEM_STORE);
    beyond_expect_setter(ssl, rc, CASS_ERROR_SSL_INVALID_CERT, "no system trust store found");
    assert_int_equal(added, 0);
  }
  assert_int_equal(cassl_ssl_add_system_trust(NULL, &added), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(added, 0);
  cass_ssl_free(ssl);
}

/* The system's CAs do not make the test CA trusted. */
static void test_system_trust_is_not_everything(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT | PEER_IP);
  if (cassl_ssl_add_system_trust(ssl, NULL) != CASS_OK)
    skip();
  peer *p = beyond_gnutls_serv(tnet_pki("server-ip.pem"), tnet_pki("server-ip-key.pem"), NULL,
                               PEER_CLIENT_AUTH_NONE, PEER_TLS_DEFAULT);
  beyond_expect(ssl, p, CASS_ERROR_SSL_INVALID_PEER_CERT, "unknown issuer");
  trust_test_ca(ssl);
  beyond_expect(ssl, p, CASS_OK, NULL);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static int write_text(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* A mount namespace of our own (and a user namespace when not privileged). */
static int private_mounts(void)
{
  if (unshare(CLONE_NEWNS) != 0) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    char map[64];
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
      return -1;
    write_text("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (write_text("/proc/self/uid_map", map) != 0)
      return -1;
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (write_text("/proc/self/gid_map", map) != 0)
      return -1;
  }
  /* The kernel ignores source and type here; strings rather than NULL keep valgrind quiet. */
  return mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL);
}

enum hide { HIDE_EMPTY_FILE, HIDE_DIRECTORY };

/* In a child with its own mounts: hides the system store, then expects the failure. Exit
 * 0 passed, 1 failed (reason on stderr), 77 namespaces or mounts not allowed here. */
static int child_without_store(enum hide how, const char *empty_file)
{
  if (private_mounts() != 0) {
    fprintf(stderr, "cannot make a private mount namespace: %s\n", strerror(errno));
    return 77;
  }
  int m = how == HIDE_EMPTY_FILE
              ? mount(empty_file, SYSTEM_STORE, "none", MS_BIND, NULL)
              : mount("none", "/etc/ssl/certs", "tmpfs", 0, "size=64k");
  if (m != 0) {
    fprintf(stderr, "cannot hide the system store: %s\n", strerror(errno));
    return 77;
  }
  CassSsl *ssl = cass_ssl_new();
  unsigned added = 99;
  CassError rc = cassl_ssl_add_system_trust(ssl, &added);
  const char *msg = cassl_ssl_last_error(ssl);
  fprintf(stderr, "without the store: %s, %u added: %s\n", cassl_error_name(rc), added, msg);
  bool ok = rc == CASS_ERROR_SSL_INVALID_CERT && added == 0 &&
            strstr(msg, "no system trust store found: GnuTLS found no CA certificate in the "
                        "system's store (is the ca-certificates package installed?)");
  cass_ssl_free(ssl);
  return ok ? 0 : 1;
}

static void run_without_store(enum hide how)
{
  struct stat st;
  if (stat(how == HIDE_EMPTY_FILE ? SYSTEM_STORE : "/etc/ssl/certs", &st) != 0) {
    fprintf(stderr, "skipping: %s does not exist here (test_system_trust_here covers it)\n",
            how == HIDE_EMPTY_FILE ? SYSTEM_STORE : "/etc/ssl/certs");
    skip();
  }
  char empty[] = "/tmp/cassl-empty-store.XXXXXX";
  int fd = mkstemp(empty);
  assert_true(fd >= 0);
  close(fd);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(child_without_store(how, empty));
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  unlink(empty);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) {
    fprintf(stderr, "skipping: no private mount namespace here, the missing-store case "
                    "cannot be made without touching the real store\n");
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_system_trust_empty_store(void **state)
{
  run_without_store(HIDE_EMPTY_FILE);
}

static void test_system_trust_missing_store(void **state)
{
  run_without_store(HIDE_DIRECTORY);
}

/* ---- CRLs ---------------------------------------------------------------------------- */

static CassError add_crl_file(CassSsl *ssl, const char *name)
{
  char rel[256];
  snprintf(rel, sizeof rel, "beyond/crl/%s", name);
  size_t len;
  char *pem = beyond_read(beyond_path(rel), &len);
  CassError rc = cassl_ssl_add_crl_n(ssl, pem, len);
  free(pem);
  return rc;
}

static peer *server(const char *name, peer_tls_version version)
{
  char cert[256], key[256], cert_path[4096];
  snprintf(cert, sizeof cert, "%s.pem", name);
  snprintf(key, sizeof key, "%s-key.pem", name);
  snprintf(cert_path, sizeof cert_path, "%s", tnet_pki(cert));
  return beyond_gnutls_serv(cert_path, tnet_pki(key), NULL, PEER_CLIENT_AUTH_NONE, version);
}

static void revoked_server(peer_tls_version version, const char *crl)
{
  peer *p = server("server-ip", version);
  CassSsl *ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT | PEER_IP);
  beyond_expect(ssl, p, CASS_OK, NULL); /* trusted before the CRL */
  CassError rc = add_crl_file(ssl, crl);
  if (rc != CASS_OK)
    fail_msg("%s: %s", cassl_error_name(rc), cassl_ssl_last_error(ssl));
  assert_string_equal(cassl_ssl_last_error(ssl), "");
  beyond_expect(ssl, p, CASS_ERROR_SSL_INVALID_PEER_CERT,
                "the server's certificate chain is not trusted: revoked");
  /* The server hears why: certificate_revoked (44). */
  if (!peer_saw_alert(p, 44, 5000))
    fail_msg("gnutls-serv did not receive certificate_revoked");
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_crl_revokes_server_tls13(void **state)
{
  revoked_server(PEER_TLS1_3, "revoked-server-ip.crl");
}

static void test_crl_revokes_server_tls12(void **state)
{
  revoked_server(PEER_TLS1_2, "revoked-server-ip.crl");
}

/* Two CRLs in one buffer: the second revokes. */
static void test_crl_two_in_one_buffer(void **state)
{
  revoked_server(PEER_TLS_DEFAULT, "two.crl");
}

/* The CA's CRL revoking nothing, and a CRL revoking another server, leave a good server
 * trusted; CRLs only matter to PEER_CERT, so flags without it are not affected. */
static void test_crl_spares_the_rest(void **state)
{
  peer *dns = server("server-dns", PEER_TLS_DEFAULT);
  peer *ip = server("server-ip", PEER_TLS_DEFAULT);
  CassSsl *ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT);
  assert_int_equal(add_crl_file(ssl, "empty.crl"), CASS_OK);
  beyond_expect(ssl, ip, CASS_OK, NULL);
  assert_int_equal(add_crl_file(ssl, "revoked-server-ip.crl"), CASS_OK);
  beyond_expect(ssl, dns, CASS_OK, NULL);
  beyond_expect(ssl, ip, CASS_ERROR_SSL_INVALID_PEER_CERT, "revoked");
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  beyond_expect(ssl, ip, CASS_OK, NULL);
  cass_ssl_set_verify_flags(ssl, PEER_IP);
  beyond_expect(ssl, ip, CASS_OK, NULL);
  cass_ssl_free(ssl);
  peer_stop(dns);
  peer_stop(ip);
}

/* A CRL must come from a CA trusted before it is added; a refused buffer adds nothing. */
static void test_crl_untrusted_issuer(void **state)
{
  CassSsl *ssl = beyond_ssl(NULL, PEER_CERT);
  beyond_expect_setter(ssl, add_crl_file(ssl, "revoked-server-ip.crl"),
                       CASS_ERROR_SSL_INVALID_CERT,
                       "CRL 1 was issued by \"O=cassl tests,CN=cassl test CA\", which is not a "
                       "trusted certificate; add its CA (cass_ssl_add_trusted_cert) before the CRL");
  trust_test_ca(ssl);
  beyond_expect_setter(ssl, add_crl_file(ssl, "other-ca.crl"), CASS_ERROR_SSL_INVALID_CERT,
                       "CRL 1 was issued by \"O=cassl tests,CN=cassl unrelated CA\"");
  /* The good first CRL of a buffer whose second is refused is not added either. */
  size_t a_len, b_len;
  char *a = beyond_read(beyond_path("beyond/crl/revoked-server-ip.crl"), &a_len);
  char *b = beyond_read(beyond_path("beyond/crl/other-ca.crl"), &b_len);
  char *both = malloc(a_len + b_len);
  assert_non_null(both);
  memcpy(both, a, a_len);
  memcpy(both + a_len, b, b_len);
  beyond_expect_setter(ssl, cassl_ssl_add_crl_n(ssl, both, a_len + b_len),
                       CASS_ERROR_SSL_INVALID_CERT, "CRL 2 was issued by");
  free(a);
  free(b);
  free(both);
  peer *p = server("server-ip", PEER_TLS_DEFAULT);
  beyond_expect(ssl, p, CASS_OK, NULL);
  cass_ssl_free(ssl);
  peer_stop(p);
}

static void test_crl_bad_input(void **state)
{
  CassSsl *ssl = beyond_ssl(tnet_pki("ca.pem"), PEER_CERT);
  beyond_expect_setter(ssl, cassl_ssl_add_crl(ssl, NULL), CASS_ERROR_SSL_INVALID_CERT,
                       "no CRL given (NULL)");
  beyond_expect_setter(ssl, cassl_ssl_add_crl(ssl, "garbage"), CASS_ERROR_SSL_INVALID_CERT,
                       "no PEM CRL (\"-----BEGIN X509 CRL-----\") in 7 bytes");
  beyond_expect_setter(ssl, cassl_ssl_add_crl_n(ssl, "", 0), CASS_ERROR_SSL_INVALID_CERT,
                       "no PEM CRL (\"-----BEGIN X509 CRL-----\") in 0 bytes");
  /* A certificate is not a CRL. */
  size_t len;
  char *cert = beyond_read(tnet_pki("ca.pem"), &len);
  beyond_expect_setter(ssl, cassl_ssl_add_crl_n(ssl, cert, len), CASS_ERROR_SSL_INVALID_CERT,
                       "no PEM CRL");
  free(cert);
  beyond_expect_setter(ssl,
                       cassl_ssl_add_crl(ssl, "-----BEGIN X509 CRL-----\nAAAA\n"
                                              "-----END X509 CRL-----\n"),
                       CASS_ERROR_SSL_INVALID_CERT, "the CRL cannot be parsed: ");
  /* Only the first length bytes count: a cut CRL is refused. */
  char *crl = beyond_read(beyond_path("beyond/crl/empty.crl"), &len);
  beyond_expect_setter(ssl, cassl_ssl_add_crl_n(ssl, crl, len / 2), CASS_ERROR_SSL_INVALID_CERT,
                       "the CRL cannot be parsed: ");
  /* A damaged signature (the last base64 characters before the END line). */
  char *end = strstr(crl, "\n-----END");
  assert_non_null(end);
  char *victim = end - 6;
  *victim = *victim == 'A' ? 'B' : 'A';
  beyond_expect_setter(ssl, cassl_ssl_add_crl_n(ssl, crl, len), CASS_ERROR_SSL_INVALID_CERT,
                       "CRL 1 does not verify against its trusted issuer \"O=cassl tests,CN=cassl "
                       "test CA\": bad signature");
  free(crl);
  assert_int_equal(cassl_ssl_add_crl(NULL, "x"), CASS_ERROR_LIB_BAD_PARAMS);
  cass_ssl_free(ssl);
}

static int group_setup(void **state)
{
  return beyond_make_fixtures("crl.sh") == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_system_trust_here),
    cmocka_unit_test(test_system_trust_is_not_everything),
    cmocka_unit_test(test_system_trust_empty_store),
    cmocka_unit_test(test_system_trust_missing_store),
    cmocka_unit_test(test_crl_revokes_server_tls13),
    cmocka_unit_test(test_crl_revokes_server_tls12),
    cmocka_unit_test(test_crl_two_in_one_buffer),
    cmocka_unit_test(test_crl_spares_the_rest),
    cmocka_unit_test(test_crl_untrusted_issuer),
    cmocka_unit_test(test_crl_bad_input),
  };
  return cmocka_run_group_tests(tests, group_setup, NULL);
}
