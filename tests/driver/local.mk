# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/driver/local.mk: the cpp-driver backend (integrations/cpp-driver) built as C++
# against a stand-in of the driver's TLS interfaces and socket loop (tests/driver/standin),
# run over TCP against real peers. Needs a working C++ compiler (configure: HAVE_CXX).
driver_standin_sources = \
	tests/driver/standin/address.cpp tests/driver/standin/address.hpp \
	tests/driver/standin/allocated.hpp tests/driver/standin/cassandra.h \
	tests/driver/standin/external.hpp \
	tests/driver/standin/logger.cpp tests/driver/standin/logger.hpp \
	tests/driver/standin/ref_counted.hpp \
	tests/driver/standin/ring_buffer.cpp tests/driver/standin/ring_buffer.hpp \
	tests/driver/standin/scoped_ptr.hpp \
	tests/driver/standin/socket_connector.cpp tests/driver/standin/socket_connector.hpp \
	tests/driver/standin/ssl.cpp tests/driver/standin/ssl.hpp \
	tests/driver/standin/string.hpp
driver_backend_sources = \
	integrations/cpp-driver/ssl_cassl_impl.cpp integrations/cpp-driver/ssl_cassl_impl.hpp
# The driver's own warnings (-Wall -pedantic -Wextra, -Werror), none switched off.
driver_cxxflags = -Wall -Wextra -pedantic -Werror

# The patch series carries the backend files as they are here.
TESTS += tests/driver/patches.sh
EXTRA_DIST += tests/driver/patches.sh

if HAVE_CXX
if BACKEND_GNUTLS
check_PROGRAMS += tests/driver/test_driver
TESTS += tests/driver/test_driver
tests_driver_test_driver_SOURCES = tests/driver/test_driver.cpp $(driver_standin_sources) \
	$(driver_backend_sources) tools/src/cql.c tools/src/cql.h
# The stand-in first: its cassandra.h comes before libcassl's headers, as in the driver.
tests_driver_test_driver_CPPFLAGS = -I$(top_srcdir)/tests/driver/standin \
	-I$(top_srcdir)/integrations/cpp-driver -I$(top_srcdir)/include \
	-I$(top_srcdir)/tests/support -I$(top_srcdir)/tools/src -I$(top_builddir)
tests_driver_test_driver_CXXFLAGS = $(driver_cxxflags) $(CMOCKA_CFLAGS) $(LIBUV_CFLAGS) \
	$(GNUTLS_CFLAGS) $(PTHREAD_CFLAGS)
tests_driver_test_driver_CFLAGS = $(AM_CFLAGS)
# The installed library's exports only, as the driver links it.
tests_driver_test_driver_LDADD = tests/support/libpeers.la $(cassl_lib) $(CMOCKA_LIBS) \
	$(LIBUV_LIBS) $(GNUTLS_LIBS)
# -no-install: a real binary (no libtool wrapper script), so valgrind sees the test itself.
tests_driver_test_driver_LDFLAGS = $(PTHREAD_CFLAGS) -no-install
endif
endif
