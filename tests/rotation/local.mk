# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/rotation/local.mk: credentials bound to files, their reload, and rotation under load.
if BACKEND_GNUTLS
check_PROGRAMS += tests/rotation/test_rotation
TESTS += tests/rotation/test_rotation
tests_rotation_test_rotation_SOURCES = tests/rotation/test_rotation.c
tests_rotation_test_rotation_CPPFLAGS = $(test_cppflags)
tests_rotation_test_rotation_CFLAGS = $(test_gnutls_cflags)
tests_rotation_test_rotation_LDADD = $(test_gnutls_ldadd)
endif

if BACKEND_GNUTLS
check_PROGRAMS += tests/rotation/test_rotation_load
TESTS += tests/rotation/test_rotation_load
tests_rotation_test_rotation_load_SOURCES = tests/rotation/test_rotation_load.c
tests_rotation_test_rotation_load_CPPFLAGS = $(test_cppflags)
tests_rotation_test_rotation_load_CFLAGS = $(test_gnutls_cflags)
tests_rotation_test_rotation_load_LDADD = $(test_gnutls_ldadd)
endif
