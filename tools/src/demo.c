/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl demo: a local CA, node and client end to end, then three failures explained. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cassl/cassl.h"
#include "options.h"
#include "pki.h"
#include "probe.h"
#include "responder.h"
#include "tool.h"

static const char demo_usage[] =
  "usage: cassl demo [--keep DIR]\n"
  "       cassl demo --serve DIR [--force]\n"
  "Make a CA, a node certificate (CN and IP SAN 127.0.0.1) and a client certificate with an\n"
  "encrypted PKCS#8 key in a private temporary directory, start a TLS CQL responder on\n"
  "127.0.0.1 that requires client certificates, probe it the way the driver connects, then\n"
  "show three failures and their diagnosis: an untrusted CA, an identity mismatch and a\n"
  "wrong key password, each with what the node saw of it (the alert the client left with).\n"
  "Everything is removed at the end.\n"
  "\n"
  "  --keep DIR    make the files in DIR (created, or an existing empty directory) and keep\n"
  "                them; each step then prints its cassl probe command, with those files\n"
  "  --serve DIR   write the demo files into the existing directory DIR, print \"PORT <n>\"\n"
  "                and run the responder until standard input closes, with a \"node: ...\"\n"
  "                line as each connection ends; then the demo's files are removed from\n"
  "                DIR (DIR itself stays). A DIR that is not empty is refused unless\n"
  "                --force is given or, on a terminal, the answer to the question is yes\n"
  "\n"
  "exit: 0 when every step behaved as expected, 1 otherwise, 2 usage\n";

/* The files the demo writes (pki.h), named in the question --serve asks. */
static const char demo_file_names[] =
  "ca.pem, other-ca.pem, node.pem, node.key, client.pem, client.key, client.key.password, "
  "wrong.password";

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
                     struct responder *server, bool show)
{
  printf("\n== %d. %s\n%s\n", n, s->title, s->why);
  /* A command only when its files outlive the demo (--keep). */
  if (show)
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

/* -1 when dir cannot be read, else whether it holds any entry. */
static int dir_has_entries(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  int found = 0;
  struct dirent *e;
  while (!found && (e = readdir(d)))
    found = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(d);
  return found;
}

/* --serve writes into DIR and removes its files from it when the responder stops: a DIR
 * holding anything needs --force, or a yes on a terminal. EXIT_OK to go on. */
static int serve_may_use(const char *dir, bool force)
{
  int busy = dir_has_entries(dir);
  if (busy < 0) {
    fprintf(stderr, "cassl demo: cannot read the directory %s: %s\n", dir, strerror(errno));
    return 1;
  }
  if (!busy || force)
    return EXIT_OK;
  if (!isatty(STDIN_FILENO)) {
    fprintf(stderr,
            "cassl demo: %s is not empty: the demo writes %s there, replacing files of those "
            "names, and removes them when it stops; use an empty directory or --force\n",
            dir, demo_file_names);
    return EXIT_USAGE;
  }
  fprintf(stderr,
          "cassl demo: %s is not empty. The demo writes %s there, replacing files of those "
          "names, and removes them when it stops. Go on? [y/N] ",
          dir, demo_file_names);
  char answer[16];
  if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
    fprintf(stderr, "cassl demo: nothing written to %s\n", dir);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* --serve DIR: the demo's files in DIR and its responder until stdin closes, for trying
 * things by hand and for the tests. */
static int serve(const char *dir, bool force)
{
  int may = serve_may_use(dir, force);
  if (may != EXIT_OK)
    return may;
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

/* --keep DIR: a new private directory, or an existing empty one. EXIT_OK to go on. */
static int keep_dir_ready(const char *dir)
{
  if (mkdir(dir, 0700) == 0)
    return EXIT_OK;
  if (errno != EEXIST) {
    fprintf(stderr, "cassl demo: cannot create the directory %s: %s\n", dir, strerror(errno));
    return 1;
  }
  int busy = dir_has_entries(dir);
  if (busy < 0) {
    fprintf(stderr, "cassl demo: cannot read the directory %s: %s\n", dir, strerror(errno));
    return 1;
  }
  if (busy) {
    fprintf(stderr, "cassl demo: %s is not empty: --keep needs a new or an empty directory\n",
            dir);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

int cmd_demo(int argc, char **argv)
{
  const char *serve_dir = NULL, *keep_dir = NULL;
  bool force = false;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      fputs(demo_usage, stdout);
      return EXIT_OK;
    }
    if ((!strcmp(argv[i], "--serve") || !strcmp(argv[i], "--keep")) && i + 1 >= argc) {
      fprintf(stderr, "cassl demo: %s needs a directory\ntry: cassl demo --help\n", argv[i]);
      return EXIT_USAGE;
    }
    if (!strcmp(argv[i], "--serve"))
      serve_dir = argv[++i];
    else if (!strcmp(argv[i], "--keep"))
      keep_dir = argv[++i];
    else if (!strcmp(argv[i], "--force"))
      force = true;
    else {
      fprintf(stderr, "cassl demo: unexpected argument %s\ntry: cassl demo --help\n", argv[i]);
      return EXIT_USAGE;
    }
  }
  if (serve_dir && keep_dir) {
    fprintf(stderr, "cassl demo: --serve and --keep do not go together\n");
    return EXIT_USAGE;
  }
  if (force && !serve_dir) {
    fprintf(stderr, "cassl demo: --force goes with --serve DIR\n");
    return EXIT_USAGE;
  }
  if (serve_dir)
    return serve(serve_dir, force);
  if (keep_dir) {
    int ready = keep_dir_ready(keep_dir);
    if (ready != EXIT_OK)
      return ready;
  }
  char err[512];
  struct demo_pki pki;
  if (pki_create(&pki, keep_dir, err, sizeof err) != 0) {
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
    all_ok &= run_step((int)i + 1, &steps[i], &o, password_file, server, keep_dir != NULL);
    probe_opts_clear(&o);
  }

  responder_stop(server);
  const char *verdict =
    all_ok ? "every step behaved as expected" : "SOME STEPS DID NOT BEHAVE AS EXPECTED";
  if (keep_dir) {
    printf("\nkept the files in %s (the probe commands above need a running node: "
           "cassl demo --serve DIR starts one); %s\n", pki.dir, verdict);
    pki.dir[0] = '\0'; /* pki_destroy then frees and wipes without removing the files */
  } else {
    printf("\nremoved the temporary directory (cassl demo --keep DIR keeps the files and "
           "shows each step's command); %s\n", verdict);
  }
  pki_destroy(&pki);
  return all_ok ? EXIT_OK : 1;
}
