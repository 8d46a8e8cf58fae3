#!/usr/bin/env bash
# Hostile input at the command line (the hardening issue): every case must end with its
# documented exit code (2 bad input, 3 simulation error, 4 regression found) and a message that
# names the flag, file or JSON path, never a crash (134/139), a hang or a silent default.
# usage: hardening_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"
m8=(--model llama-3.1-8b)

# --- silent acceptance: stray words, options of another mode, non-numbers
expect 2 "unexpected argument \"traces/x.csv\"" "$sim" run "${m8[@]}" traces/x.csv
expect 2 "--batch applies only to a static batch" \
  "$sim" run "${m8[@]}" --trace traces/AzureLLMInferenceTrace_conv.csv --batch 4
expect 2 "--max-num-seqs applies only when serving" "$sim" run "${m8[@]}" --max-num-seqs 4
expect 2 "--seed applies only to a synthetic trace" \
  "$sim" run "${m8[@]}" --trace traces/AzureLLMInferenceTrace_conv.csv --seed 3
expect 2 "--gamma-shape applies only to --arrival gamma" \
  "$sim" run "${m8[@]}" --rate 5 --max-requests 3 --input-tokens 64 --output-tokens 4 --gamma-shape 2
expect 2 "--seed: must be a whole number >= 0, got \"-1\"" \
  "$sim" run "${m8[@]}" --rate 5 --max-requests 3 --input-tokens 64 --output-tokens 4 --seed -1
expect 2 "--slo-ttft-ms\) must be a finite number >= 0" \
  "$sim" run "${m8[@]}" --rate 5 --max-requests 3 --input-tokens 64 --output-tokens 4 --slo-ttft-ms -1
expect 2 "--rate: must be a finite number, got \"nan\"" "$sim" run "${m8[@]}" --rate nan --max-requests 3
expect 2 "arrives at .* within" \
  "$sim" run "${m8[@]}" --trace traces/AzureLLMInferenceTrace_conv.csv --max-requests 3 --time-scale 1e-300
expect 2 "--max-sim-time-ms: must be in \[0, " "$sim" exec examples/programs/dma_gemm.json --max-sim-time-ms -1
expect 2 "--max-sim-time-ms: must be a finite number" "$sim" exec examples/programs/dma_gemm.json --max-sim-time-ms nan
expect 2 "--access-bytes: must be a whole number >= 0" "$sim" microbench hbm --pattern random --access-bytes -1
expect 2 "--bytes: must be a whole number of bytes in \[1, 1Ti\], got \"1e30\"" "$sim" microbench hbm --bytes 1e30
expect 2 "--m applies only to gemm" "$sim" microbench hbm --m 64
s8=tests/regression/baselines/static-llama8b-b2
expect 2 "--tolerance: must be a percentage" "$sim" compare "$s8" "$s8" --tolerance 0x10
# An empty trace is an error, not an all-zero report.
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n' >"$tmp/empty.csv"
expect 2 "no requests to serve" "$sim" run "${m8[@]}" --trace "$tmp/empty.csv"
# A baseline whose latency block is a string is damaged, not "every metric new".
sed 's/"latency": {/"latency": "x", "old_latency": {/' "$s8/summary.json" >"$tmp/damaged.json"
expect 2 "latency: must be a JSON object" "$sim" compare "$tmp/damaged.json" "$s8/summary.json"

# --- JSON: duplicates, depth, NUL bytes, huge numbers
printf '{"extends": "%s/configs/maia200.json", "clock_ghz": 2.0, "clock_ghz": 1.0}' "$src" >"$tmp/dup.json"
expect 2 "duplicate key \"clock_ghz\"" "$sim" config --check "$tmp/dup.json"
python3 -c 'print("[" * 50000 + "]" * 50000)' >"$tmp/deep.json"
expect 2 "nested deeper than 64" "$sim" config --check "$tmp/deep.json"
printf '{"name": "x"}\0{"clock_ghz": 0}' >"$tmp/nul.json"
expect 2 "a NUL byte" "$sim" config --check "$tmp/nul.json"
expect 2 "--set hbm.stacks=1e400: invalid JSON" "$sim" config --check configs/maia200.json --set hbm.stacks=1e400

# --- work that can never finish, chips that cannot be built: refused up front
expect 2 "multiply-adds, more than .* \(the simulator's limit per operator\)" "$sim" microbench gemm --m 2097152 --n 2097152 --k 2097152
expect 2 "must be <= 1024 tiles" "$sim" config --check configs/maia200.json \
  --set clusters=256 --set tiles_per_cluster=256 --set enabled_tiles_per_cluster=1
expect 2 "must be <= 1024 tiles" "$sim" exec examples/programs/dma_gemm.json \
  --set clusters=256 --set tiles_per_cluster=256 --set enabled_tiles_per_cluster=1
expect 2 "--prompt \+ --gen: must be <= " "$sim" run "${m8[@]}" --batch 1 --prompt 16 --gen 9223372036854775807
# A scalar instruction of 2^53 cycles at 0.1 GHz: beyond the time range, a simulation error.
sed 's/"cycles": 5000/"cycles": 9007199254740000/' examples/programs/host_upload.json >"$tmp/long.json"
expect 3 "simulated-time limit .* \(the simulator's time range\)" "$sim" exec "$tmp/long.json" --set clock_ghz=0.1

# --- user errors are exit 2, not internal errors; outputs are checked before simulating
touch "$tmp/a-file"
expect 2 "--out \"$tmp/a-file/sub\": cannot write there" "$sim" run "${m8[@]}" --batch 1 --prompt 16 --gen 2 --out "$tmp/a-file/sub"
expect 2 "--out \"$tmp/a-file\": cannot write there: it exists and is not a directory" \
  "$sim" ops "$tmp/nothing.json" --out "$tmp/a-file"
long=$(printf 'm%.0s' $(seq 1 5000))
expect 2 "unknown model" "$sim" run --model "$long" --batch 1
expect 2 "cannot write there" "$sim" exec examples/programs/dma_gemm.json --out "$tmp/no/such/dir/x.json"

# A trace path that is not UTF-8: the run completes and summary.json stays valid JSON.
odd="$tmp/tr$(printf '\xff').csv"
head -4 traces/AzureLLMInferenceTrace_conv.csv >"$odd"
expect 0 "3 submitted, 3 completed" "$sim" run "${m8[@]}" --trace "$odd" --out "$tmp/odd"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/odd/summary.json" && ok ||
  bad "summary.json with a non-UTF-8 trace path is not valid JSON"

# --- exit codes: a regression is 4, distinct from bad input (2) and internal errors (70)
s4=tests/regression/baselines/static-llama8b-b4-fp4
expect 4 "FAIL" "$sim" compare "$s8" "$s4"

finish hardening
