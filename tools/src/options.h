/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Command-line parsing shared by the subcommands, and the probe's settings. */
#ifndef CASSL_TOOL_OPTIONS_H
#define CASSL_TOOL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_MAX_FILES 16

struct probe_opts {
  char *host;               /* name or IP literal, without brackets */
  int port;
  const char *ca[PROBE_MAX_FILES];
  size_t ca_count;
  const char *crl[PROBE_MAX_FILES];
  size_t crl_count;
  const char *pin[PROBE_MAX_FILES];
  size_t pin_count;
  bool system_ca;
  const char *pkcs12;       /* client certificate, chain and key; password as for --key */
  const char *cert;
  const char *key;
  char *key_password;       /* NULL = none; wiped and freed by probe_opts_clear */
  const char *key_password_source; /* "--key-password", "--key-password-file", "CASSL_KEY_PASSWORD" */
  int verify_flags;         /* CassSslVerifyFlags */
  const char *hostname;     /* --hostname */
  bool resolve_hostname;
  const char *sni;
  int min_tls;              /* -1 = library default; else CASS_SSL_VERSION_* / CASSL_SSL_VERSION_TLS1_3 */
  const char *priority;
  unsigned timeout_ms;
  bool no_cql;
  bool no_resume;            /* cassl_ssl_set_session_resumption(ssl, cass_false) */
  unsigned repeat;          /* reconnections after the first connection (--repeat) */
  bool json;
  bool quiet;
};

void probe_opts_init(struct probe_opts *o);
void probe_opts_clear(struct probe_opts *o);

/* Parses `probe` arguments (argv[0] is "probe"). Returns 0, or an exit code after printing
 * why (EXIT_USAGE; EXIT_LOCAL for an unusable password file). -1: help was printed. */
int probe_parse(int argc, char **argv, struct probe_opts *o);

/* "host", "host:port", "[v6]", "[v6]:port", or a bare IPv6 literal. 0 or -1. */
int parse_target(const char *arg, char **host, int *port);

/* "none,peer-cert,peer-identity,peer-identity-dns" -> flags. 0 or -1. */
int parse_verify_list(const char *list, int *flags);

/* The whole file, NUL-terminated (not counted in *len). 0, or -1 with errno set. */
int read_file(const char *path, unsigned char **data, size_t *len);

/* A password from the first line of a file that is not world-readable. 0; -1 when it cannot
 * be read (errno set); -2 when it is world-readable (a warning is printed). The caller wipes
 * and frees *out. */
int read_password_file(const char *path, char **out);

/* Wipes then frees a secret string. */
void free_secret(char *s);

#endif
