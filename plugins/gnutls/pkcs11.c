/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Sources on PKCS#11 tokens (RFC 7512 URLs): GnuTLS reads them through p11-kit's modules.
 *
 * A client key stays on its token. Binding it logs in once (checking the PIN and reading
 * the public key that pairs it with its certificate); each handshake then opens its own
 * handle on the key (gtls_pkcs11_open_key), so sessions never share a PKCS#11 session,
 * and a token that went away fails that handshake with a sentence instead of a stale
 * handle. The PIN a callback gave is kept with the key for those logins. A PIN refused
 * once is never offered again: the token would count every retry towards locking. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/pkcs11.h>

#include "file_info.h"
#include "gtls.h"

#define PIN_MAX 256

/* The PIN dialogue of one import. */
struct pin_ask {
  cassl_pin_callback callback; /* the application's, or NULL */
  void *userdata;
  const char *stored;          /* a PIN given before (a handshake's login), or NULL */
  char pin[PIN_MAX];           /* what was given, for the key half to keep */
  bool given, wrong, asked;
  char token[128];             /* the token's label, for sentences */
};

static int pin_function(void *userdata, int attempt, const char *token_url,
                        const char *token_label, unsigned int flags, char *pin, size_t pin_max)
{
  struct pin_ask *a = userdata;
  snprintf(a->token, sizeof a->token, "%s", token_label ? token_label : "");
  a->asked = true;
  if ((flags & GNUTLS_PIN_WRONG) || attempt > 0) {
    a->wrong = true;
    return -1;
  }
  char buf[PIN_MAX] = "";
  if (a->stored) {
    snprintf(buf, sizeof buf, "%s", a->stored);
  } else if (!a->callback || a->callback(a->userdata, token_label ? token_label : "",
                                         token_url ? token_url : "", 0, buf, sizeof buf) != 0) {
    gnutls_memset(buf, 0, sizeof buf);
    return -1;
  }
  size_t n = strnlen(buf, sizeof buf);
  int rc = -1;
  if (n < sizeof buf && n < pin_max) {
    memcpy(pin, buf, n + 1);
    memcpy(a->pin, buf, n + 1);
    a->given = true;
    rc = 0;
  }
  gnutls_memset(buf, 0, sizeof buf);
  return rc;
}

/* The sentence for a failed look-up of url: which part is missing. */
static CassError fail_lookup(const char *given_url, const char *what, int ret,
                             const struct pin_ask *a, CassError code, cassl_errmsg *err)
{
  char url[1024]; /* as the sentence shows it: no PIN */
  cassl_redact_url(given_url, url, sizeof url);
  if (ret == GNUTLS_E_PARSING_ERROR || ret == GNUTLS_E_INVALID_REQUEST)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "not a valid PKCS#11 URL: %s (%s)", url,
                      gnutls_strerror(ret));
  if (a && a->wrong)
    return cassl_fail(err, code, "wrong PIN for the PKCS#11 token \"%s\" (not retried: the "
                      "token counts failed logins)", a->token);
  if (a && a->asked && !a->given)
    return cassl_fail(err, code, "the PKCS#11 token \"%s\" needs a PIN: put pin-value or "
                      "pin-source in the URL, or set cassl_ssl_set_pin_callback", a->token);
  if (ret == GNUTLS_E_PKCS11_PIN_ERROR)
    return cassl_fail(err, code, "cannot log in to the PKCS#11 token of %s: %s", url,
                      gnutls_strerror(ret));
  unsigned flags;
  if (gnutls_pkcs11_token_get_flags(given_url, &flags) < 0)
    return cassl_fail(err, code, "no PKCS#11 token matches %s (is it inserted, and its module "
                      "registered with p11-kit? `p11tool --list-tokens` shows what is seen)",
                      url);
  if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ||
      ret == GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE)
    return cassl_fail(err, code, "the PKCS#11 token has no %s matching %s (`p11tool "
                      "--list-all '<token URL>'` lists its objects)", what, url);
  return cassl_fail(err, code, "cannot read the %s %s: %s", what, url, gnutls_strerror(ret));
}

/* ---- certificates ---------------------------------------------------------------------- */

CassError gtls_pkcs11_cert_half(const char *url, struct gtls_cert_half **out, cassl_errmsg *err)
{
  *out = NULL;
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init(&crt) < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  struct pin_ask ask = { 0 }; /* a public object: a token that asks gets no PIN */
  gnutls_x509_crt_set_pin_function(crt, pin_function, &ask);
  int ret = gnutls_x509_crt_import_url(crt, url, 0);
  CassError rc;
  if (ret < 0)
    rc = fail_lookup(url, "certificate", ret, NULL, CASS_ERROR_SSL_INVALID_CERT, err);
  else
    rc = gtls_cert_half_new(&crt, 1, out, err);
  gnutls_x509_crt_deinit(crt);
  gnutls_memset(ask.pin, 0, sizeof ask.pin);
  return rc;
}

CassError gtls_pkcs11_trusted(const char *url, struct gtls_der_list **out, cassl_errmsg *err)
{
  *out = NULL;
  gnutls_pkcs11_obj_t *objs = NULL;
  unsigned n = 0;
  int ret = gnutls_pkcs11_obj_list_import_url4(&objs, &n, url, GNUTLS_PKCS11_OBJ_FLAG_CRT);
  if (ret < 0)
    return fail_lookup(url, "certificate", ret, NULL, CASS_ERROR_SSL_INVALID_CERT, err);
  CassError rc = CASS_OK;
  struct gtls_der_list *list = NULL;
  if (n == 0)
    rc = fail_lookup(url, "certificate", GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE, NULL,
                     CASS_ERROR_SSL_INVALID_CERT, err);
  else if (!(list = gtls_der_list_new(n, NULL)))
    rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "out of memory");
  for (unsigned i = 0; rc == CASS_OK && i < n; i++) {
    if ((ret = gnutls_pkcs11_obj_export2(objs[i], &list->der[i])) < 0)
      rc = cassl_fail(err, CASS_ERROR_SSL_INVALID_CERT, "cannot read certificate %u of the "
                      "token: %s", i + 1, gnutls_strerror(ret));
    else
      list->count++;
  }
  for (unsigned i = 0; i < n; i++)
    gnutls_pkcs11_obj_deinit(objs[i]);
  gnutls_free(objs);
  if (rc != CASS_OK) {
    gtls_der_list_unref(list);
    return rc;
  }
  *out = list;
  return CASS_OK;
}

/* ---- private keys ---------------------------------------------------------------------- */

/* Imports the key of url (logging in as needed) into key, the PIN dialogue in ask. */
static int import_key(const char *url, struct pin_ask *ask, gnutls_privkey_t *key)
{
  int ret = gnutls_privkey_init(key);
  if (ret < 0)
    return ret;
  gnutls_privkey_set_pin_function(*key, pin_function, ask);
  ret = gnutls_privkey_import_url(*key, url, 0);
  if (ret < 0) {
    gnutls_privkey_deinit(*key);
    *key = NULL;
  }
  return ret;
}

/* RFC 7512's pin-source: GnuTLS takes the file's bytes as they are, so a PIN file written
 * with echo (a trailing newline) would be a wrong PIN. The attribute is taken out of the URL
 * here and its file read with the line end dropped. *clean is the URL without it (malloc'ed),
 * pin the PIN ("" when the URL has no pin-source). */
static CassError take_pin_source(const char *url, char **clean, char pin[PIN_MAX],
                                 cassl_errmsg *err)
{
  pin[0] = '\0';
  if (!(*clean = strdup(url)))
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "out of memory");
  char *query = strchr(*clean, '?');
  if (!query)
    return CASS_OK;
  char path[4096] = "";
  char *w = query + 1, *r = query + 1;
  while (*r) {
    size_t n = strcspn(r, "&");
    if (strncmp(r, "pin-source=", 11) == 0 && n - 11 < sizeof path) {
      /* Percent-decoded; "file:" is the one scheme a PIN source may name. */
      size_t o = 0;
      for (size_t i = 11; i < n; i++) {
        unsigned v;
        if (r[i] == '%' && i + 2 < n + 1 && sscanf(r + i + 1, "%2x", &v) == 1) {
          path[o++] = (char)v;
          i += 2;
        } else {
          path[o++] = r[i];
        }
      }
      path[o] = '\0';
    } else {
      if (w != query + 1)
        *w++ = '&';
      memmove(w, r, n);
      w += n;
    }
    r += n + (r[n] == '&');
  }
  *w = '\0';
  if (w == query + 1)
    *query = '\0'; /* no attribute left */
  if (!path[0])
    return CASS_OK;
  const char *file = strncmp(path, "file:", 5) == 0 ? path + 5 : path;
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "cannot read the PIN file %s "
                      "(pin-source): %s", file, strerror(errno));
  ssize_t got = read(fd, pin, PIN_MAX - 1);
  close(fd);
  if (got < 0)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "cannot read the PIN file %s "
                      "(pin-source): %s", file, strerror(errno));
  pin[got] = '\0';
  pin[strcspn(pin, "\r\n")] = '\0';
  if (!pin[0])
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "the PIN file %s (pin-source) "
                      "is empty", file);
  return CASS_OK;
}

CassError gtls_pkcs11_key_half(void *creds, const char *url, struct gtls_key_half **out,
                               cassl_errmsg *err)
{
  *out = NULL;
  struct pin_ask ask = { 0 };
  gtls_creds_pin_callback(creds, &ask.callback, &ask.userdata);
  gnutls_privkey_t key = NULL;
  gnutls_pubkey_t pub = NULL;
  unsigned char id[64];
  size_t id_len = sizeof id;
  char file_pin[PIN_MAX];
  char *clean = NULL;
  CassError rc = take_pin_source(url, &clean, file_pin, err);
  if (rc != CASS_OK)
    goto done;
  if (file_pin[0])
    ask.stored = file_pin;
  int ret = import_key(clean, &ask, &key);
  if (ret < 0) {
    rc = fail_lookup(url, "private key", ret, &ask, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, err);
    goto done;
  }
  /* The public half pairs the key with its certificate (the key id of creds_set_key). A
   * token that does not show it (an EC key stored without its public key object) leaves the
   * id empty: the pairing then checks a signature (credentials.c). */
  if (gnutls_pubkey_init(&pub) < 0 || gnutls_pubkey_import_privkey(pub, key, 0, 0) < 0 ||
      gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, id, &id_len) < 0)
    id_len = 0;
  rc = gtls_key_half_new_url(clean, ask.given ? ask.pin : NULL, id, id_len, out, err);

done:
  free(clean);
  gnutls_memset(file_pin, 0, sizeof file_pin);
  if (pub)
    gnutls_pubkey_deinit(pub);
  if (key)
    gnutls_privkey_deinit(key);
  gnutls_memset(ask.pin, 0, sizeof ask.pin);
  return rc;
}

int gtls_pkcs11_open_key(const char *url, const char *pin, gnutls_privkey_t *key,
                         cassl_errmsg *why)
{
  struct pin_ask ask = { .stored = pin };
  int ret = import_key(url, &ask, key);
  if (ret < 0)
    fail_lookup(url, "private key", ret, &ask, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, why);
  gnutls_memset(ask.pin, 0, sizeof ask.pin);
  return ret;
}

/* ---- <cassl/inspect.h> ----------------------------------------------------------------- */

/* A private key on the token: its type and key id, through a handle of its own (logged in
 * with the PIN the inspected URL carries). */
static void describe_key(struct cassl_file_info *fi, gnutls_pkcs11_obj_t obj, const char *pin)
{
  struct cassl_key_info *k = cassl_file_info_add_key(fi, "PKCS#11 private key");
  if (!k)
    return;
  k->attempted = true;
  char *url = NULL;
  gnutls_privkey_t key = NULL;
  struct pin_ask ask = { .stored = pin && pin[0] ? pin : NULL };
  int ret = gnutls_pkcs11_obj_export_url(obj, GNUTLS_PKCS11_URL_GENERIC, &url);
  if (ret >= 0)
    ret = import_key(url, &ask, &key);
  gnutls_free(url);
  if (ret < 0) {
    snprintf(k->problem, sizeof k->problem, "cannot open the key on the token: %s",
             gnutls_strerror(ret));
    return;
  }
  unsigned bits = 0;
  int pk = gnutls_privkey_get_pk_algorithm(key, &bits);
  const char *name = pk > 0 ? gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)pk) : NULL;
  if (bits) /* a token's EC key tells no size */
    snprintf(k->type, sizeof k->type, "%s %u bits (on the token)", name ? name : "unknown",
             bits);
  else
    snprintf(k->type, sizeof k->type, "%s (on the token)", name ? name : "unknown");
  k->loaded = true;
  /* The key id pairs it with a certificate; it comes from the key's public half. */
  gnutls_pubkey_t pub;
  k->key_id_len = 0;
  if (gnutls_pubkey_init(&pub) >= 0) {
    size_t len = sizeof k->key_id;
    if (gnutls_pubkey_import_privkey(pub, key, 0, 0) >= 0 &&
        gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, k->key_id, &len) >= 0)
      k->key_id_len = len;
    gnutls_pubkey_deinit(pub);
  }
  gnutls_privkey_deinit(key);
  gnutls_memset(ask.pin, 0, sizeof ask.pin);
}

CassError gtls_url_read(const char *url, struct cassl_file_info *fi, cassl_errmsg *err)
{
  fi->format = "PKCS#11 URL";
  gnutls_pkcs11_obj_t *objs = NULL;
  unsigned n = 0;
  char pin[PIN_MAX];
  char *clean = NULL;
  if (take_pin_source(url, &clean, pin, err) != CASS_OK) {
    cassl_file_info_fail(fi, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "", "%s", err->text);
    return CASS_OK;
  }
  /* Public objects only unless the URL carries a PIN: inspecting never asks for one. */
  const char *value = strstr(clean, "pin-value=");
  if (value && !pin[0]) {
    /* The PIN for the keys' own handles (GnuTLS reads it from the URL of the listing). */
    value += strlen("pin-value=");
    size_t n_pin = strcspn(value, "&");
    snprintf(pin, sizeof pin, "%.*s", (int)(n_pin < PIN_MAX - 1 ? n_pin : PIN_MAX - 1), value);
  }
  /* A PIN read from pin-source goes to the listing's login as pin-value (GnuTLS would
   * take the file's line end as part of it). */
  char *listing = clean;
  if (pin[0] && !value) {
    size_t cap = strlen(clean) + 12 + 3 * strlen(pin) + 1;
    if ((listing = malloc(cap))) {
      size_t o = (size_t)snprintf(listing, cap, "%s%spin-value=", clean,
                                  strchr(clean, '?') ? "&" : "?");
      for (const char *p = pin; *p; p++)
        o += (size_t)snprintf(listing + o, cap - o, "%%%02X", (unsigned char)*p);
    } else {
      listing = clean;
    }
  }
  unsigned flags = pin[0] ? GNUTLS_PKCS11_OBJ_FLAG_LOGIN : 0;
  int ret = gnutls_pkcs11_obj_list_import_url4(&objs, &n, listing, flags);
  if (listing != clean)
    gtls_free_secret(listing, strlen(listing));
  if (ret < 0) {
    cassl_errmsg why;
    CassError code = fail_lookup(url, "object", ret, NULL, CASS_ERROR_SSL_INVALID_CERT, &why);
    cassl_file_info_fail(fi, code, "`p11tool --list-tokens` and `p11tool --list-all URL` show "
                         "what the token holds", "%s", why.text);
    free(clean);
    gnutls_memset(pin, 0, sizeof pin);
    return CASS_OK;
  }
  for (unsigned i = 0; i < n && !fi->full; i++) {
    gnutls_pkcs11_obj_type_t type = gnutls_pkcs11_obj_get_type(objs[i]);
    if (type == GNUTLS_PKCS11_OBJ_X509_CRT) {
      gnutls_datum_t der = { NULL, 0 };
      gnutls_x509_crt_t crt;
      if (gnutls_pkcs11_obj_export2(objs[i], &der) >= 0 && gnutls_x509_crt_init(&crt) >= 0) {
        if (gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER) >= 0) {
          struct cassl_cert_info *c = cassl_file_info_add_cert(fi);
          if (c && gtls_cert_describe(crt, c) < 0)
            cassl_file_info_drop_last_cert(fi);
        }
        gnutls_x509_crt_deinit(crt);
      }
      gnutls_free(der.data);
    } else if (type == GNUTLS_PKCS11_OBJ_PRIVKEY) {
      describe_key(fi, objs[i], pin);
    } else {
      const char *label = type == GNUTLS_PKCS11_OBJ_PUBKEY ? "PKCS#11 public key"
                          : type == GNUTLS_PKCS11_OBJ_SECRET_KEY ? "PKCS#11 secret key"
                                                                 : "PKCS#11 data object";
      cassl_file_info_skip(fi, label);
    }
  }
  for (unsigned i = 0; i < n; i++)
    gnutls_pkcs11_obj_deinit(objs[i]);
  gnutls_free(objs);
  if (n == 0) {
    cassl_errmsg why;
    CassError code = fail_lookup(clean, "object", GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE, NULL,
                                 CASS_ERROR_SSL_INVALID_CERT, &why);
    cassl_file_info_fail(fi, code, pin[0] ? "" : "private keys are listed only with a PIN: "
                         "add ?pin-value=... or ?pin-source=FILE to the URL", "%s", why.text);
  }
  free(clean);
  gnutls_memset(pin, 0, sizeof pin);
  return CASS_OK;
}
