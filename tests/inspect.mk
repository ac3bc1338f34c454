# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/inspect.mk: <cassl/inspect.h>, files described and identities checked as the
# setters and sessions do.
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_inspect_api
TESTS += tests/test_inspect_api
tests_test_inspect_api_SOURCES = tests/test_inspect_api.c $(session_test_sources)
tests_test_inspect_api_CPPFLAGS = $(test_cppflags)
tests_test_inspect_api_CFLAGS = $(session_test_cflags)
tests_test_inspect_api_LDADD = $(session_test_ldadd)
endif
