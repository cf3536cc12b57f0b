#!/bin/sh
# The whole test suite: installs missing test dependencies, then runs every test and doc example.
# Prints a closing "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
sh scripts/install_test_deps.sh || exit 1
log=$(mktemp)
status=$(mktemp)
# The exit status of `deno test` itself: in a pipeline, $? would be tee's (sh has no pipefail).
{ node_modules/.bin/deno test -A --unstable-net --doc src/ test/ 2>&1; echo $? >"$status"; } |
  tee "$log"
rc=$(cat "$status")
# deno test exits 0 only when every test passed; its summary gives the closing line.
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1)
rm -f "$log" "$status"
passed=$(echo "$summary" | sed -E 's/.*\| ([0-9]+) passed.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*\| ([0-9]+) failed.*/\1/')
[ -n "$summary" ] || { passed=0; failed=1; rc=1; }
[ "$failed" = 0 ] || [ "$rc" != 0 ] || rc=1
echo "tests: ${passed} passed, ${failed} failed"
exit "$rc"
