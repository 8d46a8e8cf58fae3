#!/usr/bin/env bash
# Speculative decoding end to end (docs/serving.md, "Speculative decoding"): a serving run with
# --speculate 3 completes and reports its acceptance; a static run reports tokens per step; every
# bad input is refused with exit 2 and a named error.
source "$(dirname "$0")/harness.sh"

serve=(run --model llama-3.1-8b --rate 50 --max-requests 6 --input-tokens 256 --output-tokens 24)
expect_all 0 "6 submitted, 6 completed" "speculative decoding .* tokens per step  \(K = 3, draft mtp" \
  "speculative time" -- "$sim" "${serve[@]}" --speculate 3 --draft mtp --accept-rate 0.7 --out "$tmp/spec"
if python3 - "$tmp/spec/summary.json" <<'PY'; then ok; else bad "summary.json speculative block"; fi
import json, sys
s = json.load(open(sys.argv[1]))
sp = s["serving"]["speculative"]
assert sp["k"] == 3 and sp["steps"] > 0, sp
assert 1.0 <= sp["mean_emitted_per_step"] <= 4.0, sp
assert 0 <= sp["accepted_tokens"] <= sp["draft_tokens"], sp
assert sp["draft_ms"] > 0 and sp["verify_ms"] > 0, sp
assert s["workload"]["speculate"]["expected_emitted_per_step"] > 2.5, s["workload"]
PY
# The same run twice: identical requests.csv (acceptance draws are seeded per request and step).
"$sim" "${serve[@]}" --speculate 3 --draft mtp --accept-rate 0.7 --out "$tmp/spec2" >/dev/null 2>&1
if cmp -s "$tmp/spec/requests.csv" "$tmp/spec2/requests.csv"; then ok; else bad "speculative run not deterministic"; fi
# A draft model with the target's vocabulary, and a per-position table.
expect_all 0 "6 completed" "draft llama-3.1-8b" -- "$sim" run --model llama-3.1-70b --rate 20 \
  --max-requests 6 --input-tokens 128 --output-tokens 8 --speculate 2 --draft-model llama-3.1-8b \
  --accept-table 0.8,0.6
expect_all 0 "TPOT \(per output token\)" "tokens per step  \(K = 3" -- "$sim" run \
  --model llama-3.1-8b --batch 2 --prompt 128 --gen 9 --speculate 3 --draft mtp --accept-rate 0.5

# Bad input: named errors, exit 2.
spec=(run --model llama-3.1-8b --batch 2 --prompt 128 --gen 9)
expect 2 "vocab_size 152064 differs from the target llama-3.1-8b's 128256" \
  "$sim" "${spec[@]}" --speculate 3 --draft-model qwen2.5-7b --accept-rate 0.5
expect 2 "--speculate: draft tokens must be in \[1, 16\], got 0" \
  "$sim" "${spec[@]}" --speculate 0 --draft mtp --accept-rate 0.5
expect 2 "--speculate: draft tokens must be in \[1, 16\], got 17" \
  "$sim" "${spec[@]}" --speculate 17 --draft mtp --accept-rate 0.5
expect 2 "--accept-rate: must be a probability in \[0, 1\], got 1.2" \
  "$sim" "${spec[@]}" --speculate 3 --draft mtp --accept-rate 1.2
expect 2 "--accept-rate: must be a probability" \
  "$sim" "${spec[@]}" --speculate 3 --draft mtp --accept-rate -0.5
expect 2 "--accept-table: needs one acceptance per draft position \(--speculate 3\), got 2" \
  "$sim" "${spec[@]}" --speculate 3 --draft mtp --accept-table 0.5,0.5
expect 2 "--accept-table: entry 2 \('x'\) is not a number" \
  "$sim" "${spec[@]}" --speculate 3 --draft mtp --accept-table 0.5,x,0.5
expect 2 "--accept-table: position 1: must be a probability" \
  "$sim" "${spec[@]}" --speculate 2 --draft mtp --accept-table 2,0.5
expect 2 "exclude each other" "$sim" "${spec[@]}" --speculate 2 --draft mtp --accept-rate 0.5 --accept-table 0.5,0.5
expect 2 "needs an acceptance model" "$sim" "${spec[@]}" --speculate 2 --draft mtp
expect 2 "needs a draft" "$sim" "${spec[@]}" --speculate 2 --accept-rate 0.5
expect 2 "--draft: unknown draft 'eagle'" "$sim" "${spec[@]}" --speculate 2 --draft eagle --accept-rate 0.5
expect 2 "--draft-model and --draft mtp exclude each other" \
  "$sim" "${spec[@]}" --speculate 2 --draft mtp --draft-model llama-3.1-8b --accept-rate 0.5
expect 2 "--accept-rate applies only with --speculate" "$sim" "${spec[@]}" --accept-rate 0.5
expect 2 "--accept-seed applies only when serving" \
  "$sim" "${spec[@]}" --speculate 2 --draft mtp --accept-rate 0.5 --accept-seed 3
expect 2 "unknown model|not found|no such" "$sim" "${spec[@]}" --speculate 2 --draft-model nosuch --accept-rate 0.5

finish cli_speculative
