#!/usr/bin/env python3
"""Runs `maia-sim run` for a few models and batch sizes and prints, as Markdown, where the time
goes and how close each phase gets to the chip's roofline (docs/inference.md is made with it).

usage: scripts/inference-report.py [BUILD_DIR]
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
RUNS = [("llama-3.1-8b", 1), ("llama-3.1-8b", 8), ("llama-3.1-8b", 64),
        ("llama-3.1-70b", 1), ("llama-3.1-70b", 8), ("llama-3.1-70b", 32)]
PROMPT, GEN = 2048, 128


def run(model, batch, out):
    cmd = [f"{BUILD}/maia-sim", "run", "--model", model, "--batch", str(batch), "--prompt", str(PROMPT),
           "--gen", str(GEN), "--out", out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1"))
    with open(f"{out}/summary.json") as f:
        summary = json.load(f)
    with open(f"{out}/ops.csv") as f:
        ops = list(csv.DictReader(f))
    return summary, ops


def phase_stats(ops, phase):
    rows = [r for r in ops if r["phase"] == phase]
    time = sum(float(r["time_us"]) for r in rows)
    roof = sum(float(r["roofline_us"]) for r in rows)
    by_name = {}
    for r in rows:
        t, bound = by_name.get(r["name"], (0.0, r["bound"]))
        by_name[r["name"]] = (t + float(r["time_us"]), bound)
    top = sorted(by_name.items(), key=lambda kv: -kv[1][0])[:3]
    return time, roof, top


def main():
    print(f"Static batch, prompt {PROMPT}, {GEN} output tokens, weights/activations/KV FP8, default chip.\n")
    print("| model | batch | TTFT ms | TPOT ms | output tok/s | prefill: of roofline | prefill: top operators (share, bound) "
          "| decode: of roofline | decode: top operators (share, bound) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model, batch in RUNS:
        with tempfile.TemporaryDirectory() as out:
            s, ops = run(model, batch, out)
        cells = []
        for phase in ("prefill", "decode"):
            time, roof, top = phase_stats(ops, phase)
            tops = ", ".join(f"{n} {100 * t / time:.0f}% {b}" for n, (t, b) in top)
            cells += [f"{100 * roof / time:.0f}%", tops]
        lat = s["latency"]
        print(f"| {model} | {batch} | {lat['ttft_ms']['mean']:.1f} | {lat['tpot_ms']['mean']:.2f} | "
              f"{s['throughput']['output_tokens_per_s']:.0f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
