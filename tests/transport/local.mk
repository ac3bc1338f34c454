# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/transport/local.mk: the transport test group (the libuv transport, include/cassl/uv.h).
# test_transport_tcp needs no TLS peer; test_transport_tls runs the transport against real
# TLS peers (an in-process GnuTLS server, gnutls-serv) and so needs the GnuTLS backend.
check_PROGRAMS += tests/transport/test_transport_tcp
TESTS += tests/transport/test_transport_tcp
tests_transport_test_transport_tcp_SOURCES = tests/transport/test_transport_tcp.c
tests_transport_test_transport_tcp_CPPFLAGS = $(test_cppflags)
tests_transport_test_transport_tcp_CFLAGS = $(test_cflags)
tests_transport_test_transport_tcp_LDADD = $(test_support) $(test_ldadd)

if BACKEND_GNUTLS
check_PROGRAMS += tests/transport/test_transport_tls
TESTS += tests/transport/test_transport_tls
tests_transport_test_transport_tls_SOURCES = tests/transport/test_transport_tls.c
tests_transport_test_transport_tls_CPPFLAGS = $(test_cppflags)
tests_transport_test_transport_tls_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_transport_test_transport_tls_LDADD = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)
endif

# The transport against the shared interop peers (openssl s_server, JSSE, relay).
if BACKEND_GNUTLS
check_PROGRAMS += tests/transport/test_transport_peers
TESTS += tests/transport/test_transport_peers
tests_transport_test_transport_peers_SOURCES = tests/transport/test_transport_peers.c
tests_transport_test_transport_peers_CPPFLAGS = $(test_cppflags)
tests_transport_test_transport_peers_CFLAGS = $(test_cflags)
tests_transport_test_transport_peers_LDADD = $(test_support) $(test_ldadd)
endif
