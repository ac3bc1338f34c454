/* Verification (being written). */
#include "config.h"

#include "gtls.h"

size_t gtls_session_peer_cert_count(void *session)
{
  return 0;
}

CassError gtls_session_peer_cert(void *session, size_t idx, const unsigned char **der,
                                 size_t *len)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_session_verify_chain(void *session, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_session_peer_names(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}
