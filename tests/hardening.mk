# tests/hardening.mk: the hardening group (fuzzer regressions, no global error state,
# secret hygiene). GnuTLS backend only: the cases need real loaders.
EXTRA_DIST += tests/hardening-fixtures.sh tests/hardening_tool_secrets.sh
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_regressions tests/test_error_state
TESTS += tests/test_regressions tests/test_error_state

tests_test_regressions_SOURCES = tests/test_regressions.c
tests_test_regressions_CPPFLAGS = $(test_cppflags)
tests_test_regressions_CFLAGS = $(test_cflags)
tests_test_regressions_LDADD = $(test_ldadd)

tests_test_error_state_SOURCES = tests/test_error_state.c tests/hardening_util.c \
	tests/hardening_util.h
tests_test_error_state_CPPFLAGS = $(test_cppflags)
tests_test_error_state_CFLAGS = $(test_cflags)
tests_test_error_state_LDADD = $(test_ldadd)
endif
if ENABLE_TOOL
TESTS += tests/hardening_tool_secrets.sh
endif

# The secret scan defines free/realloc itself; -rdynamic exports them so that the shared
# libraries (GnuTLS, nettle, GMP) call them too, and names our frames in backtraces.
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_secrets
TESTS += tests/test_secrets
tests_test_secrets_SOURCES = tests/test_secrets.c tests/secret_scan.c tests/secret_scan.h \
	tests/hardening_util.c tests/hardening_util.h
tests_test_secrets_CPPFLAGS = $(test_cppflags)
tests_test_secrets_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_test_secrets_LDADD = $(test_ldadd) $(GNUTLS_LIBS) -ldl
tests_test_secrets_LDFLAGS = -rdynamic
endif
