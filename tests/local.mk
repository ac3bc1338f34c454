# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Test suite: plain automake parallel harness; one cmocka group per binary; exit 77 = skip.
# One folder per layer (tests/<layer>/: its tests, its own helpers and local.mk, included
# below); a new group goes into its layer's local.mk, a new layer into a folder of its own.
# What several layers share is in tests/support/, compiled once into check-only convenience
# libraries; the fixture scripts are in tests/fixtures/, which also receives their output.
test_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/support
test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LIBUV_CFLAGS)
test_ldadd = lib/libcassl-impl.la $(CMOCKA_LIBS) $(LIBUV_LIBS)
# The shared helpers (tests/support), compiled once; link them before the library.
test_support = tests/support/libsupport.la tests/support/libpeers.la
# The groups that run GnuTLS themselves (an in-process server, a test PKI, fixtures).
test_gnutls_cflags = $(test_cflags) $(GNUTLS_CFLAGS)
test_gnutls_ldadd = $(test_support) $(test_ldadd) $(GNUTLS_LIBS)

AM_TESTS_ENVIRONMENT = \
	CASSL_SRCDIR='$(abs_top_srcdir)'; export CASSL_SRCDIR; \
	CASSL_BUILDDIR='$(abs_top_builddir)'; export CASSL_BUILDDIR; \
	CASSL_FIXTURES='$(abs_top_builddir)/tests/fixtures'; export CASSL_FIXTURES; \
	CASSL_BACKEND='$(TLS_BACKEND)'; export CASSL_BACKEND; \
	CASSL_LIBDIR='$(libdir)'; export CASSL_LIBDIR; \
	CASSL_INCLUDEDIR='$(includedir)'; export CASSL_INCLUDEDIR; \
	CASSL_MANDIR='$(mandir)'; export CASSL_MANDIR; \
	CASSL_SONAME_MAJOR='$(SONAME_MAJOR)'; export CASSL_SONAME_MAJOR; \
	CASSL_VERSION='$(PACKAGE_VERSION)'; export CASSL_VERSION; \
	CASSL_CC='$(CC)'; export CASSL_CC; \
	CASSL_BUILD_CFLAGS='$(CFLAGS)'; export CASSL_BUILD_CFLAGS; \
	CASSL_BUILD_LDFLAGS='$(LDFLAGS)'; export CASSL_BUILD_LDFLAGS;

check_LTLIBRARIES =

include tests/support/local.mk
include tests/api/local.mk
include tests/credentials/local.mk
include tests/identity/local.mk
include tests/session/local.mk
include tests/transport/local.mk
include tests/tool/local.mk
include tests/packaging/local.mk
include tests/hardening/local.mk
include tests/beyond/local.mk
include tests/resumption/local.mk
include tests/faults/local.mk
include tests/driver/local.mk
include tests/inspect/local.mk
include tests/rotation/local.mk
include tests/pkcs11/local.mk

EXTRA_DIST += tests/valgrind-wrap tests/valgrind.supp

# The compiled tests under valgrind memcheck (shell tests run as usual).
check-valgrind:
	$(MAKE) $(AM_MAKEFLAGS) check LOG_COMPILER='$(abs_top_srcdir)/tests/valgrind-wrap'

# Generated fixtures live beside the fixture scripts (in-tree builds): remove all but scripts.
clean_local_hooks += clean-generated-fixtures
clean-generated-fixtures:
	-for f in tests/fixtures/* tests/fixtures/.[!.]*; do \
	  case "$$f" in *.sh|*'*') ;; *) rm -rf "$$f" ;; esac; \
	done
