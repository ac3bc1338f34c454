/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Protocol priorities: the system crypto policy, the minimum version, and the
 * cassl_ssl_set_priority override. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

CassError gtls_apply_priority(gnutls_session_t session, int min_version, int max_version,
                              const char *priority, cassl_errmsg *err)
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
      return cassl_fail(err, CASS_ERROR_LIB_INTERNAL_ERROR,
                        "out of memory creating a TLS session");
    snprintf(full, len, "%s:%s", priority, exclusions);
    ret = gnutls_priority_set_direct(session, full, &where);
    /* where points into full: report the failure before freeing it. */
    CassError rc = ret < 0 ? cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                                        "cannot apply TLS priorities at \"%s\": %s",
                                        where ? where : "", gnutls_strerror(ret))
                           : CASS_OK;
    free(full);
    return rc;
  }
  /* Respect the system policy (crypto-policies / gnutls config), narrowed by the range. */
  ret = gnutls_set_default_priority_append(session, exclusions, &where, 0);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "cannot apply TLS priorities at \"%s\": %s", where ? where : "",
                      gnutls_strerror(ret));
  return CASS_OK;
}
