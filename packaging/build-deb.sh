#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Builds the Debian packages the way a distribution does: from a release tarball (made fresh
# with `make dist`, or given), with the plain debhelper directory in packaging/debian, then
# runs lintian. Usage: packaging/build-deb.sh OUTDIR [libcassl-X.Y.Z.tar.gz]
# Needs: build-essential devscripts debhelper lintian fakeroot, the Build-Depends of
# packaging/debian/control, and autoconf/automake/libtool to make the tarball.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [TARBALL]" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ $# -ge 2 ]; then
  tarball=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
else
  # A fresh tarball from a copy of the sources (git's list in a checkout), so the tree's own
  # build, if any, is neither used nor touched.
  mkdir "$work/src"
  if [ -e "$top/.git" ]; then
    git -C "$top" ls-files -z | (cd "$top" && xargs -0 cp --parents -t "$work/src")
  else
    cp -a "$top/." "$work/src"
  fi
  (cd "$work/src" && { [ ! -f Makefile ] || make -s distclean; } &&
   autoreconf -fi >/dev/null 2>&1 && ./configure -q && make -s dist >/dev/null) || {
    echo "build-deb: making the tarball failed" >&2; exit 1; }
  tarball=$(ls "$work"/src/libcassl-*.tar.gz)
fi

base=$(basename "$tarball" .tar.gz)
version=${base#libcassl-}
rm -rf "${out:?}/${base:?}"
cp "$tarball" "$out/libcassl_$version.orig.tar.gz"
tar -C "$out" -xzf "$tarball"
# The tarball carries the reference packaging; debian/ is the packager's, beside upstream.
cp -r "$out/$base/packaging/debian" "$out/$base/debian"
cd "$out/$base"
# .ci/deps installs every Build-Depends; say what is missing before the build does.
dpkg-checkbuilddeps || { echo "build-deb: install the packages above (.ci/deps does)" >&2; exit 1; }
DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS-parallel=$(nproc)} dpkg-buildpackage -us -uc
cd "$out"
changes=$(ls -t libcassl_"$version"-*_*.changes | head -1)
echo "lintian $changes:"
lintian -I --pedantic "$changes"
