#!/usr/bin/env bash
# maia-sim run on a system of chips end to end (docs/systems.md, "Parallelism in maia-sim run"):
# tensor parallelism beyond the tray (collectives timed by the analytical model), expert
# parallelism with all-to-all dispatch and combine, data-parallel replicas, summary.json's
# system block checked against closed forms, and every bad input refused with exit 2.
# usage: parallel_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"
small=(--batch 1 --prompt 16 --gen 2)

# --- 405B does not fit one chip: refused with the numbers and the smallest degree that fits
expect_all 2 "llama-3.1-405b .*model does not fit: weights 405.86 GB \+ KV .* > HBM 231.93 GB" \
  "sharded over 2 chips \(--tp 2\) each chip's share fits" \
  -- "$sim" run --model llama-3.1-405b --tp 1 --batch 16 --prompt 2048 --gen 64

# --- tp 8: two trays through T0, collectives timed by the analytical model; tp 4: the tray's
# NIC programs as before
expect_all 0 "system: 8 chips \(tp 8 x ep 1 x pp 1 x dp 1\) of maia200-cluster-6144" \
  "per chip .*tokens/s  \(output, 8 chips\)" \
  -- "$sim" run --model llama-3.1-405b --tp 8 "${small[@]}" --out "$tmp/tp8"
expect 0 "system: 4 chips .* of maia200-tray" \
  "$sim" run --model llama-3.1-405b --tp 4 "${small[@]}" --out "$tmp/tp4"
python3 - "$tmp/tp8/summary.json" "$tmp/tp4/summary.json" <<'PY' && ok || bad "tp 8 system block"
import json, sys
t8, t4 = (json.load(open(f)) for f in sys.argv[1:3])
s = t8["system"]
assert s["chips"] == 8 and s["system_chips"] == 6144 and s["topology"] == "maia-cluster"
assert s["fidelity"] == "symmetric" and s["collective_fidelity"] == "analytical"
assert s["degrees"] == {"tp": 8, "ep": 1, "pp": 1, "dp": 1}
ar = s["collectives"]["decode"]["all_reduce"]
# two all-reduces per layer (126 layers) of one token's hidden state (16384 x 1 byte, fp8):
# each chip sends 2 (n - 1) / n of it
assert ar["count"] == 252
assert ar["network_bytes_per_chip"] == 252 * 2 * 7 * 16384 // 8, ar
assert all(k.startswith("analytical") for k in ar["timed_by"]), ar
assert set(s["tiers"]["decode"]) == {"t0"}, s["tiers"]
# the logits all-gather: 128256 / 8 rows per chip (padded up), (n - 1) / n of them leave
ag = s["collectives"]["decode"]["all_gather"]
assert ag["count"] == 1 and ag["network_bytes_per_chip"] == 7 * 16032
assert t8["parallelism"]["chips"] == 8
tp = t8["throughput"]
assert abs(tp["output_tokens_per_s_per_chip"] * 8 - tp["output_tokens_per_s"]) < 1e-6 * tp["output_tokens_per_s"]
# tp 4 stays on the tray's simulated NIC programs
s4 = t4["system"]
assert s4["name"] == "maia200-tray" and s4["chips"] == 4
assert list(s4["collectives"]["decode"]["all_reduce"]["timed_by"]) == ["simulated (NIC program)"]
# per-chip weights: the sharded part halves from tp 4 to tp 8; what stays is the replicated
# embedding (128256 x 16384 fp8) and the 2 x 126 + 1 norms (16384 bf16 each)
w8, w4 = t8["memory"]["weight_bytes"], t4["memory"]["weight_bytes"]
assert 2 * w8 - w4 == 128256 * 16384 + 253 * 16384 * 2, (w8, w4)
assert t8["latency"]["tpot_ms"]["mean"] < t4["latency"]["tpot_ms"]["mean"]
PY

# --- expert parallelism: Mixtral's 8 experts over 2 chips, dispatch and combine as all-to-alls
expect_all 0 "system: 2 chips \(tp 1 x ep 2 x pp 1 x dp 1\) of maia200-tray" \
  "static batch: 8 requests \(4 per chip\)" "all_to_all x64" \
  -- "$sim" run --model mixtral-8x7b --ep 2 --batch 8 --prompt 16 --gen 2 --out "$tmp/ep2"
expect 0 "" "$sim" run --model mixtral-8x7b --batch 1 --prompt 16 --gen 2 --out "$tmp/ep1"
python3 - "$tmp/ep2/summary.json" "$tmp/ep1/summary.json" <<'PY' && ok || bad "ep 2 system block"
import json, sys
e2, e1 = (json.load(open(f)) for f in sys.argv[1:3])
a2a = e2["system"]["collectives"]
# per MoE layer (32) a dispatch and a combine; each chip's t tokens x top-2 hidden vectors
# (4096 x 1 byte), half of them to the other chip: t k h b (ep - 1) / ep (balanced routing: every
# expert gets an equal share of the 8 x 2 token slots of decode, 128 x 2 of prefill)
for phase, t in (("prefill", 64), ("decode", 4)):
    k = a2a[phase]["all_to_all"]
    assert k["count"] == 64, k
    assert k["network_bytes_per_chip"] == 64 * t * 2 * 4096 // 2, (phase, k)
# each chip holds 4 of the 8 experts: 32 layers x 4 experts x 3 matrices of 4096 x 14336 fewer
assert e1["memory"]["weight_bytes"] - e2["memory"]["weight_bytes"] == 32 * 4 * 3 * 4096 * 14336
assert e2["parallelism"]["expert_parallel"] == 2 and e2["parallelism"]["chips"] == 2
assert e2["requests"]["submitted"] == 8 and e2["workload"]["batch"] == 8
assert e2["workload"]["batch_per_chip"] == 4
PY

# --- data parallelism: throughput x N, per chip and latency unchanged
expect 0 "" "$sim" run --model llama-3.1-8b --batch 2 --prompt 16 --gen 2 --out "$tmp/dp1"
expect_all 0 "static batch: 4 requests \(2 per chip\)" "output, 2 chips" \
  -- "$sim" run --model llama-3.1-8b --batch 2 --prompt 16 --gen 2 --dp 2 --out "$tmp/dp2"
python3 - "$tmp/dp1/summary.json" "$tmp/dp2/summary.json" <<'PY' && ok || bad "dp 2 throughput"
import json, sys
d1, d2 = (json.load(open(f)) for f in sys.argv[1:3])
t1, t2 = d1["throughput"], d2["throughput"]
close = lambda a, b: abs(a - b) <= 1e-9 * max(abs(a), abs(b))
assert close(t2["output_tokens_per_s"], 2 * t1["output_tokens_per_s"])
assert close(t2["output_tokens_per_s_per_chip"], t1["output_tokens_per_s_per_chip"])
assert close(d2["latency"]["e2e_ms"]["mean"], d1["latency"]["e2e_ms"]["mean"])
assert d2["system"]["degrees"]["dp"] == 2 and d2["requests"]["submitted"] == 4
assert "system" not in d1
PY

# --- pipeline parallelism: 2 stages of 16 layers, 2 micro-batches of 2 requests
expect_all 0 "pipeline: 2 stages, 2 micro-batches of 2 requests" "pipeline decode: stages .* bubble" \
  -- "$sim" run --model llama-3.1-8b --pp 2 --batch 4 --prompt 16 --gen 2 --out "$tmp/pp2"
python3 - "$tmp/pp2/summary.json" "$tmp/dp1/summary.json" <<'PY' && ok || bad "pp 2 pipeline block"
import json, sys
pp, one = (json.load(open(f)) for f in sys.argv[1:3])
p = pp["system"]["pipeline"]
assert p["stages"] == 2 and p["micro_batches"] == 2 and p["micro_batch_requests"] == 2
for phase in ("prefill", "decode"):
    q = p[phase]
    c, x, m = q["stage_ms"], q["send_recv_ms"], 2
    assert len(c) == 2 and x > 0
    # fill and drain: sum c + (P - 1) x + (M - 1) max(max c, x); the bubble at least the
    # equal-stage (P - 1) / (M + P - 1)
    t = sum(c) + x + (m - 1) * max(max(c), x)
    assert abs(q["iteration_ms"] - t) <= 1e-9 * t, (phase, q, t)
    assert abs(q["bubble_fraction"] - (1 - m * sum(c) / (2 * t))) < 1e-9
    assert q["bubble_fraction"] >= 1 / 3 - 1e-12
assert abs(pp["phases"]["prefill"]["time_ms"] - p["prefill"]["iteration_ms"]) < 1e-9
assert pp["system"]["degrees"]["pp"] == 2 and pp["parallelism"]["chips"] == 2
# each stage holds about half of the layers: per-chip weights below 60% of one chip's
assert pp["memory"]["weight_bytes"] < 0.6 * one["memory"]["weight_bytes"]
PY

# --- bad input: exit 2, a named error
expect 2 "--pp 33: llama-3.1-8b has 32 layers" "$sim" run --model llama-3.1-8b --pp 33
expect 2 "--micro-batches: must be in \[1, --batch per chip = 4\], got 5" \
  "$sim" run --model llama-3.1-8b --pp 2 --batch 4 --micro-batches 5 --prompt 16 --gen 2
expect 2 "--micro-batches applies only with --pp" "$sim" run --model llama-3.1-8b --micro-batches 2
expect 2 "--pp with --ep > 1 is not modelled" "$sim" run --model mixtral-8x7b --pp 2 --ep 2
expect 2 "--pp applies to a static batch" "$sim" run --model llama-3.1-8b --pp 2 --rate 5 --max-requests 3
expect 2 "--ep 3: mixtral-8x7b's num_local_experts \(8\) must divide by the expert-parallel degree" \
  "$sim" run --model mixtral-8x7b --ep 3
expect 2 "--ep 2: llama-3.1-8b has no routed experts" "$sim" run --model llama-3.1-8b --ep 2
expect 2 "--batch 3: must divide by --ep 2" "$sim" run --model mixtral-8x7b --ep 2 --batch 3
expect 2 "--ep: must be >= 1, got 0" "$sim" run --model mixtral-8x7b --ep 0
expect 2 "--dp: must be >= 1, got 0" "$sim" run --model llama-3.1-8b --dp 0
expect 2 "--tp 6: llama-3.1-405b's num_attention_heads \(128\) must divide" \
  "$sim" run --model llama-3.1-405b --tp 6
expect 2 "--tp 8 x --ep 1 x --pp 1 x --dp 1 = 8 chips: the system maia200-tray .* has 4 chips" \
  "$sim" run --model llama-3.1-8b --tp 8 --system configs/systems/maia200-tray.json
expect 2 "--tp 4 x --ep 1 x --pp 1 x --dp 4 = 16 chips: the system maia200-2trays .* has 8 chips" \
  "$sim" run --model llama-3.1-8b --tp 4 --dp 4 --system configs/systems/maia200-2trays.json
expect 2 "= 16 chips: the system h100-sxm-nvlink-domain \(built-in\) has 8 chips" \
  "$sim" run --model llama-3.1-8b --tp 16 --chip configs/gpus/h100-sxm.json
expect 2 "no such system config file" "$sim" run --model llama-3.1-8b --tp 2 --system "$tmp/none.json"
expect 2 "--dp applies to a static batch" \
  "$sim" run --model llama-3.1-8b --dp 2 --rate 5 --max-requests 3
expect 2 "--ep applies to a static batch" \
  "$sim" run --model mixtral-8x7b --ep 2 --trace traces/AzureLLMInferenceTrace_conv.csv

finish parallel_test
