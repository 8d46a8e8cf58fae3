#!/usr/bin/env bash
# Latency versus load for one model on one chip: serves a synthetic Poisson trace with
# ShareGPT-like lengths (traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv) at each request
# rate and prints a markdown table of TTFT and TPOT p50/p99 (and queueing, throughput) per rate.
#   [PLOT=curve.png] scripts/load-curve.sh BUILD_DIR MODEL REQUESTS RATE... > table.md
# e.g. PLOT=docs/images/load-curve-70b.png scripts/load-curve.sh build llama-3.1-70b 300 1 2 4 8
# With PLOT set, also draws TTFT and TPOT p50/p99 against the rate (needs python3-matplotlib).
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
  python3 - "$tmp/r$rate/summary.json" "$rate" "$tmp/points.tsv" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
l, v = s["latency"], s["serving"]
with open(sys.argv[3], "a") as f:
    f.write(f"{sys.argv[2]}\t{l['ttft_ms']['p50']}\t{l['ttft_ms']['p99']}\t"
            f"{l['tpot_ms']['p50']}\t{l['tpot_ms']['p99']}\n")
print(f"| {sys.argv[2]} | {l['ttft_ms']['p50']:.1f} | {l['ttft_ms']['p99']:.1f} | "
      f"{l['tpot_ms']['p50']:.2f} | {l['tpot_ms']['p99']:.2f} | {v['queueing_delay_ms']['p99']:.1f} | "
      f"{s['throughput']['output_tokens_per_s']:.0f} | {s['simulation']['wall_s']:.0f} |")
PY
done
[ -n "${PLOT:-}" ] || exit 0
py=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c "import matplotlib" 2>/dev/null; then py=$candidate; break; fi
done
[ -n "$py" ] || { echo "load-curve.sh: PLOT needs matplotlib (apt-get install python3-matplotlib)" >&2; exit 2; }
"$py" - "$tmp/points.tsv" "$PLOT" "$model" "$n" <<'PY'
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = [list(map(float, line.split("\t"))) for line in open(sys.argv[1])]
rate = [r[0] for r in rows]
fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
for ax, col, what in ((a, 1, "TTFT"), (b, 3, "TPOT")):
    ax.plot(rate, [r[col] for r in rows], "o-", label=f"{what} p50")
    ax.plot(rate, [r[col + 1] for r in rows], "s--", label=f"{what} p99")
    ax.set_xlabel("request rate (requests/s, Poisson)")
    ax.set_ylabel(f"{what} (ms)")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
fig.suptitle(f"{sys.argv[3]} FP8 on one Maia 200 (maia-sim), ShareGPT lengths, "
             f"{sys.argv[4]} requests per rate")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
print(f"wrote {sys.argv[2]}", file=sys.stderr)
PY
