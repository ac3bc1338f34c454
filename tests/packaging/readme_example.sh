#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The README's C example, taken from README.md, built with the README's own build line and
# run on the driver guide's files (made here with openssl): from the build tree (the
# uninstalled .pc, as the README says), or with --installed against the installed library
# (Debian's autopkgtest, debian/tests/readme-example).
set -eu
mode=build-tree
[ "${1:-}" = --installed ] && mode=installed
srcdir=${CASSL_SRCDIR:-$(pwd)}
readme="$srcdir/README.md"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -f "$readme" ] || fail "no $readme"
if [ $mode = build-tree ]; then
  : "${CASSL_BUILDDIR:?}" "${CASSL_BACKEND:?}"
  [ "$CASSL_BACKEND" = gnutls ] || { echo "SKIP: the example uses cassl-gnutls"; exit 77; }
fi
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl to make the guide's files"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The first C block of the section, and its sh blocks.
awk '/^## Using it in place of the driver/ {s = 1; next} s && /^## / {exit}
     s && /^```c$/ && !done {c = 1; next} c && /^```$/ {c = 0; done = 1; next} c' "$readme" \
  >"$tmp/app.c"
grep -q 'int main' "$tmp/app.c" || fail "no C example with main() in the README"
awk '/^## Using it in place of the driver/ {s = 1; next} s && /^## / {exit}
     s && /^```sh$/ {n++; b = 1; next} b && /^```$/ {b = 0; next} b {print n ": " $0}' "$readme" \
  >"$tmp/blocks"
installed_lines=$(sed -n 's/^1: //p' "$tmp/blocks")
tree_lines=$(sed -n 's/^2: //p' "$tmp/blocks")
[ -n "$installed_lines" ] && [ -n "$tree_lines" ] || fail "the README's build blocks are missing"
echo "$installed_lines" | grep -q 'ldconfig' || fail "the README does not say ldconfig"

# The guide's files: the node's CA, the client's certificate and its key encrypted with
# "cassandra".
(cd "$tmp" &&
 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
   -out cassandra.pem -subj /CN=readme-ca -days 2 &&
 openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key \
   -out client.csr -subj /CN=driver &&
 openssl x509 -req -in client.csr -CA cassandra.pem -CAkey ca.key -CAcreateserial \
   -out driver.pem -days 2 &&
 openssl pkcs8 -topk8 -in client.key -out driver-private.pem -v2 aes-256-cbc \
   -passout pass:cassandra) >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; fail "openssl"; }

if [ $mode = installed ]; then
  # Only the build line: the install itself is the package's.
  script=$(echo "$installed_lines" | grep -v 'make install')
else
  # $B of the README is the build directory.
  script="B='$CASSL_BUILDDIR'
$tree_lines"
  case " ${CASSL_BUILD_CFLAGS:-} " in
    *-fsanitize*)
      # A sanitized library needs its runtime in the program: the same compiler and flags.
      script=$(printf '%s\n' "$script" |
        sed "s#^cc #${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-} ${CASSL_BUILD_LDFLAGS:-} #")
      echo "sanitizer build: cc is '${CASSL_CC:-cc} ${CASSL_BUILD_CFLAGS:-}'" ;;
  esac
fi
printf '%s\n' "$script" >"$tmp/build.sh"
echo "--- running the README's lines:"; cat "$tmp/build.sh"
(cd "$tmp" && sh -e ./build.sh) >"$tmp/run.out" 2>&1 || { cat "$tmp/run.out" >&2; fail "the README's lines"; }
cat "$tmp/run.out"
grep -q "^libcassl [0-9.]*: CA, client certificate and key loaded\$" "$tmp/run.out" ||
  fail "the example did not load the guide's files"
if [ $mode = build-tree ]; then
  grep -q -F -- "-L$CASSL_BUILDDIR/lib/.libs" "$tmp/run.out" 2>/dev/null ||
    (PKG_CONFIG_PATH="$CASSL_BUILDDIR" pkg-config --libs cassl-gnutls | grep -q -F -- "$CASSL_BUILDDIR/lib/.libs") ||
    fail "pkg-config does not pick the build tree's cassl-gnutls-uninstalled.pc"
fi

# Without the files it says which one is missing and fails.
mkdir "$tmp/empty"
if (cd "$tmp/empty" && LD_LIBRARY_PATH="${CASSL_BUILDDIR:+$CASSL_BUILDDIR/lib/.libs}" ../app) \
    >"$tmp/empty.out" 2>&1; then
  fail "the example succeeded without its files"
fi
grep -q '^cassandra.pem: No such file or directory$' "$tmp/empty.out" ||
  { cat "$tmp/empty.out" >&2; fail "the example did not say which file is missing"; }
echo "README example ($mode): builds as written and runs"
