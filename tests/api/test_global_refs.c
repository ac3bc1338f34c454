/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The library's own initialisation (cassl_ssl_new's) is out of the application's reach:
 * any number of unmatched cassl_global_cleanup calls, before or after matched pairs, leave
 * live objects working (setters, handshakes). Run with GNUTLS_NO_IMPLICIT_INIT=1, so GnuTLS
 * is initialised only through libcassl and a lost reference really deinitialises it (the
 * program sets it and runs itself again when it is missing: GnuTLS reads it when loaded). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "session_util.h"

static cassl_ssl *first; /* made before anything else: it initialises GnuTLS */
static struct tpki ca, server, client;

static int group_setup(void **state)
{
  first = cassl_ssl_new();
  assert_non_null(first);
  tpki_ca(&ca, "cassl test CA");
  tpki_leaf(&server, &ca, &(struct tpki_opts){ .cn = "node1.example",
                                               .dns = { "node1.example" },
                                               .ip = { "127.0.0.1" } });
  tpki_leaf(&client, &ca, &(struct tpki_opts){ .cn = "driver", .client = true });
  return 0;
}

static int group_teardown(void **state)
{
  tpki_free(&ca);
  tpki_free(&server);
  tpki_free(&client);
  cassl_ssl_free(first);
  return 0;
}

/* The object takes credentials and makes a verified session with a client certificate. */
static void object_works(cassl_ssl *ssl)
{
  assert_int_equal(cassl_ssl_add_trusted_cert(ssl, ca.cert_pem), CASS_OK);
  assert_int_equal(cassl_ssl_set_cert(ssl, client.cert_pem), CASS_OK);
  assert_int_equal(cassl_ssl_set_private_key(ssl, client.key_pem, NULL), CASS_OK);
  struct tpeer peer;
  tpeer_init(&peer, "127.0.0.1", "node1.example", NULL);
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &peer.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){ .cert = &server,
                                             .client_cert = GNUTLS_CERT_REQUIRE });
  CassError rc = thandshake(cs, &srv, 0);
  if (rc != CASS_OK)
    fail_msg("handshake: %s", cassl_session_error_message(cs));
  ttransfer(cs, &srv, 1000, 0);
  cassl_session_free(cs);
  tserver_free(&srv);
}

static void test_unmatched_cleanups_keep_objects_working(void **state)
{
  for (int i = 0; i < 5; i++)
    cassl_global_cleanup();
  object_works(first);
  cassl_ssl *ssl = cassl_ssl_new();
  assert_non_null(ssl);
  object_works(ssl);
  cassl_ssl_free(ssl);
}

static void test_pairs_then_extra_cleanups(void **state)
{
  assert_int_equal(cassl_global_init(), CASS_OK);
  assert_int_equal(cassl_global_init(), CASS_OK);
  cassl_ssl *ssl = cassl_ssl_new_no_lib_init();
  assert_non_null(ssl);
  cassl_global_cleanup();
  cassl_global_cleanup();
  cassl_global_cleanup(); /* one too many */
  object_works(ssl);
  object_works(first);
  cassl_ssl_free(ssl);
}

int main(int argc, char **argv)
{
  if (!getenv("GNUTLS_NO_IMPLICIT_INIT")) {
    if (setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 1) != 0)
      return 99;
    /* Under tests/valgrind-wrap the second run goes through the wrapper again: valgrind does
     * not follow an exec, and the second run is the one that tests. */
    const char *wrap = getenv("CASSL_VALGRIND_WRAP");
    if (wrap && *wrap) {
      char **args = calloc((size_t)argc + 2, sizeof *args);
      if (!args)
        return 99;
      args[0] = (char *)wrap;
      for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
      execv(wrap, args);
    } else {
      execv(argv[0], argv);
    }
    perror("cannot run itself again with GNUTLS_NO_IMPLICIT_INIT=1");
    return 99;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_unmatched_cleanups_keep_objects_working),
    cmocka_unit_test(test_pairs_then_extra_cleanups),
  };
  return cmocka_run_group_tests_name("global_refs", tests, group_setup, group_teardown);
}
