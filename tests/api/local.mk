# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/api/local.mk: the api test group (the CassSsl object, error codes, the driver header).
# Built for every backend: with --with-tls=none it checks CASS_ERROR_LIB_NOT_IMPLEMENTED.
check_PROGRAMS += tests/api/test_api
TESTS += tests/api/test_api
tests_api_test_api_SOURCES = tests/api/test_api.c tests/api/test_api_compat.c \
	tests/api/test_api_compat.h tests/api/compat/cassandra.h
tests_api_test_api_CPPFLAGS = $(test_cppflags)
tests_api_test_api_CFLAGS = $(test_cflags)
tests_api_test_api_LDADD = $(test_ldadd)

# The library's own initialisation against unmatched cassl_global_cleanup calls (GnuTLS
# without its implicit initialisation).
if BACKEND_GNUTLS
check_PROGRAMS += tests/api/test_global_refs
TESTS += tests/api/test_global_refs
tests_api_test_global_refs_SOURCES = tests/api/test_global_refs.c
tests_api_test_global_refs_CPPFLAGS = $(test_cppflags)
tests_api_test_global_refs_CFLAGS = $(test_gnutls_cflags)
tests_api_test_global_refs_LDADD = $(test_gnutls_ldadd)
endif
