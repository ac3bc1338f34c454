# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/faults.mk: the fault table (issue 7 item 2). GnuTLS backend only: the cases need a
# real TLS server (in-process GnuTLS) and the real transport.
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_faults
TESTS += tests/test_faults
tests_test_faults_SOURCES = tests/test_faults.c tests/fault_relay.c tests/fault_relay.h
tests_test_faults_CPPFLAGS = $(test_cppflags)
tests_test_faults_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_test_faults_LDADD = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)
endif

# The allocation-failure sweep links a copy of the library archive whose allocator calls
# are renamed to the faults_* injector (tests/faults_alloc.h explains why this way).
faults_redefine = \
	--redefine-sym malloc=faults_malloc --redefine-sym calloc=faults_calloc \
	--redefine-sym realloc=faults_realloc --redefine-sym strdup=faults_strdup \
	--redefine-sym strndup=faults_strndup --redefine-sym free=faults_free \
	--redefine-sym gnutls_malloc=faults_gnutls_malloc \
	--redefine-sym gnutls_calloc=faults_gnutls_calloc \
	--redefine-sym gnutls_free=faults_gnutls_free
tests/libcassl-faults.a: lib/libcassl-impl.la
	$(AM_V_GEN)$${OBJCOPY:-objcopy} $(faults_redefine) lib/.libs/libcassl-impl.a $@
CLEANFILES += tests/libcassl-faults.a

if BACKEND_GNUTLS
check_PROGRAMS += tests/test_faults_alloc
TESTS += tests/test_faults_alloc
tests_test_faults_alloc_SOURCES = tests/test_faults_alloc.c tests/faults_alloc.c \
	tests/faults_alloc.h
tests_test_faults_alloc_CPPFLAGS = $(test_cppflags)
tests_test_faults_alloc_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_test_faults_alloc_LDADD = $(test_support) tests/libcassl-faults.a $(CMOCKA_LIBS) $(LIBUV_LIBS) \
	$(GNUTLS_LIBS) $(NETTLE_LIBS) -lpthread
EXTRA_tests_test_faults_alloc_DEPENDENCIES = tests/libcassl-faults.a
endif
