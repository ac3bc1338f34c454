/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl probe: credentials through the cass_ssl_* API, a connection through the libuv
 * transport, the CQL v4 handshake; the report is printed by probe_report.c. */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "cassl/cassl.h"
#include "cassl/uv.h"
#include "probe.h"
#include "report.h"
#include "tool.h"

struct probe {
  const struct probe_opts *o;
  struct probe_result *res;
  uv_loop_t loop;
  uv_timer_t timer;
  cassl_uv_conn *conn;
  uint8_t *buf;
  size_t len, cap;
  bool startup_sent;
  bool cql;        /* run the OPTIONS/STARTUP exchange */
  uint64_t started;
  bool settling;   /* --no-cql: waiting briefly for a TLS 1.3 post-handshake refusal */
  bool finished;
};

/* In TLS 1.3 a server refuses a client certificate, and sends its session tickets, after the
 * client finished the handshake, so with --no-cql the probe listens at least this long before
 * calling it good. */
#define SETTLE_MS 300

static int stage_exit(enum probe_stage stage)
{
  switch (stage) {
  case STAGE_LOCAL: return EXIT_LOCAL;
  case STAGE_CONNECT: return EXIT_CONNECT;
  case STAGE_HANDSHAKE: return EXIT_HANDSHAKE;
  case STAGE_VERIFY: return EXIT_VERIFY;
  case STAGE_CQL: return EXIT_CQL;
  case STAGE_DONE: return EXIT_OK;
  }
  return EXIT_CQL;
}

/* ---- local credentials ---------------------------------------------------------------- */

static int local_fail(struct probe_result *res, CassError code, const char *message,
                      const char *hint_fmt, ...) __attribute__((format(printf, 4, 5)));

/* A local failure: the library's sentence, and the hint (the cause is known here). */
static int local_fail(struct probe_result *res, CassError code, const char *message,
                      const char *hint_fmt, ...)
{
  res->stage = STAGE_LOCAL;
  res->status = code;
  snprintf(res->message, sizeof res->message, "%s", message);
  va_list ap;
  va_start(ap, hint_fmt);
  vsnprintf(res->hint, sizeof res->hint, hint_fmt, ap);
  va_end(ap);
  return -1;
}

/* The token's PIN from --key-password (the callback of cassl_ssl_set_pin_callback). */
static int option_pin(void *userdata, const char *token_label, const char *token_url,
                      unsigned attempt, char *pin, size_t pin_max)
{
  const char *given = userdata;
  (void)token_label;
  (void)token_url;
  if (!given || attempt > 0 || strlen(given) >= pin_max)
    return -1;
  memcpy(pin, given, strlen(given) + 1);
  return 0;
}

static int load_file(struct probe_result *res, const char *path, CassError code,
                     const char *what, unsigned char **data, size_t *len)
{
  if (read_file(path, data, len) == 0)
    return 0;
  char msg[600];
  snprintf(msg, sizeof msg, "cannot read %s %s: %s", what, path, strerror(errno));
  return local_fail(res, code, msg, "check the path and permissions of %s", path);
}

static int load_credentials(CassSsl *ssl, const struct probe_opts *o, struct probe_result *res)
{
  unsigned char *data;
  size_t len;
  CassError rc;
  for (size_t i = 0; i < o->ca_count; i++) {
    if (strncmp(o->ca[i], "pkcs11:", 7) == 0) { /* the CAs a token holds */
      rc = cassl_ssl_set_trusted_file(ssl, o->ca[i]);
      if (rc != CASS_OK)
        return local_fail(res, rc, cassl_ssl_last_error(ssl),
                          "--ca %s must name certificates on a PKCS#11 token (cassl inspect "
                          "lists them)", o->ca[i]);
      continue;
    }
    if (load_file(res, o->ca[i], CASS_ERROR_SSL_INVALID_CERT, "CA file", &data, &len) != 0)
      return -1;
    rc = cass_ssl_add_trusted_cert_n(ssl, (const char *)data, len);
    free(data);
    if (rc != CASS_OK)
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "--ca %s must hold PEM certificates (-----BEGIN CERTIFICATE-----); "
                        "convert DER with: certtool -i --inder --infile FILE", o->ca[i]);
  }
  if (o->system_ca) {
    unsigned added = 0;
    rc = cassl_ssl_add_system_trust(ssl, &added);
    if (rc != CASS_OK)
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "no usable system CA store: install the ca-certificates package or "
                        "give the CA with --ca%s", "");
    res->system_cas = added;
  }
  for (size_t i = 0; i < o->crl_count; i++) {
    if (load_file(res, o->crl[i], CASS_ERROR_SSL_INVALID_CERT, "CRL file", &data, &len) != 0)
      return -1;
    rc = cassl_ssl_add_crl_n(ssl, (const char *)data, len);
    free(data);
    if (rc != CASS_OK)
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "--crl %s must hold PEM CRLs (-----BEGIN X509 CRL-----) issued by a CA "
                        "given with --ca", o->crl[i]);
  }
  for (size_t i = 0; i < o->pin_count; i++) {
    rc = cassl_ssl_add_pinned_public_key(ssl, o->pin[i]);
    if (rc != CASS_OK) {
      res->usage = true;
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "a pin is sha256// and the base64 of 32 bytes, as `cassl inspect` "
                        "prints it (--pin %s)", o->pin[i]);
    }
  }
  cass_ssl_set_verify_flags(ssl, o->verify_flags);
  if (o->pkcs12) {
    if (load_file(res, o->pkcs12, CASS_ERROR_SSL_INVALID_CERT, "PKCS#12 file", &data, &len) != 0)
      return -1;
    const char *pw = o->key_password;
    rc = cassl_ssl_set_pkcs12_n(ssl, data, len, pw, pw ? strlen(pw) : 0);
    explicit_bzero(data, len);
    free(data);
    if (rc != CASS_OK) {
      const char *sentence = cassl_ssl_last_error(ssl);
      if (rc == CASS_ERROR_SSL_INVALID_PRIVATE_KEY && !pw)
        return local_fail(res, rc, sentence,
                          "the PKCS#12 file is protected: pass --key-password (or "
                          "--key-password-file, or set CASSL_KEY_PASSWORD)%s", "");
      if (rc == CASS_ERROR_SSL_INVALID_PRIVATE_KEY && strstr(sentence, "password"))
        return local_fail(res, rc, sentence,
                          "the password given by %s does not open the PKCS#12 file: check it",
                          o->key_password_source);
      return local_fail(res, rc, sentence,
                        "--pkcs12 %s must be a PKCS#12 file with the client key and certificate "
                        "(cassl inspect shows what it holds)", o->pkcs12);
    }
  }
  bool on_token = (o->cert && strncmp(o->cert, "pkcs11:", 7) == 0) ||
                  (o->key && strncmp(o->key, "pkcs11:", 7) == 0);
  if (on_token) {
    /* A key (or certificate) on a PKCS#11 token: bound by URL, the PIN from the URL
     * (pin-value, pin-source) or --key-password. */
    cassl_ssl_set_pin_callback(ssl, option_pin, (void *)o->key_password);
    rc = cassl_ssl_set_cert_key_files(ssl, o->cert, o->key, NULL);
    if (rc != CASS_OK)
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "check the token and its objects with `cassl inspect 'pkcs11:token=...'` "
                        "or `p11tool --list-all`; a PIN goes in the URL (?pin-value=, "
                        "?pin-source=FILE) or in --key-password%s", "");
  }
  if (o->cert && !on_token) {
    if (load_file(res, o->cert, CASS_ERROR_SSL_INVALID_CERT, "certificate", &data, &len) != 0)
      return -1;
    rc = cass_ssl_set_cert_n(ssl, (const char *)data, len);
    free(data);
    if (rc != CASS_OK)
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "--cert %s must hold the client certificate in PEM", o->cert);
  }
  if (o->key && !on_token) {
    if (load_file(res, o->key, CASS_ERROR_SSL_INVALID_PRIVATE_KEY, "key", &data, &len) != 0)
      return -1;
    bool encrypted = memmem(data, len, "ENCRYPTED", 9) != NULL;
    const char *pw = o->key_password;
    rc = cass_ssl_set_private_key_n(ssl, (const char *)data, len, pw, pw ? strlen(pw) : 0);
    explicit_bzero(data, len);
    free(data);
    if (rc != CASS_OK) {
      const char *sentence = cassl_ssl_last_error(ssl);
      if (encrypted && !pw)
        return local_fail(res, rc, sentence,
                          "the key is encrypted: pass --key-password (or --key-password-file, "
                          "or set CASSL_KEY_PASSWORD)%s", "");
      if (encrypted && strstr(sentence, "password"))
        return local_fail(res, rc, sentence,
                          "the key password given by %s does not decrypt the key: check it",
                          o->key_password_source);
      if (strstr(sentence, "match") || strstr(sentence, "pair"))
        return local_fail(res, rc, sentence,
                          "the key does not belong to the certificate: give the key of %s "
                          "(cassl inspect shows which key matches which certificate)", o->cert);
      return local_fail(res, rc, sentence,
                        "--key %s must hold a PEM private key (cassl inspect shows what it holds)",
                        o->key);
    }
  }
  if (o->no_resume && (rc = cassl_ssl_set_session_resumption(ssl, cass_false)) != CASS_OK)
    return local_fail(res, rc, cassl_ssl_last_error(ssl),
                      "this TLS backend cannot turn resumption off%s", "");
  if (o->min_tls >= 0) {
    rc = cassl_ssl_set_min_protocol_version(ssl, o->min_tls);
    if (rc != CASS_OK)
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "this TLS backend does not offer that minimum version%s", "");
  }
  if (o->priority) {
    rc = cassl_ssl_set_priority(ssl, o->priority);
    if (rc != CASS_OK) {
      res->usage = true;
      return local_fail(res, rc, cassl_ssl_last_error(ssl),
                        "fix the --priority string (GnuTLS syntax, e.g. %s)",
                        "NORMAL:-VERS-ALL:+VERS-TLS1.3");
    }
  }
  return 0;
}

/* ---- connection and CQL --------------------------------------------------------------- */

static void on_closed(cassl_uv_conn *conn, CassError status, const char *message, void *data)
{
}

static void on_timer_closed(uv_handle_t *h)
{
}

static void finish(struct probe *p)
{
  if (p->finished)
    return;
  p->finished = true;
  uv_timer_stop(&p->timer);
  uv_close((uv_handle_t *)&p->timer, on_timer_closed);
  if (p->conn)
    cassl_uv_close(p->conn, on_closed);
}

static void fail(struct probe *p, enum probe_stage stage, CassError status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(struct probe *p, enum probe_stage stage, CassError status, const char *fmt, ...)
{
  if (p->finished)
    return;
  p->res->stage = stage;
  p->res->status = status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->res->message, sizeof p->res->message, fmt, ap);
  va_end(ap);
  finish(p);
}

static void copy_str(char *dst, size_t cap, const char *src)
{
  snprintf(dst, cap, "%s", src ? src : "");
}

static void format_address(const struct sockaddr *sa, char *out, size_t cap, char *ip,
                           size_t ip_cap)
{
  char host[INET6_ADDRSTRLEN] = "?";
  if (!sa) {
    copy_str(out, cap, "");
  } else if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    snprintf(out, cap, "%s:%u", host, ntohs(v4->sin_port));
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    snprintf(out, cap, "[%s]:%u", host, ntohs(v6->sin6_port));
  }
  copy_str(ip, ip_cap, host);
}

/* What the session knows, taken while the connection is alive. */
static void collect_session(struct probe *p)
{
  struct probe_result *res = p->res;
  const struct sockaddr *addr = cassl_uv_conn_peer_address(p->conn);
  if (addr) {
    res->tcp_connected = true;
    format_address(addr, res->address, sizeof res->address, res->ip, sizeof res->ip);
  }
  copy_str(res->hostname_used, sizeof res->hostname_used, cassl_uv_conn_hostname(p->conn));
  cassl_session *s = cassl_uv_conn_session(p->conn);
  if (!s)
    return;
  cassl_session_info info;
  memset(&info, 0, sizeof info);
  if (cassl_session_get_info(s, &info) == CASS_OK) {
    res->have_info = true;
    res->info = info;
    copy_str(res->protocol, sizeof res->protocol, info.protocol);
    copy_str(res->cipher, sizeof res->cipher, info.cipher);
    copy_str(res->mac, sizeof res->mac, info.mac);
    copy_str(res->kx, sizeof res->kx, info.kx);
    copy_str(res->suite, sizeof res->suite, info.suite);
  }
  for (size_t i = res->chain_count; i < PROBE_MAX_CHAIN; i++) {
    const unsigned char *der;
    size_t len;
    if (cassl_session_peer_cert(s, i, &der, &len) != CASS_OK)
      break;
    if (cert_info_from_der(der, len, &res->chain[i]) != 0)
      break;
    res->chain_count = i + 1;
  }
}

/* A failure after our side finished the handshake but before any answer: in TLS 1.3 that is
 * how a server refuses the session (an alert, or a reset that lost the alert when it had
 * asked for a certificate we did not have). */
static enum probe_stage failure_stage(const struct probe *p, CassError status)
{
  const struct probe_result *res = p->res;
  if (res->received_any)
    return STAGE_CQL;
  if ((status >> 24) == CASS_ERROR_SOURCE_SSL)
    return STAGE_HANDSHAKE;
  if (res->have_info && res->info.client_cert_requested && !res->info.client_cert_sent)
    return STAGE_HANDSHAKE;
  return STAGE_CQL;
}

static void on_written(cassl_uv_conn *conn, CassError status, void *data)
{
  struct probe *p = data;
  if (status != CASS_OK && !p->finished)
    fail(p, failure_stage(p, status), status, "%s", cassl_uv_conn_error_message(conn));
}

static void send_frame(struct probe *p, const uint8_t *frame, size_t len)
{
  CassError rc = cassl_uv_write(p->conn, frame, len, on_written, p);
  if (rc != CASS_OK)
    fail(p, failure_stage(p, rc), rc, "cannot send the CQL request: %s",
         cassl_uv_conn_error_message(p->conn));
}

static void on_timeout(uv_timer_t *t)
{
  struct probe *p = t->data;
  if (p->settling) {
    p->res->stage = STAGE_DONE;
    p->res->status = CASS_OK;
    finish(p);
    return;
  }
  fail(p, STAGE_CQL, CASS_ERROR_LIB_REQUEST_TIMED_OUT,
       "no CQL answer within %u ms after the TLS handshake", p->o->timeout_ms);
}

/* One complete frame from the server. */
static void on_frame(struct probe *p, const struct cql_header *h, const uint8_t *body)
{
  struct probe_result *res = p->res;
  if (!(h->version & 0x80)) {
    fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE,
         "the server sent a CQL request back, not a response (an echo service?)");
    return;
  }
  if (h->version != CQL_VERSION_RESPONSE && h->opcode != CQL_OP_ERROR) {
    fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE,
         "the server answered with CQL protocol version %u, not 4", h->version & 0x7f);
    return;
  }
  switch (h->opcode) {
  case CQL_OP_SUPPORTED: {
    if (p->startup_sent || res->have_supported) {
      fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, "a second SUPPORTED frame");
      return;
    }
    if (cql_parse_multimap(body, h->length, &res->supported) != CQL_OK) {
      fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, "the SUPPORTED frame is malformed");
      return;
    }
    res->have_supported = true;
    const char *version = cql_multimap_get(&res->supported, "CQL_VERSION");
    copy_str(res->cql_version, sizeof res->cql_version, version ? version : "3.0.0");
    uint8_t frame[128];
    size_t n = cql_encode_startup(frame, sizeof frame, 1, res->cql_version);
    p->startup_sent = true;
    send_frame(p, frame, n);
    return;
  }
  case CQL_OP_READY:
    if (!p->startup_sent)
      break;
    copy_str(res->cql_answer, sizeof res->cql_answer, "READY");
    res->stage = STAGE_DONE;
    res->status = CASS_OK;
    finish(p);
    return;
  case 0x03: { /* AUTHENTICATE: a real node with authentication on; TLS and CQL work */
    if (!p->startup_sent)
      break;
    char *authenticator = NULL;
    if (h->length >= 2) {
      size_t n = ((size_t)body[0] << 8) | body[1];
      if (n + 2 <= h->length)
        authenticator = strndup((const char *)body + 2, n);
    }
    snprintf(res->cql_answer, sizeof res->cql_answer, "AUTHENTICATE %s (credentials needed)",
             authenticator ? authenticator : "?");
    free(authenticator);
    res->stage = STAGE_DONE;
    res->status = CASS_OK;
    finish(p);
    return;
  }
  case CQL_OP_ERROR: {
    int32_t code = 0;
    char *message = NULL;
    if (cql_parse_error(body, h->length, &code, &message) != CQL_OK) {
      fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, "a malformed CQL ERROR frame");
      return;
    }
    snprintf(res->cql_answer, sizeof res->cql_answer, "ERROR 0x%04x: %s", (unsigned)code,
             message);
    fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, "the node answered %s to %s",
         res->cql_answer, p->startup_sent ? "STARTUP" : "OPTIONS");
    free(message);
    return;
  }
  }
  fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, "unexpected CQL %s frame in answer to %s",
       cql_opcode_name(h->opcode), p->startup_sent ? "STARTUP" : "OPTIONS");
}

static void on_read(cassl_uv_conn *conn, CassError status, const void *data, size_t len,
                    void *arg)
{
  struct probe *p = arg;
  if (p->finished)
    return;
  if (status != CASS_OK) {
    fail(p, failure_stage(p, status), status, "%s", cassl_uv_conn_error_message(conn));
    return;
  }
  if (p->settling) {
    if (len == 0)
      fail(p, STAGE_HANDSHAKE, CASS_ERROR_SSL_CLOSED,
           "the server closed the connection right after the handshake");
    return; /* data without a request: not ours to judge */
  }
  if (len == 0) {
    fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE,
         "the server closed the connection without a complete CQL answer");
    return;
  }
  p->res->received_any = true;
  if (p->len + len > p->cap) {
    size_t cap = p->cap ? p->cap : 4096;
    while (cap < p->len + len)
      cap *= 2;
    uint8_t *bigger = realloc(p->buf, cap);
    if (!bigger) {
      fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE, "out of memory");
      return;
    }
    p->buf = bigger;
    p->cap = cap;
  }
  memcpy(p->buf + p->len, data, len);
  p->len += len;
  while (!p->finished) {
    struct cql_header h;
    int r = cql_parse_header(p->buf, p->len, &h);
    if (r == CQL_NEED_MORE)
      return;
    if (r == CQL_INVALID) {
      fail(p, STAGE_CQL, CASS_ERROR_LIB_UNEXPECTED_RESPONSE,
           "the answer is not a CQL frame (first bytes %02x %02x %02x %02x)", p->buf[0],
           p->len > 1 ? p->buf[1] : 0, p->len > 2 ? p->buf[2] : 0, p->len > 3 ? p->buf[3] : 0);
      return;
    }
    if (p->len < CQL_HEADER_LEN + (size_t)h.length)
      return;
    on_frame(p, &h, p->buf + CQL_HEADER_LEN);
    size_t used = CQL_HEADER_LEN + (size_t)h.length;
    memmove(p->buf, p->buf + used, p->len - used);
    p->len -= used;
  }
}

static void on_connect(cassl_uv_conn *conn, CassError status, const char *message, void *arg)
{
  struct probe *p = arg;
  collect_session(p);
  if (status != CASS_OK) {
    enum probe_stage stage;
    switch (status) {
    case CASS_ERROR_LIB_HOST_RESOLUTION:
    case CASS_ERROR_LIB_UNABLE_TO_CONNECT:
      stage = STAGE_CONNECT;
      break;
    case CASS_ERROR_SSL_NO_PEER_CERT:
    case CASS_ERROR_SSL_INVALID_PEER_CERT:
    case CASS_ERROR_SSL_IDENTITY_MISMATCH:
      stage = STAGE_VERIFY;
      break;
    default:
      stage = p->res->tcp_connected ? STAGE_HANDSHAKE : STAGE_CONNECT;
    }
    if (status == CASS_ERROR_LIB_BAD_PARAMS) {
      p->res->usage = true;
      snprintf(p->res->hint, sizeof p->res->hint,
               "the library refused a setting: check --sni, --hostname and --priority");
    }
    fail(p, stage, status, "%s", message);
    return;
  }
  p->res->verified = true;
  p->res->elapsed_ns = uv_hrtime() - p->started;
  if (!p->cql) {
    /* TLS 1.3 sends both a refusal of our certificate and the session tickets (for
     * --repeat and later connections) after our side finished the handshake. */
    if (p->res->have_info && !strcmp(p->res->protocol, "TLS1.3")) {
      p->settling = true;
      p->res->stage = STAGE_HANDSHAKE;
      /* At least twice the time the handshake took, so a slow host still hears the alert. */
      uint64_t ms = 2 * p->res->elapsed_ns / 1000000;
      if (ms < SETTLE_MS)
        ms = SETTLE_MS;
      if (ms > p->o->timeout_ms)
        ms = p->o->timeout_ms;
      uv_update_time(&p->loop);
      uv_timer_start(&p->timer, on_timeout, ms, 0);
      return;
    }
    p->res->stage = STAGE_DONE;
    p->res->status = CASS_OK;
    finish(p);
    return;
  }
  p->res->stage = STAGE_CQL;
  uv_timer_start(&p->timer, on_timeout, p->o->timeout_ms, 0);
  uint8_t frame[CQL_HEADER_LEN];
  send_frame(p, frame, cql_encode_options(frame, sizeof frame, 0));
}

/* One connection: connect, handshake, verify, and the CQL exchange when cql is set. */
static void run_connection(CassSsl *ssl, const struct probe_opts *o, struct probe_result *res,
                           bool cql)
{
  struct probe p = { .o = o, .res = res, .cql = cql };
  res->stage = STAGE_CONNECT;
  uv_loop_init(&p.loop);
  uv_timer_init(&p.loop, &p.timer);
  p.timer.data = &p;
  cassl_uv_options opts;
  cassl_uv_options_init(&opts);
  opts.host = o->host;
  opts.port = (unsigned short)o->port;
  opts.hostname = o->hostname;
  opts.reverse_dns = o->resolve_hostname;
  opts.sni = o->sni;
  opts.connect_timeout_ms = o->timeout_ms;
  opts.handshake_timeout_ms = o->timeout_ms;
  opts.on_read = on_read;
  p.started = uv_hrtime();
  CassError rc = cassl_uv_connect(&p.loop, ssl, &opts, on_connect, &p, &p.conn);
  if (rc != CASS_OK) {
    res->status = rc;
    res->usage = rc == CASS_ERROR_LIB_BAD_PARAMS;
    snprintf(res->message, sizeof res->message, "the connection could not start (%s)",
             cassl_error_desc(rc));
    uv_close((uv_handle_t *)&p.timer, NULL);
  }
  uv_run(&p.loop, UV_RUN_DEFAULT);
  uv_loop_close(&p.loop);
  free(p.buf);
}

static void result_free(struct probe_result *res)
{
  for (size_t i = 0; i < res->chain_count; i++)
    cert_info_free(&res->chain[i]);
  if (res->have_supported)
    cql_multimap_free(&res->supported);
  free(res);
}


/* --repeat: more connections with the same CassSsl (its session cache), each with the CQL
 * exchange unless --no-cql. Stops at the first failure, whose stage, status and sentence
 * become the result's. */
static size_t reconnect(CassSsl *ssl, const struct probe_opts *o, struct probe_result *res,
                        struct reconnect *items)
{
  size_t done = 0;
  for (unsigned i = 0; i < o->repeat; i++) {
    struct probe_result *again = calloc(1, sizeof *again);
    if (!again)
      break;
    run_connection(ssl, o, again, !o->no_cql);
    if (again->stage != STAGE_DONE) {
      res->stage = again->stage;
      res->status = again->status;
      res->usage = again->usage;
      snprintf(res->message, sizeof res->message, "reconnection %u of %u: %.400s", i + 1,
               o->repeat, again->message);
      result_free(again);
      break;
    }
    items[done].ns = again->elapsed_ns;
    items[done].resumed = again->have_info && again->info.resumed;
    done++;
    result_free(again);
  }
  return done;
}

int probe_run(const struct probe_opts *o, CassError *status)
{
  struct probe_result *res = calloc(1, sizeof *res);
  struct reconnect *items = calloc(o->repeat ? o->repeat : 1, sizeof *items);
  size_t reconnected = 0;
  if (!res || !items) {
    free(res);
    free(items);
    return EXIT_LOCAL;
  }
  CassSsl *ssl = cass_ssl_new();
  if (!ssl) {
    res->stage = STAGE_LOCAL;
    res->status = CASS_ERROR_LIB_UNABLE_TO_INIT;
    copy_str(res->message, sizeof res->message, "the TLS library did not initialise");
  } else if (load_credentials(ssl, o, res) == 0) {
    run_connection(ssl, o, res, !o->no_cql);
    if (res->stage == STAGE_DONE && o->repeat)
      reconnected = reconnect(ssl, o, res, items);
  }
  if (ssl)
    cass_ssl_free(ssl);

  int exit_code = res->usage ? EXIT_USAGE : stage_exit(res->stage);
  char hint[1024] = "";
  if (exit_code != EXIT_OK)
    probe_hint(o, res, hint, sizeof hint);
  struct report r;
  report_init(&r, stdout, o->json, o->quiet);
  probe_report(&r, o, res, exit_code, hint);
  if (o->repeat && res->verified)
    probe_report_reconnects(&r, o, res, items, reconnected);
  report_finish(&r);
  if (exit_code != EXIT_OK)
    tool_error(res->status, res->message, hint);
  if (status)
    *status = res->status;
  result_free(res);
  free(items);
  return exit_code;
}

int cmd_probe(int argc, char **argv)
{
  struct probe_opts o;
  probe_opts_init(&o);
  int ret = probe_parse(argc, argv, &o);
  if (ret == 0)
    ret = probe_run(&o, NULL);
  else if (ret < 0)
    ret = EXIT_OK; /* --help */
  probe_opts_clear(&o);
  return ret;
}
