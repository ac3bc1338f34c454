/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The beyond-the-driver groups' fixtures and peer runs (see beyond_util.h). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "beyond_util.h"

int beyond_make_fixtures(const char *script)
{
  const char *fixtures = getenv("CASSL_FIXTURES");
  const char *srcdir = getenv("CASSL_SRCDIR");
  if (!fixtures || !srcdir) {
    fprintf(stderr, "CASSL_FIXTURES and CASSL_SRCDIR must be set (run through make check)\n");
    return -1;
  }
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "CASSL_FIXTURES='%s' sh '%s/tests/fixtures/%s'", fixtures, srcdir,
           script);
  int status = system(cmd);
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 77) {
    fprintf(stderr, "skipping: tests/fixtures/%s cannot run here (a tool is missing)\n", script);
    return 77;
  }
  fprintf(stderr, "tests/fixtures/%s failed\n", script);
  return -1;
}

const char *beyond_path(const char *rel)
{
  static __thread char paths[8][4096];
  static __thread unsigned next;
  char *out = paths[next++ % 8];
  snprintf(out, sizeof paths[0], "%s/%s", getenv("CASSL_FIXTURES"), rel);
  return out;
}

char *beyond_read(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s: %s", path, strerror(errno));
  char *data = NULL;
  size_t used = 0, cap = 0;
  for (;;) {
    if (used == cap) {
      cap = cap ? cap * 2 : 8192;
      data = realloc(data, cap + 1);
      assert_non_null(data);
    }
    size_t n = fread(data + used, 1, cap - used, f);
    used += n;
    if (n == 0)
      break;
  }
  fclose(f);
  data[used] = '\0';
  *len = used;
  return data;
}

CassSsl *beyond_ssl(const char *trusted_path, int flags)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  if (trusted_path) {
    size_t len;
    char *pem = beyond_read(trusted_path, &len);
    assert_int_equal(cass_ssl_add_trusted_cert_n(ssl, pem, len), CASS_OK);
    free(pem);
  }
  cass_ssl_set_verify_flags(ssl, flags);
  return ssl;
}

peer *beyond_gnutls_serv(const char *cert, const char *key, const char *client_ca,
                         peer_client_auth auth, peer_tls_version version)
{
  char cert_file[4096], key_file[4096], ca_file[4096];
  snprintf(cert_file, sizeof cert_file, "%s", cert);
  snprintf(key_file, sizeof key_file, "%s", key);
  snprintf(ca_file, sizeof ca_file, "%s", client_ca ? client_ca : "");
  peer_tls_options opts = { .cert_file = cert_file, .key_file = key_file,
                            .client_ca_file = client_ca ? ca_file : NULL,
                            .client_auth = auth, .version = version };
  peer *p = NULL;
  if (peer_start_gnutls_serv(&opts, &p) != 0)
    fail_msg("cannot start gnutls-serv");
  return p;
}

CassError beyond_run(CassSsl *ssl, const peer *p, char *msg, size_t cap, bool *client_cert_sent)
{
  static const char line[] = "hello beyond\n";
  struct tnet n;
  msg[0] = '\0';
  if (client_cert_sent)
    *client_cert_sent = false;
  CassError rc = tnet_open(&n, ssl, p, NULL);
  if (rc != CASS_OK) {
    snprintf(msg, cap, "%s", cassl_ssl_last_error(ssl));
    return rc;
  }
  rc = tnet_handshake(&n);
  if (rc == CASS_OK)
    rc = tnet_exchange(&n, line, strlen(line), line, strlen(line));
  if (rc == CASS_OK) {
    cassl_session_info info;
    assert_int_equal(cassl_session_get_info(n.cs, &info), CASS_OK);
    if (client_cert_sent)
      *client_cert_sent = info.client_cert_sent;
    CassError end = tnet_shutdown(&n);
    assert_true(end == CASS_OK || end == CASS_ERROR_SSL_CLOSED);
  } else {
    snprintf(msg, cap, "%s", cassl_session_error_message(n.cs));
  }
  tnet_close(&n);
  return rc;
}

void beyond_expect(CassSsl *ssl, const peer *p, CassError want, const char *needle)
{
  char msg[1024];
  CassError rc = beyond_run(ssl, p, msg, sizeof msg, NULL);
  if (rc != want)
    fail_msg("expected %s, got %s: %s", cassl_error_name(want), cassl_error_name(rc), msg);
  if (want != CASS_OK && needle && !strstr(msg, needle))
    fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

void beyond_expect_setter(CassSsl *ssl, CassError rc, CassError want, const char *needle)
{
  if (rc != want)
    fail_msg("expected %s, got %s: %s", cassl_error_name(want), cassl_error_name(rc),
             cassl_ssl_last_error(ssl));
  if (needle && !strstr(cassl_ssl_last_error(ssl), needle))
    fail_msg("message \"%s\" lacks \"%s\"", cassl_ssl_last_error(ssl), needle);
}
