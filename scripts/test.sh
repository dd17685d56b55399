#!/usr/bin/env bash
# The test command (what CI runs): installs what is missing, checks the source rules, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --python
if [[ -x scripts/check-no-force.sh ]]; then scripts/check-no-force.sh; fi
swift build --build-tests </dev/null
swift test --skip-build </dev/null
