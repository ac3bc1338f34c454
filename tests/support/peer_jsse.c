/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* The JSSE server of tests/peers/JsseServer.java as a peer (see peers.h). */
#define _GNU_SOURCE /* pipe2 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer_internal.h"

/* The compiled JsseServer directory, compiling it when the build did not. */
static const char *jsse_classes(void)
{
  static char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/java", peers_fixtures_dir());
  if (peers_file_exists(peers_ring_path("%s/JsseServer.class", dir)))
    return dir;
  if (!peers_program_in_path("javac"))
    return NULL;
  char tmp[PATH_MAX], src[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s/java.tmp.XXXXXX", peers_fixtures_dir());
  const char *srcdir = getenv("CASSL_SRCDIR");
  snprintf(src, sizeof src, "%s/tests/peers/JsseServer.java", srcdir ? srcdir : ".");
  mkdir(peers_fixtures_dir(), 0755);
  if (!mkdtemp(tmp))
    return NULL;
  char *argv[] = { "javac", "-d", tmp, src, NULL };
  if (peers_run_wait(argv, NULL) != 0) {
    fprintf(stderr, "peers: javac %s failed\n", src);
    return NULL;
  }
  /* A concurrent compile may have won the rename: then use theirs. */
  if (rename(tmp, dir) != 0) {
    char *rm[] = { "rm", "-rf", tmp, NULL };
    peers_run_wait(rm, NULL);
  }
  return peers_file_exists(peers_ring_path("%s/JsseServer.class", dir)) ? dir : NULL;
}

int peer_start_jsse(const peer_tls_options *o, peer **out)
{
  if (!peers_program_in_path("java")) {
    fprintf(stderr, "peers: java is not installed (Debian: openjdk-17-jre-headless)\n");
    return PEER_SKIP;
  }
  const char *classes = jsse_classes();
  if (!classes) {
    fprintf(stderr, "peers: JsseServer is not compiled and javac is not installed\n");
    return PEER_SKIP;
  }
  if (!o || !o->keystore) {
    fprintf(stderr, "peers: the JSSE server needs a keystore\n");
    return -1;
  }
  struct peer *p = peers_alloc(KIND_PROCESS, "jsse", o->host);
  if (!p)
    return -1;

  char *argv[40];
  char buf[8192];
  struct peers_args a = { argv, 0, 40, buf, 0, sizeof buf, false };
  static const char *const auth[] = { "none", "want", "need" };
  peers_arg(&a, "%s", "java");
  peers_arg(&a, "%s", "-XX:+UseSerialGC");
  peers_arg(&a, "%s", "-XX:TieredStopAtLevel=1");
  peers_arg(&a, "%s", "-Xmx128m");
  if (o->group) {
    if (!peers_group_name(o->group, 2)) {
      peers_free(p);
      return -1;
    }
    peers_arg(&a, "-Djdk.tls.namedGroups=%s", peers_group_name(o->group, 2));
  }
  if (o->jsse_signature_schemes) {
    peers_arg(&a, "-Djdk.tls.server.SignatureSchemes=%s", o->jsse_signature_schemes);
    peers_arg(&a, "%s", "-Djavax.net.debug=ssl:handshake");
  }
  peers_arg(&a, "%s", "-cp");
  peers_arg(&a, "%s", classes);
  peers_arg(&a, "%s", "JsseServer");
  peers_arg(&a, "%s", "--keystore");
  peers_arg(&a, "%s", o->keystore);
  peers_arg(&a, "%s", "--storepass");
  peers_arg(&a, "%s", o->storepass ? o->storepass : "cassandra");
  if (o->truststore) {
    peers_arg(&a, "%s", "--truststore");
    peers_arg(&a, "%s", o->truststore);
    if (o->trustpass) {
      peers_arg(&a, "%s", "--trustpass");
      peers_arg(&a, "%s", o->trustpass);
    }
  }
  peers_arg(&a, "%s", "--client-auth");
  peers_arg(&a, "%s", auth[o->client_auth]);
  if (o->version != PEER_TLS_DEFAULT) {
    peers_arg(&a, "%s", "--protocols");
    peers_arg(&a, "%s", o->version == PEER_TLS1_2 ? "TLSv1.2" : "TLSv1.3");
  }
  peers_arg(&a, "%s", "--bind");
  peers_arg(&a, "%s", p->host);
  peers_arg(&a, "%s", "--mode");
  peers_arg(&a, "%s", o->mode == PEER_MODE_CQL ? "cql" : "echo");

  int pipe_fds[2];
  if (a.overflow || pipe2(pipe_fds, O_CLOEXEC) != 0) {
    peers_free(p);
    return -1;
  }
  int rc = peers_spawn(p, argv, pipe_fds[1]);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    peers_free(p);
    return -1;
  }

  /* The JVM prints "PORT <n>" once it listens; a loaded machine can take a while. */
  char line[64];
  size_t used = 0;
  unsigned port = 0;
  double deadline = peers_now_seconds() + 60.0;
  while (!port && peers_now_seconds() < deadline) {
    struct pollfd pfd = { .fd = pipe_fds[0], .events = POLLIN };
    int ready = poll(&pfd, 1, 200);
    if (ready < 0 && errno != EINTR)
      break;
    if (ready <= 0)
      continue;
    ssize_t n = read(pipe_fds[0], line + used, sizeof line - 1 - used);
    if (n <= 0)
      break; /* the JVM exited */
    used += (size_t)n;
    line[used] = '\0';
    if (strchr(line, '\n') && sscanf(line, "PORT %u", &port) != 1)
      break;
    if (used == sizeof line - 1)
      break;
  }
  close(pipe_fds[0]);
  if (!port || port > 65535) {
    fprintf(stderr, "peers: the JSSE server did not start; its output:\n");
    peers_kill_child(p);
    peers_print_log(p);
    peers_free(p);
    return -1;
  }
  peers_set_port(p, (uint16_t)port);
  peers_registry_add(p);
  *out = p;
  return 0;
}
