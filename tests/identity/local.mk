# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/identity/local.mk: the identity test group: the identity rules on their own, then
# against real servers.
check_PROGRAMS += tests/identity/test_identity
TESTS += tests/identity/test_identity
tests_identity_test_identity_SOURCES = tests/identity/test_identity.c
tests_identity_test_identity_CPPFLAGS = $(test_cppflags)
tests_identity_test_identity_CFLAGS = $(test_cflags)
tests_identity_test_identity_LDADD = $(test_ldadd)

# Names and chains at the edges (name constraints, CN string types, dates of intermediates,
# empty subjectAltName entries and subjects) against real servers.
EXTRA_DIST += tests/fixtures/names.sh
if BACKEND_GNUTLS
check_PROGRAMS += tests/identity/test_identity_peers
TESTS += tests/identity/test_identity_peers
tests_identity_test_identity_peers_SOURCES = tests/identity/test_identity_peers.c
tests_identity_test_identity_peers_CPPFLAGS = $(test_cppflags)
tests_identity_test_identity_peers_CFLAGS = $(test_gnutls_cflags)
tests_identity_test_identity_peers_LDADD = $(test_gnutls_ldadd)
endif
