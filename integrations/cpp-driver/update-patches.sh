#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Keeps patches/0001-libcassl-tls-backend.patch carrying the backend files as they are here:
# its hunks for the driver's own files are edited by hand; the new files
# src/ssl/ssl_cassl_impl.hpp and .cpp at its end are made from ssl_cassl_impl.* here.
#   update-patches.sh          rewrite the new-file part
#   update-patches.sh --check  exit 1 (saying so) when it differs from the sources
set -eu
here=$(cd "$(dirname "$0")" && pwd)
patch="$here/patches/0001-libcassl-tls-backend.patch"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# Everything before the first new file is the hand-written part.
sed '/^--- \/dev\/null$/,$d' "$patch" >"$tmp"
for f in ssl_cassl_impl.hpp ssl_cassl_impl.cpp; do
  diff -u --label /dev/null --label "b/src/ssl/$f" /dev/null "$here/$f" >>"$tmp" || [ $? -eq 1 ]
done
if [ "${1:-}" = --check ]; then
  if ! cmp -s "$tmp" "$patch"; then
    echo "$patch does not carry the current ssl_cassl_impl.hpp/.cpp:" \
      "run integrations/cpp-driver/update-patches.sh" >&2
    exit 1
  fi
  exit 0
fi
cp "$tmp" "$patch"
