#!/usr/bin/env bash
# Runs the simulator-speed benchmarks (bench/) and writes JSON (Google Benchmark format), then
# compares it with a baseline so speed regressions of the simulator itself are visible.
# usage: scripts/run-bench.sh BUILD_DIR [OUT_JSON [BASELINE_JSON]]
#   BASELINE_JSON (or $BENCH_BASELINE): the run to compare with; default: the previous
#   OUT_JSON, kept as OUT_JSON.prev. `maia-sim compare` treats every figure of a benchmark file as
#   informational (wall time on a shared machine is noisy), so this never fails on speed; it
#   exits non-zero only when the benchmarks themselves fail. docs/ci.md shows how to track it.
set -euo pipefail
build="${1:-build}"
out="${2:-$build/bench.json}"
baseline="${3:-${BENCH_BASELINE:-}}"
cmake --build "$build" --target maia-bench maia-sim -j "$(nproc)"
if [ -z "$baseline" ] && [ -f "$out" ]; then
  cp "$out" "$out.prev"
  baseline="$out.prev"
fi
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$build/bench/maia-bench" --benchmark_out="$out" \
  --benchmark_out_format=json
echo "wrote $out"
if [ -n "$baseline" ]; then
  echo
  "$build/maia-sim" compare "$baseline" "$out" --tolerance 5%
else
  echo "(no earlier run to compare with: the next make bench compares with this one)"
fi
