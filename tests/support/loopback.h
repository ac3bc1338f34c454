/* SPDX-License-Identifier: Apache-2.0
 * Copyright (C) 2026 The libcassl authors */
/* IPv6 on loopback may be missing where the suite runs (a builder with
 * net.ipv6.conf.lo.disable_ipv6=1). Cases then leave out their ::1 parts or skip, saying
 * why, and still run their IPv4 parts. Include after <cmocka.h>. */
#ifndef CASSL_TESTS_LOOPBACK_H
#define CASSL_TESTS_LOOPBACK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Whether a socket can be bound to ::1 here. */
static inline bool loopback_has_ipv6(void)
{
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0)
    return false;
  /* No designated initializer: the C++ tests (-pedantic) include this header too. */
  struct sockaddr_in6 sin6;
  memset(&sin6, 0, sizeof sin6);
  sin6.sin6_family = AF_INET6;
  sin6.sin6_addr = in6addr_loopback;
  bool ok = bind(fd, (struct sockaddr *)&sin6, sizeof sin6) == 0;
  close(fd);
  return ok;
}

/* Whether host (an IP literal) can be used here: IPv4 always, IPv6 when loopback has it.
 * When not, logs the reason followed by what happens instead (consequence). */
static inline bool loopback_usable(const char *host, const char *consequence)
{
  if (!host || !strchr(host, ':') || loopback_has_ipv6())
    return true;
  print_message("IPv6 on loopback is unavailable (%s cannot be bound): %s\n", host, consequence);
  return false;
}

/* Skips the running case, with the reason, when host cannot be used here. */
#define SKIP_UNLESS_USABLE(host)                     \
  do {                                               \
    if (!loopback_usable((host), "case skipped"))    \
      skip();                                        \
  } while (0)

#endif
