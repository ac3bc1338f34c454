# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/inspect/local.mk: <cassl/inspect.h>, files described and identities checked as the
# setters and sessions do.
if BACKEND_GNUTLS
check_PROGRAMS += tests/inspect/test_inspect_api
TESTS += tests/inspect/test_inspect_api
tests_inspect_test_inspect_api_SOURCES = tests/inspect/test_inspect_api.c
tests_inspect_test_inspect_api_CPPFLAGS = $(test_cppflags)
tests_inspect_test_inspect_api_CFLAGS = $(test_gnutls_cflags)
tests_inspect_test_inspect_api_LDADD = $(test_gnutls_ldadd)
endif

# The work bounds of cassl_file_info_read (item cap).
if BACKEND_GNUTLS
check_PROGRAMS += tests/inspect/test_inspect_bounds
TESTS += tests/inspect/test_inspect_bounds
tests_inspect_test_inspect_bounds_SOURCES = tests/inspect/test_inspect_bounds.c
tests_inspect_test_inspect_bounds_CPPFLAGS = $(test_cppflags)
tests_inspect_test_inspect_bounds_CFLAGS = $(test_gnutls_cflags)
tests_inspect_test_inspect_bounds_LDADD = $(test_gnutls_ldadd)
endif
