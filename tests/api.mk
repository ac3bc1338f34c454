# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/api.mk: the api test group (the CassSsl object, error codes, the driver header).
# Built for every backend: with --with-tls=none it checks CASS_ERROR_LIB_NOT_IMPLEMENTED.
check_PROGRAMS += tests/test_api
TESTS += tests/test_api
tests_test_api_SOURCES = tests/test_api.c tests/test_api_compat.c tests/test_api_compat.h \
	tests/compat/cassandra.h
tests_test_api_CPPFLAGS = $(test_cppflags)
tests_test_api_CFLAGS = $(test_cflags)
tests_test_api_LDADD = $(test_ldadd)
