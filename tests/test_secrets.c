/* Secret hygiene: passwords and decrypted private keys are wiped before their memory is
 * released.
 *
 * This binary defines free(), realloc() and reallocarray() itself (the dynamic linker then
 * uses them for the whole process, GnuTLS, nettle and GMP included). While the scanner is
 * armed, every block being freed, or moved away by realloc, is searched for:
 *   - the password (and a wrong password that was tried),
 *   - a 32-byte window from the middle of the private exponent d and of the prime p, both as
 *     they appear in the key's DER (big-endian) and as GMP/nettle hold them (little-endian).
 * The secret values come from a child process that decrypts the key with GnuTLS, so this
 * process never held them before the scan starts (no stale copies in recycled blocks), and
 * the test's own password lives in static memory.
 *
 * Each hit is attributed to the code that called free: libcassl (linked into this
 * executable) or a library (by its file name). Hits in libcassl fail the test; hits inside
 * the TLS library are printed with their stack and counted separately. */
#define _GNU_SOURCE 1 /* memmem, dladdr, malloc_usable_size */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cassl/cassl.h"
#include "cassl/session.h"
#include "hardening_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SECRETS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SECRETS_UNDER_ASAN 1
#endif
#endif

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define SECRETS_MAKE_DEFINED(p, n) VALGRIND_MAKE_MEM_DEFINED(p, n)
#define SECRETS_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef SECRETS_MAKE_DEFINED
#define SECRETS_MAKE_DEFINED(p, n) ((void)0)
#define SECRETS_UNDER_VALGRIND() 0
#endif

#define WINDOW 32
#define MAX_PATTERNS 8
#define MAX_HITS 64
#define MAX_FRAMES 24

/* ---- what to look for (static memory only) ---------------------------------------------- */

struct pattern {
  char name[48];
  unsigned char bytes[WINDOW];
  size_t len;
};

static struct pattern patterns[MAX_PATTERNS];
static size_t n_patterns;
static char password[128];          /* the fixtures' password, read without the heap */
static const char wrong_password[] = "Wrong-Password-For-The-Scan-42";

/* ---- the scanner ---------------------------------------------------------------------- */

struct hit {
  const char *pattern;
  size_t block_size;
  bool by_realloc;
  void *caller;
  void *frames[MAX_FRAMES];
  int n_frames;
};

static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int armed;
static struct hit hits[MAX_HITS];
static size_t n_hits, n_hits_lost;
static unsigned long blocks_scanned;
static __thread int in_scanner;

/* Records a hit of any pattern in the block; returns true when there was one. */
static bool scan_block(void *p, bool by_realloc, void *caller)
{
  if (!p || !armed || in_scanner)
    return false;
  in_scanner = 1;
  size_t size = malloc_usable_size(p);
  SECRETS_MAKE_DEFINED(p, size);
  bool found = false;
  pthread_mutex_lock(&scan_lock);
  blocks_scanned++;
  for (size_t i = 0; i < n_patterns; i++) {
    if (!memmem(p, size, patterns[i].bytes, patterns[i].len))
      continue;
    found = true;
    if (n_hits == MAX_HITS) {
      n_hits_lost++;
      continue;
    }
    struct hit *h = &hits[n_hits++];
    h->pattern = patterns[i].name;
    h->block_size = size;
    h->by_realloc = by_realloc;
    h->caller = caller;
    h->n_frames = backtrace(h->frames, MAX_FRAMES);
  }
  pthread_mutex_unlock(&scan_lock);
  in_scanner = 0;
  return found;
}

#ifndef SECRETS_UNDER_ASAN
extern void __libc_free(void *p);
extern void *__libc_realloc(void *p, size_t size);

__attribute__((visibility("default"))) void free(void *p)
{
  /* A block already reported is wiped so its stale copy is not reported again when the
   * allocator hands it to someone else. */
  if (scan_block(p, false, __builtin_return_address(0)))
    explicit_bzero(p, malloc_usable_size(p));
  __libc_free(p);
}

__attribute__((visibility("default"))) void *realloc(void *p, size_t size)
{
  if (p && size == 0) { /* glibc frees p and returns NULL */
    free(p);
    return NULL;
  }
  /* Scanned before the call: when the block moves, glibc frees the old one as it is. */
  bool had = false;
  if (p && armed && !in_scanner) {
    in_scanner = 1;
    size_t old = malloc_usable_size(p);
    SECRETS_MAKE_DEFINED(p, old);
    for (size_t i = 0; i < n_patterns && !had; i++)
      had = memmem(p, old, patterns[i].bytes, patterns[i].len) != NULL;
    in_scanner = 0;
  }
  void *caller = __builtin_return_address(0);
  void *q = __libc_realloc(p, size);
  if (had && q && q != p)
    scan_block(q, true, caller); /* the old block is gone; the new one has the same bytes */
  return q;
}

__attribute__((visibility("default"))) void *reallocarray(void *p, size_t n, size_t size)
{
  size_t total;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, total);
}
#endif

static void arm(void)
{
  pthread_mutex_lock(&scan_lock);
  n_hits = n_hits_lost = 0;
  blocks_scanned = 0;
  armed = 1;
  pthread_mutex_unlock(&scan_lock);
}

static void disarm(void)
{
  pthread_mutex_lock(&scan_lock);
  armed = 0;
  pthread_mutex_unlock(&scan_lock);
}

/* ---- attribution and report (scanner disarmed) ------------------------------------------ */

static bool in_this_executable(void *addr)
{
  Dl_info self, info;
  if (!dladdr((void *)&in_this_executable, &self) || !dladdr(addr, &info))
    return false;
  return info.dli_fbase == self.dli_fbase;
}

static const char *module_of(void *addr)
{
  Dl_info info;
  if (!dladdr(addr, &info) || !info.dli_fname)
    return "?";
  const char *slash = strrchr(info.dli_fname, '/');
  return slash ? slash + 1 : info.dli_fname;
}

/* Prints every hit with its stack; returns how many were in libcassl's own code. */
static unsigned report_hits(const char *what)
{
  unsigned ours = 0, theirs = 0;
  for (size_t i = 0; i < n_hits; i++) {
    struct hit *h = &hits[i];
    bool mine = in_this_executable(h->caller);
    if (mine)
      ours++;
    else
      theirs++;
    fprintf(stderr, "%s: %s found in a %zu-byte block %s by %s (%s)\n", what, h->pattern,
            h->block_size, h->by_realloc ? "moved away by realloc" : "freed",
            mine ? "libcassl" : module_of(h->caller),
            mine ? "OURS" : "not libcassl: the TLS library or its dependencies");
    backtrace_symbols_fd(h->frames, h->n_frames, 2);
  }
  if (n_hits_lost)
    fprintf(stderr, "%s: %zu more hits not recorded\n", what, n_hits_lost);
  fprintf(stderr, "%s: %lu freed blocks scanned, %u hits in libcassl, %u in libraries\n",
          what, blocks_scanned, ours, theirs);
  return ours + (unsigned)(n_hits_lost ? 1 : 0);
}

/* ---- the secrets, computed in a child ----------------------------------------------------- */

static void add_pattern(const char *name, const unsigned char *bytes, size_t len)
{
  if (n_patterns == MAX_PATTERNS || len == 0)
    return;
  struct pattern *p = &patterns[n_patterns++];
  snprintf(p->name, sizeof p->name, "%s", name);
  p->len = len < WINDOW ? len : WINDOW;
  memcpy(p->bytes, bytes, p->len);
}

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
  add_pattern("private exponent d (DER, big-endian)", in[0], WINDOW);
  add_pattern("private exponent d (little-endian limbs)", in[1], WINDOW);
  add_pattern("prime p (DER, big-endian)", in[2], WINDOW);
  add_pattern("prime p (little-endian limbs)", in[3], WINDOW);
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

static char *client_pem, *keys[6];
static const char *key_names[6] = {
  "client-pbes2-aes.key", "client-pbes1-3des.key", "client-trad-aes.key",
  "client-trad-3des.key", "client-p12.key", "client.key",
};

static void expect_clean(const char *what)
{
  disarm();
  unsigned ours = report_hits(what);
  if (blocks_scanned == 0)
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
  arm();
  memcpy(wiped, password, n);
  explicit_bzero(wiped, n);
  free(wiped);
  memcpy(leaky, password, n);
  free(leaky);
  disarm();
  assert_int_equal(blocks_scanned, 2);
  assert_int_equal(n_hits, 1);
  assert_true(in_this_executable(hits[0].caller));
  assert_string_equal(hits[0].pattern, "password");
  n_hits = 0;
}

/* Each encoding of the key: load it with its password, then free everything. */
static void test_load_and_free(void **state)
{
  (void)state;
  for (size_t i = 0; i < 6; i++) {
    bool encrypted = strcmp(key_names[i], "client.key") != 0;
    arm();
    CassSsl *ssl = cass_ssl_new();
    assert_non_null(ssl);
    CassError rc = cass_ssl_set_private_key_n(ssl, keys[i], strlen(keys[i]),
                                              encrypted ? password : NULL,
                                              encrypted ? strlen(password) : 0);
    if (rc != CASS_OK) {
      disarm();
      fail_msg("%s: %s %s", key_names[i], cassl_error_name(rc), cassl_ssl_last_error(ssl));
    }
    cass_ssl_free(ssl);
    expect_clean(key_names[i]);
  }
}

/* A wrong password, then the right one, on one object; the pair with its certificate. */
static void test_wrong_password_then_pair(void **state)
{
  (void)state;
  arm();
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
  arm();
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

int main(void)
{
#ifdef SECRETS_UNDER_ASAN
  fprintf(stderr, "skipped: the allocator cannot be interposed under AddressSanitizer "
                  "(it owns malloc/free); the secret scan runs in the plain and valgrind builds\n");
  return 77;
#else
  if (SECRETS_UNDER_VALGRIND() || getenv("CASSL_UNDER_VALGRIND")) {
    fprintf(stderr, "skipped: valgrind replaces free() in the executable too, so the scan "
                    "cannot see freed blocks; it runs in the plain build\n");
    return 77;
  }
  hardening_fixtures_init();
  read_password();
  add_pattern("password", (const unsigned char *)password, strlen(password));
  add_pattern("wrong password", (const unsigned char *)wrong_password, strlen(wrong_password));
  {
    /* GnuTLS normalises passwords through UTF-32 (NFKC): look for that form too. */
    static unsigned char utf32[WINDOW];
    for (size_t i = 0; i < WINDOW / 4 && password[i]; i++)
      utf32[4 * i] = (unsigned char)password[i];
    if (strlen(password) >= WINDOW / 4)
      add_pattern("password (UTF-32)", utf32, WINDOW);
  }
  client_pem = hardening_fixture("client.pem", NULL);
  for (size_t i = 0; i < 6; i++)
    keys[i] = hardening_fixture(key_names[i], NULL);
  {
    /* Load the unwinder and the TLS library before the scan (both allocate once). */
    void *frames[4];
    backtrace(frames, 4);
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
    cmocka_unit_test(test_wrong_password_then_pair),
    cmocka_unit_test(test_session_keeps_and_releases),
  };
  int rc = cmocka_run_group_tests_name("secrets", tests, NULL, NULL);
  free(client_pem);
  for (size_t i = 0; i < 6; i++)
    free(keys[i]);
  return rc;
#endif
}
