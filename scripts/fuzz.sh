#!/usr/bin/env bash
# Fuzzes the nnlab language (lexer, parser, interpreter, charts) with libFuzzer + AddressSanitizer.
#
#   scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]     (default: 60 seconds)
#
# Starts from the committed seed corpus (Fuzz/corpus, real scripts) plus what earlier runs found
# (.build-fuzz/corpus, git-ignored). Exits non-zero on any crash, leak, timeout (> 10 s) or memory blow-up
# (> 2 GB); the input that caused it is saved under .build-fuzz/artifacts/ — replay it with
#   .build-fuzz/release/nnlab-fuzz .build-fuzz/artifacts/crash-...
# and add it to Tests/ScriptTests/FuzzRegressionTests.swift once fixed.
# Several cores: start more runs with different -seed=N once the first has built; they share the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
scratch=".build-fuzz"

# Package.swift declares the nnlab-fuzz target only when NNLAB_FUZZ is set (libFuzzer provides its main).
# SwiftPM passes `-sanitize=fuzzer -sanitize=address` in that order, and swiftc then drops the fuzzer's
# coverage instrumentation, so it is asked for explicitly.
NNLAB_FUZZ=1 swift build -c release --scratch-path "$scratch" --product nnlab-fuzz \
    --sanitize fuzzer --sanitize address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)

mkdir -p "$scratch/corpus" "$scratch/artifacts"
export SWIFT_BACKTRACE=enable=no
# A small quarantine and short allocation stacks: ~25% more executions, overflows still caught.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:malloc_context_size=5:quarantine_size_mb=32}"
exec "$scratch/release/nnlab-fuzz" \
    -max_len=4096 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
    -dict=Fuzz/nnlab.dict -artifact_prefix="$scratch/artifacts/" -reload=30 \
    "$@" "$scratch/corpus" Fuzz/corpus
