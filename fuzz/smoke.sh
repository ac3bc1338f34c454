#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Builds the libFuzzer targets in their own clang build directory and runs each one for a
# bounded time from the generated seed corpora.
#   fuzz/smoke.sh SRCDIR BUILDDIR [TARGET...]
# Environment: FUZZ_SECONDS (per target, default 20), FUZZ_RUNS (stop a target earlier after
# this many executions), FUZZ_CC (default clang), FUZZ_JOBS (make's -j), FUZZ_PARALLEL
# (targets run at once, default 1).
# Exits non-zero when a target crashes, leaks or times out; the input is kept under
# BUILDDIR/artifacts/.
set -eu
src=$(cd "${1:?usage: smoke.sh SRCDIR BUILDDIR [TARGET...]}" && pwd)
build=${2:?usage: smoke.sh SRCDIR BUILDDIR [TARGET...]}
shift 2
secs=${FUZZ_SECONDS:-20}
cc=${FUZZ_CC:-clang}
mkdir -p "$build"
build=$(cd "$build" && pwd)

# A source tree configured in place cannot host a second (VPATH) build: make would reuse its
# uninstrumented objects. Build from a copy of the tracked files instead, kept in sync.
if [ -f "$src/config.status" ]; then
  if ! command -v git >/dev/null 2>&1 || ! git -C "$src" rev-parse >/dev/null 2>&1; then
    echo "fuzz-smoke: $src is configured in place and is not a git checkout;" \
         "configure in a separate build directory to run the fuzzers" >&2
    exit 1
  fi
  copy=$build/src
  mkdir -p "$copy"
  git -C "$src" ls-files -z | (cd "$src" && xargs -0 cp -p --parents -t "$copy")
  [ -x "$copy/configure" ] || (cd "$copy" && autoreconf -fi >/dev/null 2>&1)
  src=$copy
fi
cd "$build"

if ! grep -q -e '--enable-fuzzing' config.status 2>/dev/null; then
  echo "fuzz-smoke: configuring a $cc --enable-fuzzing build in $build"
  "$src/configure" -q CC="$cc" --enable-fuzzing
fi
make -s -j"${FUZZ_JOBS:-2}" fuzz-build
[ -f corpus/.complete ] || sh "$src/fuzz/make-corpus.sh" corpus
if [ ! -f corpus/.sessions ]; then
  mkdir -p corpus/session corpus/session_records
  ./fuzz/session_seeds corpus/session corpus/session_records && touch corpus/.sessions
fi

# Only the target names: make may print its own lines first (config.status re-running).
targets=${*:-$(make -s fuzz-list | tr ' ' '\n' | grep '^fuzz/fuzz_')}
mkdir -p artifacts found
# FUZZ_PARALLEL targets run at once (default 1); each still gets FUZZ_SECONDS.
run_target() {
  name=$1
  seeds=corpus/$name
  mkdir -p "found/$name" "$seeds"
  if "./fuzz/fuzz_$name" -max_total_time="$secs" ${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} \
       -timeout=25 -print_final_stats=1 \
       -artifact_prefix="artifacts/$name-" "found/$name" "$seeds" >"found/$name.log" 2>&1; then
    echo 0 >"found/$name.status"
  else
    echo 1 >"found/$name.status"
  fi
}
running=0
for t in $targets; do
  run_target "${t#fuzz/fuzz_}" &
  running=$((running + 1))
  if [ "$running" -ge "${FUZZ_PARALLEL:-1}" ]; then wait; running=0; fi
done
wait
status=0
for t in $targets; do
  name=${t#fuzz/fuzz_}
  log=found/$name.log
  if [ "$(cat "found/$name.status")" = 0 ]; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
    echo "fuzz-smoke: $name: ${execs:-?} executions in ${took:-$secs}s, no finding"
  else
    status=1
    echo "fuzz-smoke: $name: FAILED (artifacts: $build/artifacts/$name-*)"
    tail -60 "$log"
  fi
done
exit $status
