# tests/faults.mk: the fault table (issue 7 item 2). GnuTLS backend only: the cases need a
# real TLS server (in-process GnuTLS) and the real transport.
if BACKEND_GNUTLS
check_PROGRAMS += tests/test_faults
TESTS += tests/test_faults
tests_test_faults_SOURCES = tests/test_faults.c tests/fault_relay.c tests/fault_relay.h \
	tests/test_transport_tls_peer.c $(transport_util)
tests_test_faults_CPPFLAGS = $(test_cppflags)
tests_test_faults_CFLAGS = $(test_cflags) $(GNUTLS_CFLAGS)
tests_test_faults_LDADD = $(test_ldadd) $(GNUTLS_LIBS)
endif
