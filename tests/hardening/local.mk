# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/hardening/local.mk: the hardening group (fuzzer regressions, no global error state,
# secret hygiene). GnuTLS backend only: the cases need real loaders.
EXTRA_DIST += tests/hardening/fixtures.sh tests/hardening/tool_secrets.sh
if BACKEND_GNUTLS
# The fixtures of fixtures.sh read into memory, for test_error_state and test_secrets.
check_LTLIBRARIES += tests/hardening/libhardening.la
tests_hardening_libhardening_la_SOURCES = tests/hardening/hardening_util.c \
	tests/hardening/hardening_util.h
tests_hardening_libhardening_la_CPPFLAGS = $(test_cppflags)
tests_hardening_libhardening_la_CFLAGS = $(test_cflags)

check_PROGRAMS += tests/hardening/test_fuzz_regressions tests/hardening/test_error_state
TESTS += tests/hardening/test_fuzz_regressions tests/hardening/test_error_state

tests_hardening_test_fuzz_regressions_SOURCES = tests/hardening/test_fuzz_regressions.c
tests_hardening_test_fuzz_regressions_CPPFLAGS = $(test_cppflags)
tests_hardening_test_fuzz_regressions_CFLAGS = $(test_cflags)
tests_hardening_test_fuzz_regressions_LDADD = $(test_ldadd)

tests_hardening_test_error_state_SOURCES = tests/hardening/test_error_state.c
tests_hardening_test_error_state_CPPFLAGS = $(test_cppflags)
tests_hardening_test_error_state_CFLAGS = $(test_cflags)
tests_hardening_test_error_state_LDADD = tests/hardening/libhardening.la $(test_ldadd)
endif
if ENABLE_TOOL
TESTS += tests/hardening/tool_secrets.sh
endif

# The secret scan defines free/realloc itself; -rdynamic exports them so that the shared
# libraries (GnuTLS, nettle, GMP) call them too, and names our frames in backtraces.
if BACKEND_GNUTLS
check_PROGRAMS += tests/hardening/test_secrets
TESTS += tests/hardening/test_secrets
tests_hardening_test_secrets_SOURCES = tests/hardening/test_secrets.c \
	tests/hardening/secret_scan.c tests/hardening/secret_scan.h
tests_hardening_test_secrets_CPPFLAGS = $(test_cppflags)
tests_hardening_test_secrets_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_hardening_test_secrets_LDADD = tests/hardening/libhardening.la $(test_ldadd) $(GNUTLS_LIBS) \
	-ldl
tests_hardening_test_secrets_LDFLAGS = -rdynamic
endif
