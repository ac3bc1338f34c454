# tests/identity.mk: the identity test group, and the shared peer infrastructure.
check_PROGRAMS += tests/test_identity
TESTS += tests/test_identity
tests_test_identity_SOURCES = tests/test_identity.c
tests_test_identity_CPPFLAGS = $(test_cppflags)
tests_test_identity_CFLAGS = $(test_cflags)
tests_test_identity_LDADD = $(test_ldadd)

# Real peers for the interop tests (tests/peers.h): link tests/libpeers.la.
noinst_LTLIBRARIES += tests/libpeers.la
tests_libpeers_la_SOURCES = tests/peers.c tests/peers.h
tests_libpeers_la_CPPFLAGS = $(test_cppflags)
tests_libpeers_la_CFLAGS = $(AM_CFLAGS)

check_PROGRAMS += tests/test_peers
TESTS += tests/test_peers
tests_test_peers_SOURCES = tests/test_peers.c
tests_test_peers_CPPFLAGS = $(test_cppflags)
tests_test_peers_CFLAGS = $(test_cflags)
tests_test_peers_LDADD = tests/libpeers.la $(test_ldadd)

# The test PKI and the compiled JSSE server exist before any test runs.
check_DATA += tests/fixtures/pki.stamp tests/fixtures/java.stamp
EXTRA_DIST += tests/fixtures/pki.sh tests/peers/JsseServer.java

if BACKEND_GNUTLS
# Certificates with a NUL byte inside a name, which certtool cannot write.
check_PROGRAMS += tests/mknulcert
tests_mknulcert_SOURCES = tests/mknulcert.c
tests_mknulcert_CFLAGS = $(AM_CFLAGS) $(GNUTLS_CFLAGS)
tests_mknulcert_LDADD = $(GNUTLS_LIBS)
pki_mknulcert = tests/mknulcert$(EXEEXT)
else
pki_mknulcert =
endif

# Which JDK tools this machine has, rewritten only when that changes: the fixtures made with
# them, or without them (the keytool stores, the compiled JSSE server), are remade when a JDK
# is installed or removed instead of failing as leftovers.
tests/fixtures/jdk.found: tests-probe-jdk
	@mkdir -p tests/fixtures && \
	now=$$(for t in keytool javac; do \
	  if command -v $$t >/dev/null 2>&1; then echo "$$t found"; else echo "$$t missing"; fi; \
	done) && \
	if test "$$(cat $@ 2>/dev/null)" != "$$now"; then printf '%s\n' "$$now" >$@; fi
tests-probe-jdk:
local_phony += tests-probe-jdk

tests/fixtures/pki.stamp: $(top_srcdir)/tests/fixtures/pki.sh $(pki_mknulcert) \
		tests/fixtures/jdk.found
	$(AM_V_GEN)rm -rf tests/fixtures/pki && mkdir -p tests/fixtures && \
	CASSL_FIXTURES='$(abs_top_builddir)/tests/fixtures' \
	MKNULCERT='$(if $(pki_mknulcert),$(abs_top_builddir)/$(pki_mknulcert))' \
	$(SHELL) $(top_srcdir)/tests/fixtures/pki.sh && touch $@

# Without javac the JSSE tests skip (exit 77); the build goes on.
tests/fixtures/java.stamp: $(top_srcdir)/tests/peers/JsseServer.java tests/fixtures/jdk.found
	$(AM_V_GEN)mkdir -p tests/fixtures && rm -rf tests/fixtures/java tests/fixtures/java.tmp && \
	if command -v javac >/dev/null 2>&1; then \
	  javac -d tests/fixtures/java.tmp $(top_srcdir)/tests/peers/JsseServer.java && \
	  mv tests/fixtures/java.tmp tests/fixtures/java; \
	else echo "javac not found: the JSSE interop tests will be skipped"; fi && touch $@

# Only what these rules and tests/peers.c generate: tests/fixtures/ may also hold sources.
clean_local_hooks += clean-peers-fixtures
clean-peers-fixtures:
	-rm -rf tests/fixtures/pki tests/fixtures/pki.tmp.* tests/fixtures/java \
	  tests/fixtures/java.tmp* tests/fixtures/peer-logs tests/fixtures/pki.stamp \
	  tests/fixtures/java.stamp tests/fixtures/jdk.found
