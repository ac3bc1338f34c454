# tests/packaging.mk: what a distribution installs (symbols, SONAME, pkg-config, headers).
TESTS += tests/packaging/install.sh
EXTRA_DIST += tests/packaging/install.sh tests/packaging/driver_app.c
