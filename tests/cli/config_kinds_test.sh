#!/usr/bin/env bash
# Chip kinds at the command line: the shipped GPU configs check, show and list their provenance;
# every class of bad kind input ends with exit 2 and a message naming the file or --set, the
# knob path and the rule (docs/config.md, "Chip kinds").
# usage: config_kinds_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"
h100=configs/gpus/h100-sxm.json

# --- the shipped configs
expect 0 "ok \(gpu: 108 SMs, 80 GB HBM2e at 2.04 TB/s\)" "$sim" config --check configs/gpus/a100-sxm4-80gb.json
expect 0 "ok \(gpu: 132 SMs, 80 GB HBM3 at 3.35 TB/s\)" "$sim" config --check "$h100"
expect 0 "ok \(gpu: 132 SMs, 141 GB HBM3e at 4.80 TB/s\)" "$sim" config --check configs/gpus/h200-sxm.json
expect 0 "ok \(gpu: 148 SMs, 180 GB HBM3e at 7.70 TB/s\)" "$sim" config --check configs/gpus/b200.json
expect 0 "ok \(gpu: 304 SMs, 192 GB HBM3 at 5.32 TB/s\)" "$sim" config --check configs/gpus/mi300x.json
expect 0 "ok \(4 clusters x 9 tiles enabled" "$sim" config --check configs/maia200.json
expect 0 "\"kind\": \"gpu\"" "$sim" config --show --chip "$h100"
expect 0 "\"kind\": \"maia\"" "$sim" config --show
expect 0 "hbm.stacks +6 +O " "$sim" config --provenance --chip configs/gpus/h200-sxm.json
expect 0 "\| \`sm.count\` \| \`132\` \| O \|" "$sim" config --provenance --markdown --chip "$h100"
expect 0 "kernel.gemm_efficiency .* calibrated" "$sim" config --describe --kind gpu
# --show output loads as it is (it carries the provenance of every value).
"$sim" config --show --chip configs/gpus/h200-sxm.json --set tdp_w=650 >"$tmp/shown.json"
expect 0 "ok \(gpu: 132 SMs, 141 GB" "$sim" config --check "$tmp/shown.json"

# --- bad input: exit 2, named
printf '{"kind": "tpu"}' >"$tmp/tpu.json"
expect 2 "tpu.json: kind: must be one of maia, gpu .*got \"tpu\"" "$sim" config --check "$tmp/tpu.json"
expect 2 "--kind: kind: must be one of maia, gpu" "$sim" config --describe --kind tpu
printf '{"extends": "%s/%s", "tile": {"ttu": {"tile_m": 32}}}' "$src" "$h100" >"$tmp/mixed.json"
expect 2 "mixed.json: tile.ttu.tile_m: a knob of kind maia, not of kind gpu" "$sim" config --check "$tmp/mixed.json"
printf '{"extends": "%s/configs/maia200.json", "sm": {"count": 8}}' "$src" >"$tmp/rev.json"
expect 2 "rev.json: sm.count: a knob of kind gpu, not of kind maia" "$sim" config --check "$tmp/rev.json"
printf '{"kind": "gpu", "name": "x", "clock_ghz": 1.5, "provenance": {"clock_ghz": "A: t"}}' >"$tmp/partial.json"
expect 2 "partial.json: .*must give every knob of its kind .*missing [0-9]+: tdp_w, .* and [0-9]+ more" \
  "$sim" config --check "$tmp/partial.json"
expect 2 "--set tile.ttu.tile_m=16: tile.ttu.tile_m: a knob of kind maia, not of kind gpu" \
  "$sim" config --check "$h100" --set tile.ttu.tile_m=16
expect 2 "--set sm.count=8: sm.count: a knob of kind gpu, not of kind maia" \
  "$sim" config --check configs/maia200.json --set sm.count=8
printf '{"extends": "%s/%s", "clock_ghz": 1.7, "tdp_w": 600, "provenance": {"tdp_w": "O: x"}}' "$src" "$h100" >"$tmp/noprov.json"
expect 2 "noprov.json: provenance.clock_ghz: every value the file sets needs a provenance entry" \
  "$sim" config --check "$tmp/noprov.json"
printf '{"extends": "%s/%s", "provenance": {"sm.cnt": "O: x"}}' "$src" "$h100" >"$tmp/badprov.json"
expect 2 "provenance.sm.cnt: names no knob of kind gpu \(did you mean 'sm.count'\?\)" \
  "$sim" config --check "$tmp/badprov.json"
printf '{"extends": "%s/%s", "tdp_w": 600, "provenance": {"tdp_w": "Z: x"}}' "$src" "$h100" >"$tmp/badtag.json"
expect 2 "provenance.tdp_w: must be a string \"TAG: source note\" with TAG one of O, O2, I, S, A, C" \
  "$sim" config --check "$tmp/badtag.json"
expect 2 "kernel.cta_tile_m\[0\]: must be a positive multiple of 16 .*got 24" \
  "$sim" config --check "$h100" --set 'kernel.cta_tile_m=[24]'
# Maia-only commands refuse a gpu chip by name.
expect 2 "h100-sxm.json: kind: this command needs a maia chip, got \"gpu\"" \
  "$sim" microbench hbm --chip "$h100"
expect 2 "h100-sxm.json: kind: this command needs a maia chip, got \"gpu\"" \
  "$sim" exec examples/programs/dma_gemm.json --chip "$h100"
# Commands that go through the backend run either kind.
expect 0 "on h100-sxm" \
  "$sim" run --model llama-3.1-8b --batch 1 --prompt 16 --gen 2 --chip "$h100"
expect 2 "nvlink.domain_gpus" "$sim" config --check "$h100" --set nvlink.domain_gpus=0

finish config_kinds
