/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl demo: a local CA, node and client end to end, then three failures explained. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cassl/cassl.h"
#include "options.h"
#include "pki.h"
#include "probe.h"
#include "responder.h"
#include "tool.h"

static const char demo_usage[] =
  "usage: cassl demo\n"
  "Make a CA, a node certificate (CN and IP SAN 127.0.0.1) and a client certificate with an\n"
  "encrypted PKCS#8 key in a private temporary directory, start a TLS CQL responder on\n"
  "127.0.0.1 that requires client certificates, probe it the way the driver connects, then\n"
  "show three failures and their diagnosis: an untrusted CA, an identity mismatch and a\n"
  "wrong key password, each with what the node saw of it (the alert the client left with).\n"
  "Everything is removed at the end.\n"
  "\n"
  "  --serve DIR   write the demo files into DIR (an existing, private directory), print\n"
  "                \"PORT <n>\" and run the responder until standard input closes, with a\n"
  "                \"node: ...\" line as each connection ends\n"
  "\n"
  "exit: 0 when every step behaved as expected, 1 otherwise, 2 usage\n";

struct step {
  const char *title;
  const char *why;
  int expected;
  CassError expected_status;
};

static void show_command(const struct probe_opts *o, const char *password_file)
{
  printf("$ cassl probe");
  for (size_t i = 0; i < o->ca_count; i++)
    printf(" --ca %s", o->ca[i]);
  if (o->cert)
    printf(" --cert %s --key %s", o->cert, o->key);
  if (o->key_password)
    printf(" --key-password-file %s", password_file);
  printf(" --verify %s%s%s",
         (o->verify_flags & CASS_SSL_VERIFY_PEER_CERT) ? "peer-cert" : "none",
         (o->verify_flags & CASS_SSL_VERIFY_PEER_IDENTITY) ? ",peer-identity" : "",
         (o->verify_flags & CASS_SSL_VERIFY_PEER_IDENTITY_DNS) ? ",peer-identity-dns" : "");
  if (o->hostname)
    printf(" --hostname %s", o->hostname);
  printf(" %s:%d\n", o->host, o->port);
  fflush(stdout);
}

static bool run_step(int n, const struct step *s, struct probe_opts *o, const char *password_file,
                     struct responder *server)
{
  printf("\n== %d. %s\n%s\n", n, s->title, s->why);
  show_command(o, password_file);
  unsigned before = responder_served(server);
  CassError status = CASS_OK;
  int got = probe_run(o, &status);
  bool ok = got == s->expected && status == s->expected_status;
  fflush(stderr);
  printf("-> exit %d, %s (%s)\n", got, cassl_error_name(status),
         ok ? "as expected" : "UNEXPECTED");
  /* The other side of the story: what the node's log would say about this client. */
  char outcome[256];
  if (got == EXIT_LOCAL)
    printf("   node: no connection (the client stopped before it)\n");
  else if (responder_outcome(server, before + 1, 5000, outcome, sizeof outcome) == 0)
    printf("   node: %s\n", outcome);
  else
    printf("   node: the connection did not end within 5 s\n");
  fflush(stdout);
  return ok;
}

/* --serve DIR: the demo's files in DIR and its responder until stdin closes, for trying
 * things by hand and for the tests. */
static int serve(const char *dir)
{
  char err[512];
  struct demo_pki pki;
  if (pki_create(&pki, dir, err, sizeof err) != 0) {
    fprintf(stderr, "cassl demo: %s\n", err);
    return 1;
  }
  struct responder *server = NULL;
  int port = 0;
  if (responder_start(&server, pki.node_cert_pem, pki.node_key_pem, pki.ca_pem, stdout, &port,
                      err, sizeof err) != 0) {
    fprintf(stderr, "cassl demo: %s\n", err);
    pki_destroy(&pki);
    return 1;
  }
  printf("PORT %d\n", port);
  fflush(stdout);
  char buf[256];
  while (fread(buf, 1, sizeof buf, stdin) > 0)
    ;
  responder_stop(server);
  pki_destroy(&pki);
  return EXIT_OK;
}

int cmd_demo(int argc, char **argv)
{
  if (argc == 3 && !strcmp(argv[1], "--serve"))
    return serve(argv[2]);
  if (argc > 1) {
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
      fputs(demo_usage, stdout);
      return EXIT_OK;
    }
    fprintf(stderr, "cassl demo: unexpected argument %s\ntry: cassl demo --help\n", argv[1]);
    return EXIT_USAGE;
  }
  char err[512];
  struct demo_pki pki;
  if (pki_create(&pki, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "cassl demo: %s\n", err);
    return 1;
  }
  printf("cassl demo (TLS backend %s %s)\n", cassl_backend_name(), cassl_backend_version());
  printf("made with GnuTLS in %s:\n"
         "  ca.pem        the demo CA (trusted by the client and the node)\n"
         "  node.pem      node certificate, CN=127.0.0.1 and IP SAN 127.0.0.1\n"
         "  client.pem    client certificate signed by the CA\n"
         "  client.key    its key, encrypted PKCS#8 (PBES2 AES-256)\n"
         "  client.key.password  its password (mode 0600)\n"
         "  wrong.password       a password that does not open client.key\n"
         "  other-ca.pem  a CA that signed nothing here\n",
         pki.dir);

  struct responder *server = NULL;
  int port = 0;
  if (responder_start(&server, pki.node_cert_pem, pki.node_key_pem, pki.ca_pem, NULL, &port,
                      err, sizeof err) != 0) {
    fprintf(stderr, "cassl demo: %s\n", err);
    pki_destroy(&pki);
    return 1;
  }
  tool_error_out = stdout;
  printf("started a TLS CQL responder on 127.0.0.1:%d (client certificate required)\n", port);

  static const struct step steps[] = {
    { "the driver's way: CA, client certificate, encrypted key, peer-cert + peer-identity",
      "Everything matches, so the handshake, both checks and the CQL exchange succeed.",
      EXIT_OK, CASS_OK },
    { "untrusted CA",
      "The client trusts other-ca.pem, which did not sign the node certificate.", EXIT_VERIFY,
      CASS_ERROR_SSL_INVALID_PEER_CERT },
    { "identity mismatch",
      "The client checks the host name node1.example.com, which the certificate does not hold.",
      EXIT_VERIFY, CASS_ERROR_SSL_IDENTITY_MISMATCH },
    { "wrong key password",
      "The client key cannot be decrypted, so nothing is sent to the node.", EXIT_LOCAL,
      CASS_ERROR_SSL_INVALID_PRIVATE_KEY },
  };
  bool all_ok = true;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    struct probe_opts o;
    probe_opts_init(&o);
    o.host = strdup("127.0.0.1");
    o.port = port;
    o.ca[0] = i == 1 ? pki.other_ca_file : pki.ca_file;
    o.ca_count = 1;
    o.cert = pki.client_cert_file;
    o.key = pki.client_key_file;
    const char *password_file = i == 3 ? pki.wrong_password_file : pki.password_file;
    if (read_password_file(password_file, &o.key_password) != 0) {
      fprintf(stderr, "cassl demo: cannot read %s\n", password_file);
      all_ok = false;
    }
    o.key_password_source = "--key-password-file";
    /* The failures show only their diagnosis; the first run shows the whole report. */
    o.quiet = i > 0;
    o.verify_flags = CASS_SSL_VERIFY_PEER_CERT |
                     (i == 2 ? CASS_SSL_VERIFY_PEER_IDENTITY_DNS : CASS_SSL_VERIFY_PEER_IDENTITY);
    if (i == 2)
      o.hostname = "node1.example.com";
    o.timeout_ms = 5000;
    all_ok &= run_step((int)i + 1, &steps[i], &o, password_file, server);
    probe_opts_clear(&o);
  }

  responder_stop(server);
  pki_destroy(&pki);
  printf("\nremoved the temporary directory; %s\n",
         all_ok ? "every step behaved as expected" : "SOME STEPS DID NOT BEHAVE AS EXPECTED");
  return all_ok ? EXIT_OK : 1;
}
