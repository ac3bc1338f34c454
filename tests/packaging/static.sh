#!/bin/sh
# The static archive (--enable-static) defines only the exported API as global symbols, the
# same names the version script exports from the shared library, and an application links
# with it and runs.
set -eu
: "${CASSL_BUILDDIR:?}" "${CASSL_SRCDIR:?}" "${CASSL_BACKEND:?}"
archive="$CASSL_BUILDDIR/lib/.libs/libcassl-$CASSL_BACKEND.a"
if [ ! -f "$archive" ]; then
  echo "SKIP: no static archive (configure --enable-static to check it)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The exported names as the version script has them (globs such as cassl_*), as a regex.
api=$(sed -n '/global:/,/local:/p' "$CASSL_BUILDDIR/lib/libcassl.sym" |
      sed -n 's/^[[:space:]]*\([A-Za-z0-9_*]*\);.*/\1/p' | sed 's/\*/.*/g' | paste -sd'|' -)
[ -n "$api" ] || fail "no global patterns in lib/libcassl.sym"

nm -g --defined-only "$archive" | awk 'NF == 3 {print $3}' | sort -u >"$tmp/globals"
[ -s "$tmp/globals" ] || fail "the archive defines no global symbol"
internal=$(grep -v -E "^($api)\$" "$tmp/globals" || true)
[ -z "$internal" ] || fail "internal names global in $archive: $(echo $internal)"
# Internal helpers share the cassl_ prefix: each global must also be declared publicly.
undeclared=$(while read -r name; do
  cat "$CASSL_SRCDIR"/include/cassl/*.h "$CASSL_BUILDDIR"/include/cassl/*.h 2>/dev/null |
    grep -q -w "$name" || echo "$name"
done <"$tmp/globals")
[ -z "$undeclared" ] || fail "globals not declared in the public headers: $(echo $undeclared)"
echo "$(wc -l <"$tmp/globals") global definitions, all API"

# Where the shared library is built too, both export the same names.
so="$CASSL_BUILDDIR/lib/.libs/libcassl-$CASSL_BACKEND.so"
if [ -f "$so" ]; then
  nm -D --defined-only "$so" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u >"$tmp/dynamic"
  diff "$tmp/dynamic" "$tmp/globals" >"$tmp/diff" ||
    fail "the archive and the shared library differ: $(cat "$tmp/diff")"
fi

# Internal references still resolve inside the archive: link an application with it alone.
deps=$(pkg-config --libs libuv $( [ "$CASSL_BACKEND" = gnutls ] && echo gnutls nettle))
${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-} -Wall -Wextra -Werror -I"$CASSL_BUILDDIR/include" \
  -I"$CASSL_SRCDIR/include" -o "$tmp/driver_app" "$CASSL_SRCDIR/tests/packaging/driver_app.c" \
  "$archive" $deps -lpthread ${CASSL_BUILD_LDFLAGS:-} || fail "an application does not link"
"$tmp/driver_app" 2>&1 | head -1 | grep -q usage || fail "the statically linked application does not run"
echo "static archive: only the API is global; an application links and runs"
