#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The driver's libcassandra exports the cass_ssl_* names too. A fake of it whose every
# cass_ssl_* function aborts sits in the process linked before libcassl, after it, and
# preloaded; a program using the driver's names through <cassl/cassl.h> must reach libcassl
# in all three.
set -eu
: "${CASSL_BUILDDIR:?}" "${CASSL_SRCDIR:?}" "${CASSL_BACKEND:?}" "${CASSL_FIXTURES:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cc=${CASSL_CC:-cc}
cflags=${CASSL_BUILD_CFLAGS:-}
ldflags=${CASSL_BUILD_LDFLAGS:-}
libdir="$CASSL_BUILDDIR/lib/.libs"
lib="cassl-$CASSL_BACKEND"
pki="$CASSL_FIXTURES/pki"
[ -f "$pki/ca.pem" ] || { echo "SKIP: no PKI fixtures ($pki)"; exit 77; }

# Built without the sanitizer flags: it only aborts, and a preloaded sanitized library
# would have to come after the sanitizer's runtime.
$cc -shared -fPIC -o "$tmp/libcassandra.so" "$CASSL_SRCDIR/tests/packaging/fake_cassandra.c" ||
  fail "fake libcassandra does not build"
# The fake is live: a direct call ends the program.
printf 'void *cass_ssl_new(void);\nint main(void) { return cass_ssl_new() != 0; }\n' >"$tmp/direct.c"
$cc -o "$tmp/direct" "$tmp/direct.c" -L"$tmp" -lcassandra -Wl,-rpath,"$tmp" ||
  fail "direct caller does not build"
if "$tmp/direct" 2>/dev/null; then fail "the fake libcassandra did not abort"; fi
app="$CASSL_SRCDIR/tests/packaging/driver_names_app.c"
inc="-I$CASSL_SRCDIR/include -I$CASSL_BUILDDIR/include"
rpath="-Wl,-rpath,$libdir -Wl,-rpath,$tmp"
# --no-as-needed: the fake stays in the process even though nothing should bind to it.
$cc $cflags $inc -o "$tmp/fake_first" "$app" -Wl,--no-as-needed -L"$tmp" -lcassandra \
  -L"$libdir" -l"$lib" $rpath $ldflags || fail "build (fake first)"
$cc $cflags $inc -o "$tmp/fake_last" "$app" -Wl,--no-as-needed -L"$libdir" -l"$lib" \
  -L"$tmp" -lcassandra $rpath $ldflags || fail "build (fake last)"
$cc $cflags $inc -o "$tmp/plain" "$app" -L"$libdir" -l"$lib" $rpath $ldflags || fail "build (plain)"

if [ "$CASSL_BACKEND" = none ]; then want=CASS_ERROR_LIB_NOT_IMPLEMENTED; else want=CASS_OK; fi
check() {
  label=$1
  shift
  "$@" "$pki/ca.pem" "$pki/client.pem" "$pki/client-key-enc.pem" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/out" "$tmp/err" >&2; fail "$label: the program died"; }
  grep -q '^done$' "$tmp/out" || fail "$label: did not finish"
  calls=$(grep -c '^cass_ssl_' "$tmp/out")
  [ "$calls" -eq 7 ] || fail "$label: $calls calls reported"
  bad=$(grep '^cass_ssl_' "$tmp/out" | grep -v " $want\$" || true)
  [ -z "$bad" ] || fail "$label: unexpected results: $bad"
  echo "$label: ok"
}
check "libcassandra linked first" "$tmp/fake_first"
check "libcassandra linked last" "$tmp/fake_last"
# A sanitizer's shared runtime must come first in the process.
preload="$tmp/libcassandra.so"
for rt in asan tsan ubsan; do
  case "$cflags" in
  *sanitize=*address*) [ $rt = asan ] || continue ;;
  *sanitize=*thread*) [ $rt = tsan ] || continue ;;
  *) continue ;;
  esac
  so=$($cc -print-file-name=lib$rt.so)
  [ "$so" = "lib$rt.so" ] || preload="$so $preload"
done
check "libcassandra preloaded" env LD_PRELOAD="$preload" "$tmp/plain"
echo "driver names reach libcassl in every link order"
