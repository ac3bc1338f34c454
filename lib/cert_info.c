/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The getters of cassl_cert_info and cassl_key_info, and a certificate's identity check
 * with the session's own rules (identity.c) over the names the backend extracted. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "file_info.h"
#include "identity.h"

CASSL_EXPORT const char *cassl_cert_info_subject(const cassl_cert_info *cert)
{
  return cert ? cert->subject : NULL;
}

CASSL_EXPORT const char *cassl_cert_info_issuer(const cassl_cert_info *cert)
{
  return cert ? cert->issuer : NULL;
}

CASSL_EXPORT const char *cassl_cert_info_serial(const cassl_cert_info *cert)
{
  return cert ? cert->serial : NULL;
}

CASSL_EXPORT const char *cassl_cert_info_common_name(const cassl_cert_info *cert)
{
  return cert ? cert->common_name : NULL;
}

CASSL_EXPORT int64_t cassl_cert_info_not_before(const cassl_cert_info *cert)
{
  return cert ? cert->not_before : -1;
}

CASSL_EXPORT int64_t cassl_cert_info_not_after(const cassl_cert_info *cert)
{
  return cert ? cert->not_after : -1;
}

CASSL_EXPORT cass_bool_t cassl_cert_info_is_ca(const cassl_cert_info *cert)
{
  return cert && cert->is_ca ? cass_true : cass_false;
}

CASSL_EXPORT cass_bool_t cassl_cert_info_is_self_signed(const cassl_cert_info *cert)
{
  return cert && cert->self_signed ? cass_true : cass_false;
}

CASSL_EXPORT size_t cassl_cert_info_san_count(const cassl_cert_info *cert)
{
  return cert ? cert->san_count : 0;
}

CASSL_EXPORT const char *cassl_cert_info_san(const cassl_cert_info *cert, size_t index)
{
  return cert && index < cert->san_count ? cert->sans[index] : NULL;
}

CASSL_EXPORT const char *cassl_cert_info_key(const cassl_cert_info *cert)
{
  return cert ? cert->key : NULL;
}

CASSL_EXPORT const char *cassl_cert_info_sha256(const cassl_cert_info *cert)
{
  return cert ? cert->sha256 : NULL;
}

CASSL_EXPORT const char *cassl_cert_info_pin(const cassl_cert_info *cert)
{
  return cert ? cert->pin : NULL;
}

CASSL_EXPORT const unsigned char *cassl_cert_info_key_id(const cassl_cert_info *cert,
                                                         size_t *length)
{
  if (length)
    *length = cert ? cert->key_id_len : 0;
  return cert && cert->key_id_len ? cert->key_id : NULL;
}

CASSL_EXPORT const unsigned char *cassl_cert_info_der(const cassl_cert_info *cert,
                                                      size_t *length)
{
  if (length)
    *length = cert ? cert->der_len : 0;
  return cert ? cert->der : NULL;
}

CASSL_EXPORT const char *cassl_key_info_format(const cassl_key_info *key)
{
  return key ? key->format : NULL;
}

CASSL_EXPORT cass_bool_t cassl_key_info_encrypted(const cassl_key_info *key)
{
  return key && key->encrypted ? cass_true : cass_false;
}

CASSL_EXPORT const char *cassl_key_info_scheme(const cassl_key_info *key)
{
  return key && key->encrypted ? key->scheme : NULL;
}

CASSL_EXPORT cass_bool_t cassl_key_info_attempted(const cassl_key_info *key)
{
  return key && key->attempted ? cass_true : cass_false;
}

CASSL_EXPORT cass_bool_t cassl_key_info_loaded(const cassl_key_info *key)
{
  return key && key->loaded ? cass_true : cass_false;
}

CASSL_EXPORT const char *cassl_key_info_problem(const cassl_key_info *key)
{
  return key && !key->loaded ? key->problem : NULL;
}

CASSL_EXPORT const char *cassl_key_info_type(const cassl_key_info *key)
{
  return key && key->loaded ? key->type : NULL;
}

CASSL_EXPORT const unsigned char *cassl_key_info_key_id(const cassl_key_info *key,
                                                        size_t *length)
{
  size_t n = key && key->loaded ? key->key_id_len : 0;
  if (length)
    *length = n;
  return n ? key->key_id : NULL;
}

/* What matched, in the words `cassl inspect --match` prints. */
static void describe_match(const struct cassl_name *n, bool ip, const char *identity,
                           char *out, size_t cap)
{
  if (n->type == CASSL_NAME_IP)
    snprintf(out, cap, "IP SAN %s", identity);
  else if (ip)
    snprintf(out, cap, "the subject CN (the certificate has no DNS or IP SAN)");
  else
    snprintf(out, cap, "%s %s", n->type == CASSL_NAME_DNS ? "DNS SAN" : "subject CN",
             (const char *)n->data);
}

static CassError check_identity(const cassl_cert_info *cert, int verify_flag,
                                const char *identity, char *matched_by, size_t cap,
                                cassl_errmsg *err)
{
  if (!cert || !identity)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "cassl_cert_info_check_identity: NULL %s", cert ? "identity" : "cert");
  bool ip = verify_flag == CASS_SSL_VERIFY_PEER_IDENTITY;
  if (!ip && verify_flag != CASS_SSL_VERIFY_PEER_IDENTITY_DNS)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "cassl_cert_info_check_identity: verify_flag 0x%x is neither "
                      "CASS_SSL_VERIFY_PEER_IDENTITY nor CASS_SSL_VERIFY_PEER_IDENTITY_DNS",
                      (unsigned)verify_flag);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  if (ip) {
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, identity, &v4->sin_addr) == 1)
      v4->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, identity, &v6->sin6_addr) == 1)
      v6->sin6_family = AF_INET6;
    else
      return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                        "\"%.200s\" is not an IP address: CASS_SSL_VERIFY_PEER_IDENTITY checks "
                        "addresses (use CASS_SSL_VERIFY_PEER_IDENTITY_DNS for host names)",
                        identity);
  }
  if (cert->names_error != CASS_OK)
    return cassl_fail(err, cert->names_error, "%s", cert->names_message.text);
  CassError rc = cassl_identity_check_names_sane(&cert->names, err);
  if (rc != CASS_OK)
    return rc;
  const struct cassl_name *matched = NULL;
  rc = ip ? cassl_identity_match_ip(&cert->names, (const struct sockaddr *)&ss, &matched, err)
          : cassl_identity_match_dns(&cert->names, identity, &matched, err);
  if (rc == CASS_OK && matched_by && cap)
    describe_match(matched, ip, identity, matched_by, cap);
  return rc;
}

CASSL_EXPORT CassError cassl_cert_info_check_identity(const cassl_cert_info *cert,
                                                      int verify_flag, const char *identity,
                                                      char *matched_by,
                                                      size_t matched_by_size)
{
  cassl_errmsg err;
  cassl_errmsg_clear(&err);
  if (matched_by && matched_by_size)
    matched_by[0] = '\0';
  CassError rc = check_identity(cert, verify_flag, identity, matched_by, matched_by_size, &err);
  if (rc != CASS_OK)
    cassl_note_thread_error(rc, &err);
  return rc;
}
