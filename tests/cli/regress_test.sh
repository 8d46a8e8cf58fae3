#!/usr/bin/env bash
# End-to-end checks of maia-sim compare and maia-sim regress: exit codes, the verdict table,
# attribution, --update, and the issue's acceptance check: one knob changed in a copy of a
# baseline case fails with the metrics and operators that moved; restored, it passes.
# usage: regress_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"
base="$src/tests/regression/baselines"

# --- compare: exit codes and formats on the checked-in baselines (no simulation)
s8="$base/static-llama8b-b2"
s4="$base/static-llama8b-b4-fp4"
expect_all 0 "pass: [0-9]+ metrics within tolerance" "latency.ttft_ms.p99" "simulation.wall_s .* info" \
  -- "$sim" compare "$s8" "$s8"
expect_all 0 "pass" -- "$sim" compare "$s8/summary.json" "$s8/summary.json"
expect_all 4 "FAIL" "REGRESSED|IMPROVED" "why it moved" "engine" -- "$sim" compare "$s8" "$s4"
expect_all 0 "" -- "$sim" compare "$s8" "$s4" --tolerance 1000% --metric-tolerance 'memory.*=info' \
  --metric-tolerance 'phases.*=info' --metric-tolerance 'throughput.*=info' \
  --metric-tolerance 'requests.*=info' --metric-tolerance 'latency.*=info' \
  --metric-tolerance 'energy.*=info' --metric-tolerance 'cost.*=info'
expect_all 4 '"verdict": "fail"' '"operators"' -- "$sim" compare "$s8" "$s4" --json
expect_all 4 '^### ' '\| metric \| baseline \| candidate' '<details>' -- "$sim" compare "$s8" "$s4" --markdown
expect_all 0 "gemm-fp8-512" "pass" -- "$sim" compare "$base" "$base" --changed
expect_all 2 "no such file or directory" -- "$sim" compare "$s8" "$tmp/nothing"
expect_all 2 "two results are required" -- "$sim" compare "$s8"
expect_all 2 "--tolerance: must be a percentage" -- "$sim" compare "$s8" "$s8" --tolerance 2pc
expect_all 2 "must be PATTERN=TOLERANCE" -- "$sim" compare "$s8" "$s8" --metric-tolerance foo
echo '{"a": "b"}' >"$tmp/empty.json"
expect_all 2 "no numeric value" -- "$sim" compare "$tmp/empty.json" "$tmp/empty.json"
echo '{not json' >"$tmp/bad.json"
expect_all 2 "invalid JSON" -- "$sim" compare "$tmp/bad.json" "$s8"
# A microbenchmark's JSON straight from the command line.
"$sim" microbench gemm --m 256 --n 256 --k 256 --json >"$tmp/g1.json"
"$sim" microbench gemm --m 256 --n 256 --k 512 --json >"$tmp/g2.json"
expect_all 0 "achieved_tflops" -- "$sim" compare "$tmp/g1.json" "$tmp/g1.json"
expect_all 4 "time_us" "note: k: 256 -> 512" -- "$sim" compare "$tmp/g1.json" "$tmp/g2.json"
# make bench's Google Benchmark JSON: wall time is informational, so a slower run passes.
cat >"$tmp/bench1.json" <<'EOF'
{"context": {"num_cpus": 2}, "benchmarks": [
 {"name": "sim/x", "run_type": "iteration", "iterations": 3, "real_time": 100.0,
  "cpu_time": 1.0, "time_unit": "ms", "sim_us_per_wall_s": 50.0}]}
EOF
sed 's/"real_time": 100.0/"real_time": 150.0/; s/: 50.0/: 33.0/' "$tmp/bench1.json" >"$tmp/bench2.json"
expect_all 0 "real_time_ns .*regressed \(info\)" "sim_us_per_wall_s .*regressed \(info\)" \
  -- "$sim" compare "$tmp/bench1.json" "$tmp/bench2.json"

# --- regress: the acceptance check. A copy of a baseline case with the HBM pin rate cut fails,
# naming the metrics and the operators that moved; restored, it passes.
cat >"$tmp/knob.json" <<EOF
{"name": "knob", "baselines": "$base", "tolerance": "2%",
 "cases": [{"name": "static-llama8b-b2", "kind": "static", "model": "llama-3.1-8b",
            "chip": "$src/configs/maia200.json", "set": {"hbm.pin_rate_gbps": 6.0},
            "workload": {"batch": 2, "prompt": 128, "gen": 16}}]}
EOF
expect_all 4 "static-llama8b-b2 +FAIL" "latency.tpot_ms.mean .*REGRESSED" \
  "throughput.output_tokens_per_s .*REGRESSED" "why it moved" "(prefill|decode) +(down|gate|up) " \
  "HBM " -- "$sim" regress "$tmp/knob.json" --markdown-file "$tmp/pr.md"
grep -q "Why it moved" "$tmp/pr.md" && ok || bad "--markdown-file lacks the attribution"
sed 's/"set": {"hbm.pin_rate_gbps": 6.0},//' "$tmp/knob.json" >"$tmp/restored.json"
expect_all 0 "static-llama8b-b2 +pass" "pass: 0 of 1 cases" -- "$sim" regress "$tmp/restored.json"

# --- regress --update on a suite of its own: created, unchanged, updated with what changed.
cat >"$tmp/own.json" <<EOF
{"baselines": "own-baselines",
 "cases": [
  {"name": "gemm", "kind": "microbench", "workload": {"benchmark": "gemm", "m": 256, "n": 256, "k": 256}},
  {"name": "hbm", "kind": "microbench", "workload": {"benchmark": "hbm", "bytes": "8Mi"}}]}
EOF
expect_all 2 "no baseline .*--update" -- "$sim" regress "$tmp/own.json"
expect_all 0 "gemm +created" "hbm +created" "2 created" -- "$sim" regress "$tmp/own.json" --update
expect_all 0 "pass: 0 of 2 cases" -- "$sim" regress "$tmp/own.json" --jobs 1
expect_all 0 "gemm +unchanged" "0 updated, 0 created, 2 unchanged" -- "$sim" regress "$tmp/own.json" --update
sed 's/"bytes": "8Mi"/"bytes": "8Mi", "pattern": "random"/' "$tmp/own.json" >"$tmp/own2.json"
expect_all 4 "hbm +FAIL" "achieved_gbps .*REGRESSED" -- "$sim" regress "$tmp/own2.json"
expect_all 4 "hbm +FAIL" -- "$sim" regress "$tmp/own2.json" --case 'hb*'
expect_all 0 "hbm +updated: [0-9]+ metrics? changed" "== hbm: what changed" "achieved_gbps" \
  -- "$sim" regress "$tmp/own2.json" --update --case hbm
expect_all 0 "pass" -- "$sim" regress "$tmp/own2.json"
expect_all 0 '"verdict": "pass"' -- "$sim" regress "$tmp/own2.json" --json
expect_all 2 "--case: no case of" -- "$sim" regress "$tmp/own2.json" --case nothing

# An operator-trace case (maia-sim ops) compares per operator too.
"$sim" run --model llama-3.1-8b --batch 1 --prompt 32 --gen 2 --emit-ops "$tmp/ops-trace.json" >/dev/null
cat >"$tmp/ops.json" <<EOF
{"baselines": "ops-baselines",
 "cases": [{"name": "prefill", "kind": "ops", "workload": {"trace": "ops-trace.json"}}]}
EOF
expect_all 0 "prefill +created" -- "$sim" regress "$tmp/ops.json" --update
[ -f "$tmp/ops-baselines/prefill/ops.csv" ] && ok || bad "ops case left no ops.csv baseline"
sed 's/"workload"/"set": {"hbm.pin_rate_gbps": 6.0}, "workload"/' "$tmp/ops.json" >"$tmp/ops2.json"
expect_all 4 "time_us .*REGRESSED" "trace +(down|gate|up|qkv_proj|o_proj) " -- "$sim" regress "$tmp/ops2.json"

# Bad input: a case that cannot run, a malformed suite.
cat >"$tmp/broken.json" <<EOF
{"baselines": "own-baselines",
 "cases": [{"name": "gemm", "kind": "microbench", "workload": {"benchmark": "gemm", "dtype": "int3"}}]}
EOF
expect_all 2 "gemm +ERROR" "run failed \(exit 2\)" -- "$sim" regress "$tmp/broken.json"
echo '{"cases": [{"name": "x", "kind": "static", "workload": {}}]}' >"$tmp/nomodel.json"
expect_all 2 "cases\[0\].model: is required" -- "$sim" regress "$tmp/nomodel.json"
expect_all 2 "a SUITE.json argument is required" -- "$sim" regress
expect_all 2 "cannot open" -- "$sim" regress "$tmp/none.json"

finish regress_test
