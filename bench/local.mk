# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Benchmarks: built and run only by `make bench` (never by `make` or `make check`).
# `make bench BENCH_FLAGS=--quick` runs reduced sizes; BENCH_FLAGS=--json prints JSON lines;
# `make bench BENCH=b7` (or BENCH="b4 b8") runs only those.
bench_programs = bench/b1_bulk bench/b2_loopback bench/b3_handshake bench/b4_resumption \
	bench/b5_memory bench/b6_scale bench/b8_storm
bench_common = bench/bench.h bench/util.c bench/load.c bench/pki.c bench/memtls.c
bench_hs = bench/handshake.c bench/handshake.h
bench_server = bench/server.c
bench_cflags = $(AM_CFLAGS) $(GNUTLS_CFLAGS) $(LIBUV_CFLAGS)
bench_cppflags = $(AM_CPPFLAGS) -I$(top_builddir)/bench
bench_ldadd = $(cassl_lib) $(GNUTLS_LIBS) $(LIBUV_LIBS) -lm

EXTRA_DIST += bench/README.md bench/run.sh

if BACKEND_GNUTLS
EXTRA_PROGRAMS = $(bench_programs)
CLEANFILES += $(bench_programs) bench/resume-api.h

bench_b1_bulk_SOURCES = bench/b1_bulk.c $(bench_common)
bench_b1_bulk_CFLAGS = $(bench_cflags)
bench_b1_bulk_LDADD = $(bench_ldadd)

bench_b2_loopback_SOURCES = bench/b2_loopback.c $(bench_common) $(bench_server)
bench_b2_loopback_CFLAGS = $(bench_cflags)
bench_b2_loopback_LDADD = $(bench_ldadd)

bench_b3_handshake_SOURCES = bench/b3_handshake.c $(bench_common) $(bench_hs)
bench_b3_handshake_CFLAGS = $(bench_cflags)
bench_b3_handshake_LDADD = $(bench_ldadd)

bench_b4_resumption_SOURCES = bench/b4_resumption.c $(bench_common) $(bench_hs)
nodist_bench_b4_resumption_SOURCES = bench/resume-api.h
bench_b4_resumption_CPPFLAGS = $(bench_cppflags)
bench_b4_resumption_CFLAGS = $(bench_cflags)
bench_b4_resumption_LDADD = $(bench_ldadd)
$(bench_b4_resumption_OBJECTS): bench/resume-api.h

bench_b5_memory_SOURCES = bench/b5_memory.c $(bench_common) $(bench_hs)
bench_b5_memory_CFLAGS = $(bench_cflags)
bench_b5_memory_LDADD = $(bench_ldadd)

bench_b6_scale_SOURCES = bench/b6_scale.c $(bench_common) $(bench_server)
bench_b6_scale_CFLAGS = $(bench_cflags)
bench_b6_scale_LDADD = $(bench_ldadd)

bench_b8_storm_SOURCES = bench/b8_storm.c $(bench_common) $(bench_server)
bench_b8_storm_CFLAGS = $(bench_cflags)
bench_b8_storm_LDADD = $(bench_ldadd)

# B7: the cpp-driver backend in the driver stand-in's socket loop (tests/driver/local.mk),
# against an OpenSSL engine linked into this program only.
if HAVE_CXX
if HAVE_BENCH_OPENSSL
if ENABLE_TESTS
bench_programs += bench/b7_driver
bench_b7_driver_SOURCES = bench/b7_driver.cc $(bench_common) $(bench_server) \
	$(driver_standin_sources) $(driver_backend_sources)
bench_b7_driver_CPPFLAGS = -I$(top_srcdir)/tests/driver/standin \
	-I$(top_srcdir)/integrations/cpp-driver -I$(top_srcdir)/include -I$(top_srcdir)/bench \
	-I$(top_builddir)
bench_b7_driver_CXXFLAGS = -Wall -Wextra $(GNUTLS_CFLAGS) $(LIBUV_CFLAGS) \
	$(BENCH_OPENSSL_CFLAGS) $(PTHREAD_CFLAGS)
bench_b7_driver_CFLAGS = $(bench_cflags)
bench_b7_driver_LDADD = $(bench_ldadd) $(BENCH_OPENSSL_LIBS)
bench_b7_driver_LDFLAGS = $(PTHREAD_CFLAGS)
endif
endif
endif

# Whether the public headers declare a session-resumption call (a cache or ticket setter on
# the CassSsl, or session data get/set): B4 reports the cassl figure only when there is one.
bench/resume-api.h: $(cassl_headers_HEADERS)
	$(AM_V_GEN)mkdir -p bench && \
	name=`cat $^ | grep -o 'cassl_[a-z0-9_]*\(session_cache\|resum\|ticket\|session_data\)[a-z0-9_]*' | sort -u | tr '\n' ' ' | sed 's/ *$$//'`; \
	printf '#define BENCH_RESUMPTION_API "%s"\n' "$$name" > $@-t && mv $@-t $@

bench: $(bench_programs)
	@BENCH_DIR=$(abs_top_builddir)/bench BENCH="$(BENCH)" $(SHELL) $(abs_top_srcdir)/bench/run.sh $(BENCH_FLAGS)
else
bench:
	@echo "make bench: the benchmarks need the gnutls backend (configure --with-tls=gnutls)"; exit 1
endif
.PHONY: bench
