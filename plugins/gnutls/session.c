/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Client sessions: the handshake and the record layer over the core's byte queues. GnuTLS
 * pushes into the outgoing queue (always accepted, so a send never sees EAGAIN) and pulls
 * from the incoming queue (EAGAIN when it is empty). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gtls.h"

/* A TLS 1.3 ticket's resumption data (gnutls_session_get_data2), taken when it arrives:
 * GnuTLS keeps only the latest ticket, and a server may send two in one read. */
struct gtls_ticket {
  unsigned char *data;
  size_t len;
};
#define GTLS_TICKETS_PENDING 4

struct gtls_session {
  gnutls_session_t s;
  struct gtls_gen *gen;                  /* the credentials in force at creation, for life */
  gnutls_anon_client_credentials_t anon; /* only with a priority override (see below) */
  struct cassl_bytequeue *incoming;      /* the core's queues */
  struct cassl_bytequeue *outgoing;
  int min_version;
  int max_version;
  const char *priority;                  /* the core's, for the session's life; NULL = system */
  CassError (*check_peer)(void *ctx);    /* the core's checks (see cassl_session_params) */
  void *check_peer_ctx;
  bool peer_refused;                     /* check_peer aborted the handshake */
  bool handshake_done;
  unsigned char first[2];                /* the first bytes the peer sent */
  size_t first_len;
  CassError deferred;                    /* a failure met while returning plaintext */
  cassl_errmsg deferred_msg;
  char kx[64];                           /* cassl_session_info.kx */
  bool ticket_arrived;                   /* a NewSessionTicket came since resume data was taken */
  struct gtls_ticket tickets[GTLS_TICKETS_PENDING]; /* TLS 1.3 tickets a read took, oldest first */
  size_t tickets_pending;
  cassl_output_sink sink;                /* output goes here instead of outgoing when set */
  void *sink_ctx;
  bool resume_checked;                   /* the first look after the handshake was made */
  gnutls_alert_description_t chain_alert; /* why verify.c refused the chain */
  bool chain_cached;                     /* the chain is in the generation's verified cache */
};

/* ---- transport callbacks ------------------------------------------------------------- */

static ssize_t gtls_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
  struct gtls_session *g = ptr;
  size_t n = cassl_bytequeue_pop(g->incoming, buf, len);
  if (n == 0) {
    gnutls_transport_set_errno(g->s, EAGAIN);
    return -1;
  }
  /* The first bytes tell a TLS server from something else answering on the port. */
  for (size_t i = 0; i < n && g->first_len < sizeof g->first; i++)
    g->first[g->first_len++] = ((const unsigned char *)buf)[i];
  return (ssize_t)n;
}

static int gtls_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
  struct gtls_session *g = ptr;
  /* Never waits: the caller feeds bytes and calls again. */
  return cassl_bytequeue_size(g->incoming) > 0 ? 1 : 0;
}

static ssize_t gtls_vec_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int iovcnt)
{
  struct gtls_session *g = ptr;
  size_t total = 0;
  for (int i = 0; i < iovcnt; i++) {
    bool taken = g->sink ? g->sink(g->sink_ctx, iov[i].iov_base, iov[i].iov_len) == 0
                         : cassl_bytequeue_push(g->outgoing, iov[i].iov_base, iov[i].iov_len);
    if (!taken) {
      if (total)
        return (ssize_t)total;
      gnutls_transport_set_errno(g->s, ENOMEM);
      return -1;
    }
    total += iov[i].iov_len;
  }
  return (ssize_t)total;
}

/* Notes that a ticket arrived: TLS 1.3 tickets come after the handshake, inside record reads,
 * and their data is taken only once there is one (before that gnutls_session_get_data2 would
 * wait for one and return placeholder data). */
static int gtls_message_hook(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
                             const gnutls_datum_t *msg)
{
  struct gtls_session *g = gnutls_session_get_ptr(s);
  if (g && incoming && htype == GNUTLS_HANDSHAKE_NEW_SESSION_TICKET)
    g->ticket_arrived = true;
  return 0;
}

void gtls_session_set_sink(void *session, cassl_output_sink sink, void *ctx)
{
  struct gtls_session *g = session;
  g->sink = sink;
  g->sink_ctx = ctx;
}

/* The server's chain has arrived (GnuTLS calls this before it sends our certificate): the
 * core's checks decide whether the handshake goes on. */
static int gtls_check_peer_hook(gnutls_session_t s)
{
  struct gtls_session *g = gnutls_session_get_ptr(s);
  if (!g->check_peer || g->check_peer(g->check_peer_ctx) == CASS_OK)
    return 0;
  g->peer_refused = true;
  return GNUTLS_E_CERTIFICATE_ERROR;
}

/* ---- creation ------------------------------------------------------------------------ */

/* Session creation fails for want of memory (CASS_ERROR_LIB_INTERNAL_ERROR) or because
 * GnuTLS cannot make a session at all (CASS_ERROR_LIB_UNABLE_TO_INIT): a driver tells them
 * from bad parameters (CASS_ERROR_LIB_BAD_PARAMS). */
static CassError creation_error(int ret)
{
  return ret == GNUTLS_E_MEMORY_ERROR ? CASS_ERROR_LIB_INTERNAL_ERROR
                                      : CASS_ERROR_LIB_UNABLE_TO_INIT;
}

CassError gtls_session_new(void **session, const struct cassl_session_params *params,
                           cassl_errmsg *err)
{
  *session = NULL;
  if (!params->creds)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "the CassSsl object has no credentials");

  struct gtls_session *g = calloc(1, sizeof *g);
  if (!g)
    return cassl_fail(err, CASS_ERROR_LIB_INTERNAL_ERROR, "out of memory creating a TLS session");
  /* Verification, the client certificate and the pins use this generation only, whatever
   * setters do meanwhile. */
  g->gen = gtls_creds_acquire(params->creds);
  gnutls_certificate_credentials_t cert = gtls_gen_certificate(g->gen);
  g->incoming = params->incoming;
  g->outgoing = params->outgoing;
  g->min_version = params->min_version;
  g->max_version = params->max_version;
  g->priority = params->priority;
  g->check_peer = params->check_peer;
  g->check_peer_ctx = params->check_peer_ctx;

  CassError rc;
  /* No GNUTLS_POST_HANDSHAKE_AUTH: without it the client does not offer TLS 1.3
   * post-handshake authentication, so a server cannot ask for a certificate mid-stream.
   * GNUTLS_KEY_SHARE_TOP: the ClientHello carries a key share for the first group only
   * (GnuTLS makes two by default); a server that wants another group asks for it with a
   * HelloRetryRequest. It saves a key generation on every handshake, resumed ones too. */
  int ret = gnutls_init(&g->s, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_KEY_SHARE_TOP);
  if (ret < 0) {
    gtls_gen_release(g->gen);
    free(g);
    return cassl_fail(err, creation_error(ret), "cannot create a TLS session: %s",
                      gnutls_strerror(ret));
  }
  if ((rc = gtls_apply_priority(g->s, params->min_version, params->max_version,
                                params->priority, err)) != CASS_OK)
    goto fail;
  ret = gnutls_credentials_set(g->s, GNUTLS_CRD_CERTIFICATE, cert);
  /* Anonymous key exchange only ever happens when a priority override enables it; the
   * verification policy then reports the missing certificate (NO_PEER_CERT). */
  if (ret >= 0 && params->priority) {
    ret = gnutls_anon_allocate_client_credentials(&g->anon);
    if (ret >= 0)
      ret = gnutls_credentials_set(g->s, GNUTLS_CRD_ANON, g->anon);
  }
  if (ret >= 0 && params->sni)
    ret = gnutls_server_name_set(g->s, GNUTLS_NAME_DNS, params->sni, strlen(params->sni));
  if (ret < 0) {
    rc = cassl_fail(err, creation_error(ret), "cannot set up the TLS session: %s",
                    gnutls_strerror(ret));
    goto fail;
  }
  gnutls_transport_set_ptr(g->s, g);
  gnutls_session_set_ptr(g->s, g);
  gnutls_handshake_set_hook_function(g->s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_POST,
                                     gtls_message_hook);
  gnutls_session_set_verify_function(g->s, gtls_check_peer_hook);
  gnutls_transport_set_pull_function(g->s, gtls_pull);
  gnutls_transport_set_pull_timeout_function(g->s, gtls_pull_timeout);
  gnutls_transport_set_vec_push_function(g->s, gtls_vec_push);
  /* The transport owns the handshake timeout; GnuTLS must not count time on its own. */
  gnutls_handshake_set_timeout(g->s, GNUTLS_INDEFINITE_TIMEOUT);
  *session = g;
  return CASS_OK;

fail:
  gtls_session_free(g);
  return rc;
}

void gtls_session_free(void *session)
{
  struct gtls_session *g = session;
  if (!g)
    return;
  for (size_t i = 0; i < g->tickets_pending; i++) {
    gnutls_memset(g->tickets[i].data, 0, g->tickets[i].len);
    free(g->tickets[i].data);
  }
  if (g->s)
    gnutls_deinit(g->s);
  if (g->anon)
    gnutls_anon_free_client_credentials(g->anon);
  gtls_gen_release(g->gen); /* after gnutls_deinit: the session used its credentials */
  gnutls_memset(g, 0, sizeof *g);
  free(g);
}

gnutls_session_t gtls_session_handle(void *session)
{
  return ((struct gtls_session *)session)->s;
}

const struct gtls_gen *gtls_session_gen(void *session)
{
  return ((struct gtls_session *)session)->gen;
}

const char *gtls_session_priority(void *session)
{
  return ((struct gtls_session *)session)->priority;
}

bool *gtls_session_chain_cached(void *session)
{
  return &((struct gtls_session *)session)->chain_cached;
}

void gtls_session_set_chain_alert(void *session, gnutls_alert_description_t alert)
{
  ((struct gtls_session *)session)->chain_alert = alert;
}

/* ---- failures ------------------------------------------------------------------------ */

static const char *version_name(int version)
{
  switch (version) {
  case CASS_SSL_VERSION_TLS1: return "TLS1.0";
  case CASS_SSL_VERSION_TLS1_1: return "TLS1.1";
  case CASS_SSL_VERSION_TLS1_2: return "TLS1.2";
  default: return "TLS1.3";
  }
}

/* Whether the first bytes received look like a TLS record (content type 20..24, major
 * version 3). */
static bool peer_spoke_tls(const struct gtls_session *g)
{
  if (g->first_len == 0)
    return true;
  if (g->first[0] < 20 || g->first[0] > 24)
    return false;
  return g->first_len < 2 || g->first[1] == 3;
}

/* Whether the server asked for a client certificate and we had none to send. */
static bool client_cert_missing(const struct gtls_session *g)
{
  return gnutls_certificate_client_get_request_status(g->s) &&
         gnutls_certificate_get_ours(g->s) == NULL;
}

/* "unknown_ca" from GnuTLS's "GNUTLS_A_UNKNOWN_CA": the name RFC 8446 and servers' logs use
 * (GnuTLS has no call that gives it). */
static void alert_protocol_name(gnutls_alert_description_t alert, char *buf, size_t cap)
{
  const char *name = gnutls_alert_get_strname(alert);
  if (!name || strncmp(name, "GNUTLS_A_", 9) != 0) {
    snprintf(buf, cap, "unknown");
    return;
  }
  size_t i = 0;
  for (name += 9; *name && i + 1 < cap; name++)
    buf[i++] = (*name >= 'A' && *name <= 'Z') ? (char)(*name - 'A' + 'a') : *name;
  buf[i] = '\0';
}

/* A fatal alert from the server, named, with what it most likely means. */
static CassError alert_failure(struct gtls_session *g, const char *when, cassl_errmsg *err)
{
  gnutls_alert_description_t alert = gnutls_alert_get(g->s);
  char name[48];
  alert_protocol_name(alert, name, sizeof name);
  const char *text = gnutls_alert_get_name(alert); /* GnuTLS's words: "CA is unknown" */
  const char *hint = "";
  const char *what = "";
  bool about_certificate =
      alert == GNUTLS_A_BAD_CERTIFICATE || alert == GNUTLS_A_UNKNOWN_CA ||
      alert == GNUTLS_A_CERTIFICATE_UNKNOWN || alert == GNUTLS_A_UNSUPPORTED_CERTIFICATE ||
      alert == GNUTLS_A_CERTIFICATE_EXPIRED || alert == GNUTLS_A_CERTIFICATE_REVOKED ||
      alert == GNUTLS_A_ACCESS_DENIED || alert == GNUTLS_A_CERTIFICATE_REQUIRED;
  /* Servers differ in the alert for a missing certificate (GnuTLS sends decode_error in
   * TLS 1.2, JSSE bad_certificate or certificate_required): state the fact whatever it is. */
  /* TLS 1.3 servers judge the client certificate after the client's Finished, so their
   * refusal comes with the first read after the handshake. */
  if (client_cert_missing(g)) {
    what = "the server refused the connection without a client certificate: ";
    hint = "; the server asked for a client certificate and none is set "
           "(cass_ssl_set_cert and cass_ssl_set_private_key)";
  } else if (gnutls_certificate_get_ours(g->s) && about_certificate) {
    what = "the server refused the client certificate: ";
    hint = "; the server rejected our client certificate (is its issuer in the server's "
           "truststore?)";
  }
  else if (alert == GNUTLS_A_PROTOCOL_VERSION)
    hint = "; no protocol version in common with the server";
  else if (alert == GNUTLS_A_HANDSHAKE_FAILURE || alert == GNUTLS_A_INSUFFICIENT_SECURITY)
    hint = "; no protocol version, cipher suite or group in common with the server?";
  return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                    "%sthe server sent a fatal alert %s: %s (%s, alert %d)%s", what, when, name,
                    text ? text : "unknown", (int)alert, hint);
}

/* Tells the server why we give up (queued as output for the caller to send). */
static void send_alert_for(struct gtls_session *g, int ret)
{
  if (ret != GNUTLS_E_FATAL_ALERT_RECEIVED && ret != GNUTLS_E_PUSH_ERROR)
    gnutls_alert_send_appropriate(g->s, ret);
}

/* The core refused the server after the handshake: the alert that names the reason. The
 * push side only appends to the core's queue; a failure (out of memory) leaves the connection
 * to end without an alert. */
void gtls_session_reject(void *session, enum cassl_reject_reason why)
{
  struct gtls_session *g = session;
  gnutls_alert_description_t alert;
  switch (why) {
  case CASSL_REJECT_CHAIN: alert = g->chain_alert; break;
  case CASSL_REJECT_NO_CERT: alert = GNUTLS_A_HANDSHAKE_FAILURE; break;
  case CASSL_REJECT_INTERNAL: alert = GNUTLS_A_INTERNAL_ERROR; break;
  case CASSL_REJECT_IDENTITY:
  case CASSL_REJECT_PIN:
  default: alert = GNUTLS_A_BAD_CERTIFICATE; break;
  }
  (void)gnutls_alert_send(g->s, GNUTLS_AL_FATAL, alert);
}

static CassError handshake_failure(struct gtls_session *g, int ret, cassl_errmsg *err)
{
  /* The core's checks refused the server: the core has the reason and sends the alert. */
  if (g->peer_refused)
    return cassl_fail(err, CASS_ERROR_SSL_INVALID_PEER_CERT,
                      "the server's certificate was refused during the handshake");
  send_alert_for(g, ret);
  if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
    return alert_failure(g, "during the handshake", err);
  if (!peer_spoke_tls(g))
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "the server did not answer with TLS (is this port TLS-enabled?)");
  if (gtls_peer_cert_unparsable(g, ret))
    return gtls_fail_unparsable_peer_cert(ret, err);
  switch (ret) {
  case GNUTLS_E_UNSUPPORTED_VERSION_PACKET:
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "the server chose a protocol version this client does not allow "
                      "(%s to %s): %s", version_name(g->min_version),
                      version_name(g->max_version), gnutls_strerror(ret));
  case GNUTLS_E_NO_CIPHER_SUITES:
  case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "no cipher suite in common with the server: %s", gnutls_strerror(ret));
  case GNUTLS_E_NO_COMMON_KEY_SHARE:
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "no key exchange group in common with the server: %s",
                      gnutls_strerror(ret));
  case GNUTLS_E_PUSH_ERROR:
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "out of memory queueing handshake data");
  case GNUTLS_E_USER_ERROR: /* only our certificate retrieve callback fails this way */
    if (gtls_retrieve_failure()[0]) /* the token's key could not be opened */
      return cassl_fail(err, CASS_ERROR_SSL_INVALID_PRIVATE_KEY,
                        "the client key cannot be used for this handshake: %s",
                        gtls_retrieve_failure());
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "could not copy the client certificate and key for the handshake "
                      "(out of memory)");
  default:
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR, "TLS handshake failed: %s",
                      gnutls_strerror(ret));
  }
}

static CassError record_failure(struct gtls_session *g, int ret, cassl_errmsg *err)
{
  send_alert_for(g, ret);
  if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
    return alert_failure(g, "after the handshake", err);
  if (ret == GNUTLS_E_DECRYPTION_FAILED)
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                      "a TLS record failed to decrypt (corrupted or tampered data): %s",
                      gnutls_strerror(ret));
  return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR, "TLS record layer error: %s",
                    gnutls_strerror(ret));
}

/* ---- handshake, read, write, close --------------------------------------------------- */

CassError gtls_session_handshake(void *session, bool *done, cassl_errmsg *err)
{
  struct gtls_session *g = session;
  *done = false;
  if (g->handshake_done) {
    *done = true;
    return CASS_OK;
  }
  size_t queued_before = cassl_bytequeue_size(g->incoming) + 1;
  for (int round = 0;; round++) {
    int ret = gnutls_handshake(g->s);
    if (ret == GNUTLS_E_SUCCESS) {
      g->handshake_done = true;
      *done = true;
      return CASS_OK;
    }
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
      /* More input is needed, unless bytes are still queued: GnuTLS returns after each
       * record of a message that spans several (a large certificate chain), so go on while
       * the last round consumed input. */
      size_t left = cassl_bytequeue_size(g->incoming);
      if (left > 0 && left != queued_before) {
        queued_before = left;
        continue;
      }
      return CASS_OK;
    }
    /* Warnings (e.g. unrecognized_name) do not end a handshake; a flood of them does. */
    if ((ret == GNUTLS_E_WARNING_ALERT_RECEIVED || !gnutls_error_is_fatal(ret)) && round < 64)
      continue;
    return handshake_failure(g, ret, err);
  }
}

/* The session's current resumption data, malloc'ed; *data = NULL when the server made the
 * session not resumable. */
static CassError copy_session_data(struct gtls_session *g, void **data, size_t *len,
                                   cassl_errmsg *err)
{
  *data = NULL;
  *len = 0;
  gnutls_datum_t d = { NULL, 0 };
  int ret = gnutls_session_get_data2(g->s, &d);
  if (ret == GNUTLS_E_INVALID_SESSION)
    return CASS_OK;
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "cannot get resumption data: %s",
                      gnutls_strerror(ret));
  CassError rc = CASS_OK;
  if (d.size && (*data = malloc(d.size)) != NULL) {
    memcpy(*data, d.data, d.size);
    *len = d.size;
  } else if (d.size) {
    rc = cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "out of memory");
  }
  if (d.data) {
    gnutls_memset(d.data, 0, d.size);
    gnutls_free(d.data);
  }
  return rc;
}

/* A TLS 1.3 NewSessionTicket was just read: its data is kept for the core before the next
 * one replaces it inside GnuTLS. When tickets come faster than the core takes them, the
 * oldest goes. Out of memory only loses the ticket. */
static void take_ticket(struct gtls_session *g)
{
  g->ticket_arrived = false;
  if (!g->handshake_done || gnutls_protocol_get_version(g->s) != GNUTLS_TLS1_3)
    return;
  void *data;
  size_t len;
  cassl_errmsg ignored;
  if (copy_session_data(g, &data, &len, &ignored) != CASS_OK || !data)
    return;
  if (g->tickets_pending == GTLS_TICKETS_PENDING) {
    gnutls_memset(g->tickets[0].data, 0, g->tickets[0].len);
    free(g->tickets[0].data);
    g->tickets_pending--;
    memmove(&g->tickets[0], &g->tickets[1], g->tickets_pending * sizeof g->tickets[0]);
  }
  g->tickets[g->tickets_pending].data = data;
  g->tickets[g->tickets_pending].len = len;
  g->tickets_pending++;
}

CassError gtls_session_read(void *session, void *buf, size_t cap, size_t *n, cassl_errmsg *err)
{
  struct gtls_session *g = session;
  *n = 0;
  if (g->deferred != CASS_OK) {
    /* A failure met after data was returned by the previous call. */
    *err = g->deferred_msg;
    return g->deferred;
  }
  /* Nothing fed and nothing buffered: GnuTLS would only answer EAGAIN, so skip the call
   * (the common last call of every read loop). */
  if (cassl_bytequeue_size(g->incoming) == 0 && gnutls_record_check_pending(g->s) == 0)
    return CASS_OK;
  unsigned char *out = buf;
  size_t got = 0;
  size_t stalled_at = (size_t)-1;
  size_t soft_at = (size_t)-1;
  int soft_repeats = 0;
  CassError rc = CASS_OK;
  cassl_errmsg msg;
  msg.text[0] = '\0'; /* only the terminator: this runs for every record */
  while (got < cap) {
    ssize_t ret = gnutls_record_recv(g->s, out + got, cap - got);
    if (g->ticket_arrived)
      take_ticket(g);
    if (ret > 0) {
      got += (size_t)ret;
      /* GnuTLS pulls exactly the record it reads: with no input left and nothing decrypted
       * pending, another call would only answer EAGAIN (half the calls of small records). */
      if (cassl_bytequeue_size(g->incoming) == 0 && gnutls_record_check_pending(g->s) == 0)
        break;
      continue;
    }
    if (ret == 0) {
      rc = cassl_fail(&msg, CASS_ERROR_SSL_CLOSED, "the peer sent close_notify");
      break;
    }
    if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
      /* Post-handshake messages (TLS 1.3 NewSessionTicket, KeyUpdate) are handled inside
       * record_recv, which then returns without data: go on while input or decrypted data
       * is left and the last round made progress. */
      size_t left = cassl_bytequeue_size(g->incoming);
      if (left != stalled_at && (left > 0 || gnutls_record_check_pending(g->s) > 0)) {
        stalled_at = left;
        continue;
      }
      break;
    }
    if (ret == GNUTLS_E_REHANDSHAKE) {
      /* TLS 1.2 HelloRequest: refuse renegotiation with a warning; the stream goes on. */
      int aret = gnutls_alert_send(g->s, GNUTLS_AL_WARNING, GNUTLS_A_NO_RENEGOTIATION);
      if (aret < 0 && aret != GNUTLS_E_AGAIN && aret != GNUTLS_E_INTERRUPTED) {
        rc = record_failure(g, aret, &msg);
        break;
      }
      continue;
    }
    if (ret == GNUTLS_E_WARNING_ALERT_RECEIVED || !gnutls_error_is_fatal((int)ret)) {
      /* Non-fatal codes consume input; one that repeats without doing so ends the loop. */
      size_t left = cassl_bytequeue_size(g->incoming);
      if (left != soft_at) {
        soft_at = left;
        soft_repeats = 0;
      }
      if (++soft_repeats < 64)
        continue;
    }
    rc = record_failure(g, (int)ret, &msg);
    break;
  }
  *n = got;
  if (rc != CASS_OK && got > 0) {
    /* Hand out the plaintext first; the failure or close comes with the next call. */
    g->deferred = rc;
    g->deferred_msg = msg;
    return CASS_OK;
  }
  if (rc != CASS_OK)
    *err = msg;
  return rc;
}

CassError gtls_session_write(void *session, const void *buf, size_t len, cassl_errmsg *err)
{
  struct gtls_session *g = session;
  const unsigned char *in = buf;
  size_t max = gnutls_record_get_max_size(g->s);
  if (max == 0 || max > 16384)
    max = 16384;
  int retries = 0;
  while (len > 0) {
    size_t chunk = len < max ? len : max;
    ssize_t ret = gnutls_record_send(g->s, in, chunk);
    /* More than asked: GnuTLS re-entered from the push callback (a sink calling back into
     * the session) reports the outer record's length; going on would encrypt memory past
     * the caller's buffer. */
    if (ret > 0 && (size_t)ret > chunk)
      return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR,
                        "the TLS library reported sending %zd bytes of a %zu-byte record; "
                        "the session cannot go on", ret, chunk);
    if (ret > 0) {
      in += ret;
      len -= (size_t)ret;
      retries = 0;
      continue;
    }
    /* The push side always accepts, so EAGAIN is transient; repeat the same arguments. */
    if ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) && ++retries < 16)
      continue;
    if (ret == GNUTLS_E_PUSH_ERROR)
      return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR, "out of memory queueing %zu bytes",
                        chunk);
    return record_failure(g, ret == 0 ? GNUTLS_E_INTERNAL_ERROR : (int)ret, err);
  }
  return CASS_OK;
}

CassError gtls_session_close(void *session, cassl_errmsg *err)
{
  struct gtls_session *g = session;
  int ret;
  int retries = 0;
  do
    ret = gnutls_bye(g->s, GNUTLS_SHUT_WR);
  while ((ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) && ++retries < 16);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_SSL_PROTOCOL_ERROR, "cannot send close_notify: %s",
                      gnutls_strerror(ret));
  return CASS_OK;
}

/* ---- negotiated parameters ----------------------------------------------------------- */

static const char *or_empty(const char *s)
{
  return s ? s : "";
}

void gtls_session_info(void *session, cassl_session_info *info)
{
  struct gtls_session *g = session;
  gnutls_session_t s = g->s;
  info->protocol = or_empty(gnutls_protocol_get_name(gnutls_protocol_get_version(s)));
  info->cipher = or_empty(gnutls_cipher_get_name(gnutls_cipher_get(s)));
  info->mac = or_empty(gnutls_mac_get_name(gnutls_mac_get(s)));
  info->suite = or_empty(gnutls_ciphersuite_get(s));
  gnutls_group_t group = gnutls_group_get(s);
  const char *group_name = group ? gnutls_group_get_name(group) : NULL;
  if (group_name)
    snprintf(g->kx, sizeof g->kx, "%s-%s",
             strncmp(group_name, "FFDHE", 5) == 0 ? "DHE" : "ECDHE", group_name);
  else
    snprintf(g->kx, sizeof g->kx, "%s", or_empty(gnutls_kx_get_name(gnutls_kx_get(s))));
  info->kx = g->kx;
  info->client_cert_requested = gnutls_certificate_client_get_request_status(s) ? 1 : 0;
  info->client_cert_sent = gnutls_certificate_get_ours(s) != NULL;
  info->resumed = gnutls_session_is_resumed(s) ? 1 : 0;
}

/* ---- resumption ---------------------------------------------------------------------- */

CassError gtls_session_get_resume_data(void *session, void **data, size_t *len,
                                       bool *single_use, cassl_errmsg *err)
{
  struct gtls_session *g = session;
  *data = NULL;
  *len = 0;
  *single_use = false;
  if (!g->handshake_done)
    return CASS_OK;
  if (g->tickets_pending > 0) {
    *data = g->tickets[0].data;
    *len = g->tickets[0].len;
    *single_use = true;
    g->tickets_pending--;
    memmove(&g->tickets[0], &g->tickets[1], g->tickets_pending * sizeof g->tickets[0]);
    memset(&g->tickets[g->tickets_pending], 0, sizeof g->tickets[0]);
    return CASS_OK;
  }
  /* The core asks after every read: nothing new is the common case. */
  if (g->resume_checked)
    return CASS_OK;
  g->resume_checked = true;
  /* TLS 1.3 data is taken per ticket, in the read that brought it (take_ticket). TLS 1.2: a
   * ticket or a session ID, both known once the handshake is done (its NewSessionTicket came
   * inside the handshake); taken once. */
  if (gnutls_protocol_get_version(g->s) == GNUTLS_TLS1_3)
    return CASS_OK;
  g->ticket_arrived = false;
  return copy_session_data(g, data, len, err);
}

CassError gtls_session_set_resume_data(void *session, const void *data, size_t len,
                                       cassl_errmsg *err)
{
  struct gtls_session *g = session;
  int ret = gnutls_session_set_data(g->s, data, len);
  if (ret < 0)
    return cassl_fail(err, CASS_ERROR_LIB_BAD_PARAMS, "cannot use resumption data: %s",
                      gnutls_strerror(ret));
  return CASS_OK;
}
