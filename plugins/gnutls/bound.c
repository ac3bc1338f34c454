/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Credentials bound to files or PKCS#11 URLs (cassl_ssl_set_cert_key_files, _trusted_file,
 * _crl_file). The core reads the files and hands over their bytes; a URL is read here,
 * from the token (pkcs11.c). Each call builds the part whole and stages a generation with
 * it, as the other setters do. */
#include "config.h"

#include <string.h>

#include "gtls.h"

static CassError cert_half_from(const struct cassl_source *src, struct gtls_cert_half **out,
                                cassl_errmsg *err)
{
  if (src->url)
    return gtls_pkcs11_cert_half(src->url, out, err);
  return gtls_cert_half_from_pem(src->data, src->len, "client certificate", out, err);
}

static CassError key_half_from(void *creds, const struct cassl_source *src,
                               const char *password, size_t password_len,
                               struct gtls_key_half **out, cassl_errmsg *err)
{
  if (src->url) {
    /* The token's key in force already (its certificate file changed): kept as it is, so
     * a reload never logs in again or asks for a PIN. */
    struct gtls_key_half *in_force = gtls_creds_parts(creds)->key;
    const char *url = in_force ? gtls_key_half_url(in_force) : NULL;
    if (url && strcmp(url, src->url) == 0) {
      *out = gtls_key_half_ref(in_force);
      return CASS_OK;
    }
    return gtls_pkcs11_key_half(creds, src->url, out, err);
  }
  return gtls_key_half_from_pem(src->data, src->len, password, password_len, out, err);
}

CassError gtls_creds_bind_pair(void *creds, const struct cassl_source *cert,
                               const struct cassl_source *key, const char *password,
                               size_t password_len, cassl_errmsg *err)
{
  struct gtls_cert_half *cert_half = NULL;
  struct gtls_key_half *key_half = NULL;
  cassl_errmsg why;
  CassError rc = cert_half_from(cert, &cert_half, &why);
  if (rc != CASS_OK) {
    cassl_fail(err, rc, "%s: %s", cert->name, why.text);
    goto done;
  }
  rc = key_half_from(creds, key, password, password_len, &key_half, &why);
  if (rc != CASS_OK) {
    cassl_fail(err, rc, "%s: %s", key->name, why.text);
    goto done;
  }
  rc = gtls_creds_stage_pair(creds, cert_half, key_half, &why);
  if (rc != CASS_OK)
    cassl_fail(err, rc, "%s (key %s)", why.text, key->name);

done:
  gtls_cert_half_unref(cert_half);
  gtls_key_half_unref(key_half);
  return rc;
}

CassError gtls_creds_bind_trust(void *creds, const struct cassl_source *src, cassl_errmsg *err)
{
  struct gtls_der_list *list = NULL;
  cassl_errmsg why;
  CassError rc = CASS_OK;
  if (src && src->url)
    rc = gtls_pkcs11_trusted(src->url, &list, &why);
  else if (src)
    rc = gtls_der_certs_from_pem(src->data, src->len, "trusted certificate", &list, &why);
  if (rc != CASS_OK)
    return cassl_fail(err, rc, "%s: %s", src->name, why.text);
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  parts.bound_trusted = list;
  rc = gtls_creds_stage(creds, &parts, err);
  gtls_der_list_unref(list);
  return rc;
}

CassError gtls_creds_bind_crls(void *creds, const struct cassl_source *src, cassl_errmsg *err)
{
  struct gtls_der_list *list = NULL;
  cassl_errmsg why;
  CassError rc = CASS_OK;
  if (src && src->url)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "CRLs cannot come from a PKCS#11 token "
                      "(%s): give a file", src->name);
  if (src && (rc = gtls_der_crls_from_pem(creds, src->data, src->len, &list, &why)) != CASS_OK)
    return cassl_fail(err, rc, "%s: %s", src->name, why.text);
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  parts.bound_crls = list;
  rc = gtls_creds_stage(creds, &parts, err);
  gtls_der_list_unref(list);
  return rc;
}
