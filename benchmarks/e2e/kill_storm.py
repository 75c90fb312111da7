#!/usr/bin/env python3
"""Kill-storm benchmark: the app jar on worker processes, fault-free and with a worker SIGKILLed every INTERVAL
seconds, alternating, one session. Reports wall time (median and spread), the storm/fault-free ratio, the kills, and
how long a replacement worker took to be ready (the run summary's start-up time per incarnation), and checks every
storm run's output against the fault-free run's (sorted SHA-256 and file SHA-256 must match).

Usage (from the repository root, after `mvn -B -q -ntp package -DskipTests`):
    python3 benchmarks/e2e/kill_storm.py [--input benchmarks/data/flights-3m.csv.gz] [--transform flights-route]
                                         [--interval 2] [--runs 3] [--workers 2]
Standard library only. Prints one JSON object (also to --out if given).
"""
import argparse
import hashlib
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JAR = ROOT / "app" / "target" / "pipeline-app.jar"
WORKER_LINE = re.compile(r"worker (\d+)\s+batches\s+[\d,]+ \| records\s+[\d,]+ \| restarts (\d+) \| start-up (\d+) ms")


def children(pid):
    """PIDs of the live child processes of pid (the worker JVMs). Each thread lists the children it forked, and the
    workers are forked by the conductor thread, not the main one: read every thread's list."""
    pids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return pids


def file_sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sorted_sha(path):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    h = hashlib.sha256()
    for line in sorted(lines):
        h.update(line + b"\n")
    return h.hexdigest()


def run_once(args, storm_interval, out_dir, seed):
    out = out_dir / "out.jsonl"
    cmd = ["java", "-jar", args.jar, "run", "--input", args.input, "--output", str(out), "--transform",
           args.transform, "--placement", "processes", "--workers", str(args.workers), "--no-progress"]
    start = time.monotonic()
    # The run's output goes to a file, not a pipe: nobody reads a pipe during the storm, and a full pipe would
    # block the pipeline's logging (and the conductor thread that logs each restart) until the run ends.
    log = open(out_dir / "run.log", "w+")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True)
    kills = 0
    rnd = random.Random(seed)
    if storm_interval:
        next_kill = time.monotonic() + storm_interval
        while proc.poll() is None:
            # Short sleeps, so that the end of the run is seen at once (a whole interval would round the wall up).
            time.sleep(min(0.02, max(0.0, next_kill - time.monotonic())))
            if time.monotonic() < next_kill:
                continue
            next_kill += storm_interval
            workers = children(proc.pid)
            if workers and proc.poll() is None:
                try:
                    os.kill(rnd.choice(workers), signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
    proc.wait()
    wall = time.monotonic() - start
    log.seek(0)
    output = log.read()
    log.close()
    if proc.returncode != 0:
        sys.exit(f"run failed (exit {proc.returncode}):\n{output[-3000:]}")
    restarts = startup_ms = incarnations = 0
    for m in WORKER_LINE.finditer(output):
        restarts += int(m.group(2))
        startup_ms += int(m.group(3))
        incarnations += int(m.group(2)) + 1
    return {"wall_s": round(wall, 2), "kills": kills, "restarts": restarts,
            "startup_ms_per_incarnation": round(startup_ms / max(1, incarnations)),
            "sorted_sha256": sorted_sha(out), "file_sha256": file_sha(out)}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=str(ROOT / "benchmarks" / "data" / "flights-3m.csv.gz"))
    ap.add_argument("--transform", default="flights-route")
    ap.add_argument("--interval", type=float, default=2.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--jar", default=str(JAR), help="the app jar (copy it aside if you rebuild meanwhile)")
    ap.add_argument("--out")
    args = ap.parse_args()
    if not Path(args.input).exists():
        sys.exit(f"{args.input} is missing: run benchmarks/fetch-data.sh first")
    results = {"fault_free": [], "storm": []}
    with tempfile.TemporaryDirectory(prefix="kill-storm-") as tmp:
        for i in range(args.runs):
            for kind in ("fault_free", "storm"):
                r = run_once(args, args.interval if kind == "storm" else 0, Path(tmp), seed=i)
                results[kind].append(r)
                print(kind, r, file=sys.stderr)
    reference = results["fault_free"][0]
    for r in results["fault_free"] + results["storm"]:
        if (r["sorted_sha256"], r["file_sha256"]) != (reference["sorted_sha256"], reference["file_sha256"]):
            sys.exit(f"output differs from the fault-free run: {r}")
    med = {k: statistics.median(r["wall_s"] for r in v) for k, v in results.items()}
    summary = {
        "input": args.input, "transform": args.transform, "workers": args.workers, "interval_s": args.interval,
        "runs": args.runs, "outputs_identical": True,
        "wall_s_median": med, "wall_s_all": {k: [r["wall_s"] for r in v] for k, v in results.items()},
        "storm_over_fault_free": round(med["storm"] / med["fault_free"], 2),
        "kills": [r["kills"] for r in results["storm"]],
        "replacement_startup_ms_median": statistics.median(r["startup_ms_per_incarnation"] for r in results["storm"]),
        "fault_free_startup_ms_median": statistics.median(
            r["startup_ms_per_incarnation"] for r in results["fault_free"]),
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
