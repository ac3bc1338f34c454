# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/names.mk: names and chains at the edges (name constraints, CN string types, dates of
# intermediates, empty subjectAltName entries and subjects) against real servers.
EXTRA_DIST += tests/fixtures/names.sh
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_names_peers
TESTS += tests/test_names_peers
tests_test_names_peers_SOURCES = tests/test_names_peers.c
tests_test_names_peers_CPPFLAGS = $(test_cppflags)
tests_test_names_peers_CFLAGS = $(beyond_test_cflags)
tests_test_names_peers_LDADD = $(beyond_test_ldadd)
endif
