# maia-sim plot: draws one figure from maia-sim result files (docs/plots.md).
# Embedded into the maia-sim binary at build time and run as `python3 -c SCRIPT`; maia-sim has
# already checked every input (each file a kind needs exists, metric names, the output's
# extension) and sends one JSON request on stdin:
#   {"kind", "out", "format": "png"|"svg", "title", "inputs": [{"label", "path", ...}], ...}
# Errors here are bugs or environment problems: a message on stderr and exit 70.
import csv
import json
import math
import os
import sys


def fail(message):
    sys.stderr.write("error: plot: " + message + "\n")
    sys.exit(70)


try:
    import matplotlib
except ImportError:
    fail(f"matplotlib is not installed for {sys.executable}: install Debian's "
         "python3-matplotlib (apt-get install python3-matplotlib), or set MAIA_PYTHON to a "
         "python3 that has matplotlib")
matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "maia-sim"  # fixed ids: the same inputs, the same SVG
matplotlib.rcParams["figure.dpi"] = 100
import matplotlib.pyplot as plt  # noqa: E402

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


# ---- load-curve: TTFT and TPOT percentiles against the request rate --------------------------
def load_curve(req, fig):
    series = {}  # label -> list of (rate, {ttft_p50..}, ...)
    order = []
    measured = False
    for inp in req["inputs"]:
        for p in inp["points"]:
            key = p["series"]
            if key not in series:
                series[key] = []
                order.append(key)
            rate = p.get("rate")
            if rate is None:
                rows = [r for r in read_csv(p["requests_csv"]) if num(r["arrival_s"]) is not None]
                arr = sorted(num(r["arrival_s"]) for r in rows)
                rate = (len(arr) - 1) / (arr[-1] - arr[0]) if len(arr) > 1 and arr[-1] > arr[0] else 0.0
                measured = True
            series[key].append((rate, p["metrics"]))
    axes = fig.subplots(1, 2)
    for ax, metric, title in ((axes[0], "ttft_ms", "TTFT"), (axes[1], "tpot_ms", "TPOT")):
        for i, key in enumerate(order):
            pts = sorted(series[key], key=lambda t: t[0])
            xs = [t[0] for t in pts]
            for pct, style in (("p50", "-"), ("p99", "--")):
                ys = [t[1][metric + "_" + pct] for t in pts]
                ax.plot(xs, ys, style, marker=MARKERS[i % len(MARKERS)], color=f"C{i}",
                        label=f"{key} {pct}")
        ax.set_xlabel("request rate (req/s)" + (" (measured from arrivals)" if measured else ""))
        ax.set_ylabel(title + " (ms)")
        ax.set_title(title + " p50 and p99")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)


# ---- latency-cdf: TTFT and TPOT CDFs from requests.csv -------------------------------------
def latency_cdf(req, fig):
    axes = fig.subplots(1, 2)
    for i, inp in enumerate(req["inputs"]):
        ttft, tpot = [], []
        for r in read_csv(inp["requests_csv"]):
            if r.get("status") != "completed":
                continue
            a, f1, fin = num(r["arrival_s"]), num(r["first_token_s"]), num(r["finish_s"])
            n = num(r["output_tokens"]) or 0
            if a is None or f1 is None or fin is None:
                continue
            ttft.append((f1 - a) * 1e3)
            if n >= 2:
                tpot.append((fin - f1) / (n - 1) * 1e3)
        for ax, sample in ((axes[0], ttft), (axes[1], tpot)):
            xs = sorted(sample)
            if xs:
                ys = [(k + 1) / len(xs) for k in range(len(xs))]
                ax.step(xs, ys, where="post", color=f"C{i}", label=f"{inp['label']} (n={len(xs)})")
    for ax, name in ((axes[0], "TTFT"), (axes[1], "TPOT")):
        ax.set_xlabel(name + " (ms)")
        ax.set_ylabel("fraction of completed requests")
        ax.set_ylim(0, 1.02)
        ax.set_title(name + " CDF")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)


# ---- pareto: a sweep's points and front over two metrics ------------------------------------
def pareto(req, fig):
    ax = fig.subplots(1, 1)
    a, b = req["metrics"]
    for i, inp in enumerate(req["inputs"]):
        pts = inp["points"]
        rest = [p for p in pts if not p["front"]]
        front = [p for p in pts if p["front"]]
        ax.scatter([p["x"] for p in rest], [p["y"] for p in rest], s=14, color=f"C{i}", alpha=0.35,
                   marker=MARKERS[i % len(MARKERS)])
        front.sort(key=lambda p: (p["x"], p["y"]))
        ax.plot([p["x"] for p in front], [p["y"] for p in front], "-", color=f"C{i}",
                marker=MARKERS[i % len(MARKERS)],
                label=f"{inp['label']}: front {len(front)} of {len(pts)} ok points")
        for p in front:
            ax.annotate(p["text"], (p["x"], p["y"]), textcoords="offset points", xytext=(4, 4),
                        fontsize=6, color=f"C{i}")
    ax.set_xlabel(f"{a['column']} ({a['direction']} is better)")
    ax.set_ylabel(f"{b['column']} ({b['direction']} is better)")
    ax.set_title("Pareto front")
    ax.margins(0.12)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7)


# ---- roofline: every operator of ops.csv at its arithmetic intensity -------------------------
BOUND_COLORS = {"compute": "C3", "vector": "C2", "hbm": "C0", "sram": "C1", "network": "C4"}


def roofline(req, fig):
    ax = fig.subplots(1, 1)
    notes = []
    seen_bounds = set()
    for i, inp in enumerate(req["inputs"]):
        rows = read_csv(inp["ops_csv"])
        placed = 0
        for r in rows:
            flops, hbm = num(r["flops"]) or 0.0, num(r["hbm_bytes"]) or 0.0
            t = num(r["time_us"]) or 0.0
            if flops <= 0 or hbm <= 0 or t <= 0:
                continue
            bound = r.get("bound", "")
            lbl = None
            if bound not in seen_bounds:
                seen_bounds.add(bound)
                lbl = f"bound: {bound}"
            ax.scatter(flops / hbm, flops / t / 1e6, s=16, marker=MARKERS[i % len(MARKERS)],
                       facecolors=BOUND_COLORS.get(bound, "C7"), edgecolors="black",
                       linewidths=0.3, alpha=0.8, label=lbl)
            placed += 1
        ax.scatter([], [], s=16, marker=MARKERS[i % len(MARKERS)], facecolors="white",
                   edgecolors="black", linewidths=0.6, label=inp["label"])
        notes.append(f"{MARKERS[i % len(MARKERS)]} {inp['label']}: {placed} of {len(rows)} operators"
                     + (f" ({len(rows) - placed} with no FLOPs, HBM bytes or time: "
                        "no point on log axes)" if placed < len(rows) else ""))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP per HBM byte, measured)")
    ax.set_ylabel("achieved TFLOP/s")
    ax.set_title("Operators on the roofline axes (ops.csv)")
    ax.grid(True, which="both", alpha=0.2)
    ax.legend(fontsize=7, loc="lower right")
    fig.text(0.01, 0.01, "\n".join(notes), fontsize=6, va="bottom")
    return 0.03 + 0.02 * len(notes)  # room for the notes below the axes


# ---- timeline: utilisation over time from a Perfetto timeline (--perfetto FILE) -------------
def merged(intervals):
    out = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def busy_per_bin(intervals, edges):
    busy = [0.0] * (len(edges) - 1)
    width = edges[1] - edges[0]
    for s, e in intervals:
        k = max(0, int((s - edges[0]) / width))
        while k < len(busy) and edges[k] < e:
            busy[k] += max(0.0, min(e, edges[k + 1]) - max(s, edges[k]))
            k += 1
    return [b / width for b in busy]


def engine_group(thread):
    # t3.ttu -> engine ttu; dma2 and its extra lanes (dma2 #2) -> engine dma
    return "engine " + thread.split(".")[-1].split(" ")[0].rstrip("0123456789")


def timeline(req, fig):
    bins = 200
    groups_all = []
    for inp in req["inputs"]:
        with open(inp["path"]) as f:
            events = json.load(f)["traceEvents"]
        threads, processes = {}, {}
        for e in events:
            if e.get("ph") == "M" and e.get("name") == "thread_name":
                threads[(e["pid"], e["tid"])] = e["args"]["name"]
            elif e.get("ph") == "M" and e.get("name") == "process_name":
                processes[e["pid"]] = e["args"]["name"]
        tracks = {}  # (group, pid, tid) -> intervals
        # Every engine queue and HBM channel the file declares counts, idle or not, so a
        # group's mean is over all its lanes.
        for (pid, tid), name in threads.items():
            proc = processes.get(pid, "")
            if proc.startswith("cluster "):
                tracks[(engine_group(name), pid, tid)] = []
            elif proc.startswith("HBM stack "):
                tracks[("HBM channels", pid, tid)] = []
        for e in events:
            if e.get("ph") != "X":
                continue
            cat = e.get("cat", "")
            name = threads.get((e["pid"], e["tid"]), "")
            if cat == "iteration":
                group = "chip busy (iterations)"
            elif cat == "engine":
                group = engine_group(name)
            elif cat == "hbm":
                group = "HBM channels"
            elif cat == "request" and e.get("name", "").startswith("request "):
                group = "requests"
            else:
                continue
            tracks.setdefault((group, e["pid"], e["tid"]), []).append(
                (e["ts"] / 1e3, (e["ts"] + e["dur"]) / 1e3))
        groups = {}
        for (group, _, _), iv in tracks.items():
            groups.setdefault(group, []).append(merged(iv))
        groups_all.append((inp["label"], groups))
    # One panel per input, each on its own time axis (a static batch lasts milliseconds, a
    # served trace seconds); requests in the system on the right-hand axis.
    axes = fig.subplots(len(groups_all), 1, squeeze=False)[:, 0]
    for ax, (label, groups) in zip(axes, groups_all):
        end = max((tl[-1][1] for lanes in groups.values() for tl in lanes if tl), default=1.0)
        unit, scale = ("ms", 1.0) if end >= 1.0 else ("us", 1e3)  # a short program in µs
        groups = {g: [[(a * scale, b * scale) for a, b in tl] for tl in lanes]
                  for g, lanes in groups.items()}
        end *= scale
        edges = [end * k / bins for k in range(bins + 1)]
        mids = [(edges[k] + edges[k + 1]) / 2 for k in range(bins)]
        for j, group in enumerate(sorted(g for g in groups if g != "requests")):
            lanes = groups[group]
            per = [busy_per_bin(iv, edges) for iv in lanes]
            mean = [sum(col) / len(per) for col in zip(*per)]
            ax.plot(mids, mean, color=f"C{j}",
                    label=group + (f" (mean of {len(lanes)} tracks)" if len(lanes) > 1 else ""))
        ax.set_ylabel("busy fraction")
        ax.set_ylim(0, 1.05)
        ax.set_xlabel(f"simulated time ({unit})")
        ax.set_title(f"{label}: utilisation over simulated time", fontsize=9)
        ax.grid(True, alpha=0.3)
        handles, names = ax.get_legend_handles_labels()
        if "requests" in groups:
            twin = ax.twinx()
            per = [busy_per_bin(iv, edges) for iv in groups["requests"]]
            in_system = [round(sum(col), 6) for col in zip(*per)]
            line, = twin.plot(mids, in_system, color="0.5", alpha=0.6, linewidth=0.8)
            twin.set_ylim(0, max(1.0, max(in_system)) * 1.1)
            twin.set_ylabel("requests in system")
            handles.append(line)
            names.append("requests in system (right axis)")
        ax.legend(handles, names, fontsize=6, loc="upper right")
    fig.text(0.01, 0.005, "power over time joins when the energy model lands; none is drawn today",
             fontsize=6, va="bottom")
    return 0.02


KINDS = {"load-curve": load_curve, "latency-cdf": latency_cdf, "pareto": pareto,
         "roofline": roofline, "timeline": timeline}


def main():
    req = json.load(sys.stdin)
    size = {"load-curve": (10, 4.5), "latency-cdf": (10, 4.5),
            "timeline": (9, 1.2 + 3.0 * len(req["inputs"]))}.get(req["kind"], (8, 5.5))
    fig = plt.figure(figsize=size)
    bottom = KINDS[req["kind"]](req, fig) or 0.0
    if req.get("title"):
        fig.suptitle(req["title"])
    fig.tight_layout(rect=(0, bottom, 1, 1))
    metadata = {"Date": None} if req["format"] == "svg" else {"Software": None}
    tmp = req["out"] + ".tmp"
    fig.savefig(tmp, format=req["format"], metadata=metadata)
    os.replace(tmp, req["out"])


try:
    main()
except (OSError, KeyError, ValueError) as e:
    fail(f"{type(e).__name__}: {e}")
