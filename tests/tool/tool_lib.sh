# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Shared helpers of the cassl tool tests (sourced). Each test gets its own scratch directory.
set -u

: "${CASSL_BUILDDIR:?run through make check}"
: "${CASSL_SRCDIR:?run through make check}"
: "${CASSL_FIXTURES:?run through make check}"
CASSL="$CASSL_BUILDDIR/tools/cassl"
[ -x "$CASSL" ] || { echo "SKIP: $CASSL is not built (not the gnutls flavour)" >&2; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is needed to check --json" >&2; exit 77; }

mkdir -p "$CASSL_FIXTURES/tool"
tmp=$(mktemp -d "$CASSL_FIXTURES/tool/run.XXXXXX")
chmod 700 "$tmp"
failures=0
cases=0
cleanup_hooks=""
cleanup() {
  for hook in $cleanup_hooks; do "$hook"; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

fail() {
  echo "FAIL: $current: $*" >&2
  echo "  command: $last_cmd" >&2
  echo "  --- stdout" >&2; sed 's/^/  | /' "$tmp/out" >&2
  echo "  --- stderr" >&2; sed 's/^/  | /' "$tmp/err" >&2
  failures=$((failures + 1))
}

# t NAME: starts a case.
t() { current=$1; cases=$((cases + 1)); }

# run EXIT ARGS...: runs cassl, checks its exit code, keeps stdout/stderr in $tmp/out, $tmp/err.
# CASSL_TOOL_VALGRIND=1 runs every command under valgrind (any error or leak is exit 99).
run() {
  expected=$1; shift
  last_cmd="cassl $*"
  if [ -n "${CASSL_TOOL_VALGRIND:-}" ]; then
    "$CASSL_BUILDDIR/libtool" --mode=execute valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect "$CASSL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  else
    "$CASSL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  fi
  rc=$?
  [ "$rc" -eq "$expected" ] || fail "exit $rc, expected $expected"
}

# err TEXT / out TEXT: the text (fixed string) is on stderr / stdout.
err() { grep -qF -- "$1" "$tmp/err" || fail "stderr lacks: $1"; }
out() { grep -qF -- "$1" "$tmp/out" || fail "stdout lacks: $1"; }
no_err() { ! grep -qF -- "$1" "$tmp/err" || fail "stderr has: $1"; }
no_out() { ! grep -qF -- "$1" "$tmp/out" || fail "stdout has: $1"; }
# The contract lines of a failure: error: NAME: description, and a hint: line.
error_line() { grep -qxF -- "error: $1: $2" "$tmp/err" || fail "no line 'error: $1: $2'"; }
hint() { grep -q "^hint: .*$(printf '%s' "$1" | sed 's/[][\.*^$/]/\\&/g')" "$tmp/err" || fail "no hint with: $1"; }

# json EXPR: stdout is one JSON object d, and the Python expression EXPR holds.
json() {
  python3 - "$tmp/out" "$1" <<'PY' || fail "JSON check failed: $1"
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
if not eval(sys.argv[2]):
    print("JSON: " + json.dumps(d)[:2000], file=sys.stderr)
    sys.exit(1)
PY
}

finish() {
  echo "$cases cases, $failures failed"
  [ "$failures" -eq 0 ]
}

# The shared test PKI (tests/fixtures/pki.sh, made once).
need_pki() {
  command -v certtool >/dev/null 2>&1 || { echo "SKIP: certtool (gnutls-bin) is needed" >&2; exit 77; }
  sh "$CASSL_SRCDIR/tests/fixtures/pki.sh" >&2 || { echo "cannot make the test PKI" >&2; exit 1; }
  pki="$CASSL_FIXTURES/pki"
}
