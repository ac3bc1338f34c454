/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The cassl command: exit codes (a contract, see cassl.1) and the subcommands. */
#ifndef CASSL_TOOL_H
#define CASSL_TOOL_H

#include <stdio.h>

#include "cassl/cassl.h"

enum tool_exit {
  EXIT_OK = 0,         /* all good (inspect: loaded / matched) */
  EXIT_USAGE = 2,      /* bad command line */
  EXIT_LOCAL = 3,      /* local credentials or files did not load */
  EXIT_CONNECT = 4,    /* TCP connect failed: refused, unreachable, name not found, timeout */
  EXIT_HANDSHAKE = 5,  /* TLS handshake failed */
  EXIT_VERIFY = 6,     /* peer verification failed (inspect --match: no match) */
  EXIT_CQL = 7         /* TLS fine, but no valid CQL answer */
};

int cmd_probe(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_pki(int argc, char **argv);

/* Prints the contract lines on stderr: "error: CASS_ERROR_<NAME>: <description>" and, when
 * detail is not empty, "detail: <detail>" (the library's sentence), and when hint is not
 * empty, "hint: <hint>". */
extern FILE *tool_error_out; /* stderr; the demo shows the lines inline on stdout */
void tool_error(CassError code, const char *detail, const char *hint);

#endif
