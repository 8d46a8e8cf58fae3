#!/usr/bin/env bash
# Latency versus load for one model on one chip: serves a synthetic Poisson trace with
# ShareGPT-like lengths (traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv) at each request
# rate and prints a markdown table of TTFT and TPOT p50/p99 (and queueing, throughput) per rate.
#   scripts/load-curve.sh BUILD_DIR MODEL REQUESTS RATE... > table.md
# e.g. scripts/load-curve.sh build llama-3.1-70b 400 1 2 4 8 12 16
set -euo pipefail
build=${1:?usage: load-curve.sh BUILD_DIR MODEL REQUESTS RATE...}
model=${2:?model}
n=${3:?requests}
shift 3
[ $# -gt 0 ] || { echo "load-curve.sh: give at least one rate" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| rate (req/s) | TTFT p50 (ms) | TTFT p99 (ms) | TPOT p50 (ms) | TPOT p99 (ms) | queueing p99 (ms) | output tokens/s | wall (s) |"
echo "|---|---|---|---|---|---|---|---|"
for rate in "$@"; do
  "$build/maia-sim" run --model "$model" --rate "$rate" --max-requests "$n" --seed 1 \
    --length-table traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv \
    --out "$tmp/r$rate" > "$tmp/r$rate.log" 2>&1 || { cat "$tmp/r$rate.log" >&2; exit 1; }
  python3 - "$tmp/r$rate/summary.json" "$rate" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
l, v = s["latency"], s["serving"]
print(f"| {sys.argv[2]} | {l['ttft_ms']['p50']:.1f} | {l['ttft_ms']['p99']:.1f} | "
      f"{l['tpot_ms']['p50']:.2f} | {l['tpot_ms']['p99']:.2f} | {v['queueing_delay_ms']['p99']:.1f} | "
      f"{s['throughput']['output_tokens_per_s']:.0f} | {s['simulation']['wall_s']:.0f} |")
PY
done
