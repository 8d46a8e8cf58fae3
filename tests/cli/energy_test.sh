#!/usr/bin/env bash
# Energy and cost end to end (docs/power.md): summary.json's energy and cost blocks on a static
# batch, a serving run and a GPU, conservation of the blocks, the run's printout, ops.csv's energy
# columns, and every bad input refused with exit 2 and a named error.
# usage: energy_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"

expect_all 0 "tokens per joule +[0-9.]+ tokens/J" "average power +[0-9.]+ W per chip" \
  "tokens per dollar +[0-9.]+ tokens/USD  \(total cost of ownership\)" -- \
  "$sim" run --model llama-3.1-8b --batch 2 --prompt 128 --gen 3 --out "$tmp/static"
expect_all 0 "tokens/USD  \(rental price\)" -- \
  "$sim" run --model llama-3.1-8b --batch 2 --prompt 128 --gen 3 --price-per-hour 2.5 --out "$tmp/rent"
expect_all 0 "tokens per joule" "average power" -- \
  "$sim" run --model llama-3.1-8b --rate 50 --max-requests 5 --input-tokens 64 --output-tokens 4 \
  --out "$tmp/serve"
expect_all 0 "tokens per joule" -- \
  "$sim" run --chip configs/gpus/h100-sxm.json --model llama-3.1-8b --batch 2 --prompt 128 --gen 3 \
  --out "$tmp/gpu"
python3 - "$tmp" <<'PY' && ok || bad "energy and cost blocks"
import json, sys, csv
tmp = sys.argv[1]
def check(name, idle_phase):
    j = json.load(open(f"{tmp}/{name}/summary.json"))
    e, c = j["energy"], j["cost"]
    classes = ["compute", "vector", "sram", "noc", "hbm", "network", "host", "static"]
    assert list(e["classes_j"]) == classes, e
    total = e["joules_per_chip"]
    # Conservation: the classes and the phases each sum to the total.
    assert abs(sum(e["classes_j"].values()) - total) <= 1e-9 * total, e
    assert abs(sum(p["joules"] for p in e["phases"].values()) - total) <= 1e-9 * total, e
    for p in e["phases"].values():
        assert abs(sum(p["classes_j"].values()) - p["joules"]) <= 1e-9 * p["joules"], p
    assert ("idle" in e["phases"]) == idle_phase, e["phases"]
    # Average power is the energy over the simulated time; tokens per joule the output tokens
    # over every chip's energy.
    sim_s = j["simulation"]["simulated_s"]
    assert abs(e["average_power_w"] * sim_s - total) <= 1e-9 * total, (e, sim_s)
    out = j["throughput"]["output_tokens"]
    assert abs(e["tokens_per_joule"] * e["joules"] - out) <= 1e-9 * out, e
    assert e["peak_power_w"] >= e["classes_j"]["static"] / sim_s, e
    assert c["tokens_per_dollar"] > 0 and abs(c["tokens_per_dollar"] * c["dollars"] - out) <= 1e-9 * out, c
    return j
s = check("static", False)
assert s["cost"]["model"] == "tco", s["cost"]
assert abs(s["cost"]["capital_usd"] + s["cost"]["energy_usd"] - s["cost"]["dollars"]) < 1e-12, s["cost"]
r = check("rent", False)
assert r["cost"]["model"] == "rental", r["cost"]
# Rental: 2.5 USD per chip-hour over the run's simulated time.
assert abs(r["cost"]["dollars"] - 2.5 * r["simulation"]["simulated_s"] / 3600) < 1e-15, r["cost"]
check("serve", True)
g = check("gpu", False)
assert g["energy"]["classes_j"]["compute"] > 0 and g["energy"]["classes_j"]["hbm"] > 0, g["energy"]
# ops.csv: every operator's energy, summing over a phase to no more than the run's (the
# representative iterations are a part of it).
rows = list(csv.DictReader(open(f"{tmp}/static/ops.csv")))
assert all(float(x["energy_uj"]) > 0 for x in rows), rows[0]
PY

# Bad input: a negative price, an energy knob out of range, a TDP below the idle power.
expect 2 "--price-per-hour -1: must be >= 0" \
  "$sim" run --model llama-3.1-8b --batch 1 --prompt 16 --gen 2 --price-per-hour -1
expect 2 "energy.ttu_mac_fp8_pj: must be in \[0, 100\] pJ/MAC, got -0.1" \
  "$sim" config --check configs/maia200.json --set energy.ttu_mac_fp8_pj=-0.1
expect 2 "tdp_w: must be >= the idle power, the sum of energy.static_\* \(180 W\)" \
  "$sim" config --check configs/maia200.json --set tdp_w=100
expect 2 "tdp_w: must be >= the idle power" \
  "$sim" run --model llama-3.1-8b --batch 1 --prompt 16 --gen 2 --set tdp_w=100
expect 2 "tdp_w: must be >= the idle power energy.static_w" \
  "$sim" config --check configs/gpus/h100-sxm.json --set tdp_w=50
expect 2 "cost.pue: must be in \[1, 5\] ratio, got 0.5" \
  "$sim" config --check configs/maia200.json --set cost.pue=0.5

finish "cli_energy"
