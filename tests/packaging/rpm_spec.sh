#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The RPM spec (packaging/rpm/libcassl.spec) and the Debian changelog follow the release:
# the spec's Version, its latest %changelog entry and the Debian changelog's upstream version
# are configure's; the spec ships the SONAME this build makes; and where rpmspec exists, the
# spec parses and names the three packages. The package itself is built by .ci/run
# (rpmbuild -ba from the make dist tarball).
set -eu
export LC_ALL=C
: "${CASSL_SRCDIR:?}" "${CASSL_VERSION:?}" "${CASSL_SONAME_MAJOR:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
spec="$CASSL_SRCDIR/packaging/rpm/libcassl.spec"
[ -f "$spec" ] || fail "no $spec"
v=$(awk '$1 == "Version:" {print $2; exit}' "$spec")
[ "$v" = "$CASSL_VERSION" ] || fail "the spec's Version is $v, configure's $CASSL_VERSION"
r=$(awk '$1 == "Release:" {sub(/%.*/, "", $2); print $2; exit}' "$spec")
entry=$(sed -n '/^%changelog/{n;p;q}' "$spec")
case "$entry" in
  "* "*" - $v-$r") ;;
  *) fail "the spec's latest %changelog entry is not for $v-$r: $entry" ;;
esac
grep -q "libcassl-gnutls\.so\.$CASSL_SONAME_MAJOR\$" "$spec" ||
  fail "the spec does not ship libcassl-gnutls.so.$CASSL_SONAME_MAJOR"
deb=$(sed -n '1s/^libcassl (\([^-)]*\)-[^)]*).*/\1/p' "$CASSL_SRCDIR/packaging/debian/changelog")
[ "$deb" = "$CASSL_VERSION" ] || fail "debian/changelog is for $deb, configure's $CASSL_VERSION"
if command -v rpmspec >/dev/null 2>&1; then
  got=$(rpmspec -q --qf '%{name}-%{version}\n' "$spec" | tr '\n' ' ')
  want="libcassl-$v libcassl-devel-$v cassl-tools-$v "
  [ "$got" = "$want" ] || fail "rpmspec -q gives '$got', not '$want'"
else
  echo "rpmspec is not installed (Debian: rpm): the spec's syntax is not checked here"
fi
echo "ok: the spec and the Debian changelog are for $CASSL_VERSION"
