/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The session engine: the state machine, the byte queues and the verification policy around
 * one backend session (see include/cassl/session.h). */
#include "config.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "secure.h"
#include "session_object.h"
#include "ssl_object.h"

static CassError session_fail(cassl_session *s, CassError code, const cassl_errmsg *msg)
{
  s->state = CASSL_SESSION_FAILED;
  s->error = code;
  if (msg && msg->text[0])
    s->message = *msg;
  else
    cassl_fail(&s->message, code, "%s", cassl_error_desc(code));
  cassl_note_thread_error(code, &s->message);
  return code;
}

/* The error a call on a session that can no longer do it returns, without changing state. */
static CassError session_refuse(const cassl_session *s)
{
  if (s->state == CASSL_SESSION_FAILED || s->state == CASSL_SESSION_CLOSED)
    return s->error != CASS_OK ? s->error : CASS_ERROR_SSL_CLOSED;
  return CASS_ERROR_LIB_BAD_PARAMS;
}

/* A call made from inside cassl_session_write_to's sink, on the same session: the backend is
 * in the middle of a record, and GnuTLS would send it again and misreport lengths. Refused,
 * and nothing changes (the outer write goes on). */
static CassError refuse_in_sink(const char *call)
{
  cassl_errmsg msg;
  cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
             "%s was called from the output sink of cassl_session_write_to on the same "
             "session; a sink may only take the bytes", call);
  cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, &msg);
  return CASS_ERROR_LIB_BAD_PARAMS;
}

static size_t sockaddr_size(const struct sockaddr *sa)
{
  switch (sa->sa_family) {
  case AF_INET: return sizeof(struct sockaddr_in);
  case AF_INET6: return sizeof(struct sockaddr_in6);
  default: return 0;
  }
}

/* The SNI to send, per the policy: none; the explicit one (a DNS name, never an IP
 * literal); or by default the explicit one, else the host name when it is a DNS name. */
static CassError choose_sni(const cassl_peer *peer, cassl_sni_policy policy, char **sni,
                            cassl_errmsg *err)
{
  *sni = NULL;
  if (policy == CASSL_SNI_NONE)
    return CASS_OK;
  if (policy == CASSL_SNI_EXPLICIT && !peer->sni)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "CASSL_SNI_EXPLICIT needs a server name in peer->sni");
  if (peer->sni) {
    if (cassl_is_ip_literal(peer->sni))
      return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                        "SNI \"%s\" is an IP literal; only DNS names are sent as SNI", peer->sni);
    if (!cassl_hostname_is_valid(peer->sni))
      return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "SNI \"%s\" is not a valid DNS name",
                        peer->sni);
    *sni = strdup(peer->sni);
  } else if (peer->hostname && !cassl_is_ip_literal(peer->hostname) &&
             cassl_hostname_is_valid(peer->hostname)) {
    *sni = strdup(peer->hostname);
  } else {
    return CASS_OK;
  }
  if (!*sni)
    return cassl_fail(err, CASS_ERROR_LIB_INTERNAL_ERROR, "out of memory creating a TLS session");
  /* SNI carries no trailing dot (RFC 6066). */
  size_t n = strlen(*sni);
  if (n > 1 && (*sni)[n - 1] == '.')
    (*sni)[n - 1] = '\0';
  return CASS_OK;
}

/* Looks up the peer's resumption data and offers it to the new backend session. Under the
 * object's lock, so the cache generation matches the credentials the session was bound to. */
static void offer_resume_data(cassl_session *s, cassl_ssl *ssl)
{
  if (!(s->backend->caps & CASSL_CAP_RESUMPTION) || !s->has_address ||
      !cassl_session_cache_key(&s->cache_key, (const struct sockaddr *)&s->address, s->sni))
    return;
  s->cacheable = true;
  void *data;
  size_t len;
  cassl_session_cache_lookup(&ssl->sessions, &s->cache_key, &s->cache_ticket, &data, &len);
  if (!data)
    return;
  cassl_errmsg ignored;
  /* Unusable data only means a full handshake. */
  if (s->backend->session_set_resume_data(s->impl, data, len, &ignored) != CASS_OK)
    s->cache_ticket.born_ms = 0;
  else
    s->offered_resume = true;
  cassl_wipe(data, len);
  free(data);
}

/* Stores what the backend session gained for resumption (after the verified handshake in
 * TLS 1.2, after each ticket in TLS 1.3). Data from a resumed session keeps the age of the
 * full handshake it descends from. */
static void capture_resume_data(cassl_session *s)
{
  if (!s->cacheable)
    return;
  /* Every ticket a read brought (servers send up to two in a row), in arrival order. */
  for (;;) {
    void *data = NULL;
    size_t len = 0;
    bool single_use = false;
    cassl_errmsg ignored;
    if (s->backend->session_get_resume_data(s->impl, &data, &len, &single_use, &ignored) !=
            CASS_OK || !data)
      return;
    cassl_session_info info = { 0 };
    s->backend->session_info(s->impl, &info);
    uint64_t born = info.resumed ? s->cache_ticket.born_ms : 0;
    cassl_session_cache_store(&s->ssl->sessions, &s->cache_key, s->cache_ticket.generation,
                              born, single_use, data, len);
  }
}

/* A resumed session that fails verification carries the chain of an earlier handshake; the
 * server may have a new certificate (or key, for pins) since, which only a full handshake
 * brings: the next session makes one. */
static void forget_resume_data(cassl_session *s)
{
  if (!s->cacheable)
    return;
  cassl_session_info info = { 0 };
  s->backend->session_info(s->impl, &info);
  if (info.resumed)
    cassl_session_cache_forget(&s->ssl->sessions, &s->cache_key);
}

/* The verify bits this library knows how to check. */
#define KNOWN_VERIFY_FLAGS \
  (CASS_SSL_VERIFY_PEER_CERT | CASS_SSL_VERIFY_PEER_IDENTITY | CASS_SSL_VERIFY_PEER_IDENTITY_DNS)

/* A handshake that offered resumption data failed: the data may be why (a node that keeps
 * its ticket key but no longer speaks the version the ticket is for), and offering it again
 * would fail every reconnect the same way. The next session makes a full handshake. */
static void forget_offered_resume_data(cassl_session *s)
{
  if (s->offered_resume)
    cassl_session_cache_forget(&s->ssl->sessions, &s->cache_key);
}

/* The options' fields this library knows, and that a larger struct (a caller built against
 * a later header) adds nothing this library would ignore. The size is bounded before any
 * byte past the known struct is read: a garbage size must not walk the caller's memory. */
static CassError check_options(const cassl_session_options *o, cassl_errmsg *err)
{
  if (o->size < sizeof(cassl_session_options)) {
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "cassl_session_options.size %zu is too small (use "
                      "CASSL_SESSION_OPTIONS_INIT)", o->size);
  }
  if (o->size > CASSL_SESSION_OPTIONS_MAX_SIZE) {
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "cassl_session_options.size %zu is not a struct size (at most %d bytes; "
                      "use CASSL_SESSION_OPTIONS_INIT)", o->size, CASSL_SESSION_OPTIONS_MAX_SIZE);
  }
  const unsigned char *extra = (const unsigned char *)o + sizeof *o;
  for (size_t i = 0; i < o->size - sizeof *o; i++)
    if (extra[i])
      return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                        "cassl_session_options has fields this libcassl does not know");
  /* An unknown bit is a check this library cannot make: refused, never read as less. */
  if (o->verify_flags != CASSL_VERIFY_FLAGS_INHERIT && (o->verify_flags & ~KNOWN_VERIFY_FLAGS))
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS,
                      "unknown verify flags 0x%x in cassl_session_options.verify_flags (known: "
                      "CASS_SSL_VERIFY_PEER_CERT, _PEER_IDENTITY, _PEER_IDENTITY_DNS, or "
                      "CASSL_VERIFY_FLAGS_INHERIT)",
                      (unsigned)o->verify_flags & ~(unsigned)KNOWN_VERIFY_FLAGS);
  if (o->sni != CASSL_SNI_AUTO && o->sni != CASSL_SNI_NONE && o->sni != CASSL_SNI_EXPLICIT)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "unknown SNI policy %d", (int)o->sni);
  if (o->flags & ~(CASSL_SESSION_DEFER_VERIFY | CASSL_SESSION_HOLD_FINAL_FLIGHT))
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "unknown session option flags 0x%x",
                      o->flags & ~(CASSL_SESSION_DEFER_VERIFY | CASSL_SESSION_HOLD_FINAL_FLIGHT));
  return CASS_OK;
}

static CassError check_server(void *ctx);

CASSL_EXPORT CassError cassl_session_new(cassl_ssl *ssl, const cassl_peer *peer,
                                         cassl_session **out)
{
  return cassl_session_new_ex(ssl, peer, NULL, out);
}

CASSL_EXPORT CassError cassl_session_new_ex(cassl_ssl *ssl, const cassl_peer *peer,
                                            const cassl_session_options *options,
                                            cassl_session **out)
{
  if (out)
    *out = NULL;
  if (!ssl || !peer || !out) {
    cassl_note_thread_error(CASS_ERROR_LIB_BAD_PARAMS, NULL);
    return CASS_ERROR_LIB_BAD_PARAMS;
  }

  cassl_errmsg msg = { "" };
  CassError rc = CASS_OK;
  const cassl_session_options defaults = CASSL_SESSION_OPTIONS_INIT;
  const cassl_session_options *o = options ? options : &defaults;
  cassl_session *s = calloc(1, sizeof *s);
  if (!s) {
    cassl_fail(&msg, CASS_ERROR_LIB_INTERNAL_ERROR, "out of memory creating a TLS session");
    pthread_mutex_lock(&ssl->lock);
    ssl->last_error = msg;
    pthread_mutex_unlock(&ssl->lock);
    cassl_note_thread_error(CASS_ERROR_LIB_INTERNAL_ERROR, &msg);
    return CASS_ERROR_LIB_INTERNAL_ERROR;
  }
  s->state = CASSL_SESSION_HANDSHAKING;
  s->backend = ssl->backend;
  s->incoming.pool = s->outgoing.pool = &ssl->blocks;
  if ((rc = check_options(o, &msg)) != CASS_OK)
    goto fail;
  s->options = o->flags;

  if (peer->address) {
    size_t size = sockaddr_size(peer->address);
    if (!size) {
      rc = cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                      "peer address family %d is neither IPv4 nor IPv6",
                      peer->address->sa_family);
      goto fail;
    }
    memcpy(&s->address, peer->address, size);
    s->has_address = true;
  }
  if (peer->hostname && !(s->hostname = strdup(peer->hostname))) {
    rc = cassl_fail(&msg, CASS_ERROR_LIB_INTERNAL_ERROR, "out of memory creating a TLS session");
    goto fail;
  }
  if ((rc = choose_sni(peer, o->sni, &s->sni, &msg)) != CASS_OK)
    goto fail;

  /* Bound files changed on disk are taken in first, when the application asked for it. */
  cassl_reload_if_due(ssl);
  /* The configuration is read, and the backend session bound to the credentials, under the
   * object's lock: setters on a shared object may run in other threads. */
  pthread_mutex_lock(&ssl->lock);
  s->verify_flags = o->verify_flags == CASSL_VERIFY_FLAGS_INHERIT ? ssl->verify_flags
                                                                  : o->verify_flags;
  s->min_version = ssl->min_version;
  s->max_version = ssl->max_version;
  if (ssl->priority && !(s->priority = strdup(ssl->priority))) {
    rc = cassl_fail(&msg, CASS_ERROR_LIB_INTERNAL_ERROR, "out of memory creating a TLS session");
  } else {
    struct cassl_session_params params = {
      .creds = ssl->creds,
      .min_version = s->min_version,
      .max_version = s->max_version,
      .priority = s->priority,
      .sni = s->sni,
      .incoming = &s->incoming,
      .outgoing = &s->outgoing,
      .check_peer = check_server,
      .check_peer_ctx = s,
    };
    s->ssl = ssl; /* check_server reads the credentials through it */
    rc = s->backend->session_new(&s->impl, &params, &msg);
  }
  if (rc == CASS_OK)
    offer_resume_data(s, ssl);
  pthread_mutex_unlock(&ssl->lock);
  if (rc != CASS_OK)
    goto fail;

  cassl_ssl_ref(ssl);
  *out = s;
  return CASS_OK;

fail:
  pthread_mutex_lock(&ssl->lock);
  if (msg.text[0])
    ssl->last_error = msg;
  else
    cassl_fail(&ssl->last_error, rc, "%s", cassl_error_desc(rc));
  pthread_mutex_unlock(&ssl->lock);
  cassl_note_thread_error(rc, &msg);
  free(s->hostname);
  free(s->sni);
  free(s->priority);
  free(s);
  return rc;
}

CASSL_EXPORT void cassl_session_free(cassl_session *s)
{
  if (!s)
    return;
  if (s->impl)
    s->backend->session_free(s->impl);
  cassl_bytequeue_free(&s->incoming);
  cassl_bytequeue_free(&s->outgoing);
  free(s->hostname);
  free(s->sni);
  free(s->priority);
  cassl_ssl *ssl = s->ssl;
  cassl_wipe(s, sizeof *s);
  free(s);
  if (ssl)
    cassl_ssl_unref(ssl);
}

/* The checks the verify flags ask for, in the order the driver makes them; *why says which
 * one failed. */
static CassError session_verify(cassl_session *s, cassl_errmsg *msg,
                                enum cassl_reject_reason *why)
{
  *why = CASSL_REJECT_PIN;
  /* Public-key pins (cassl_ssl_add_pinned_public_key) apply whatever the flags say. */
  CassError pin_rc = s->backend->session_verify_pins(s->impl, msg);
  if (pin_rc != CASS_OK)
    return pin_rc;
  /* End of the pin check. */
  /* As the driver: flags 0 check nothing; any other value (unknown bits from
   * cassl_ssl_set_verify_flags included) needs a certificate, and each known bit its check. */
  if (s->verify_flags == CASS_SSL_VERIFY_NONE)
    return CASS_OK;
  int flags = s->verify_flags & KNOWN_VERIFY_FLAGS;
  *why = CASSL_REJECT_NO_CERT;
  if (s->backend->session_peer_cert_count(s->impl) == 0)
    return cassl_fail(msg, CASS_ERROR_SSL_NO_PEER_CERT,
                      "the server sent no certificate, but the verify flags (0x%x) require one",
                      flags);
  CassError rc;
  *why = CASSL_REJECT_CHAIN;
  if (flags & CASS_SSL_VERIFY_PEER_CERT) {
    if ((rc = s->backend->session_verify_chain(s->impl, msg)) != CASS_OK)
      return rc;
  }
  *why = CASSL_REJECT_IDENTITY;
  struct cassl_cert_names names = { 0 };
  if ((rc = s->backend->session_peer_names(s->impl, &names, msg)) != CASS_OK)
    goto done;
  if ((rc = cassl_identity_check_names_sane(&names, msg)) != CASS_OK)
    goto done;
  if (flags & CASS_SSL_VERIFY_PEER_IDENTITY) {
    if (!s->has_address)
      rc = cassl_fail(msg, CASS_ERROR_SSL_IDENTITY_MISMATCH,
                      "the peer's IP address is unknown, so it cannot be checked against the "
                      "certificate");
    else
      rc = cassl_identity_check_ip(&names, (const struct sockaddr *)&s->address, msg);
  } else if (flags & CASS_SSL_VERIFY_PEER_IDENTITY_DNS) {
    rc = cassl_identity_check_dns(&names, s->hostname, msg);
  }
done:
  cassl_names_clear(&names);
  return rc;
}

/* The checks of the server, run once: by the backend as soon as the server's chain arrives
 * (before our certificate leaves), or at the end of a handshake that brought no chain (a
 * resumed one). */
static CassError check_server(void *ctx)
{
  cassl_session *s = ctx;
  if (!s->checked) {
    s->check_msg.text[0] = '\0';
    s->check_rc = session_verify(s, &s->check_msg, &s->check_why);
    s->checked = true;
  }
  return s->check_rc;
}

/* The end of verification: a refused server hears why (fatal alert) and its resumption data
 * goes; an accepted one makes the session established. */
static CassError finish_verification(cassl_session *s)
{
  check_server(s);
  if (s->check_rc != CASS_OK) {
    forget_resume_data(s);
    /* Nothing of a refused handshake is sent but the alert. */
    if (s->held) {
      cassl_bytequeue_truncate(&s->outgoing, cassl_bytequeue_size(&s->outgoing) - s->held);
      s->held = 0;
    }
    /* Checks fail with LIB_BAD_PARAMS only when they ran out of memory. */
    s->backend->session_reject(s->impl, s->check_rc == CASS_ERROR_LIB_BAD_PARAMS
                                            ? CASSL_REJECT_INTERNAL : s->check_why);
    return session_fail(s, s->check_rc, &s->check_msg);
  }
  s->state = CASSL_SESSION_ESTABLISHED;
  capture_resume_data(s);
  return CASS_OK;
}

/* The handshake is over (and not refused): established, or verification deferred. */
static CassError handshake_over(cassl_session *s)
{
  if (s->options & CASSL_SESSION_DEFER_VERIFY) {
    s->state = CASSL_SESSION_HANDSHAKE_DONE;
    return CASS_OK;
  }
  return finish_verification(s);
}

CASSL_EXPORT CassError cassl_session_handshake(cassl_session *s)
{
  if (!s)
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_handshake");
  if (s->state == CASSL_SESSION_ESTABLISHED || s->state == CASSL_SESSION_HANDSHAKE_DONE)
    return CASS_OK;
  if (s->state != CASSL_SESSION_HANDSHAKING)
    return session_refuse(s);
  cassl_errmsg msg = { "" };
  bool done = false;
  size_t output_before = cassl_bytequeue_size(&s->outgoing);
  CassError rc = s->backend->session_handshake(s->impl, &done, &msg);
  /* A check that refused the server during the handshake ended it: its verdict counts, not
   * the backend's report of the abort. */
  bool refused = s->checked && s->check_rc != CASS_OK;
  if (rc != CASS_OK && !refused) {
    forget_offered_resume_data(s);
    return session_fail(s, rc, &msg);
  }
  if (!done && !refused)
    return CASS_OK;
  /* HOLD_FINAL_FLIGHT: the output of the step that completed the handshake (the client's
   * last flight: TLS 1.3, a resumed TLS 1.2 handshake) stays hidden until the first write or
   * close, so a loop that finishes only after a silent step finishes now instead of waiting
   * for the server, which may send nothing until it hears from the client. In every case,
   * a certificate request included: a TLS 1.3 server judges our certificate after our
   * Finished and says no with an alert, which the first read reports (the protocol promises
   * no message that would tell acceptance earlier). A refused step is held too (TLS 1.3's
   * compatibility ChangeCipherSpec may be in it): verify then drops it for the alert. */
  if (s->options & CASSL_SESSION_HOLD_FINAL_FLIGHT)
    s->held = cassl_bytequeue_size(&s->outgoing) - output_before;
  if (refused && (s->options & CASSL_SESSION_DEFER_VERIFY)) {
    s->state = CASSL_SESSION_HANDSHAKE_DONE;
    return CASS_OK;
  }
  return handshake_over(s);
}

CASSL_EXPORT CassError cassl_session_verify(cassl_session *s)
{
  if (!s)
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_verify");
  if (s->state == CASSL_SESSION_ESTABLISHED)
    return CASS_OK;
  if (s->state == CASSL_SESSION_HANDSHAKE_DONE)
    return finish_verification(s);
  return s->state == CASSL_SESSION_HANDSHAKING ? CASS_ERROR_LIB_BAD_PARAMS : session_refuse(s);
}

/* HOLD_FINAL_FLIGHT: what the caller sends next goes behind the held flight. */
static void release_held(cassl_session *s)
{
  s->held = 0;
}

CASSL_EXPORT CassError cassl_session_feed(cassl_session *s, const void *data, size_t len)
{
  if (!s || (!data && len))
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_feed");
  if (s->state == CASSL_SESSION_FAILED)
    return s->error;
  /* After the peer's close_notify nothing more can be decrypted: drop what follows. */
  if (s->close_received)
    return CASS_OK;
  if (!cassl_bytequeue_push(&s->incoming, data, len)) {
    cassl_errmsg msg;
    return session_fail(s, cassl_fail(&msg, CASS_ERROR_LIB_BAD_PARAMS,
                                      "out of memory queueing %zu received bytes", len), &msg);
  }
  return CASS_OK;
}

unsigned char *cassl_session_feed_reserve(cassl_session *s, size_t len)
{
  return cassl_bytequeue_reserve(&s->incoming, len);
}

CassError cassl_session_feed_commit(cassl_session *s, size_t n)
{
  /* What cassl_session_feed would refuse or drop is taken back out. */
  size_t before = cassl_bytequeue_size(&s->incoming);
  cassl_bytequeue_commit(&s->incoming, n);
  if (s->state == CASSL_SESSION_FAILED || s->close_received) {
    cassl_bytequeue_truncate(&s->incoming, before);
    return s->state == CASSL_SESSION_FAILED ? s->error : CASS_OK;
  }
  return CASS_OK;
}

/* The output the caller may send: all of it but a held final flight. */
static size_t output_visible(const cassl_session *s)
{
  return cassl_bytequeue_size(&s->outgoing) - s->held;
}

CASSL_EXPORT const void *cassl_session_output_peek(const cassl_session *s, size_t *len)
{
  size_t n = 0;
  const void *p = s ? cassl_bytequeue_peek(&s->outgoing, &n) : NULL;
  if (s && s->held) {
    n = output_visible(s);
    p = n ? p : NULL;
  }
  if (len)
    *len = n;
  return p;
}

CASSL_EXPORT void cassl_session_output_consume(cassl_session *s, size_t len)
{
  /* From a sink: the bytes being handed over are consumed by cassl_session_write_to. */
  if (!s || s->in_sink)
    return;
  size_t visible = output_visible(s);
  cassl_bytequeue_consume(&s->outgoing, len < visible ? len : visible);
}

CASSL_EXPORT size_t cassl_session_output_pending(const cassl_session *s)
{
  return s ? output_visible(s) : 0;
}

CASSL_EXPORT CassError cassl_session_read(cassl_session *s, void *buf, size_t cap, size_t *n)
{
  if (n)
    *n = 0;
  if (!s || !n || (!buf && cap))
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_read");
  /* Reading goes on after our own close_notify, until the peer's arrives. */
  if (s->state != CASSL_SESSION_ESTABLISHED &&
      !(s->state == CASSL_SESSION_CLOSED && !s->close_received)) {
    if (s->state == CASSL_SESSION_HANDSHAKING)
      return CASS_ERROR_LIB_BAD_PARAMS;
    return session_refuse(s);
  }
  if (cap == 0)
    return CASS_OK;
  cassl_errmsg msg;
  msg.text[0] = '\0'; /* only the terminator: reads and writes run per record */
  size_t output_before = s->held ? cassl_bytequeue_size(&s->outgoing) : 0;
  CassError rc = s->backend->session_read(s->impl, buf, cap, n, &msg);
  /* Output a read produces (a KeyUpdate answer, an alert) goes after the held flight. */
  if (s->held && cassl_bytequeue_size(&s->outgoing) != output_before)
    release_held(s);
  /* TLS 1.3 tickets arrive after the handshake, inside reads. */
  if (rc == CASS_OK || rc == CASS_ERROR_SSL_CLOSED)
    capture_resume_data(s);
  if (rc == CASS_ERROR_SSL_CLOSED) {
    s->close_received = true;
    s->state = CASSL_SESSION_CLOSED;
    s->error = rc;
    s->message = msg;
    if (!s->message.text[0])
      cassl_fail(&s->message, rc, "the peer sent close_notify");
    return rc;
  }
  if (rc != CASS_OK)
    return session_fail(s, rc, &msg);
  return CASS_OK;
}

CASSL_EXPORT CassError cassl_session_write(cassl_session *s, const void *buf, size_t len)
{
  if (!s || (!buf && len))
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_write");
  if (s->state != CASSL_SESSION_ESTABLISHED)
    return s->state == CASSL_SESSION_HANDSHAKING ? CASS_ERROR_LIB_BAD_PARAMS
                                                 : session_refuse(s);
  if (len == 0)
    return CASS_OK;
  release_held(s);
  cassl_errmsg msg;
  msg.text[0] = '\0';
  CassError rc = s->backend->session_write(s->impl, buf, len, &msg);
  if (rc != CASS_OK)
    return session_fail(s, rc, &msg);
  return CASS_OK;
}

CASSL_EXPORT CassError cassl_session_write_to(cassl_session *s, const void *buf, size_t len,
                                              cassl_output_sink sink, void *ctx)
{
  if (!s || (!buf && len) || !sink)
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_write_to");
  if (s->state != CASSL_SESSION_ESTABLISHED)
    return s->state == CASSL_SESSION_HANDSHAKING ? CASS_ERROR_LIB_BAD_PARAMS
                                                 : session_refuse(s);
  release_held(s);
  cassl_errmsg msg;
  size_t n;
  const unsigned char *p;
  while ((p = cassl_bytequeue_peek(&s->outgoing, &n)) != NULL && n > 0) {
    s->in_sink = true;
    int taken = sink(ctx, p, n) == 0;
    s->in_sink = false;
    if (!taken)
      return session_fail(s, cassl_fail(&msg, CASS_ERROR_SSL_PROTOCOL_ERROR,
                                        "the output sink did not take %zu bytes", n), &msg);
    cassl_bytequeue_consume(&s->outgoing, n);
  }
  if (len == 0)
    return CASS_OK;
  if (!s->backend->session_set_sink) {
    /* A backend that cannot hand its output over: queued, then passed on. */
    CassError rc = cassl_session_write(s, buf, len);
    return rc != CASS_OK ? rc : cassl_session_write_to(s, NULL, 0, sink, ctx);
  }
  msg.text[0] = '\0';
  s->backend->session_set_sink(s->impl, sink, ctx);
  s->in_sink = true;
  CassError rc = s->backend->session_write(s->impl, buf, len, &msg);
  s->in_sink = false;
  s->backend->session_set_sink(s->impl, NULL, NULL);
  if (rc != CASS_OK)
    return session_fail(s, rc, &msg);
  return CASS_OK;
}

CASSL_EXPORT CassError cassl_session_close(cassl_session *s)
{
  if (!s)
    return CASS_ERROR_LIB_BAD_PARAMS;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_close");
  if (s->close_sent)
    return CASS_OK;
  /* Answering the peer's close_notify is allowed; closing a failed or unfinished session is
   * not (there is no secure channel to send the alert over). */
  if (s->state != CASSL_SESSION_ESTABLISHED &&
      !(s->state == CASSL_SESSION_CLOSED && s->close_received))
    return s->state == CASSL_SESSION_HANDSHAKING ? CASS_ERROR_LIB_BAD_PARAMS
                                                 : session_refuse(s);
  release_held(s);
  cassl_errmsg msg = { "" };
  CassError rc = s->backend->session_close(s->impl, &msg);
  if (rc != CASS_OK)
    return session_fail(s, rc, &msg);
  s->close_sent = true;
  if (s->state == CASSL_SESSION_ESTABLISHED) {
    s->state = CASSL_SESSION_CLOSED;
    s->error = CASS_ERROR_SSL_CLOSED;
    cassl_fail(&s->message, CASS_ERROR_SSL_CLOSED, "the session was closed (close_notify sent)");
  }
  return CASS_OK;
}

CASSL_EXPORT cassl_session_state cassl_session_get_state(const cassl_session *s)
{
  return s ? s->state : CASSL_SESSION_FAILED;
}

CASSL_EXPORT CassError cassl_session_error(const cassl_session *s)
{
  return s ? s->error : CASS_ERROR_LIB_BAD_PARAMS;
}

CASSL_EXPORT const char *cassl_session_error_message(const cassl_session *s)
{
  return s ? s->message.text : "no session (NULL)";
}

CASSL_EXPORT CassError cassl_session_get_info(const cassl_session *s, cassl_session_info *info)
{
  if (!s || !info)
    return CASS_ERROR_LIB_BAD_PARAMS;
  memset(info, 0, sizeof *info);
  if (s->state == CASSL_SESSION_HANDSHAKING)
    return CASS_ERROR_LIB_BAD_PARAMS;
  s->backend->session_info(s->impl, info);
  info->peer_cert_count = s->backend->session_peer_cert_count(s->impl);
  return CASS_OK;
}

CASSL_EXPORT CassError cassl_session_peer_cert(const cassl_session *s, size_t idx,
                                               const unsigned char **der, size_t *len)
{
  if (!s || !der || !len)
    return CASS_ERROR_LIB_BAD_PARAMS;
  *der = NULL;
  *len = 0;
  if (idx >= s->backend->session_peer_cert_count(s->impl))
    return CASS_ERROR_SSL_NO_PEER_CERT;
  return s->backend->session_peer_cert(s->impl, idx, der, len);
}

CASSL_EXPORT CassError cassl_session_set_error(cassl_session *s, CassError code,
                                               const char *message)
{
  if (!s)
    return code;
  if (s->in_sink)
    return refuse_in_sink("cassl_session_set_error");
  cassl_errmsg msg;
  cassl_fail(&msg, code, "%s", message && message[0] ? message : cassl_error_desc(code));
  return session_fail(s, code, &msg);
}
