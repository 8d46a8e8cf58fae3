#!/usr/bin/env bash
# End-to-end checks of the maia-sim command line: exit codes, error messages, determinism.
# usage: cli_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"

expect 0 "ok" "$sim" config --check configs/maia200.json
expect 2 "hbm.stacks: must be >= 1, got 0" "$sim" config --check configs/maia200.json --set hbm.stacks=0
expect 2 "did you mean 'hbm.stacks'" "$sim" config --check configs/maia200.json --set hbm.stakcs=2
expect 0 "hbm.timing.tRCD_rd" "$sim" config --describe
expect 2 "unknown command" "$sim" frobnicate
expect 2 "" "$sim"
expect 0 "cycles" "$sim" exec examples/programs/dma_gemm.json
expect 3 "deadlock" "$sim" exec examples/programs/deadlock.json
expect 2 "cannot open" "$sim" exec "$tmp/missing.json"
expect 2 "--dtype" "$sim" microbench gemm --dtype int3
expect 0 "achieved_tflops" "$sim" microbench gemm --m 512 --n 512 --k 512 --json
expect 0 "pcie host->device" "$sim" microbench all
expect 0 "5 submitted, 5 completed" "$sim" run --model llama-3.1-8b --trace traces/AzureLLMInferenceTrace_conv.csv --max-requests 5 --out "$tmp/serve"
[ -f "$tmp/serve/requests.csv" ] && [ "$(wc -l <"$tmp/serve/requests.csv")" -eq 6 ] && ok || bad "requests.csv missing or not 5 rows"
expect 0 "5 submitted, 5 completed" "$sim" run --model llama-3.1-8b --rate 50 --max-requests 5 --input-tokens 256 --output-tokens 8
expect 2 "exclude each other" "$sim" run --model llama-3.1-8b --rate 5 --trace traces/AzureLLMInferenceTrace_conv.csv
expect 2 "does not apply to --arrival burst" "$sim" run --model llama-3.1-8b --arrival burst --rate 5 --max-requests 4
# The cost model's grid is a user knob: a coarser grid measures fewer points; 0 is refused.
expect 2 "--cost-points-per-octave\) must be in \[1, 64\], got 0" \
  "$sim" run --model llama-3.1-8b --rate 50 --max-requests 5 --input-tokens 64 --output-tokens 4 --cost-points-per-octave 0
expect 0 "5 submitted, 5 completed" \
  "$sim" run --model llama-3.1-8b --rate 50 --max-requests 5 --input-tokens 300 --output-tokens 40 --cost-points-per-octave 2

# maia-sim run / ops: a small static batch, its output files, and input errors.
expect 0 "TTFT" "$sim" run --model llama-3.1-8b --batch 2 --prompt 128 --gen 2 --out "$tmp/run" --emit-ops "$tmp/ops.json"
for key in '"ttft_ms"' '"tpot_ms"' '"e2e_ms"' '"p99"' '"output_tokens_per_s"' '"total_tokens_per_s"' '"submitted"' '"completed"' '"rejected"' '"wall_s"' '"simulated_s"'; do
  grep -q -- "$key" "$tmp/run/summary.json" 2>/dev/null && ok || bad "summary.json lacks $key"
done
head -1 "$tmp/run/ops.csv" 2>/dev/null | grep -q "^phase,name,layer,kind,time_us,flops,hbm_bytes,sram_bytes,achieved_tflops,achieved_hbm_gbps,roofline_us,fraction_of_roofline,bound,reused,window,overlap_us,energy_uj,power_w$" && ok || bad "ops.csv header"
grep -q "^decode," "$tmp/run/ops.csv" 2>/dev/null && ok || bad "ops.csv lacks decode rows"
expect 2 "--model is required" "$sim" run --batch 2
expect 2 "llama-3.1-8b" "$sim" run --model nope
expect 2 "does not fit" "$sim" run --model llama-3.1-405b --weights bf16
expect 2 "--weights" "$sim" run --model llama-3.1-8b --weights int3
# Tensor parallelism: bad degrees exit 2 with the rule; tp 2 reports the group and NIC traffic.
expect 2 "--tp: must be >= 1, got 0" "$sim" run --model llama-3.1-8b --tp 0
expect 2 "--tp 8 x --ep 1 x --pp 1 x --dp 1 = 8 chips: the system maia200-tray .* has 4 chips" \
  "$sim" run --model llama-3.1-8b --tp 8 --system configs/systems/maia200-tray.json
expect 2 "--tp 3: llama-3.1-8b's num_attention_heads \(32\) must divide" "$sim" run --model llama-3.1-8b --tp 3
expect 2 "nic.tray_links\[1\]: every tray peer needs at least one port, got 0" \
  "$sim" run --model llama-3.1-8b --tp 4 --set nic.tray_links=[6,0,7]
expect_all 0 "system: 2 chips \(tp 2 x ep 1 x pp 1 x dp 1\) of maia200-tray" "per chip" -- \
  "$sim" run --model llama-3.1-8b --batch 1 --prompt 16 --gen 2 --tp 2 --out "$tmp/tp2"
python3 - "$tmp/tp2/summary.json" <<'PY' && ok || bad "tp 2 summary.json: parallelism or NIC bytes"
import json, sys
j = json.load(open(sys.argv[1]))
p, t = j["parallelism"], j["throughput"]
assert p["tensor_parallel"] == 2 and p["chips"] == 2, p
assert p["nic_tx_bytes_per_iteration"]["decode"] > 0, p
assert abs(t["output_tokens_per_s_per_chip"] * 2 - t["output_tokens_per_s"]) < 1e-6 * t["output_tokens_per_s"], t
PY
grep -q "^decode,attn_all_reduce,0,collective," "$tmp/tp2/ops.csv" && ok || bad "tp 2 ops.csv lacks the all-reduce"
expect_all 0 "system: 4 chips \(tp 4 x ep 1 x pp 1 x dp 1\) of maia200-tray" "5 submitted, 5 completed" "per chip" -- \
  "$sim" run --model llama-3.1-8b --rate 50 --max-requests 5 --input-tokens 64 --output-tokens 4 --tp 4
expect 0 "total" "$sim" ops "$tmp/ops.json" --out "$tmp/opsout"
grep -q "^trace," "$tmp/opsout/ops.csv" 2>/dev/null && ok || bad "ops --out lacks trace rows"
expect 2 "cannot open" "$sim" ops "$tmp/missing.json"

# docs/config.md carries the generated knob tables (maia, gpu); they must match the code.
for kind in maia gpu; do
  marker=knobs
  [ "$kind" = gpu ] && marker=gpu-knobs
  "$sim" config --describe --kind "$kind" --markdown >"$tmp/knobs.md"
  if diff -q <(sed -n "/<!-- $marker:begin -->/,/<!-- $marker:end -->/p" docs/config.md | sed '1d;$d') "$tmp/knobs.md" >/dev/null; then
    ok
  else
    bad "docs/config.md $kind knob table is stale: regenerate with scripts/update-config-doc.sh"
  fi
done

# Global logging flags (README "Diagnostics"): accepted by every command, anywhere; a bad level
# is bad input naming the flag and the levels.
expect 0 "ok" "$sim" --log-level debug config --check configs/maia200.json
expect 0 "ok" "$sim" config --check configs/maia200.json -v
expect 0 "ok" "$sim" config --log-level=off --check configs/maia200.json
expect 2 "--log-level: must be one of trace, debug, info, warn, error, off, got \"loud\"" \
  "$sim" config --check configs/maia200.json --log-level loud
expect 2 "--log-level: needs a level" "$sim" run --log-level
# The library's debug lines appear only when asked for, on stderr; stdout is unchanged.
serve=(run --model llama-3.1-8b --rate 50 --max-requests 3 --input-tokens 64 --output-tokens 2)
"$sim" "${serve[@]}" >"$tmp/quiet.out" 2>"$tmp/quiet.err"
"$sim" "${serve[@]}" -vv >"$tmp/debug.out" 2>"$tmp/debug.err"
grep -q "^debug: scheduler: t=.* request 0 admitted" "$tmp/debug.err" && ok || bad "-vv lacks scheduler admissions"
grep -q "^debug: cost model: grid point simulated" "$tmp/debug.err" && ok || bad "-vv lacks cost-model grid points"
grep -q "^debug: op executor: .* reused" "$tmp/debug.err" && ok || bad "-vv lacks reused measurements"
grep -q "^debug:" "$tmp/quiet.err" && bad "debug lines at the default level" || ok
sed 's/[0-9.]* s wall.*//' "$tmp/quiet.out" >"$tmp/quiet.cmp"
sed 's/[0-9.]* s wall.*//' "$tmp/debug.out" >"$tmp/debug.cmp"
cmp -s "$tmp/quiet.cmp" "$tmp/debug.cmp" && ok || bad "-vv changed stdout"

# validate: a row it can reproduce, one it cannot (skipped with the reason), bad CSVs refused.
cat >"$tmp/measured.csv" <<'CSV'
hardware,devices,tp,model,precision,engine,isl,osl,batch_or_concurrency,metric,value,unit,source_url,notes
Maia 200,1,1,Llama-3.1-8B,FP8,none,128,8,batch=2,TTFT,1.0,ms,-,a made-up row
TPU v5e,1,1,Llama-3.1-8B,BF16,JetStream,128,8,batch=1,TTFT,20,ms,-,no config
CSV
expect 0 "rows 2 \\(all half\\): 1 predicted, 1 skipped, 0 failed" "$sim" validate "$tmp/measured.csv" --out "$tmp/val" --jobs 1
[ "$(wc -l <"$tmp/val/validation.csv")" -eq 2 ] && grep -q "maia200.json" "$tmp/val/validation.csv" && ok || bad "validation.csv lacks the predicted row"
grep -q "TPU v5e.*has no chip config" "$tmp/val/skipped.csv" && ok || bad "skipped.csv lacks the reason"
printf 'hardware,model\nH100,x\n' >"$tmp/short.csv"
expect 2 "header lacks required column" "$sim" validate "$tmp/short.csv" --out "$tmp/val2"
expect 2 "--half: must be all, fit or held" "$sim" validate "$tmp/measured.csv" --half some

# Determinism: the same run twice gives byte-identical JSON.
"$sim" microbench gemm --m 1024 --n 1024 --k 1024 --json >"$tmp/a.json"
"$sim" microbench gemm --m 1024 --n 1024 --k 1024 --json >"$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" && ok || bad "gemm JSON differs between identical runs"
"$sim" exec examples/programs/dma_gemm.json --json >"$tmp/c.json"
"$sim" exec examples/programs/dma_gemm.json --json >"$tmp/d.json"
cmp -s "$tmp/c.json" "$tmp/d.json" && ok || bad "exec JSON differs between identical runs"

finish cli
