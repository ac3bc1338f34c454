/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Trust beyond cass_ssl_add_trusted_cert: the system's CA store and revocation lists. Both
 * land in the GnuTLS trust list of the next credential generation (generation.c), which
 * gnutls_certificate_verify_peers (verify.c) consults: a revoked certificate shows up there
 * as GNUTLS_CERT_REVOKED. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* memmem */
#endif
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gtls.h"

static const char pem_crl_begin[] = "-----BEGIN X509 CRL-----";

CassError gtls_creds_add_system_trust(void *creds, unsigned *added, cassl_errmsg *err)
{
  *added = 0;
  /* Loaded once here for the count and the sentences; each generation from now on loads
   * the store into its own trust list (GnuTLS cannot share or copy one). */
  gnutls_x509_trust_list_t probe;
  if (gnutls_x509_trust_list_init(&probe, 0) < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  int ret = gnutls_x509_trust_list_add_system_trust(probe, 0, 0);
  gnutls_x509_trust_list_deinit(probe, 1);
  if (ret == GNUTLS_E_UNIMPLEMENTED_FEATURE)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "no system trust store found: this GnuTLS was built without one");
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no system trust store found: %s",
                      gnutls_strerror(ret));
  if (ret == 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "no system trust store found: GnuTLS found no CA certificate in the "
                      "system's store (is the ca-certificates package installed?)");
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  parts.system_trust = true;
  CassError rc = gtls_creds_stage(creds, &parts, err);
  if (rc == CASS_OK)
    *added = (unsigned)ret;
  return rc;
}

/* CASS_OK when a trusted certificate (added before) signed the CRL. */
static CassError check_crl_issuer(gnutls_x509_trust_list_t tl, gnutls_x509_crl_t crl,
                                  unsigned idx, cassl_errmsg *err)
{
  char issuer[256] = "(unknown issuer)";
  size_t size = sizeof issuer;
  gnutls_x509_crl_get_issuer_dn(crl, issuer, &size);
  gnutls_datum_t dn = { NULL, 0 };
  gnutls_x509_crt_t ca = NULL;
  int ret = gnutls_x509_crl_get_raw_issuer_dn(crl, &dn);
  if (ret >= 0)
    ret = gnutls_x509_trust_list_get_issuer_by_dn(tl, &dn, &ca, 0);
  gnutls_free(dn.data);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "CRL %u was issued by \"%s\", which is not a trusted certificate; add "
                      "its CA (cass_ssl_add_trusted_cert) before the CRL", idx, issuer);
  unsigned status = 0;
  ret = gnutls_x509_crl_verify(crl, &ca, 1, 0, &status);
  gnutls_x509_crt_deinit(ca);
  if (ret < 0 || status != 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "CRL %u does not verify against its trusted issuer \"%s\"%s", idx, issuer,
                      status & GNUTLS_CERT_SIGNATURE_FAILURE ? ": bad signature" : "");
  return CASS_OK;
}

CassError gtls_der_crls_from_pem(void *creds, const char *pem, size_t len,
                                 struct gtls_der_list **out, cassl_errmsg *err)
{
  *out = NULL;
  if (!pem)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "no CRL given (NULL)");
  if (len > UINT32_MAX || !memmem(pem, len, pem_crl_begin, sizeof pem_crl_begin - 1))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT,
                      "no PEM CRL (\"%s\") in %zu bytes", pem_crl_begin, len);
  char *buf = gtls_copy_terminated(pem, len);
  if (!buf)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  gnutls_datum_t data = { (unsigned char *)buf, (unsigned)len };
  gnutls_x509_crl_t *crls = NULL;
  unsigned count = 0;
  int ret = gnutls_x509_crl_list_import2(&crls, &count, &data, GNUTLS_X509_FMT_PEM, 0);
  free(buf);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "the CRL cannot be parsed: %s",
                      gnutls_strerror(ret));
  gnutls_x509_trust_list_t tl;
  gnutls_certificate_get_trust_list(gtls_creds_newest_certificate(creds), &tl);
  /* All or nothing: every CRL must come from a trusted CA before any is added. */
  struct gtls_der_list *list = gtls_der_list_new(count, NULL);
  CassError rc = list ? CASS_OK : cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  for (unsigned i = 0; i < count && rc == CASS_OK; i++) {
    rc = check_crl_issuer(tl, crls[i], i + 1, err);
    if (rc == CASS_OK &&
        (ret = gnutls_x509_crl_export2(crls[i], GNUTLS_X509_FMT_DER, &list->der[i])) < 0)
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot add the CRL: %s",
                      gnutls_strerror(ret));
    else if (rc == CASS_OK)
      list->count++;
  }
  for (unsigned i = 0; i < count; i++)
    gnutls_x509_crl_deinit(crls[i]);
  gnutls_free(crls);
  if (rc != CASS_OK) {
    gtls_der_list_unref(list);
    return rc;
  }
  *out = list;
  return CASS_OK;
}

CassError gtls_creds_add_crl(void *creds, const char *pem, size_t len, cassl_errmsg *err)
{
  struct gtls_der_list *list;
  CassError rc = gtls_der_crls_from_pem(creds, pem, len, &list, err);
  if (rc != CASS_OK)
    return rc;
  struct gtls_gen_parts parts = *gtls_creds_parts(creds);
  list->next = gtls_der_list_ref(parts.crls);
  parts.crls = list;
  rc = gtls_creds_stage(creds, &parts, err);
  gtls_der_list_unref(list);
  return rc;
}
