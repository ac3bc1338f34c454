/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Protocol priorities: the system crypto policy, the minimum version, and the
 * cassl_ssl_set_priority override. */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gtls.h"

/* What to remove from the policy for a version range (driver values, then TLS 1.3): the
 * versions below the minimum and above the maximum, and DTLS (never used here). */
static void version_exclusions(int min_version, int max_version, char *out, size_t cap)
{
  static const char *const names[] = { "TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3" };
  size_t used = (size_t)snprintf(out, cap, "-VERS-DTLS-ALL");
  for (int v = CASS_SSL_VERSION_TLS1; v <= CASSL_SSL_VERSION_TLS1_3 && used < cap; v++)
    if (v < min_version || v > max_version)
      used += (size_t)snprintf(out + used, cap - used, ":-VERS-%s", names[v]);
}

CassError gtls_check_priority(const char *priority, cassl_errmsg *err)
{
  gnutls_priority_t cache;
  const char *where = NULL;
  int ret = gnutls_priority_init(&cache, priority, &where);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "invalid priority string at \"%s\": %s",
                      where ? where : priority, gnutls_strerror(ret));
  gnutls_priority_deinit(cache);
  return CASS_OK;
}

/* ---- parsed priorities, kept for reuse ---------------------------------------------------
 * Parsing the system policy (gnutls_set_default_priority_append) for every session was about
 * 8% of a resumed handshake's client CPU. A parsed gnutls_priority_t is read-only and
 * reference-counted: gnutls_priority_set takes a reference for the session, so an entry
 * replaced here stays valid for the sessions that use it. An entry is keyed by what the
 * parse depends on: the version range, the override, and the identity of the system
 * configuration file (GnuTLS re-reads that file when it changes; so does this cache). */

#define PRIORITY_SLOTS 8

struct priority_slot {
  gnutls_priority_t cache; /* NULL: empty */
  int min_version, max_version;
  char *priority;          /* the override, NULL for the system policy */
  struct stat config;      /* the system configuration file when parsed (zeroed: none) */
  unsigned long last_used;
};

static struct priority_slot slots[PRIORITY_SLOTS];
static unsigned long use_clock;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

static void system_config_identity(struct stat *st)
{
  memset(st, 0, sizeof *st);
  const char *path = gnutls_get_system_config_file();
  if (path && stat(path, st) != 0)
    memset(st, 0, sizeof *st);
}

static bool same_file_state(const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
         a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static bool slot_matches(const struct priority_slot *e, int min_version, int max_version,
                         const char *priority, const struct stat *config)
{
  if (!e->cache || e->min_version != min_version || e->max_version != max_version ||
      !same_file_state(&e->config, config))
    return false;
  if (!priority || !e->priority)
    return !priority && !e->priority;
  return strcmp(priority, e->priority) == 0;
}

static void slot_clear(struct priority_slot *e)
{
  if (e->cache)
    gnutls_priority_deinit(e->cache);
  free(e->priority);
  memset(e, 0, sizeof *e);
}

/* Parses the priorities for a version range and override; on a syntax error, the text
 * from where GnuTLS stopped goes to at (copied: it points into a buffer freed here). */
static int priority_parse(gnutls_priority_t *out, int min_version, int max_version,
                          const char *priority, char *at, size_t at_cap)
{
  char exclusions[96];
  version_exclusions(min_version, max_version, exclusions, sizeof exclusions);
  const char *where = NULL;
  int ret;
  if (priority) {
    /* An explicit override replaces the system policy; the version range still applies.
     * Sized to the string: any string check_priority accepted must work here. */
    size_t len = strlen(priority) + 1 + strlen(exclusions) + 1;
    char *full = malloc(len);
    if (!full)
      return GNUTLS_E_MEMORY_ERROR;
    snprintf(full, len, "%s:%s", priority, exclusions);
    ret = gnutls_priority_init(out, full, &where);
    snprintf(at, at_cap, "%s", ret < 0 && where ? where : "");
    free(full);
  } else {
    /* Respect the system policy (crypto-policies / gnutls config), narrowed by the range. */
    ret = gnutls_priority_init2(out, exclusions, &where, GNUTLS_PRIORITY_INIT_DEF_APPEND);
    snprintf(at, at_cap, "%s", ret < 0 && where ? where : "");
  }
  return ret;
}

void gtls_priority_cache_clear(void)
{
  pthread_mutex_lock(&slots_lock);
  for (size_t i = 0; i < PRIORITY_SLOTS; i++)
    slot_clear(&slots[i]);
  pthread_mutex_unlock(&slots_lock);
}

CassError gtls_apply_priority(gnutls_session_t session, int min_version, int max_version,
                              const char *priority, cassl_errmsg *err)
{
  struct stat config;
  system_config_identity(&config);
  int ret = 0;
  pthread_mutex_lock(&slots_lock);
  struct priority_slot *hit = NULL, *victim = &slots[0];
  for (size_t i = 0; i < PRIORITY_SLOTS; i++) {
    if (slot_matches(&slots[i], min_version, max_version, priority, &config)) {
      hit = &slots[i];
      break;
    }
    if (!slots[i].cache || (victim->cache && slots[i].last_used < victim->last_used))
      victim = &slots[i];
  }
  if (hit) {
    hit->last_used = ++use_clock;
    ret = gnutls_priority_set(session, hit->cache);
    pthread_mutex_unlock(&slots_lock);
  } else {
    pthread_mutex_unlock(&slots_lock);
    /* Parsed outside the lock: sessions with cached priorities do not wait for it. */
    gnutls_priority_t parsed;
    char at[64];
    ret = priority_parse(&parsed, min_version, max_version, priority, at, sizeof at);
    if (ret < 0)
      return cassl_fail(err, ret == GNUTLS_E_MEMORY_ERROR ? CASS_ERROR_LIB_INTERNAL_ERROR
                                                          : CASS_ERROR_SSL_PROTOCOL_ERROR,
                        "cannot apply TLS priorities at \"%s\": %s", at, gnutls_strerror(ret));
    ret = gnutls_priority_set(session, parsed);
    char *copy = priority ? strdup(priority) : NULL;
    if (ret >= 0 && (!priority || copy)) {
      pthread_mutex_lock(&slots_lock);
      /* Another thread may have filled the victim meanwhile: it is replaced all the same. */
      slot_clear(victim);
      victim->cache = parsed;
      victim->min_version = min_version;
      victim->max_version = max_version;
      victim->priority = copy;
      victim->config = config;
      victim->last_used = ++use_clock;
      pthread_mutex_unlock(&slots_lock);
    } else {
      /* Not kept (out of memory for the key, or the session refused it): the session holds
       * its own reference when it took one. */
      free(copy);
      gnutls_priority_deinit(parsed);
    }
  }
  if (ret < 0)
    return cassl_fail(err, ret == GNUTLS_E_MEMORY_ERROR ? CASS_ERROR_LIB_INTERNAL_ERROR
                                                        : CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "cannot apply TLS priorities: %s", gnutls_strerror(ret));
  return CASS_OK;
}
