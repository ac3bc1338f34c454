# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/faults/local.mk: the fault table. GnuTLS backend only: the cases need a real TLS
# server (in-process GnuTLS) and the real transport.
if BACKEND_GNUTLS
check_PROGRAMS += tests/faults/test_faults
TESTS += tests/faults/test_faults
tests_faults_test_faults_SOURCES = tests/faults/test_faults.c tests/faults/fault_relay.c \
	tests/faults/fault_relay.h
tests_faults_test_faults_CPPFLAGS = $(test_cppflags)
tests_faults_test_faults_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_faults_test_faults_LDADD = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)
endif

# The allocation-failure sweep links a copy of the library archive whose allocator calls
# are renamed to the faults_* injector (tests/faults/faults_alloc.h explains why this way).
faults_redefine = \
	--redefine-sym malloc=faults_malloc --redefine-sym calloc=faults_calloc \
	--redefine-sym realloc=faults_realloc --redefine-sym strdup=faults_strdup \
	--redefine-sym strndup=faults_strndup --redefine-sym free=faults_free \
	--redefine-sym gnutls_malloc=faults_gnutls_malloc \
	--redefine-sym gnutls_calloc=faults_gnutls_calloc \
	--redefine-sym gnutls_free=faults_gnutls_free
tests/faults/libcassl-faults.a: lib/libcassl-impl.la
	$(AM_V_GEN)$(MKDIR_P) tests/faults && \
	$${OBJCOPY:-objcopy} $(faults_redefine) lib/.libs/libcassl-impl.a $@
CLEANFILES += tests/faults/libcassl-faults.a

if BACKEND_GNUTLS
check_PROGRAMS += tests/faults/test_faults_alloc
TESTS += tests/faults/test_faults_alloc
tests_faults_test_faults_alloc_SOURCES = tests/faults/test_faults_alloc.c \
	tests/faults/faults_alloc.c tests/faults/faults_alloc.h
tests_faults_test_faults_alloc_CPPFLAGS = $(test_cppflags)
tests_faults_test_faults_alloc_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_faults_test_faults_alloc_LDADD = $(test_support) tests/faults/libcassl-faults.a \
	$(CMOCKA_LIBS) $(LIBUV_LIBS) $(GNUTLS_LIBS) $(NETTLE_LIBS) -lpthread
EXTRA_tests_faults_test_faults_alloc_DEPENDENCIES = tests/faults/libcassl-faults.a
endif

# Growth of the file reader's lists, counted on the library's allocator calls.
if BACKEND_GNUTLS
check_PROGRAMS += tests/faults/test_faults_growth
TESTS += tests/faults/test_faults_growth
tests_faults_test_faults_growth_SOURCES = tests/faults/test_faults_growth.c \
	tests/faults/faults_alloc.c tests/faults/faults_alloc.h
tests_faults_test_faults_growth_CPPFLAGS = $(test_cppflags)
tests_faults_test_faults_growth_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_faults_test_faults_growth_LDADD = tests/faults/libcassl-faults.a \
	$(CMOCKA_LIBS) $(LIBUV_LIBS) $(GNUTLS_LIBS) $(NETTLE_LIBS) -lpthread
EXTRA_tests_faults_test_faults_growth_DEPENDENCIES = tests/faults/libcassl-faults.a
endif
