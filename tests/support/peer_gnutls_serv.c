/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* gnutls-serv as a peer (see peers.h). */
#include "config.h"

#include <stdio.h>

#include "peer_internal.h"

static int gnutls_argv(struct peer *p, const peer_tls_options *o, char **argv, size_t cap,
                       char *buf, size_t buf_cap)
{
  struct peers_args a = { argv, 0, cap, buf, 0, buf_cap, false };
  char port[8];
  snprintf(port, sizeof port, "%u", (unsigned)p->port);
  /* gnutls-serv reports each connection (the alerts it received) on stdout: line-buffered,
   * the log shows them while it runs (stdbuf execs it in place, the pid stays). */
  if (peers_program_in_path("stdbuf")) {
    peers_arg(&a, "%s", "stdbuf");
    peers_arg(&a, "%s", "-oL");
  }
  peers_arg(&a, "%s", "gnutls-serv");
  peers_arg(&a, "--port=%s", port);
  peers_arg(&a, "%s", "--echo");
  peers_arg(&a, "%s", "--crlf");
  peers_arg(&a, "--x509certfile=%s", o->cert_file);
  peers_arg(&a, "--x509keyfile=%s", o->key_file);
  if (o->client_ca_file)
    peers_arg(&a, "--x509cafile=%s", o->client_ca_file);
  switch (o->client_auth) {
  case PEER_CLIENT_AUTH_NONE:
    peers_arg(&a, "%s", "--disable-client-cert");
    break;
  case PEER_CLIENT_AUTH_REQUEST:
    peers_arg(&a, "%s", "--verify-client-cert");
    break;
  case PEER_CLIENT_AUTH_REQUIRE:
    peers_arg(&a, "%s", "--require-client-cert");
    peers_arg(&a, "%s", "--verify-client-cert");
    break;
  }
  if (o->group && !peers_group_name(o->group, 0))
    return -1;
  if (o->priority)
    peers_arg(&a, "--priority=%s", o->priority);
  else if (o->version != PEER_TLS_DEFAULT || o->group)
    peers_arg(&a, "--priority=NORMAL%s%s%s",
        o->version == PEER_TLS1_2   ? ":-VERS-ALL:+VERS-TLS1.2"
        : o->version == PEER_TLS1_3 ? ":-VERS-ALL:+VERS-TLS1.3"
                                    : "",
        o->group ? ":-GROUP-ALL:+GROUP-" : "", o->group ? o->group : "");
  if (o->no_tickets)
    peers_arg(&a, "%s", "--noticket");
  if (o->ocsp_response) {
    /* Stapled even when it is not current or not for this certificate: the client judges. */
    peers_arg(&a, "--ocsp-response=%s", o->ocsp_response);
    peers_arg(&a, "%s", "--ignore-ocsp-response-errors");
  }
  return a.overflow ? -1 : 0;
}

int peer_start_gnutls_serv(const peer_tls_options *o, peer **out)
{
  if (!peers_program_in_path("gnutls-serv")) {
    fprintf(stderr, "peers: gnutls-serv is not installed (Debian: gnutls-bin)\n");
    return PEER_SKIP;
  }
  if (!o || !o->cert_file || !o->key_file) {
    fprintf(stderr, "peers: gnutls-serv needs cert_file and key_file\n");
    return -1;
  }
  return peers_start_port_server("gnutls-serv", o, gnutls_argv, out);
}
