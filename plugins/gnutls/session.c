/* Sessions (being written). */
#include "config.h"

#include "gtls.h"

CassError gtls_session_new(void **session, const struct cassl_session_params *params,
                           cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

void gtls_session_free(void *session)
{

}

CassError gtls_session_handshake(void *session, bool *done, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_session_read(void *session, void *buf, size_t cap, size_t *n, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_session_write(void *session, const void *buf, size_t len, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_session_close(void *session, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

void gtls_session_info(void *session, cassl_session_info *info)
{

}

gnutls_session_t gtls_session_handle(void *session)
{
  return NULL;
}
