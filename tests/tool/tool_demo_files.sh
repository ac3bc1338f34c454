#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Copyright (C) 2026 The libcassl authors
# cassl demo and its files: without --keep it prints no command (its files are gone when it
# ends), --keep DIR keeps them and prints the commands that use them, --serve DIR refuses a
# directory that is not empty unless --force (or a yes on a terminal) and removes only its
# own files when it stops.
. "${CASSL_SRCDIR:-.}/tests/tool/tool_lib.sh"
demo_files="ca.pem other-ca.pem node.pem node.key client.pem client.key client.key.password wrong.password"

t "demo: no command printed, nothing left"
mkdir "$tmp/t1"
TMPDIR="$tmp/t1" run 0 demo
out "every step behaved as expected"
no_out '$ cassl probe'
out "cassl demo --keep DIR keeps the files"
[ -z "$(ls -A "$tmp/t1")" ] || fail "demo left files: $(ls -A "$tmp/t1")"

t "demo --keep DIR: the commands name files that are kept"
TMPDIR="$tmp/t1" run 0 demo --keep "$tmp/kept"
out "kept the files in $tmp/kept"
[ "$(grep -c '^\$ cassl probe' "$tmp/out")" -eq 4 ] || fail "not one command per step"
for f in $(grep '^\$ cassl probe' "$tmp/out" | tr ' ' '\n' | grep "^$tmp/kept/"); do
  [ -f "$f" ] || fail "a printed command names $f, which is not there"
done
for f in $demo_files; do [ -f "$tmp/kept/$f" ] || fail "--keep did not keep $f"; done
[ "$(stat -c %a "$tmp/kept")" = 700 ] || fail "the kept directory is not private"
[ -z "$(ls -A "$tmp/t1")" ] || fail "--keep also left files in TMPDIR: $(ls -A "$tmp/t1")"
# The kept files are usable: the key opens with its password file.
run 0 inspect "$tmp/kept/client.key" --password "$(cat "$tmp/kept/client.key.password")"

t "demo --keep: an existing empty directory"
mkdir "$tmp/empty-keep"
run 0 demo --keep "$tmp/empty-keep"
[ -f "$tmp/empty-keep/ca.pem" ] || fail "nothing kept in an existing empty directory"

t "demo --keep: a directory that is not empty"
mkdir "$tmp/busy"; echo mine >"$tmp/busy/ca.pem"
run 2 demo --keep "$tmp/busy"
err "cassl demo: $tmp/busy is not empty: --keep needs a new or an empty directory"
[ "$(cat "$tmp/busy/ca.pem")" = mine ] || fail "--keep overwrote a file"
[ "$(ls -A "$tmp/busy")" = ca.pem ] || fail "--keep wrote into a busy directory"

t "demo --keep: no directory";   run 2 demo --keep;  err "cassl demo: --keep needs a directory"
t "demo --serve: no directory";  run 2 demo --serve; err "cassl demo: --serve needs a directory"
t "demo: --force alone";         run 2 demo --force; err "cassl demo: --force goes with --serve DIR"
t "demo: --serve and --keep";    run 2 demo --serve "$tmp/a" --keep "$tmp/b"
err "cassl demo: --serve and --keep do not go together"

t "demo --serve: a directory that is not empty, not on a terminal"
run 2 demo --serve "$tmp/busy"
err "cassl demo: $tmp/busy is not empty: the demo writes ca.pem, other-ca.pem, node.pem, node.key, client.pem, client.key, client.key.password, wrong.password there, replacing files of those names, and removes them when it stops; use an empty directory or --force"
no_out "PORT"
[ "$(cat "$tmp/busy/ca.pem")" = mine ] || fail "--serve overwrote a file it refused"

t "demo --serve: a directory that cannot be read"
run 1 demo --serve "$tmp/missing"
err "cassl demo: cannot read the directory $tmp/missing: No such file or directory"

t "demo --serve --force: writes, serves, removes only its own files"
mkdir "$tmp/shared"; echo keep-me >"$tmp/shared/notes.txt"
run 0 demo --serve "$tmp/shared" --force
out "PORT "
[ "$(ls -A "$tmp/shared")" = notes.txt ] || fail "--serve left or removed: $(ls -A "$tmp/shared")"

t "demo --serve: an empty directory is used and left empty"
mkdir "$tmp/serve-empty"
run 0 demo --serve "$tmp/serve-empty"
out "PORT "
[ -z "$(ls -A "$tmp/serve-empty")" ] || fail "--serve left: $(ls -A "$tmp/serve-empty")"

# On a terminal the question is asked; anything but yes writes nothing.
if command -v script >/dev/null 2>&1 && [ -z "${CASSL_TOOL_VALGRIND:-}" ]; then
  t "demo --serve: on a terminal, the question, answered no"
  last_cmd="script: cassl demo --serve $tmp/busy (answer n)"
  printf 'n\n' | script -q -e -c "'$CASSL' demo --serve '$tmp/busy'" /dev/null >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" -eq 2 ] || fail "exit $rc, expected 2"
  out "is not empty. The demo writes ca.pem"; out "Go on? [y/N]"
  out "cassl demo: nothing written to $tmp/busy"
  [ "$(cat "$tmp/busy/ca.pem")" = mine ] || fail "an answer no overwrote a file"
fi
finish
