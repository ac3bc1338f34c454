/* Describing a certificate: names, validity, key, SHA-256 fingerprint and pin (nettle). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>

#include "certinfo.h"

void format_time(time_t t, char *buf, size_t cap)
{
  struct tm tm;
  if (t == (time_t)-1 || !gmtime_r(&t, &tm) || !strftime(buf, cap, "%Y-%m-%d %H:%M:%S UTC", &tm))
    snprintf(buf, cap, "unknown");
}

void sha256_hex(const unsigned char *data, size_t len, char *out, size_t cap)
{
  struct sha256_ctx ctx;
  unsigned char digest[SHA256_DIGEST_SIZE];
  sha256_init(&ctx);
  sha256_update(&ctx, len, data);
  sha256_digest(&ctx, sizeof digest, digest);
  size_t pos = 0;
  out[0] = '\0';
  for (size_t i = 0; i < sizeof digest && pos + 3 < cap; i++)
    pos += (size_t)snprintf(out + pos, cap - pos, "%s%02X", i ? ":" : "", digest[i]);
}

static char *datum_str(gnutls_datum_t *d)
{
  char *s = malloc(d->size + 1);
  if (s) {
    if (d->size)
      memcpy(s, d->data, d->size);
    s[d->size] = '\0';
  }
  gnutls_free(d->data);
  *d = (gnutls_datum_t){ NULL, 0 };
  return s;
}

/* The DN text a gnutls_x509_crt_get_*dn3 call (result ret) left in d, as a new string. An
 * empty DN (RFC 5280 allows an empty subject beside SANs), which GnuTLS reports as
 * GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE, is "". */
static int dn_str(int ret, gnutls_datum_t *d, char **out)
{
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    *d = (gnutls_datum_t){ NULL, 0 };
  else if (ret < 0)
    return ret;
  return (*out = datum_str(d)) ? 0 : GNUTLS_E_MEMORY_ERROR;
}

/* The pin is over the SubjectPublicKeyInfo DER, which gnutls_pubkey_export2 writes. */
static void compute_pin(gnutls_x509_crt_t crt, char *out, size_t cap)
{
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t spki = { NULL, 0 };
  out[0] = '\0';
  if (gnutls_pubkey_init(&pub) < 0)
    return;
  if (gnutls_pubkey_import_x509(pub, crt, 0) >= 0 &&
      gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) >= 0) {
    struct sha256_ctx ctx;
    unsigned char digest[SHA256_DIGEST_SIZE];
    char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE) + 1];
    sha256_init(&ctx);
    sha256_update(&ctx, spki.size, spki.data);
    sha256_digest(&ctx, sizeof digest, digest);
    base64_encode_raw(b64, sizeof digest, digest);
    b64[sizeof b64 - 1] = '\0';
    snprintf(out, cap, "sha256//%s", b64);
    gnutls_free(spki.data);
  }
  gnutls_pubkey_deinit(pub);
}

static void describe_key(gnutls_x509_crt_t crt, char *out, size_t cap)
{
  unsigned int bits = 0;
  int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
  const char *name = pk >= 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)pk) : NULL;
  gnutls_ecc_curve_t curve;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
  if (pk == GNUTLS_PK_EC && gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y) >= 0) {
    snprintf(out, cap, "%s %u bits (%s)", name ? name : "EC", bits,
             gnutls_ecc_curve_get_name(curve));
    gnutls_free(x.data);
    gnutls_free(y.data);
    return;
  }
  snprintf(out, cap, "%s %u bits", name ? name : "unknown", bits);
}

static int add_san(struct cert_info *info, const char *prefix, const char *value, size_t len)
{
  char **sans = realloc(info->sans, (info->san_count + 1) * sizeof *sans);
  if (!sans)
    return GNUTLS_E_MEMORY_ERROR;
  info->sans = sans;
  size_t plen = strlen(prefix);
  char *s = malloc(plen + len + 1);
  if (!s)
    return GNUTLS_E_MEMORY_ERROR;
  memcpy(s, prefix, plen);
  /* Names are shown, not trusted: replace bytes that would garble a terminal. */
  for (size_t i = 0; i < len; i++)
    s[plen + i] = (value[i] < 0x20 || value[i] == 0x7f) ? '?' : value[i];
  s[plen + len] = '\0';
  info->sans[info->san_count++] = s;
  return 0;
}

static int collect_sans(gnutls_x509_crt_t crt, struct cert_info *info)
{
  for (unsigned seq = 0;; seq++) {
    char buf[1024];
    size_t size = sizeof buf;
    unsigned int type = 0;
    int ret = gnutls_x509_crt_get_subject_alt_name2(crt, seq, buf, &size, &type, NULL);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      return 0;
    if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
      continue; /* absurdly long name: skip it */
    if (ret < 0)
      return ret;
    switch (type) {
    case GNUTLS_SAN_DNSNAME: ret = add_san(info, "DNS:", buf, size); break;
    case GNUTLS_SAN_RFC822NAME: ret = add_san(info, "email:", buf, size); break;
    case GNUTLS_SAN_URI: ret = add_san(info, "URI:", buf, size); break;
    case GNUTLS_SAN_IPADDRESS: {
      char text[INET6_ADDRSTRLEN] = "invalid";
      if (size == 4)
        inet_ntop(AF_INET, buf, text, sizeof text);
      else if (size == 16)
        inet_ntop(AF_INET6, buf, text, sizeof text);
      ret = add_san(info, "IP:", text, strlen(text));
      break;
    }
    default: ret = 0;
    }
    if (ret < 0)
      return ret;
  }
}

int cert_info_from_crt(gnutls_x509_crt_t crt, struct cert_info *info)
{
  memset(info, 0, sizeof *info);
  gnutls_datum_t d = { NULL, 0 };
  int ret;
  if ((ret = dn_str(gnutls_x509_crt_get_dn3(crt, &d, 0), &d, &info->subject)) < 0 ||
      (ret = dn_str(gnutls_x509_crt_get_issuer_dn3(crt, &d, 0), &d, &info->issuer)) < 0)
    goto fail;

  unsigned char serial[64];
  size_t serial_len = sizeof serial;
  if ((ret = gnutls_x509_crt_get_serial(crt, serial, &serial_len)) < 0)
    goto fail;
  info->serial = malloc(2 * serial_len + 1);
  if (!info->serial) {
    ret = GNUTLS_E_MEMORY_ERROR;
    goto fail;
  }
  for (size_t i = 0; i < serial_len; i++)
    sprintf(info->serial + 2 * i, "%02x", serial[i]);
  info->serial[2 * serial_len] = '\0';

  char cn[256];
  size_t cn_len = sizeof cn - 1;
  if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len) >= 0) {
    cn[cn_len < sizeof cn ? cn_len : sizeof cn - 1] = '\0';
    info->cn = strdup(cn);
  }

  info->not_before = gnutls_x509_crt_get_activation_time(crt);
  info->not_after = gnutls_x509_crt_get_expiration_time(crt);
  time_t now = time(NULL);
  info->valid_now = info->not_before != (time_t)-1 && info->not_after != (time_t)-1 &&
                    now >= info->not_before && now <= info->not_after;

  unsigned int ca = 0;
  info->is_ca = gnutls_x509_crt_get_basic_constraints(crt, NULL, &ca, NULL) >= 0 && ca;
  info->self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;

  if ((ret = collect_sans(crt, info)) < 0)
    goto fail;
  describe_key(crt, info->key, sizeof info->key);

  gnutls_datum_t der = { NULL, 0 };
  if ((ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der)) < 0)
    goto fail;
  sha256_hex(der.data, der.size, info->fingerprint, sizeof info->fingerprint);
  gnutls_free(der.data);
  compute_pin(crt, info->pin, sizeof info->pin);

  info->key_id_len = sizeof info->key_id;
  if (gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, info->key_id,
                                 &info->key_id_len) < 0)
    info->key_id_len = 0;
  return 0;
fail:
  cert_info_free(info);
  return ret;
}

int cert_info_from_der(const unsigned char *der, size_t len, struct cert_info *info)
{
  gnutls_x509_crt_t crt;
  gnutls_datum_t d = { (unsigned char *)der, (unsigned int)len };
  int ret = gnutls_x509_crt_init(&crt);
  if (ret < 0)
    return ret;
  ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
  if (ret >= 0)
    ret = cert_info_from_crt(crt, info);
  gnutls_x509_crt_deinit(crt);
  return ret;
}

void cert_info_free(struct cert_info *info)
{
  free(info->subject);
  free(info->issuer);
  free(info->serial);
  free(info->cn);
  for (size_t i = 0; i < info->san_count; i++)
    free(info->sans[i]);
  free(info->sans);
  memset(info, 0, sizeof *info);
}

const char *cert_info_dn_shown(const char *dn, bool json)
{
  return dn[0] || json ? dn : "(empty)";
}

void cert_info_report(struct report *r, const struct cert_info *info, const char *key,
                      const char *title)
{
  char from[40], until[40];
  format_time(info->not_before, from, sizeof from);
  format_time(info->not_after, until, sizeof until);
  report_object(r, key, title);
  report_str(r, "subject", NULL, cert_info_dn_shown(info->subject, r->json));
  report_str(r, "issuer", NULL, cert_info_dn_shown(info->issuer, r->json));
  report_str(r, "serial", NULL, info->serial);
  report_list(r, "sans", "SANs", info->sans, info->san_count);
  report_str(r, "not_before", "valid from", from);
  report_str(r, "not_after", "valid until", until);
  report_bool(r, "valid_now", "valid now", info->valid_now);
  report_str(r, "role", NULL,
             info->is_ca ? (info->self_signed ? "CA (self-signed root)" : "CA (intermediate)")
                         : (info->self_signed ? "leaf (self-signed)" : "leaf"));
  report_json_bool(r, "ca", info->is_ca);
  report_str(r, "key", NULL, info->key);
  report_str(r, "sha256", "SHA-256", info->fingerprint);
  report_str(r, "pin", NULL, info->pin);
  report_end(r);
}

void cert_info_names_text(const struct cert_info *info, char *buf, size_t cap)
{
  size_t pos = 0;
  buf[0] = '\0';
  if (info->cn)
    pos += (size_t)snprintf(buf, cap, "CN=%s", info->cn);
  for (size_t i = 0; i < info->san_count && pos < cap; i++)
    pos += (size_t)snprintf(buf + pos, cap - pos, "%s%s", pos ? ", " : "", info->sans[i]);
  if (!buf[0])
    snprintf(buf, cap, "no names at all");
}

int cert_names(gnutls_x509_crt_t crt, struct cassl_cert_names *names)
{
  for (unsigned seq = 0;; seq++) {
    unsigned char buf[1024];
    size_t size = sizeof buf;
    unsigned int type = 0;
    int ret = gnutls_x509_crt_get_subject_alt_name2(crt, seq, buf, &size, &type, NULL);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      break;
    if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
      continue;
    if (ret < 0)
      return ret;
    if (type == GNUTLS_SAN_DNSNAME)
      ret = cassl_names_add(names, CASSL_NAME_DNS, buf, size);
    else if (type == GNUTLS_SAN_IPADDRESS)
      ret = cassl_names_add(names, CASSL_NAME_IP, buf, size);
    if (ret != 0)
      return GNUTLS_E_MEMORY_ERROR;
  }
  for (unsigned idx = 0;; idx++) {
    unsigned char cn[1024];
    size_t size = sizeof cn;
    int ret = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, idx, 0, cn, &size);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      break;
    if (ret < 0)
      return ret;
    if (cassl_names_add(names, CASSL_NAME_CN, cn, size) != 0)
      return GNUTLS_E_MEMORY_ERROR;
  }
  return 0;
}
