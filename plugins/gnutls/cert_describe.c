/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* One X.509 certificate described for <cassl/inspect.h>: names, validity, key, SHA-256
 * fingerprint (nettle), pin (pins.c) and the identities the session's rules judge. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <nettle/sha2.h>

#include "file_info.h"
#include "gtls.h"

static void sha256_hex(const unsigned char *data, size_t len, char *out, size_t cap)
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

/* The DN text a gnutls_x509_crt_get_*dn3 call (result ret) left in d, as a new string. An
 * empty DN (RFC 5280 allows an empty subject beside SANs), which GnuTLS reports as
 * GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE, is "". */
static int dn_str(int ret, gnutls_datum_t *d, char **out)
{
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    *d = (gnutls_datum_t){ NULL, 0 };
  else if (ret < 0)
    return ret;
  char *s = malloc(d->size + 1);
  if (s) {
    if (d->size)
      memcpy(s, d->data, d->size);
    s[d->size] = '\0';
  }
  gnutls_free(d->data);
  *d = (gnutls_datum_t){ NULL, 0 };
  return (*out = s) ? 0 : GNUTLS_E_MEMORY_ERROR;
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

/* Every SAN for display (the identity check uses gtls_crt_names instead). */
static int collect_sans(gnutls_x509_crt_t crt, struct cassl_cert_info *cert)
{
  for (unsigned seq = 0;; seq++) {
    char buf[1024];
    size_t size = sizeof buf;
    unsigned int type = 0;
    int ret = gnutls_x509_crt_get_subject_alt_name2(crt, seq, buf, &size, &type, NULL);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
      return 0;
    if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
      continue; /* absurdly long name: not shown */
    if (ret < 0)
      return ret;
    bool ok = true;
    switch (type) {
    case GNUTLS_SAN_DNSNAME: ok = cassl_cert_info_add_san(cert, "DNS:", buf, size); break;
    case GNUTLS_SAN_RFC822NAME: ok = cassl_cert_info_add_san(cert, "email:", buf, size); break;
    case GNUTLS_SAN_URI: ok = cassl_cert_info_add_san(cert, "URI:", buf, size); break;
    case GNUTLS_SAN_IPADDRESS: {
      char text[INET6_ADDRSTRLEN] = "invalid";
      if (size == 4)
        inet_ntop(AF_INET, buf, text, sizeof text);
      else if (size == 16)
        inet_ntop(AF_INET6, buf, text, sizeof text);
      ok = cassl_cert_info_add_san(cert, "IP:", text, strlen(text));
      break;
    }
    default: break;
    }
    if (!ok)
      return GNUTLS_E_MEMORY_ERROR;
  }
}

static int describe_serial(gnutls_x509_crt_t crt, struct cassl_cert_info *cert)
{
  unsigned char serial[64];
  size_t serial_len = sizeof serial;
  int ret = gnutls_x509_crt_get_serial(crt, serial, &serial_len);
  if (ret < 0)
    return ret;
  if (!(cert->serial = malloc(2 * serial_len + 1)))
    return GNUTLS_E_MEMORY_ERROR;
  for (size_t i = 0; i < serial_len; i++)
    snprintf(cert->serial + 2 * i, 3, "%02x", serial[i]);
  cert->serial[2 * serial_len] = '\0';
  return 0;
}

int gtls_cert_describe(gnutls_x509_crt_t crt, struct cassl_cert_info *cert)
{
  gnutls_datum_t d = { NULL, 0 };
  int ret;
  if ((ret = dn_str(gnutls_x509_crt_get_dn3(crt, &d, 0), &d, &cert->subject)) < 0 ||
      (ret = dn_str(gnutls_x509_crt_get_issuer_dn3(crt, &d, 0), &d, &cert->issuer)) < 0 ||
      (ret = describe_serial(crt, cert)) < 0)
    return ret;

  char cn[256];
  size_t cn_len = sizeof cn - 1;
  if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len) >= 0) {
    cn[cn_len < sizeof cn ? cn_len : sizeof cn - 1] = '\0';
    if (!(cert->common_name = strdup(cn)))
      return GNUTLS_E_MEMORY_ERROR;
  }
  cert->not_before = gnutls_x509_crt_get_activation_time(crt);
  cert->not_after = gnutls_x509_crt_get_expiration_time(crt);
  unsigned int ca = 0;
  cert->is_ca = gnutls_x509_crt_get_basic_constraints(crt, NULL, &ca, NULL) >= 0 && ca;
  cert->self_signed = gnutls_x509_crt_check_issuer(crt, crt) != 0;
  if ((ret = collect_sans(crt, cert)) < 0)
    return ret;
  describe_key(crt, cert->key, sizeof cert->key);

  gnutls_datum_t der = { NULL, 0 };
  if ((ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der)) < 0)
    return ret;
  cert->der = malloc(der.size ? der.size : 1);
  if (!cert->der) {
    gnutls_free(der.data);
    return GNUTLS_E_MEMORY_ERROR;
  }
  memcpy(cert->der, der.data, der.size);
  cert->der_len = der.size;
  gnutls_free(der.data);
  sha256_hex(cert->der, cert->der_len, cert->sha256, sizeof cert->sha256);
  if (!gtls_pin_of_cert(cert->der, cert->der_len, cert->pin, sizeof cert->pin))
    cert->pin[0] = '\0';

  cert->key_id_len = sizeof cert->key_id;
  if (gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, cert->key_id,
                                 &cert->key_id_len) < 0)
    cert->key_id_len = 0;
  /* A certificate whose names do not parse is still described; its identity check then
   * fails as a session's would. */
  cert->names_error = gtls_crt_names(crt, &cert->names, &cert->names_message);
  return cert->names_error == CASS_ERROR_LIB_BAD_PARAMS ? GNUTLS_E_MEMORY_ERROR : 0;
}
