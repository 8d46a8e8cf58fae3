#!/usr/bin/env python3
"""A hostile-input campaign against the maia-sim command line (docs/hardening.md).

Generates malformed inputs of every kind a user can hand maia-sim (chip configs, model
config.json, Azure CSV, Mooncake JSONL, dataflow programs, operator traces, sweep specs,
regression suites, compare inputs, command-line flags), runs each, and sorts the outcomes:

  clean    exit 2 (bad input) or 3 (simulation error) with a message
  crash    a signal, exit 70 (internal error), or "terminate" on stderr
  hang     still running after --timeout seconds
  silent   exit 0 for an input that is certainly invalid

usage: scripts/hostile-inputs.py build/maia-sim [--out DIR] [--timeout S] [--seed N]
Exits 1 if anything but "clean" (or an accepted valid variant) was seen; DIR/report.txt lists
every case with its command and outcome. Deterministic for a seed.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Values that break naive readers: out of range, wrong type, overflowing, non-finite.
BAD_NUMBERS = [-1, 0, 2**63, 2**64, 1e308, -1e308, 1.5, "x", None, [], {}, True,
               9223372036854775807, -9223372036854775808, 1e-320]
PERMISSIVE = {"0", "1e30", "1e-320", "9223372036854775808", "18446744073709551616"}
BAD_FLAG_VALUES = ["nan", "inf", "-inf", "-1", "0x10", "1e400", "", "abc", "9223372036854775808",
                   "1e-320", "18446744073709551616", "1 2", "--", "1e30"]


def load(path):
    with open(os.path.join(ROOT, path)) as f:
        return json.load(f)


def leaves(node, prefix=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from leaves(v, prefix + (k,))
    elif isinstance(node, list) and node and not isinstance(node[0], (dict, list)):
        yield prefix, node
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from leaves(v, prefix + (i,))
    else:
        yield prefix, node


def set_path(node, path, value):
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value


class Campaign:
    def __init__(self, sim, out, timeout, rng):
        self.sim, self.out, self.timeout, self.rng = sim, out, timeout, rng
        self.cases = []
        self.n = 0

    def file(self, name, text):
        self.n += 1
        path = os.path.join(self.out, "inputs", f"{self.n:04d}-{name}")
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(path, mode) as f:
            f.write(text)
        return path

    def case(self, kind, args, must_fail=True, note=""):
        self.cases.append((kind, [self.sim] + args, must_fail, note))

    def run(self):
        results = []
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        for kind, cmd, must_fail, note in self.cases:
            try:
                p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True,
                                   timeout=self.timeout)
                err = p.stderr.decode("utf-8", "replace")
                rc = p.returncode
                if rc < 0 or rc >= 128 or rc == 70 or "terminate called" in err or \
                        "internal error" in err:
                    outcome = "crash"
                elif rc == 0 and must_fail:
                    outcome = "silent"
                elif rc in (0, 2, 3, 4):
                    outcome = "clean" if rc != 0 else "accepted"
                else:
                    outcome = "crash"
                last = err.strip().splitlines()[-1][:200] if err.strip() else ""
            except subprocess.TimeoutExpired:
                outcome, rc, last = "hang", None, ""
            results.append((outcome, kind, rc, cmd, note, last))
        return results


def json_kind(c, kind, base, args_for, mutate_leaves=40, open_keys=False):
    """Mutations of a JSON input: bad leaf values, structure, and text-level damage."""
    paths = [p for p, _ in leaves(base)]
    for path in c.rng.sample(paths, min(mutate_leaves, len(paths))):
        doc = json.loads(json.dumps(base))
        value = c.rng.choice(BAD_NUMBERS)
        set_path(doc, path, value)
        # Some bad values are in range for some fields: any clean outcome is fine then.
        c.case(kind, args_for(c.file(f"{kind}.json", json.dumps(doc))), must_fail=False,
               note=f"{'.'.join(map(str, path))} = {value!r}")
    text = json.dumps(base)
    damaged = {
        "truncated": text[: len(text) // 2],
        "deep": "[" * 100000 + "]" * 100000,
        "dupkey": text[:-1] + ', "' + next(iter(base)) + '": ' + json.dumps(base[next(iter(base))]) + "}",
        "nul": text + "\0{}",
        "notobject": "[1, 2, 3]",
        "empty": "",
        "hugenum": text[:-1] + ', "zz": 1e999}',
        "longkey": text[:-1] + ', "' + "k" * 200000 + '": 1}',
    }
    for name, t in damaged.items():
        # Inputs that take any key (compare reads every numeric leaf) may accept a new one.
        c.case(kind, args_for(c.file(f"{kind}-{name}.json", t)), note=name,
               must_fail=not (open_keys and name in ("longkey", "hugenum")))
    c.case(kind, args_for(c.file(f"{kind}-utf8.json", text.encode()[:-1] + b', "a": "\xff"}')),
           note="invalid utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sim")
    ap.add_argument("--out", default=None)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    sim = os.path.abspath(a.sim)
    out = a.out or tempfile.mkdtemp(prefix="maia-hostile-")
    shutil.rmtree(os.path.join(out, "inputs"), ignore_errors=True)
    os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
    c = Campaign(sim, out, a.timeout, random.Random(a.seed))
    small = ["--batch", "1", "--prompt", "16", "--gen", "2"]

    # Chip configs, through config --check and a small exec (one validation for both).
    chip = load("configs/maia200.json")
    chip.pop("description", None)
    json_kind(c, "chip", chip, lambda f: ["config", "--check", f])
    json_kind(c, "chip-exec", chip, lambda f: ["exec", "examples/programs/host_upload.json",
                                                "--chip", f], mutate_leaves=15)
    for knob, value in [("clusters", 256), ("tiles_per_cluster", 256), ("hbm.stacks", 64),
                        ("hbm.channels_per_stack", 64), ("hbm.pseudo_channels", 8),
                        ("hbm.rows_per_bank", 16777216), ("tile.semaphores", 65536)]:
        c.case("chip-set", ["exec", "examples/programs/host_upload.json", "--set", f"{knob}={value}",
                            "--set", "clusters=256", "--set", "tiles_per_cluster=256",
                            "--set", "enabled_tiles_per_cluster=1"], note=f"{knob}={value}")
    for v in BAD_FLAG_VALUES:
        c.case("chip-set", ["config", "--check", "configs/maia200.json", "--set", f"hbm.stacks={v}"],
               must_fail=v not in ("0x10",), note=f"hbm.stacks={v}")

    # Model configs.
    model = load("configs/models/llama-3.1-8b.json")
    json_kind(c, "model", model, lambda f: ["run", "--model", f] + small)
    for field, value in [("hidden_size", 2**31 - 1), ("intermediate_size", 2**31 - 1),
                         ("vocab_size", 2**31 - 1), ("num_hidden_layers", 100000),
                         ("num_local_experts", 1 << 20)]:
        doc = dict(model, **{field: value})
        c.case("model", ["run", "--model", c.file("model-big.json", json.dumps(doc))] + small,
               note=f"{field}={value}")

    # Azure CSV traces.
    header = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
    good = "2023-11-16 18:15:46.6805900,374,44\n"
    rows = {
        "empty": header, "noheader": good, "badts": header + "2023-13-40 99:99:99,1,1\n",
        "year1900": header + good + "1900-01-01 00:00:00,1,1\n",
        "year2199": header + good + "2199-12-31 23:59:59,1,1\n",
        "hugeout": header + "2023-11-16 18:15:46.6805900,374,9223372036854775807\n",
        "hugein": header + "2023-11-16 18:15:46.6805900,9223372036854775807,4\n",
        "zero": header + "2023-11-16 18:15:46.6805900,0,4\n",
        "neg": header + "2023-11-16 18:15:46.6805900,-5,4\n",
        "float": header + "2023-11-16 18:15:46.6805900,1.5,4\n",
        "quote": header + '"2023-11-16 18:15:46.6805900,374,44\n',
        "cols": header + "2023-11-16 18:15:46.6805900,374\n",
        "nul": header + "2023-11-16 18:15:46.6805900,3\x0074,44\n",
    }
    for name, text in rows.items():
        c.case("azure", ["run", "--model", "llama-3.1-8b", "--trace", c.file(f"az-{name}.csv", text)],
               note=name)

    # Mooncake JSONL traces.
    mrows = {
        "empty": "", "notjson": "{\n", "neg": '{"timestamp": -1, "input_length": 1, "output_length": 1}\n',
        "hugeout": '{"timestamp": 0, "input_length": 10, "output_length": 9223372036854775807}\n',
        "hugets": '{"timestamp": 1e308, "input_length": 10, "output_length": 2}\n'
                  '{"timestamp": 0, "input_length": 10, "output_length": 2}\n',
        "nan": '{"timestamp": NaN, "input_length": 10, "output_length": 2}\n',
        "hash": '{"timestamp": 0, "input_length": 10, "output_length": 2, "hash_ids": [1e999]}\n',
        "dup": '{"timestamp": 0, "timestamp": 5, "input_length": 10, "output_length": 2}\n',
        "deep": "[" * 50000 + "]" * 50000 + "\n",
    }
    for name, text in mrows.items():
        c.case("mooncake", ["run", "--model", "llama-3.1-8b", "--trace", c.file(f"mc-{name}.jsonl", text)],
               note=name)

    # Dataflow programs and operator traces.
    prog = load("examples/programs/host_upload.json")
    json_kind(c, "program", prog, lambda f: ["exec", f])
    subprocess.run([sim, "run", "--model", "llama-3.1-8b", "--batch", "1", "--prompt", "8", "--gen",
                    "2", "--emit-ops", os.path.join(out, "ops.json")], cwd=ROOT, capture_output=True)
    ops = json.load(open(os.path.join(out, "ops.json")))
    ops["operators"] = ops["operators"][:6]
    json_kind(c, "op-trace", ops, lambda f: ["ops", f])
    for dims in [(1 << 21, 1 << 21, 1 << 21), (1 << 40, 1, 1), (1 << 40, 1 << 40, 1)]:
        doc = json.loads(json.dumps(ops))
        doc["operators"] = [{"name": "g", "gemm": {"m": dims[0], "n": dims[1], "k": dims[2],
                                                     "a_dtype": "fp8", "b_dtype": "fp8", "out_dtype": "bf16"}}]
        c.case("op-trace", ["ops", c.file("ops-big.json", json.dumps(doc))], note=f"gemm {dims}")
    doc = json.loads(json.dumps(ops))
    doc["operators"] = [{"name": "a", "attention": {"heads": 8, "kv_heads": 8, "head_dim": 128,
                                                   "q_dtype": "fp8", "kv_dtype": "fp8",
                                                   "sequences": [{"q_tokens": 1, "kv_tokens": 16}] * 100000}}]
    c.case("op-trace", ["ops", c.file("ops-attn.json", json.dumps(doc))], note="100000 sequences")

    # Sweep specs, with constraint expressions.
    spec = load("examples/sweeps/tiny.json")
    json_kind(c, "sweep", spec, lambda f: ["sweep", f, "--dry-run"], mutate_leaves=20)
    for expr in ["(" * 5000 + "1" + ")" * 5000, "!" * 1000000 + "1", "1 +" * 10000 + "1", "batch >",
                 "batch == 'x" * 1000]:
        doc = dict(spec, constraints=[expr])
        c.case("sweep", ["sweep", c.file("sweep-expr.json", json.dumps(doc)), "--dry-run"],
               note=f"constraint {expr[:20]}...")

    # Regression suites and compare inputs.
    suite = load("tests/regression/suite.json")
    json_kind(c, "suite", suite, lambda f: ["regress", f, "--case", "nothing-matches"], mutate_leaves=20)
    summary = load("tests/regression/baselines/static-llama8b-b2/summary.json")
    base = os.path.join(ROOT, "tests/regression/baselines/static-llama8b-b2/summary.json")
    json_kind(c, "compare", summary, lambda f: ["compare", base, f], mutate_leaves=0, open_keys=True)
    for block in ["latency", "throughput", "phases", "memory"]:
        doc = dict(summary, **{block: "x"})
        c.case("compare", ["compare", c.file("cmp.json", json.dumps(doc)), base], note=f"{block} string")

    # Command-line flags: every numeric flag with every bad value; stray words; wrong modes.
    flags = {
        "run": (["--model", "llama-3.1-8b", "--rate", "5", "--max-requests", "2", "--input-tokens", "32",
                 "--output-tokens", "2"],
                ["--rate", "--max-requests", "--input-tokens", "--output-tokens", "--seed",
                 "--slo-ttft-ms", "--slo-tpot-ms", "--time-scale", "--duration", "--max-num-seqs",
                 "--max-batched-tokens", "--block-tokens", "--cost-points-per-octave", "--tp"]),
        "run-static": (["--model", "llama-3.1-8b"] + small,
                       ["--batch", "--prompt", "--gen", "--decode-stride", "--tp"]),
        "exec": (["examples/programs/host_upload.json"], ["--max-sim-time-ms"]),
        "microbench": (["hbm", "--pattern", "random", "--bytes", "1Mi"],
                       ["--bytes", "--access-bytes", "--write-fraction"]),
        "compare": ([base, base], ["--tolerance", "--top"]),
        "sweep": (["examples/sweeps/tiny.json", "--dry-run"], ["--jobs", "--point-timeout", "--shard"]),
    }
    for cmd, (args, numeric) in flags.items():
        for flag in numeric:
            for v in BAD_FLAG_VALUES:
                # Numbers that are valid for some flags (a huge rate, a zero SLO): any clean
                # outcome is fine; the rest (nan, -1, 0x10, text) must be refused.
                must = v not in PERMISSIVE
                real = cmd.split("-")[0]
                c.case("flags", [real] + args + [flag, v], must_fail=must, note=f"{cmd} {flag} {v!r}")
    c.case("flags", ["run", "--model", "llama-3.1-8b", "traces/x.csv"], note="stray word")
    c.case("flags", ["run", "--model", "llama-3.1-8b", "--trace",
                     "traces/AzureLLMInferenceTrace_conv.csv", "--batch", "3"], note="mode")
    c.case("flags", ["run", "--model", "m" * 100000] + small, note="long model name")
    c.case("flags", ["run", "--model", "llama-3.1-8b", "--out", "/proc/nope"] + small, note="out")

    results = c.run()
    counts = {}
    with open(os.path.join(out, "report.txt"), "w") as rep:
        for outcome, kind, rc, cmd, note, last in results:
            counts[outcome] = counts.get(outcome, 0) + 1
            rep.write(f"{outcome:8} {kind:10} rc={rc} {note[:80]!r}: {last}\n  {' '.join(cmd)[:300]}\n")
    bad = [r for r in results if r[0] in ("crash", "hang", "silent")]
    print(f"{len(results)} inputs: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for outcome, kind, rc, cmd, note, last in bad:
        print(f"  {outcome}: {kind} {note[:80]!r} rc={rc}: {last}")
    print(f"report: {os.path.join(out, 'report.txt')}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
