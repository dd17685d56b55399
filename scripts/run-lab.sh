#!/usr/bin/env bash
# The main job: build nnlab (release) and run the MNIST lab end to end. MNIST is fetched and cached on first
# use (~/.cache/nnlab, or $NNLAB_DATA). Extra arguments go to `nnlab run`, e.g. --transcript lab1.ipynb.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
swift build -c release --product nnlab 2>&1 | grep -v '^\[' >&2 || true
test -x .build/release/nnlab || { echo "run-lab: build failed" >&2; exit 1; }
exec .build/release/nnlab run labs/lab1-mnist.nnl "$@"
