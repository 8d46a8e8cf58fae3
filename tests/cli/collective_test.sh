#!/usr/bin/env bash
# maia-sim microbench collective and the system-config commands end to end: the table's columns,
# --json, the default systems, and bad input refused with exit 2 and a named error
# (docs/systems.md).
# usage: collective_test.sh MAIA_SIM SOURCE_DIR
. "$(dirname "$0")/harness.sh"
two=configs/systems/maia200-2trays.json

# --- the table: nccl-tests columns, 8 B .. 8 GiB in factor-2 steps
header="size\(B\) +count +type +redop +root +time\(us\) +algbw\(GB/s\) +busbw\(GB/s\) +bound\(GB/s\) +algorithm"
expect_all 0 "$header" "of 4 chips of maia200-tray" "^ +8 +4 +bf16 +sum +-1 " "^ +8589934592 " \
  -- "$sim" microbench collective --op allreduce --chips 4
expect_all 0 "tier t1 +x2 +latency +2700 ns, +133.3 GB/s" "tier t0 +x12 " \
  -- "$sim" microbench collective --chips 96 --max-bytes 8
expect_all 0 "of 6144 chips of maia200-cluster-6144" "hierarchical" \
  -- "$sim" microbench collective --op allreduce --chips 8
expect 0 "^ +8 +4 +bf16 +none +0 " "$sim" microbench collective --op broadcast --chips 4
rows=$("$sim" microbench collective --op allgather --chips 8 | grep -cE '^ +[0-9]+ ')
[ "$rows" -eq 31 ] && ok || bad "allgather table has $rows rows, expected 31 (8 B .. 8 GiB)"
expect 0 "ring *$" "$sim" microbench collective --op alltoall --system "$two" --algo ring --max-bytes 64
expect 0 "^ +1024 +256 +fp32 " "$sim" microbench collective --chips 2 --dtype fp32 --min-bytes 1Ki --max-bytes 1Ki
expect 0 "hgx-h100-8" "$sim" microbench collective --system configs/systems/hgx-h100-8.json --max-bytes 8

# --- --json: one object, a row per size, busbw never above the bound
"$sim" microbench collective --op allreduce --system "$two" --json >"$tmp/c.json"
python3 - "$tmp/c.json" <<'PY' && ok || bad "--json rows"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["benchmark"] == "collective" and d["op"] == "all_reduce" and d["chips"] == 8
assert [t["name"] for t in d["tiers"]] == ["tray", "t0"] and d["tiers"][1]["span"] == 2
rows = d["rows"]
assert len(rows) == 31 and rows[0]["bytes"] == 8 and rows[-1]["bytes"] == 8 << 30
for r in rows:
    assert set(r) == {"bytes", "count", "type", "redop", "root", "time_us", "algbw_gbps",
                      "busbw_gbps", "bound_gbps", "algorithm"}
    assert r["busbw_gbps"] <= r["bound_gbps"] * (1 + 1e-12)
assert rows[-1]["busbw_gbps"] >= 0.9 * rows[-1]["bound_gbps"]
PY

# --- system configs
expect 0 "topology maia-cluster" "$sim" config --describe --system
expect 0 "topology.t0.down_ports" "$sim" config --describe --system
expect 0 "\`topology.switch.port_gbps\`" "$sim" config --describe --system --markdown
for f in configs/systems/*.json; do expect 0 "ok \(" "$sim" config --check-system "$f"; done
# docs/systems.md carries the generated topology knob tables: they must not be stale.
"$sim" config --describe --system --markdown | sed 's/^### /#### /' >"$tmp/knobs.md"
python3 - "$tmp/knobs.md" docs/systems.md <<'PY' && ok || bad "docs/systems.md knob tables are stale: regenerate with maia-sim config --describe --system --markdown"
import sys
assert open(sys.argv[1]).read().strip() in open(sys.argv[2]).read()
PY

# --- bad input: exit 2, named
expect 2 "--chips: the system .*maia200-2trays.json .* has 8 chips, got 16" "$sim" microbench collective --system "$two" --chips 16
expect 2 "--chips: .*whole trays of 4 chips, got 6" "$sim" microbench collective --chips 6
expect 2 "--chips: a collective needs at least 2 chips, got 1" "$sim" microbench collective --chips 1
expect 2 "--chips: give the number of chips" "$sim" microbench collective
expect 2 "--op: must be one of allreduce, .*got \"allreduse\"" "$sim" microbench collective --chips 4 --op allreduse
expect 2 "--algo: unknown collective algorithm \"rign\".*did you mean 'ring'" "$sim" microbench collective --chips 4 --algo rign
expect 2 "hierarchical cannot run all_reduce on 4 ranks of fcq-tray" "$sim" microbench collective --chips 4 --algo hierarchical
expect 2 "--dtype: must be bf16, fp16, fp32 or fp8, got \"fp4\"" "$sim" microbench collective --chips 4 --dtype fp4
expect 2 "--max-bytes: must be >= --min-bytes" "$sim" microbench collective --chips 4 --min-bytes 1Mi --max-bytes 8
expect 2 "--min-bytes: unknown unit" "$sim" microbench collective --chips 4 --min-bytes 8Q
expect 2 "no such system config file" "$sim" microbench collective --system "$tmp/none.json" --chips 2
printf '{"chip": "nope.json", "chips": 4, "topology": {"name": "fcq-tray"}}' >"$tmp/missing.json"
expect 2 "missing.json: chip: names a chip config file that does not exist" "$sim" config --check-system "$tmp/missing.json"
printf '{"chip": "%s/configs/maia200.json", "chips": 4, "topology": {"name": "fcq-tary"}}' "$src" >"$tmp/unknown.json"
expect 2 "unknown.json: topology.name: unknown topology \"fcq-tary\", known: fcq-tray, maia-cluster, switched \(did you mean 'fcq-tray'\?\)" "$sim" config --check-system "$tmp/unknown.json"
printf '{"chip": "%s/configs/maia200.json", "chips": 8, "topology": {"name": "maia-cluster", "scaleout": {"ports_per_plane": 4}}}' "$src" >"$tmp/ports.json"
expect 2 "ports.json: topology.scaleout: 4 planes x 4 ports per plane need 16 scale-out ports, more than the chip has" "$sim" config --check-system "$tmp/ports.json"

printf '{"chip": "%s/configs/maia200.json", "chips": 4, "topology": {"name": "switched", "gbytes_per_s": "chip", "latency_ns": 1, "max_chips": 4}}' "$src" >"$tmp/nvlink.json"
expect 2 "nvlink.json: topology.gbytes_per_s: \"chip\" reads nvlink.links x nvlink.gbps_per_link of the chip, which chip maia200 \(kind maia\) does not have" "$sim" config --check-system "$tmp/nvlink.json"
expect 0 "450 GB/s per chip, 1000 ns" "$sim" config --check-system configs/systems/hgx-h100-8.json

# --- the detailed fidelity: the same table from the SystemC network, the busiest links, --json
expect_all 0 "$header" "fidelity detailed" "busiest links at 1048576 B" "scaleout:c[0-9].p[0-9].[0-9]:" \
  -- "$sim" microbench collective --op alltoall --chips 8 --fidelity detailed --min-bytes 1Ki --max-bytes 1Mi --step-factor 4
"$sim" microbench collective --op allgather --chips 4 --fidelity detailed --min-bytes 1Mi --max-bytes 1Mi --json >"$tmp/d.json"
python3 - "$tmp/d.json" <<'PY' && ok || bad "detailed --json: per-link statistics and conservation"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["fidelity"] == "detailed"
net = d["rows"][0]["network"]
assert net["sent_bytes"] == net["received_bytes"] == net["scheduled_bytes"] == 3 * 2**20
assert sum(l["payload_bytes"] for l in net["links"]) == 3 * 2**20
assert all(0 < l["utilisation"] <= 1 for l in net["links"])
PY
expect 2 "--fidelity: unknown fidelity \"detialed\", known: analytical, detailed .*did you mean 'detailed'" \
  "$sim" microbench collective --chips 4 --fidelity detialed
printf '{"chip": "%s/configs/maia200.json", "chips": 4, "topology": {"name": "fcq-tray"}, "transport": {"mtu": 9000}}' "$src" >"$tmp/mtu.json"
expect 2 "mtu.json: transport.mtu: unknown key, knobs: packet_bytes, header_bytes, spray" "$sim" config --check-system "$tmp/mtu.json"
printf '{"chip": "%s/configs/maia200.json", "chips": 4, "topology": {"name": "fcq-tray"}, "transport": {"spray": "random"}}' "$src" >"$tmp/spray.json"
expect 2 "spray.json: transport.spray: must be one of: round-robin least-loaded" "$sim" config --check-system "$tmp/spray.json"
expect 2 "the detailed fidelity needs a maia chip" \
  "$sim" microbench collective --system configs/systems/hgx-h100-8.json --fidelity detailed --max-bytes 8

finish collective
