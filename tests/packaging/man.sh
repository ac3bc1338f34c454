#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The API man pages: mandoc -Tlint finds nothing, the footer carries configure's version and
# a date, and every function the library exports is documented on one of them.
set -eu
: "${CASSL_BUILDDIR:?}" "${CASSL_SRCDIR:?}" "${CASSL_BACKEND:?}"
if ! command -v mandoc >/dev/null 2>&1; then
  echo "SKIP: mandoc is not installed (Debian: mandoc), the man pages are not linted"
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
pages="cassl_ssl cassl_session cassl_uv cassl_errors cassl_version cassl_inspect"
version=$(sed -n 's/^#define CASSL_VERSION_STRING "\(.*\)"$/\1/p' \
  "$CASSL_BUILDDIR/include/cassl/version.h")
[ -n "$version" ] || fail "no CASSL_VERSION_STRING in include/cassl/version.h"

all=""
for p in $pages; do
  f="$CASSL_BUILDDIR/man/$p.3"
  [ -f "$f" ] || fail "no $f"
  all="$all $f"
  lint=$(mandoc -Tlint "$f" 2>&1 || true)
  [ -z "$lint" ] || fail "mandoc -Tlint $p.3: $lint"
  grep -E -q "^\.TH [A-Z_]+ 3 \"[0-9]{4}-[0-9]{2}-[0-9]{2}\" \"libcassl $version\"" "$f" ||
    fail "$p.3: the .TH line lacks the date or 'libcassl $version': $(grep '^\.TH' "$f")"
done
lint=$(mandoc -Tlint "$CASSL_BUILDDIR/tools/cassl.1" 2>&1 || true)
[ -z "$lint" ] || fail "mandoc -Tlint cassl.1: $lint"

so=$(ls "$CASSL_BUILDDIR"/lib/.libs/libcassl-"$CASSL_BACKEND".so.* 2>/dev/null | head -1)
if [ -n "$so" ]; then
  missing=""
  for name in $(nm -D --defined-only "$so" | awk '$2 == "T" {print $3}' | sed 's/@.*//'); do
    cat $all | grep -q -w -- "$name" || missing="$missing $name"
  done
  [ -z "$missing" ] || fail "exported but in no man page:$missing"
fi
# The driver's names are aliases of cassl_ssl(3).
for name in $(grep -o 'cass_ssl_[a-z_0-9]*(' "$CASSL_SRCDIR/include/cassl/cassl.h" | tr -d '(' | sort -u); do
  f="$CASSL_BUILDDIR/man/$name.3"
  [ -f "$f" ] || fail "no alias page $name.3 for the driver's $name"
  [ "$(cat "$f")" = '.so man3/cassl_ssl.3' ] || fail "$name.3 is not '.so man3/cassl_ssl.3'"
  grep -q -w "cassl_${name#cass_}" "$CASSL_BUILDDIR/man/cassl_ssl.3" || fail "cassl_ssl.3 lacks cassl_${name#cass_}"
done
echo "man pages: lint clean, footer 'libcassl $version', every exported function documented"
