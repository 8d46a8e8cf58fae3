#!/usr/bin/env bash
# Builds and runs every libFuzzer target (docs/hardening.md):
#   scripts/run-fuzz.sh BUILD_FUZZ_DIR [TARGET...]
# BUILD_FUZZ_DIR is a CMake build configured with CC=clang CXX=clang++ -DMAIA_FUZZ=ON (make fuzz
# does that). Each target runs FUZZ_SECONDS (default 120) from its corpus under
# BUILD_FUZZ_DIR/corpus/<target> (seeded from the repository, kept between runs), FUZZ_JOBS
# (default 2) targets at a time. A crash, timeout, out-of-memory or unexpected exception stops
# that target and leaves the input in BUILD_FUZZ_DIR/findings/<target>/. Prints executions per
# target; exits 1 when there is any finding.
set -euo pipefail
dir=${1:?usage: $0 BUILD_FUZZ_DIR [TARGET...]}
shift
seconds=${FUZZ_SECONDS:-120}
jobs=${FUZZ_JOBS:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
all=(chip_config model_config azure_trace length_table mooncake_trace program op_trace sweep_spec
     constraint_expr suite results)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# FUZZ_SKIP_BUILD=1 runs the binaries already built. MAIA_SIM: a maia-sim (any build) that
# writes the operator-trace seeds; without it op_trace starts from an empty corpus.
if [ -z "${FUZZ_SKIP_BUILD:-}" ]; then
  cmake --build "$dir" -j "${JOBS:-$(nproc)}" --target $(printf 'fuzz_%s ' "${targets[@]}")
fi
"$root/scripts/fuzz-seeds.sh" "$dir/corpus" "${MAIA_SIM:-}"

run_one() {  # run_one TARGET: one fuzzing session, its log in logs/TARGET.log
  local t=$1
  mkdir -p "$dir/findings/$t" "$dir/logs"
  # Leak checking on (libFuzzer's -detect_leaks default); a finding ends the session.
  "$dir/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$dir/findings/$t/" "$dir/corpus/$t" \
    > "$dir/logs/$t.log" 2>&1 && echo ok > "$dir/logs/$t.status" || echo FINDING > "$dir/logs/$t.status"
}
export -f run_one
export dir seconds
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'

printf '%-16s %12s %10s %8s  %s\n' target executions exec/s corpus result
status=0
for t in "${targets[@]}"; do
  log=$dir/logs/$t.log
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  corpus=$(find "$dir/corpus/$t" -type f | wc -l)
  result=$(cat "$dir/logs/$t.status")
  if [ "$result" != ok ]; then
    status=1
    result="FINDING: $(ls "$dir/findings/$t" | tr '\n' ' ')(log: $log)"
  fi
  printf '%-16s %12s %10s %8s  %s\n' "$t" "$execs" "$rate" "$corpus" "$result"
done
exit $status
