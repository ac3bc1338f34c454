# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# tests/packaging/local.mk: what a distribution installs (symbols, SONAME, pkg-config, headers,
# the static archive's global names, the API man pages) and the release metadata (version
# macros, cassl_version).
TESTS += tests/packaging/install.sh tests/packaging/static.sh tests/packaging/man.sh
EXTRA_DIST += tests/packaging/install.sh tests/packaging/static.sh tests/packaging/man.sh \
	tests/packaging/driver_app.c

# The driver's libcassandra in the same process (a fake exporting its cass_ssl_* names).
TESTS += tests/packaging/symbols.sh
EXTRA_DIST += tests/packaging/symbols.sh tests/packaging/fake_cassandra.c \
	tests/packaging/driver_names_app.c

check_PROGRAMS += tests/packaging/test_version
TESTS += tests/packaging/test_version
tests_packaging_test_version_SOURCES = tests/packaging/test_version.c
tests_packaging_test_version_CPPFLAGS = $(test_cppflags)
tests_packaging_test_version_CFLAGS = $(test_cflags)
tests_packaging_test_version_LDADD = $(test_ldadd)

# The Debian symbols file against the library (and dpkg-gensymbols -c4 where it exists).
TESTS += tests/packaging/debian_symbols.sh
EXTRA_DIST += tests/packaging/debian_symbols.sh

# The README's C example with the README's build line, from the build tree.
TESTS += tests/packaging/readme_example.sh
EXTRA_DIST += tests/packaging/readme_example.sh

# The RPM spec and the Debian changelog against configure's version (rpmbuild runs in .ci/run).
TESTS += tests/packaging/rpm_spec.sh
EXTRA_DIST += tests/packaging/rpm_spec.sh
