/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* PKCS#12 key and trust stores with gnutls_pkcs12_*. */
#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>

#include "pki_store.h"

#define STORE_CIPHER GNUTLS_PKCS_PBES2_AES_256
#define STORE_MAC GNUTLS_MAC_SHA256

static int name_bag(gnutls_pkcs12_bag_t bag, int index, const gnutls_datum_t *id,
                    const char *alias)
{
  int ret = 0;
  if (id)
    ret = gnutls_pkcs12_bag_set_key_id(bag, (unsigned)index, id);
  if (ret >= 0 && alias)
    ret = gnutls_pkcs12_bag_set_friendly_name(bag, (unsigned)index, alias);
  return ret < 0 ? ret : 0;
}

int pki_store_keystore(const struct pki_entity *leaf, gnutls_x509_crt_t ca, const char *alias,
                       const char *password, gnutls_datum_t *out)
{
  gnutls_pkcs12_t p12 = NULL;
  gnutls_pkcs12_bag_t certs = NULL, key = NULL;
  unsigned char id_buf[64];
  size_t id_len = sizeof id_buf;
  int ret, index;
  out->data = NULL;
  out->size = 0;
  /* The key and its certificate share a localKeyId: that is how JSSE pairs them. */
  if ((ret = gnutls_x509_crt_get_key_id(leaf->crt, 0, id_buf, &id_len)) < 0 ||
      (ret = gnutls_pkcs12_init(&p12)) < 0 || (ret = gnutls_pkcs12_bag_init(&certs)) < 0 ||
      (ret = gnutls_pkcs12_bag_init(&key)) < 0)
    goto done;
  gnutls_datum_t id = { id_buf, (unsigned)id_len };
  if ((ret = index = gnutls_pkcs12_bag_set_crt(certs, leaf->crt)) < 0 ||
      (ret = name_bag(certs, index, &id, alias)) < 0 ||
      (ret = gnutls_pkcs12_bag_set_crt(certs, ca)) < 0 ||
      (ret = gnutls_pkcs12_bag_encrypt(certs, password, STORE_CIPHER)) < 0 ||
      (ret = index = gnutls_pkcs12_bag_set_privkey(key, leaf->key, password, STORE_CIPHER)) < 0 ||
      (ret = name_bag(key, index, &id, alias)) < 0 || (ret = gnutls_pkcs12_set_bag(p12, certs)) < 0 ||
      (ret = gnutls_pkcs12_set_bag(p12, key)) < 0 ||
      (ret = gnutls_pkcs12_generate_mac2(p12, STORE_MAC, password)) < 0)
    goto done;
  ret = gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, out);
done:
  if (key)
    gnutls_pkcs12_bag_deinit(key);
  if (certs)
    gnutls_pkcs12_bag_deinit(certs);
  if (p12)
    gnutls_pkcs12_deinit(p12);
  return ret < 0 ? ret : 0;
}

/* The trusted-key-usage attribute: SEQUENCE { OID 2.16.840.1.113894.746875.1.1,
 * SET { OID 2.5.29.37.0 (anyExtendedKeyUsage) } }, what keytool writes on a trustedcert
 * entry, 24 bytes. */
static const unsigned char trusted_attribute[] = {
  0x30, 0x16, 0x06, 0x0c, 0x60, 0x86, 0x48, 0x01, 0x86, 0xf9, 0x66, 0xad, 0xca, 0x7b, 0x01,
  0x01, 0x31, 0x06, 0x06, 0x04, 0x55, 0x1d, 0x25, 0x00
};
/* A localKeyId attribute of the same size: SEQUENCE { OID 1.2.840.113549.1.9.21,
 * SET { OCTET STRING (7 bytes) } }; the 7 bytes are random, the placeholder's mark. */
static const unsigned char placeholder_head[] = {
  0x30, 0x16, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x15, 0x31, 0x09,
  0x04, 0x07
};
#define MARK_LEN 7

/* GnuTLS writes only the friendlyName and localKeyId bag attributes. So the certificate's
 * bag is left unencrypted (a CA certificate is public; the MAC still covers it) and given a
 * random 7-byte localKeyId, whose attribute is exactly as long as the trusted-key-usage one;
 * in the DER GnuTLS exports, that attribute is replaced by the trusted-key-usage one (no
 * length changes anywhere), the result is read back and GnuTLS computes the MAC over it
 * again (GnuTLS exports a PKCS#12 only with a MAC: the draft's is replaced). */
static int swap_placeholder(gnutls_datum_t *der, const unsigned char *mark)
{
  unsigned char placeholder[sizeof trusted_attribute];
  memcpy(placeholder, placeholder_head, sizeof placeholder_head);
  memcpy(placeholder + sizeof placeholder_head, mark, MARK_LEN);
  unsigned char *found = NULL;
  for (size_t i = 0; i + sizeof placeholder <= der->size; i++) {
    if (!memcmp(der->data + i, placeholder, sizeof placeholder)) {
      if (found)
        return GNUTLS_E_INTERNAL_ERROR; /* two: the mark is not unique, never patch blind */
      found = der->data + i;
    }
  }
  if (!found)
    return GNUTLS_E_INTERNAL_ERROR;
  memcpy(found, trusted_attribute, sizeof trusted_attribute);
  return 0;
}

int pki_store_truststore(gnutls_x509_crt_t ca, const char *alias, const char *password,
                         gnutls_datum_t *out)
{
  gnutls_pkcs12_t p12 = NULL, patched = NULL;
  gnutls_pkcs12_bag_t certs = NULL;
  gnutls_datum_t draft = { NULL, 0 };
  unsigned char mark[MARK_LEN];
  int ret, index;
  out->data = NULL;
  out->size = 0;
  if ((ret = gnutls_rnd(GNUTLS_RND_NONCE, mark, sizeof mark)) < 0 ||
      (ret = gnutls_pkcs12_init(&p12)) < 0 || (ret = gnutls_pkcs12_bag_init(&certs)) < 0)
    goto done;
  gnutls_datum_t id = { mark, sizeof mark };
  if ((ret = index = gnutls_pkcs12_bag_set_crt(certs, ca)) < 0 ||
      (ret = name_bag(certs, index, &id, alias)) < 0 || (ret = gnutls_pkcs12_set_bag(p12, certs)) < 0 ||
      (ret = gnutls_pkcs12_generate_mac2(p12, STORE_MAC, password)) < 0 ||
      (ret = gnutls_pkcs12_export2(p12, GNUTLS_X509_FMT_DER, &draft)) < 0 ||
      (ret = swap_placeholder(&draft, mark)) < 0 || (ret = gnutls_pkcs12_init(&patched)) < 0 ||
      (ret = gnutls_pkcs12_import(patched, &draft, GNUTLS_X509_FMT_DER, 0)) < 0 ||
      (ret = gnutls_pkcs12_generate_mac2(patched, STORE_MAC, password)) < 0)
    goto done;
  ret = gnutls_pkcs12_export2(patched, GNUTLS_X509_FMT_DER, out);
done:
  gnutls_free(draft.data);
  if (certs)
    gnutls_pkcs12_bag_deinit(certs);
  if (patched)
    gnutls_pkcs12_deinit(patched);
  if (p12)
    gnutls_pkcs12_deinit(p12);
  return ret < 0 ? ret : 0;
}
