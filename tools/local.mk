# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tools: the cassl command (probe, inspect, demo, pki). It uses the library through its
# public API only (it links the installed library's build, compiles none of its sources):
# servers are reached with cassl_uv_connect, files are read and identities judged with
# <cassl/inspect.h>. GnuTLS is used directly only to make things the library does not:
# certificates, keys, PKCS#12 stores and CRLs (pki*.c), the demo's TLS responder
# (responder.c: the library is a client), and the chain check of `pki check`.
# Everything but main() is one convenience library, linked by the tool, its tests and the
# fuzz targets instead of being compiled again for each.
# tools/cassl.1 is made by configure from tools/cassl.1.in (version and date in the footer).

# No -I for lib/ or plugins/: a tool source including a private header does not compile.
tool_cppflags = -I$(top_builddir)/include -I$(top_srcdir)/include -I$(top_builddir) \
	-I$(top_srcdir)/tools/src

if ENABLE_TOOL
bin_PROGRAMS += tools/cassl
man1_MANS += tools/cassl.1
noinst_LTLIBRARIES += tools/libcassl-tool.la

tools_libcassl_tool_la_SOURCES = \
	tools/src/tool.h \
	tools/src/options.c tools/src/options.h \
	tools/src/report.c tools/src/report.h \
	tools/src/certinfo.c tools/src/certinfo.h \
	tools/src/inspect.c \
	tools/src/probe.c tools/src/probe.h tools/src/probe_report.c \
	tools/src/hint.c \
	tools/src/cql.c tools/src/cql.h \
	tools/src/pki.c tools/src/pki.h \
	tools/src/pki_files.c tools/src/pki_files.h \
	tools/src/pki_store.c tools/src/pki_store.h \
	tools/src/pki_cmd.c tools/src/pki_cmd.h \
	tools/src/pki_config.c tools/src/pki_revoke.c tools/src/pki_check.c \
	tools/src/responder.c tools/src/responder.h \
	tools/src/demo.c
tools_libcassl_tool_la_CPPFLAGS = $(tool_cppflags)
tools_libcassl_tool_la_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS) $(LIBUV_CFLAGS)
tools_libcassl_tool_la_LIBADD = $(cassl_lib) $(GNUTLS_LIBS) $(LIBUV_LIBS)

tools_cassl_SOURCES = tools/src/main.c
tools_cassl_CPPFLAGS = $(tool_cppflags)
tools_cassl_LDADD = tools/libcassl-tool.la
# A static-only build links the archive: after it is rewritten, not while.
EXTRA_tools_cassl_DEPENDENCIES = $(static_localized)
endif
