#!/usr/bin/env bash
# Speed of the detailed collective fidelity (issue 12: a 32-chip detailed all-reduce of 1 GiB in
# at most 10 s wall): runs it on configs/systems/maia200-8trays.json (8 trays under the T0s) and
# prints the row with the wall and CPU time. Not a test: figures go to docs/performance.md with
# the machine's load noted.
#   bench/detailed_collective_speed.sh [BUILD_DIR] [extra microbench collective options...]
set -euo pipefail
build="${1:-build}"
shift || true
out=$(mktemp)
trap 'rm -f "$out"' EXIT
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 /usr/bin/env time -f "wall %e s, CPU %U s user + %S s sys, %M KB max RSS" \
  -o "$out" "$build/maia-sim" microbench collective --op allreduce \
  --system configs/systems/maia200-8trays.json --fidelity detailed \
  --min-bytes 1Gi --max-bytes 1Gi --top-links 3 "$@"
cat "$out"
