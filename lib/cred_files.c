/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Credentials bound to files, and their reload without a restart.
 *
 * The core reads the files (the backend parses what it is given, as for the _n setters) and
 * remembers, per file, what identifies the content in force: the fstat signature of what was
 * read and its SHA-256. A reload first compares signatures (stat, no read); only a file
 * whose signature moved is read, and only a file whose content differs is parsed. The client
 * certificate and key are one unit: whenever either changed both go to the backend together
 * (creds_bind_pair), which stages them only when they match, so a half-rotated pair is never
 * published. Each unit is staged on its own; the ones that loaded are published together by
 * one creds_commit under the object's lock, after all the slow work. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "secure.h"
#include "ssl_object.h"

/* ---- reading ------------------------------------------------------------------------- */

static bool is_url(const char *path)
{
  return strncmp(path, "pkcs11:", 7) == 0;
}

static void sig_of(const struct stat *st, struct cassl_file_sig *sig)
{
  sig->valid = true;
  sig->dev = st->st_dev;
  sig->ino = st->st_ino;
  sig->size = st->st_size;
  sig->mtime = st->st_mtim;
  sig->ctime = st->st_ctim;
}

static bool sig_equal(const struct cassl_file_sig *a, const struct cassl_file_sig *b)
{
  return a->valid && b->valid && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
         a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* The content of a file: what one open sees (a rename or a symlink swap during the read
 * does not mix two files), refused when it changes while being read (a writer still at
 * work) or is not a regular file of at most CASSL_BOUND_FILE_MAX bytes. */
struct file_content {
  char *data;
  size_t len;
  struct cassl_file_sig sig;
  unsigned char sha256[32];
};

static void content_free(struct file_content *c)
{
  if (c->data) {
    cassl_wipe(c->data, c->len); /* a key file's bytes */
    free(c->data);
  }
  memset(c, 0, sizeof *c);
}

static CassError read_file(const char *what, const char *path, CassError bad,
                           struct file_content *c, cassl_errmsg *err)
{
  memset(c, 0, sizeof *c);
  /* O_NONBLOCK: a FIFO put in place of a file must not hang the reload (then refused). */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "cannot open the %s %s: %s", what, path,
                      strerror(errno));
  struct stat before, after;
  CassError rc = CASS_OK;
  if (fstat(fd, &before) != 0) {
    rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "cannot read the %s %s: %s", what, path,
                    strerror(errno));
    goto done;
  }
  if (!S_ISREG(before.st_mode)) {
    rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "the %s %s is not a regular file", what,
                    path);
    goto done;
  }
  if (before.st_size > (off_t)CASSL_BOUND_FILE_MAX) {
    rc = cassl_fail(err, bad, "the %s %s is too large (%lld bytes; at most %u)", what, path,
                    (long long)before.st_size, CASSL_BOUND_FILE_MAX);
    goto done;
  }
  /* One byte more than the size, to see a file that grows while it is read. */
  size_t cap = (size_t)before.st_size + 1;
  if (!(c->data = malloc(cap))) {
    rc = cassl_fail(err, bad, "out of memory reading the %s %s", what, path);
    goto done;
  }
  while (c->len < cap) {
    ssize_t n = read(fd, c->data + c->len, cap - c->len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "cannot read the %s %s: %s", what, path,
                      strerror(errno));
      goto done;
    }
    if (n == 0)
      break;
    c->len += (size_t)n;
  }
  if (fstat(fd, &after) != 0 || c->len != (size_t)before.st_size ||
      after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
      after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
    rc = cassl_fail(err, bad, "the %s %s changed while it was read (is it still being "
                    "written?)", what, path);
    goto done;
  }
  sig_of(&before, &c->sig);
  struct sha256_ctx h;
  sha256_init(&h);
  sha256_update(&h, c->len, (const uint8_t *)c->data);
  sha256_digest(&h, sizeof c->sha256, c->sha256);

done:
  close(fd);
  if (rc != CASS_OK)
    content_free(c);
  return rc;
}

/* Whether a bound file's signature differs from the one in force (a stat, no read). A file
 * that cannot be stat'ed counts as changed: the read then says why. */
static bool file_moved(const struct cassl_bound *b)
{
  if (!b->path || b->url)
    return false;
  struct stat st;
  if (stat(b->path, &st) != 0)
    return true;
  struct cassl_file_sig now;
  sig_of(&st, &now);
  return !sig_equal(&now, &b->sig);
}

/* ---- the bindings' bookkeeping --------------------------------------------------------- */

static void bound_clear(struct cassl_bound *b)
{
  free(b->path);
  free(b->shown);
  memset(b, 0, sizeof *b);
}

static void unit_clear(struct cassl_bound_unit *u)
{
  memset(u, 0, sizeof *u);
}

static void forget_password(struct cassl_bindings *b)
{
  if (b->password) {
    cassl_wipe(b->password, b->password_len);
    free(b->password);
  }
  b->password = NULL;
  b->password_len = 0;
}

void cassl_bindings_forget_pair(struct cassl_bindings *b)
{
  bound_clear(&b->cert);
  bound_clear(&b->key);
  unit_clear(&b->pair_unit);
  forget_password(b);
}

void cassl_bindings_free(struct cassl_bindings *b)
{
  cassl_bindings_forget_pair(b);
  bound_clear(&b->trust);
  bound_clear(&b->crl);
}

/* Records what a successful load put in force. */
static void bound_loaded(struct cassl_bound *b, const struct file_content *c)
{
  if (b->url)
    return;
  b->sig = c->sig;
  memcpy(b->sha256, c->sha256, sizeof b->sha256);
}

/* ---- one unit ------------------------------------------------------------------------ */

/* A member of a unit being loaded: its binding and, for a file, what was read of it. */
struct member {
  const struct cassl_bound *bound;
  const char *what;
  CassError bad; /* the error of an unusable content */
  struct file_content content;
  struct cassl_source src;
};

/* Reads the members that are files (a URL is the backend's to read). */
static CassError read_members(struct member *m, size_t n, cassl_errmsg *err)
{
  for (size_t i = 0; i < n; i++) {
    const struct cassl_bound *b = m[i].bound;
    m[i].src.name = b->shown;
    if (b->url) {
      m[i].src.url = b->path;
      continue;
    }
    CassError rc = read_file(m[i].what, b->path, m[i].bad, &m[i].content, err);
    if (rc != CASS_OK)
      return rc;
    m[i].src.data = m[i].content.data;
    m[i].src.len = m[i].content.len;
  }
  return CASS_OK;
}

static void free_members(struct member *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    content_free(&m[i].content);
}

/* Whether every file member's content is the one in force. */
static bool contents_unchanged(const struct member *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!m[i].bound->url && memcmp(m[i].content.sha256, m[i].bound->sha256, 32) != 0)
      return false;
  return true;
}

/* The SHA-256 of the members' contents together: what a refusal is remembered by. */
static void unit_fingerprint(const struct member *m, size_t n, unsigned char out[32])
{
  struct sha256_ctx h;
  sha256_init(&h);
  for (size_t i = 0; i < n; i++)
    sha256_update(&h, 32, m[i].content.sha256);
  sha256_digest(&h, 32, out);
}

enum unit_outcome { UNIT_UNCHANGED, UNIT_CHANGED, UNIT_REFUSED };

/* What loads a unit's members into the backend (stages them). */
typedef CassError (*unit_load)(cassl_ssl *ssl, const struct member *m, cassl_errmsg *err);

/* Reloads one unit: nothing when no member moved or the contents are the ones in force;
 * the remembered refusal when the contents are the ones refused last time; otherwise the
 * backend loads them. *err holds the sentence of a refusal. */
static enum unit_outcome reload_unit(cassl_ssl *ssl, struct cassl_bound **bounds,
                                     struct member *m, size_t n,
                                     struct cassl_bound_unit *unit, unit_load load,
                                     CassError *rc, cassl_errmsg *err)
{
  *rc = CASS_OK;
  bool moved = false;
  for (size_t i = 0; i < n; i++)
    moved = moved || file_moved(bounds[i]);
  if (!moved)
    return UNIT_UNCHANGED;
  enum unit_outcome out = UNIT_REFUSED;
  cassl_errmsg why = { "" };
  *rc = read_members(m, n, &why);
  bool all_read = *rc == CASS_OK;
  if (all_read && contents_unchanged(m, n)) {
    /* Touched or replaced by the same bytes: remember the new signatures only. */
    for (size_t i = 0; i < n; i++)
      bound_loaded(bounds[i], &m[i].content);
    out = UNIT_UNCHANGED;
    goto done;
  }
  unsigned char fp[32];
  if (*rc == CASS_OK) {
    unit_fingerprint(m, n, fp);
    if (unit->refused && memcmp(fp, unit->refused_sha256, sizeof fp) == 0) {
      *rc = unit->refused_rc;
      *err = unit->refused_msg;
      goto done;
    }
    *rc = load(ssl, m, &why);
  }
  if (*rc == CASS_OK) {
    for (size_t i = 0; i < n; i++)
      bound_loaded(bounds[i], &m[i].content);
    unit_clear(unit);
    out = UNIT_CHANGED;
    goto done;
  }
  cassl_fail(err, *rc, "%s not reloaded, the one in force stays: %s", m[0].what, why.text);
  /* A file that could not be read is not remembered: it is read again next time. */
  if (all_read) {
    unit->refused = true;
    memcpy(unit->refused_sha256, fp, sizeof fp);
    unit->refused_rc = *rc;
    unit->refused_msg = *err;
  }

done:
  free_members(m, n);
  return out;
}

static CassError load_pair(cassl_ssl *ssl, const struct member *m, cassl_errmsg *err)
{
  const struct cassl_bindings *b = &ssl->files;
  return ssl->backend->creds_bind_pair(ssl->creds, &m[0].src, &m[1].src, b->password,
                                       b->password_len, err);
}

static CassError load_trust(cassl_ssl *ssl, const struct member *m, cassl_errmsg *err)
{
  return ssl->backend->creds_bind_trust(ssl->creds, &m[0].src, err);
}

static CassError load_crls(cassl_ssl *ssl, const struct member *m, cassl_errmsg *err)
{
  return ssl->backend->creds_bind_crls(ssl->creds, &m[0].src, err);
}

#define PAIR_MEMBERS(b)                                                                    \
  {                                                                                        \
    { .bound = &(b)->cert, .what = "client certificate", .bad = CASS_ERROR_SSL_INVALID_CERT }, \
    { .bound = &(b)->key, .what = "client private key",                                   \
      .bad = CASS_ERROR_SSL_INVALID_PRIVATE_KEY }                                         \
  }

/* ---- reload -------------------------------------------------------------------------- */

/* One sentence for the whole reload: the first refusal, else what changed. */
struct reload_report {
  cassl_reload_result result;
  CassError rc;
  cassl_errmsg msg;
  size_t changed;
  bool drop_resumption;
};

static void report_unit(struct reload_report *r, enum unit_outcome out, const char *what,
                        const char *path, CassError rc, const cassl_errmsg *why)
{
  if (out == UNIT_REFUSED) {
    if (r->result != CASSL_RELOAD_REFUSED) {
      r->result = CASSL_RELOAD_REFUSED;
      r->rc = rc;
      r->msg = *why;
    }
    return;
  }
  if (out != UNIT_CHANGED)
    return;
  r->drop_resumption = true; /* trust, CRLs and the client identity all count */
  if (r->result == CASSL_RELOAD_REFUSED)
    return;
  r->result = CASSL_RELOAD_CHANGED;
  size_t used = strlen(r->msg.text);
  cassl_errmsg add;
  cassl_fail(&add, CASS_OK, "%s%s %s changed", r->changed++ ? "; " : "", what, path);
  if (used + strlen(add.text) < sizeof r->msg.text)
    memcpy(r->msg.text + used, add.text, strlen(add.text) + 1);
}

/* Under the setter lock: reloads every unit, then publishes what loaded. */
static void reload_locked(cassl_ssl *ssl, struct reload_report *r)
{
  memset(r, 0, sizeof *r);
  r->result = CASSL_RELOAD_UNCHANGED;
  struct cassl_bindings *b = &ssl->files;
  CassError rc;
  cassl_errmsg why = { "" };
  enum unit_outcome out;

  /* Trust first: CRLs are checked against the trust being staged with them. */
  if (b->trust.path) {
    struct cassl_bound *bounds[] = { &b->trust };
    struct member m[] = { { .bound = &b->trust, .what = "trusted file",
                            .bad = CASS_ERROR_SSL_INVALID_CERT } };
    out = reload_unit(ssl, bounds, m, 1, &b->trust_unit, load_trust, &rc, &why);
    report_unit(r, out, "trusted file", b->trust.shown, rc, &why);
  }
  if (b->crl.path) {
    struct cassl_bound *bounds[] = { &b->crl };
    struct member m[] = { { .bound = &b->crl, .what = "CRL file",
                            .bad = CASS_ERROR_SSL_INVALID_CERT } };
    out = reload_unit(ssl, bounds, m, 1, &b->crl_unit, load_crls, &rc, &why);
    report_unit(r, out, "CRL file", b->crl.shown, rc, &why);
  }
  if (b->cert.path) {
    struct cassl_bound *bounds[] = { &b->cert, &b->key };
    struct member m[] = PAIR_MEMBERS(b);
    out = reload_unit(ssl, bounds, m, 2, &b->pair_unit, load_pair, &rc, &why);
    report_unit(r, out, "client certificate", b->cert.shown, rc, &why);
  }
  if (r->result == CASSL_RELOAD_UNCHANGED)
    cassl_fail(&r->msg, CASS_OK, "%s", "no bound file changed");

  /* Not cassl_setter_end: a reload publishes the units that loaded even when another was
   * refused, and drops resumption data only when something changed. */
  pthread_mutex_lock(&ssl->lock);
  if (r->changed) {
    ssl->backend->creds_commit(ssl->creds);
  } else {
    ssl->backend->creds_discard(ssl->creds);
  }
  if (r->drop_resumption)
    cassl_session_cache_clear(&ssl->sessions);
  b->last_result = r->result;
  b->last_msg = r->msg;
  pthread_mutex_unlock(&ssl->lock);
}

static int64_t monotonic_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec;
}

static void schedule_next(struct cassl_bindings *b)
{
  unsigned interval = atomic_load_explicit(&b->interval, memory_order_relaxed);
  atomic_store_explicit(&b->next_check, monotonic_seconds() + interval, memory_order_relaxed);
}

CASSL_EXPORT CassError cassl_ssl_reload(cassl_ssl *ssl, cassl_reload_result *result)
{
  if (result)
    *result = CASSL_RELOAD_UNCHANGED;
  if (!ssl) {
    cassl_errmsg msg;
    cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "no cassl_ssl object (NULL)");
    cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &msg);
    return CASS_ERROR_LIB_BAD_PARAMS;
  }
  struct reload_report r;
  pthread_mutex_lock(&ssl->setter_lock);
  reload_locked(ssl, &r);
  schedule_next(&ssl->files);
  pthread_mutex_lock(&ssl->lock);
  if (r.result == CASSL_RELOAD_REFUSED)
    ssl->last_error = r.msg;
  else
    ssl->last_error.text[0] = '\0';
  pthread_mutex_unlock(&ssl->lock);
  pthread_mutex_unlock(&ssl->setter_lock);
  if (result)
    *result = r.result;
  if (r.result != CASSL_RELOAD_REFUSED)
    return CASS_OK;
  cassl_note_thread_error(r.rc, &r.msg);
  return r.rc;
}

void cassl_reload_if_due(cassl_ssl *ssl)
{
  struct cassl_bindings *b = &ssl->files;
  if (atomic_load_explicit(&b->interval, memory_order_relaxed) == 0 ||
      monotonic_seconds() < atomic_load_explicit(&b->next_check, memory_order_relaxed))
    return;
  /* A session never waits for a reload or a setter: it takes what is in force. */
  if (pthread_mutex_trylock(&ssl->setter_lock) != 0)
    return;
  if (monotonic_seconds() >= atomic_load_explicit(&b->next_check, memory_order_relaxed)) {
    struct reload_report r;
    reload_locked(ssl, &r);
    schedule_next(b);
  }
  pthread_mutex_unlock(&ssl->setter_lock);
}

CASSL_EXPORT CassError cassl_ssl_set_reload_interval(cassl_ssl *ssl, unsigned seconds)
{
  if (!ssl) {
    cassl_errmsg msg;
    cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "no cassl_ssl object (NULL)");
    cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &msg);
    return CASS_ERROR_LIB_BAD_PARAMS;
  }
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, FIELDS);
  CassError rc = CASS_OK;
  if (seconds > CASSL_RELOAD_INTERVAL_MAX) {
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "reload interval %u s is too long (at most %u s)", seconds,
                    CASSL_RELOAD_INTERVAL_MAX);
  } else {
    atomic_store_explicit(&ssl->files.interval, seconds, memory_order_relaxed);
    schedule_next(&ssl->files);
  }
  return cassl_setter_end(ssl, rc, &msg, KEEPS_RESUMPTION, FIELDS);
}

CASSL_EXPORT cassl_reload_result cassl_ssl_last_reload(const cassl_ssl *ssl, char *buf,
                                                       size_t cap)
{
  if (buf && cap)
    buf[0] = '\0';
  if (!ssl)
    return CASSL_RELOAD_UNCHANGED;
  cassl_ssl *locked = (cassl_ssl *)ssl; /* the lock is not part of the object's value */
  pthread_mutex_lock(&locked->lock);
  cassl_reload_result result = ssl->files.last_result;
  cassl_errmsg msg = ssl->files.last_msg;
  pthread_mutex_unlock(&locked->lock);
  if (buf && cap) {
    size_t n = strlen(msg.text);
    if (n >= cap)
      n = cap - 1;
    memcpy(buf, msg.text, n);
    buf[n] = '\0';
  }
  return result;
}

/* ---- binding ------------------------------------------------------------------------- */

static CassError no_object(void)
{
  cassl_errmsg msg;
  cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "no cassl_ssl object (NULL)");
  cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &msg);
  return CASS_ERROR_LIB_BAD_PARAMS;
}

/* Checks what a backend can take before anything is read. */
static CassError source_usable(const cassl_ssl *ssl, const char *path, bool url_allowed,
                               const char *what, cassl_errmsg *err)
{
  if (!(ssl->backend->caps & CASSL_CAP_TLS))
    return cassl_fail(err, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                      "libcassl was built without TLS (--with-tls=none)");
  if (!path[0])
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "empty path for the %s", what);
  char shown[512];
  cassl_redact_url(path, shown, sizeof shown);
  if (is_url(path) && !url_allowed)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "the %s cannot come from a PKCS#11 "
                      "token (%s): give a file", what, shown);
  if (is_url(path) && !(ssl->backend->caps & CASSL_CAP_PKCS11))
    return cassl_fail(err, CASS_ERROR_LIB_NOT_IMPLEMENTED,
                      "this build (%s backend) cannot use PKCS#11 tokens: %s",
                      ssl->backend->name, shown);
  return CASS_OK;
}

/* A binding for path, not yet in force (the caller swaps it in once it loaded). */
static CassError bound_new(const char *path, struct cassl_bound *out, cassl_errmsg *err)
{
  memset(out, 0, sizeof *out);
  size_t cap = strlen(path) + 4; /* "***" may be longer than the PIN it hides */
  if (!(out->path = strdup(path)) || !(out->shown = malloc(cap))) {
    free(out->path);
    out->path = NULL;
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  }
  cassl_redact_url(path, out->shown, cap);
  out->url = is_url(path);
  return CASS_OK;
}

CASSL_EXPORT CassError cassl_ssl_set_cert_key_files(cassl_ssl *ssl, const char *cert_path,
                                                    const char *key_path, const char *password)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  struct cassl_bindings *b = &ssl->files;
  CassError rc = CASS_OK;
  if (!cert_path && !key_path) {
    cassl_bindings_forget_pair(b);
    return cassl_setter_end(ssl, rc, &msg, KEEPS_RESUMPTION, BACKEND);
  }
  struct cassl_bound cert = { 0 }, key = { 0 };
  char *pass = NULL;
  size_t pass_len = password ? strlen(password) : 0;
  if (!cert_path || !key_path)
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                    "the client certificate and key files are bound together: give both "
                    "(or both NULL to unbind)");
  if (rc == CASS_OK)
    rc = source_usable(ssl, cert_path, true, "client certificate", &msg);
  if (rc == CASS_OK)
    rc = source_usable(ssl, key_path, true, "client private key", &msg);
  if (rc == CASS_OK)
    rc = bound_new(cert_path, &cert, &msg);
  if (rc == CASS_OK)
    rc = bound_new(key_path, &key, &msg);
  if (rc == CASS_OK && pass_len && !(pass = strdup(password)))
    rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  struct member m[] = {
    { .bound = &cert, .what = "client certificate", .bad = CASS_ERROR_SSL_INVALID_CERT },
    { .bound = &key, .what = "client private key", .bad = CASS_ERROR_SSL_INVALID_PRIVATE_KEY },
  };
  if (rc == CASS_OK)
    rc = read_members(m, 2, &msg);
  if (rc == CASS_OK)
    rc = ssl->backend->creds_bind_pair(ssl->creds, &m[0].src, &m[1].src, pass, pass_len, &msg);
  if (rc == CASS_OK) {
    bound_loaded(&cert, &m[0].content);
    bound_loaded(&key, &m[1].content);
    cassl_bindings_forget_pair(b);
    b->cert = cert;
    b->key = key;
    b->password = pass;
    b->password_len = pass_len;
  } else {
    bound_clear(&cert);
    bound_clear(&key);
    if (pass) {
      cassl_wipe(pass, pass_len);
      free(pass);
    }
  }
  free_members(m, 2);
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

/* The trusted file and the CRL file: one source each, replaced whole. */
static CassError bind_single(cassl_ssl *ssl, const char *path, struct cassl_bound *slot,
                             struct cassl_bound_unit *unit, bool url_allowed, const char *what,
                             CassError (*bind)(void *, const struct cassl_source *,
                                               cassl_errmsg *))
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = CASS_OK;
  struct cassl_bound fresh = { 0 };
  struct member m[] = { { .bound = &fresh, .what = what, .bad = CASS_ERROR_SSL_INVALID_CERT } };
  if (!(ssl->backend->caps & CASSL_CAP_TLS)) {
    rc = source_usable(ssl, "", url_allowed, what, &msg);
  } else if (!path) {
    rc = bind(ssl->creds, NULL, &msg);
  } else if ((rc = source_usable(ssl, path, url_allowed, what, &msg)) == CASS_OK &&
             (rc = bound_new(path, &fresh, &msg)) == CASS_OK &&
             (rc = read_members(m, 1, &msg)) == CASS_OK) {
    rc = bind(ssl->creds, &m[0].src, &msg);
  }
  if (rc == CASS_OK) {
    bound_loaded(&fresh, &m[0].content);
    bound_clear(slot);
    unit_clear(unit);
    *slot = fresh;
  } else {
    bound_clear(&fresh);
  }
  free_members(m, 1);
  return cassl_setter_end(ssl, rc, &msg, DROPS_RESUMPTION, BACKEND);
}

CASSL_EXPORT CassError cassl_ssl_set_trusted_file(cassl_ssl *ssl, const char *path)
{
  return bind_single(ssl, path, ssl ? &ssl->files.trust : NULL,
                     ssl ? &ssl->files.trust_unit : NULL, true, "trusted file",
                     ssl ? ssl->backend->creds_bind_trust : NULL);
}

CASSL_EXPORT CassError cassl_ssl_set_crl_file(cassl_ssl *ssl, const char *path)
{
  return bind_single(ssl, path, ssl ? &ssl->files.crl : NULL, ssl ? &ssl->files.crl_unit : NULL,
                     false, "CRL file", ssl ? ssl->backend->creds_bind_crls : NULL);
}

CASSL_EXPORT CassError cassl_ssl_set_pin_callback(cassl_ssl *ssl, cassl_pin_callback callback,
                                                  void *userdata)
{
  if (!ssl)
    return no_object();
  cassl_errmsg msg;
  cassl_setter_begin(ssl, &msg, BACKEND);
  CassError rc = CASS_OK;
  if (!(ssl->backend->caps & CASSL_CAP_PKCS11))
    rc = source_usable(ssl, "pkcs11:", true, "PIN callback", &msg);
  else
    ssl->backend->creds_set_pin_callback(ssl->creds, callback, userdata);
  return cassl_setter_end(ssl, rc, &msg, KEEPS_RESUMPTION, BACKEND);
}
