# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/tool/local.mk: the cassl tool, end to end (exit codes, error:/hint: lines, --json),
# and its CQL codec. The end-to-end part needs the tool (not built with --disable-tool).
if ENABLE_TOOL
TESTS += tests/tool/tool_cli.sh tests/tool/tool_probe_demo.sh tests/tool/tool_demo_files.sh \
	tests/tool/tool_pki.sh

check_PROGRAMS += tests/tool/test_tool_peers
TESTS += tests/tool/test_tool_peers
tests_tool_test_tool_peers_SOURCES = tests/tool/test_tool_peers.c tests/tool/tool_run.c \
	tests/tool/tool_run.h
tests_tool_test_tool_peers_CPPFLAGS = $(test_cppflags)
tests_tool_test_tool_peers_CFLAGS = $(test_cflags)
tests_tool_test_tool_peers_LDADD = tests/support/libpeers.la $(test_ldadd)

# cassl pki's files loaded by their real readers: JSSE and keytool, gnutls-serv, openssl.
check_PROGRAMS += tests/tool/test_tool_pki
TESTS += tests/tool/test_tool_pki
tests_tool_test_tool_pki_SOURCES = tests/tool/test_tool_pki.c tests/tool/tool_run.c \
	tests/tool/tool_run.h
tests_tool_test_tool_pki_CPPFLAGS = $(test_cppflags)
tests_tool_test_tool_pki_CFLAGS = $(test_cflags)
tests_tool_test_tool_pki_LDADD = tests/support/libpeers.la $(test_ldadd)
endif

# The CQL codec and the report emitter need no TLS backend.
check_PROGRAMS += tests/tool/test_tool_cql
TESTS += tests/tool/test_tool_cql
tests_tool_test_tool_cql_SOURCES = tests/tool/test_tool_cql.c tools/src/cql.c tools/src/cql.h
tests_tool_test_tool_cql_CPPFLAGS = $(test_cppflags) -I$(top_srcdir)/tools/src
tests_tool_test_tool_cql_CFLAGS = $(test_cflags)
tests_tool_test_tool_cql_LDADD = $(CMOCKA_LIBS)
check_PROGRAMS += tests/tool/test_tool_report
TESTS += tests/tool/test_tool_report
tests_tool_test_tool_report_SOURCES = tests/tool/test_tool_report.c tools/src/report.c \
	tools/src/report.h
tests_tool_test_tool_report_CPPFLAGS = $(test_cppflags) -I$(top_srcdir)/tools/src
tests_tool_test_tool_report_CFLAGS = $(test_cflags)
tests_tool_test_tool_report_LDADD = $(CMOCKA_LIBS)

EXTRA_DIST += tests/tool/tool_lib.sh tests/tool/tool_cli.sh tests/tool/tool_probe_demo.sh \
	tests/tool/tool_demo_files.sh tests/tool/tool_pki.sh
