#!/usr/bin/env python3
"""Stream benchmark (issue 10): sustained records/s of `pipeline-app run --source tcp` from a local producer that
writes as fast as the socket accepts, threads vs processes placement, then SIGTERM (which must drain and exit 0).

The producer (a thread of this script) listens on 127.0.0.1, and for each connection writes the flights header and
then the data lines of samples/flights-200k.csv.gz over and over, in line-aligned chunks, counting the lines the
kernel took. Backpressure ties its rate to the pipeline's: once the socket buffers are full it writes only as
fast as the pipeline reads, so the producer's rate over the steady window [--warmup, --duration] is the pipeline's
sustained rate (socket buffers hold at most a few MB, which the window makes negligible). The pipeline's own
summary (records in) and the lines of its output files are recorded too, and its process tree is sampled
(benchmarks/e2e/proc_sampler.py) for CPU and peak RSS: a bounded stream must have a flat RSS.

Usage (after `mvn -q -pl app -am package -DskipTests`):
    python3 benchmarks/stream/stream_bench.py [--duration 30] [--warmup 10] [--runs 1] [--workers 2]
        [--placements threads,processes] [--transform flights-enrich] [--pipeline-arg=--some-option ...]
Skips, with a message, when the jar's `run --help` has no `--source tcp`. Prints a Markdown table; writes
benchmarks/results/stream/<machine>-<date>.json unless --no-save.
"""
import argparse
import datetime
import gzip
import json
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import harness  # noqa: E402  (machine facts, results file writing)
import proc_sampler  # noqa: E402
import session_options  # noqa: E402

REPO = harness.REPO
CHUNK_BYTES = 64 * 1024
SAMPLE_S = 0.5


class Producer:
    """A TCP server writing header + data lines forever to each connection; counts the lines sent."""

    def __init__(self, csv_gz):
        with gzip.open(csv_gz, "rb") as f:
            self.header = f.readline()
            body = f.read()
        self.chunks = []  # (bytes, lines), each ending at a line end
        start = 0
        while start < len(body):
            end = body.rfind(b"\n", start, start + CHUNK_BYTES) + 1 or len(body)
            if end <= start:
                end = body.index(b"\n", start) + 1
            self.chunks.append((body[start:end], body.count(b"\n", start, end)))
            start = end
        self.lines = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._feed, args=(conn,), daemon=True).start()

    def _feed(self, conn):
        try:
            conn.sendall(self.header)
            while True:
                for data, lines in self.chunks:
                    conn.sendall(data)  # blocks while the pipeline does not read: TCP flow control
                    self.lines += lines
        except OSError:
            pass  # the pipeline closed the connection (SIGTERM)
        finally:
            conn.close()


def supports_tcp(opts):
    text = subprocess.run([opts.java, "-jar", str(opts.jar), "run", "--help"], capture_output=True, text=True).stdout
    return "--source" in text and "tcp" in text


def run_one(opts, placement, producer, work_dir, index):
    out_dir = work_dir / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    argv = [opts.java, "-jar", str(opts.jar), "run", "--source", "tcp", "--input", f"127.0.0.1:{producer.port}",
            "--output", str(out_dir), "--transform", opts.transform, "--placement", placement,
            "--workers", str(opts.workers), "--no-progress", *opts.pipeline_arg]
    log = work_dir / "run.log"
    lines_before = producer.lines
    timeline = []
    with open(log, "wb") as f:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=work_dir)
        sampler = proc_sampler.TreeSampler(proc.pid, "dev.hybridetl.cpu.processes.WorkerMain",
                                           lambda: time.perf_counter() - start)
        while proc.poll() is None and time.perf_counter() - start < opts.duration:
            sampler.sample()
            timeline.append((round(time.perf_counter() - start, 2), producer.lines - lines_before))
            time.sleep(SAMPLE_S)
        early_exit = proc.poll() is not None
        term_at = time.perf_counter()
        if not early_exit:
            proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=opts.drain_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        drain_s = time.perf_counter() - term_at
    text = log.read_text(errors="replace")
    window = [(t, n) for t, n in timeline if t >= opts.warmup]
    steady = (window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0]) if len(window) > 1 else None
    m = re.search(r"records\s+in ([\d,]+)", text)
    # Committed parts only: the part being written is a hidden file.
    out_lines = sum(sum(1 for _ in open(p, "rb")) for p in out_dir.rglob("*")
                    if p.is_file() and not p.name.startswith("."))
    procs = list(sampler.procs.values())
    record = {"placement": placement, "run": index, "exit_code": code, "early_exit": early_exit,
              "drain_s": round(drain_s, 2), "steady_records_per_s": round(steady) if steady else None,
              "producer_lines": producer.lines - lines_before,
              "pipeline_records_in": int(m.group(1).replace(",", "")) if m else None, "output_lines": out_lines,
              "pipeline_peak_rss_mib": max((p["peak_rss_kb"] // 1024 for p in procs if p["role"] == "pipeline"),
                                           default=None),
              "worker_peak_rss_mib": max((p["peak_rss_kb"] // 1024 for p in procs if p["role"] == "worker"),
                                         default=None),
              "cpu_s": round(sum(p["user_s"] + p["sys_s"] for p in procs if p["role"] in ("pipeline", "worker")), 1),
              "timeline": timeline}
    # A drain commits everything read: the committed parts hold exactly the records the summary counts.
    lossless = record["pipeline_records_in"] is None or record["pipeline_records_in"] == out_lines
    record["check"] = "ok" if code == 0 and not early_exit and lossless else "FAILED"
    if record["check"] != "ok":
        record["log_tail"] = text[-2000:]
    log.unlink(missing_ok=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    return record


def markdown(data):
    o = data["options"]
    out = [f"Stream benchmark, {data['started']}: {o['transform']}, {o['workers']} workers, {o['duration']} s per run "
           f"(steady window from {o['warmup']} s), {data['machine']['nproc']} CPUs ({data['machine']['cpu_model']});"
           f" {o['note']}", ""]
    if data.get("skipped"):
        return "\n".join(out + [f"- skipped: {data['skipped']}"])
    out += ["| placement | runs | sustained records/s median (min–max) | records in (summary) | output lines | "
            "SIGTERM to exit s | pipeline peak RSS MiB | worker peak RSS MiB | CPU s | check |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for placement in o["placements"].split(","):
        rs = [r for r in data["runs"] if r["placement"] == placement]
        if not rs:
            continue
        rates = [r["steady_records_per_s"] for r in rs if r["steady_records_per_s"]]
        med = f"{statistics.median(rates):,.0f}" + (f" ({min(rates):,}–{max(rates):,})" if len(rates) > 1 else "") \
            if rates else "n/a"
        last = rs[-1]
        out.append(f"| {placement} | {len(rs)} | {med} | {last['pipeline_records_in'] or 0:,} | "
                   f"{last['output_lines']:,} | {last['drain_s']} | {last['pipeline_peak_rss_mib']} | "
                   f"{last['worker_peak_rss_mib'] or '-'} | {last['cpu_s']} | "
                   f"{'/'.join(sorted({r['check'] for r in rs}))} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds from start to SIGTERM")
    ap.add_argument("--warmup", type=float, default=10.0, help="seconds excluded from the sustained rate")
    ap.add_argument("--drain-timeout", type=float, default=60.0, help="seconds SIGTERM may take before SIGKILL")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--placements", default="threads,processes")
    ap.add_argument("--transform", default="flights-enrich")
    ap.add_argument("--input", default=str(harness.SMOKE_INPUT), help="lines to repeat (.csv.gz, header first)")
    ap.add_argument("--pipeline-arg", action="append", default=[], help="one more `run` option, repeatable")
    session_options.add_common(ap, bench_jar=False)
    opts = ap.parse_args()
    if opts.warmup >= opts.duration:
        sys.exit("--warmup must be shorter than --duration")
    session_options.require(opts.jar)
    work_dir = Path(tempfile.mkdtemp(prefix="hybrid-etl-stream-"))
    opts.jar = session_options.copy_aside(opts.jar, work_dir)
    data = {"machine": harness.machine_info(), "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "options": {k: str(v) for k, v in vars(opts).items()}, "runs": []}
    out_file = Path(opts.out) if opts.out else harness.RESULTS_DIR / "stream" / (
        f"{harness.machine_slug(data['machine'])}-{harness.session_stamp()}.json")
    try:
        if not supports_tcp(opts):
            data["skipped"] = "this pipeline-app.jar has no `run --source tcp` yet"
            print(f"skipping: {data['skipped']}", file=sys.stderr)
            print(markdown(data))
            return 0
        producer = Producer(opts.input)
        for index in range(1, opts.runs + 1):
            for placement in opts.placements.split(","):
                r = run_one(opts, placement, producer, work_dir, index)
                data["runs"].append(r)
                print(f"{placement:9} run {index}: {r['steady_records_per_s']} records/s sustained, exit "
                      f"{r['exit_code']} after {r['drain_s']} s, {r['check']}", file=sys.stderr, flush=True)
                if not opts.no_save:
                    harness.write_json(out_file, data)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(markdown(data))
    return 0 if all(r["check"] == "ok" for r in data["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
