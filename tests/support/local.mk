# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/support/local.mk: what the test groups share, each compiled once into a check-only
# convenience library, and the test PKI and compiled JSSE server every group may use.

# Real peers for the interop tests (peers.h): servers in child processes and TCP listeners
# in threads. Link tests/support/libpeers.la.
check_LTLIBRARIES += tests/support/libpeers.la
tests_support_libpeers_la_SOURCES = tests/support/peers.h tests/support/peer_internal.h \
	tests/support/peer.c tests/support/peer_fixtures.c tests/support/peer_process.c \
	tests/support/peer_gnutls_serv.c tests/support/peer_openssl.c tests/support/peer_jsse.c \
	tests/support/peer_thread.c tests/support/peer_tcp.c tests/support/peer_relay.c
tests_support_libpeers_la_CPPFLAGS = $(test_cppflags)
tests_support_libpeers_la_CFLAGS = $(AM_CFLAGS)

# The helpers of the groups (link tests/support/libsupport.la before libpeers.la):
# transport_util.h (every backend); with GnuTLS, session_util.h (a tiny PKI, an in-process
# server session and its pump), session_net.h (a session over TCP to a real peer),
# transport_tls_server.c (the in-process TLS server of transport_util.h), beyond_util.h.
check_LTLIBRARIES += tests/support/libsupport.la
tests_support_libsupport_la_SOURCES = tests/support/transport_util.c \
	tests/support/transport_util.h tests/support/loopback.h
if BACKEND_GNUTLS
tests_support_libsupport_la_SOURCES += tests/support/session_util.c \
	tests/support/session_util.h tests/support/session_net.c tests/support/session_net.h \
	tests/support/transport_tls_server.c tests/support/beyond_util.c \
	tests/support/beyond_util.h
endif
tests_support_libsupport_la_CPPFLAGS = $(test_cppflags)
tests_support_libsupport_la_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)

# The peer helpers themselves: every peer starts, serves and stops as peers.h says.
check_PROGRAMS += tests/support/test_peers
TESTS += tests/support/test_peers
tests_support_test_peers_SOURCES = tests/support/test_peers.c
tests_support_test_peers_CPPFLAGS = $(test_cppflags)
tests_support_test_peers_CFLAGS = $(test_cflags)
tests_support_test_peers_LDADD = tests/support/libpeers.la $(test_ldadd)

# The test PKI and the compiled JSSE server exist before any test runs.
check_DATA += tests/fixtures/pki.stamp tests/fixtures/java.stamp
EXTRA_DIST += tests/fixtures/pki.sh tests/peers/JsseServer.java

if BACKEND_GNUTLS
# Certificates with a NUL byte inside a name, which certtool cannot write.
check_PROGRAMS += tests/support/mknulcert
tests_support_mknulcert_SOURCES = tests/support/mknulcert.c
tests_support_mknulcert_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS)
tests_support_mknulcert_LDADD = $(GNUTLS_LIBS)
pki_mknulcert = tests/support/mknulcert$(EXEEXT)
else
pki_mknulcert =
endif

# Which JDK tools this machine has, rewritten only when that changes: the fixtures made with
# them, or without them (the keytool stores, the compiled JSSE server), are remade when a JDK
# is installed or removed instead of failing as leftovers.
tests/fixtures/jdk.found: tests-probe-jdk
	@mkdir -p tests/fixtures && \
	now=$$(for t in keytool javac; do \
	  if command -v $$t >/dev/null 2>&1; then echo "$$t found"; else echo "$$t missing"; fi; \
	done) && \
	if test "$$(cat $@ 2>/dev/null)" != "$$now"; then printf '%s\n' "$$now" >$@; fi
tests-probe-jdk:
local_phony += tests-probe-jdk

tests/fixtures/pki.stamp: $(top_srcdir)/tests/fixtures/pki.sh $(pki_mknulcert) \
		tests/fixtures/jdk.found
	$(AM_V_GEN)rm -rf tests/fixtures/pki && mkdir -p tests/fixtures && \
	CASSL_FIXTURES='$(abs_top_builddir)/tests/fixtures' \
	MKNULCERT='$(if $(pki_mknulcert),$(abs_top_builddir)/$(pki_mknulcert))' \
	$(SHELL) $(top_srcdir)/tests/fixtures/pki.sh && touch $@

# Without javac the JSSE tests skip (exit 77); the build goes on.
tests/fixtures/java.stamp: $(top_srcdir)/tests/peers/JsseServer.java tests/fixtures/jdk.found
	$(AM_V_GEN)mkdir -p tests/fixtures && rm -rf tests/fixtures/java tests/fixtures/java.tmp && \
	if command -v javac >/dev/null 2>&1; then \
	  javac -d tests/fixtures/java.tmp $(top_srcdir)/tests/peers/JsseServer.java && \
	  mv tests/fixtures/java.tmp tests/fixtures/java; \
	else echo "javac not found: the JSSE interop tests will be skipped"; fi && touch $@

# Only what these rules and the peer helpers generate: tests/fixtures/ also holds sources.
clean_local_hooks += clean-peers-fixtures
clean-peers-fixtures:
	-rm -rf tests/fixtures/pki tests/fixtures/pki.tmp.* tests/fixtures/java \
	  tests/fixtures/java.tmp* tests/fixtures/peer-logs tests/fixtures/pki.stamp \
	  tests/fixtures/java.stamp tests/fixtures/jdk.found
