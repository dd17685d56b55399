#!/usr/bin/env bash
# Release-mode benchmark: nnlab vs numpy (and PyTorch when installed), same run, same CPU.
# Arguments go to nnlab-bench (--epochs N, --no-knn, --no-peer, --no-variations, --no-lab, --gemm-only, --json FILE).
# The PyTorch figures (and the whole-lab comparison) need PyTorch: python3 -m pip install torch (CPU build).
# The environment's OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are left as they are; to measure without them run
#   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE scripts/bench.sh   (and say so when quoting the figures).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
python3 -c 'import numpy' 2>/dev/null || python3 -m pip install -q numpy </dev/null
swift build -c release --product nnlab >&2
swift build -c release --product nnlab-bench >&2
exec .build/release/nnlab-bench "$@"
