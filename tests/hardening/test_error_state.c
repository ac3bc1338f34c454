/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* No global error state: a failing call never changes the outcome of a later call, on the
 * same object or another one, in one thread or across threads. (The driver's OpenSSL layer
 * left errors on the thread's error queue that made a later valid call fail.)
 *
 * Every operation below is first run once on fresh objects to record its baseline (code and
 * sentence). Then the failing ones run in every combination with the succeeding ones, and
 * each result must equal its baseline exactly. */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cassl/cassl.h"
#include "cassl/session.h"
#include "hardening_util.h"

#define N_THREADS 8

static struct {
  char *ca, *client_pem, *client_key, *client_enc, *other_key, *other_pem, *garbage, *password;
  char *p12, *crl, *pin;
  size_t ca_len, client_pem_len, p12_len;
} fx;

static const char *wrong_password = "not-the-Password-1";

/* ---- the operations ------------------------------------------------------------------- */

static CassError op_trusted_garbage(CassSsl *s) { return cass_ssl_add_trusted_cert(s, fx.garbage); }
static CassError op_trusted_null(CassSsl *s) { return cass_ssl_add_trusted_cert(s, NULL); }
static CassError op_trusted_empty(CassSsl *s) { return cass_ssl_add_trusted_cert_n(s, "", 0); }
static CassError op_trusted_truncated(CassSsl *s)
{
  return cass_ssl_add_trusted_cert_n(s, fx.ca, fx.ca_len / 2);
}
static CassError op_cert_garbage(CassSsl *s) { return cass_ssl_set_cert(s, fx.garbage); }
static CassError op_cert_truncated(CassSsl *s)
{
  return cass_ssl_set_cert_n(s, fx.client_pem, fx.client_pem_len - 40);
}
static CassError op_key_garbage(CassSsl *s)
{
  return cass_ssl_set_private_key(s, fx.garbage, fx.password);
}
static CassError op_key_wrong_password(CassSsl *s)
{
  return cass_ssl_set_private_key(s, fx.client_enc, wrong_password);
}
static CassError op_key_no_password(CassSsl *s)
{
  return cass_ssl_set_private_key(s, fx.client_enc, NULL);
}
static CassError op_key_mismatch(CassSsl *s)
{
  CassError rc = cass_ssl_set_cert(s, fx.client_pem);
  if (rc != CASS_OK)
    return rc;
  return cass_ssl_set_private_key(s, fx.other_key, NULL);
}
static CassError op_cert_mismatch(CassSsl *s)
{
  CassError rc = cass_ssl_set_private_key(s, fx.client_key, NULL);
  if (rc != CASS_OK)
    return rc;
  return cass_ssl_set_cert(s, fx.other_pem);
}
static CassError op_min_version_99(CassSsl *s) { return cass_ssl_set_min_protocol_version(s, 99); }
static CassError op_min_version_negative(CassSsl *s)
{
  return cassl_ssl_set_min_protocol_version(s, -1);
}
static CassError op_min_version_13_via_driver_api(CassSsl *s)
{
  return cass_ssl_set_min_protocol_version(s, (CassSslTlsVersion)CASSL_SSL_VERSION_TLS1_3);
}
static CassError op_bad_priority(CassSsl *s)
{
  return cassl_ssl_set_priority(s, "NORMAL:+NOT-A-CIPHER-AT-ALL");
}
static CassError op_pkcs12_garbage(CassSsl *s)
{
  return cassl_ssl_set_pkcs12_n(s, fx.garbage, strlen(fx.garbage), fx.password,
                                strlen(fx.password));
}
static CassError op_pkcs12_wrong_password(CassSsl *s)
{
  return cassl_ssl_set_pkcs12_n(s, fx.p12, fx.p12_len, wrong_password, strlen(wrong_password));
}
static CassError op_crl_garbage(CassSsl *s) { return cassl_ssl_add_crl(s, fx.garbage); }
static CassError op_crl_untrusted_issuer(CassSsl *s) { return cassl_ssl_add_crl(s, fx.crl); }
static CassError op_bad_pin(CassSsl *s)
{
  return cassl_ssl_add_pinned_public_key(s, "sha256//not*base64;sha256//");
}
static CassError op_session_bad_hostname(CassSsl *s)
{
  cass_ssl_set_verify_flags(s, CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY_DNS);
  cassl_peer peer = { .hostname = "bad host\nname" };
  cassl_session *session = NULL;
  CassError rc = cassl_session_new(s, &peer, &session);
  cassl_session_free(session);
  return rc;
}

static CassError op_trusted_ca(CassSsl *s) { return cass_ssl_add_trusted_cert(s, fx.ca); }
static CassError op_cert_client(CassSsl *s) { return cass_ssl_set_cert(s, fx.client_pem); }
static CassError op_key_encrypted(CassSsl *s)
{
  return cass_ssl_set_private_key(s, fx.client_enc, fx.password);
}
static CassError op_key_plain(CassSsl *s) { return cass_ssl_set_private_key(s, fx.client_key, NULL); }
static CassError op_pair_key_first(CassSsl *s)
{
  CassError rc = cass_ssl_set_private_key(s, fx.client_enc, fx.password);
  return rc != CASS_OK ? rc : cass_ssl_set_cert(s, fx.client_pem);
}
static CassError op_pkcs12(CassSsl *s)
{
  return cassl_ssl_set_pkcs12_n(s, fx.p12, fx.p12_len, fx.password, strlen(fx.password));
}
static CassError op_crl_after_its_ca(CassSsl *s)
{
  CassError rc = cass_ssl_add_trusted_cert(s, fx.ca);
  return rc != CASS_OK ? rc : cassl_ssl_add_crl(s, fx.crl);
}
static CassError op_pin(CassSsl *s) { return cassl_ssl_add_pinned_public_key(s, fx.pin); }
static CassError op_system_trust(CassSsl *s) { return cassl_ssl_add_system_trust(s, NULL); }
static CassError op_min_version_12(CassSsl *s)
{
  return cass_ssl_set_min_protocol_version(s, CASS_SSL_VERSION_TLS1_2);
}
static CassError op_min_version_13(CassSsl *s)
{
  return cassl_ssl_set_min_protocol_version(s, CASSL_SSL_VERSION_TLS1_3);
}
static CassError op_priority_normal(CassSsl *s) { return cassl_ssl_set_priority(s, "NORMAL"); }
static CassError op_priority_default(CassSsl *s) { return cassl_ssl_set_priority(s, NULL); }
static CassError op_session_new(CassSsl *s)
{
  cass_ssl_set_verify_flags(s, CASS_SSL_VERIFY_PEER_CERT);
  cassl_peer peer = { .hostname = "node1.example.com" };
  cassl_session *session = NULL;
  CassError rc = cassl_session_new(s, &peer, &session);
  cassl_session_free(session);
  return rc;
}

struct op {
  const char *name;
  CassError (*run)(CassSsl *ssl);
  CassError expect;      /* the contract's code; session ops: whatever the baseline says */
  bool check_expect;
  const char *contains;  /* a piece the sentence must have, or NULL */
  CassError base_rc;     /* the baseline, recorded on fresh objects */
  char base_msg[512];
};

#define FAIL_OP(fn, code, piece) { #fn, fn, code, true, piece, 0, "" }
static struct op failing[] = {
  FAIL_OP(op_trusted_garbage, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_trusted_null, CASS_ERROR_SSL_INVALID_CERT, "NULL"),
  FAIL_OP(op_trusted_empty, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_trusted_truncated, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_cert_garbage, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_cert_truncated, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_key_garbage, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, NULL),
  FAIL_OP(op_key_wrong_password, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "password"),
  FAIL_OP(op_key_no_password, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "password"),
  FAIL_OP(op_key_mismatch, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "does not match"),
  FAIL_OP(op_cert_mismatch, CASS_ERROR_SSL_INVALID_CERT, "does not match"),
  FAIL_OP(op_min_version_99, CASS_ERROR_LIB_BAD_PARAMS, "99"),
  FAIL_OP(op_min_version_negative, CASS_ERROR_LIB_BAD_PARAMS, "-1"),
  FAIL_OP(op_min_version_13_via_driver_api, CASS_ERROR_LIB_BAD_PARAMS, NULL),
  FAIL_OP(op_bad_priority, CASS_ERROR_LIB_BAD_PARAMS, NULL),
  FAIL_OP(op_pkcs12_garbage, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_pkcs12_wrong_password, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "password"),
  FAIL_OP(op_crl_garbage, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_crl_untrusted_issuer, CASS_ERROR_SSL_INVALID_CERT, NULL),
  FAIL_OP(op_bad_pin, CASS_ERROR_LIB_BAD_PARAMS, NULL),
  { "op_session_bad_hostname", op_session_bad_hostname, 0, false, NULL, 0, "" },
};
#define OK_OP(fn) { #fn, fn, CASS_OK, true, NULL, 0, "" }
static struct op succeeding[] = {
  OK_OP(op_trusted_ca),
  OK_OP(op_cert_client),
  OK_OP(op_key_encrypted),
  OK_OP(op_key_plain),
  OK_OP(op_pair_key_first),
  OK_OP(op_pkcs12),
  OK_OP(op_crl_after_its_ca),
  OK_OP(op_pin),
  { "op_system_trust", op_system_trust, 0, false, NULL, 0, "" },
  OK_OP(op_min_version_12),
  OK_OP(op_min_version_13),
  OK_OP(op_priority_normal),
  OK_OP(op_priority_default),
  { "op_session_new", op_session_new, 0, false, NULL, 0, "" },
};
#define N_FAILING (sizeof failing / sizeof failing[0])
#define N_SUCCEEDING (sizeof succeeding / sizeof succeeding[0])

/* Runs op on ssl and compares with its baseline; returns a description of the difference
 * in why (empty when equal). Thread-safe: no cmocka call. */
static void check_op(const struct op *op, CassSsl *ssl, const char *context, char *why,
                     size_t cap)
{
  why[0] = '\0';
  CassError rc = op->run(ssl);
  const char *msg = cassl_ssl_last_error(ssl);
  /* The session ops report through the session; the object's sentence is then not theirs. */
  bool session_op = !op->check_expect;
  if (rc != op->base_rc || (!session_op && strcmp(msg, op->base_msg) != 0))
    snprintf(why, cap, "%s after %s: got %s \"%s\", baseline %s \"%s\"", op->name, context,
             cassl_error_name(rc), msg, cassl_error_name(op->base_rc), op->base_msg);
}

/* ---- the baseline --------------------------------------------------------------------- */

static void record_baseline(struct op *op)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  op->base_rc = op->run(ssl);
  snprintf(op->base_msg, sizeof op->base_msg, "%s", cassl_ssl_last_error(ssl));
  cass_ssl_free(ssl);
  if (op->check_expect) {
    if (op->base_rc != op->expect)
      fail_msg("%s: got %s \"%s\", expected %s", op->name, cassl_error_name(op->base_rc),
               op->base_msg, cassl_error_name(op->expect));
    /* A failure says why; a success leaves no sentence behind. */
    if (op->expect == CASS_OK)
      assert_string_equal(op->base_msg, "");
    else
      assert_true(op->base_msg[0] != '\0');
    if (op->contains && !strstr(op->base_msg, op->contains))
      fail_msg("%s: \"%s\" does not mention \"%s\"", op->name, op->base_msg, op->contains);
  }
  /* No sentence ever repeats a password. */
  assert_null(strstr(op->base_msg, fx.password));
  assert_null(strstr(op->base_msg, wrong_password));
}

static int setup(void **state)
{
  (void)state;
  for (size_t i = 0; i < N_FAILING; i++)
    record_baseline(&failing[i]);
  for (size_t i = 0; i < N_SUCCEEDING; i++)
    record_baseline(&succeeding[i]);
  return 0;
}

/* ---- single thread -------------------------------------------------------------------- */

/* After each failure (on its own object), every succeeding op on a fresh object. */
static void test_fresh_object_after_each_failure(void **state)
{
  (void)state;
  char why[2048];
  for (size_t f = 0; f < N_FAILING; f++) {
    CassSsl *bad = cass_ssl_new();
    assert_non_null(bad);
    check_op(&failing[f], bad, "(itself)", why, sizeof why);
    if (why[0])
      fail_msg("%s", why);
    for (size_t s = 0; s < N_SUCCEEDING; s++) {
      CassSsl *good = cass_ssl_new();
      assert_non_null(good);
      check_op(&succeeding[s], good, failing[f].name, why, sizeof why);
      cass_ssl_free(good);
      if (why[0])
        fail_msg("%s", why);
    }
    cass_ssl_free(bad);
  }
}

/* Failures and successes interleaved on one object: each still gives its baseline. */
static void test_same_object_after_each_failure(void **state)
{
  (void)state;
  char why[2048];
  unsigned bad = 0;
  for (size_t f = 0; f < N_FAILING; f++) {
    for (size_t s = 0; s < N_SUCCEEDING; s++) {
      CassSsl *ssl = cass_ssl_new();
      assert_non_null(ssl);
      check_op(&failing[f], ssl, "(itself)", why, sizeof why);
      if (!why[0])
        check_op(&succeeding[s], ssl, failing[f].name, why, sizeof why);
      cass_ssl_free(ssl);
      if (why[0]) {
        print_error("%s on the same object\n", why);
        bad++;
      }
    }
  }
  if (bad)
    fail_msg("%u of %zu pairs differ from their baseline", bad, N_FAILING * N_SUCCEEDING);
}

/* Every failure in a row on one object, then every success on it and on a fresh one. */
static void test_all_failures_then_all_successes(void **state)
{
  (void)state;
  char why[2048];
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  for (size_t f = 0; f < N_FAILING; f++) {
    CassError rc = failing[f].run(ssl);
    assert_int_equal(rc, failing[f].base_rc);
  }
  for (size_t s = 0; s < N_SUCCEEDING; s++) {
    CassSsl *fresh = cass_ssl_new();
    assert_non_null(fresh);
    check_op(&succeeding[s], fresh, "all failures", why, sizeof why);
    cass_ssl_free(fresh);
    if (why[0])
      fail_msg("%s", why);
  }
  /* The dirtied object itself: a matching pair loads, then the other settings. */
  for (size_t s = 0; s < N_SUCCEEDING; s++) {
    check_op(&succeeding[s], ssl, "all failures on the same object", why, sizeof why);
    if (why[0])
      fail_msg("%s", why);
  }
  cass_ssl_free(ssl);
}

/* A NULL object is BAD_PARAMS everywhere and disturbs nothing. */
static void test_null_object(void **state)
{
  (void)state;
  assert_int_equal(cass_ssl_add_trusted_cert(NULL, fx.ca), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cass_ssl_set_cert(NULL, fx.client_pem), CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cass_ssl_set_private_key(NULL, fx.client_key, NULL),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cass_ssl_set_min_protocol_version(NULL, CASS_SSL_VERSION_TLS1_2),
                   CASS_ERROR_LIB_BAD_PARAMS);
  assert_int_equal(cassl_ssl_set_priority(NULL, "NORMAL"), CASS_ERROR_LIB_BAD_PARAMS);
  cass_ssl_set_verify_flags(NULL, 0);
  char why[2048];
  for (size_t s = 0; s < N_SUCCEEDING; s++) {
    CassSsl *fresh = cass_ssl_new();
    assert_non_null(fresh);
    check_op(&succeeding[s], fresh, "NULL-object calls", why, sizeof why);
    cass_ssl_free(fresh);
    if (why[0])
      fail_msg("%s", why);
  }
}

/* ---- threads -------------------------------------------------------------------------- */

struct worker {
  pthread_t thread;
  unsigned index;
  unsigned rounds;
  CassSsl *shared;
  char why[2048];
};

/* Each thread walks the failures and successes in its own order, on its own objects and on
 * one object shared by all threads (there only the return codes are its own: the sentence
 * belongs to whichever call came last). */
static void *worker_main(void *arg)
{
  struct worker *w = arg;
  w->why[0] = '\0';
  for (unsigned r = 0; r < w->rounds && !w->why[0]; r++) {
    size_t f = (w->index * 5 + r * 3) % N_FAILING;
    size_t s = (w->index * 7 + r) % N_SUCCEEDING;
    CassSsl *mine = cass_ssl_new();
    CassSsl *fresh = cass_ssl_new();
    if (!mine || !fresh) {
      snprintf(w->why, sizeof w->why, "cass_ssl_new failed");
    } else {
      check_op(&failing[f], mine, "(itself, threaded)", w->why, sizeof w->why);
      if (!w->why[0])
        check_op(&succeeding[s], fresh, failing[f].name, w->why, sizeof w->why);
      if (!w->why[0])
        check_op(&succeeding[s], mine, failing[f].name, w->why, sizeof w->why);
    }
    cass_ssl_free(mine);
    cass_ssl_free(fresh);

    /* Not on the shared object: the mismatches would race with other threads' pairs, and
     * once another thread trusted the CA its CRL is no longer from an untrusted issuer. */
    if (!w->why[0] && failing[f].check_expect && failing[f].run != op_key_mismatch &&
        failing[f].run != op_cert_mismatch && failing[f].run != op_crl_untrusted_issuer) {
      CassError rc = failing[f].run(w->shared);
      if (rc != failing[f].base_rc)
        snprintf(w->why, sizeof w->why, "shared object: %s gave %s, baseline %s",
                 failing[f].name, cassl_error_name(rc), cassl_error_name(failing[f].base_rc));
    }
    /* On the shared object only the matching pair is ever loaded, so pairing cannot race. */
    if (!w->why[0] && succeeding[s].check_expect) {
      CassError rc = succeeding[s].run(w->shared);
      if (rc != CASS_OK)
        snprintf(w->why, sizeof w->why, "shared object: %s gave %s \"%s\"", succeeding[s].name,
                 cassl_error_name(rc), cassl_ssl_last_error(w->shared));
    }
  }
  return NULL;
}

static void test_threads(void **state)
{
  (void)state;
  unsigned rounds = getenv("CASSL_UNDER_VALGRIND") ? 4 : 40;
  struct worker workers[N_THREADS];
  CassSsl *shared = cass_ssl_new();
  assert_non_null(shared);
  for (unsigned i = 0; i < N_THREADS; i++) {
    workers[i] = (struct worker){ .index = i, .rounds = rounds, .shared = shared };
    assert_int_equal(pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]), 0);
  }
  for (unsigned i = 0; i < N_THREADS; i++)
    assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
  cass_ssl_free(shared);
  for (unsigned i = 0; i < N_THREADS; i++)
    if (workers[i].why[0])
      fail_msg("thread %u: %s", i, workers[i].why);
  /* And after all that, the whole table once more on fresh objects. */
  char why[2048];
  for (size_t s = 0; s < N_SUCCEEDING; s++) {
    CassSsl *fresh = cass_ssl_new();
    assert_non_null(fresh);
    check_op(&succeeding[s], fresh, "the threaded run", why, sizeof why);
    cass_ssl_free(fresh);
    if (why[0])
      fail_msg("%s", why);
  }
}

int main(void)
{
  hardening_fixtures_init();
  fx.ca = hardening_fixture("ca.pem", &fx.ca_len);
  fx.client_pem = hardening_fixture("client.pem", &fx.client_pem_len);
  fx.client_key = hardening_fixture("client.key", NULL);
  fx.client_enc = hardening_fixture("client-pbes2-aes.key", NULL);
  fx.other_key = hardening_fixture("other.key", NULL);
  fx.other_pem = hardening_fixture("other.pem", NULL);
  fx.garbage = hardening_fixture("garbage.pem", NULL);
  fx.p12 = hardening_fixture("client.p12", &fx.p12_len);
  fx.crl = hardening_fixture("crl.pem", NULL);
  fx.pin = hardening_fixture("server.pin", NULL);
  fx.password = hardening_fixture("password", NULL);

  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_fresh_object_after_each_failure),
    cmocka_unit_test(test_same_object_after_each_failure),
    cmocka_unit_test(test_all_failures_then_all_successes),
    cmocka_unit_test(test_null_object),
    cmocka_unit_test(test_threads),
  };
  int rc = cmocka_run_group_tests_name("error_state", tests, setup, NULL);
  free(fx.ca);
  free(fx.client_pem);
  free(fx.client_key);
  free(fx.client_enc);
  free(fx.other_key);
  free(fx.other_pem);
  free(fx.garbage);
  free(fx.p12);
  free(fx.crl);
  free(fx.pin);
  free(fx.password);
  return rc;
}
