#!/usr/bin/env bash
# Runs the simulator-speed benchmarks and writes JSON (Google Benchmark format) for tracking.
# usage: scripts/run-bench.sh BUILD_DIR [OUT_JSON]
set -euo pipefail
build="${1:-build}"
out="${2:-$build/bench.json}"
cmake --build "$build" --target maia-bench -j "$(nproc)"
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/bench/maia-bench" --benchmark_out="$out" --benchmark_out_format=json
echo "wrote $out"
