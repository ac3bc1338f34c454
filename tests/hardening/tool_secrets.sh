#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# The cassl tool never shows a password: not on stdout or stderr, in text or --json, whether
# the password is right or wrong, given by option, environment or file; and it refuses a
# --key-password-file that other users can read (world or group) with a warning.
set -u
: "${CASSL_BUILDDIR:?run through make check}"
: "${CASSL_SRCDIR:?run through make check}"
: "${CASSL_FIXTURES:?run through make check}"
cassl="$CASSL_BUILDDIR/tools/cassl"
[ -x "$cassl" ] || { echo "SKIP: $cassl is not built" >&2; exit 77; }
sh "$CASSL_SRCDIR/tests/hardening/fixtures.sh" || exit $?
fx="$CASSL_FIXTURES/hardening"
pw=$(cat "$fx/password")
wrong="Wrong-Hardening-Password-51"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# check NAME EXPECTED-EXIT CMD...: runs the tool (stdin closed), checks the exit code
# (- = any), and that neither password appears in what it printed.
check() {
  name=$1 expected=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  rc=$?
  bad=""
  [ "$expected" = - ] || [ "$rc" -eq "$expected" ] || bad="exit $rc, expected $expected"
  for secret in "$pw" "$wrong"; do
    if grep -qF -- "$secret" "$tmp/out" "$tmp/err"; then bad="$bad; printed a password"; fi
  done
  if [ -n "$bad" ]; then
    echo "FAIL: $name: $bad" >&2
    sed 's/^/  out| /' "$tmp/out" >&2
    sed 's/^/  err| /' "$tmp/err" >&2
    failures=$((failures + 1))
  else
    echo "ok: $name (exit $rc)"
  fi
}

# A closed local port: the probe loads its credentials, then fails to connect (exit 4).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 9)
target="127.0.0.1:$port"

for key in client-pbes2-aes.key client-trad-aes.key client-p12.key; do
  check "inspect $key, right password" 0 "$cassl" inspect "$fx/$key" --password "$pw"
  check "inspect $key, right password, json" 0 "$cassl" inspect --json "$fx/$key" --password "$pw"
  check "inspect $key, wrong password" 3 "$cassl" inspect "$fx/$key" --password "$wrong"
  check "inspect $key, wrong password, json" 3 "$cassl" inspect --json "$fx/$key" --password "$wrong"
done
check "inspect PKCS#12, right password" 0 "$cassl" inspect "$fx/client.p12" --password "$pw"
check "inspect PKCS#12, wrong password" 3 "$cassl" inspect "$fx/client.p12" --password "$wrong"

check "probe, right password" 4 "$cassl" probe --cert "$fx/client.pem" \
  --key "$fx/client-pbes2-aes.key" --key-password "$pw" "$target"
check "probe, wrong password" 3 "$cassl" probe --cert "$fx/client.pem" \
  --key "$fx/client-pbes2-aes.key" --key-password "$wrong" "$target"
check "probe, wrong password, json" 3 "$cassl" probe --json --cert "$fx/client.pem" \
  --key "$fx/client-pbes2-aes.key" --key-password "$wrong" "$target"
check "probe, wrong password from the environment" 3 env CASSL_KEY_PASSWORD="$wrong" \
  "$cassl" probe --cert "$fx/client.pem" --key "$fx/client-pbes2-aes.key" "$target"
check "probe PKCS#12, wrong password" 3 "$cassl" probe --pkcs12 "$fx/client.p12" \
  --key-password "$wrong" "$target"

printf '%s\n' "$wrong" > "$tmp/pwfile"
chmod 600 "$tmp/pwfile"
check "probe, wrong password from a private file" 3 "$cassl" probe --cert "$fx/client.pem" \
  --key "$fx/client-pbes2-aes.key" --key-password-file "$tmp/pwfile" "$target"
printf '%s\n' "$pw" > "$tmp/pwfile"
chmod 644 "$tmp/pwfile"
check "probe, world-readable password file" - "$cassl" probe --cert "$fx/client.pem" \
  --key "$fx/client-pbes2-aes.key" --key-password-file "$tmp/pwfile" "$target"
if [ "$rc" -eq 0 ] || [ "$rc" -eq 4 ] || ! grep -q "readable by everyone" "$tmp/err"; then
  echo "FAIL: a world-readable password file was used (exit $rc) or not warned about" >&2
  sed 's/^/  err| /' "$tmp/err" >&2
  failures=$((failures + 1))
fi

# Readable by the group (or open to it in any way): refused the same way, with what to do.
for mode in 640 660 620 604; do
  chmod "$mode" "$tmp/pwfile"
  check "probe, password file mode $mode" 3 "$cassl" probe --cert "$fx/client.pem" \
    --key "$fx/client-pbes2-aes.key" --key-password-file "$tmp/pwfile" "$target"
  if ! grep -q "refusing to use it" "$tmp/err" || ! grep -q "(mode 0$mode)" "$tmp/err" ||
     ! grep -qF "chmod 600 $tmp/pwfile" "$tmp/err"; then
    echo "FAIL: a password file of mode $mode was not refused with its mode and chmod 600" >&2
    sed 's/^/  err| /' "$tmp/err" >&2
    failures=$((failures + 1))
  fi
done
chmod 400 "$tmp/pwfile"
check "probe, password file mode 400" 4 "$cassl" probe --cert "$fx/client.pem" \
  --key "$fx/client-pbes2-aes.key" --key-password-file "$tmp/pwfile" "$target"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
