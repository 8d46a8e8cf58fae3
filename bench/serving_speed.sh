#!/usr/bin/env bash
# Serving simulation speed (issue: >= 10x faster than real time on one core): serves the whole
# Azure conversation trace (19,366 requests, 58 minutes) with Llama-3.1-70B FP8 on one chip and
# prints simulated time, wall time, CPU time and their ratios. Not a test: figures go to
# docs/performance.md with the machine's load noted. Takes minutes.
#   bench/serving_speed.sh [BUILD_DIR] [extra maia-sim run options...]
set -euo pipefail
build="${1:-build}"
shift || true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
/usr/bin/env time -f "%U %S" -o "$out/cpu" "$build/maia-sim" run --model llama-3.1-70b \
  --trace traces/AzureLLMInferenceTrace_conv.csv --out "$out/run" "$@" > "$out/log" 2>&1 ||
  { cat "$out/log" >&2; exit 1; }
end=$(date +%s.%N)
python3 - "$out/run/summary.json" "$out/cpu" "$start" "$end" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
user, sys_t = map(float, open(sys.argv[2]).read().split())
wall = float(sys.argv[4]) - float(sys.argv[3])
sim = s["simulation"]["simulated_s"]
v = s["serving"]
print(f"requests {s['requests']['completed']} completed of {s['requests']['submitted']}")
print(f"simulated {sim:.1f} s; wall {wall:.1f} s ({sim / wall:.1f}x real time); "
      f"CPU {user + sys_t:.1f} s ({sim / (user + sys_t):.1f}x real time per core)")
print(f"iterations {v['iterations']}, cost-model points {v['cost_points_simulated']}, "
      f"operators simulated {s['simulation']['ops_simulated']}")
PY
