#!/usr/bin/env bash
# Speed of maia-sim sweep (docs/sweeps.md): the 64-point static-batch sweep
# examples/sweeps/bench-64.json at --jobs 1 and --jobs 2. Prints points per hour and the
# per-point overhead beyond the simulation: sweep wall time minus the time the children took
# (the sweep machinery itself), and minus the simulations' own wall_s (adds each child's
# start-up, model and config loading, elaboration and output writing).
# usage: scripts/bench-sweep.sh [BUILD_DIR]
set -euo pipefail
build="${1:-build}"
sim="$build/maia-sim"
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for jobs in 1 2; do
  dir="$out/j$jobs"
  t0=$(date +%s.%N)
  "$sim" sweep examples/sweeps/bench-64.json --jobs "$jobs" --out "$dir" >/dev/null 2>&1
  t1=$(date +%s.%N)
  python3 - "$dir" "$jobs" "$t0" "$t1" <<'PY'
import glob, json, sys
d, jobs, t0, t1 = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
wall = t1 - t0
child = sim = 0.0
n = 0
for f in glob.glob(d + "/points/*/result.json"):
    r = json.load(open(f))
    child += r["wall_s"]
    sim += json.load(open(f.replace("result.json", "summary.json")))["simulation"]["wall_s"]
    n += 1
print(f"--jobs {jobs}: {n} points in {wall:.1f} s = {3600 * n / wall:.0f} points/hour; "
      f"per point: child {child / n:.3f} s (simulation {sim / n:.3f} s); "
      f"sweep overhead {(wall * jobs - child) / n:.3f} s, beyond the simulation "
      f"{(wall * jobs - sim) / n:.3f} s")
PY
done
