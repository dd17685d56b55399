#!/usr/bin/env bash
# Fuzzes nnlab's readers of untrusted input with libFuzzer + AddressSanitizer.
#
#   scripts/fuzz.sh [TARGET] [SECONDS] [extra libFuzzer flags...]     (default: nnlab, 60 seconds)
#
# TARGET: nnlab (the language: lexer, parser, interpreter, charts), data (IDX, gzip and CSV files), model
# (.safetensors files) or notebook (.ipynb files). Each starts from its committed seed corpus (Fuzz/corpus for
# nnlab, Fuzz/corpus-TARGET for the others) plus what earlier runs found (.build-fuzz/corpus-TARGET,
# git-ignored). Exits non-zero on any crash, leak, timeout (> 10 s) or memory blow-up (> 2 GB); the input that
# caused it is saved under .build-fuzz/artifacts/ — replay it with
#   .build-fuzz/release/TARGET-fuzz .build-fuzz/artifacts/crash-...
# and add it to the target's regression tests once fixed (Tests/ScriptTests/FuzzRegressionTests.swift for the
# language, Tests/ScriptTests/FileFuzzRegressionTests.swift for the files).
# Several cores: start more runs with different -seed=N once the first has built; they share the corpus.
# `-runs=N` stops after N executions; the final stats line "stat::number_of_executed_units" counts them.
set -euo pipefail
cd "$(dirname "$0")/.."

target="nnlab"
case "${1:-}" in nnlab|data|model|notebook) target="$1"; shift ;; esac
seconds="${1:-60}"
shift || true
scratch=".build-fuzz"
product="$target-fuzz"
corpus="Fuzz/corpus-$target"
dict="Fuzz/$target.dict"
maxlen=16384
[[ "$target" == "nnlab" ]] && corpus="Fuzz/corpus" && maxlen=4096

# Package.swift declares the fuzz targets only when NNLAB_FUZZ is set (libFuzzer provides their main).
# SwiftPM passes `-sanitize=fuzzer -sanitize=address` in that order, and swiftc then drops the fuzzer's
# coverage instrumentation, so it is asked for explicitly.
NNLAB_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "$product" \
    --sanitize fuzzer --sanitize address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)

found="$scratch/corpus-$target"
[[ "$target" == "nnlab" ]] && found="$scratch/corpus"
mkdir -p "$found" "$scratch/artifacts"
export SWIFT_BACKTRACE=enable=no
# A small quarantine and short allocation stacks: ~25% more executions, overflows still caught.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:malloc_context_size=5:quarantine_size_mb=32}"
exec "$scratch/release/$product" \
    -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
    -dict="$dict" -artifact_prefix="$scratch/artifacts/$target-" -reload=30 \
    "$@" "$found" "$corpus"
