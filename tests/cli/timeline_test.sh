#!/usr/bin/env bash
# End-to-end checks of --perfetto (docs/timeline.md): the file is written for run (static batch
# and serving) and exec, is byte-identical between identical runs, says what its bounds left
# out, and bad options exit 2 with the option named. The file's structure (fields, nesting,
# counts) is checked by tests/unit/timeline_test.cpp.
# usage: timeline_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"

# file_has FILE PATTERN: a fixed string in the file
file_has() { grep -qF -- "$2" "$1" 2>/dev/null && ok || bad "$1 lacks $2"; }

serve=(run --model llama-3.1-8b --rate 100 --max-requests 2 --input-tokens 128 --output-tokens 3)

# exec: engines and HBM channels of one program.
expect 0 "wrote $tmp/exec.json .*spans.*engine.*hbm" "$sim" exec examples/programs/multicast.json --perfetto "$tmp/exec.json"
file_has "$tmp/exec.json" '"traceEvents":['
file_has "$tmp/exec.json" '"name":"process_name","args":{"name":"HBM stack 0"}'
# --json keeps stdout one JSON object and still writes the file.
"$sim" exec examples/programs/multicast.json --json --perfetto "$tmp/exec2.json" >"$tmp/exec.out"
head -c1 "$tmp/exec.out" | grep -q '{' && ! grep -q wrote "$tmp/exec.out" && ok || bad "exec --json stdout is not one JSON object"
[ -s "$tmp/exec2.json" ] && ok || bad "exec --json --perfetto wrote no file"

# run: a static batch and a served trace (exact: operators and engines inside iterations).
expect 0 "wrote .*request.*iteration.*operator.*engine" "$sim" run --model llama-3.1-8b --batch 2 --prompt 64 --gen 3 --perfetto "$tmp/static.json"
file_has "$tmp/static.json" '"args":{"name":"iterations"}'
expect 0 "wrote .*spans" "$sim" "${serve[@]}" --exact --perfetto "$tmp/a.json"
"$sim" "${serve[@]}" --exact --perfetto "$tmp/b.json" >/dev/null 2>&1
cmp -s "$tmp/a.json" "$tmp/b.json" && ok || bad "timeline differs between identical runs"
file_has "$tmp/a.json" '"left_out":"nothing left out"'
expect 0 "wrote .* 0 operator, 0 engine, 0 hbm" "$sim" "${serve[@]}" --perfetto "$tmp/cost.json"
file_has "$tmp/cost.json" 'run with --exact for it'

# Bounds: the CLI and the file say what was left out.
expect 0 "timeline: left out .*over the limit" "$sim" "${serve[@]}" --exact --perfetto "$tmp/lim.json" --perfetto-max-events 100
file_has "$tmp/lim.json" '"max_spans":100'
file_has "$tmp/lim.json" '"name":"process_name","args":{"name":"timeline: spans left out"}'
expect 0 "timeline: left out .*outside the window" "$sim" "${serve[@]}" --perfetto "$tmp/win.json" --perfetto-window 0:0.001

# Bad input: exit 2 naming the option.
expect 2 "--perfetto-window 5:1: end must be after start" "$sim" "${serve[@]}" --perfetto "$tmp/x.json" --perfetto-window 5:1
expect 2 "--perfetto-window 5: no ':'" "$sim" exec examples/programs/multicast.json --perfetto "$tmp/x.json" --perfetto-window 5
expect 2 "needs --perfetto FILE" "$sim" exec examples/programs/multicast.json --perfetto-window 0:1
expect 2 "--perfetto-max-events 0: must be >= 1" "$sim" exec examples/programs/multicast.json --perfetto "$tmp/x.json" --perfetto-max-events 0
expect 2 "cannot write file" "$sim" exec examples/programs/multicast.json --perfetto "$tmp/no/such/dir/x.json"

finish timeline_test
