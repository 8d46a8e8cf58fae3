#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's real inputs (docs/hardening.md):
#   scripts/fuzz-seeds.sh OUT_DIR [MAIA_SIM]
# writes OUT_DIR/<target>/ for every fuzz target. MAIA_SIM (a maia-sim binary), when given,
# also writes an operator trace with --emit-ops. Existing files are kept (a corpus grows).
set -euo pipefail
out=${1:?usage: $0 OUT_DIR [MAIA_SIM]}
sim=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=$root/../shared

seed() {  # seed TARGET FILE [NAME]: copy FILE into the target's corpus
  mkdir -p "$out/$1"
  cp "$2" "$out/$1/${3:-$(basename "$2")}"
}
head_seed() {  # head_seed TARGET FILE LINES: the first lines of a large trace
  mkdir -p "$out/$1"
  head -n "$3" "$2" > "$out/$1/head-$3-$(basename "$2")"
}

seed chip_config "$root/configs/maia200.json"
mkdir -p "$out/chip_config"
printf '{"extends": "maia200.json", "description": "child", "clock_ghz": 1.8}\n' \
  > "$out/chip_config/extends.json"
printf -- '--set hbm.pin_rate_gbps=6.0\n--set name="x"\n{"extends": "maia200.json"}\n' \
  > "$out/chip_config/set-overrides.json"
printf -- '--set clock_ghz=1.2\n{}\n' > "$out/chip_config/set-defaults.json"

for f in "$root"/configs/models/*.json "$shared"/models/*.json; do
  [ -f "$f" ] && seed model_config "$f"
done

for f in "$root"/traces/AzureLLMInferenceTrace_*.csv; do
  head_seed azure_trace "$f" 40
  head_seed length_table "$f" 40
done
head_seed length_table "$root/traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv" 40
head_seed mooncake_trace "$root/traces/mooncake_synthetic_trace.jsonl" 20

for f in "$root"/examples/programs/*.json; do seed program "$f"; done
for f in "$root"/examples/sweeps/*.json; do seed sweep_spec "$f"; done
seed suite "$root/tests/regression/suite.json"
for d in "$root"/tests/regression/baselines/*/; do
  seed results "$d/summary.json" "$(basename "$d").json"
done

# Constraint expressions: those of the example sweeps, and every operator once.
mkdir -p "$out/constraint_expr"
n=0
grep -ho '"expr": *"[^"]*"' "$root"/examples/sweeps/*.json | sed 's/^"expr": *"//; s/"$//' |
  while IFS= read -r e; do n=$((n + 1)); printf '%s' "$e" > "$out/constraint_expr/example-$n"; done
printf '%s' '!(chip.total_sram_mib <= 270) || batch * 2 / 4 - 1 >= 3 && model != "llama"' \
  > "$out/constraint_expr/operators"
printf '%s' '(a + b) > c == (d < e) && f <= 1.5e3 || g == "s"' > "$out/constraint_expr/compare"

if [ -n "$sim" ]; then
  mkdir -p "$out/op_trace"
  SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$sim" run --model llama-3.1-8b --batch 1 --prompt 32 \
    --gen 2 --emit-ops "$out/op_trace/llama-3.1-8b-prefill.json" > /dev/null
  SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$sim" run --model mixtral-8x7b --batch 2 --prompt 16 \
    --gen 2 --emit-ops "$out/op_trace/mixtral-8x7b-prefill.json" > /dev/null
fi
