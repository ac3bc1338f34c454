# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Test suite: plain automake parallel harness; one cmocka group per binary; exit 77 = skip.
# Each group keeps its rules in tests/<group>.mk.
test_cppflags = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
test_cflags = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(LIBUV_CFLAGS)
test_ldadd = lib/libcassl-impl.la $(CMOCKA_LIBS) $(LIBUV_LIBS)

AM_TESTS_ENVIRONMENT = \
	CASSL_SRCDIR='$(abs_top_srcdir)'; export CASSL_SRCDIR; \
	CASSL_BUILDDIR='$(abs_top_builddir)'; export CASSL_BUILDDIR; \
	CASSL_FIXTURES='$(abs_top_builddir)/tests/fixtures'; export CASSL_FIXTURES; \
	CASSL_BACKEND='$(TLS_BACKEND)'; export CASSL_BACKEND; \
	CASSL_LIBDIR='$(libdir)'; export CASSL_LIBDIR; \
	CASSL_INCLUDEDIR='$(includedir)'; export CASSL_INCLUDEDIR; \
	CASSL_MANDIR='$(mandir)'; export CASSL_MANDIR; \
	CASSL_SONAME_MAJOR='$(SONAME_MAJOR)'; export CASSL_SONAME_MAJOR; \
	CASSL_CC='$(CC)'; export CASSL_CC; \
	CASSL_BUILD_CFLAGS='$(CFLAGS)'; export CASSL_BUILD_CFLAGS; \
	CASSL_BUILD_LDFLAGS='$(LDFLAGS)'; export CASSL_BUILD_LDFLAGS;

include tests/api.mk
include tests/credentials.mk
include tests/identity.mk
include tests/session.mk
include tests/transport.mk
include tests/tool.mk
include tests/packaging.mk
include tests/hardening.mk
include tests/beyond.mk
include tests/names.mk
include tests/resumption.mk
include tests/faults.mk
include tests/driver.mk
include tests/inspect.mk

EXTRA_DIST += tests/valgrind-wrap tests/valgrind.supp
# Shared by the groups that use ::1 (cases degrade without IPv6 on loopback).
EXTRA_DIST += tests/loopback.h

# The compiled tests under valgrind memcheck (shell tests run as usual).
check-valgrind:
	$(MAKE) $(AM_MAKEFLAGS) check LOG_COMPILER='$(abs_top_srcdir)/tests/valgrind-wrap'

# Generated fixtures live beside the fixture scripts (in-tree builds): remove all but scripts.
clean_local_hooks += clean-generated-fixtures
clean-generated-fixtures:
	-for f in tests/fixtures/* tests/fixtures/.[!.]*; do \
	  case "$$f" in *.sh|*'*') ;; *) rm -rf "$$f" ;; esac; \
	done
