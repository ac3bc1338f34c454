#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The driver patch series (integrations/cpp-driver/patches) as a packager drops it into
# debian/patches: every patch in series exists and has a DEP-3 header (Description, Author,
# Forwarded, Last-Update), every patch is in series and installed, 0001 adds the backend
# files exactly as they are in the tree, and the series applies with patch -p1, in order, to
# the files it creates.
set -eu
dir="${srcdir:-.}/integrations/cpp-driver"
fail=0
"$dir/update-patches.sh" --check || fail=1
while read -r p; do
  f="$dir/patches/$p"
  [ -f "$f" ] || { echo "series lists $p, which is missing" >&2; fail=1; continue; }
  for field in Description Author Forwarded Last-Update; do
    sed '/^---$/q' "$f" | grep -q "^$field: ." || { echo "$p: no DEP-3 $field:" >&2; fail=1; }
  done
done <"$dir/patches/series"
# Every patch is in series and in what make install and the tarball carry (local.mk).
for f in "$dir"/patches/*.patch; do
  p=$(basename "$f")
  grep -qx "$p" "$dir/patches/series" || { echo "$p is not in series" >&2; fail=1; }
  grep -q "patches/$p" "$dir/local.mk" || { echo "$p is not in local.mk" >&2; fail=1; }
done
# The new files apply on their own (the rest needs the driver's tree, which is not here).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n '/^--- \/dev\/null$/,$p' "$dir/patches/0001-libcassl-tls-backend.patch" >"$tmp/new.patch"
(cd "$tmp" && patch -s -p1 <new.patch) || { echo "0001's new files do not apply" >&2; fail=1; }
for f in ssl_cassl_impl.hpp ssl_cassl_impl.cpp; do
  cmp -s "$tmp/src/ssl/$f" "$dir/$f" || { echo "0001 makes a different src/ssl/$f" >&2; fail=1; }
done
exit $fail
