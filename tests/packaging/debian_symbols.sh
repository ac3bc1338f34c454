#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The Debian symbols file (packaging/debian/libcassl-gnutls1.symbols) lists exactly what the
# library exports, each name once, for every flavour (the names are the same; only the
# version node differs). Where dpkg-gensymbols exists, the GnuTLS library passes it at the
# package build's level (-c4), and a symbol the library no longer has fails it.
set -eu
export LC_ALL=C
: "${CASSL_BUILDDIR:?}" "${CASSL_SRCDIR:?}" "${CASSL_BACKEND:?}" "${CASSL_SONAME_MAJOR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
symbols="$CASSL_SRCDIR/packaging/debian/libcassl-gnutls$CASSL_SONAME_MAJOR.symbols"
so="$CASSL_BUILDDIR/lib/.libs/libcassl-$CASSL_BACKEND.so.$CASSL_SONAME_MAJOR"
[ -f "$symbols" ] || fail "no $symbols (the SONAME is $CASSL_SONAME_MAJOR)"
[ -f "$so" ] || { echo "SKIP: no shared library $so"; exit 77; }
node=$(awk '$2 == "{" {print $1; exit}' "$CASSL_BUILDDIR/lib/libcassl.sym")
gnutls_node="CASSL_GNUTLS_$CASSL_SONAME_MAJOR"

# The symbol lines (" name@NODE version"), the GnuTLS node read as this build's node.
grep '^ ' "$symbols" | awk '{print $1}' | sed "s/$gnutls_node/$node/g" >"$tmp/listed.raw"
sort "$tmp/listed.raw" >"$tmp/listed"
sort -u "$tmp/listed.raw" | cmp -s - "$tmp/listed" ||
  fail "names listed twice in $symbols: $(sort "$tmp/listed.raw" | uniq -d)"
sort -c "$tmp/listed.raw" 2>/dev/null || fail "$symbols is not sorted (keep it sorted: LC_ALL=C)"
bad=$(grep '^ ' "$symbols" | awk 'NF != 2 || $2 !~ /^[0-9]+\.[0-9]+\.[0-9]+$/' || true)
[ -z "$bad" ] || fail "lines without a release version in $symbols: $bad"
nm -D --defined-only "$so" | awk '{print $3}' | sed "s/@@*/@/; s/^$node\$/$node@$node/" | sort >"$tmp/exported"
if ! cmp -s "$tmp/listed" "$tmp/exported"; then
  echo "the library exports (+) or lacks (-) against $symbols:" >&2
  diff "$tmp/listed" "$tmp/exported" | sed -n 's/^> /+ /p; s/^< /- /p' >&2
  fail "the symbols file and the library differ (docs/packaging.md: Adding a symbol)"
fi
echo "symbols file: $(wc -l <"$tmp/listed") symbols, as exported"

[ "$CASSL_BACKEND" = gnutls ] || { echo "dpkg-gensymbols: the file is the GnuTLS flavour's"; exit 0; }
command -v dpkg-gensymbols >/dev/null 2>&1 || { echo "no dpkg-gensymbols: not run"; exit 0; }
# As dh_makeshlibs runs it for the package of this release (debian/rules: check level 4).
version=$(sed -n 's/^#define CASSL_VERSION_STRING "\(.*\)"$/\1/p' \
  "$CASSL_BUILDDIR/include/cassl/version.h")
mkdir -p "$tmp/pkg/usr/lib"
cp "$so" "$tmp/pkg/usr/lib/"
gensymbols() {
  (cd "$tmp" && dpkg-gensymbols -c4 -plibcassl-gnutls"$CASSL_SONAME_MAJOR" -Ppkg -I"$1" \
    -v"$version-1" -O"$tmp/out.symbols") >"$tmp/gensymbols.log" 2>&1
}
gensymbols "$symbols" || { cat "$tmp/gensymbols.log" >&2; fail "dpkg-gensymbols -c4 refuses the library"; }
# A function the symbols file promises and the library lacks, as after a removal.
{ cat "$symbols"; echo " cassl_removed_call@$gnutls_node 0.1.0"; } >"$tmp/promised.symbols"
if gensymbols "$tmp/promised.symbols"; then
  fail "dpkg-gensymbols -c4 accepts a library without a listed function"
fi
grep -q 'symbols or patterns disappeared' "$tmp/gensymbols.log" ||
  { cat "$tmp/gensymbols.log" >&2; fail "dpkg-gensymbols failed for another reason"; }
grep -q '^+#MISSING: .*cassl_removed_call@' "$tmp/gensymbols.log" ||
  fail "dpkg-gensymbols does not name the missing function"
echo "dpkg-gensymbols -c4: passes, and fails on a missing function"
