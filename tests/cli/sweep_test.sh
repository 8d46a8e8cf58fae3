#!/usr/bin/env bash
# End-to-end checks of maia-sim sweep, sweep-merge and sweep-report on tiny points: spec errors,
# counts, parallel run, resume after an interrupted sweep (completed points are not run again),
# a failing point isolated, timeouts, shards + merge and MPI equal to the local run.
# usage: sweep_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"

# rows FILE STATUS: rows of a results.jsonl with that status
rows() { grep -c "\"status\":\"$2\"" "$1"; }

tiny=examples/sweeps/tiny.json

# Spec errors: exit 2, the JSON path and a suggestion.
cat >"$tmp/typo.json" <<'JSON'
{"base": {"model": "llama-3.1-8b"}, "axes": [{"path": "hbm.stakcs", "values": [4]}]}
JSON
expect 2 "axes\[0\].path: 'hbm.stakcs' is not a chip knob \(did you mean 'hbm.stacks'\?\)" \
  "$sim" sweep "$tmp/typo.json" --out "$tmp/typo"
# A tensor-parallel axis: each point runs on its group; a degree the model refuses is a bad spec.
cat >"$tmp/tp.json" <<'JSON'
{"base": {"model": "llama-3.1-8b", "options": {"batch": 1, "prompt": 16, "gen": 2}},
 "axes": [{"option": "tp", "values": [1, 2, 4]}]}
JSON
expect 0 "3 points: 3 ok, 0 failed" "$sim" sweep "$tmp/tp.json" --jobs 2 --out "$tmp/tp"
python3 - "$tmp/tp/results.jsonl" <<'PY' && ok || bad "tp sweep rows"
import json, sys
rows = {r["tp"]: r for r in map(json.loads, open(sys.argv[1]))}
assert sorted(rows) == [1, 2, 4], rows
for tp, r in rows.items():
    # Per watt of the group, measured: tokens/J = tokens/s over tp chips' average power.
    assert abs(r["tokens_per_joule"] * r["average_power_w"] * tp - r["output_tokens_per_s"]) < 1e-6 * r["output_tokens_per_s"], r
    assert r["tokens_per_dollar"] > 0, r
    assert abs(r["output_tokens_per_s_per_chip"] * tp - r["output_tokens_per_s"]) < 1e-6 * r["output_tokens_per_s"], r
assert rows[4]["tpot_ms_mean"] < rows[2]["tpot_ms_mean"] < rows[1]["tpot_ms_mean"], rows
PY
cat >"$tmp/tp3.json" <<'JSON'
{"base": {"model": "llama-3.1-8b", "options": {"batch": 1, "prompt": 16, "gen": 2}},
 "axes": [{"option": "tp", "values": [2, 3]}]}
JSON
expect 3 "1 ok, 1 failed" "$sim" sweep "$tmp/tp3.json" --jobs 2 --out "$tmp/tp3"
grep -q '"status":"failed".*--tp 3: llama-3.1-8b.s num_attention_heads (32) must divide' \
  "$tmp/tp3/results.jsonl" && ok || bad "tp 3 row lacks the error: $(cat "$tmp/tp3/results.jsonl")"
cat >"$tmp/badval.json" <<'JSON'
{"base": {"model": "llama-3.1-8b"}, "axes": [{"option": "batch", "values": ["eight"]}]}
JSON
expect 2 "point 0 \(batch=eight\).*--batch" "$sim" sweep "$tmp/badval.json" --out "$tmp/bv"
expect 2 "--shard" "$sim" sweep "$tiny" --out "$tmp/x" --shard 2/2

# Counts: 2 x 3 x 3 with 6 ruled out by the SRAM budget; a zip group of 3 x 2 models.
expect 0 "18 points: 12 to run, 6 skipped" "$sim" sweep examples/sweeps/hbm-sram-batch.json --dry-run
expect 0 "6 points: 6 to run, 0 skipped" "$sim" sweep examples/sweeps/hbm-stacks-zip.json --dry-run

# A local run: every point ok, one row each, outputs per point.
expect 0 "4 points: 4 ok, 0 failed" "$sim" sweep "$tiny" --jobs 2 --out "$tmp/local"
[ "$(rows "$tmp/local/results.jsonl" ok)" -eq 4 ] && ok || bad "local: 4 ok rows"
[ "$(ls "$tmp"/local/points/*/summary.json | wc -l)" -eq 4 ] && ok || bad "local: 4 summaries"
[ "$(wc -l <"$tmp/local/results.csv")" -eq 5 ] && ok || bad "local: csv header + 4 rows"

# Resume: the same command again runs nothing.
before=$(stat -c %Y "$tmp"/local/points/*/summary.json | sort | tr '\n' ' ')
expect 0 "4 resumed" "$sim" sweep "$tiny" --jobs 2 --out "$tmp/local"
after=$(stat -c %Y "$tmp"/local/points/*/summary.json | sort | tr '\n' ' ')
[ "$before" = "$after" ] && ok || bad "resume re-ran completed points"

# Interrupted sweep: Ctrl-C (SIGINT) after the first point is recorded; the rerun resumes it.
"$sim" sweep "$tiny" --jobs 1 --out "$tmp/int" >"$tmp/int.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -s "$tmp/int/results.jsonl" ] && break
  sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?
done_rows=$(grep -c . "$tmp/int/results.jsonl")
if [ "$rc" -eq 130 ] && [ "$done_rows" -ge 1 ] && [ "$done_rows" -lt 4 ]; then ok; else
  bad "interrupt: rc $rc with $done_rows rows: $(cat "$tmp/int.log")"
fi
expect 0 "4 ok, 0 failed, 0 skipped \(${done_rows} resumed" "$sim" sweep "$tiny" --jobs 2 --out "$tmp/int"
cmp -s "$tmp/int/results.jsonl" "$tmp/local/results.jsonl" && ok || bad "resumed results differ"

# One writer per folder: a second sweep into a folder a running sweep holds is refused at once
# (exit 2, the folder and the holder's pid); once the first has ended, the same command resumes.
"$sim" sweep "$tiny" --jobs 1 --out "$tmp/lock" >"$tmp/lock.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -qs "pid $pid" "$tmp/lock/.sweep.lock" && break
  sleep 0.01
done
expect 2 "--out $tmp/lock is being written by another sweep \(pid $pid on" \
  "$sim" sweep "$tiny" --jobs 1 --out "$tmp/lock"
wait "$pid" && ok || bad "the first sweep failed: $(cat "$tmp/lock.log")"
grep -q "failed" "$tmp/lock/results.jsonl" && bad "the refused sweep disturbed the first" || ok
expect 0 "4 ok, 0 failed, 0 skipped \(4 resumed" "$sim" sweep "$tiny" --jobs 1 --out "$tmp/lock"

# One spec per folder: another spec is refused (naming both) and the results stay; --force lets
# it take the folder over.
cp "$tmp/local/results.jsonl" "$tmp/local.before"
expect_all 2 "holds the results of sweep 'tiny'" "failing-point.json" "--force" -- \
  "$sim" sweep examples/sweeps/failing-point.json --out "$tmp/local"
cmp -s "$tmp/local/results.jsonl" "$tmp/local.before" && ok || bad "refused spec changed results"
cp -r "$tmp/local" "$tmp/taken"
expect 3 "2 points: 1 ok, 1 failed" \
  "$sim" sweep examples/sweeps/failing-point.json --out "$tmp/taken" --force
expect 3 "1 ok, 1 failed, 0 skipped \(2 resumed" "$sim" sweep examples/sweeps/failing-point.json --out "$tmp/taken"

# Flags: every number checked, the flag named; an --out that cannot be a folder is a user error.
for v in nan inf -1 -inf; do
  expect 2 "--point-timeout:? must be a finite number" "$sim" sweep "$tiny" --out "$tmp/f" --point-timeout "$v"
done
for v in 0 -3 100000; do
  expect 2 "--jobs must be 1 to 1024, got $v" "$sim" sweep "$tiny" --out "$tmp/f" --jobs "$v"
done
expect 2 "--jobs" "$sim" sweep "$tiny" --out "$tmp/f" --jobs 99999999999999
for v in 1/0 0/2x -1/2 /2 2 1/99999999999999999999; do
  expect 2 "--shard .*must be i/N" "$sim" sweep "$tiny" --out "$tmp/f" --shard "$v"
done
: >"$tmp/plain"
expect 2 "--out $tmp/plain: exists and is not a folder" "$sim" sweep "$tiny" --out "$tmp/plain"
expect 2 "--out $tmp/plain/sub: cannot create the folder" "$sim" sweep "$tiny" --out "$tmp/plain/sub"
expect 2 "maia-sim sweep-merge: .*Not a directory" "$sim" sweep-merge "$tmp/plain/sub"
# A constraint nested 100000 deep: refused with the position, never a crash.
python3 -c 'import json; print(json.dumps({"base": {"model": "llama-3.1-8b"}, "axes": [],
  "constraints": [{"expr": "(" * 100000 + "1" + ")" * 100000 + " > 0"}]}))' >"$tmp/deep.json"
expect 2 "constraints\[0\].expr: nested more than 256 levels deep at column 258" \
  "$sim" sweep "$tmp/deep.json" --dry-run

# A point that fails is recorded with its error; the other still runs; exit 3.
expect 3 "1 ok, 1 failed" "$sim" sweep examples/sweeps/failing-point.json --out "$tmp/fail"
grep -q '"status":"failed".*"message":"exit code 2: error: .*HBM' "$tmp/fail/results.jsonl" && ok ||
  bad "failed row lacks the error: $(cat "$tmp/fail/results.jsonl")"
# A point running too long is killed and recorded as failed.
expect 3 "0 ok, 4 failed" "$sim" sweep "$tiny" --out "$tmp/slow" --point-timeout 0.001
grep -q "timed out" "$tmp/slow/results.jsonl" && ok || bad "timeout not recorded"

# Shards of a job array into one folder, then merged: the same rows as the local run.
expect 0 "" "$sim" sweep "$tiny" --jobs 1 --shard 0/2 --out "$tmp/shard"
expect 0 "" "$sim" sweep "$tiny" --jobs 1 --shard 1/2 --out "$tmp/shard"
expect 0 "4 of 4 points" "$sim" sweep-merge "$tmp/shard"
cmp -s "$tmp/shard/results.jsonl" "$tmp/local/results.jsonl" && ok || bad "merged shards differ"

# Report: best per metric, the Pareto front, a CSV.
expect 0 "Pareto front: output_tokens_per_s \(higher\), tpot_ms_p99 \(lower\)" \
  "$sim" sweep-report "$tmp/local" --pareto output_tokens_per_s,tpot_ms_p99
[ -s "$tmp/local/report.csv" ] && ok || bad "no report.csv"
expect 2 "did you mean 'output_tokens_per_s'" "$sim" sweep-report "$tmp/local" --pareto output_tokens_per_sec,tpot_ms_p99

# MPI: 3 ranks (rank 0 hands out, 2 run) give the rows of --jobs 2.
# A maia-sim built without MPI (the sanitized build, docs/hardening.md) refuses --mpi: skipped.
if command -v mpirun >/dev/null && ldd "$sim" | grep -q libmpi; then
  out=$(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader \
    mpirun --allow-run-as-root --oversubscribe -n 3 "$sim" sweep "$tiny" --mpi --out "$tmp/mpi" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ] && cmp -s <(sort "$tmp/mpi/results.jsonl") <(sort "$tmp/local/results.jsonl"); then ok; else
    bad "mpi run (rc $rc) differs from the local run: $out"
  fi
  # Rank 0 takes the folder's lock; when another process holds it every rank stops (exit 2).
  mkdir -p "$tmp/mpilock"
  flock "$tmp/mpilock/.sweep.lock" sleep 10 &
  holder=$!
  sleep 0.2
  expect 2 "--out $tmp/mpilock is being written by another sweep" env OMPI_ALLOW_RUN_AS_ROOT=1 \
    OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader timeout 120 \
    mpirun --allow-run-as-root --oversubscribe -n 3 "$sim" sweep "$tiny" --mpi --out "$tmp/mpilock"
  kill "$holder"
else
  echo "SKIP: mpirun not installed or maia-sim built without MPI; the MPI check did not run"
fi

# Chips of both kinds on one axis: each point runs its own kind; GPU knobs are axes like Maia's,
# and a constraint on a knob only one kind has is an error on points of the other kind.
cat >"$tmp/kinds.json" <<'EOF2'
{"name": "kinds", "base": {"model": "llama-3.1-8b", "options": {"batch": 1, "prompt": 64, "gen": 2}},
 "axes": [{"option": "chip", "values": ["configs/maia200.json", "configs/gpus/h100-sxm.json"]}]}
EOF2
expect 0 "2 points: 2 ok, 0 failed" "$sim" sweep "$tmp/kinds.json" --out "$tmp/kinds" --jobs 2
grep -q 'h100-sxm.json' "$tmp/kinds/results.csv" && ok || bad "kinds sweep lacks the GPU point"
cat >"$tmp/gpuknob.json" <<'EOF2'
{"name": "gpuknob", "base": {"model": "llama-3.1-8b", "chip": "configs/gpus/h100-sxm.json",
 "options": {"batch": 1, "prompt": 64, "gen": 2}},
 "axes": [{"path": "kernel.launch_gap_ns", "values": [1000, 8000]}]}
EOF2
expect 0 "2 points: 2 ok, 0 failed" "$sim" sweep "$tmp/gpuknob.json" --out "$tmp/gpuknob" --jobs 2
sed 's/\[1000, 8000\]/[-1]/' "$tmp/gpuknob.json" >"$tmp/gpuknob-bad.json"
expect 2 "kernel.launch_gap_ns: must be" "$sim" sweep "$tmp/gpuknob-bad.json" --out "$tmp/gpuknob2"

finish sweep_test
