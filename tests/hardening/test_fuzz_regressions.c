/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Inputs the fuzzers found, replayed through the public API. Each case runs in a child
 * process so an abort inside a library reads as a failed case, not a lost test binary. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#if defined(__SANITIZE_ADDRESS__)
#define REGRESSIONS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REGRESSIONS_UNDER_ASAN 1
#endif
#endif

#include "cassl/cassl.h"

struct key_case {
  const unsigned char *input; /* the fuzzer's layout: 1 byte n, n password bytes, the key */
  size_t size;
  CassError expect;
};

/* Runs the private-key loader in a child; the child exits 0 when the code matched and the
 * sentence is non-empty, 1 when not, and dies by a signal when the library crashed. */
static void replay_key(const struct key_case *c)
{
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    size_t n = c->input[0];
    const char *pw = (const char *)c->input + 1;
    const char *key = pw + n;
    size_t key_len = c->size - 1 - n;
    CassSsl *ssl = cass_ssl_new();
    if (!ssl)
      _exit(2);
    CassError rc = cass_ssl_set_private_key_n(ssl, key, key_len, n ? pw : NULL, n);
    const char *why = cassl_ssl_last_error(ssl);
    int ok = rc == c->expect && why[0] != '\0';
    if (!ok)
      fprintf(stderr, "got %s (%s), expected %s\n", cassl_error_name(rc), why,
              cassl_error_name(c->expect));
    else
      fprintf(stderr, "%s: %s\n", cassl_error_name(rc), why);
    cass_ssl_free(ssl);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (WIFSIGNALED(status))
    fail_msg("the private-key loader died with signal %d", WTERMSIG(status));
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

/* fuzz_private_key, 163 bytes: a traditional PEM key with DEK-Info CAMELLIA-128-CBC whose
 * ciphertext (18 bytes) is not a multiple of the block size. GnuTLS 3.7.9 passes it to
 * nettle_cbc_decrypt, which aborts on `assert(!(length % block_size))`. GnuTLS checks the
 * length only for AES (its own CBC code); Camellia, DES and 3DES go to nettle. */
static const unsigned char camellia_short_minimized[] = {
  0x0e, 0x63, 0x61, 0x73, 0x73, 0x61, 0x6e, 0x64, 0x72, 0x61, 0x2d, 0x66,
  0x75, 0x7a, 0x7a, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49,
  0x4e, 0x20, 0x52, 0x53, 0x41, 0x20, 0x50, 0x52, 0x49, 0x56, 0x41, 0x54,
  0x45, 0x20, 0x4b, 0x45, 0x59, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x54, 0x44,
  0x45, 0x4b, 0x2d, 0x49, 0x6e, 0x66, 0x6f, 0x3a, 0x20, 0x43, 0x41, 0x4d,
  0x45, 0x4c, 0x4c, 0x49, 0x41, 0x2d, 0x31, 0x32, 0x38, 0x2d, 0x43, 0x42,
  0x43, 0x2c, 0x46, 0x37, 0x31, 0x37, 0x38, 0x39, 0x32, 0x43, 0x46, 0x44,
  0x30, 0x46, 0x31, 0x33, 0x38, 0x46, 0x38, 0x41, 0x43, 0x41, 0x32, 0x34,
  0x30, 0x46, 0x44, 0x37, 0x32, 0x41, 0x32, 0x43, 0x36, 0x38, 0x0a, 0x0a,
  0x6d, 0x64, 0x4f, 0x6d, 0x49, 0x30, 0x6a, 0x2b, 0x7a, 0x64, 0x62, 0x61,
  0x34, 0x73, 0x73, 0x76, 0x55, 0x72, 0x4e, 0x49, 0x57, 0x79, 0x62, 0x76,
  0x0a, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x45, 0x4e, 0x44, 0x20, 0x52, 0x53,
  0x41, 0x20, 0x50, 0x52, 0x49, 0x56, 0x41, 0x54, 0x45, 0x20, 0x4b, 0x45,
  0x59, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x0a
};

static void test_camellia_short_minimized(void **state)
{
  (void)state;
  struct key_case c = { camellia_short_minimized, sizeof camellia_short_minimized,
                        CASS_ERROR_SSL_INVALID_PRIVATE_KEY };
  replay_key(&c);
}

/* fuzz_private_key, 135 bytes (found after the first fix): DES-CBC, no Proc-Type and no
 * blank line, and the base64 glued to the END line ("...LFKEY-----END RSA PRIVATE KEY-----"),
 * which GnuTLS decodes to a partial block all the same. */
static const unsigned char des_glued_to_end_line[] = {
  0x0e, 0x63, 0x61, 0x73, 0x73, 0x61, 0x6e, 0x64, 0x72, 0x61, 0x2d, 0x66,
  0x75, 0x7a, 0x7a, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49,
  0x4e, 0x20, 0x52, 0x53, 0x41, 0x20, 0x50, 0x52, 0x49, 0x56, 0x41, 0x54,
  0x45, 0x20, 0x4b, 0x45, 0x59, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x0a, 0x44,
  0x45, 0x4b, 0x2d, 0x49, 0x6e, 0x66, 0x6f, 0x3a, 0x20, 0x44, 0x45, 0x53,
  0x2d, 0x43, 0x42, 0x43, 0x2c, 0x35, 0x38, 0x30, 0x34, 0x44, 0x37, 0x38,
  0x34, 0x43, 0x44, 0x37, 0x39, 0x46, 0x43, 0x46, 0x43, 0x0a, 0x43, 0x59,
  0x57, 0x4d, 0x39, 0x30, 0x2f, 0x6e, 0x71, 0x46, 0x6d, 0x51, 0x70, 0x45,
  0x57, 0x2b, 0x35, 0x6e, 0x6e, 0x4c, 0x46, 0x4b, 0x45, 0x59, 0x2d, 0x2d,
  0x2d, 0x2d, 0x2d, 0x45, 0x4e, 0x44, 0x20, 0x52, 0x53, 0x41, 0x20, 0x50,
  0x52, 0x49, 0x56, 0x41, 0x54, 0x45, 0x20, 0x4b, 0x45, 0x59, 0x2d, 0x2d,
  0x2d, 0x2d, 0x2d
};

static void test_des_glued_to_end_line(void **state)
{
  (void)state;
  struct key_case c = { des_glued_to_end_line, sizeof des_glued_to_end_line,
                        CASS_ERROR_SSL_INVALID_PRIVATE_KEY };
  replay_key(&c);
}

/* The same flaw in a well-formed traditional header, with the cipher's own IV size. */
static void replay_traditional_iv(const char *cipher, const char *iv, const char *body)
{
  char buf[1024];
  const char *pw = "cassandra-fuzz";
  int n = snprintf(buf, sizeof buf,
                   "%c%s-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                   "DEK-Info: %s,%s\n\n%s\n"
                   "-----END RSA PRIVATE KEY-----\n",
                   (char)strlen(pw), pw, cipher, iv, body);
  assert_true(n > 0 && (size_t)n < sizeof buf);
  struct key_case c = { (const unsigned char *)buf, (size_t)n,
                        CASS_ERROR_SSL_INVALID_PRIVATE_KEY };
  replay_key(&c);
}

static void replay_traditional(const char *cipher, const char *body)
{
  replay_traditional_iv(cipher, "F717892CFD0F138F8ACA240FD72A2C68", body);
}

static void test_camellia128_short_body(void **state)
{
  (void)state;
  replay_traditional("CAMELLIA-128-CBC", "mdOmI0j+zdba4ssvUrNIWybv"); /* 18 bytes */
}

static void test_camellia256_short_body(void **state)
{
  (void)state;
  replay_traditional("CAMELLIA-256-CBC", "mdOmI0j+zdba4ssvUrNIWybv");
}

static void test_camellia192_one_byte_body(void **state)
{
  (void)state;
  replay_traditional("CAMELLIA-192-CBC", "mQ=="); /* 1 byte */
}

/* DES and 3DES (8-byte blocks, 8-byte IV) reach the same nettle assertion. */
static void test_des_short_body(void **state)
{
  (void)state;
  replay_traditional_iv("DES-CBC", "5804D784CD79FCFC", "mdOmI0j+zdba4ssvUrNIWybv");
  replay_traditional_iv("DES-EDE3-CBC", "5804D784CD79FCFC", "mdOmI0j+zdba4ssvUrNIWybv");
  replay_traditional_iv("DES-EDE3-CBC", "5804D784CD79FCFC", "mQ==");
}

/* AES, which GnuTLS checks itself, kept so the library's own check does not regress it. */
static void test_aes_short_body(void **state)
{
  (void)state;
  replay_traditional("AES-128-CBC", "mdOmI0j+zdba4ssvUrNIWybv");
  replay_traditional("AES-256-CBC", "mdOmI0j+zdba4ssvUrNIWybv");
}

/* ---- cassl inspect -------------------------------------------------------------------- */

/* Runs `cassl inspect FILE` on the bytes, under valgrind when it is there (a plain build does
 * not notice a small heap overflow; an ASan build is run as is, its checks are built in).
 * The tool must exit with one of its contract codes: 0 (loaded) or 3 (did not load). */
static void replay_inspect(const unsigned char *bytes, size_t size, const char *password)
{
  const char *builddir = getenv("CASSL_BUILDDIR");
  char tool[4096], libtool[4096];
  snprintf(tool, sizeof tool, "%s/tools/cassl", builddir ? builddir : ".");
  snprintf(libtool, sizeof libtool, "%s/libtool", builddir ? builddir : ".");
  if (access(tool, X_OK) != 0) {
    print_message("the cassl tool is not built (%s); case skipped\n", tool);
    skip();
  }
  char dir[] = "/tmp/cassl-regress-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char file[sizeof dir + 16];
  snprintf(file, sizeof file, "%s/input", dir);
  FILE *f = fopen(file, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(bytes, 1, size, f), size);
  fclose(f);
#ifdef REGRESSIONS_UNDER_ASAN
  bool use_valgrind = false;
#else
  bool use_valgrind = access("/usr/bin/valgrind", X_OK) == 0;
#endif
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout))
      _exit(120);
    const char *argv[16];
    int argc = 0;
    if (use_valgrind) {
      argv[argc++] = libtool;
      argv[argc++] = "--mode=execute";
      argv[argc++] = "/usr/bin/valgrind";
      argv[argc++] = "-q";
      argv[argc++] = "--error-exitcode=99";
    }
    argv[argc++] = tool;
    argv[argc++] = "inspect";
    if (password) {
      argv[argc++] = "--password";
      argv[argc++] = password;
    }
    argv[argc++] = file;
    argv[argc] = NULL;
    execv(argv[0], (char *const *)argv);
    _exit(121);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  unlink(file);
  rmdir(dir);
  if (WIFSIGNALED(status))
    fail_msg("cassl inspect died with signal %d", WTERMSIG(status));
  int code = WEXITSTATUS(status);
  if (code == 99)
    fail_msg("valgrind found a memory error in cassl inspect");
  if (code != 0 && code != 3)
    fail_msg("cassl inspect exited with %d, expected 0 or 3", code);
}

/* fuzz_inspect, 34 bytes: a NUL inside a PEM block. inspect_pem copies the block with
 * strndup (which stops at the NUL) and then wipes block_len bytes of the shorter copy:
 * a heap buffer overflow (write). */
static const unsigned char pem_block_with_nul[] = {
  0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x42, 0x45, 0x47, 0x49, 0x4e, 0x20, 0x43,
  0x41, 0x54, 0x45, 0x00, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x45, 0x4e, 0x44,
  0x20, 0x43, 0x41, 0x54, 0x45, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d
};

static void test_inspect_pem_block_with_nul(void **state)
{
  (void)state;
  replay_inspect(pem_block_with_nul, sizeof pem_block_with_nul, NULL);
}

/* The same in a CERTIFICATE block: GnuTLS is also handed block_len bytes of the short copy
 * (a heap over-read in gnutls_x509_crt_import) before the wipe overflows it. */
static void test_inspect_certificate_with_nul(void **state)
{
  (void)state;
  static const char text[] = "-----BEGIN CERTIFICATE-----\nMIIB\0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                             "AAAAAAAAAAAAAAAAAAA\n-----END CERTIFICATE-----\n";
  replay_inspect((const unsigned char *)text, sizeof text - 1, NULL);
}

/* fuzz_inspect: the Camellia key of test_camellia_short_minimized, read by the tool's own
 * key loader (inspect.c key_load -> gnutls_x509_privkey_import2): the same nettle abort. */
static void test_inspect_camellia_short_key(void **state)
{
  (void)state;
  size_t n = camellia_short_minimized[0];
  char password[32];
  memcpy(password, camellia_short_minimized + 1, n);
  password[n] = '\0';
  replay_inspect(camellia_short_minimized + 1 + n, sizeof camellia_short_minimized - 1 - n,
                 password);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_camellia_short_minimized),
    cmocka_unit_test(test_camellia128_short_body),
    cmocka_unit_test(test_camellia256_short_body),
    cmocka_unit_test(test_camellia192_one_byte_body),
    cmocka_unit_test(test_des_short_body),
    cmocka_unit_test(test_des_glued_to_end_line),
    cmocka_unit_test(test_aes_short_body),
    cmocka_unit_test(test_inspect_pem_block_with_nul),
    cmocka_unit_test(test_inspect_certificate_with_nul),
    cmocka_unit_test(test_inspect_camellia_short_key),
  };
  return cmocka_run_group_tests_name("fuzz_regressions", tests, NULL, NULL);
}
