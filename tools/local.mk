# tools: the cassl command (probe, inspect, demo). It talks to servers only through the
# installed library's public API; GnuTLS is used directly to read files, make the demo PKI and
# run the demo's embedded server. The identity policy objects are linked in for `inspect
# --match` (they are not exported by the library), so the rules are the library's own.
# tools/cassl.1 is made by configure from tools/cassl.1.in (version and date in the footer).

if ENABLE_TOOL
bin_PROGRAMS += tools/cassl
man_MANS += tools/cassl.1

tools_cassl_SOURCES = \
	tools/src/main.c tools/src/tool.h \
	tools/src/options.c tools/src/options.h \
	tools/src/report.c tools/src/report.h \
	tools/src/certinfo.c tools/src/certinfo.h \
	tools/src/inspect.c \
	tools/src/probe.c tools/src/probe.h tools/src/probe_report.c \
	tools/src/hint.c \
	tools/src/cql.c tools/src/cql.h \
	tools/src/pki.c tools/src/pki.h \
	tools/src/responder.c tools/src/responder.h \
	tools/src/demo.c \
	lib/identity.c lib/names.c lib/errors.c \
	plugins/gnutls/pem_traditional.c plugins/gnutls/pkcs8_schemes.c
tools_cassl_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tools/src -I$(top_srcdir)/plugins/gnutls
tools_cassl_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS) $(NETTLE_CFLAGS) $(LIBUV_CFLAGS)
tools_cassl_LDADD = $(cassl_lib) $(GNUTLS_LIBS) $(NETTLE_LIBS) $(LIBUV_LIBS)
# A static-only build links the archive: after it is rewritten, not while.
EXTRA_tools_cassl_DEPENDENCIES = $(static_localized)
endif
