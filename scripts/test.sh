#!/bin/sh
# The whole test suite: installs missing test dependencies, then runs every test and doc example.
# Prints a closing "N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
sh scripts/install_test_deps.sh || exit 1
log=$(mktemp)
node_modules/.bin/deno test -A --unstable-net --doc src/ test/ 2>&1 | tee "$log"
rc=$?
# deno test can exit 0 only when every test passed; read its summary for the closing line.
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -n 1)
rm -f "$log"
passed=$(echo "$summary" | sed -E 's/.*\| ([0-9]+) passed.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*\| ([0-9]+) failed.*/\1/')
[ -n "$summary" ] || { passed=0; failed=1; rc=1; }
echo "tests: ${passed} passed, ${failed} failed"
exit "$rc"
