# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/credentials/local.mk: the credentials test group (GnuTLS backend: keys, certificates,
# pairing).
EXTRA_DIST += tests/fixtures/keys.sh
if BACKEND_GNUTLS
check_PROGRAMS += tests/credentials/test_credentials
TESTS += tests/credentials/test_credentials
tests_credentials_test_credentials_SOURCES = tests/credentials/test_credentials.c
tests_credentials_test_credentials_CPPFLAGS = $(test_cppflags) -I$(top_srcdir)/plugins/gnutls
tests_credentials_test_credentials_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_credentials_test_credentials_LDADD = $(test_ldadd) $(GNUTLS_LIBS)
endif
