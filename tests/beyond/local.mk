# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/beyond/local.mk: beyond the driver — PKCS#12, system trust and CRLs, public-key pins —
# against real peers (gnutls-serv, JSSE) through the session engine.
EXTRA_DIST += tests/fixtures/crl.sh tests/fixtures/p12.sh
# The API level, for every backend (--with-tls=none: CASS_ERROR_LIB_NOT_IMPLEMENTED).
check_PROGRAMS += tests/beyond/test_beyond_api
TESTS += tests/beyond/test_beyond_api
tests_beyond_test_beyond_api_SOURCES = tests/beyond/test_beyond_api.c
tests_beyond_test_beyond_api_CPPFLAGS = $(test_cppflags)
tests_beyond_test_beyond_api_CFLAGS = $(test_cflags)
tests_beyond_test_beyond_api_LDADD = $(test_ldadd)


if BACKEND_GNUTLS
check_PROGRAMS += tests/beyond/test_beyond_pkcs12
TESTS += tests/beyond/test_beyond_pkcs12
tests_beyond_test_beyond_pkcs12_SOURCES = tests/beyond/test_beyond_pkcs12.c
tests_beyond_test_beyond_pkcs12_CPPFLAGS = $(test_cppflags)
tests_beyond_test_beyond_pkcs12_CFLAGS = $(test_gnutls_cflags)
tests_beyond_test_beyond_pkcs12_LDADD = $(test_gnutls_ldadd)
endif

if BACKEND_GNUTLS
check_PROGRAMS += tests/beyond/test_beyond_trust
TESTS += tests/beyond/test_beyond_trust
tests_beyond_test_beyond_trust_SOURCES = tests/beyond/test_beyond_trust.c
tests_beyond_test_beyond_trust_CPPFLAGS = $(test_cppflags)
tests_beyond_test_beyond_trust_CFLAGS = $(test_gnutls_cflags)
tests_beyond_test_beyond_trust_LDADD = $(test_gnutls_ldadd)
endif

if BACKEND_GNUTLS
check_PROGRAMS += tests/beyond/test_beyond_pins
TESTS += tests/beyond/test_beyond_pins
tests_beyond_test_beyond_pins_SOURCES = tests/beyond/test_beyond_pins.c
tests_beyond_test_beyond_pins_CPPFLAGS = $(test_cppflags)
tests_beyond_test_beyond_pins_CFLAGS = $(test_gnutls_cflags)
tests_beyond_test_beyond_pins_LDADD = $(test_gnutls_ldadd)
endif

# PKCS#12 iteration counts: refused when absurd; a slow setter never blocks session creation.
if BACKEND_GNUTLS
check_PROGRAMS += tests/beyond/test_pkcs12_iterations
TESTS += tests/beyond/test_pkcs12_iterations
tests_beyond_test_pkcs12_iterations_SOURCES = tests/beyond/test_pkcs12_iterations.c
tests_beyond_test_pkcs12_iterations_CPPFLAGS = $(test_cppflags)
tests_beyond_test_pkcs12_iterations_CFLAGS = $(test_gnutls_cflags)
tests_beyond_test_pkcs12_iterations_LDADD = $(test_gnutls_ldadd)
# The test counts GnuTLS's PBKDF2 work with its own nettle_pbkdf2, which must be in the
# program's dynamic symbol table to come first in lookup.
tests_beyond_test_pkcs12_iterations_LDFLAGS = -Wl,--export-dynamic-symbol=nettle_pbkdf2
endif

# The system trust store changing under a live generation (a file of the test's bound over
# the store in a mount namespace of its own; skipped where one cannot be made).
if BACKEND_GNUTLS
check_PROGRAMS += tests/beyond/test_system_trust_live
TESTS += tests/beyond/test_system_trust_live
tests_beyond_test_system_trust_live_SOURCES = tests/beyond/test_system_trust_live.c
tests_beyond_test_system_trust_live_CPPFLAGS = $(test_cppflags)
tests_beyond_test_system_trust_live_CFLAGS = $(test_gnutls_cflags)
tests_beyond_test_system_trust_live_LDADD = $(test_gnutls_ldadd)
endif
