# tests/hardening.mk: the hardening group (fuzzer regressions, no global error state,
# secret hygiene). GnuTLS backend only: the cases need real loaders.
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_regressions
TESTS += tests/test_regressions
tests_test_regressions_SOURCES = tests/test_regressions.c
tests_test_regressions_CPPFLAGS = $(test_cppflags)
tests_test_regressions_CFLAGS = $(test_cflags)
tests_test_regressions_LDADD = $(test_ldadd)
endif
