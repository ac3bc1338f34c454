# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The backend-independent core, linked together with exactly one plugin.
cassl_headersdir = $(includedir)/cassl
cassl_headers_HEADERS = include/cassl/cassl.h include/cassl/inspect.h include/cassl/session.h \
	include/cassl/uv.h
nodist_cassl_headers_HEADERS = include/cassl/version.h
EXTRA_DIST += include/cassl/version.h.in
DISTCLEANFILES += include/cassl/version.h
pkgconfig_DATA += cassl-$(TLS_BACKEND).pc

core_sources = \
	lib/backend.h \
	lib/bytequeue.c lib/bytequeue.h \
	lib/cert_info.c \
	lib/cred_files.c lib/cred_files.h \
	lib/errmsg.h lib/errors.c \
	lib/file_info.c lib/file_info.h \
	lib/identity.c lib/identity.h \
	lib/names.c lib/names.h \
	lib/secure.c lib/secure.h \
	lib/session.c lib/session_object.h \
	lib/session_cache.c lib/session_cache.h \
	lib/ssl.c lib/ssl_object.h \
	lib/uv_conn.h lib/uv_connect.c lib/uv_io.c lib/uv_transport.c \
	lib/version.c

core_cflags = $(LIBUV_CFLAGS) $(NETTLE_CFLAGS)
core_libs = $(LIBUV_LIBS) $(NETTLE_LIBS)

# Every object of the library, with all internal symbols visible: the installed library
# wraps it with a version script; white-box tests link it directly.
noinst_LTLIBRARIES += lib/libcassl-impl.la
lib_libcassl_impl_la_SOURCES = $(core_sources) $(backend_sources)
lib_libcassl_impl_la_CFLAGS = $(AM_CFLAGS) $(core_cflags) $(backend_cflags)
lib_libcassl_impl_la_LIBADD = $(core_libs) $(backend_libs)

# -Bsymbolic-functions: the library's calls to its own exported functions bind inside it,
# never through the PLT to a same-named definition elsewhere in the process.
lib_ldflags = -version-info $(LT_CURRENT):$(LT_REVISION):$(LT_AGE) -no-undefined \
	-Wl,--version-script=$(top_builddir)/lib/libcassl.sym -Wl,-Bsymbolic-functions

if BACKEND_GNUTLS
lib_LTLIBRARIES += lib/libcassl-gnutls.la
lib_libcassl_gnutls_la_SOURCES =
lib_libcassl_gnutls_la_LIBADD = lib/libcassl-impl.la
lib_libcassl_gnutls_la_LDFLAGS = $(lib_ldflags)
EXTRA_lib_libcassl_gnutls_la_DEPENDENCIES = lib/libcassl.sym
cassl_lib = lib/libcassl-gnutls.la
endif
if BACKEND_NONE
lib_LTLIBRARIES += lib/libcassl-none.la
lib_libcassl_none_la_SOURCES =
lib_libcassl_none_la_LIBADD = lib/libcassl-impl.la
lib_libcassl_none_la_LDFLAGS = $(lib_ldflags)
EXTRA_lib_libcassl_none_la_DEPENDENCIES = lib/libcassl.sym
cassl_lib = lib/libcassl-none.la
endif

# With --enable-static, libtool's archive holds every object with the internal symbols global
# (hidden visibility does not hide names inside an archive). Replace it with one partially
# linked object (ld -r) whose hidden symbols are made local (objcopy --localize-hidden): only
# the API stays global, as in the shared library. Installing copies the rewritten archive.
if ENABLE_STATIC
static_localized = lib/static-localized.stamp
all-local: $(static_localized)
$(static_localized): $(cassl_lib)
	$(AM_V_GEN)a=lib/.libs/libcassl-$(TLS_BACKEND).a; o=lib/.libs/libcassl-$(TLS_BACKEND).o; \
	$(LD) -r --whole-archive "$$a" -o "$$o" && \
	$(OBJCOPY) --localize-hidden "$$o" && \
	rm -f "$$a" && $(AR) cr "$$a" "$$o" && $(RANLIB) "$$a" && rm -f "$$o" && touch $@
CLEANFILES += $(static_localized)
else
static_localized =
endif
