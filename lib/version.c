/* cassl_version: the version this library was built as (include/cassl/version.h). */
#include "cassl/version.h"

const char *cassl_version(void)
{
  return CASSL_VERSION_STRING;
}
