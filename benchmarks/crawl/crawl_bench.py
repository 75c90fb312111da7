#!/usr/bin/env python3
"""Crawl benchmark (issue 10): URLs/s against the concurrency limit, for the pipeline's HTTP source and two
baselines, all against one local server that answers every URL after a fixed delay.

    server      dev.hybridetl.bench.crawl.DelayServer on 127.0.0.1 (benchmarks.jar): every URL after --delay-ms,
                a ~240-byte HTML page; counts requests and the most it had in flight (so the bound is checked too)
    java-threads     dev.hybridetl.bench.crawl.ThreadCrawler: N threads, blocking HttpURLConnection, keep-alive
    python-asyncio   benchmarks/crawl/asyncio_crawler.py: asyncio streams + semaphore(N), keep-alive pool
    pipeline-threads / pipeline-processes
                `pipeline-app run --source http --input urls.txt --output pages.jsonl --transform web-page
                 --concurrency N --timeout 3s --placement ...`; skipped, with a message, when the jar's
                `run --help` has no `--source http`

The ideal line is limit / delay URLs/s (each slot finishes one URL per delay). Each crawler reports its own crawl
time (start-up excluded); the table gives that rate and the whole command's. Runs alternate (every crawler at one
limit, then the next limit), --runs times; medians with min-max.

Usage (after `mvn -q -pl app,benchmarks -am package -DskipTests`):
    python3 benchmarks/crawl/crawl_bench.py [--urls 10000] [--limits 8,32,128,512] [--delay-ms 50] [--runs 1]
        [--crawlers java-threads,python-asyncio,pipeline-threads,pipeline-processes] [--out FILE.json]
Prints a Markdown table; writes benchmarks/results/crawl/<machine>-<date>.json unless --no-save.
    python3 benchmarks/crawl/crawl_bench.py --serve-only urls.txt     the server and the URL list, for trying by hand
"""
import argparse
import datetime
import json
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
import harness  # noqa: E402  (machine facts, results file writing)
import session_options  # noqa: E402

REPO = harness.REPO
CRAWLERS = ("java-threads", "python-asyncio", "pipeline-threads", "pipeline-processes")


def start_server(opts):
    proc = subprocess.Popen([opts.java, "-cp", str(opts.bench_jar), "dev.hybridetl.bench.crawl.DelayServer",
                             "--delay-ms", str(opts.delay_ms)], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"listening on (\d+)", line)
    if not m:
        proc.kill()
        sys.exit(f"the delay server did not start: {line!r}")
    return proc, int(m.group(1))


def server_call(port, what):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/__{what}", timeout=10) as r:
        return json.loads(r.read())


def write_urls(path, port, count):
    with open(path, "w") as f:
        for i in range(count):
            f.write(f"http://127.0.0.1:{port}/page/{i}\n")


def pipeline_support(opts):
    """The jar's `run` options, if it has `--source http`; else None (and why)."""
    text = subprocess.run([opts.java, "-jar", str(opts.jar), "run", "--help"], capture_output=True,
                          text=True).stdout
    if "--source" not in text or "http" not in text:
        return None
    return text


def command(crawler, limit, urls, work_dir, opts, help_text):
    if crawler == "java-threads":
        return [opts.java, "-cp", str(opts.bench_jar), "dev.hybridetl.bench.crawl.ThreadCrawler", "--urls", str(urls),
                "--threads", str(limit)]
    if crawler == "python-asyncio":
        return [sys.executable, str(Path(__file__).with_name("asyncio_crawler.py")), "--urls", str(urls),
                "--concurrency", str(limit)]
    placement = crawler.split("-", 1)[1]
    argv = [opts.java, "-jar", str(opts.jar), "run", "--source", "http", "--input", str(urls), "--output",
            str(work_dir / "pages.jsonl"), "--transform", "web-page", "--concurrency", str(limit), "--timeout", "3s",
            "--placement", placement, "--workers", str(opts.workers), "--no-progress"]
    if "--per-host" in help_text:  # every URL is on 127.0.0.1: the per-host bound must not be the one that binds
        argv += ["--per-host", str(limit)]
    return argv


def run_one(crawler, limit, urls, port, work_dir, opts, help_text):
    server_call(port, "reset")
    log = work_dir / "crawler.log"
    start = time.perf_counter()
    with open(log, "w") as f:
        code = subprocess.call(command(crawler, limit, urls, work_dir, opts, help_text), stdout=f,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=work_dir)
    wall = time.perf_counter() - start
    stats = server_call(port, "stats")
    text = log.read_text(errors="replace")
    record = {"crawler": crawler, "limit": limit, "exit_code": code, "wall_s": round(wall, 3),
              "server_requests": stats["requests"], "server_max_in_flight": stats["max_in_flight"]}
    if crawler.startswith("pipeline"):
        pages = work_dir / "pages.jsonl"
        record["ok"] = sum(1 for _ in open(pages)) if pages.exists() else 0
        # A URL that finally failed (timeout, status, ...) is a dead letter beside the output.
        record["failed"] = sum(sum(1 for _ in open(p)) for p in work_dir.glob("pages.rejects*"))
        m = re.search(r"done in ([\d.]+) s", text)  # the run summary's own time, JVM start-up excluded
        record["seconds"] = float(m.group(1)) if m else None
        for p in work_dir.glob("pages*"):
            p.unlink()
    else:
        line = next((x for x in text.splitlines() if x.startswith("{")), None)
        if line:
            record.update(json.loads(line))
    if code != 0:
        record["log_tail"] = text[-1500:]
    # Every URL fetched or, having failed (a timeout on a loaded machine), accounted for: none lost.
    record["check"] = "ok" if code == 0 and record.get("ok", 0) + record.get("failed", 0) == opts.urls else "FAILED"
    log.unlink(missing_ok=True)
    return record


def markdown(data):
    o = data["options"]
    delay = float(o["delay_ms"]) / 1000
    out = [f"Crawl benchmark, {data['started']}: {o['urls']} URLs, server delay {o['delay_ms']} ms, "
           f"{data['machine']['nproc']} CPUs ({data['machine']['cpu_model']}); {o['note']}", ""]
    for line in data["skipped"]:
        out += [f"- skipped: {line}"]
    crawlers = [c for c in CRAWLERS if any(r["crawler"] == c for r in data["runs"])]
    limits = sorted({r["limit"] for r in data["runs"]})
    out += ["", "URLs/s over the crawl time (start-up excluded), median (min–max); [whole command]; max in flight "
            "seen by the server:", "",
            "| limit | ideal (limit / delay) | " + " | ".join(crawlers) + " |", "| ---: | ---: |" + " ---: |" * len(crawlers)]
    for limit in limits:
        cells = []
        for c in crawlers:
            rs = [r for r in data["runs"] if (r["crawler"], r["limit"]) == (c, limit) and r["check"] == "ok"]
            failed = sum(1 for r in data["runs"] if (r["crawler"], r["limit"]) == (c, limit) and r["check"] != "ok")
            if not rs:
                cells.append("FAILED" if failed else "-")
                continue
            rates = [int(o["urls"]) / r["seconds"] for r in rs if r.get("seconds")]
            whole = statistics.median(int(o["urls"]) / r["wall_s"] for r in rs)
            span = f" ({min(rates):,.0f}–{max(rates):,.0f})" if len(rates) > 1 else ""
            lost = sum(r.get("failed", 0) for r in rs)
            cells.append((f"{statistics.median(rates):,.0f}{span}" if rates else "n/a")
                         + f" [{whole:,.0f}] max {max(r['server_max_in_flight'] for r in rs)}"
                         + (f", {lost} URLs failed" if lost else "") + (f", {failed} runs FAILED" if failed else ""))
        out.append(f"| {limit} | {limit / delay:,.0f} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--urls", type=int, default=10_000)
    ap.add_argument("--limits", default="8,32,128,512")
    ap.add_argument("--delay-ms", type=int, default=50)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--crawlers", default=",".join(CRAWLERS))
    ap.add_argument("--workers", type=int, default=2, help="the pipeline's CPU stage workers")
    ap.add_argument("--serve-only", metavar="URLS_FILE", help="start the server, write the URL list to URLS_FILE, "
                                                               "and serve until Ctrl-C (to try a crawler by hand)")
    session_options.add_common(ap)
    opts = ap.parse_args()
    session_options.require(opts.jar, opts.bench_jar)
    # 512 connections plus the server's own: more than the usual soft limit of 1024 open files in some setups.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    work_dir = Path(tempfile.mkdtemp(prefix="hybrid-etl-crawl-"))
    opts.jar = session_options.copy_aside(opts.jar, work_dir)
    opts.bench_jar = session_options.copy_aside(opts.bench_jar, work_dir)
    data = {"machine": harness.machine_info(), "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "options": {k: str(v) for k, v in vars(opts).items()}, "skipped": [], "runs": []}
    crawlers = opts.crawlers.split(",")
    help_text = pipeline_support(opts)
    if help_text is None and any(c.startswith("pipeline") for c in crawlers):
        data["skipped"].append("pipeline-*: this pipeline-app.jar has no `run --source http` yet")
        print("skipping the pipeline crawlers: pipeline-app.jar has no `run --source http` yet", file=sys.stderr)
        crawlers = [c for c in crawlers if not c.startswith("pipeline")]
    out_file = Path(opts.out) if opts.out else harness.RESULTS_DIR / "crawl" / (
        f"{harness.machine_slug(data['machine'])}-{harness.session_stamp()}.json")
    # SIGTERM ends the session through `finally`, which stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server, port = start_server(opts)
    if opts.serve_only:
        write_urls(opts.serve_only, port, opts.urls)
        print(f"serving on 127.0.0.1:{port} (delay {opts.delay_ms} ms); {opts.urls} URLs in {opts.serve_only}; "
              f"stats: curl http://127.0.0.1:{port}/__stats; Ctrl-C stops", flush=True)
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.kill()
            shutil.rmtree(work_dir, ignore_errors=True)
        return 0
    try:
        urls = work_dir / "urls.txt"
        write_urls(urls, port, opts.urls)
        for index in range(opts.runs):
            for limit in (int(x) for x in opts.limits.split(",")):
                for crawler in crawlers:
                    r = run_one(crawler, limit, urls, port, work_dir, opts, help_text or "")
                    r["run"] = index + 1
                    data["runs"].append(r)
                    print(f"{crawler:18} limit {limit:4} run {index + 1}: {r.get('seconds')} s crawl, "
                          f"{r['wall_s']} s wall, max in flight {r['server_max_in_flight']}, {r['check']}",
                          file=sys.stderr, flush=True)
                    if not opts.no_save:
                        harness.write_json(out_file, data)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(work_dir, ignore_errors=True)
    print(markdown(data))
    return 0 if all(r["check"] == "ok" for r in data["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
