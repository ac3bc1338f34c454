/* The session engine (being written). */
#include "config.h"

#include "cassl/session.h"

CASSL_EXPORT CassError cassl_session_new(CassSsl *ssl, const cassl_peer *peer,
                                         cassl_session **out)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT void cassl_session_free(cassl_session *session)
{

}

CASSL_EXPORT CassError cassl_session_handshake(cassl_session *session)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT CassError cassl_session_feed(cassl_session *session, const void *data, size_t len)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT const void *cassl_session_output_peek(const cassl_session *session, size_t *len)
{
  *len = 0;
  return NULL;
}

CASSL_EXPORT void cassl_session_output_consume(cassl_session *session, size_t len)
{

}

CASSL_EXPORT size_t cassl_session_output_pending(const cassl_session *session)
{
  return 0;
}

CASSL_EXPORT CassError cassl_session_read(cassl_session *session, void *buf, size_t cap,
                                          size_t *n)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT CassError cassl_session_write(cassl_session *session, const void *buf, size_t len)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT CassError cassl_session_close(cassl_session *session)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT cassl_session_state cassl_session_get_state(const cassl_session *session)
{
  return CASSL_SESSION_FAILED;
}

CASSL_EXPORT CassError cassl_session_error(const cassl_session *session)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT const char *cassl_session_error_message(const cassl_session *session)
{
  return "not implemented";
}

CASSL_EXPORT CassError cassl_session_get_info(const cassl_session *session,
                                              cassl_session_info *info)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT CassError cassl_session_peer_cert(const cassl_session *session, size_t idx,
                                               const unsigned char **der, size_t *len)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CASSL_EXPORT CassError cassl_session_set_error(cassl_session *session, CassError code,
                                               const char *message)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}
