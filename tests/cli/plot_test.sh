#!/usr/bin/env bash
# End-to-end checks of maia-sim plot (docs/plots.md): real outputs from small runs (two serving
# rates, a static batch, a sweep over the rate, a Perfetto timeline), then every kind to PNG and
# SVG (non-empty, PNG magic, <svg), SVG byte-identical across two draws, and the bad inputs
# (exit 2, named). Skipped (exit 77, ctest's SKIP_RETURN_CODE) without matplotlib: make deps installs it.
# usage: plot_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"

py=${MAIA_PYTHON:-/usr/bin/python3}
[ -x "$py" ] || py=python3
if ! "$py" -c "import matplotlib" 2>/dev/null; then
  echo "cli_plot: SKIPPED: $py has no matplotlib (apt-get install python3-matplotlib)"
  exit 77
fi

serve=(--model llama-3.1-8b --max-requests 8 --input-tokens 64 --output-tokens 4 --seed 1)
"$sim" run "${serve[@]}" --rate 20 --out "$tmp/r20" --perfetto "$tmp/r20.json" >/dev/null 2>&1 &&
  "$sim" run "${serve[@]}" --rate 200 --out "$tmp/r200" >/dev/null 2>&1 &&
  "$sim" run --model llama-3.1-8b --batch 1 --prompt 32 --gen 2 --out "$tmp/static" \
    --perfetto "$tmp/static.json" >/dev/null 2>&1 || { bad "the runs that make the inputs"; finish cli_plot; exit 1; }
cat >"$tmp/rates.json" <<'JSON'
{"name": "rates", "base": {"model": "llama-3.1-8b",
  "options": {"max-requests": 6, "input-tokens": 64, "output-tokens": 4, "seed": 1}},
 "axes": [{"option": "rate", "values": [10, 100]}]}
JSON
expect 0 "2 ok" "$sim" sweep "$tmp/rates.json" --out "$tmp/sweep"

# draw KIND ARGS...: the kind to PNG and SVG; both non-empty with their format's header.
draw() {
  local kind="$1"
  shift
  for ext in png svg; do
    local out="$tmp/$kind.$ext"
    expect 0 "wrote $out" "$sim" plot "$kind" "$@" --out "$out"
    [ -s "$out" ] && ok || bad "$out is empty"
  done
  [ "$(head -c 8 "$tmp/$kind.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] && ok ||
    bad "$kind.png lacks the PNG signature"
  grep -q "<svg" "$tmp/$kind.svg" && ok || bad "$kind.svg has no <svg"
}
draw load-curve "$tmp/r20" "$tmp/r200" "$tmp/sweep" --label maia-20 --label maia-200 --label sweep
draw latency-cdf "$tmp/r20" "$tmp/r200"
draw pareto "$tmp/sweep" --metrics output_tokens_per_s,ttft_ms_p99
draw roofline "$tmp/static" "$tmp/r20"
draw timeline "$tmp/static.json" "$tmp/r20.json"

# Deterministic: the same inputs give the same SVG, byte for byte.
"$sim" plot latency-cdf "$tmp/r20" "$tmp/r200" --out "$tmp/again.svg" >/dev/null 2>&1
cmp -s "$tmp/latency-cdf.svg" "$tmp/again.svg" && ok || bad "latency-cdf SVG differs between draws"
"$sim" plot roofline "$tmp/static" "$tmp/r20" --out "$tmp/again2.svg" >/dev/null 2>&1
cmp -s "$tmp/roofline.svg" "$tmp/again2.svg" && ok || bad "roofline SVG differs between draws"

# Bad input: exit 2, named, before any drawing.
expect 2 "has no requests.csv" "$sim" plot latency-cdf "$tmp/static" --out "$tmp/x.png"
expect 2 "has no ops.csv" "$sim" plot roofline "$tmp/sweep" --out "$tmp/x.png"
expect 2 "not a result folder" "$sim" plot roofline "$tmp/missing" --out "$tmp/x.png"
expect 2 "has no results.jsonl" "$sim" plot pareto "$tmp/r20" --metrics output_tokens_per_s,tpot_ms_p99 --out "$tmp/x.png"
expect 2 "not a serving run" "$sim" plot load-curve "$tmp/static" --out "$tmp/x.png"
expect 2 "tpot_ms_p9" "$sim" plot pareto "$tmp/sweep" --metrics output_tokens_per_s,tpot_ms_p9 --out "$tmp/x.png"
expect 2 "--metrics A,B is required" "$sim" plot pareto "$tmp/sweep" --out "$tmp/x.png"
expect 2 "extension must be .png or .svg" "$sim" plot roofline "$tmp/r20" --out "$tmp/x.pdf"
expect 2 "unknown kind 'scatter'" "$sim" plot scatter "$tmp/r20" --out "$tmp/x.png"
expect 2 "2 --label for 1 INPUTs" "$sim" plot roofline "$tmp/r20" --label a --label b --out "$tmp/x.png"
expect 2 "not a maia-sim Perfetto timeline" "$sim" plot timeline "$tmp/r20/summary.json" --out "$tmp/x.png"
expect 2 "no such file" "$sim" plot timeline "$tmp/r20" --out "$tmp/x.png"
expect 2 "no such directory" "$sim" plot roofline "$tmp/r20" --out "$tmp/nodir/x.png"
[ ! -e "$tmp/x.png" ] && ok || bad "a refused plot wrote its output"
# No matplotlib for the interpreter: the package named, exit 70 (the environment, not the input).
expect 70 "python3-matplotlib" env MAIA_PYTHON=/nonexistent/python3 "$sim" plot roofline "$tmp/r20" --out "$tmp/x.png"

finish cli_plot
