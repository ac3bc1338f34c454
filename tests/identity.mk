# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/identity.mk: the identity test group.
check_PROGRAMS += tests/test_identity
TESTS += tests/test_identity
tests_test_identity_SOURCES = tests/test_identity.c
tests_test_identity_CPPFLAGS = $(test_cppflags)
tests_test_identity_CFLAGS = $(test_cflags)
tests_test_identity_LDADD = $(test_ldadd)
