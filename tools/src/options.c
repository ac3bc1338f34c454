/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* Command-line parsing: probe's options, targets, verify lists, files and password files. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#include "cassl/cassl.h"
#include "cassl/inspect.h"
#include "options.h"
#include "tool.h"

static const char probe_usage[] =
  "usage: cassl probe [options] HOST[:PORT]\n"
  "Connect to a Cassandra node over TLS exactly as the driver would, verify it, and ask for\n"
  "its CQL options. PORT defaults to 9042; IPv6 is written [::1]:9042.\n"
  "\n"
  "  --ca FILE                trusted CA certificates (PEM bundle, or a pkcs11: URL of\n"
  "                           certificates on a token; repeatable)\n"
  "  --system-ca              trust the system's CA store too\n"
  "  --crl FILE               certificate revocation lists (PEM; repeatable)\n"
  "  --pin sha256//BASE64     accept only this server public key (repeatable; see inspect)\n"
  "  --cert FILE              client certificate (PEM; the first one is the leaf), or a\n"
  "                           pkcs11: URL of the certificate on a token\n"
  "  --key FILE               client private key (PEM, plain or encrypted), or a pkcs11:\n"
  "                           URL: the key stays on the token (PIN: ?pin-value=,\n"
  "                           ?pin-source=FILE, or --key-password)\n"
  "  --pkcs12 FILE            client certificate, chain and key from a PKCS#12 file\n"
  "                           (keytool or openssl pkcs12; its password as for --key)\n"
  "  --key-password PW        password of the key (also: CASSL_KEY_PASSWORD)\n"
  "  --key-password-file FILE read the password from FILE (mode 600 or 400: private)\n"
  "  --verify LIST            comma list of none, peer-cert, peer-identity,\n"
  "                           peer-identity-dns (default: peer-cert)\n"
  "  --hostname NAME          host name for the peer-identity-dns check\n"
  "  --resolve-hostname       find the host name by reverse DNS\n"
  "  --sni NAME               server name to send\n"
  "  --min-tls VERSION        1.0, 1.1, 1.2 or 1.3\n"
  "  --priority STRING        GnuTLS priority string instead of the system policy\n"
  "  --timeout MS             connect and handshake timeout (default 5000)\n"
  "  --no-cql                 stop after the TLS handshake\n"
  "  --repeat N               then reconnect N times with the same settings and report\n"
  "                           how many sessions resumed and the handshake times\n"
  "  --no-resume              full handshakes only (no session resumption)\n"
  "  --json                   print one JSON object\n"
  "  --quiet                  print only errors\n"
  "\n"
  "exit: 0 ok, 2 usage, 3 local credentials, 4 connect, 5 TLS handshake,\n"
  "      6 peer verification, 7 no valid CQL answer\n";

void probe_opts_init(struct probe_opts *o)
{
  memset(o, 0, sizeof *o);
  o->port = 9042;
  o->verify_flags = CASS_SSL_VERIFY_PEER_CERT;
  o->min_tls = -1;
  o->timeout_ms = 5000;
}

void free_secret(char *s)
{
  if (s) {
    explicit_bzero(s, strlen(s));
    free(s);
  }
}

void probe_opts_clear(struct probe_opts *o)
{
  free(o->host);
  free_secret(o->key_password);
  o->host = NULL;
  o->key_password = NULL;
}

int parse_target(const char *arg, char **host, int *port)
{
  const char *start = arg, *end, *port_text = NULL;
  if (arg[0] == '[') {
    start = arg + 1;
    end = strchr(start, ']');
    if (!end || end == start)
      return -1;
    if (end[1] == ':')
      port_text = end + 2;
    else if (end[1] != '\0')
      return -1;
  } else {
    const char *colon = strchr(arg, ':');
    if (colon && strchr(colon + 1, ':')) {
      end = arg + strlen(arg); /* a bare IPv6 literal: no port */
    } else if (colon) {
      end = colon;
      port_text = colon + 1;
    } else {
      end = arg + strlen(arg);
    }
    if (end == start)
      return -1;
  }
  if (port_text) {
    char *stop;
    errno = 0;
    long p = strtol(port_text, &stop, 10);
    if (errno || *port_text == '\0' || *stop != '\0' || p < 1 || p > 65535)
      return -1;
    *port = (int)p;
  }
  *host = strndup(start, (size_t)(end - start));
  return *host ? 0 : -1;
}

int parse_verify_list(const char *list, int *flags)
{
  int result = 0;
  const char *p = list;
  if (!*p)
    return -1;
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n == 4 && !strncmp(p, "none", n))
      result |= CASS_SSL_VERIFY_NONE;
    else if (n == 9 && !strncmp(p, "peer-cert", n))
      result |= CASS_SSL_VERIFY_PEER_CERT;
    else if (n == 13 && !strncmp(p, "peer-identity", n))
      result |= CASS_SSL_VERIFY_PEER_IDENTITY;
    else if (n == 17 && !strncmp(p, "peer-identity-dns", n))
      result |= CASS_SSL_VERIFY_PEER_IDENTITY_DNS;
    else
      return -1;
    p += n;
    if (*p == ',')
      p++;
  }
  *flags = result;
  return 0;
}

int read_file(const char *path, unsigned char **data, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) {
      if (ferror(f)) {
        free(buf);
        buf = NULL;
      }
      break;
    }
    unsigned char *bigger = cap < (64u << 20) ? realloc(buf, 2 * cap + 1) : NULL;
    if (!bigger) {
      free(buf);
      buf = NULL;
      errno = EFBIG;
      break;
    }
    buf = bigger;
    cap *= 2;
  }
  int saved = errno;
  fclose(f);
  if (!buf) {
    errno = saved ? saved : ENOMEM;
    return -1;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return 0;
}

int read_password_file(const char *path, char **out)
{
  struct stat st;
  if (stat(path, &st) != 0)
    return -1;
  /* As ssh does for keys: any access by the group or others is too much for a secret. */
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    const char *who = (st.st_mode & S_IROTH)   ? "readable by everyone"
                      : (st.st_mode & S_IRGRP) ? "readable by its group"
                                               : "open to other users";
    fprintf(stderr, "warning: password file %s is %s (mode %04o); refusing to use it\n", path,
            who, (unsigned)(st.st_mode & 07777));
    return -2;
  }
  unsigned char *data;
  size_t len;
  if (read_file(path, &data, &len) != 0)
    return -1;
  size_t line = strcspn((char *)data, "\r\n");
  char *pw = strndup((char *)data, line);
  explicit_bzero(data, len);
  free(data);
  if (!pw)
    return -1;
  *out = pw;
  return 0;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("cassl probe: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\ntry: cassl probe --help\n", stderr);
  return EXIT_USAGE;
}

enum {
  OPT_CA = 256, OPT_CERT, OPT_KEY, OPT_KEY_PASSWORD, OPT_KEY_PASSWORD_FILE, OPT_VERIFY,
  OPT_HOSTNAME, OPT_RESOLVE, OPT_SNI, OPT_MIN_TLS, OPT_PRIORITY, OPT_TIMEOUT, OPT_NO_CQL,
  OPT_JSON, OPT_QUIET, OPT_HELP, OPT_REPEAT, OPT_SYSTEM_CA, OPT_CRL, OPT_PIN, OPT_PKCS12, OPT_NO_RESUME
};

static const struct option probe_long[] = {
  { "ca", required_argument, NULL, OPT_CA },
  { "cert", required_argument, NULL, OPT_CERT },
  { "key", required_argument, NULL, OPT_KEY },
  { "key-password", required_argument, NULL, OPT_KEY_PASSWORD },
  { "key-password-file", required_argument, NULL, OPT_KEY_PASSWORD_FILE },
  { "verify", required_argument, NULL, OPT_VERIFY },
  { "hostname", required_argument, NULL, OPT_HOSTNAME },
  { "resolve-hostname", no_argument, NULL, OPT_RESOLVE },
  { "sni", required_argument, NULL, OPT_SNI },
  { "min-tls", required_argument, NULL, OPT_MIN_TLS },
  { "priority", required_argument, NULL, OPT_PRIORITY },
  { "timeout", required_argument, NULL, OPT_TIMEOUT },
  { "no-cql", no_argument, NULL, OPT_NO_CQL },
  { "repeat", required_argument, NULL, OPT_REPEAT },
  { "system-ca", no_argument, NULL, OPT_SYSTEM_CA },
  { "crl", required_argument, NULL, OPT_CRL },
  { "pin", required_argument, NULL, OPT_PIN },
  { "pkcs12", required_argument, NULL, OPT_PKCS12 },
  { "no-resume", no_argument, NULL, OPT_NO_RESUME },
  { "json", no_argument, NULL, OPT_JSON },
  { "quiet", no_argument, NULL, OPT_QUIET },
  { "help", no_argument, NULL, OPT_HELP },
  { NULL, 0, NULL, 0 }
};

static int set_password(struct probe_opts *o, char *pw, const char *source)
{
  free_secret(o->key_password);
  o->key_password = pw;
  o->key_password_source = source;
  return pw ? 0 : EXIT_LOCAL;
}

int probe_parse(int argc, char **argv, struct probe_opts *o)
{
  const char *password_file = NULL;
  bool password_given = false;
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", probe_long, NULL)) != -1) {
    switch (c) {
    case OPT_CA:
      if (o->ca_count == PROBE_MAX_FILES)
        return usage_error("too many --ca files (at most %d)", PROBE_MAX_FILES);
      o->ca[o->ca_count++] = optarg;
      break;
    case OPT_SYSTEM_CA: o->system_ca = true; break;
    case OPT_CRL:
      if (o->crl_count == PROBE_MAX_FILES)
        return usage_error("too many --crl files (at most %d)", PROBE_MAX_FILES);
      o->crl[o->crl_count++] = optarg;
      break;
    case OPT_PIN:
      if (o->pin_count == PROBE_MAX_FILES)
        return usage_error("too many --pin values (at most %d)", PROBE_MAX_FILES);
      o->pin[o->pin_count++] = optarg;
      break;
    case OPT_PKCS12: o->pkcs12 = optarg; break;
    case OPT_NO_RESUME: o->no_resume = true; break;
    case OPT_CERT: o->cert = optarg; break;
    case OPT_KEY: o->key = optarg; break;
    case OPT_KEY_PASSWORD:
      set_password(o, strdup(optarg), "--key-password");
      password_given = true;
      /* Hide it from ps where the platform allows. */
      memset(optarg, 'x', strlen(optarg));
      break;
    case OPT_KEY_PASSWORD_FILE: password_file = optarg; break;
    case OPT_VERIFY:
      if (parse_verify_list(optarg, &o->verify_flags) != 0)
        return usage_error("invalid --verify list '%s' (use none, peer-cert, peer-identity, "
                           "peer-identity-dns, comma-separated)", optarg);
      break;
    case OPT_HOSTNAME: o->hostname = optarg; break;
    case OPT_RESOLVE: o->resolve_hostname = true; break;
    case OPT_SNI: o->sni = optarg; break;
    case OPT_MIN_TLS:
      if (!strcmp(optarg, "1.0"))
        o->min_tls = CASS_SSL_VERSION_TLS1;
      else if (!strcmp(optarg, "1.1"))
        o->min_tls = CASS_SSL_VERSION_TLS1_1;
      else if (!strcmp(optarg, "1.2"))
        o->min_tls = CASS_SSL_VERSION_TLS1_2;
      else if (!strcmp(optarg, "1.3"))
        o->min_tls = CASSL_SSL_VERSION_TLS1_3;
      else
        return usage_error("invalid --min-tls '%s' (use 1.0, 1.1, 1.2 or 1.3)", optarg);
      break;
    case OPT_PRIORITY: o->priority = optarg; break;
    case OPT_TIMEOUT: {
      char *stop;
      errno = 0;
      long ms = strtol(optarg, &stop, 10);
      if (errno || *optarg == '\0' || *stop != '\0' || ms < 1 || ms > 3600000)
        return usage_error("invalid --timeout '%s' (milliseconds, 1 to 3600000)", optarg);
      o->timeout_ms = (unsigned)ms;
      break;
    }
    case OPT_NO_CQL: o->no_cql = true; break;
    case OPT_REPEAT: {
      char *stop;
      errno = 0;
      long n = strtol(optarg, &stop, 10);
      if (errno || *optarg == '\0' || *stop != '\0' || n < 1 || n > 1000)
        return usage_error("invalid --repeat '%s' (1 to 1000)", optarg);
      o->repeat = (unsigned)n;
      break;
    }
    case OPT_JSON: o->json = true; break;
    case OPT_QUIET: o->quiet = true; break;
    case 'h':
    case OPT_HELP:
      fputs(probe_usage, stdout);
      return -1;
    case ':':
      return usage_error("option %s needs a value", argv[optind - 1]);
    default:
      return usage_error("unknown option %s", argv[optind - 1]);
    }
  }
  if (optind != argc - 1)
    return usage_error("%s", optind >= argc ? "missing HOST[:PORT]" : "only one HOST[:PORT] please");
  if (parse_target(argv[optind], &o->host, &o->port) != 0)
    return usage_error("invalid target '%s' (HOST, HOST:PORT, [IPv6]:PORT)", argv[optind]);
  /* The library refuses these too, but only once connected; say it before. */
  if (o->sni && (cassl_is_ip_literal(o->sni) || !cassl_hostname_is_valid(o->sni)))
    return usage_error("invalid --sni '%s' (a DNS name; IP addresses are never sent as SNI)",
                       o->sni);
  if (o->hostname && !cassl_hostname_is_valid(o->hostname))
    return usage_error("invalid --hostname '%s' (a DNS name)", o->hostname);
  if (o->pkcs12 && (o->cert || o->key))
    return usage_error("%s", "give either --pkcs12 or --cert and --key, not both");
  if ((o->key || o->cert) && !(o->key && o->cert))
    return usage_error("%s", "--cert and --key go together");
  if (password_file && password_given)
    return usage_error("%s", "give either --key-password or --key-password-file, not both");
  if (password_file) {
    char *pw = NULL;
    int ret = read_password_file(password_file, &pw);
    if (ret != 0) {
      char hint[512];
      if (ret == -2)
        snprintf(hint, sizeof hint, "make the password file private: chmod 600 %s",
                 password_file);
      else
        snprintf(hint, sizeof hint, "cannot read the password file %s: %s", password_file,
                 strerror(errno));
      tool_error(CASS_ERROR_SSL_INVALID_PRIVATE_KEY, NULL, hint);
      return EXIT_LOCAL;
    }
    set_password(o, pw, "--key-password-file");
  } else if (!password_given && getenv("CASSL_KEY_PASSWORD")) {
    set_password(o, strdup(getenv("CASSL_KEY_PASSWORD")), "CASSL_KEY_PASSWORD");
  }
  return 0;
}
