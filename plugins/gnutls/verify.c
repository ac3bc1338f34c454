/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The peer's certificates: the chain against the trusted set, and the leaf's names for the
 * core's identity policy (lib/identity.c). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gtls.h"
#include "verified.h"

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

static void subject_text(gnutls_x509_crt_t crt, char *out, size_t cap);

/* Whether crt is out of its validity period at now, the way status says (expired or not
 * yet valid). */
static bool out_of_date(gnutls_x509_crt_t crt, time_t now, bool expired)
{
  return expired ? gnutls_x509_crt_get_expiration_time(crt) < now
                 : gnutls_x509_crt_get_activation_time(crt) > now;
}

/* "(the server's certificate is valid until ...)" for the certificate of the chain that is
 * expired (or not yet valid): the leaf, an intermediate the server sent, or the trusted CA
 * that issued them, with its own dates. */
static void describe_out_of_date(void *session, bool expired, char *out, size_t cap)
{
  unsigned count;
  const gnutls_datum_t *list = peer_list(session, &count);
  time_t now = time(NULL);
  gnutls_x509_crt_t crt = NULL, found = NULL, trusted = NULL;
  unsigned found_at = 0;
  for (unsigned i = 0; i < count && !found; i++) {
    if (gnutls_x509_crt_init(&crt) < 0)
      break;
    if (gnutls_x509_crt_import(crt, &list[i], GNUTLS_X509_FMT_DER) >= 0 &&
        out_of_date(crt, now, expired)) {
      found = crt;
      found_at = i;
    } else {
      gnutls_x509_crt_deinit(crt);
    }
  }
  if (!found && count) {
    /* The trusted issuer of the last certificate sent (GnuTLS checks its dates too). */
    gnutls_certificate_credentials_t cred;
    gnutls_x509_trust_list_t tl = NULL;
    if (gnutls_credentials_get(gtls_session_handle(session), GNUTLS_CRD_CERTIFICATE,
                               (void **)&cred) >= 0 && cred)
      gnutls_certificate_get_trust_list(cred, &tl);
    if (tl && gnutls_x509_crt_init(&crt) >= 0) {
      if (gnutls_x509_crt_import(crt, &list[count - 1], GNUTLS_X509_FMT_DER) >= 0 &&
          gnutls_x509_trust_list_get_issuer(tl, crt, &trusted, GNUTLS_TL_GET_COPY) >= 0 &&
          !out_of_date(trusted, now, expired)) {
        gnutls_x509_crt_deinit(trusted);
        trusted = NULL;
      }
      gnutls_x509_crt_deinit(crt);
    }
  }
  char from[64] = "unknown", until[64] = "unknown", subject[200];
  gnutls_x509_crt_t which = found ? found : trusted;
  if (which) {
    format_time(gnutls_x509_crt_get_activation_time(which), from, sizeof from);
    format_time(gnutls_x509_crt_get_expiration_time(which), until, sizeof until);
  }
  if (!which || (found && found_at == 0)) {
    /* The leaf, or none found out of date a moment after GnuTLS did: the leaf's dates. */
    if (!which && count && gnutls_x509_crt_init(&crt) >= 0) {
      if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) >= 0) {
        format_time(gnutls_x509_crt_get_activation_time(crt), from, sizeof from);
        format_time(gnutls_x509_crt_get_expiration_time(crt), until, sizeof until);
      }
      gnutls_x509_crt_deinit(crt);
    }
    snprintf(out, cap, "(the server's certificate is valid %s %s)", expired ? "until" : "from",
             expired ? until : from);
  } else {
    subject_text(which, subject, sizeof subject);
    snprintf(out, cap, "(the %s \"%s\" %s is valid from %s until %s)",
             found ? "intermediate CA" : "trusted CA", subject,
             found ? "in the server's chain" : "that issued the chain", from, until);
  }
  if (which)
    gnutls_x509_crt_deinit(which);
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
 * clients also require. On failure the session keeps the alert for session_reject.
 * A resumed session whose chain this generation already accepted, under the same priority
 * string and with no validity date crossed since, is not verified again (verified.c). */
CassError gtls_session_verify_chain(void *session, cassl_errmsg *err)
{
  gnutls_session_t s = gtls_session_handle(session);
  unsigned count;
  const gnutls_datum_t *chain = peer_list(session, &count);
  const struct gtls_gen *gen = gtls_session_gen(session);
  struct gtls_verified *cache = gtls_gen_verified(gen);
  const char *priority = gtls_session_priority(session);
  /* A stapled OCSP response is verified with the chain and has dates of its own: such a
   * session neither uses nor fills the cache. */
  gnutls_datum_t ocsp;
  bool cacheable = cache && count && gnutls_ocsp_status_request_get2(s, 0, &ocsp) < 0;
  const struct gtls_verified_source src = { gtls_gen_certificate(gen), gtls_gen_parts(gen) };
  if (cacheable && gnutls_session_is_resumed(s) &&
      gtls_verified_lookup(cache, chain, count, priority, gtls_verified_now(), &src)) {
    gtls_session_set_chain_alert(session, chain_alert(0));
    *gtls_session_chain_cached(session) = true;
    return CASS_OK;
  }
  gnutls_typed_vdata_st purpose = { .type = GNUTLS_DT_KEY_PURPOSE_OID,
                                    .data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER };
  unsigned status = 0;
  gtls_chain_verification_counted();
  int ret = gnutls_certificate_verify_peers(s, &purpose, 1, &status);
  gtls_session_set_chain_alert(session, ret < 0 ? GNUTLS_A_BAD_CERTIFICATE : chain_alert(status));
  if (ret >= 0 && status == 0 && cacheable) {
    gtls_verified_store(cache, chain, count, priority, NULL);
    *gtls_session_chain_cached(session) = true;
  }
  if (ret == GNUTLS_E_NO_CERTIFICATE_FOUND)
    return cassl_fail(err, CASS_ERROR_SSL_NO_PEER_CERT, "the server sent no certificate");
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                      "the server's certificate could not be verified: %s", gnutls_strerror(ret));
  if (status == 0)
    return CASS_OK;

  char reasons[CASSL_ERRMSG_MAX] = "";
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    add_reason(reasons, sizeof reasons,
               "unknown issuer (no trusted certificate signs it; is its CA added with "
               "cass_ssl_add_trusted_cert?)");
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    add_reason(reasons, sizeof reasons, "its issuer is not a CA");
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
    add_reason(reasons, sizeof reasons, "bad signature");
  if (status & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) {
    bool expired = status & GNUTLS_CERT_EXPIRED;
    char which[400], text[440];
    describe_out_of_date(session, expired, which, sizeof which);
    snprintf(text, sizeof text, "%s %s", expired ? "expired" : "not yet valid", which);
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

/* Appends code point cp as UTF-8; returns the bytes written (out has room for 4). */
static size_t utf8_put(unsigned long cp, unsigned char *out)
{
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    cp = 0xfffd;
  if (cp < 0x80) {
    out[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (unsigned char)(0xc0 | (cp >> 6));
    out[1] = (unsigned char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (unsigned char)(0xe0 | (cp >> 12));
    out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (unsigned char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (unsigned char)(0xf0 | (cp >> 18));
  out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (unsigned char)(0x80 | (cp & 0x3f));
  return 4;
}

/* A BMPString (UCS-2) or UniversalString (UCS-4), big-endian, as UTF-8 in a new buffer
 * (*out_len bytes, NUL-terminated); what is no Unicode scalar value, and a trailing partial
 * unit, becomes U+FFFD. GnuTLS decodes BMPString only inside a whole DN's text and prints
 * UniversalString as hex, so one AVA value is decoded here. NULL when out of memory. */
static unsigned char *ucs_to_utf8(const unsigned char *in, size_t len, size_t width,
                                  size_t *out_len)
{
  size_t units = (len + width - 1) / width;
  unsigned char *out = malloc(units * 4 + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len; i += width) {
    unsigned long cp = 0;
    if (len - i < width) {
      cp = 0xfffd;
    } else {
      for (size_t b = 0; b < width; b++)
        cp = (cp << 8) | in[i + b];
    }
    o += utf8_put(cp, out + o);
  }
  out[o] = '\0';
  *out_len = o;
  return out;
}

/* Subject CNs as text, for the identity policy: a BMPString or UniversalString decoded to
 * UTF-8 (its NUL bytes belong to the encoding; a NUL left after decoding is a real one and
 * the core refuses it), any other string type as its bytes. */
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
      enum { UNIVERSAL_STRING = 28, BMP_STRING = 30 };
      CassError rc;
      if (ava.value_tag == BMP_STRING || ava.value_tag == UNIVERSAL_STRING) {
        size_t len;
        unsigned char *text = ucs_to_utf8(ava.value.data, ava.value.size,
                                          ava.value_tag == BMP_STRING ? 2 : 4, &len);
        rc = text ? cassl_names_add(names, CASSL_NAME_CN, text, len) : CASS_ERROR_LIB_BAD_PARAMS;
        free(text);
      } else {
        rc = cassl_names_add(names, CASSL_NAME_CN, ava.value.data, ava.value.size);
      }
      if (rc != CASS_OK)
        return CASS_ERROR_LIB_BAD_PARAMS;
    }
    if (!found)
      break;
  }
  return CASS_OK;
}

/* A certificate's subject for sentences ("(empty subject)" when it has none). */
static void subject_text(gnutls_x509_crt_t crt, char *out, size_t cap)
{
  gnutls_datum_t dn = { NULL, 0 };
  if (gnutls_x509_crt_get_dn3(crt, &dn, 0) >= 0 && dn.data && dn.size)
    snprintf(out, cap, "%.*s", (int)dn.size, (const char *)dn.data);
  else
    snprintf(out, cap, "(empty subject)");
  gnutls_free(dn.data);
}

/* Whether the name constraints of ca permit cn as an identity: an IP literal against its
 * iPAddress constraints (raw bytes), any other text against its dNSName ones. */
static bool ca_permits_cn(gnutls_x509_crt_t ca, const struct cassl_name *cn)
{
  gnutls_x509_name_constraints_t nc;
  if (gnutls_x509_name_constraints_init(&nc) < 0)
    return false;
  bool permitted;
  int ret = gnutls_x509_crt_get_name_constraints(ca, nc, 0, NULL);
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
    permitted = true;
  } else if (ret < 0) {
    permitted = false; /* constraints we cannot read permit nothing */
  } else {
    unsigned char ip[16];
    gnutls_datum_t name = { cn->data, (unsigned)cn->len };
    unsigned type = GNUTLS_SAN_DNSNAME;
    if (inet_pton(AF_INET, (const char *)cn->data, ip) == 1 ||
        inet_pton(AF_INET6, (const char *)cn->data, ip) == 1) {
      name = (gnutls_datum_t){ ip, strchr((const char *)cn->data, ':') ? 16 : 4 };
      type = GNUTLS_SAN_IPADDRESS;
    }
    permitted = gnutls_x509_name_constraints_check(nc, type, &name) != 0;
  }
  gnutls_x509_name_constraints_deinit(nc);
  return permitted;
}

/* Marks every CN that a CA of the chain does not permit (names.h), so the CN fallback of the
 * identity rules only matches names the chain allows, as SANs are held to by verification.
 * The chain: from the leaf, each issuer among the certificates the server sent, up to the
 * first trusted issuer. */
static CassError mark_constrained_cns(void *session, gnutls_x509_crt_t leaf,
                                      struct cassl_cert_names *names)
{
  /* The identity rules use a CN only when there is no DNS or IP SAN. */
  bool any_cn = false;
  for (size_t i = 0; i < names->count; i++) {
    if (names->items[i].type != CASSL_NAME_CN)
      return CASS_OK;
    any_cn = true;
  }
  unsigned count;
  const gnutls_datum_t *list = peer_list(session, &count);
  if (!any_cn || count < 1)
    return CASS_OK;

  gnutls_x509_trust_list_t tl = NULL;
  gnutls_certificate_credentials_t cred;
  if (gnutls_credentials_get(gtls_session_handle(session), GNUTLS_CRD_CERTIFICATE,
                             (void **)&cred) >= 0 && cred)
    gnutls_certificate_get_trust_list(cred, &tl);

  enum { MAX_DEPTH = 16 };
  gnutls_x509_crt_t sent[MAX_DEPTH] = { 0 };
  bool used[MAX_DEPTH] = { 0 };
  unsigned nsent = 0;
  CassError rc = CASS_OK;
  for (unsigned i = 1; i < count && nsent < MAX_DEPTH; i++) {
    if (gnutls_x509_crt_init(&sent[nsent]) < 0) {
      rc = CASS_ERROR_LIB_BAD_PARAMS;
      break;
    }
    /* GnuTLS parsed each one during the handshake: failing now is running out of memory,
     * and skipping a CA would skip its constraints. */
    if (gnutls_x509_crt_import(sent[nsent], &list[i], GNUTLS_X509_FMT_DER) < 0) {
      gnutls_x509_crt_deinit(sent[nsent]);
      rc = CASS_ERROR_LIB_BAD_PARAMS;
      break;
    }
    nsent++;
  }

  gnutls_x509_crt_t cur = leaf;
  for (unsigned depth = 0; rc == CASS_OK && depth < MAX_DEPTH; depth++) {
    gnutls_x509_crt_t ca = NULL, trusted = NULL;
    int ret = tl ? gnutls_x509_trust_list_get_issuer(tl, cur, &trusted, GNUTLS_TL_GET_COPY)
                 : GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
    if (ret >= 0) {
      ca = trusted;
    } else if (ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
      rc = CASS_ERROR_LIB_BAD_PARAMS;
      break;
    }
    for (unsigned j = 0; !ca && j < nsent; j++)
      if (!used[j] && gnutls_x509_crt_check_issuer(cur, sent[j])) {
        used[j] = true;
        ca = sent[j];
      }
    if (!ca)
      break;
    for (size_t i = 0; rc == CASS_OK && i < names->count; i++) {
      struct cassl_name *n = &names->items[i];
      if (n->type != CASSL_NAME_CN || n->outside_constraints_of || memchr(n->data, '\0', n->len) ||
          ca_permits_cn(ca, n))
        continue;
      char subject[256];
      subject_text(ca, subject, sizeof subject);
      rc = cassl_name_set_outside_constraints(n, subject);
    }
    if (trusted) {
      gnutls_x509_crt_deinit(trusted);
      break;
    }
    cur = ca;
  }
  for (unsigned j = 0; j < nsent; j++)
    gnutls_x509_crt_deinit(sent[j]);
  return rc;
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

CassError gtls_crt_names(gnutls_x509_crt_t crt, struct cassl_cert_names *names,
                         cassl_errmsg *err)
{
  CassError rc = add_alt_names(crt, names, err);
  if (rc == CASS_OK && add_common_names(crt, names) != CASS_OK)
    rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  return rc;
}

/* The names of a chain in the verified cache come from there after the first time (parsing
 * the leaf is most of what a resumed session costs beyond GnuTLS's own work). */
CassError gtls_session_peer_names(void *session, struct cassl_cert_names *names,
                                  cassl_errmsg *err)
{
  unsigned count;
  const gnutls_datum_t *list = peer_list(session, &count);
  if (!count)
    return cassl_fail(err, CASS_ERROR_SSL_NO_PEER_CERT, "the server sent no certificate");
  struct gtls_verified *cache = NULL;
  if (*gtls_session_chain_cached(session)) {
    cache = gtls_gen_verified(gtls_session_gen(session));
    if (gtls_verified_copy_names(cache, list, count, gtls_session_priority(session), names))
      return CASS_OK;
  }
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init(&crt) < 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  CassError rc = CASS_OK;
  int ret = gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER);
  if (ret < 0)
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                    "the server's certificate cannot be parsed: %s", gnutls_strerror(ret));
  if (rc == CASS_OK)
    rc = gtls_crt_names(crt, names, err);
  if (rc == CASS_OK && mark_constrained_cns(session, crt, names) != CASS_OK)
    rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  gnutls_x509_crt_deinit(crt);
  if (rc == CASS_OK && cache)
    gtls_verified_keep_names(cache, list, count, gtls_session_priority(session), names);
  return rc;
}

/* TLS 1.3 reports the parser's error; TLS 1.2 only GNUTLS_E_CERTIFICATE_ERROR, and then no
 * certificate was kept (a verification callback failing the same way has them). */
bool gtls_peer_cert_unparsable(void *session, int ret)
{
  return ret == GNUTLS_E_X509_UNKNOWN_SAN ||
         (ret == GNUTLS_E_CERTIFICATE_ERROR && gtls_session_peer_cert_count(session) == 0);
}

/* GnuTLS parses every certificate of the server's Certificate message during the handshake
 * and has no lenient mode: with an entry it cannot read (an empty subjectAltName, which
 * RFC 5280 forbids, is the common one) no verify flag can let the connection through. */
CassError gtls_fail_unparsable_peer_cert(int ret, cassl_errmsg *err)
{
  return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                    "GnuTLS cannot parse the server's certificate (%s), so the handshake stops "
                    "whatever the verify flags; an empty subjectAltName entry (an IP address of "
                    "0 bytes or an empty DNS name, which RFC 5280 forbids) is one cause: the "
                    "server needs a certificate without one",
                    gnutls_strerror(ret));
}
