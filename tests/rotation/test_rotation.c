/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Credentials bound to files and their reload (cassl_ssl_set_cert_key_files, _trusted_file,
 * _crl_file, cassl_ssl_reload, the reload interval): what a reload takes in (rename into
 * place, the Kubernetes directory-symlink swap, an in-place rewrite), what it refuses and
 * keeps (a half-rotated pair, a truncated or unreadable file), what established sessions
 * keep, and when resumption data goes. The server is an in-process GnuTLS session that
 * requires a client certificate, so each handshake shows which pair the client sent. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "session_util.h"

static struct tpki ca, other_ca, server, other_server, client_a, client_b;
static char dir[256];
static gnutls_datum_t stek; /* one ticket key for every in-process server: resumption works */

/* ---- files --------------------------------------------------------------------------- */

static const char *path_in(const char *name)
{
  static char buf[8][512];
  static unsigned next;
  char *p = buf[next++ % 8];
  snprintf(p, sizeof buf[0], "%s/%s", dir, name);
  return p;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, data, len), (ssize_t)len);
  close(fd);
}

static void write_text(const char *path, const char *text)
{
  write_bytes(path, text, strlen(text));
}

/* Writes text to a temporary file beside path and renames it over path (an atomic swap). */
static void rename_into_place(const char *path, const char *text)
{
  char tmp[600];
  snprintf(tmp, sizeof tmp, "%s.new", path);
  write_text(tmp, text);
  assert_int_equal(rename(tmp, path), 0);
}

static void write_pair(const char *cert, const char *key, const struct tpki *p)
{
  rename_into_place(cert, p->cert_pem);
  rename_into_place(key, p->key_pem);
}

static int group_setup(void **state)
{
  tpki_ca(&ca, "cassl test CA");
  tpki_ca(&other_ca, "another CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .cn = "127.0.0.1", .ip = { "127.0.0.1" } });
  tpki_leaf(&other_server, &other_ca,
            &(struct tpki_opts){ .cn = "127.0.0.1", .ip = { "127.0.0.1" } });
  tpki_leaf(&client_a, &ca, &(struct tpki_opts){ .cn = "driver-a", .client = true });
  tpki_leaf(&client_b, &ca, &(struct tpki_opts){ .cn = "driver-b", .client = true });
  assert_int_equal(gnutls_session_ticket_key_generate(&stek), 0);
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/cassl-rotation-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(dir));
  return 0;
}

static int group_teardown(void **state)
{
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  tpki_free(&ca);
  tpki_free(&other_ca);
  tpki_free(&server);
  tpki_free(&other_server);
  tpki_free(&client_a);
  tpki_free(&client_b);
  gnutls_free(stek.data);
  return 0;
}

/* Each test starts from an empty directory. */
static int test_setup(void **state)
{
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'/* '%s'/..?*", dir, dir);
  assert_int_equal(system(cmd), 0);
  return 0;
}

/* ---- handshakes ---------------------------------------------------------------------- */

/* The CN of the client certificate the server received ("" = none). */
static void client_cn_seen(const struct tserver *srv, char *cn, size_t cap)
{
  cn[0] = '\0';
  unsigned n = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers(srv->s, &n);
  if (!certs || n == 0)
    return;
  gnutls_x509_crt_t crt;
  assert_int_equal(gnutls_x509_crt_init(&crt), 0);
  assert_int_equal(gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER), 0);
  size_t size = cap;
  if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) < 0)
    cn[0] = '\0';
  gnutls_x509_crt_deinit(crt);
}

static cassl_session *new_session(cassl_ssl *ssl)
{
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", NULL, NULL);
  cassl_session *cs = NULL;
  if (cassl_session_new(ssl, &peer.peer, &cs) != CASS_OK)
    fail_msg("cassl_session_new: %s", cassl_last_error());
  return cs;
}

struct outcome {
  CassError rc;
  char cn[128];    /* the client certificate the server saw */
  bool resumed;
};

/* One handshake of cs with a server (certificate srv_cert) that requires a client
 * certificate from ca, and a first exchange so a TLS 1.3 ticket arrives. */
static struct outcome handshake_with(cassl_session *cs, const struct tpki *srv_cert)
{
  struct outcome o = { 0 };
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = srv_cert,
                                             .client_cert = GNUTLS_CERT_REQUIRE,
                                             .client_ca = &ca, .verify_client = true });
  assert_int_equal(gnutls_session_ticket_enable_server(srv.s, &stek), 0);
  o.rc = thandshake(cs, &srv, 0);
  if (o.rc == CASS_OK) {
    ttransfer(cs, &srv, 64, 0);
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(cs, &info), CASS_OK);
    o.resumed = info.resumed;
    client_cn_seen(&srv, o.cn, sizeof o.cn);
  }
  tserver_free(&srv);
  return o;
}

static struct outcome connect_once(cassl_ssl *ssl)
{
  cassl_session *cs = new_session(ssl);
  struct outcome o = handshake_with(cs, &server);
  cassl_session_free(cs);
  return o;
}

/* A client trusting ca, with resumption off unless a test wants it. */
static cassl_ssl *client_ssl(bool resumption)
{
  cassl_ssl *ssl = tssl_new(&ca, CASS_SSL_VERIFY_PEER_CERT);
  if (!resumption)
    assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false), CASS_OK);
  return ssl;
}

static cassl_ssl *bound_client(const char *cert, const char *key, const struct tpki *pair)
{
  write_pair(cert, key, pair);
  cassl_ssl *ssl = client_ssl(false);
  if (cassl_ssl_set_cert_key_files(ssl, cert, key, NULL) != CASS_OK)
    fail_msg("bind: %s", cassl_ssl_last_error(ssl));
  return ssl;
}

static void assert_reload(cassl_ssl *ssl, CassError want_rc, cassl_reload_result want)
{
  cassl_reload_result got = (cassl_reload_result)-1;
  CassError rc = cassl_ssl_reload(ssl, &got);
  if (rc != want_rc || got != want)
    fail_msg("reload: %s (%d), result %d, want %s result %d: %s", cassl_error_name(rc), rc,
             got, cassl_error_name(want_rc), want, cassl_ssl_last_error(ssl));
  char msg[512];
  assert_int_equal(cassl_ssl_last_reload(ssl, msg, sizeof msg), want);
  assert_true(msg[0] != '\0');
}

static void assert_uses(cassl_ssl *ssl, const char *cn)
{
  struct outcome o = connect_once(ssl);
  if (o.rc != CASS_OK)
    fail_msg("handshake: %s", cassl_last_error());
  assert_string_equal(o.cn, cn);
}

/* ---- the pair ------------------------------------------------------------------------ */

static void test_bound_pair_is_used(void **state)
{
  cassl_ssl *ssl = bound_client(path_in("c.pem"), path_in("k.pem"), &client_a);
  assert_uses(ssl, "driver-a");
  /* Nothing changed: nothing to do, and the sentence says so. */
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  char msg[512];
  cassl_ssl_last_reload(ssl, msg, sizeof msg);
  assert_non_null(strstr(msg, "no bound file changed"));
  assert_uses(ssl, "driver-a");
  cassl_ssl_free(ssl);
}

static void test_rename_into_place(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  /* A session made before the swap keeps the pair it was made with. */
  cassl_session *before = new_session(ssl);
  write_pair(cert, key, &client_b);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  char msg[512];
  cassl_ssl_last_reload(ssl, msg, sizeof msg);
  assert_non_null(strstr(msg, "client certificate"));
  assert_non_null(strstr(msg, cert));
  struct outcome o = handshake_with(before, &server);
  assert_int_equal(o.rc, CASS_OK);
  assert_string_equal(o.cn, "driver-a");
  cassl_session_free(before);
  assert_uses(ssl, "driver-b");
  /* And back. */
  write_pair(cert, key, &client_a);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  assert_uses(ssl, "driver-a");
  cassl_ssl_free(ssl);
}

/* The layout of a Kubernetes secret volume: the names are symlinks into ..data, itself a
 * symlink to a timestamped directory that the kubelet swaps by renaming a new ..data over. */
static void k8s_publish(const char *version, const struct tpki *pair)
{
  char d[600], link_tmp[600];
  snprintf(d, sizeof d, "%s/%s", dir, version);
  assert_int_equal(mkdir(d, 0700), 0);
  char f[700];
  snprintf(f, sizeof f, "%s/tls.crt", d);
  write_text(f, pair->cert_pem);
  snprintf(f, sizeof f, "%s/tls.key", d);
  write_text(f, pair->key_pem);
  snprintf(link_tmp, sizeof link_tmp, "%s/..data_tmp", dir);
  unlink(link_tmp);
  assert_int_equal(symlink(version, link_tmp), 0);
  assert_int_equal(rename(link_tmp, path_in("..data")), 0);
}

static void test_kubernetes_symlink_swap(void **state)
{
  k8s_publish("..2026_12_07_01", &client_a);
  assert_int_equal(symlink("..data/tls.crt", path_in("tls.crt")), 0);
  assert_int_equal(symlink("..data/tls.key", path_in("tls.key")), 0);
  cassl_ssl *ssl = client_ssl(false);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("tls.crt"), path_in("tls.key"),
                                                NULL), CASS_OK);
  assert_uses(ssl, "driver-a");
  k8s_publish("..2026_12_07_02", &client_b);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  assert_uses(ssl, "driver-b");
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  cassl_ssl_free(ssl);
}

static void test_in_place_rewrite_and_touch(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  /* Same bytes, new modification time: read, found equal, not reloaded. */
  struct timespec later[2] = { { 0, UTIME_NOW }, { time(NULL) + 5, 0 } };
  assert_int_equal(utimensat(AT_FDCWD, cert, later, 0), 0);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  /* Rewritten in place (same inode), key first then certificate. */
  write_text(key, client_b.key_pem);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  write_text(cert, client_b.cert_pem);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  assert_uses(ssl, "driver-b");
  cassl_ssl_free(ssl);
}

static void test_half_rotated_pair_is_held_back(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  /* The new certificate arrived, its key not yet. */
  rename_into_place(cert, client_b.cert_pem);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  const char *why = cassl_ssl_last_error(ssl);
  assert_non_null(strstr(why, "does not match"));
  assert_non_null(strstr(why, "CN=driver-b"));
  assert_non_null(strstr(why, "the one in force stays"));
  assert_uses(ssl, "driver-a");
  /* The same refused state: reported again, same words. */
  char first[512];
  snprintf(first, sizeof first, "%s", why);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  assert_string_equal(cassl_ssl_last_error(ssl), first);
  assert_uses(ssl, "driver-a");
  /* The key follows: now the pair matches. */
  rename_into_place(key, client_b.key_pem);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  assert_uses(ssl, "driver-b");
  /* The other order: the key first. */
  rename_into_place(key, client_a.key_pem);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  assert_uses(ssl, "driver-b");
  rename_into_place(cert, client_a.cert_pem);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  assert_uses(ssl, "driver-a");
  cassl_ssl_free(ssl);
}

static void test_truncated_and_missing_files_are_refused(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  /* Half of the new certificate written (a writer still at work). */
  write_bytes(cert, client_b.cert_pem, strlen(client_b.cert_pem) / 2);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_CERT, CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "truncated"));
  assert_uses(ssl, "driver-a");
  /* Half a key. */
  write_text(cert, client_a.cert_pem);
  write_bytes(key, client_a.key_pem, strlen(client_a.key_pem) - 40);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "truncated"));
  assert_uses(ssl, "driver-a");
  /* Empty, then gone. */
  write_bytes(key, "", 0);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "no PEM private key"));
  assert_int_equal(unlink(key), 0);
  assert_reload(ssl, CASS_ERROR_LIB_BAD_PARAMS, CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "No such file"));
  assert_uses(ssl, "driver-a");
  /* Garbage. */
  write_text(key, "this is not a key\n");
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  assert_uses(ssl, "driver-a");
  /* Whole again: the same pair as in force, so nothing changes. */
  write_text(key, client_a.key_pem);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  assert_uses(ssl, "driver-a");
  cassl_ssl_free(ssl);
}

static void test_bind_errors_change_nothing(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  write_text(path_in("b.pem"), client_b.cert_pem);
  write_text(path_in("bk.pem"), client_b.key_pem);
  /* A pair that does not match. */
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("b.pem"), key, NULL),
                   CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "does not match"));
  /* Missing files, one path only, a directory, a FIFO, an empty path. */
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("none.pem"), key, NULL),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "No such file"));
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, cert, NULL, NULL),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, dir, key, NULL),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "not a regular file"));
  assert_int_equal(mkfifo(path_in("fifo"), 0600), 0); /* no writer: an open would wait */
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, cert, path_in("fifo"), NULL),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, "", key, NULL), CASS_ERROR_LIB_BAD_PARAMS);
  /* Larger than any credential file (sparse: costs no disk). */
  int fd = open(path_in("huge.pem"), O_WRONLY | O_CREAT, 0600);
  assert_true(fd >= 0);
  assert_int_equal(ftruncate(fd, 5 << 20), 0);
  close(fd);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("huge.pem"), key, NULL),
                   CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "too large"));
  /* An encrypted key with the wrong password. */
  char *enc = NULL;
  gnutls_datum_t out = { NULL, 0 };
  assert_int_equal(gnutls_x509_privkey_export2_pkcs8(client_b.key, GNUTLS_X509_FMT_PEM,
                                                     "right", GNUTLS_PKCS_PBES2_AES_256, &out), 0);
  enc = strndup((const char *)out.data, out.size);
  gnutls_free(out.data);
  write_text(path_in("bk-enc.pem"), enc);
  free(enc);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("b.pem"), path_in("bk-enc.pem"),
                                                "wrong"), CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "wrong password"));
  /* None of that changed what is in force, nor what is bound. */
  assert_uses(ssl, "driver-a");
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  /* The right password binds, and is kept for the reloads. */
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("b.pem"), path_in("bk-enc.pem"),
                                                "right"), CASS_OK);
  assert_uses(ssl, "driver-b");
  char touch[700];
  snprintf(touch, sizeof touch, "%s", path_in("bk-enc.pem"));
  struct timespec later[2] = { { 0, UTIME_NOW }, { time(NULL) + 5, 0 } };
  assert_int_equal(utimensat(AT_FDCWD, touch, later, 0), 0);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  cassl_ssl_free(ssl);
}

static void test_setting_a_pair_unbinds_the_files(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  assert_int_equal(cassl_ssl_set_cert(ssl, client_b.cert_pem), CASS_ERROR_SSL_INVALID_CERT);
  assert_int_equal(cassl_ssl_set_private_key(ssl, client_b.key_pem, NULL), CASS_OK);
  /* The pair is the application's now: the files no longer count. */
  write_pair(cert, key, &client_a);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  assert_uses(ssl, "driver-b");
  /* Unbinding with NULLs keeps the pair in force too. */
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, cert, key, NULL), CASS_OK);
  assert_uses(ssl, "driver-a");
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, NULL, NULL, NULL), CASS_OK);
  write_pair(cert, key, &client_b);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  assert_uses(ssl, "driver-a");
  cassl_ssl_free(ssl);
}

/* ---- trust and CRLs ------------------------------------------------------------------ */

static void test_trusted_file_rotation(void **state)
{
  const char *trust = path_in("ca.pem");
  write_text(trust, ca.cert_pem);
  cassl_ssl *ssl = cassl_ssl_new();
  assert_int_equal(cassl_ssl_set_session_resumption(ssl, cass_false), CASS_OK);
  write_pair(path_in("c.pem"), path_in("k.pem"), &client_a);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, path_in("c.pem"), path_in("k.pem"), NULL),
                   CASS_OK);
  assert_int_equal(cassl_ssl_set_trusted_file(ssl, trust), CASS_OK);
  cassl_session *cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &server).rc, CASS_OK);
  cassl_session_free(cs);
  cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &other_server).rc, CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_session_free(cs);
  /* The bundle gains the other CA. */
  char both[16384];
  snprintf(both, sizeof both, "%s%s", ca.cert_pem, other_ca.cert_pem);
  rename_into_place(trust, both);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &other_server).rc, CASS_OK);
  cassl_session_free(cs);
  /* Replaced, not added: the first CA is gone. A broken bundle is refused and kept out. */
  rename_into_place(trust, other_ca.cert_pem);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &server).rc, CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_session_free(cs);
  write_bytes(trust, ca.cert_pem, 100);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_CERT, CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "trusted file"));
  cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &other_server).rc, CASS_OK);
  cassl_session_free(cs);
  /* A CA added by hand stays whatever the file says; unbinding drops the file's. */
  assert_int_equal(cassl_ssl_add_trusted_cert(ssl, ca.cert_pem), CASS_OK);
  assert_int_equal(cassl_ssl_set_trusted_file(ssl, NULL), CASS_OK);
  cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &server).rc, CASS_OK);
  cassl_session_free(cs);
  cs = new_session(ssl);
  assert_int_equal(handshake_with(cs, &other_server).rc, CASS_ERROR_SSL_INVALID_PEER_CERT);
  cassl_session_free(cs);
  cassl_ssl_free(ssl);
}

/* A PEM CRL from ca revoking the given serials (none: an empty list). */
static char *make_crl(const struct tpki *issuer, const struct tpki *revoked)
{
  gnutls_x509_crl_t crl;
  assert_int_equal(gnutls_x509_crl_init(&crl), 0);
  assert_int_equal(gnutls_x509_crl_set_version(crl, 2), 0);
  time_t now = time(NULL);
  assert_int_equal(gnutls_x509_crl_set_this_update(crl, now - 60), 0);
  assert_int_equal(gnutls_x509_crl_set_next_update(crl, now + 86400), 0);
  if (revoked)
    assert_int_equal(gnutls_x509_crl_set_crt(crl, revoked->crt, now - 30), 0);
  assert_int_equal(gnutls_x509_crl_sign2(crl, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0), 0);
  gnutls_datum_t out;
  assert_int_equal(gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &out), 0);
  char *pem = strndup((const char *)out.data, out.size);
  gnutls_free(out.data);
  gnutls_x509_crl_deinit(crl);
  return pem;
}

static void test_crl_file_rotation(void **state)
{
  const char *crl = path_in("crl.pem");
  char *empty = make_crl(&ca, NULL), *revoking = make_crl(&ca, &server);
  char *foreign = make_crl(&other_ca, NULL);
  write_text(crl, empty);
  cassl_ssl *ssl = bound_client(path_in("c.pem"), path_in("k.pem"), &client_a);
  assert_int_equal(cassl_ssl_set_crl_file(ssl, crl), CASS_OK);
  assert_uses(ssl, "driver-a");
  rename_into_place(crl, revoking);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  struct outcome o = connect_once(ssl);
  assert_int_equal(o.rc, CASS_ERROR_SSL_INVALID_PEER_CERT);
  assert_non_null(strstr(cassl_last_error(), "revoked"));
  /* A CRL from a CA that is not trusted is refused: the revoking one stays. */
  rename_into_place(crl, foreign);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_CERT, CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "not a trusted certificate"));
  assert_int_equal(connect_once(ssl).rc, CASS_ERROR_SSL_INVALID_PEER_CERT);
  rename_into_place(crl, empty);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  assert_uses(ssl, "driver-a");
  /* CRLs come from files only. */
  assert_int_equal(cassl_ssl_set_crl_file(ssl, "pkcs11:token=x;object=crl"),
                   CASS_ERROR_LIB_BAD_PARAMS);
  free(empty);
  free(revoking);
  free(foreign);
  cassl_ssl_free(ssl);
}

/* ---- resumption, the interval -------------------------------------------------------- */

static void test_resumption_dropped_exactly_on_change(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  write_pair(cert, key, &client_a);
  cassl_ssl *ssl = client_ssl(true);
  assert_int_equal(cassl_ssl_set_cert_key_files(ssl, cert, key, NULL), CASS_OK);
  assert_false(connect_once(ssl).resumed);
  assert_true(connect_once(ssl).resumed);
  /* Unchanged and refused reloads keep the stored sessions. */
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_UNCHANGED);
  assert_true(connect_once(ssl).resumed);
  rename_into_place(cert, client_b.cert_pem);
  assert_reload(ssl, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, CASSL_RELOAD_REFUSED);
  assert_true(connect_once(ssl).resumed);
  /* A new identity: the next handshake is full and sends it. */
  rename_into_place(key, client_b.key_pem);
  assert_reload(ssl, CASS_OK, CASSL_RELOAD_CHANGED);
  struct outcome o = connect_once(ssl);
  assert_false(o.resumed);
  assert_string_equal(o.cn, "driver-b");
  assert_true(connect_once(ssl).resumed);
  cassl_ssl_free(ssl);
}

static void test_reload_interval_at_session_creation(void **state)
{
  const char *cert = path_in("c.pem"), *key = path_in("k.pem");
  cassl_ssl *ssl = bound_client(cert, key, &client_a);
  assert_int_equal(cassl_ssl_set_reload_interval(ssl, 86401), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_reload_interval(ssl, 1), CASS_OK);
  write_pair(cert, key, &client_b);
  /* Off by default and not due yet: the pair in force stays until a second has passed. */
  struct timespec pause = { 1, 200 * 1000 * 1000 };
  nanosleep(&pause, NULL);
  assert_uses(ssl, "driver-b");
  char msg[512];
  assert_int_equal(cassl_ssl_last_reload(ssl, msg, sizeof msg), CASSL_RELOAD_CHANGED);
  /* A refusal at session creation does not fail the session: it keeps the pair. */
  rename_into_place(cert, client_a.cert_pem);
  nanosleep(&pause, NULL);
  assert_uses(ssl, "driver-b");
  assert_int_equal(cassl_ssl_last_reload(ssl, msg, sizeof msg), CASSL_RELOAD_REFUSED);
  assert_non_null(strstr(msg, "does not match"));
  /* 0 turns it off. */
  assert_int_equal(cassl_ssl_set_reload_interval(ssl, 0), CASS_OK);
  rename_into_place(key, client_a.key_pem);
  nanosleep(&pause, NULL);
  assert_uses(ssl, "driver-b");
  cassl_ssl_free(ssl);
}

static void test_null_object(void **state)
{
  cassl_reload_result r = CASSL_RELOAD_CHANGED;
  assert_int_equal(cassl_ssl_reload(NULL, &r), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(r, CASSL_RELOAD_UNCHANGED);
  assert_int_equal(cassl_ssl_set_cert_key_files(NULL, "a", "b", NULL), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_trusted_file(NULL, "a"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_crl_file(NULL, "a"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_reload_interval(NULL, 1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_last_reload(NULL, NULL, 0), CASSL_RELOAD_UNCHANGED);
  assert_int_equal(cassl_ssl_set_pin_callback(NULL, NULL, NULL), CASS_ERROR_LIB_BAD_PARAMS);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup(test_bound_pair_is_used, test_setup),
    cmocka_unit_test_setup(test_rename_into_place, test_setup),
    cmocka_unit_test_setup(test_kubernetes_symlink_swap, test_setup),
    cmocka_unit_test_setup(test_in_place_rewrite_and_touch, test_setup),
    cmocka_unit_test_setup(test_half_rotated_pair_is_held_back, test_setup),
    cmocka_unit_test_setup(test_truncated_and_missing_files_are_refused, test_setup),
    cmocka_unit_test_setup(test_bind_errors_change_nothing, test_setup),
    cmocka_unit_test_setup(test_setting_a_pair_unbinds_the_files, test_setup),
    cmocka_unit_test_setup(test_trusted_file_rotation, test_setup),
    cmocka_unit_test_setup(test_crl_file_rotation, test_setup),
    cmocka_unit_test_setup(test_resumption_dropped_exactly_on_change, test_setup),
    cmocka_unit_test_setup(test_reload_interval_at_session_creation, test_setup),
    cmocka_unit_test(test_null_object),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
