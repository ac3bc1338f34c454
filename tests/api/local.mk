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
