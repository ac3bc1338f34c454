/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* A throwaway PKI made in memory for each run: an ECDSA P-256 CA and a server certificate
 * (CN=localhost, SAN DNS:localhost and IP:127.0.0.1) signed by it. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/x509.h>

#include "bench.h"

#define CHECK(expr)                                                                     \
  do {                                                                                  \
    int ret_ = (expr);                                                                  \
    if (ret_ < 0)                                                                       \
      bench_die("%s: %s", #expr, gnutls_strerror(ret_));                                \
  } while (0)

static gnutls_x509_privkey_t make_key(void)
{
  gnutls_x509_privkey_t key;
  CHECK(gnutls_x509_privkey_init(&key));
  CHECK(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
  return key;
}

static gnutls_x509_crt_t make_crt(gnutls_x509_privkey_t key, const char *cn, unsigned serial)
{
  gnutls_x509_crt_t crt;
  CHECK(gnutls_x509_crt_init(&crt));
  CHECK(gnutls_x509_crt_set_version(crt, 3));
  unsigned char sn[4] = { 0x01, (unsigned char)(serial >> 16), (unsigned char)(serial >> 8),
                          (unsigned char)serial };
  CHECK(gnutls_x509_crt_set_serial(crt, sn, sizeof sn));
  time_t now = time(NULL);
  CHECK(gnutls_x509_crt_set_activation_time(crt, now - 3600));
  CHECK(gnutls_x509_crt_set_expiration_time(crt, now + 7 * 86400));
  CHECK(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn)));
  CHECK(gnutls_x509_crt_set_key(crt, key));
  return crt;
}

void bench_pki_make(struct bench_pki *p)
{
  memset(p, 0, sizeof *p);
  gnutls_x509_privkey_t ca_key = make_key();
  gnutls_x509_crt_t ca = make_crt(ca_key, "cassl bench CA", 1);
  CHECK(gnutls_x509_crt_set_basic_constraints(ca, 1, 0));
  CHECK(gnutls_x509_crt_set_key_usage(ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN));
  CHECK(gnutls_x509_crt_sign2(ca, ca, ca_key, GNUTLS_DIG_SHA256, 0));

  gnutls_x509_privkey_t key = make_key();
  gnutls_x509_crt_t crt = make_crt(key, "localhost", (unsigned)time(NULL));
  CHECK(gnutls_x509_crt_set_basic_constraints(crt, 0, -1));
  CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
  CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
  CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                             GNUTLS_FSAN_APPEND));
  unsigned char ip[4];
  inet_pton(AF_INET, "127.0.0.1", ip);
  CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip,
                                             GNUTLS_FSAN_APPEND));
  CHECK(gnutls_x509_crt_sign2(crt, ca, ca_key, GNUTLS_DIG_SHA256, 0));

  gnutls_datum_t pem;
  CHECK(gnutls_x509_crt_export2(ca, GNUTLS_X509_FMT_PEM, &pem));
  p->ca_pem = malloc(pem.size + 1);
  if (!p->ca_pem)
    bench_die("out of memory");
  memcpy(p->ca_pem, pem.data, pem.size);
  p->ca_pem[pem.size] = '\0';
  gnutls_free(pem.data);

  CHECK(gnutls_certificate_allocate_credentials(&p->server));
  CHECK(gnutls_certificate_set_x509_key(p->server, &crt, 1, key));
  CHECK(gnutls_certificate_allocate_credentials(&p->client));
  CHECK(gnutls_certificate_set_x509_trust(p->client, &ca, 1));

  gnutls_x509_crt_deinit(crt);
  gnutls_x509_privkey_deinit(key);
  gnutls_x509_crt_deinit(ca);
  gnutls_x509_privkey_deinit(ca_key);
}

void bench_pki_free(struct bench_pki *p)
{
  free(p->ca_pem);
  if (p->server)
    gnutls_certificate_free_credentials(p->server);
  if (p->client)
    gnutls_certificate_free_credentials(p->client);
  memset(p, 0, sizeof *p);
}

CassSsl *bench_cassl_new(const struct bench_pki *p)
{
  CassSsl *ssl = cass_ssl_new();
  if (!ssl)
    bench_die("cass_ssl_new failed");
  CassError rc = cass_ssl_add_trusted_cert(ssl, p->ca_pem);
  if (rc != CASS_OK)
    bench_die("cass_ssl_add_trusted_cert: %s", cassl_ssl_last_error(ssl));
  cass_ssl_set_verify_flags(ssl, CASS_SSL_VERIFY_PEER_CERT);
  return ssl;
}
