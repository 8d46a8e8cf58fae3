#!/usr/bin/env bash
# The measurement cache end to end (docs/cache.md): a static batch and a serving run give
# byte-identical summary.json (but for the host's wall_s) and ops.csv with no cache, a cold cache
# and a warm one; the warm run simulates nothing new; concurrent runs sharing a folder leave only
# whole entries; a changed knob misses; truncated and corrupted entries are ignored, re-measured
# and counted; an unwritable folder warns once and the run goes on; sweeps share it; stats,
# verify and clear.
# usage: cache_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"

# same A B: the two run folders' results are byte-identical (summary.json less wall_s, ops.csv)
same() {
  if cmp -s <(grep -v '"wall_s"' "$1/summary.json") <(grep -v '"wall_s"' "$2/summary.json") &&
    cmp -s "$1/ops.csv" "$2/ops.csv"; then ok; else bad "$1 and $2 differ"; fi
}
# log_has FILE PATTERN
log_has() { if grep -qE -- "$2" "$1"; then ok; else bad "$1 lacks /$2/: $(cat "$1")"; fi; }

batch=(run --model llama-3.1-8b --batch 2 --prompt 128 --gen 4)
serve=(run --model llama-3.1-8b --rate 50 --max-requests 4 --input-tokens 96 --output-tokens 4)
c="$tmp/cache"

for job in batch serve; do
  declare -n args=$job
  "$sim" "${args[@]}" --no-cache --out "$tmp/$job-none" >/dev/null 2>&1 || bad "$job: no cache"
  "$sim" "${args[@]}" --cache "$c" -v --out "$tmp/$job-cold" >/dev/null 2>"$tmp/$job-cold.log" ||
    bad "$job: cold"
  "$sim" "${args[@]}" --cache "$c" -v --out "$tmp/$job-warm" >/dev/null 2>"$tmp/$job-warm.log" ||
    bad "$job: warm"
  same "$tmp/$job-none" "$tmp/$job-cold"
  same "$tmp/$job-none" "$tmp/$job-warm"
  log_has "$tmp/$job-warm.log" "measurement cache .*: [1-9][0-9]* hits, 0 misses, 0 corrupt"
done
# The cold static batch stored entries; the serving run reused some of them.
log_has "$tmp/batch-cold.log" "0 hits, [1-9][0-9]* misses, 0 corrupt entries re-measured, [1-9][0-9]* stored"
expect_all 0 "entries +[1-9]" "lookups \(all runs\) +[1-9][0-9]* hits" -- "$sim" cache stats --cache "$c"

# The default folder is under XDG_CACHE_HOME (the harness turns the cache off: MAIA_SIM_CACHE).
XDG_CACHE_HOME="$tmp/xdg" MAIA_SIM_CACHE= "$sim" "${batch[@]}" --out "$tmp/xdg-run" >/dev/null 2>&1
if [ -n "$(ls "$tmp/xdg/maia-sim/entries" 2>/dev/null)" ]; then ok; else bad "no entries under XDG_CACHE_HOME"; fi

# A changed knob (of several kinds) misses the cache and is stored beside the rest.
for set in hbm.pin_rate_gbps=8 clock_ghz=1.9 tile.tvp.pipeline_cycles=17 hbm.address_hash=none kernels.attention_scores=fp32; do
  "$sim" "${batch[@]}" --cache "$c" --set "$set" -v --out "$tmp/knob" >/dev/null 2>"$tmp/knob.log" ||
    { bad "--set $set: $(tail -3 "$tmp/knob.log")"; continue; }
  log_has "$tmp/knob.log" "measurement cache .*: 0 hits"
done

# Truncate one entry and flip a byte in another (of a folder the batch alone filled): both are
# ignored, counted, re-measured and stored again.
rc="$tmp/repair-cache"
"$sim" "${batch[@]}" --cache "$rc" --out "$tmp/batch-fill" >/dev/null 2>&1 || bad "fill"
mapfile -t files < <(find "$rc/entries" -name '*.entry' | sort)
truncate -s 100 "${files[0]}"
printf 'X' | dd of="${files[1]}" bs=1 seek=200 conv=notrunc 2>/dev/null
expect_all 0 "2 corrupt" -- "$sim" cache verify --cache "$rc" --sample 0
"$sim" "${batch[@]}" --cache "$rc" -v --out "$tmp/batch-repair" >/dev/null 2>"$tmp/repair.log" ||
  bad "repair run"
same "$tmp/batch-none" "$tmp/batch-repair"
log_has "$tmp/repair.log" "corrupt entry .* ignored and re-measured"
log_has "$tmp/repair.log" "measurement cache .*: [1-9][0-9]* hits, 0 misses, 2 corrupt entries re-measured, 2 stored"
expect_all 0 "lookups \(all runs\) .* 2 corrupt" -- "$sim" cache stats --cache "$rc"
expect_all 0 " 0 corrupt" "simulated again: 4" ", 0 differ" -- "$sim" cache verify --cache "$rc" --sample 4

# Concurrent runs on one fresh folder (same and different keys): whole entries only, same results.
cc="$tmp/concurrent"
pids=()
for i in 1 2 3 4; do
  "$sim" "${batch[@]}" --cache "$cc" --out "$tmp/conc$i" >/dev/null 2>&1 & pids+=($!)
done
"$sim" "${batch[@]}" --cache "$cc" --set clock_ghz=1.9 --out "$tmp/conc-clock" >/dev/null 2>&1 & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || bad "concurrent run $p failed"; done
for i in 1 2 3 4; do same "$tmp/batch-none" "$tmp/conc$i"; done
expect_all 0 "0 corrupt" ", 0 differ" -- "$sim" cache verify --cache "$cc" --sample 2
if [ -z "$(find "$cc" -name '*.tmp')" ]; then ok; else bad "temporary files left"; fi

# An unwritable folder: one warning, the run goes on, same results.
touch "$tmp/plainfile"
"$sim" "${batch[@]}" --cache "$tmp/plainfile/cache" --out "$tmp/unwritable" >/dev/null 2>"$tmp/unwritable.log" ||
  bad "unwritable cache stopped the run"
log_has "$tmp/unwritable.log" "not writable .*running without the cache"
if [ "$(grep -c 'not writable' "$tmp/unwritable.log")" -eq 1 ]; then ok; else bad "warned more than once"; fi
same "$tmp/batch-none" "$tmp/unwritable"

# A sweep's workers share the cache: the second pass measures nothing new, same rows.
tiny=examples/sweeps/tiny.json
"$sim" sweep "$tiny" --jobs 2 --cache "$tmp/sweep-cache" --out "$tmp/sweep1" >/dev/null 2>&1 || bad "sweep 1"
"$sim" sweep "$tiny" --jobs 2 --cache "$tmp/sweep-cache" --out "$tmp/sweep2" >/dev/null 2>&1 || bad "sweep 2"
"$sim" sweep "$tiny" --jobs 2 --no-cache --out "$tmp/sweep3" >/dev/null 2>&1 || bad "sweep 3"
if cmp -s "$tmp/sweep1/results.csv" "$tmp/sweep2/results.csv" &&
  cmp -s "$tmp/sweep1/results.csv" "$tmp/sweep3/results.csv"; then ok; else bad "sweep rows differ"; fi
python3 - "$tmp/sweep-cache/counts.json" <<'PY' && ok || bad "sweep cache counts"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["hits"] > 0 and c["corrupt"] == 0, c
PY

# Bad input, clear.
expect 2 "stats, clear or verify" "$sim" cache frobnicate --cache "$c"
expect 2 "cache-max-mb" "$sim" "${batch[@]}" --cache "$c" --cache-max-mb 0
expect 0 "entries removed" "$sim" cache clear --cache "$c"
expect 0 "entries +0" "$sim" cache stats --cache "$c"

finish cache_test
