/* Credentials (being written). */
#include "config.h"

#include "gtls.h"

CassError gtls_creds_new(void **creds, cassl_errmsg *err)
{
  *creds = NULL;
  return CASS_OK;
}

void gtls_creds_free(void *creds)
{

}

CassError gtls_creds_add_trusted(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_creds_set_cert(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

CassError gtls_creds_set_key(void *creds, const char *pem, size_t len, const char *password,
                             size_t password_len, cassl_errmsg *err)
{
  return CASS_ERROR_LIB_NOT_IMPLEMENTED;
}

gnutls_certificate_credentials_t gtls_creds_certificate(void *creds)
{
  return NULL;
}
