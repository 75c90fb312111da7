#!/usr/bin/env python3
"""End-to-end benchmark harness for the flights jobs (standard library only).

Runs every configuration on the same unpacked input in one session, round-robin (run 1 of every configuration,
then run 2 of every configuration, ...), so that drift on a shared machine spreads over all of them. For each run
it records wall time, records/s, CPU time of the whole process tree, peak RSS of the pipeline process and of its
largest worker, and whether the output matches the known answer (a mismatch is FAILED, never fast).

Configurations (per variant, enrich and route; N from --workers-list):
    threads-N       pipeline-app run --placement threads   --workers N
    processes-N     pipeline-app run --placement processes --workers N
    plain-loop      dev.hybridetl.bench.PlainLoop: one thread, no pipeline (benchmarks.jar)
    python-pool-N   benchmarks/python/flights_pool.py: multiprocessing.Pool(N), extract -> imap -> load

Commands (run from anywhere; paths default relative to the repository root):
    harness.py run [--rows 200000,all] [--runs 3] [--workers-list 1,2] [--configs 'threads-*,plain-loop'] ...
    harness.py report [RESULTS.json ...]     regenerate the marked part of docs/benchmarks.md and the SVG
    harness.py smoke                         CI: every configuration once on 2,000 sample rows, outputs compared,
                                             nothing timed, nothing written outside a temp directory
("--smoke" is accepted for "smoke".)
"""
import argparse
import datetime
import fnmatch
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_INPUT = REPO / "benchmarks/data/flights-3m.csv.gz"  # written by benchmarks/fetch-data.sh
SMOKE_INPUT = REPO / "samples/flights-200k.csv.gz"
SMOKE_ROWS = 2000
POOL_SCRIPT = REPO / "benchmarks/python/flights_pool.py"
RESULTS_DIR = REPO / "benchmarks/results"
DOC = REPO / "docs/benchmarks.md"
SVG = REPO / "docs/benchmarks-throughput.svg"
POLL_S = 0.05
VARIANTS = ("enrich", "route")

# Known answers of docs/jobs/flights.md for heads of flights-3m: (variant, data rows) ->
# (sorted-lines SHA-256, prefix of the SHA-256 of the file as written, in input order).
KNOWN = {
    ("enrich", 200_000): ("d2832c7f7c5318bac11834162e261764e4f5a81307724fb169928f2b92683918", "6c0aa1d47888ec34"),
    ("enrich", 3_000_000): ("38c6819d51304a3d33118af252f39645438829e9ec6fe98df16a2f5c00f63a6d", "7e5f842a"),
    ("route", 200_000): ("c2ba398a678f649a666ead33131f1c9669b2385549f5f66ba5e0245c89ae5227", "106d7623"),
    ("route", 3_000_000): ("15b23945328ad83f9cf2bff8c9cb661000b1c4806543458399cd8ecec4053df7", "8a7ba5fb"),
}


# === input ====================================================================================================

def unpack(source, rows, work_dir):
    """Writes the header plus the first `rows` data lines (all if None) of a .csv[.gz] to work_dir; returns
    (path, data line count). Done once per row count, outside any timing."""
    target = work_dir / f"input-{rows or 'all'}.csv"
    opener = gzip.open if str(source).endswith(".gz") else open
    count = -1
    with opener(source, "rb") as src, open(target, "wb") as dst:
        for line in src:
            if rows is not None and count >= rows:
                break
            dst.write(line)
            count += 1
    return target, max(count, 0)


# === configurations ===========================================================================================

def config_names(workers_list):
    """All configuration names, in the order they alternate."""
    names = []
    for n in workers_list:
        names += [f"threads-{n}", f"processes-{n}"]
    names.append("plain-loop")
    names += [f"python-pool-{n}" for n in workers_list]
    return names


def select_configs(names, patterns):
    """Keeps the names matching any comma-separated glob of --configs (all if none)."""
    if not patterns:
        return names
    globs = [p.strip() for p in patterns.split(",") if p.strip()]
    return [n for n in names if any(fnmatch.fnmatch(n, g) for g in globs)]


def command(config, variant, paths, opts):
    """The argv that runs one configuration."""
    java = [opts.java, *opts.jvm_opt]
    io_args = ["--input", str(paths["input"]), "--output", str(paths["output"]), "--rejects", str(paths["rejects"])]
    kind, _, n = config.rpartition("-")
    if config == "plain-loop":
        return [*java, "-cp", str(opts.bench_jar), "dev.hybridetl.bench.PlainLoop", *io_args,
                "--transform", f"flights-{variant}"]
    if kind in ("threads", "processes"):
        return [*java, "-jar", str(opts.jar), "run", *io_args, "--transform", f"flights-{variant}",
                "--placement", kind, "--workers", n, "--no-progress"]
    if kind == "python-pool":
        return [opts.python, str(POOL_SCRIPT), "--variant", variant, *io_args, "--workers", n]
    raise ValueError(f"unknown configuration '{config}'")


def describe(config):
    """(placement label, workers) of a configuration name."""
    if config == "plain-loop":
        return "plain-loop", 1
    kind, _, n = config.rpartition("-")
    return kind, int(n)


# === measuring one run ========================================================================================

def descendants(pid):
    """PIDs of all live descendants of pid, from /proc/<pid>/task/<tid>/children."""
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                continue
            found += kids
            stack += kids
    return found


def peak_rss_kb(pid):
    """VmHWM (peak resident set) of a live process in KiB, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def measure(argv, log_path):
    """Runs argv to completion, polling the RSS of its process tree; returns the raw numbers."""
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        peaks = {}
        while True:
            for pid in [proc.pid, *descendants(proc.pid)]:
                rss = peak_rss_kb(pid)
                if rss is not None:
                    peaks[pid] = max(peaks.get(pid, 0), rss)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - start
                break
            time.sleep(POLL_S)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen so it does not wait again
    workers = [kb for p, kb in peaks.items() if p != proc.pid]
    return {
        "exit_code": proc.returncode,
        "wall_s": round(wall, 4),
        # wait4's rusage covers the child and every descendant it reaped (workers, pool processes).
        "cpu_user_s": round(usage.ru_utime, 3),
        "cpu_sys_s": round(usage.ru_stime, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_main_kb": peaks.get(proc.pid),
        "peak_rss_worker_max_kb": max(workers) if workers else None,
        "processes_seen": len(peaks),
        "ru_maxrss_kb": usage.ru_maxrss,
    }


# === checking one run =========================================================================================

def sorted_sha256(path, tmp_dir):
    """SHA-256 of the file's lines sorted bytewise: `LC_ALL=C sort FILE | sha256sum` (sort spills to tmp_dir)."""
    env = dict(os.environ, LC_ALL="C")
    digest = hashlib.sha256()
    with subprocess.Popen(["sort", "-S", "25%", "-T", str(tmp_dir), str(path)], stdout=subprocess.PIPE,
                          env=env) as sort:
        for block in iter(lambda: sort.stdout.read(1 << 20), b""):
            digest.update(block)
    if sort.returncode != 0:
        raise RuntimeError(f"sort failed on {path} with exit code {sort.returncode}")
    return digest.hexdigest()


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check(variant, rows, paths, exit_code, tmp_dir):
    """Verdict of one run: 'ok', 'FAILED' (wrong or missing output, or a non-zero exit) or 'unknown' (no known
    answer for this row count; the run is still compared with the other configurations)."""
    out, rej = paths["output"], paths["rejects"]
    if exit_code != 0 or not out.exists():
        return {"check": "FAILED", "reason": f"exit code {exit_code}" if exit_code else "no output file"}
    result = {"file_sha256": file_sha256(out), "sorted_sha256": sorted_sha256(out, tmp_dir),
              "reject_bytes": rej.stat().st_size if rej.exists() else None}
    known = KNOWN.get((variant, rows))
    if known is None:
        result["check"] = "unknown"
    elif result["sorted_sha256"] != known[0]:
        result.update(check="FAILED", reason="sorted SHA-256 differs from the known answer")
    elif not result["file_sha256"].startswith(known[1]):
        result.update(check="FAILED", reason="records not in input order (file SHA-256 differs)")
    elif result["reject_bytes"]:
        result.update(check="FAILED", reason="rejects written, the known answer has none")
    else:
        result["check"] = "ok"
    return result


def run_once(config, variant, rows, input_path, run_dir, opts, index):
    """Runs, measures and checks one configuration; deletes its outputs afterwards."""
    paths = {"input": input_path, "output": run_dir / f"{config}.{variant}.jsonl",
             "rejects": run_dir / f"{config}.{variant}.rejects.tsv"}
    log = run_dir / f"{config}.{variant}.log"
    numbers = measure(command(config, variant, paths, opts), log)
    verdict = check(variant, rows, paths, numbers["exit_code"], run_dir)
    if verdict["check"] == "FAILED":
        verdict["log_tail"] = log.read_text(errors="replace")[-2000:]
    placement, workers = describe(config)
    record = {"variant": variant, "config": config, "placement": placement, "workers": workers, "rows": rows,
              "run": index, **numbers, "records_per_s": round(rows / numbers["wall_s"]), **verdict}
    for p in (paths["output"], paths["rejects"], log):
        p.unlink(missing_ok=True)
    return record


# === environment ==============================================================================================

def machine_info():
    """Hardware facts: CPU model and flags count from /proc/cpuinfo, nproc, memory from /proc/meminfo."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M) \
        if Path("/proc/meminfo").exists() else None
    return {"cpu_model": model.group(1).strip() if model else platform.processor(),
            "logical_cpus": cpuinfo.count("processor\t:") or os.cpu_count(),
            "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "mem_total_gib": round(int(mem.group(1)) / 2 ** 20, 1) if mem else None,
            "kernel": platform.release(), "hostname": platform.node()}


def jvm_info(java, jvm_opts):
    """JVM version and the flags it chooses (GC, heap) with the harness's extra options."""
    def text(args):
        r = subprocess.run([java, *jvm_opts, *args], capture_output=True, text=True)
        return (r.stdout + r.stderr).strip()
    return {"version": text(["-version"]).splitlines(),
            "command_line_flags": text(["-XX:+PrintCommandLineFlags", "-version"]).splitlines()[0],
            "extra_options": list(jvm_opts)}


def machine_slug(info):
    model = re.sub(r"[^a-z0-9]+", "-", info["cpu_model"].lower()).strip("-")
    model = re.sub(r"-(processor|cpu|with-radeon.*|\d+-core)$", "", model)[:32].strip("-")
    return f"{info['nproc']}cpu-{model}"


def session_stamp():
    """The date and minute a session started, for its results file's name: two sessions of a day never collide."""
    return datetime.datetime.now().strftime("%Y-%m-%dT%H%M")


# === run ======================================================================================================

def parse_rows(text):
    return [None if part.strip() in ("all", "") else int(part) for part in text.split(",")]


def run_session(opts):
    """The `run` command: all configurations, round-robin, --runs times; writes the results file."""
    workers = [int(w) for w in opts.workers_list.split(",")]
    configs = select_configs(config_names(workers), opts.configs)
    variants = [v.strip() for v in opts.variants.split(",")]
    require_tools(configs, opts)
    env = {"machine": machine_info(), "jvm": jvm_info(opts.java, opts.jvm_opt),
           "python": sys.version.split()[0], "started": datetime.datetime.now().isoformat(timespec="seconds"),
           "options": {k: str(v) for k, v in vars(opts).items() if k != "func"}, "runs": []}
    out_file = Path(opts.out) if opts.out else RESULTS_DIR / (
        f"{machine_slug(env['machine'])}-{session_stamp()}.json")
    work_dir = Path(tempfile.mkdtemp(prefix="hybrid-etl-bench-", dir=opts.work_dir))
    try:
        for rows_wanted in parse_rows(opts.rows):
            input_path, rows = unpack(opts.input, rows_wanted, work_dir)
            for index in range(1, opts.runs + 1):
                for variant in variants:
                    for config in configs:
                        record = run_once(config, variant, rows, input_path, work_dir, opts, index)
                        env["runs"].append(record)
                        print_run(record)
                        write_json(out_file, env)  # after every run: a crash keeps what was measured
            input_path.unlink()
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"results: {out_file}")
    return 0


def require_tools(configs, opts):
    """Fails fast, naming the missing file, before anything is unpacked or timed."""
    if any(c.startswith(("threads", "processes")) for c in configs) and not Path(opts.jar).exists():
        sys.exit(f"app jar not found: {opts.jar} (build it: mvn -q -pl app -am package -DskipTests)")
    if "plain-loop" in configs and not Path(opts.bench_jar).exists():
        sys.exit(f"benchmarks jar not found: {opts.bench_jar} (build it: cd benchmarks && mvn -q package)")
    if not Path(opts.input).exists():
        hint = "run benchmarks/fetch-data.sh first" if opts.input == str(DEFAULT_INPUT) else "give --input FILE.csv.gz"
        sys.exit(f"input not found: {opts.input} ({hint})")


def print_run(r):
    rss = r["peak_rss_main_kb"] or 0
    worker = r["peak_rss_worker_max_kb"]
    print(f"{r['variant']:6} {r['rows']:>9,} run {r['run']} {r['config']:15} {r['wall_s']:8.2f} s "
          f"{r['records_per_s']:>11,} rec/s  cpu {r['cpu_s']:7.1f} s  rss {rss // 1024:5} MiB"
          f"{'' if worker is None else f' worker {worker // 1024} MiB'}  {r['check']}", flush=True)


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    tmp.replace(path)


# === smoke ====================================================================================================

def smoke(opts):
    """The `smoke` command: every configuration once per variant on a tiny input; every configuration must exit
    0 and write exactly the same output and rejects. Times nothing; needs only the repository."""
    workers = [int(w) for w in opts.workers_list.split(",")]
    configs = select_configs(config_names(workers), opts.configs)
    variants = [v.strip() for v in opts.variants.split(",")]
    opts.input = opts.input if opts.input != str(DEFAULT_INPUT) else str(SMOKE_INPUT)
    require_tools(configs, opts)
    work_dir = Path(tempfile.mkdtemp(prefix="hybrid-etl-smoke-", dir=opts.work_dir))
    failures = []
    try:
        input_path, rows = unpack(opts.input, opts.smoke_rows, work_dir)
        for variant in variants:
            failures += smoke_variant(variant, configs, input_path, work_dir, opts)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print("smoke: " + ("FAILED: " + "; ".join(failures) if failures else f"ok ({len(configs)} configurations x "
                                                                          f"{len(variants)} variants, {rows} rows)"))
    return 1 if failures else 0


def smoke_variant(variant, configs, input_path, work_dir, opts):
    """Runs each configuration once; returns the failures (a non-zero exit or an output unlike the first)."""
    failures, reference = [], None
    for config in configs:
        paths = {"input": input_path, "output": work_dir / f"{config}.out", "rejects": work_dir / f"{config}.rej"}
        log = work_dir / f"{config}.log"
        with open(log, "wb") as f:
            code = subprocess.call(command(config, variant, paths, opts), stdout=f, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        if code != 0 or not paths["output"].exists():
            failures.append(f"{variant}/{config} exited {code}: {log.read_text(errors='replace')[-600:]}")
            continue
        digest = (file_sha256(paths["output"]), file_sha256(paths["rejects"]))
        reference = reference or (config, digest)
        same = digest == reference[1]
        print(f"smoke {variant:6} {config:15} {'same' if same else 'DIFFERENT'} output as {reference[0]}",
              flush=True)
        if not same:
            failures.append(f"{variant}/{config} output differs from {reference[0]}")
        for p in (paths["output"], paths["rejects"], log):
            p.unlink(missing_ok=True)
    return failures


# === report ===================================================================================================

REPORT_BEGIN = "<!-- BEGIN harness.py report: generated from benchmarks/results/*.json, do not edit by hand -->"
REPORT_END = "<!-- END harness.py report -->"


def splice(page, generated):
    """The page with its generated part replaced; the rest of docs/benchmarks.md (the other harnesses' sections)
    is written by hand. A page without the markers is replaced by the generated part alone."""
    if REPORT_BEGIN in page and REPORT_END in page:
        head, tail = page[:page.index(REPORT_BEGIN)], page[page.index(REPORT_END):]
    else:
        head, tail = "# Benchmarks\n\n", REPORT_END + "\n"
    return f"{head}{REPORT_BEGIN}\n\n{generated.rstrip()}\n\n{tail}"


def report(opts):
    """The `report` command: docs/benchmarks.md and the SVG chart from the results files."""
    files = [Path(f) for f in opts.results] or sorted(RESULTS_DIR.glob("*.json"))
    sessions, jmh = [], []
    for f in files:
        data = json.loads(f.read_text())
        if isinstance(data, list):  # JMH's -rf json output
            jmh.append((f.name, data))
        elif "jvm" in data and "runs" in data:
            sessions.append((f.name, data))
        else:  # another script's summary (kill_storm.py): documented by hand in docs/benchmarks.md
            print(f"not a harness session, left out: {f.name}", file=sys.stderr)
    if not sessions and not jmh:
        sys.exit(f"no results files in {RESULTS_DIR}: run `harness.py run` first")
    import report_writer  # the rendering lives beside this file, to keep each file small
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(splice(DOC.read_text() if DOC.exists() else "", report_writer.markdown(sessions, jmh, SVG.name)))
    if sessions:
        SVG.write_text(report_writer.svg({"runs": report_writer.default_jvm_runs(sessions)}))
    print(f"wrote {DOC}" + (f" and {SVG}" if sessions else ""))
    return 0


# === command line =============================================================================================

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command")
    for name, func in (("run", run_session), ("smoke", smoke)):
        s = sub.add_parser(name)
        s.set_defaults(func=func)
        s.add_argument("--input", default=str(DEFAULT_INPUT), help=".csv.gz (or .csv) flights file")
        s.add_argument("--rows", default="all", help="data rows to take, comma-separated for scaling: "
                                                     "'200000,all' (default all)")
        s.add_argument("--runs", type=int, default=3)
        s.add_argument("--variants", default=",".join(VARIANTS))
        s.add_argument("--configs", default="", help="comma-separated globs, e.g. 'threads-*,plain-loop'")
        s.add_argument("--workers-list", default="1,2", help="worker counts, e.g. 1,2,4,8,16")
        s.add_argument("--jar", default=str(REPO / "app/target/pipeline-app.jar"))
        s.add_argument("--bench-jar", default=str(REPO / "benchmarks/target/benchmarks.jar"))
        s.add_argument("--java", default=shutil.which("java") or "java")
        s.add_argument("--jvm-opt", action="append", default=[], help="extra JVM option, repeatable")
        s.add_argument("--python", default=sys.executable)
        s.add_argument("--work-dir", default=None, help="where inputs and outputs go (on disk, not /dev/shm; "
                                                        "route 3M writes 1.74 GB); default: the temp directory")
        s.add_argument("--out", default=None, help="results file (default benchmarks/results/<machine>-<date>.json)")
        s.add_argument("--smoke-rows", type=int, default=SMOKE_ROWS, help=argparse.SUPPRESS)
    r = sub.add_parser("report")
    r.set_defaults(func=report)
    r.add_argument("results", nargs="*", help="results files (default: benchmarks/results/*.json)")
    if "--smoke" in argv:
        argv = ["smoke", *[a for a in argv if a != "--smoke"]]
    if not argv or argv[0].startswith("-"):
        argv = ["run", *argv]
    return p.parse_args(argv)


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    return opts.func(opts)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
