# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/session/local.mk: the session engine groups (in-process GnuTLS server peer).
if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session
TESTS += tests/session/test_session
tests_session_test_session_SOURCES = tests/session/test_session.c
tests_session_test_session_CPPFLAGS = $(test_cppflags)
tests_session_test_session_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_LDADD = $(test_gnutls_ldadd)
endif

if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_verify
TESTS += tests/session/test_session_verify
tests_session_test_session_verify_SOURCES = tests/session/test_session_verify.c
tests_session_test_session_verify_CPPFLAGS = $(test_cppflags)
tests_session_test_session_verify_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_verify_LDADD = $(test_gnutls_ldadd)
endif

if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_threads
TESTS += tests/session/test_session_threads
tests_session_test_session_threads_SOURCES = tests/session/test_session_threads.c
tests_session_test_session_threads_CPPFLAGS = $(test_cppflags)
tests_session_test_session_threads_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_threads_LDADD = $(test_gnutls_ldadd)
endif

# Against real servers over sockets (tests/support/peers.h).
if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_peers
TESTS += tests/session/test_session_peers
tests_session_test_session_peers_SOURCES = tests/session/test_session_peers.c
tests_session_test_session_peers_CPPFLAGS = $(test_cppflags)
tests_session_test_session_peers_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_peers_LDADD = $(test_gnutls_ldadd)
endif

if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_jsse
TESTS += tests/session/test_session_jsse
tests_session_test_session_jsse_SOURCES = tests/session/test_session_jsse.c
tests_session_test_session_jsse_CPPFLAGS = $(test_cppflags)
tests_session_test_session_jsse_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_jsse_LDADD = $(test_gnutls_ldadd)
endif

# Session options: per-session flags, SNI policy, deferred verification, held final flight.
if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_options
TESTS += tests/session/test_session_options
tests_session_test_session_options_SOURCES = tests/session/test_session_options.c
tests_session_test_session_options_CPPFLAGS = $(test_cppflags)
tests_session_test_session_options_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_options_LDADD = $(test_gnutls_ldadd)
endif

# Setters racing handshakes on one object; what each session verifies against.
if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_reconfigure
TESTS += tests/session/test_session_reconfigure
tests_session_test_session_reconfigure_SOURCES = tests/session/test_session_reconfigure.c
tests_session_test_session_reconfigure_CPPFLAGS = $(test_cppflags)
tests_session_test_session_reconfigure_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_reconfigure_LDADD = $(test_gnutls_ldadd)
endif

# cassl_session_write_to's sink calling back into its session; the backend's write loop
# re-entered under the core.
if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_sink
TESTS += tests/session/test_session_sink
tests_session_test_session_sink_SOURCES = tests/session/test_session_sink.c
tests_session_test_session_sink_CPPFLAGS = $(test_cppflags)
tests_session_test_session_sink_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_sink_LDADD = $(test_gnutls_ldadd)
# Its gnutls_record_send must be in the program's dynamic symbol table to come first.
tests_session_test_session_sink_LDFLAGS = -Wl,--export-dynamic-symbol=gnutls_record_send
endif

# Unknown verify bits (options and setter) and the options size bound.
if BACKEND_GNUTLS
check_PROGRAMS += tests/session/test_session_option_checks
TESTS += tests/session/test_session_option_checks
tests_session_test_session_option_checks_SOURCES = tests/session/test_session_option_checks.c
tests_session_test_session_option_checks_CPPFLAGS = $(test_cppflags)
tests_session_test_session_option_checks_CFLAGS = $(test_gnutls_cflags)
tests_session_test_session_option_checks_LDADD = $(test_gnutls_ldadd)
endif
