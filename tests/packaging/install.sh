#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Packaging contract: install into a DESTDIR with the configured directories (as a
# distribution's build does, e.g. --libdir=/usr/lib/x86_64-linux-gnu), then check what it
# ships — exported symbols, SONAME, no OpenSSL, headers, pkg-config — and build a
# driver-style application against the installed library with pkg-config.
set -eu
: "${CASSL_BUILDDIR:?}" "${CASSL_SRCDIR:?}" "${CASSL_BACKEND:?}"
: "${CASSL_LIBDIR:?}" "${CASSL_INCLUDEDIR:?}" "${CASSL_MANDIR:?}" "${CASSL_SONAME_MAJOR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"
fail() { echo "FAIL: $*" >&2; exit 1; }

make -s -C "$CASSL_BUILDDIR" install DESTDIR="$dest" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "make install"; }
libdir="$dest$CASSL_LIBDIR"
incdir="$dest$CASSL_INCLUDEDIR"
soname_want="libcassl-$CASSL_BACKEND.so.$CASSL_SONAME_MAJOR"
so="$libdir/$soname_want"
[ -f "$so" ] || fail "no $so"
for h in cassl.h inspect.h session.h uv.h version.h; do
  [ -f "$incdir/cassl/$h" ] || fail "no installed cassl/$h"
done
[ -f "$libdir/pkgconfig/cassl-$CASSL_BACKEND.pc" ] || fail "no cassl-$CASSL_BACKEND.pc"
for m in cassl_ssl cassl_session cassl_uv cassl_errors cassl_version; do
  [ -f "$dest$CASSL_MANDIR/man3/$m.3" ] || fail "no installed man page $m(3)"
done
# Nothing empty is installed (a build without the tool has no man1/).
empty=$(cd "$dest" && find . -type d -empty)
[ -z "$empty" ] || fail "empty directories installed: $empty"
if [ "$CASSL_BACKEND" = none ]; then
  [ ! -e "$dest$CASSL_MANDIR/man1" ] || fail "the none flavour installs man1/ (it has no tool)"
fi
# The .pc file says what the flavour is in words, not by its configure name.
desc=$(sed -n 's/^Description: //p' "$libdir/pkgconfig/cassl-$CASSL_BACKEND.pc")
case "$CASSL_BACKEND:$desc" in
  gnutls:*" on GnuTLS") ;;
  none:*"built without TLS: every TLS call fails with CASS_ERROR_LIB_NOT_IMPLEMENTED") ;;
  *) fail "the pkg-config Description for $CASSL_BACKEND is '$desc'" ;;
esac
# The version node the library's symbols are bound to: the name before the version script's opening brace.
node=$(awk '$2 == "{" {print $1; exit}' "$CASSL_BUILDDIR/lib/libcassl.sym")

soname=$(objdump -p "$so" | awk '/SONAME/ {print $2}')
[ "$soname" = "$soname_want" ] || fail "SONAME is '$soname'"

# Only cassl_ names are exported (the version-node symbol itself aside): the driver's
# libcassandra exports the cass_ssl_* names, and both live in one process.
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
# Every library linked is used (the none flavour links libuv for its cassl_uv_* transport,
# which it shares with every flavour; docs/packaging.md).
if command -v ldd >/dev/null 2>&1; then
  unused=$(ldd -u -r "$so" 2>&1 | sed -n 's/^[[:space:]]*\(lib[^ ]*\).*/\1/p' || true)
  [ -z "$unused" ] || fail "links libraries it does not use: $unused"
fi
nm -D --undefined-only "$so" | grep -q ' uv_' && ! objdump -p "$so" | grep NEEDED | grep -q libuv &&
  fail "uses libuv without linking it"

# The installed version header stands alone and agrees with the installed library.
printf '%s\n' '#include <cassl/version.h>' '#include <stdio.h>' '#include <string.h>' \
  'int main(void) { puts(cassl_version());' \
  '  return strcmp(cassl_version(), CASSL_VERSION_STRING) != 0; }' >"$tmp/version.c"
${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-} -Wall -Wextra -Werror -I"$incdir" -o "$tmp/version" \
  "$tmp/version.c" -L"$libdir" -lcassl-"$CASSL_BACKEND" ${CASSL_BUILD_LDFLAGS:-} \
  -Wl,-rpath,"$libdir" || fail "a program using <cassl/version.h> does not build"
"$tmp/version" >/dev/null || fail "cassl_version() differs from CASSL_VERSION_STRING"
# <cassl/cassl.h> alone declares what its manual pages document, cassl_version() included
# (an implicit declaration would truncate the returned pointer).
sed 's#<cassl/version.h>#<cassl/cassl.h>#' "$tmp/version.c" >"$tmp/version_via_cassl.c"
${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-} -Wall -Wextra -Werror -I"$incdir" -o "$tmp/version_via_cassl" \
  "$tmp/version_via_cassl.c" -L"$libdir" -lcassl-"$CASSL_BACKEND" ${CASSL_BUILD_LDFLAGS:-} \
  -Wl,-rpath,"$libdir" || fail "<cassl/cassl.h> does not declare cassl_version()"
"$tmp/version_via_cassl" >/dev/null || fail "cassl_version() through <cassl/cassl.h> is wrong"

# A driver-style application, built only through pkg-config against the installed tree.
# Absolute directories in the .pc file move under DESTDIR; ${prefix}-relative ones follow.
pc="$libdir/pkgconfig"
sed -i -E "s#^(prefix|exec_prefix|libdir|includedir)=/#\\1=$dest/#" "$pc/cassl-$CASSL_BACKEND.pc"
flags=$(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs "cassl-$CASSL_BACKEND")
# Same compiler and flags as the library (a sanitizer build needs its runtime in the app too).
${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-} -Wall -Wextra -Werror -o "$tmp/driver_app" \
  "$CASSL_SRCDIR/tests/packaging/driver_app.c" $flags ${CASSL_BUILD_LDFLAGS:-} \
  -Wl,-rpath,"$libdir" || fail "driver-style application does not build"
"$tmp/driver_app" 2>&1 | head -1 | grep -q usage || fail "driver-style application does not run"
echo "installed library, symbols, SONAME, pkg-config: ok"
