/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Writes a CA-signed certificate whose DNS subjectAltName or subject CN holds a NUL byte
 * (a name-spoofing trick certtool cannot express), for the INVALID_PEER_CERT tests; or, with
 * bmp|universal, one whose CN "T\u00ebst" is a BMPString or UniversalString (NUL bytes that
 * belong to the encoding, which neither certtool nor openssl req can write for
 * UniversalString) beside IP SANs 127.0.0.1 and ::1; or, with bmp-nul, a BMPString CN
 * "127.0.0.1" U+0000 ".evil" and no SAN (a NUL in the text itself).
 * usage: mknulcert CA.pem CA-KEY.pem KEY.pem dns|cn|bmp|universal|bmp-nul OUT.pem */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

static void check(int rc, const char *what)
{
  if (rc < 0) {
    fprintf(stderr, "mknulcert: %s: %s\n", what, gnutls_strerror(rc));
    exit(1);
  }
}

static gnutls_datum_t load(const char *path)
{
  gnutls_datum_t d;
  check(gnutls_load_file(path, &d), path);
  return d;
}

int main(int argc, char **argv)
{
  const char *mode = argc == 6 ? argv[4] : "";
  if (strcmp(mode, "dns") != 0 && strcmp(mode, "cn") != 0 && strcmp(mode, "bmp") != 0 &&
      strcmp(mode, "universal") != 0 && strcmp(mode, "bmp-nul") != 0) {
    fprintf(stderr,
            "usage: mknulcert CA.pem CA-KEY.pem KEY.pem dns|cn|bmp|universal|bmp-nul OUT.pem\n");
    return 2;
  }
  gnutls_datum_t ca_pem = load(argv[1]), ca_key_pem = load(argv[2]), key_pem = load(argv[3]);
  gnutls_x509_crt_t ca, crt;
  gnutls_x509_privkey_t ca_key, key;
  check(gnutls_x509_crt_init(&ca), "crt_init");
  check(gnutls_x509_crt_import(ca, &ca_pem, GNUTLS_X509_FMT_PEM), argv[1]);
  check(gnutls_x509_privkey_init(&ca_key), "privkey_init");
  check(gnutls_x509_privkey_import(ca_key, &ca_key_pem, GNUTLS_X509_FMT_PEM), argv[2]);
  check(gnutls_x509_privkey_init(&key), "privkey_init");
  check(gnutls_x509_privkey_import(key, &key_pem, GNUTLS_X509_FMT_PEM), argv[3]);

  check(gnutls_x509_crt_init(&crt), "crt_init");
  check(gnutls_x509_crt_set_version(crt, 3), "set_version");
  unsigned char serial[8];
  check(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial), "rnd");
  serial[0] &= 0x7f;
  check(gnutls_x509_crt_set_serial(crt, serial, sizeof serial), "set_serial");
  time_t now = time(NULL);
  check(gnutls_x509_crt_set_activation_time(crt, now - 3600), "activation");
  check(gnutls_x509_crt_set_expiration_time(crt, now + 3650L * 86400), "expiration");
  check(gnutls_x509_crt_set_key(crt, key), "set_key");
  check(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), "basic_constraints");
  check(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                               GNUTLS_KEY_KEY_ENCIPHERMENT), "key_usage");
  check(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "purpose");
  static const char org[] = "cassl tests";
  check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, org,
                                      sizeof org - 1), "set O");

  /* The part before the NUL is what a careless C-string comparison would see. */
  static const char dns_nul[] = "localhost\0.evil.example";
  static const char cn_nul[] = "127.0.0.1\0.evil.example";
  static const unsigned char ip4[4] = { 127, 0, 0, 1 };
  if (strcmp(mode, "bmp") == 0 || strcmp(mode, "universal") == 0 ||
      strcmp(mode, "bmp-nul") == 0) {
    /* The CN value DER-encoded by hand (raw_flag 1): BMPString (tag 30, UCS-2) or
     * UniversalString (tag 28, UCS-4), big-endian. */
    static const unsigned short test[] = { 'T', 0xeb, 's', 't' };
    static const unsigned short nul[] = { '1', '2', '7', '.', '0', '.', '0', '.', '1', 0,
                                          '.', 'e', 'v', 'i', 'l' };
    bool with_nul = strcmp(mode, "bmp-nul") == 0;
    const unsigned short *text = with_nul ? nul : test;
    size_t chars = with_nul ? sizeof nul / sizeof nul[0] : sizeof test / sizeof test[0];
    size_t width = strcmp(mode, "universal") == 0 ? 4 : 2;
    unsigned char cn[2 + 4 * 16];
    size_t n = 0;
    cn[n++] = width == 2 ? 30 : 28;
    cn[n++] = (unsigned char)(width * chars);
    for (size_t i = 0; i < chars; i++) {
      if (width == 4) {
        cn[n++] = 0;
        cn[n++] = 0;
      }
      cn[n++] = (unsigned char)(text[i] >> 8);
      cn[n++] = (unsigned char)(text[i] & 0xff);
    }
    check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 1, cn, n), "set CN");
    static const unsigned char ip6[16] = { [15] = 1 };
    if (!with_nul) {
      check(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip4, sizeof ip4,
                                                 GNUTLS_FSAN_APPEND), "set SAN");
      check(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip6, sizeof ip6,
                                                 GNUTLS_FSAN_APPEND), "set SAN");
    }
  } else if (strcmp(mode, "dns") == 0) {
    check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "localhost", 9),
          "set CN");
    /* gnutls_x509_crt_set_subject_alt_name stops at the NUL: encode the extension by hand,
     * SEQUENCE { [2] dNSName, [7] iPAddress }, all lengths below 128. */
    unsigned char san[64];
    size_t n = 0, dns_len = sizeof dns_nul - 1;
    san[n++] = 0x30;
    san[n++] = (unsigned char)(2 + dns_len + 2 + sizeof ip4);
    san[n++] = 0x82;
    san[n++] = (unsigned char)dns_len;
    memcpy(san + n, dns_nul, dns_len);
    n += dns_len;
    san[n++] = 0x87;
    san[n++] = sizeof ip4;
    memcpy(san + n, ip4, sizeof ip4);
    n += sizeof ip4;
    check(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.17", san, n, 0), "set SAN");
  } else {
    check(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn_nul,
                                        sizeof cn_nul - 1), "set CN");
  }

  unsigned char keyid[64];
  size_t keyid_size = sizeof keyid;
  check(gnutls_x509_crt_get_subject_key_id(ca, keyid, &keyid_size, NULL), "CA key id");
  check(gnutls_x509_crt_set_authority_key_id(crt, keyid, keyid_size), "authority key id");
  keyid_size = sizeof keyid;
  check(gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA1, keyid, &keyid_size),
        "key id");
  check(gnutls_x509_crt_set_subject_key_id(crt, keyid, keyid_size), "subject key id");
  check(gnutls_x509_crt_sign2(crt, ca, ca_key, GNUTLS_DIG_SHA256, 0), "sign");

  gnutls_datum_t out;
  check(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out), "export");
  FILE *f = fopen(argv[5], "wb");
  if (!f || fwrite(out.data, 1, out.size, f) != out.size || fclose(f) != 0) {
    perror(argv[5]);
    return 1;
  }
  gnutls_free(out.data);
  gnutls_x509_crt_deinit(crt);
  gnutls_x509_crt_deinit(ca);
  gnutls_x509_privkey_deinit(key);
  gnutls_x509_privkey_deinit(ca_key);
  gnutls_free(ca_pem.data);
  gnutls_free(ca_key_pem.data);
  gnutls_free(key_pem.data);
  return 0;
}
