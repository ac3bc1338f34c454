# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
if BACKEND_GNUTLS
backend_sources = \
	plugins/gnutls/backend.c \
	plugins/gnutls/bound.c \
	plugins/gnutls/cert_describe.c \
	plugins/gnutls/credentials.c \
	plugins/gnutls/file_read.c \
	plugins/gnutls/kdf_budget.c plugins/gnutls/kdf_budget.h \
	plugins/gnutls/generation.c \
	plugins/gnutls/gtls.h \
	plugins/gnutls/pem_traditional.c plugins/gnutls/pem_traditional.h \
	plugins/gnutls/pins.c \
	plugins/gnutls/pkcs11.c \
	plugins/gnutls/pkcs12.c \
	plugins/gnutls/pkcs12_limits.c plugins/gnutls/pkcs12_limits.h \
	plugins/gnutls/pkcs8_schemes.c plugins/gnutls/pkcs8_schemes.h \
	plugins/gnutls/priority.c \
	plugins/gnutls/session.c \
	plugins/gnutls/trust.c \
	plugins/gnutls/verified.c plugins/gnutls/verified.h \
	plugins/gnutls/verify.c
backend_cflags = $(GNUTLS_CFLAGS) $(NETTLE_CFLAGS) -I$(top_srcdir)/plugins/gnutls
backend_libs = $(GNUTLS_LIBS) $(NETTLE_LIBS)
endif
