/* Protocol priorities: the system crypto policy, the minimum version, and the
 * cassl_ssl_set_priority override. */
#include "config.h"

#include <stdio.h>

#include "gtls.h"

/* What to remove from the policy for each minimum version (driver values, then TLS 1.3). */
static const char *min_version_exclusions(int min_version)
{
  switch (min_version) {
  case CASS_SSL_VERSION_TLS1: return NULL;
  case CASS_SSL_VERSION_TLS1_1: return "-VERS-TLS1.0:-VERS-DTLS-ALL";
  case CASS_SSL_VERSION_TLS1_2: return "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL";
  default: return "-VERS-TLS1.0:-VERS-TLS1.1:-VERS-TLS1.2:-VERS-DTLS-ALL";
  }
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

CassError gtls_apply_priority(gnutls_session_t session, int min_version, const char *priority,
                              cassl_errmsg *err)
{
  const char *exclusions = min_version_exclusions(min_version);
  const char *where = NULL;
  int ret;
  if (priority) {
    /* An explicit override replaces the system policy; the minimum still applies. */
    char full[1024];
    int n = snprintf(full, sizeof full, "%s%s%s", priority, exclusions ? ":" : "",
                     exclusions ? exclusions : "");
    if (n < 0 || (size_t)n >= sizeof full)
      return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "priority string too long");
    ret = gnutls_priority_set_direct(session, full, &where);
  } else {
    /* Respect the system policy (crypto-policies / gnutls config), narrowed by the minimum. */
    ret = gnutls_set_default_priority_append(session, exclusions, &where, 0);
  }
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "cannot apply TLS priorities at \"%s\": %s", where ? where : "",
                      gnutls_strerror(ret));
  return CASS_OK;
}
