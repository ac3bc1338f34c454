#!/bin/sh
# Packaging contract: install into a DESTDIR, then check what a distribution ships —
# exported symbols, SONAME, no OpenSSL, headers, pkg-config — and build a driver-style
# application against the installed library with pkg-config.
set -eu
: "${CASSL_BUILDDIR:?}" "${CASSL_SRCDIR:?}" "${CASSL_BACKEND:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=/opt/cassl-test
dest="$tmp/root"
fail() { echo "FAIL: $*" >&2; exit 1; }

make -s -C "$CASSL_BUILDDIR" install DESTDIR="$dest" prefix="$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "make install"; }
root="$dest$prefix"
so="$root/lib/libcassl-$CASSL_BACKEND.so.1"
[ -f "$so" ] || fail "no $so"
[ -f "$root/include/cassl/cassl.h" ] || fail "no installed cassl/cassl.h"
[ -f "$root/lib/pkgconfig/cassl-$CASSL_BACKEND.pc" ] || fail "no cassl-$CASSL_BACKEND.pc"

soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libcassl-$CASSL_BACKEND.so.1" ] || fail "SONAME is '$soname'"

# Only cassl_ names are exported (the version-node symbol itself aside): the driver's
# libcassandra exports the cass_ssl_* names, and both live in one process.
node=$(echo "CASSL_${CASSL_BACKEND}_1" | tr 'a-z' 'A-Z')
extra=$(nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//' |
        grep -v -E "^(cassl_.*|$node)\$" || true)
[ -z "$extra" ] || fail "unexpected exported symbols: $extra"
nm -D --defined-only "$so" | grep -q " cassl_ssl_set_private_key_n@@$node\$" ||
  fail "cassl_ssl_set_private_key_n not exported under $node"
# No call of the library to one of its own exported functions goes through the PLT (it
# would land in a same-named function of another library).
own=$(nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//')
relocs=$(readelf -rW "$so" | awk 'NF >= 5 {print $5}' | sed 's/@.*//' | sort -u)
self=$(printf '%s\n' "$relocs" | grep -x -F "$own" || true)
[ -z "$self" ] || fail "relocations against the library's own functions: $self"

if objdump -p "$so" | grep NEEDED | grep -E -q 'libssl|libcrypto'; then
  fail "links OpenSSL: $(objdump -p "$so" | grep NEEDED)"
fi
if [ "$CASSL_BACKEND" = gnutls ]; then
  objdump -p "$so" | grep NEEDED | grep -q libgnutls || fail "does not link GnuTLS"
fi

# A driver-style application, built only through pkg-config against the installed tree.
pc="$root/lib/pkgconfig"
sed -i "s|^prefix=.*|prefix=$root|" "$pc/cassl-$CASSL_BACKEND.pc"
flags=$(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs "cassl-$CASSL_BACKEND")
# Same compiler and flags as the library (a sanitizer build needs its runtime in the app too).
${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-} -Wall -Wextra -Werror -o "$tmp/driver_app" \
  "$CASSL_SRCDIR/tests/packaging/driver_app.c" $flags ${CASSL_BUILD_LDFLAGS:-} \
  -Wl,-rpath,"$root/lib" || fail "driver-style application does not build"
"$tmp/driver_app" 2>&1 | head -1 | grep -q usage || fail "driver-style application does not run"
echo "installed library, symbols, SONAME, pkg-config: ok"
