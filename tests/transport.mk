# tests/transport.mk: the transport test group (the libuv transport, include/cassl/uv.h).
# test_transport_tcp needs no TLS peer.
transport_util = tests/test_transport_util.c tests/test_transport_util.h

check_PROGRAMS += tests/test_transport_tcp
TESTS += tests/test_transport_tcp
tests_test_transport_tcp_SOURCES = tests/test_transport_tcp.c $(transport_util)
tests_test_transport_tcp_CPPFLAGS = $(test_cppflags)
tests_test_transport_tcp_CFLAGS = $(test_cflags)
tests_test_transport_tcp_LDADD = $(test_ldadd)
