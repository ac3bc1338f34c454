# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# fuzz: libFuzzer targets (./configure CC=clang --enable-fuzzing), their seed corpora, and
# `make fuzz-smoke`, which runs each target for a bounded time from any build.
EXTRA_DIST += fuzz/README.md fuzz/make-corpus.sh fuzz/smoke.sh

fuzz_loader_programs = fuzz/fuzz_trusted_cert fuzz/fuzz_cert fuzz/fuzz_private_key \
	fuzz/fuzz_pkcs12 fuzz/fuzz_crl fuzz/fuzz_pins fuzz/fuzz_identity

fuzz_session_programs = fuzz/fuzz_session fuzz/fuzz_session_records
fuzz_tool_programs = fuzz/fuzz_cql fuzz/fuzz_inspect
fuzz_programs = $(fuzz_loader_programs) $(fuzz_session_programs) $(fuzz_tool_programs)

if ENABLE_FUZZING
noinst_PROGRAMS += $(fuzz_programs) fuzz/session_seeds
fuzz_ldadd = lib/libcassl-impl.la

fuzz_fuzz_trusted_cert_SOURCES = fuzz/fuzz_trusted_cert.c
fuzz_fuzz_trusted_cert_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_trusted_cert_LDADD = $(fuzz_ldadd)

fuzz_fuzz_cert_SOURCES = fuzz/fuzz_cert.c
fuzz_fuzz_cert_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_cert_LDADD = $(fuzz_ldadd)

fuzz_fuzz_private_key_SOURCES = fuzz/fuzz_private_key.c
fuzz_fuzz_private_key_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_private_key_LDADD = $(fuzz_ldadd)

fuzz_fuzz_pkcs12_SOURCES = fuzz/fuzz_pkcs12.c
fuzz_fuzz_pkcs12_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_pkcs12_LDADD = $(fuzz_ldadd)

fuzz_fuzz_crl_SOURCES = fuzz/fuzz_crl.c
fuzz_fuzz_crl_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_crl_LDADD = $(fuzz_ldadd)

fuzz_fuzz_pins_SOURCES = fuzz/fuzz_pins.c
fuzz_fuzz_pins_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_pins_LDADD = $(fuzz_ldadd)

fuzz_fuzz_identity_SOURCES = fuzz/fuzz_identity.c
fuzz_fuzz_identity_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_identity_LDADD = $(fuzz_ldadd)

# Sessions against an in-memory GnuTLS server (fuzz/memserver.c), and the seed generator.
fuzz_memserver = fuzz/memserver.c fuzz/memserver.h
fuzz_session_cflags = $(AM_CFLAGS) $(GNUTLS_CFLAGS)
fuzz_session_ldadd = $(fuzz_ldadd) $(GNUTLS_LIBS)

fuzz_fuzz_session_SOURCES = fuzz/fuzz_session.c $(fuzz_memserver)
fuzz_fuzz_session_CFLAGS = $(fuzz_session_cflags)
fuzz_fuzz_session_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_session_LDADD = $(fuzz_session_ldadd)

fuzz_fuzz_session_records_SOURCES = fuzz/fuzz_session_records.c $(fuzz_memserver)
fuzz_fuzz_session_records_CFLAGS = $(fuzz_session_cflags)
fuzz_fuzz_session_records_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_session_records_LDADD = $(fuzz_session_ldadd)

fuzz_session_seeds_SOURCES = fuzz/session_seeds.c $(fuzz_memserver)
fuzz_session_seeds_CFLAGS = $(fuzz_session_cflags)
fuzz_session_seeds_LDADD = $(fuzz_session_ldadd)

# The cassl tool's parsers: the CQL codec compiled alone, inspect through the tool's
# convenience library (all but its main()).
fuzz_fuzz_cql_SOURCES = fuzz/fuzz_cql.c tools/src/cql.c tools/src/cql.h
fuzz_fuzz_cql_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools/src
fuzz_fuzz_cql_LDFLAGS = $(FUZZ_LDFLAGS)

fuzz_fuzz_inspect_SOURCES = fuzz/fuzz_inspect.c
fuzz_fuzz_inspect_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools/src
fuzz_fuzz_inspect_LDFLAGS = $(FUZZ_LDFLAGS)
fuzz_fuzz_inspect_LDADD = tools/libcassl-tool.la

# Only the fuzz targets (the rest of the tree need not build for them).
fuzz-build: $(fuzz_programs) fuzz/session_seeds
fuzz-list:
	@echo $(fuzz_programs)
endif
.PHONY: fuzz-build fuzz-list

# Configures a clang build with --enable-fuzzing under this build tree, makes the corpora,
# and runs every target for FUZZ_SECONDS (default 20) each, or until FUZZ_RUNS executions.
FUZZ_SECONDS = 20
FUZZ_RUNS =
FUZZ_PARALLEL = 1
fuzz-smoke:
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_RUNS='$(FUZZ_RUNS)' FUZZ_PARALLEL='$(FUZZ_PARALLEL)' \
	  $(SHELL) '$(abs_top_srcdir)/fuzz/smoke.sh' \
	  '$(abs_top_srcdir)' '$(abs_top_builddir)/fuzzing'
.PHONY: fuzz-smoke
