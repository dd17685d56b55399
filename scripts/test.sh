#!/usr/bin/env bash
# The test command (what CI runs): installs what is missing, checks the source rules, builds, runs every test,
# and ends on one line with the totals ("N passed, N failed, N skipped").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --python
if [[ -x scripts/check-no-force.sh ]]; then scripts/check-no-force.sh; fi
# Warnings are errors: a warning left in is a bug not yet looked at.
swift build --build-tests -Xswiftc -warnings-as-errors </dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# The tests are XCTest cases; Swift Testing (no tests here) would otherwise print its "0 tests" line last.
swift test --skip-build --disable-swift-testing </dev/null 2>&1 | tee "$log" || status=$?
passed=$(grep -cE "^Test Case '.*' passed" "$log" || true)
failed=$(grep -cE "^Test Case '.*' failed" "$log" || true)
skipped=$(grep -cE "^Test Case '.*' skipped" "$log" || true)
if ! grep -qE "^Test Suite 'All tests' (passed|failed)" "$log"; then
    echo "the test run did not finish (crashed or was killed)"
    ((failed += 1))
    status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
