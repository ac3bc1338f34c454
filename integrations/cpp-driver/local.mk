# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# integrations/cpp-driver/local.mk: the DataStax C/C++ driver's TLS backend on libcassl, as a
# packager takes it: the patch series (debian/patches or patch -p1, in series order) and the
# backend files it adds, installed under $(pkgdatadir)/cpp-driver.
cppdriverdir = $(pkgdatadir)/cpp-driver
cppdriverpatchesdir = $(cppdriverdir)/patches
cpp_driver_files = integrations/cpp-driver/README.md \
	integrations/cpp-driver/ssl_cassl_impl.hpp integrations/cpp-driver/ssl_cassl_impl.cpp
cpp_driver_patches = integrations/cpp-driver/patches/series \
	integrations/cpp-driver/patches/0001-libcassl-tls-backend.patch \
	integrations/cpp-driver/patches/0002-mockssandra-data-after-handshake.patch \
	integrations/cpp-driver/patches/0003-mockssandra-send-alert.patch \
	integrations/cpp-driver/patches/0004-http-client-tls-errors.patch
EXTRA_DIST += integrations/cpp-driver/update-patches.sh
if BACKEND_GNUTLS
dist_cppdriver_DATA = $(cpp_driver_files)
dist_cppdriverpatches_DATA = $(cpp_driver_patches)
else
EXTRA_DIST += $(cpp_driver_files) $(cpp_driver_patches)
endif
