/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The system trust store changing under a live credential generation. Each generation reads
 * the store when it is made (cassl_ssl_add_system_trust, and every later setter, makes one):
 * a change is not seen by the generation in force, neither a CA added nor a CA removed, and
 * the next setter call sees it; the resumption data and verified chains of the old generation
 * go with it, so a removed CA refuses the next connection even when it would have resumed.
 *
 * The store is this GnuTLS's file (/etc/ssl/certs/ca-certificates.crt on Debian), replaced
 * in a mount namespace of this process only by a file of the test's (a bind mount): nothing
 * outside the test sees it. Without the right to make one (an unprivileged build chroot) or
 * without that file, the test says why and skips. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>

#include "cassl/cassl.h"
#include "session_util.h"

#define SYSTEM_STORE "/etc/ssl/certs/ca-certificates.crt"

static struct tpki ca, other_ca, leaf;
static gnutls_datum_t stek;
static char store[] = "/tmp/cassl-store-XXXXXX";

/* Rewrites the store in place (the bind mount follows the inode). */
static void store_holds(const char *first, const char *second)
{
  FILE *f = fopen(store, "w");
  assert_non_null(f);
  fputs(first, f);
  if (second)
    fputs(second, f);
  assert_int_equal(fclose(f), 0);
}

/* One TLS 1.3 connection to an in-process server presenting leaf (a CA of the store's). */
static void expect(CassSsl *ssl, CassError rc, int resumed, const char *what)
{
  struct tconn c = tconn_run(ssl, &leaf, "node.cassl.test", true, &stek, NULL, NULL);
  print_message("%s: %s%s %s\n", what, cassl_error_name(c.rc), c.resumed ? " (resumed)" : "",
                c.msg);
  tconn_expect(&c, rc, resumed, NULL);
}

static CassSsl *system_trusting(unsigned *added)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(cassl_ssl_add_system_trust(ssl, added), CASS_OK);
  return ssl;
}

/* A CA added to the store: not trusted by the live generation, trusted after a setter. */
static void test_added_ca_seen_by_the_next_generation(void **state)
{
  store_holds(other_ca.cert_pem, NULL);
  unsigned added = 0;
  CassSsl *ssl = system_trusting(&added);
  assert_int_equal(added, 1);
  expect(ssl, CASS_ERROR_SSL_INVALID_PEER_CERT, 0, "store without the CA");
  store_holds(other_ca.cert_pem, ca.cert_pem);
  expect(ssl, CASS_ERROR_SSL_INVALID_PEER_CERT, 0, "CA added, live generation");
  assert_int_equal(cassl_ssl_add_system_trust(ssl, &added), CASS_OK);
  assert_int_equal(added, 2);
  expect(ssl, CASS_OK, 0, "CA added, next generation");
  expect(ssl, CASS_OK, 1, "and resumed");
  cass_ssl_free(ssl);
}

/* A CA removed from the store: the live generation still trusts it (resumed and full
 * handshakes alike); any setter makes a generation without it, and the next connection,
 * which would have resumed, is a full handshake and is refused. */
static void test_removed_ca_seen_by_the_next_generation(void **state)
{
  store_holds(other_ca.cert_pem, ca.cert_pem);
  CassSsl *ssl = system_trusting(NULL);
  expect(ssl, CASS_OK, 0, "store with the CA");
  store_holds(other_ca.cert_pem, NULL);
  expect(ssl, CASS_OK, 1, "CA removed, live generation, resumed");
  /* Another credential setter (one more trusted CA, not the one removed) re-reads it. */
  assert_int_equal(cass_ssl_add_trusted_cert(ssl, other_ca.cert_pem), CASS_OK);
  expect(ssl, CASS_ERROR_SSL_INVALID_PEER_CERT, 0, "CA removed, next generation");
  cass_ssl_free(ssl);
}

static int group_setup(void **state)
{
  struct stat st;
  if (stat(SYSTEM_STORE, &st) != 0) {
    fprintf(stderr, "%s does not exist here (the ca-certificates package): nothing to replace\n",
            SYSTEM_STORE);
    exit(77);
  }
  if (unshare(CLONE_NEWNS) != 0) {
    fprintf(stderr, "cannot make a mount namespace (%s): the system store cannot be replaced "
                    "for this test alone\n", strerror(errno));
    exit(77);
  }
  /* Mounts made here stay in this namespace. ("none": the kernel ignores the type of a
   * propagation change or a bind mount; valgrind checks it is a string.) */
  if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0) {
    fprintf(stderr, "cannot make / private in the new namespace (%s)\n", strerror(errno));
    exit(77);
  }
  int fd = mkstemp(store);
  assert_true(fd >= 0);
  close(fd);
  if (mount(store, SYSTEM_STORE, "none", MS_BIND, NULL) != 0) {
    fprintf(stderr, "cannot bind a file over %s (%s)\n", SYSTEM_STORE, strerror(errno));
    unlink(store);
    exit(77);
  }
  tpki_ca(&ca, "cassl test CA");
  tpki_ca(&other_ca, "cassl other CA");
  tpki_leaf(&leaf, &ca, &(struct tpki_opts){ .cn = "node.cassl.test",
                                             .dns = { "node.cassl.test" },
                                             .ip = { "127.0.0.1" } });
  assert_int_equal(gnutls_session_ticket_key_generate(&stek), 0);
  return 0;
}

static int group_teardown(void **state)
{
  umount(SYSTEM_STORE);
  unlink(store);
  gnutls_free(stek.data);
  tpki_free(&ca);
  tpki_free(&other_ca);
  tpki_free(&leaf);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_added_ca_seen_by_the_next_generation),
    cmocka_unit_test(test_removed_ca_seen_by_the_next_generation),
  };
  return cmocka_run_group_tests_name("system_trust_live", tests, group_setup, group_teardown);
}
