# tests/packaging.mk: what a distribution installs (symbols, SONAME, pkg-config, headers).
TESTS += tests/packaging/install.sh
EXTRA_DIST += tests/packaging/install.sh tests/packaging/driver_app.c

# The driver's libcassandra in the same process (a fake exporting its cass_ssl_* names).
TESTS += tests/packaging/symbols.sh
EXTRA_DIST += tests/packaging/symbols.sh tests/packaging/fake_cassandra.c \
	tests/packaging/driver_names_app.c
