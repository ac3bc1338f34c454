/* The peer's certificates: the chain against the trusted set, and the leaf's names for the
 * core's identity policy (lib/identity.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gtls.h"

static const gnutls_datum_t *peer_list(void *session, unsigned *count)
{
  gnutls_session_t s = gtls_session_handle(session);
  *count = 0;
  if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509)
    return NULL;
  const gnutls_datum_t *list = gnutls_certificate_get_peers(s, count);
  if (!list)
    *count = 0;
  return list;
}

size_t gtls_session_peer_cert_count(void *session)
{
  unsigned count;
  peer_list(session, &count);
  return count;
}

CassError gtls_session_peer_cert(void *session, size_t idx, const unsigned char **der,
                                 size_t *len)
{
  unsigned count;
  const gnutls_datum_t *list = peer_list(session, &count);
  if (idx >= count)
    return CASS_ERROR_SSL_NO_PEER_CERT;
  *der = list[idx].data;
  *len = list[idx].size;
  return CASS_OK;
}

/* Appends ", text" (or "text" first) to a reason list. */
static void add_reason(char *buf, size_t size, const char *text)
{
  size_t used = strlen(buf);
  if (used < size)
    snprintf(buf + used, size - used, "%s%s", used ? ", " : "", text);
}

static void format_time(time_t t, char *buf, size_t size)
{
  struct tm tm;
  if (t == (time_t)-1 || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, size, "unknown");
}

/* The leaf's validity period, for the expired / not-yet-valid sentences. */
static void leaf_validity(void *session, char *from, char *until, size_t size)
{
  unsigned count;
  const gnutls_datum_t *list = peer_list(session, &count);
  gnutls_x509_crt_t crt;
  snprintf(from, size, "unknown");
  snprintf(until, size, "unknown");
  if (!count || gnutls_x509_crt_init(&crt) < 0)
    return;
  if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) >= 0) {
    format_time(gnutls_x509_crt_get_activation_time(crt), from, size);
    format_time(gnutls_x509_crt_get_expiration_time(crt), until, size);
  }
  gnutls_x509_crt_deinit(crt);
}

/* The alert that names the chain's worst fault, as TLS clients commonly send it. */
static gnutls_alert_description_t chain_alert(unsigned status)
{
  if (status & GNUTLS_CERT_REVOKED)
    return GNUTLS_A_CERTIFICATE_REVOKED;
  if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
    return GNUTLS_A_UNKNOWN_CA;
  if (status & GNUTLS_CERT_EXPIRED)
    return GNUTLS_A_CERTIFICATE_EXPIRED;
  if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
    return GNUTLS_A_UNSUPPORTED_CERTIFICATE;
  return GNUTLS_A_BAD_CERTIFICATE;
}

/* The chain against the trusted set, validity dates and revocation included; the leaf must
 * be fit for a TLS server (extended key usage serverAuth when it names any), as OpenSSL
 * clients also require. On failure the session keeps the alert for session_reject. */
CassError gtls_session_verify_chain(void *session, cassl_errmsg *err)
{
  gnutls_session_t s = gtls_session_handle(session);
  gnutls_typed_vdata_st purpose = { .type = GNUTLS_DT_KEY_PURPOSE_OID,
                                    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER };
  unsigned status = 0;
  int ret = gnutls_certificate_verify_peers(s, &purpose, 1, &status);
  gtls_session_set_chain_alert(session, ret < 0 ? GNUTLS_A_BAD_CERTIFICATE : chain_alert(status));
  if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND)
    return cassl_fail(err, CASS_ERROR_SSL_NO_PEER_CERT, "the server sent no certificate");
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                      "the server's certificate could not be verified: %s", gnutls_strerror(ret));
  if (status == 0)
    return CASS_OK;

  char reasons[CASSL_ERRMSG_MAX] = "";
  char from[64], until[64];
  leaf_validity(session, from, until, sizeof from);
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    add_reason(reasons, sizeof reasons,
               "unknown issuer (no trusted certificate signs it; is its CA added with "
               "cass_ssl_add_trusted_cert?)");
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    add_reason(reasons, sizeof reasons, "its issuer is not a CA");
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
    add_reason(reasons, sizeof reasons, "bad signature");
  if (status & GNUTLS_CERT_EXPIRED) {
    char text[160];
    snprintf(text, sizeof text, "expired (the server's certificate is valid until %s)", until);
    add_reason(reasons, sizeof reasons, text);
  }
  if (status & GNUTLS_CERT_NOT_ACTIVATED) {
    char text[160];
    snprintf(text, sizeof text, "not yet valid (the server's certificate is valid from %s)",
             from);
    add_reason(reasons, sizeof reasons, text);
  }
  if (status & GNUTLS_CERT_REVOKED)
    add_reason(reasons, sizeof reasons, "revoked");
  if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    add_reason(reasons, sizeof reasons, "signed with an insecure algorithm");
  if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
    add_reason(reasons, sizeof reasons, "its issuer's constraints forbid it");
  if (status & GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS)
    add_reason(reasons, sizeof reasons, "it has an unknown critical extension");
  if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
    add_reason(reasons, sizeof reasons, "it is not meant for TLS servers");
  if (!reasons[0]) {
    /* Anything else: GnuTLS's own wording. */
    gnutls_datum_t text = { NULL, 0 };
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &text, 0) >= 0 &&
        text.data) {
      add_reason(reasons, sizeof reasons, (const char *)text.data);
      gnutls_free(text.data);
    } else {
      add_reason(reasons, sizeof reasons, "rejected");
    }
  }
  return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                    "the server's certificate chain is not trusted: %s", reasons);
}

/* Subject CNs, as the bytes of the certificate (NULs kept). A BMPString holding only ASCII
 * is narrowed to ASCII; other BMP text is kept as UCS-2 and can match nothing. */
static CassError add_common_names(gnutls_x509_crt_t crt, struct cassl_cert_names *names)
{
  gnutls_x509_dn_t dn;
  if (gnutls_x509_crt_get_subject(crt, &dn) < 0)
    return CASS_OK;
  for (int irdn = 0;; irdn++) {
    int found = 0;
    for (int iava = 0;; iava++) {
      gnutls_x509_ava_st ava;
      if (gnutls_x509_dn_get_rdn_ava(dn, irdn, iava, &ava) < 0)
        break;
      found = 1;
      /* The OID datum may count its terminating NUL. */
      size_t oid_len = ava.oid.size;
      if (oid_len && ava.oid.data[oid_len - 1] == '\0')
        oid_len--;
      if (oid_len != strlen(GNUTLS_OID_X520_COMMON_NAME) ||
          memcmp(ava.oid.data, GNUTLS_OID_X520_COMMON_NAME, oid_len) != 0)
        continue;
      const unsigned char *data = ava.value.data;
      size_t len = ava.value.size;
      unsigned char narrow[256];
      if (ava.value_tag == 30 && len % 2 == 0 && len / 2 <= sizeof narrow) {
        bool ascii = true;
        for (size_t i = 0; i < len; i += 2) {
          if (data[i] != 0 || data[i + 1] >= 0x80)
            ascii = false;
          narrow[i / 2] = data[i + 1];
        }
        if (ascii) {
          data = narrow;
          len /= 2;
        }
      }
      if (cassl_names_add(names, CASSL_NAME_CN, data, len) != CASS_OK)
        return CASS_ERROR_LIB_BAD_PARAMS;
    }
    if (!found)
      break;
  }
  return CASS_OK;
}

static CassError add_alt_names(gnutls_x509_crt_t crt, struct cassl_cert_names *names,
                               cassl_errmsg *err)
{
  size_t cap = 256;
  unsigned char *buf = malloc(cap);
  if (!buf)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  CassError rc = CASS_OK;
  for (unsigned seq = 0; rc == CASS_OK; seq++) {
    size_t size = cap;
    int type = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf, &size, NULL);
    if (type == GNUTLS_E_SHORT_MEMORY_BUFFER) {
      unsigned char *bigger = realloc(buf, size + 1);
      if (!bigger) {
        rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
        break;
      }
      buf = bigger;
      cap = size + 1;
      seq--;
      continue;
    }
    if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      break;
    if (type < 0) {
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                      "the server's certificate has an unreadable subjectAltName: %s",
                      gnutls_strerror(type));
      break;
    }
    if (type == GNUTLS_SAN_DNSNAME)
      rc = cassl_names_add(names, CASSL_NAME_DNS, buf, size);
    else if (type == GNUTLS_SAN_IPADDRESS)
      rc = cassl_names_add(names, CASSL_NAME_IP, buf, size);
    if (rc != CASS_OK)
      rc = cassl_fail(err, rc, "out of memory");
  }
  free(buf);
  return rc;
}

CassError gtls_session_peer_names(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err)
{
  unsigned count;
  const gnutls_datum_t *list = peer_list(session, &count);
  if (!count)
    return cassl_fail(err, CASS_ERROR_SSL_NO_PEER_CERT, "the server sent no certificate");
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init(&crt) < 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  CassError rc = CASS_OK;
  int ret = gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER);
  if (ret < 0)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                    "the server's certificate cannot be parsed: %s", gnutls_strerror(ret));
  if (rc == CASS_OK)
    rc = add_alt_names(crt, names, err);
  if (rc == CASS_OK && (rc = add_common_names(crt, names)) != CASS_OK)
    cassl_fail(err, rc, "out of memory");
  gnutls_x509_crt_deinit(crt);
  return rc;
}
