/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The CassSsl object through the public API: life cycle, flags, protocol versions, priority
 * strings, error numbers and descriptions, the last-error sentence, NULL arguments, and the
 * driver's header compiled together with ours. Built for every backend: when the library
 * was configured --with-tls=none (CASSL_BACKEND=none) every setter must answer
 * CASS_ERROR_LIB_NOT_IMPLEMENTED. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "ssl_object.h"
#include "test_api_compat.h"

#include "cassl/cassl.h"

static bool none_backend;

#define assert_rc(call, code)                                                                  \
  do {                                                                                         \
    CassError rc_ = (call);                                                                    \
    if (rc_ != (code))                                                                         \
      fail_msg("%s: got %s, wanted %s", #call, cassl_error_name(rc_), cassl_error_name(code));  \
  } while (0)

static int ssl_setup(void **state)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  *state = ssl;
  return 0;
}

static int ssl_teardown(void **state)
{
  cass_ssl_free(*state);
  return 0;
}

/* ---- which library --------------------------------------------------------------------- */

static void test_backend_matches_configure(void **state)
{
  const char *configured = getenv("CASSL_BACKEND");
  if (configured && *configured)
    assert_string_equal(cassl_backend_name(), configured);
  assert_non_null(cassl_backend_version());
  assert_true(cassl_backend_version()[0] != '\0');
}

/* ---- life cycle ------------------------------------------------------------------------ */

static void test_new_and_free(void **state)
{
  CassSsl *a = cass_ssl_new();
  CassSsl *b = cass_ssl_new();
  CassSsl *c = cass_ssl_new_no_lib_init();
  assert_non_null(a);
  assert_non_null(b);
  assert_non_null(c);
  assert_ptr_not_equal(a, b);
  assert_string_equal(cassl_ssl_last_error(a), "");
  cass_ssl_free(a);
  cass_ssl_free(b);
  cass_ssl_free(c);
  cass_ssl_free(NULL);
}

/* A session's reference keeps the object alive after the application's cass_ssl_free. */
static void test_reference_count(void **state)
{
  CassSsl *ssl = cass_ssl_new();
  assert_int_equal(atomic_load(&ssl->refs), 1);
  cassl_ssl_ref(ssl);
  cassl_ssl_ref(ssl);
  assert_int_equal(atomic_load(&ssl->refs), 3);
  cass_ssl_free(ssl);
  assert_int_equal(atomic_load(&ssl->refs), 2);
  /* Still usable by its sessions. */
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  assert_int_equal(ssl->verify_flags, CASS_SSL_VERIFY_NONE);
  cassl_ssl_unref(ssl);
  assert_int_equal(atomic_load(&ssl->refs), 1);
  cassl_ssl_unref(ssl); /* the last one frees it (leak checkers watch this) */
}

/* ---- verify flags ---------------------------------------------------------------------- */

static void test_default_flags(void **state)
{
  CassSsl *ssl = *state;
  assert_int_equal(ssl->verify_flags, CASS_SSL_VERIFY_PEER_CERT);
  assert_int_equal(ssl->min_version, CASS_SSL_VERSION_TLS1_2);
  assert_null(ssl->priority);
}

static void test_set_verify_flags(void **state)
{
  CassSsl *ssl = *state;
  static const int flags[] = {
    CASS_SSL_VERIFY_NONE,
    CASS_SSL_VERIFY_PEER_CERT,
    CASS_SSL_VERIFY_PEER_IDENTITY,
    CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY,
    CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
    CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY | CASS_SSL_VERIFY_PEER_IDENTITY_DNS,
  };
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    cass_ssl_set_verify_flags(ssl, flags[i]);
    assert_int_equal(ssl->verify_flags, flags[i]);
  }
  cass_ssl_set_verify_flags(NULL, CASS_SSL_VERIFY_PEER_CERT); /* no crash */
}

/* ---- minimum protocol version ---------------------------------------------------------- */

static void test_min_protocol_driver_values(void **state)
{
  CassSsl *ssl = *state;
  static const CassSslTlsVersion versions[] = {
    CASS_SSL_VERSION_TLS1, CASS_SSL_VERSION_TLS1_1, CASS_SSL_VERSION_TLS1_2,
  };
  for (size_t i = 0; i < 3; i++) {
    if (none_backend) {
      assert_rc(cass_ssl_set_min_protocol_version(ssl, versions[i]),
                CASS_ERROR_LIB_NOT_IMPLEMENTED);
      assert_string_equal(cassl_ssl_last_error(ssl),
                          "libcassl was built without TLS (--with-tls=none)");
    } else {
      assert_rc(cass_ssl_set_min_protocol_version(ssl, versions[i]), CASS_OK);
      assert_int_equal(ssl->min_version, versions[i]);
      assert_string_equal(cassl_ssl_last_error(ssl), "");
      assert_rc(cassl_ssl_set_min_protocol_version(ssl, (int)versions[i]), CASS_OK);
      assert_int_equal(ssl->min_version, versions[i]);
    }
  }
}

static void test_min_protocol_tls13(void **state)
{
  CassSsl *ssl = *state;
  if (none_backend) {
    assert_rc(cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3),
              CASS_ERROR_LIB_NOT_IMPLEMENTED);
    return;
  }
  /* The driver's call keeps the driver's meaning: 3 is not one of its values. */
  assert_rc(cass_ssl_set_min_protocol_version(ssl, (CassSslTlsVersion)CASSL_SSL_VERSION_TLS1_3),
            CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "cassl_ssl_set_min_protocol_version"));
  assert_int_equal(ssl->min_version, CASS_SSL_VERSION_TLS1_2);
  assert_rc(cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3), CASS_OK);
  assert_int_equal(ssl->min_version, CASSL_SSL_VERSION_TLS1_3);
  assert_string_equal(cassl_ssl_last_error(ssl), "");
}

static void test_min_protocol_bad_values(void **state)
{
  CassSsl *ssl = *state;
  static const int bad[] = { -1, 4, 5, 0x100, INT32_MAX, INT32_MIN };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CassError want = none_backend ? CASS_ERROR_LIB_NOT_IMPLEMENTED : CASS_ERROR_LIB_BAD_PARAMS;
    assert_rc(cass_ssl_set_min_protocol_version(ssl, (CassSslTlsVersion)bad[i]), want);
    assert_rc(cassl_ssl_set_min_protocol_version(ssl, bad[i]), want);
    if (!none_backend) {
      char expect[80];
      snprintf(expect, sizeof expect, "unknown minimum protocol version %d", bad[i]);
      assert_string_equal(cassl_ssl_last_error(ssl), expect);
      assert_int_equal(ssl->min_version, CASS_SSL_VERSION_TLS1_2); /* unchanged */
    }
  }
}

/* ---- priority strings ------------------------------------------------------------------ */

static void test_priority(void **state)
{
  CassSsl *ssl = *state;
  if (none_backend) {
    assert_rc(cassl_ssl_set_priority(ssl, "NORMAL"), CASS_ERROR_LIB_NOT_IMPLEMENTED);
    assert_string_equal(cassl_ssl_last_error(ssl),
                        "libcassl was built without TLS (--with-tls=none)");
    assert_null(ssl->priority);
    return;
  }
  assert_rc(cassl_ssl_set_priority(ssl, "NORMAL:-VERS-ALL:+VERS-TLS1.3"), CASS_OK);
  assert_string_equal(ssl->priority, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
  assert_string_equal(cassl_ssl_last_error(ssl), "");

  /* An invalid string is refused with the offending part; the previous one stays. */
  assert_rc(cassl_ssl_set_priority(ssl, "NORMAL:+NO-SUCH-THING"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "invalid priority string"));
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "NO-SUCH-THING"));
  assert_string_equal(ssl->priority, "NORMAL:-VERS-ALL:+VERS-TLS1.3");
  assert_rc(cassl_ssl_set_priority(ssl, ""), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cassl_ssl_set_priority(ssl, "BOGUS"), CASS_ERROR_LIB_BAD_PARAMS);

  assert_rc(cassl_ssl_set_priority(ssl, "SECURE256:+SECURE128"), CASS_OK);
  assert_string_equal(ssl->priority, "SECURE256:+SECURE128");
  /* NULL goes back to the system policy. */
  assert_rc(cassl_ssl_set_priority(ssl, NULL), CASS_OK);
  assert_null(ssl->priority);
}

/* ---- error numbers and descriptions (DESIGN 2.1) --------------------------------------- */

static void test_error_numbers_and_descriptions(void **state)
{
  static const struct {
    CassError code;
    unsigned long number;
    const char *desc, *name;
  } table[] = {
    { CASS_OK, 0, "", "CASS_OK" },
    { CASS_ERROR_LIB_BAD_PARAMS, 0x01000001, "Bad parameters", "CASS_ERROR_LIB_BAD_PARAMS" },
    { CASS_ERROR_LIB_NOT_IMPLEMENTED, 0x01000015, "Not implemented",
      "CASS_ERROR_LIB_NOT_IMPLEMENTED" },
    { CASS_ERROR_LIB_INVALID_DATA, 0x0100001E, "Invalid data", "CASS_ERROR_LIB_INVALID_DATA" },
    { CASS_ERROR_SSL_INVALID_CERT, 0x03000001, "Unable to load certificate",
      "CASS_ERROR_SSL_INVALID_CERT" },
    { CASS_ERROR_SSL_INVALID_PRIVATE_KEY, 0x03000002, "Unable to load private key",
      "CASS_ERROR_SSL_INVALID_PRIVATE_KEY" },
    { CASS_ERROR_SSL_NO_PEER_CERT, 0x03000003, "No peer certificate",
      "CASS_ERROR_SSL_NO_PEER_CERT" },
    { CASS_ERROR_SSL_INVALID_PEER_CERT, 0x03000004, "Invalid peer certificate",
      "CASS_ERROR_SSL_INVALID_PEER_CERT" },
    { CASS_ERROR_SSL_IDENTITY_MISMATCH, 0x03000005,
      "Certificate does not match host or IP address", "CASS_ERROR_SSL_IDENTITY_MISMATCH" },
    { CASS_ERROR_SSL_PROTOCOL_ERROR, 0x03000006, "Protocol error",
      "CASS_ERROR_SSL_PROTOCOL_ERROR" },
    { CASS_ERROR_SSL_CLOSED, 0x03000007, "Connection closed", "CASS_ERROR_SSL_CLOSED" },
  };
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    assert_int_equal((unsigned long)table[i].code, table[i].number);
    assert_string_equal(cassl_error_desc(table[i].code), table[i].desc);
    assert_string_equal(cassl_error_name(table[i].code), table[i].name);
  }
  assert_int_equal(CASS_ERROR(CASS_ERROR_SOURCE_SSL, 1), 0x03000001);
  assert_int_equal(CASS_ERROR(CASS_ERROR_SOURCE_LIB, 21), 0x01000015);
  /* The driver's enum values for flags and versions. */
  assert_int_equal(CASS_SSL_VERIFY_NONE, 0);
  assert_int_equal(CASS_SSL_VERIFY_PEER_CERT, 1);
  assert_int_equal(CASS_SSL_VERIFY_PEER_IDENTITY, 2);
  assert_int_equal(CASS_SSL_VERIFY_PEER_IDENTITY_DNS, 4);
  assert_int_equal(CASS_SSL_VERSION_TLS1, 0);
  assert_int_equal(CASS_SSL_VERSION_TLS1_1, 1);
  assert_int_equal(CASS_SSL_VERSION_TLS1_2, 2);
  /* An unknown code still gets a string. */
  assert_non_null(cassl_error_desc((CassError)0x7f000000));
  assert_non_null(cassl_error_name((CassError)0x7f000000));
}

/* ---- the last-error sentence ----------------------------------------------------------- */

static void test_last_error_cleared_after_success(void **state)
{
  CassSsl *ssl = *state;
  if (none_backend) {
    assert_rc(cass_ssl_add_trusted_cert_n(ssl, "x", 1), CASS_ERROR_LIB_NOT_IMPLEMENTED);
    assert_string_equal(cassl_ssl_last_error(ssl),
                        "libcassl was built without TLS (--with-tls=none)");
    return;
  }
  assert_rc(cass_ssl_add_trusted_cert_n(ssl, "garbage", 7), CASS_ERROR_SSL_INVALID_CERT);
  assert_string_equal(cassl_ssl_last_error(ssl), "no PEM certificate in 7 bytes");
  assert_rc(cass_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2), CASS_OK);
  assert_string_equal(cassl_ssl_last_error(ssl), "");

  assert_rc(cass_ssl_set_private_key(ssl, "garbage", NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_string_equal(cassl_ssl_last_error(ssl), "no PEM private key in 7 bytes");
  assert_rc(cassl_ssl_set_priority(ssl, NULL), CASS_OK);
  assert_string_equal(cassl_ssl_last_error(ssl), "");

  assert_rc(cass_ssl_set_cert(ssl, ""), CASS_ERROR_SSL_INVALID_CERT);
  assert_string_equal(cassl_ssl_last_error(ssl), "no PEM certificate in 0 bytes");
  assert_rc(cassl_ssl_set_priority(ssl, "NORMAL"), CASS_OK);
  assert_string_equal(cassl_ssl_last_error(ssl), "");
}

/* ---- NULL arguments -------------------------------------------------------------------- */

static void test_null_ssl(void **state)
{
  assert_rc(cass_ssl_add_trusted_cert(NULL, "x"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_add_trusted_cert_n(NULL, "x", 1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_set_cert(NULL, "x"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_set_cert_n(NULL, "x", 1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_set_private_key(NULL, "x", "p"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_set_private_key_n(NULL, "x", 1, "p", 1), CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_set_min_protocol_version(NULL, CASS_SSL_VERSION_TLS1_2),
            CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cassl_ssl_set_min_protocol_version(NULL, CASS_SSL_VERSION_TLS1_2),
            CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cass_ssl_set_min_protocol_version(NULL, (CassSslTlsVersion)CASSL_SSL_VERSION_TLS1_3),
            CASS_ERROR_LIB_BAD_PARAMS);
  assert_rc(cassl_ssl_set_priority(NULL, "NORMAL"), CASS_ERROR_LIB_BAD_PARAMS);
  cass_ssl_set_verify_flags(NULL, 0);
  cass_ssl_free(NULL);
  assert_non_null(cassl_ssl_last_error(NULL));
  assert_true(cassl_ssl_last_error(NULL)[0] != '\0');
}

/* NULL inputs on a real object are the input's error, with a sentence. */
static void test_null_inputs(void **state)
{
  CassSsl *ssl = *state;
  assert_rc(cass_ssl_add_trusted_cert(ssl, NULL), CASS_ERROR_SSL_INVALID_CERT);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "NULL"));
  assert_rc(cass_ssl_add_trusted_cert_n(ssl, NULL, 4), CASS_ERROR_SSL_INVALID_CERT);
  assert_rc(cass_ssl_set_cert(ssl, NULL), CASS_ERROR_SSL_INVALID_CERT);
  assert_rc(cass_ssl_set_cert_n(ssl, NULL, 4), CASS_ERROR_SSL_INVALID_CERT);
  assert_rc(cass_ssl_set_private_key(ssl, NULL, NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  assert_non_null(strstr(cassl_ssl_last_error(ssl), "NULL"));
  assert_rc(cass_ssl_set_private_key_n(ssl, NULL, 4, "pw", 2), CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
}

/* ---- the "built without TLS" flavour --------------------------------------------------- */

static void test_none_every_setter(void **state)
{
  CassSsl *ssl = *state;
  if (!none_backend) {
    skip(); /* the gnutls flavour's setters are checked above and in test_credentials */
    return;
  }
  static const char pem[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  static const char key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  const char *sentence = "libcassl was built without TLS (--with-tls=none)";
  assert_rc(cass_ssl_add_trusted_cert(ssl, pem), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  assert_rc(cass_ssl_add_trusted_cert_n(ssl, pem, sizeof pem - 1), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cass_ssl_set_cert(ssl, pem), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cass_ssl_set_cert_n(ssl, pem, sizeof pem - 1), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cass_ssl_set_private_key(ssl, key, NULL), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cass_ssl_set_private_key(ssl, key, "password"), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cass_ssl_set_private_key_n(ssl, key, sizeof key - 1, "pw", 2),
            CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cass_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2),
            CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3),
            CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cassl_ssl_set_priority(ssl, "NORMAL"), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  /* Bound files and tokens: refused before any file is read. */
  assert_rc(cassl_ssl_set_cert_key_files(ssl, "/nonexistent/c.pem", "/nonexistent/k.pem", NULL),
            CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  assert_rc(cassl_ssl_set_cert_key_files(ssl, "pkcs11:token=t;type=cert",
                                         "pkcs11:token=t;type=private", NULL),
            CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cassl_ssl_set_trusted_file(ssl, "/nonexistent/ca.pem"), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cassl_ssl_set_trusted_file(ssl, NULL), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cassl_ssl_set_crl_file(ssl, "/nonexistent/crl.pem"), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_rc(cassl_ssl_set_pin_callback(ssl, NULL, NULL), CASS_ERROR_LIB_NOT_IMPLEMENTED);
  assert_string_equal(cassl_ssl_last_error(ssl), sentence);
  /* Nothing is bound, so a reload has nothing to do. */
  cassl_reload_result r = CASSL_RELOAD_REFUSED;
  assert_rc(cassl_ssl_reload(ssl, &r), CASS_OK);
  assert_int_equal(r, CASSL_RELOAD_UNCHANGED);
  assert_string_equal(cassl_backend_name(), "none");
}

/* ---- process-wide init, per-thread errors, copies, the maximum version ------------------ */

static void test_global_init_cleanup(void **state)
{
  /* Reference-counted and idempotent: objects work between any matched pairs. */
  assert_rc(cassl_global_init(), CASS_OK);
  assert_rc(cassl_global_init(), CASS_OK);
  cassl_global_cleanup();
  cassl_ssl *ssl = cassl_ssl_new_no_lib_init();
  assert_non_null(ssl);
  cassl_ssl_free(ssl);
  cassl_global_cleanup();
  cassl_global_cleanup(); /* unmatched: nothing happens */
  assert_rc(cassl_global_init(), CASS_OK);
  ssl = cassl_ssl_new();
  assert_non_null(ssl);
  cassl_ssl_free(ssl);
  cassl_global_cleanup();
}

struct thread_error {
  cassl_ssl *ssl;
  int which;
  char seen[512];
  pthread_barrier_t *barrier;
};

/* Each thread makes a different call fail, waits for the other's failure, then reads its
 * own sentence. */
static void *fail_in_thread(void *arg)
{
  struct thread_error *t = arg;
  if (t->which == 0)
    cassl_ssl_add_trusted_cert(t->ssl, NULL);
  else
    cassl_ssl_set_private_key(t->ssl, NULL, NULL);
  pthread_barrier_wait(t->barrier);
  pthread_barrier_wait(t->barrier);
  snprintf(t->seen, sizeof t->seen, "%s", cassl_last_error());
  return NULL;
}

static void test_thread_last_error(void **state)
{
  cassl_ssl *ssl = cassl_ssl_new();
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, 2);
  struct thread_error t[2] = { { ssl, 0, "", &barrier }, { ssl, 1, "", &barrier } };
  pthread_t th[2];
  for (int i = 0; i < 2; i++)
    assert_int_equal(pthread_create(&th[i], NULL, fail_in_thread, &t[i]), 0);
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&barrier);
  if (none_backend) {
    assert_non_null(strstr(t[0].seen, "NULL"));
  } else {
    assert_string_equal(t[0].seen, "no certificate given (NULL)");
    assert_string_equal(t[1].seen, "no private key given (NULL)");
  }
  /* A success does not erase the thread's last failure; the object's sentence is cleared. */
  cassl_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_NONE);
  assert_rc(cassl_ssl_set_private_key(ssl, NULL, NULL), CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
  if (!none_backend) {
    assert_rc(cassl_ssl_set_min_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2), CASS_OK);
    assert_string_equal(cassl_ssl_last_error(ssl), "");
    assert_string_equal(cassl_last_error(), "no private key given (NULL)");
  }
  /* A NULL object can only say so through the thread's error. */
  assert_rc(cassl_ssl_set_cert(NULL, "x"), CASS_ERROR_LIB_BAD_PARAMS);
  assert_non_null(strstr(cassl_last_error(), "NULL"));
  cassl_ssl_free(ssl);
}

static void test_copy_last_error(void **state)
{
  cassl_ssl *ssl = *state;
  assert_rc(cassl_ssl_add_trusted_cert_n(ssl, "garbage", 7),
            none_backend ? CASS_ERROR_LIB_NOT_IMPLEMENTED : CASS_ERROR_SSL_INVALID_CERT);
  const char *direct = cassl_ssl_last_error(ssl);
  char buf[512];
  size_t len = cassl_ssl_copy_last_error(ssl, buf, sizeof buf);
  assert_int_equal(len, strlen(direct));
  assert_string_equal(buf, direct);
  /* Cut to the buffer, always terminated, the full length returned. */
  char small[8];
  assert_int_equal(cassl_ssl_copy_last_error(ssl, small, sizeof small), len);
  assert_int_equal(strlen(small), sizeof small - 1);
  assert_memory_equal(small, direct, sizeof small - 1);
  assert_int_equal(cassl_ssl_copy_last_error(ssl, NULL, 0), len);
  assert_true(cassl_ssl_copy_last_error(NULL, buf, sizeof buf) > 0);
  assert_non_null(strstr(buf, "NULL"));
}

static void test_max_protocol_version(void **state)
{
  cassl_ssl *ssl = *state;
  if (none_backend) {
    assert_rc(cassl_ssl_set_max_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2),
              CASS_ERROR_LIB_NOT_IMPLEMENTED);
    return;
  }
  assert_int_equal(ssl->max_version, CASSL_SSL_VERSION_TLS1_3); /* the default */
  assert_rc(cassl_ssl_set_max_protocol_version(ssl, CASS_SSL_VERSION_TLS1_2), CASS_OK);
  assert_int_equal(ssl->max_version, CASS_SSL_VERSION_TLS1_2);
  static const int bad[] = { -1, CASS_SSL_VERSION_TLS1, CASS_SSL_VERSION_TLS1_1, 4, INT32_MAX };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_rc(cassl_ssl_set_max_protocol_version(ssl, bad[i]), CASS_ERROR_LIB_BAD_PARAMS);
    assert_non_null(strstr(cassl_ssl_last_error(ssl), "maximum protocol version"));
    assert_int_equal(ssl->max_version, CASS_SSL_VERSION_TLS1_2);
  }
  assert_rc(cassl_ssl_set_min_protocol_version(ssl, CASSL_SSL_VERSION_TLS1_3),
            CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(ssl->min_version, CASS_SSL_VERSION_TLS1_2);
  assert_rc(cassl_ssl_set_max_protocol_version(NULL, CASS_SSL_VERSION_TLS1_2),
            CASS_ERROR_LIB_BAD_PARAMS);
}

/* ---- the driver's header first --------------------------------------------------------- */

static void test_driver_header_compat(void **state)
{
  struct compat_result r = { 0 };
  compat_exercise(&r);
  assert_true(r.created);
  if (none_backend) {
    assert_int_equal(r.min_tls12, CASS_ERROR_LIB_NOT_IMPLEMENTED);
    assert_int_equal(r.min_tls13, CASS_ERROR_LIB_NOT_IMPLEMENTED);
    assert_int_equal(r.trusted, CASS_ERROR_LIB_NOT_IMPLEMENTED);
    assert_int_equal(r.key, CASS_ERROR_LIB_NOT_IMPLEMENTED);
    assert_string_equal(r.desc, "Not implemented");
  } else {
    assert_int_equal(r.min_tls12, CASS_OK);
    assert_int_equal(r.min_tls13, CASS_OK);
    assert_int_equal(r.trusted, CASS_ERROR_SSL_INVALID_CERT);
    assert_int_equal(r.key, CASS_ERROR_SSL_INVALID_PRIVATE_KEY);
    assert_string_equal(r.desc, "Unable to load certificate");
  }
  assert_true(r.sentence);
}

int main(void)
{
  const char *backend = getenv("CASSL_BACKEND");
  none_backend = backend && strcmp(backend, "none") == 0;
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_backend_matches_configure),
    cmocka_unit_test(test_new_and_free),
    cmocka_unit_test(test_reference_count),
    cmocka_unit_test_setup_teardown(test_default_flags, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_set_verify_flags, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_min_protocol_driver_values, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_min_protocol_tls13, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_min_protocol_bad_values, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_priority, ssl_setup, ssl_teardown),
    cmocka_unit_test(test_error_numbers_and_descriptions),
    cmocka_unit_test_setup_teardown(test_last_error_cleared_after_success, ssl_setup,
                                    ssl_teardown),
    cmocka_unit_test(test_null_ssl),
    cmocka_unit_test_setup_teardown(test_null_inputs, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_none_every_setter, ssl_setup, ssl_teardown),
    cmocka_unit_test(test_global_init_cleanup),
    cmocka_unit_test(test_thread_last_error),
    cmocka_unit_test_setup_teardown(test_copy_last_error, ssl_setup, ssl_teardown),
    cmocka_unit_test_setup_teardown(test_max_protocol_version, ssl_setup, ssl_teardown),
    cmocka_unit_test(test_driver_header_compat),
  };
  return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
