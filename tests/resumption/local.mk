# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/resumption/local.mk: TLS session resumption against real peers (gnutls-serv, openssl
# s_server), an in-process GnuTLS server sharing one ticket key, threads and the libuv
# transport.
# The API level, for every backend (--with-tls=none: CASS_ERROR_LIB_NOT_IMPLEMENTED).
check_PROGRAMS += tests/resumption/test_resumption_api
TESTS += tests/resumption/test_resumption_api
tests_resumption_test_resumption_api_SOURCES = tests/resumption/test_resumption_api.c
tests_resumption_test_resumption_api_CPPFLAGS = $(test_cppflags)
tests_resumption_test_resumption_api_CFLAGS = $(test_cflags)
tests_resumption_test_resumption_api_LDADD = $(test_ldadd)

if BACKEND_GNUTLS
check_PROGRAMS += tests/resumption/test_resumption
TESTS += tests/resumption/test_resumption
tests_resumption_test_resumption_SOURCES = tests/resumption/test_resumption.c
tests_resumption_test_resumption_CPPFLAGS = $(test_cppflags)
tests_resumption_test_resumption_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_resumption_test_resumption_LDADD = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)
endif

# The cache of verified chains of the GnuTLS backend (in-process server, a test clock).
if BACKEND_GNUTLS
check_PROGRAMS += tests/resumption/test_verified_cache
TESTS += tests/resumption/test_verified_cache
tests_resumption_test_verified_cache_SOURCES = tests/resumption/test_verified_cache.c
tests_resumption_test_verified_cache_CPPFLAGS = $(test_cppflags) -I$(top_srcdir)/plugins/gnutls
tests_resumption_test_verified_cache_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_resumption_test_verified_cache_LDADD = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)
endif

# An entry whose offer failed the handshake is forgotten (a node keeping its ticket key
# moved to TLS 1.3 only).
if BACKEND_GNUTLS
check_PROGRAMS += tests/resumption/test_resumption_failed_offer
TESTS += tests/resumption/test_resumption_failed_offer
tests_resumption_test_resumption_failed_offer_SOURCES = \
	tests/resumption/test_resumption_failed_offer.c
tests_resumption_test_resumption_failed_offer_CPPFLAGS = $(test_cppflags)
tests_resumption_test_resumption_failed_offer_CFLAGS = $(test_gnutls_cflags)
tests_resumption_test_resumption_failed_offer_LDADD = $(test_gnutls_ldadd)
endif

# Stapled OCSP responses: a revoked one refuses (gnutls-serv and in-process), and a stapled
# session neither uses nor fills the verified-chain cache.
if BACKEND_GNUTLS
check_PROGRAMS += tests/resumption/test_ocsp_staple
TESTS += tests/resumption/test_ocsp_staple
tests_resumption_test_ocsp_staple_SOURCES = tests/resumption/test_ocsp_staple.c
tests_resumption_test_ocsp_staple_CPPFLAGS = $(test_cppflags) -I$(top_srcdir)/plugins/gnutls
tests_resumption_test_ocsp_staple_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_resumption_test_ocsp_staple_LDADD = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)
endif
