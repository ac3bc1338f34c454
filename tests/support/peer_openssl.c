/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* openssl s_server as a peer (see peers.h). */
#define _GNU_SOURCE /* mkostemp */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "peer_internal.h"

/* s_server takes the leaf from -cert and the rest from -cert_chain: split the file. */
static int split_chain(struct peer *p, const char *cert_file)
{
  FILE *f = fopen(cert_file, "r");
  if (!f) {
    fprintf(stderr, "peers: cannot read %s: %s\n", cert_file, strerror(errno));
    return -1;
  }
  static const char begin[] = "-----BEGIN CERTIFICATE-----";
  char line[4096];
  int certs = 0;
  FILE *chain = NULL;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, begin, sizeof begin - 1) == 0 && ++certs == 2) {
      snprintf(p->extra_file, sizeof p->extra_file, "%s/peer-logs", peers_fixtures_dir());
      mkdir(peers_fixtures_dir(), 0755);
      mkdir(p->extra_file, 0755);
      snprintf(p->extra_file, sizeof p->extra_file, "%s/peer-logs/chain-XXXXXX",
               peers_fixtures_dir());
      int fd = mkostemp(p->extra_file, O_CLOEXEC);
      chain = fd >= 0 ? fdopen(fd, "w") : NULL;
      if (!chain) {
        fclose(f);
        return -1;
      }
    }
    if (chain)
      fputs(line, chain);
  }
  fclose(f);
  if (chain && fclose(chain) != 0)
    return -1;
  return 0;
}

static int openssl_argv(struct peer *p, const peer_tls_options *o, char **argv, size_t cap,
                        char *buf, size_t buf_cap)
{
  struct peers_args a = { argv, 0, cap, buf, 0, buf_cap, false };
  if (!p->chain_split) {
    if (split_chain(p, o->cert_file) != 0)
      return -1;
    p->chain_split = true;
  }
  /* -state logs the alerts it receives (peer_saw_alert), line-buffered as for gnutls-serv. */
  if (peers_program_in_path("stdbuf")) {
    peers_arg(&a, "%s", "stdbuf");
    peers_arg(&a, "%s", "-oL");
  }
  peers_arg(&a, "%s", "openssl");
  peers_arg(&a, "%s", "s_server");
  peers_arg(&a, "%s", "-accept");
  peers_arg(&a, "%s", p->hostport);
  peers_arg(&a, "%s", "-rev");
  peers_arg(&a, "%s", "-state");
  peers_arg(&a, "%s", "-cert");
  peers_arg(&a, "%s", o->cert_file);
  peers_arg(&a, "%s", "-key");
  peers_arg(&a, "%s", o->key_file);
  if (o->key_password_file) {
    peers_arg(&a, "%s", "-pass");
    peers_arg(&a, "file:%s", o->key_password_file);
  }
  if (p->extra_file[0]) {
    peers_arg(&a, "%s", "-cert_chain");
    peers_arg(&a, "%s", p->extra_file);
  }
  if (o->client_ca_file) {
    peers_arg(&a, "%s", "-CAfile");
    peers_arg(&a, "%s", o->client_ca_file);
  }
  if (o->client_auth != PEER_CLIENT_AUTH_NONE) {
    peers_arg(&a, "%s", o->client_auth == PEER_CLIENT_AUTH_REQUIRE ? "-Verify" : "-verify");
    peers_arg(&a, "%s", "4");
    peers_arg(&a, "%s", "-verify_return_error");
  }
  if (o->version == PEER_TLS1_2)
    peers_arg(&a, "%s", "-tls1_2");
  else if (o->version == PEER_TLS1_3)
    peers_arg(&a, "%s", "-tls1_3");
  if (o->group) {
    if (!peers_group_name(o->group, 1))
      return -1;
    peers_arg(&a, "%s", "-groups");
    peers_arg(&a, "%s", peers_group_name(o->group, 1));
  }
  if (o->no_tickets) {
    /* -no_ticket alone still issues TLS 1.3 (stateful) tickets. */
    peers_arg(&a, "%s", "-no_ticket");
    peers_arg(&a, "%s", "-num_tickets");
    peers_arg(&a, "%s", "0");
  }
  if (o->servername) {
    /* -servername needs a second certificate for that name: the same leaf (no chain). */
    peers_arg(&a, "%s", "-servername");
    peers_arg(&a, "%s", o->servername);
    peers_arg(&a, "%s", "-servername_fatal");
    peers_arg(&a, "%s", "-cert2");
    peers_arg(&a, "%s", o->cert_file);
    peers_arg(&a, "%s", "-key2");
    peers_arg(&a, "%s", o->key_file);
  }
  return a.overflow ? -1 : 0;
}

int peer_start_openssl(const peer_tls_options *o, peer **out)
{
  if (!peers_program_in_path("openssl")) {
    fprintf(stderr, "peers: openssl is not installed\n");
    return PEER_SKIP;
  }
  if (!o || !o->cert_file || !o->key_file) {
    fprintf(stderr, "peers: openssl s_server needs cert_file and key_file\n");
    return -1;
  }
  return peers_start_port_server("openssl", o, openssl_argv, out);
}
