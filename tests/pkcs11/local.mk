# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/pkcs11/local.mk: keys and certificates on a SoftHSM2 token, against real servers.
if BACKEND_GNUTLS
check_PROGRAMS += tests/pkcs11/test_pkcs11
TESTS += tests/pkcs11/test_pkcs11
tests_pkcs11_test_pkcs11_SOURCES = tests/pkcs11/test_pkcs11.c tests/tool/tool_run.c \
	tests/tool/tool_run.h
tests_pkcs11_test_pkcs11_CPPFLAGS = $(test_cppflags) -I$(top_srcdir)/tests/tool
tests_pkcs11_test_pkcs11_CFLAGS = $(test_gnutls_cflags)
tests_pkcs11_test_pkcs11_LDADD = $(test_gnutls_ldadd)
endif
