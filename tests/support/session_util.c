/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Helpers shared by the session test groups (see session_util.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "session_util.h"

#define CHECK_GNUTLS(expr)                                                                   \
  do {                                                                                       \
    int ret_ = (expr);                                                                       \
    if (ret_ < 0)                                                                            \
      fail_msg("%s: %s", #expr, gnutls_strerror(ret_));                                      \
  } while (0)

/* ---- PKI --------------------------------------------------------------------------- */

static char *datum_to_string(const gnutls_datum_t *d)
{
  char *s = malloc(d->size + 1);
  assert_non_null(s);
  memcpy(s, d->data, d->size);
  s[d->size] = '\0';
  return s;
}

static void export_pem(struct tpki *p)
{
  gnutls_datum_t d;
  CHECK_GNUTLS(gnutls_x509_crt_export2(p->crt, GNUTLS_X509_FMT_PEM, &d));
  p->cert_pem = datum_to_string(&d);
  gnutls_free(d.data);
  CHECK_GNUTLS(gnutls_x509_privkey_export2(p->key, GNUTLS_X509_FMT_PEM, &d));
  p->key_pem = datum_to_string(&d);
  gnutls_free(d.data);
}

static void new_key(struct tpki *p)
{
  CHECK_GNUTLS(gnutls_x509_privkey_init(&p->key));
  CHECK_GNUTLS(gnutls_x509_privkey_generate(
      p->key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
  CHECK_GNUTLS(gnutls_x509_crt_init(&p->crt));
  CHECK_GNUTLS(gnutls_x509_crt_set_version(p->crt, 3));
  CHECK_GNUTLS(gnutls_x509_crt_set_key(p->crt, p->key));
  static unsigned serial_counter;
  unsigned char serial[8] = { 0x01 };
  unsigned n = __atomic_add_fetch(&serial_counter, 1, __ATOMIC_RELAXED);
  memcpy(serial + 1, &n, sizeof n);
  serial[5] = (unsigned char)(rand() & 0x7f);
  CHECK_GNUTLS(gnutls_x509_crt_set_serial(p->crt, serial, sizeof serial));
}

static void set_key_id(gnutls_x509_crt_t crt)
{
  unsigned char id[64];
  size_t size = sizeof id;
  CHECK_GNUTLS(gnutls_x509_crt_get_key_id(crt, 0, id, &size));
  CHECK_GNUTLS(gnutls_x509_crt_set_subject_key_id(crt, id, size));
}

void tpki_ca(struct tpki *ca, const char *cn)
{
  memset(ca, 0, sizeof *ca);
  new_key(ca);
  time_t now = time(NULL);
  CHECK_GNUTLS(gnutls_x509_crt_set_activation_time(ca->crt, now - 3600));
  CHECK_GNUTLS(gnutls_x509_crt_set_expiration_time(ca->crt, now + 86400 * 30));
  CHECK_GNUTLS(gnutls_x509_crt_set_dn_by_oid(ca->crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                             strlen(cn)));
  CHECK_GNUTLS(gnutls_x509_crt_set_basic_constraints(ca->crt, 1, -1));
  CHECK_GNUTLS(gnutls_x509_crt_set_key_usage(ca->crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                                          GNUTLS_KEY_CRL_SIGN));
  set_key_id(ca->crt);
  CHECK_GNUTLS(gnutls_x509_crt_sign2(ca->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
  export_pem(ca);
}

/* Appends a DER tag + length + value. */
static size_t der_put(unsigned char *out, unsigned char tag, const void *value, size_t len)
{
  size_t n = 0;
  out[n++] = tag;
  if (len < 128) {
    out[n++] = (unsigned char)len;
  } else {
    out[n++] = 0x82;
    out[n++] = (unsigned char)(len >> 8);
    out[n++] = (unsigned char)len;
  }
  memmove(out + n, value, len);
  return n + len;
}

/* The subjectAltName extension written by hand: GnuTLS's setter cuts a dNSName at a NUL,
 * and the tests need such names exactly as a hostile CA would write them. */
static void set_alt_names(gnutls_x509_crt_t crt, const struct tpki_opts *o)
{
  unsigned char body[2048], ext[2100];
  size_t n = 0;
  for (int i = 0; i < 4 && o->dns[i]; i++)
    n += der_put(body + n, 0x82, o->dns[i], o->dns_len[i] ? o->dns_len[i] : strlen(o->dns[i]));
  for (int i = 0; i < 4 && o->ip[i]; i++) {
    unsigned char raw[16];
    size_t len = 4;
    if (inet_pton(AF_INET, o->ip[i], raw) != 1) {
      assert_int_equal(inet_pton(AF_INET6, o->ip[i], raw), 1);
      len = 16;
    }
    n += der_put(body + n, 0x87, raw, len);
  }
  if (!n)
    return;
  size_t ext_len = der_put(ext, 0x30, body, n);
  CHECK_GNUTLS(gnutls_x509_crt_set_extension_by_oid(crt, GNUTLS_X509EXT_OID_SAN, ext,
                                                    ext_len, 0));
}

void tpki_leaf(struct tpki *leaf, const struct tpki *ca, const struct tpki_opts *o)
{
  memset(leaf, 0, sizeof *leaf);
  new_key(leaf);
  time_t now = time(NULL);
  CHECK_GNUTLS(gnutls_x509_crt_set_activation_time(leaf->crt,
                                                   o->not_before ? o->not_before : now - 3600));
  CHECK_GNUTLS(gnutls_x509_crt_set_expiration_time(leaf->crt,
                                                   o->not_after ? o->not_after : now + 86400));
  if (o->cn)
    CHECK_GNUTLS(gnutls_x509_crt_set_dn_by_oid(leaf->crt, GNUTLS_OID_X520_COMMON_NAME, 0, o->cn,
                                               o->cn_len ? o->cn_len : strlen(o->cn)));
  else
    CHECK_GNUTLS(gnutls_x509_crt_set_dn_by_oid(leaf->crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                               "cassl tests", 11));
  set_alt_names(leaf->crt, o);
  CHECK_GNUTLS(gnutls_x509_crt_set_basic_constraints(leaf->crt, 0, -1));
  CHECK_GNUTLS(gnutls_x509_crt_set_key_usage(leaf->crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
  CHECK_GNUTLS(gnutls_x509_crt_set_key_purpose_oid(
      leaf->crt, o->client ? GNUTLS_KP_TLS_WWW_CLIENT : GNUTLS_KP_TLS_WWW_SERVER, 0));
  if (o->padding) {
    /* An OCTET STRING of zeros under a private-arc OID, only to make the certificate big. */
    unsigned char *pad = calloc(1, o->padding + 4);
    assert_non_null(pad);
    pad[0] = 0x04;
    pad[1] = 0x82;
    pad[2] = (unsigned char)(o->padding >> 8);
    pad[3] = (unsigned char)o->padding;
    CHECK_GNUTLS(gnutls_x509_crt_set_extension_by_oid(leaf->crt, "1.3.6.1.4.1.32473.1", pad,
                                                      o->padding + 4, 0));
    free(pad);
  }
  set_key_id(leaf->crt);
  unsigned char ca_id[64];
  size_t ca_id_size = sizeof ca_id;
  CHECK_GNUTLS(gnutls_x509_crt_get_subject_key_id(ca->crt, ca_id, &ca_id_size, NULL));
  CHECK_GNUTLS(gnutls_x509_crt_set_authority_key_id(leaf->crt, ca_id, ca_id_size));
  CHECK_GNUTLS(gnutls_x509_crt_sign2(leaf->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
  if (o->break_signature) {
    /* The signature BIT STRING ends the DER: flip its last bit and re-read it. */
    gnutls_datum_t der;
    CHECK_GNUTLS(gnutls_x509_crt_export2(leaf->crt, GNUTLS_X509_FMT_DER, &der));
    der.data[der.size - 1] ^= 0x01;
    gnutls_x509_crt_deinit(leaf->crt);
    CHECK_GNUTLS(gnutls_x509_crt_init(&leaf->crt));
    CHECK_GNUTLS(gnutls_x509_crt_import(leaf->crt, &der, GNUTLS_X509_FMT_DER));
    gnutls_free(der.data);
  }
  export_pem(leaf);
}

void tpki_free(struct tpki *p)
{
  if (p->crt)
    gnutls_x509_crt_deinit(p->crt);
  if (p->key)
    gnutls_x509_privkey_deinit(p->key);
  free(p->cert_pem);
  free(p->key_pem);
  memset(p, 0, sizeof *p);
}

/* ---- in-process server ------------------------------------------------------------- */

static ssize_t server_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
  struct tserver *srv = ptr;
  size_t n = cassl_bytequeue_pop(&srv->in, buf, len);
  if (n == 0) {
    gnutls_transport_set_errno(srv->s, EAGAIN);
    return -1;
  }
  return (ssize_t)n;
}

static int server_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
  struct tserver *srv = ptr;
  return cassl_bytequeue_size(&srv->in) > 0;
}

static ssize_t server_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
  struct tserver *srv = ptr;
  assert_true(cassl_bytequeue_push(&srv->out, buf, len));
  return (ssize_t)len;
}

void tserver_init(struct tserver *srv, const struct tserver_opts *o)
{
  memset(srv, 0, sizeof *srv);
  CHECK_GNUTLS(gnutls_init(&srv->s, GNUTLS_SERVER | GNUTLS_NONBLOCK));
  const char *where = NULL;
  int ret = gnutls_priority_set_direct(srv->s, o->priority ? o->priority : "NORMAL", &where);
  if (ret < 0)
    fail_msg("server priority at %s: %s", where ? where : "?", gnutls_strerror(ret));
  CHECK_GNUTLS(gnutls_certificate_allocate_credentials(&srv->creds));
  if (o->cert) {
    size_t len = strlen(o->cert->cert_pem) + (o->chain_ca ? strlen(o->chain_ca->cert_pem) : 0);
    char *chain = malloc(len + 1);
    assert_non_null(chain);
    strcpy(chain, o->cert->cert_pem);
    if (o->chain_ca)
      strcat(chain, o->chain_ca->cert_pem);
    gnutls_datum_t c = { (unsigned char *)chain, (unsigned)len };
    gnutls_datum_t k = { (unsigned char *)o->cert->key_pem, (unsigned)strlen(o->cert->key_pem) };
    CHECK_GNUTLS(gnutls_certificate_set_x509_key_mem2(srv->creds, &c, &k, GNUTLS_X509_FMT_PEM,
                                                      NULL, 0));
    free(chain);
  }
  if (o->client_ca) {
    gnutls_datum_t t = { (unsigned char *)o->client_ca->cert_pem,
                         (unsigned)strlen(o->client_ca->cert_pem) };
    CHECK_GNUTLS(gnutls_certificate_set_x509_trust_mem(srv->creds, &t, GNUTLS_X509_FMT_PEM));
  }
  CHECK_GNUTLS(gnutls_credentials_set(srv->s, GNUTLS_CRD_CERTIFICATE, srv->creds));
  if (o->anon) {
    CHECK_GNUTLS(gnutls_anon_allocate_server_credentials(&srv->anon));
    CHECK_GNUTLS(gnutls_credentials_set(srv->s, GNUTLS_CRD_ANON, srv->anon));
  }
  if (o->verify_client)
    gnutls_session_set_verify_cert(srv->s, NULL, 0);
  if (!o->no_tickets) {
    CHECK_GNUTLS(gnutls_session_ticket_key_generate(&srv->ticket_key));
    CHECK_GNUTLS(gnutls_session_ticket_enable_server(srv->s, &srv->ticket_key));
  }
  gnutls_certificate_server_set_request(srv->s, o->client_cert);
  gnutls_transport_set_ptr(srv->s, srv);
  gnutls_transport_set_pull_function(srv->s, server_pull);
  gnutls_transport_set_pull_timeout_function(srv->s, server_pull_timeout);
  gnutls_transport_set_push_function(srv->s, server_push);
  gnutls_handshake_set_timeout(srv->s, GNUTLS_INDEFINITE_TIMEOUT);
}

void tserver_free(struct tserver *srv)
{
  if (srv->s)
    gnutls_deinit(srv->s);
  if (srv->creds)
    gnutls_certificate_free_credentials(srv->creds);
  if (srv->anon)
    gnutls_anon_free_server_credentials(srv->anon);
  if (srv->ticket_key.data) {
    gnutls_memset(srv->ticket_key.data, 0, srv->ticket_key.size);
    gnutls_free(srv->ticket_key.data);
  }
  cassl_bytequeue_free(&srv->in);
  cassl_bytequeue_free(&srv->out);
  memset(srv, 0, sizeof *srv);
}

int tserver_handshake(struct tserver *srv)
{
  if (srv->done)
    return 0;
  if (srv->error)
    return srv->error;
  int ret;
  do
    ret = gnutls_handshake(srv->s);
  while (ret < 0 && !gnutls_error_is_fatal(ret) && ret != GNUTLS_E_AGAIN);
  if (ret == 0)
    srv->done = true;
  else if (ret != GNUTLS_E_AGAIN) {
    /* As real servers do: tell the client why. */
    srv->error = ret;
    gnutls_alert_send_appropriate(srv->s, ret);
  }
  return ret;
}

int tserver_alert_received(struct tserver *srv)
{
  int ret = srv->done ? 0 : tserver_handshake(srv);
  if (ret == 0) {
    char buf[512];
    long n;
    while ((n = tserver_recv(srv, buf, sizeof buf)) > 0)
      ;
    ret = (int)n;
  }
  return ret == GNUTLS_E_FATAL_ALERT_RECEIVED ? (int)gnutls_alert_get(srv->s) : -1;
}

void tserver_send(struct tserver *srv, const void *data, size_t len)
{
  const unsigned char *p = data;
  while (len) {
    ssize_t ret = gnutls_record_send(srv->s, p, len);
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
      continue;
    if (ret < 0)
      fail_msg("server send: %s", gnutls_strerror((int)ret));
    p += ret;
    len -= (size_t)ret;
  }
}

long tserver_recv(struct tserver *srv, void *buf, size_t cap)
{
  unsigned char *out = buf;
  size_t got = 0;
  while (got < cap) {
    ssize_t ret = gnutls_record_recv(srv->s, out + got, cap - got);
    if (ret > 0) {
      got += (size_t)ret;
      continue;
    }
    if (ret == 0)
      return got ? (long)got : -1;
    if (ret == GNUTLS_E_AGAIN) {
      if (cassl_bytequeue_size(&srv->in) > 0)
        continue;
      break;
    }
    if (!gnutls_error_is_fatal((int)ret))
      continue;
    return got ? (long)got : (long)ret;
  }
  return (long)got;
}

/* ---- wiring ------------------------------------------------------------------------ */

size_t tpump_to_client(cassl_session *cs, struct tserver *srv, size_t chunk)
{
  size_t len;
  const unsigned char *data = cassl_bytequeue_peek(&srv->out, &len);
  if (!len)
    return 0;
  if (chunk && len > chunk)
    len = chunk;
  cassl_session_feed(cs, data, len);
  cassl_bytequeue_consume(&srv->out, len);
  return len;
}

size_t tpump(cassl_session *cs, struct tserver *srv, size_t chunk)
{
  size_t len;
  const void *data = cassl_session_output_peek(cs, &len);
  if (len) {
    assert_true(cassl_bytequeue_push(&srv->in, data, len));
    cassl_session_output_consume(cs, len);
  }
  return len + tpump_to_client(cs, srv, chunk);
}

CassError thandshake(cassl_session *cs, struct tserver *srv, size_t chunk)
{
  CassError rc = CASS_OK;
  for (long i = 0; i < 2000000; i++) {
    rc = cassl_session_handshake(cs);
    size_t moved = tpump(cs, srv, chunk);
    if (!srv->done && !srv->error) {
      tserver_handshake(srv);
      moved += tpump(cs, srv, chunk);
    }
    cassl_session_state st = cassl_session_get_state(cs);
    if (rc != CASS_OK || st == CASSL_SESSION_FAILED)
      return rc;
    if (st != CASSL_SESSION_HANDSHAKING && (srv->done || srv->error) &&
        cassl_bytequeue_size(&srv->out) == 0)
      return rc;
    if (!moved && (srv->done || srv->error))
      return rc;
  }
  fail_msg("handshake did not converge");
  return rc;
}

unsigned char tpattern(size_t i, unsigned seed)
{
  uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull + seed;
  x ^= x >> 29;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 32;
  return (unsigned char)x;
}

CassError tclient_drain(cassl_session *cs, void *buf, size_t cap, size_t *n)
{
  unsigned char *out = buf;
  *n = 0;
  for (;;) {
    size_t got = 0;
    CassError rc = cassl_session_read(cs, out + *n, cap - *n, &got);
    *n += got;
    if (rc != CASS_OK || got == 0 || *n == cap)
      return rc;
  }
}

#define PIECE (256 * 1024)

void ttransfer(cassl_session *cs, struct tserver *srv, size_t len, size_t chunk)
{
  unsigned char *buf = malloc(PIECE);
  assert_non_null(buf);
  /* Client to server. */
  for (size_t off = 0; off < len;) {
    size_t piece = len - off < PIECE ? len - off : PIECE;
    for (size_t i = 0; i < piece; i++)
      buf[i] = tpattern(off + i, 1);
    assert_int_equal(cassl_session_write(cs, buf, piece), CASS_OK);
    tpump(cs, srv, chunk);
    size_t got = 0;
    while (got < piece) {
      long r = tserver_recv(srv, buf + got, piece - got);
      if (r <= 0) {
        /* The client may have to answer something (e.g. a KeyUpdate) first. */
        size_t ignored;
        cassl_session_read(cs, buf, 0, &ignored);
        if (!tpump(cs, srv, chunk))
          fail_msg("server got %zu of %zu bytes at offset %zu (%ld)", got, piece, off, r);
        continue;
      }
      got += (size_t)r;
    }
    for (size_t i = 0; i < piece; i++)
      if (buf[i] != tpattern(off + i, 1))
        fail_msg("client->server byte %zu differs", off + i);
    off += piece;
  }
  /* Server to client. */
  for (size_t off = 0; off < len;) {
    size_t piece = len - off < PIECE ? len - off : PIECE;
    for (size_t i = 0; i < piece; i++)
      buf[i] = tpattern(off + i, 2);
    tserver_send(srv, buf, piece);
    size_t got = 0;
    while (got < piece) {
      size_t moved = tpump(cs, srv, chunk);
      size_t n = 0;
      CassError rc = tclient_drain(cs, buf + got, piece - got, &n);
      if (rc != CASS_OK)
        fail_msg("client read: %s (%s)", cassl_error_name(rc), cassl_session_error_message(cs));
      got += n;
      if (!moved && !n)
        fail_msg("client got %zu of %zu bytes at offset %zu", got, piece, off);
    }
    for (size_t i = 0; i < piece; i++)
      if (buf[i] != tpattern(off + i, 2))
        fail_msg("server->client byte %zu differs", off + i);
    off += piece;
  }
  free(buf);
}

CassSsl *tssl_new(const struct tpki *ca, int flags)
{
  CassSsl *ssl = cass_ssl_new();
  assert_non_null(ssl);
  if (ca)
    assert_int_equal(cass_ssl_add_trusted_cert(ssl, ca->cert_pem), CASS_OK);
  cass_ssl_set_verify_flags(ssl, flags);
  return ssl;
}

void tpeer_init(struct tpeer *p, const char *ip, const char *hostname, const char *sni)
{
  memset(p, 0, sizeof *p);
  if (ip) {
    struct sockaddr_in *v4 = (struct sockaddr_in *)&p->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&p->addr;
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(9042);
    } else {
      assert_int_equal(inet_pton(AF_INET6, ip, &v6->sin6_addr), 1);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(9042);
    }
    p->peer.address = (const struct sockaddr *)&p->addr;
  }
  p->peer.hostname = hostname;
  p->peer.sni = sni;
}

struct tconn tconn_run(CassSsl *ssl, const struct tpki *cert, const char *hostname, bool tls13,
                       const gnutls_datum_t *stek, void (*prepare)(struct tserver *, void *),
                       void *ctx)
{
  struct tconn c = { 0 };
  struct tpeer tp;
  tpeer_init(&tp, "127.0.0.1", hostname, "node.cassl.test");
  cassl_session *cs = NULL;
  assert_int_equal(cassl_session_new(ssl, &tp.peer, &cs), CASS_OK);
  struct tserver srv;
  tserver_init(&srv, &(struct tserver_opts){
                         .cert = cert,
                         .priority = tls13 ? "NORMAL:-VERS-ALL:+VERS-TLS1.3"
                                           : "NORMAL:-VERS-ALL:+VERS-TLS1.2" });
  assert_int_equal(gnutls_session_ticket_enable_server(srv.s, stek), 0);
  if (prepare)
    prepare(&srv, ctx);
  c.rc = thandshake(cs, &srv, 0);
  if (c.rc == CASS_OK)
    ttransfer(cs, &srv, 100, 0);
  cassl_session_info info;
  if (cassl_session_get_info(cs, &info) == CASS_OK)
    c.resumed = info.resumed;
  snprintf(c.msg, sizeof c.msg, "%s", cassl_session_error_message(cs));
  tserver_free(&srv);
  cassl_session_free(cs);
  return c;
}

void tconn_expect(const struct tconn *c, CassError rc, int resumed, const char *needle)
{
  if (c->rc != rc)
    fail_msg("expected %s, got %s: %s", cassl_error_name(rc), cassl_error_name(c->rc), c->msg);
  if (needle && !strstr(c->msg, needle))
    fail_msg("message \"%s\" lacks \"%s\"", c->msg, needle);
  if (c->resumed != resumed)
    fail_msg("expected %s, got %s", resumed ? "a resumed session" : "a full handshake",
             c->resumed ? "a resumed one" : "a full one");
}
