/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl pki revoke: DIR/crl.pem, re-signed by the CA with every serial it held and the new
 * one. The CRL is the only record of what was revoked. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "options.h"
#include "pki_cmd.h"
#include "pki_files.h"
#include "tool.h"

/* The old CRL's entries into crl (none when there is no file yet). */
static int copy_entries(const char *path, gnutls_x509_crl_t crl, const unsigned char *serial,
                        size_t serial_len, bool *found, unsigned long *number)
{
  unsigned char *data;
  size_t len;
  if (read_file(path, &data, &len) != 0)
    return errno == ENOENT ? 0 : pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "",
                                          "cannot read %s: %s", path, strerror(errno));
  gnutls_x509_crl_t old = NULL;
  gnutls_datum_t d = { data, (unsigned)len };
  int g;
  if ((g = gnutls_x509_crl_init(&old)) < 0 ||
      (g = gnutls_x509_crl_import(old, &d, GNUTLS_X509_FMT_PEM)) < 0) {
    free(data);
    if (old)
      gnutls_x509_crl_deinit(old);
    return pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT,
                    "restore the CRL from a backup, or move it away to start a new one",
                    "%s is not a PEM CRL: %s", path, gnutls_strerror(g));
  }
  free(data);
  unsigned char num[20];
  size_t num_len = sizeof num;
  *number = 0;
  if (gnutls_x509_crl_get_number(old, num, &num_len, NULL) >= 0)
    for (size_t i = 0; i < num_len && i < sizeof *number; i++)
      *number = (*number << 8) | num[i];
  int count = gnutls_x509_crl_get_crt_count(old);
  for (int i = 0; i < count; i++) {
    unsigned char s[64];
    size_t s_len = sizeof s;
    time_t when;
    if ((g = gnutls_x509_crl_get_crt_serial(old, (unsigned)i, s, &s_len, &when)) < 0 ||
        (g = gnutls_x509_crl_set_crt_serial(crl, s, s_len, when)) < 0)
      break;
    if (s_len == serial_len && !memcmp(s, serial, s_len))
      *found = true;
  }
  gnutls_x509_crl_deinit(old);
  return g < 0 ? pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "reading %s failed: %s",
                          path, gnutls_strerror(g))
               : 0;
}

int pki_revoke(const char *dir, const struct pki_entity *ca, gnutls_x509_crt_t crt,
               unsigned days, bool *already)
{
  char path[PKI_PATH];
  pki_path(path, dir, PKI_CRL, NULL);
  unsigned char serial[64];
  size_t serial_len = sizeof serial;
  gnutls_x509_crl_t crl = NULL;
  unsigned long number = 0;
  int g, ret = 0;
  *already = false;
  if ((g = gnutls_x509_crt_get_serial(crt, serial, &serial_len)) < 0 ||
      (g = gnutls_x509_crl_init(&crl)) < 0)
    return pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "%s", gnutls_strerror(g));
  ret = copy_entries(path, crl, serial, serial_len, already, &number);
  time_t now = time(NULL);
  number++;
  unsigned char num[8];
  for (int i = 7; i >= 0; i--, number >>= 8)
    num[i] = (unsigned char)(number & 0xff);
  size_t skip = 0;
  while (skip < 7 && num[skip] == 0)
    skip++;
  unsigned char id[64];
  size_t id_len = sizeof id;
  if (ret == 0 && ((!*already && (g = gnutls_x509_crl_set_crt_serial(crl, serial, serial_len,
                                                                      now)) < 0) ||
                   (g = gnutls_x509_crl_set_version(crl, 2)) < 0 ||
                   (g = gnutls_x509_crl_set_this_update(crl, now)) < 0 ||
                   (g = gnutls_x509_crl_set_next_update(crl, now + (time_t)days * 86400)) < 0 ||
                   (g = gnutls_x509_crl_set_number(crl, num + skip, 8 - skip)) < 0 ||
                   (g = gnutls_x509_crt_get_subject_key_id(ca->crt, id, &id_len, NULL)) < 0 ||
                   (g = gnutls_x509_crl_set_authority_key_id(crl, id, id_len)) < 0 ||
                   (g = gnutls_x509_crl_sign2(crl, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0)) < 0))
    ret = pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "signing the CRL failed: %s",
                   gnutls_strerror(g));
  gnutls_datum_t pem = { NULL, 0 };
  if (ret == 0 && (g = gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &pem)) < 0)
    ret = pki_fail(EXIT_LOCAL, CASS_ERROR_SSL_INVALID_CERT, "", "writing the CRL failed: %s",
                   gnutls_strerror(g));
  /* The CRL is replaced on every revocation: it carries all the earlier ones. */
  if (ret == 0 && pki_file_write(path, pem.data, pem.size, 0644, true) != 0)
    ret = pki_fail(EXIT_LOCAL, CASS_ERROR_LIB_BAD_PARAMS, "check the directory and its "
                   "permissions", "cannot write %s: %s", path, strerror(errno));
  gnutls_free(pem.data);
  gnutls_x509_crl_deinit(crl);
  return ret;
}
