/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* cassl: entry point, subcommand dispatch, version and help. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cassl/cassl.h"
#include "tool.h"

static const char main_usage[] =
  "usage: cassl COMMAND [options]\n"
  "\n"
  "TLS for Cassandra clients, checked the way the driver checks it.\n"
  "\n"
  "commands:\n"
  "  probe HOST[:PORT]   connect over TLS, verify the node, ask for its CQL options\n"
  "  inspect FILE...     show the certificates and keys in PEM, DER and PKCS#12 files\n"
  "  demo                run a local CA, node and client end to end, with failures explained\n"
  "  pki SUBCOMMAND DIR  a cluster CA, node and driver certificates, keystores, truststores,\n"
  "                      configuration snippets, renewal, revocation; pki check DIR\n"
  "  help [COMMAND]      this text, or a command's options\n"
  "\n"
  "  cassl --version     the TLS backend and its version\n"
  "  cassl COMMAND --help\n";

FILE *tool_error_out;

void tool_error(CassError code, const char *detail, const char *hint)
{
  FILE *out = tool_error_out ? tool_error_out : stderr;
  fprintf(out, "error: %s: %s\n", cassl_error_name(code), cassl_error_desc(code));
  const char *labels[] = { "detail: ", "hint: " };
  const char *texts[] = { detail, hint };
  for (size_t i = 0; i < 2; i++) {
    if (!texts[i] || !*texts[i])
      continue;
    /* Sentences quote certificate names and server text: one line, no control bytes. */
    fputs(labels[i], out);
    for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
      fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
    fputc('\n', out);
  }
  fflush(out);
}

static int run(const char *name, int argc, char **argv)
{
  if (!strcmp(name, "probe"))
    return cmd_probe(argc, argv);
  if (!strcmp(name, "inspect"))
    return cmd_inspect(argc, argv);
  if (!strcmp(name, "demo"))
    return cmd_demo(argc, argv);
  if (!strcmp(name, "pki"))
    return cmd_pki(argc, argv);
  return -1;
}

int main(int argc, char **argv)
{
  /* A peer closing while we write must be an error return, not the death of the tool. */
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    fputs(main_usage, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("cassl %s (libcassl, TLS backend %s %s)\n", PACKAGE_VERSION, cassl_backend_name(),
           cassl_backend_version());
    return EXIT_OK;
  }
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
      (!strcmp(cmd, "help") && argc == 2)) {
    fputs(main_usage, stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "help")) {
    char help[] = "--help";
    char *args[] = { argv[2], help, NULL };
    int ret = run(argv[2], 2, args);
    if (ret >= 0)
      return ret;
    fprintf(stderr, "cassl: no command '%s'\n%s", argv[2], main_usage);
    return EXIT_USAGE;
  }
  int ret = run(cmd, argc - 1, argv + 1);
  if (ret >= 0)
    return ret;
  fprintf(stderr, "cassl: unknown command '%s'\n%s", cmd, main_usage);
  return EXIT_USAGE;
}
