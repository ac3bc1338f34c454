#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# Runs the benchmarks (make bench). Arguments are passed to every program: --quick for
# reduced sizes, --json for one JSON object per benchmark, --runs N, --warmup N.
# BENCH="b4 b7" (make bench BENCH=...) runs only those, by number or full name.
# Exit status: 0 when all ran (missed goals are listed), 1 when one could not run;
# with BENCH_STRICT=1 a missed goal also fails.
dir=${BENCH_DIR:-.}
json=no
for a in "$@"; do
  [ "$a" = --json ] && json=yes
done
say() {
  # Commentary goes to stderr in JSON mode, so stdout stays one object per line.
  if [ $json = yes ]; then echo "$@" >&2; else echo "$@"; fi
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
say "libcassl benchmarks: $(nproc 2>/dev/null || echo '?') CPUs (${cpu:-unknown CPU}), $(uname -sr)," \
    "open files: soft $(ulimit -Sn), hard $(ulimit -Hn)"
say "every figure is a ratio against a baseline measured in the same run: median [min..max]"
say "1-minute load average before the run: $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)"

missed=""
broken=""
start=$(date +%s)
all="b1_bulk b2_loopback b3_handshake b4_resumption b5_memory b6_scale b7_driver b8_storm"
selected=""
for w in ${BENCH:-$all}; do
  found=""
  for b in $all; do
    case $b in "$w" | "${w}_"*) found=$b ;; esac
  done
  [ -n "$found" ] || { echo "make bench: no benchmark $w (one of: $all)" >&2; exit 2; }
  selected="$selected $found"
done
for b in $selected; do
  say ""
  if [ ! -x "$dir/$b" ]; then
    # B7 is built only with C++, OpenSSL (its baseline) and the test suite's driver stand-in.
    say "($b: not built: configure found no C++ compiler, OpenSSL or cmocka)"
    broken="$broken $b"
    continue
  fi
  t0=$(date +%s)
  "$dir/$b" "$@"
  rc=$?
  t1=$(date +%s)
  say "($b: $((t1 - t0)) s)"
  case $rc in
    0) ;;
    1) missed="$missed $b" ;;
    *) broken="$broken $b" ;;
  esac
done
say ""
say "total: $(( $(date +%s) - start )) s; goals missed:${missed:- none}; failed to run:${broken:- none}"
[ -n "$broken" ] && exit 1
[ -n "$missed" ] && [ "${BENCH_STRICT:-0}" = 1 ] && exit 1
exit 0
