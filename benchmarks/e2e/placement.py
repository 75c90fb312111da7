#!/usr/bin/env python3
"""Placement benchmark (issue 9): threads vs worker processes, cold (`java -jar pipeline-app.jar run`) and warm (one
embedding JVM running the same pipeline K times), with a CPU budget per process and per pipeline thread.

For every run it records the wall time and, sampled from /proc every --interval (50 ms) while the run goes:
user and sys CPU, minor faults, peak RSS (VmHWM) and syscall bytes (rchar/wchar) of the pipeline JVM and of each
worker JVM (a descendant whose command line names dev.hybridetl.cpu.processes.WorkerMain), and the CPU of each
pipeline thread grouped by its native name (JIT compilers, GC, event loop, conductor, ...). Once the pipeline has
exited, and before it is reaped, the zombie's counters give exact totals (its own, and its reaped workers' together):
the difference to the sampled values is the sampling error, reported per run. Every output is checked: the known
answer of docs/jobs/flights.md where there is one (200k, 3M), and byte-identical across all runs of a job always.

Commands (from anywhere; paths default relative to the repository root):
    placement.py run   [--sizes 200k,3m,30m] [--runs 3] [--variants enrich,route] [--placements threads,processes]
    placement.py warm  [--size 3m] [--repeats 5] ...        runs 1..K in one JVM (dev.hybridetl.bench.WarmRuns)
    placement.py table RESULTS.json                         the Markdown tables again
    placement.py smoke                                      CI: 200k enrich, once each, and a 2-run warm session;
                                                            checks the accounting found what it must; ~30 s
Sizes: 200k runs `run` with no --input (the bundled sample); 3m reads benchmarks/data/flights-3m.csv.gz (from
benchmarks/fetch-data.sh); 30m is that file's rows ten times, written once to benchmarks/data/flights-30m.csv.gz.
Inputs are unpacked into --work-dir before timing (as harness.py does); --input-format gz gives the .gz instead.
Prints Markdown tables on stdout; writes benchmarks/results/placement/<cold|warm>-<machine>-<date>.json (every run, raw;
harness.py report does not read that folder).
"""
import argparse
import datetime
import gzip
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402  (the flights known answers, input unpacking, machine facts)
import proc_sampler  # noqa: E402
import session_options  # noqa: E402

REPO = harness.REPO
DATA = REPO / "benchmarks/data"
SOURCE_3M = DATA / "flights-3m.csv.gz"
WORKER_MARKER = "dev.hybridetl.cpu.processes.WorkerMain"
SIZES = {"200k": 200_000, "3m": 3_000_000, "30m": 30_000_000}
REPEATS_30M = 10


# === inputs ===================================================================================================

def source_3m():
    if SOURCE_3M.exists():
        return SOURCE_3M
    sys.exit(f"{SOURCE_3M} is missing: run benchmarks/fetch-data.sh first, or give the file with --input")


def make_30m(src):
    """benchmarks/data/flights-30m.csv.gz: the header, then the 3M data rows ten times. Written once as gzip
    members (the header's, then one member of all data rows, concatenated ten times: a gzip reader reads members
    in sequence), so it costs one compression of 3M rows, not of 30M."""
    target = DATA / "flights-30m.csv.gz"
    if target.exists():
        return target
    print(f"writing {target} (once)", file=sys.stderr)
    with gzip.open(src, "rb") as f:
        header = f.readline()
        body = f.read()
    member = gzip.compress(body, compresslevel=6, mtime=0)
    partial = target.with_suffix(".partial")
    DATA.mkdir(parents=True, exist_ok=True)
    with open(partial, "wb") as out:
        out.write(gzip.compress(header, mtime=0))
        for _ in range(REPEATS_30M):
            out.write(member)
    partial.replace(target)
    return target


def prepare_input(size, opts, work_dir):
    """(path or None for the bundled sample, data rows, uncompressed input bytes) of a size."""
    if size == "200k":
        return None, SIZES[size], unpacked_bytes(harness.SMOKE_INPUT)
    src = Path(opts.input) if opts.input else source_3m()
    if size == "30m":
        src = make_30m(src)
    if opts.input_format == "gz":
        return src, SIZES[size], unpacked_bytes(src)
    path, rows = harness.unpack(src, None, work_dir)
    if rows != SIZES[size]:
        sys.exit(f"{src} has {rows:,} data rows, {size} needs {SIZES[size]:,}")
    return path, rows, path.stat().st_size


def unpacked_bytes(gz):
    """Length of a gzip file's content, of all its members (flights-30m has eleven), streamed."""
    d, n = zlib.decompressobj(wbits=31), 0
    with open(gz, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            while block:
                n += len(d.decompress(block))
                block = d.unused_data
                if block:
                    d = zlib.decompressobj(wbits=31)
    return n


# === one measured process =====================================================================================

def measure(argv, log_path, interval, cwd):
    """Runs argv, sampling its tree every `interval` s; returns (exit code, wall s, sampler, exact root counters,
    harness CPU s spent sampling). The exact counters also get wait4's ru_maxrss: the largest peak RSS of the
    pipeline and the workers it reaped, exact (a cross-check of the sampled peaks)."""
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd)
        sampler = proc_sampler.TreeSampler(proc.pid, WORKER_MARKER, lambda: time.perf_counter() - start)
        while True:
            sampler.sample()
            # WNOWAIT: see the exit but leave the zombie, whose /proc counters are then final and exact.
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                wall = time.perf_counter() - start
                break
            time.sleep(interval)
        exact = sampler.final_root()
        _, status, usage = os.wait4(proc.pid, 0)
        if exact is not None:
            exact["ru_maxrss_kb"] = usage.ru_maxrss
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: tell Popen so it does not wait again
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    overhead = (self_after.ru_utime + self_after.ru_stime) - (self_before.ru_utime + self_before.ru_stime)
    return proc.returncode, wall, sampler, exact, overhead


def budget(sampler, exact):
    """The CPU budget of one run: per process (pipeline, each worker), totals, and the sampling error."""
    procs = sorted(sampler.procs.values(), key=lambda p: (p["role"] != "pipeline", p["first_s"]))
    rows = [{"process": p["role"] if p["role"] == "pipeline" else f"{p['role']} {p['pid']}", "role": p["role"],
             "user_s": round(p["user_s"], 2), "sys_s": round(p["sys_s"], 2), "minflt": p["minflt"],
             "majflt": p["majflt"], "peak_rss_mib": round(p["peak_rss_kb"] / 1024), "rchar": p.get("rchar"),
             "wchar": p.get("wchar"), "first_s": p["first_s"], "last_s": p["last_s"]}
            for p in procs if p["role"] in ("pipeline", "worker")]
    workers = [r for r in rows if r["role"] == "worker"]
    pipeline = next((r for r in rows if r["role"] == "pipeline"), None)
    out = {"processes": rows, "workers_seen": len(workers)}
    if exact and pipeline:
        # The zombie's own counters are exact; its children's are every process it reaped (the workers, and
        # the short-lived helpers the JDK forks them through).
        sampled_workers = sum(r["user_s"] + r["sys_s"] for r in workers)
        exact_workers = exact["children_user_s"] + exact["children_sys_s"]
        out.update(
            pipeline_exact={"user_s": exact["user_s"], "sys_s": exact["sys_s"], "minflt": exact["minflt"]},
            max_peak_rss_mib_exact=round(exact["ru_maxrss_kb"] / 1024),
            workers_exact={"user_s": round(exact["children_user_s"], 2), "sys_s": round(exact["children_sys_s"], 2),
                           "minflt": exact["children_minflt"]},
            sampling_error={
                "pipeline_cpu_s": round(exact["user_s"] + exact["sys_s"] - pipeline["user_s"] - pipeline["sys_s"], 2),
                "workers_cpu_s": round(exact_workers - sampled_workers, 2),
                "threads_cpu_s": round(exact["user_s"] + exact["sys_s"] - sum(
                    t["user_s"] + t["sys_s"] for t in sampler.threads.values()), 2)})
    return out


def totals(b):
    """(pipeline user, sys, minflt), (workers user, sys, minflt): exact where the zombie was read, else sampled."""
    if "pipeline_exact" in b:
        p, w = b["pipeline_exact"], b["workers_exact"]
        return (p["user_s"], p["sys_s"], p["minflt"]), (w["user_s"], w["sys_s"], w["minflt"])
    rows = b["processes"]
    pipe = [r for r in rows if r["role"] == "pipeline"]
    work = [r for r in rows if r["role"] == "worker"]
    s = lambda rs, k: sum(r[k] for r in rs)  # noqa: E731
    return (s(pipe, "user_s"), s(pipe, "sys_s"), s(pipe, "minflt")), (s(work, "user_s"), s(work, "sys_s"),
                                                                      s(work, "minflt"))


# === cold runs ================================================================================================

def cold_command(opts, variant, placement, input_path, output):
    argv = [opts.java, *opts.jvm_opt, "-jar", str(opts.jar_copy), "run", "--output", str(output),
            "--transform", f"flights-{variant}", "--placement", placement, "--workers", str(opts.workers),
            "--no-progress"]
    if input_path is not None:
        argv[argv.index("--output"):argv.index("--output")] = ["--input", str(input_path)]
    return argv


def run_cold(opts, variant, placement, size, inp, index, work_dir, reference):
    input_path, rows, bytes_in = inp
    output = work_dir / f"out-{variant}-{placement}.jsonl"
    rejects = output.with_suffix(".rejects.tsv")
    log = work_dir / "run.log"
    code, wall, sampler, exact, overhead = measure(cold_command(opts, variant, placement, input_path, output), log,
                                                   opts.interval, work_dir)
    record = {"mode": "cold", "size": size, "rows": rows, "variant": variant, "placement": placement,
              "workers": opts.workers, "run": index, "exit_code": code, "wall_s": round(wall, 3),
              "records_per_s": round(rows / wall), "samples": sampler.samples, "sampler_cpu_s": round(overhead, 2),
              "bytes_in": bytes_in, **budget(sampler, exact), "threads": sampler.thread_groups(),
              "worker_threads": sampler.thread_groups(workers=True)}
    record.update(check_output(code, output, rejects, variant, rows, reference, log))
    record["bytes_out"] = (output.stat().st_size if output.exists() else 0) + (
        rejects.stat().st_size if rejects.exists() else 0)
    for p in (output, rejects, log):
        p.unlink(missing_ok=True)
    return record


def sha_and_tenths(path):
    """SHA-256 of the whole file and of each of its ten equal parts (None parts if the size is not a multiple)."""
    size = path.stat().st_size
    if size % REPEATS_30M:
        return harness.file_sha256(path), [None, "size not a multiple of ten"]
    part, whole, tenths = size // REPEATS_30M, hashlib.sha256(), []
    with open(path, "rb") as f:
        for _ in range(REPEATS_30M):
            h, left = hashlib.sha256(), part
            while left:
                block = f.read(min(1 << 20, left))
                h.update(block)
                whole.update(block)
                left -= len(block)
            tenths.append(h.hexdigest())
    return whole.hexdigest(), tenths


def check_output(code, output, rejects, variant, rows, reference, log):
    """'ok' when the output is the known answer of docs/jobs/flights.md and the same bytes as every other run of
    this job; 'FAILED' otherwise. 30M is the 3M rows ten times, and each output line depends on its record only, so
    its known answer is the 3M one ten times. `reference` maps (variant, rows) to the first run's file SHA-256."""
    if code != 0 or not output.exists():
        return {"check": "FAILED", "reason": f"exit code {code}", "log_tail": log.read_text(errors="replace")[-2000:]}
    if rows == SIZES["30m"]:
        sha, parts = sha_and_tenths(output)
        known = harness.KNOWN.get((variant, SIZES["3m"]))
        answer = parts[0] if len(set(parts)) == 1 else "not ten equal parts"
    else:
        sha = answer = harness.file_sha256(output)
        known = harness.KNOWN.get((variant, rows))
    if known and not answer.startswith(known[1]):
        return {"check": "FAILED", "reason": "output differs from the known answer", "file_sha256": sha}
    if rejects.exists() and rejects.stat().st_size:
        return {"check": "FAILED", "reason": "rejects written, the flights data has none", "file_sha256": sha}
    if sha != reference.setdefault((variant, rows), sha):
        return {"check": "FAILED", "reason": "output differs from this job's first run", "file_sha256": sha}
    return {"check": "ok" if known else "same as first run", "file_sha256": sha}


# === warm runs ================================================================================================

def run_warm(opts, variant, placement, size, inp, work_dir):
    """One JVM (WarmRuns) runs the job --repeats times; the same accounting over the whole JVM, and each run's wall
    and in-process CPU as WarmRuns reports them."""
    input_path, rows, bytes_in = inp
    if input_path is None:
        input_path = harness.SMOKE_INPUT
    flags = subprocess.run([opts.java, "-jar", str(opts.jar_copy), "jvm-flags"], capture_output=True, text=True,
                           check=True).stdout.split()
    argv = [opts.java, *opts.jvm_opt, *flags, "-cp", str(opts.bench_jar_copy), "dev.hybridetl.bench.WarmRuns",
            "--input", str(input_path), "--output-dir", str(work_dir), "--transform", f"flights-{variant}",
            "--placement", placement, "--workers", str(opts.workers), "--runs", str(opts.repeats)]
    log = work_dir / "warm.log"
    code, wall, sampler, exact, overhead = measure(argv, log, opts.interval, work_dir)
    text = log.read_text(errors="replace")
    runs = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    record = {"mode": "warm", "size": size, "rows": rows, "variant": variant, "placement": placement,
              "workers": opts.workers, "exit_code": code, "wall_s": round(wall, 3), "runs": runs,
              "samples": sampler.samples, "sampler_cpu_s": round(overhead, 2), "bytes_in": bytes_in,
              **budget(sampler, exact), "threads": sampler.thread_groups(),
              "worker_threads": sampler.thread_groups(workers=True)}
    ok = code == 0 and len(runs) == opts.repeats and all(r["same_as_run1"] for r in runs)
    known = harness.KNOWN.get((variant, rows))
    if ok and known and not runs[0].get("sha256", "").startswith(known[1]):
        ok, record["reason"] = False, "run 1's output differs from the known answer"
    record["check"] = "ok" if ok else "FAILED"
    if not ok:
        record["log_tail"] = text[-2000:]
    log.unlink(missing_ok=True)
    return record


# === tables ===================================================================================================

def med_span(values, fmt="{:.2f}"):
    if not values:
        return "n/a"
    m = statistics.median(values)
    return fmt.format(m) + (f" ({fmt.format(min(values))}–{fmt.format(max(values))})" if len(values) > 1 else "")


def derived(r):
    """Per-run figures of the tables: CPU totals, CPU-s per million records, minor faults per GB moved."""
    (pu, ps, pf), (wu, ws, wf) = totals(r)
    gb = (r["bytes_in"] + r.get("bytes_out", 0)) / 1e9
    cpu = pu + ps + wu + ws
    return {"pipe_cpu": pu + ps, "pipe_user": pu, "pipe_sys": ps, "work_cpu": wu + ws, "work_user": wu,
            "work_sys": ws, "cpu": cpu, "cpu_per_m": cpu / (r["rows"] / 1e6), "pipe_flt_per_gb": pf / gb if gb else 0,
            "flt_per_gb": (pf + wf) / gb if gb else 0,
            "pipe_rss": next((p["peak_rss_mib"] for p in r["processes"] if p["role"] == "pipeline"), 0),
            "work_rss": max((p["peak_rss_mib"] for p in r["processes"] if p["role"] == "worker"), default=0)}


def thread_table(cold, keys):
    """Rows of thread groups, a column per job, placement and JVM kind (pipeline; workers)."""
    cols = [(s, v, p, kind) for s, v in keys for p in ("threads", "processes")
            for kind in (("pipeline",) if p == "threads" else ("pipeline", "workers"))]
    groups = {}
    for s, v, p, kind in cols:
        for r in (r for r in cold if (r["size"], r["variant"], r["placement"]) == (s, v, p)):
            for g, t in r.get("threads" if kind == "pipeline" else "worker_threads", {}).items():
                groups.setdefault(g, {}).setdefault((s, v, p, kind), []).append(t["user_s"] + t["sys_s"])
    rows = ["| thread group | role | " + " | ".join(f"{s} {v} {p}: {kind}" for s, v, p, kind in cols) + " |",
            "| --- | --- |" + " ---: |" * len(cols)]
    for g, per in sorted(groups.items(), key=lambda kv: -max(statistics.median(x) for x in kv[1].values())):
        cells = [f"{statistics.median(per[c]):.2f}" if c in per else "-" for c in cols]
        if any(c not in ("-", "0.00") for c in cells):
            rows.append(f"| {g} | {proc_sampler.thread_role(g)} | " + " | ".join(cells) + " |")
    return rows


def markdown(data):
    cold = [r for r in data["runs"] if r["mode"] == "cold" and r["check"] != "FAILED"]
    warm = [r for r in data["runs"] if r["mode"] == "warm"]
    failed = [r for r in data["runs"] if r["check"] == "FAILED"]
    out = [f"Placement benchmark, {data['started']}: {data['machine']['nproc']} CPUs ({data['machine']['cpu_model']}),"
           f" {data['jvm']['version'][0]}; {data['note']}", ""]
    if failed:
        out += [f"**{len(failed)} run(s) FAILED** (excluded): " + "; ".join(
            f"{r['size']} {r['variant']} {r['placement']}: {r.get('reason', '')}" for r in failed), ""]
    keys = sorted({(r["size"], r["variant"]) for r in cold}, key=lambda k: (SIZES[k[0]], k[1]))
    if keys:
        out += ["| rows | job | placement | runs | wall s median (min–max) | records/s | processes/threads "
                "throughput | CPU s pipeline (user+sys) | CPU s workers | CPU s per M records | minor faults per GB "
                "moved | pipeline peak RSS MiB | worker peak RSS MiB |",
                "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size, variant in keys:
        by = {p: [r for r in cold if (r["size"], r["variant"], r["placement"]) == (size, variant, p)]
              for p in ("threads", "processes")}
        walls = {p: statistics.median([r["wall_s"] for r in rs]) if rs else None for p, rs in by.items()}
        for placement, rs in by.items():
            if not rs:
                continue
            d = [derived(r) for r in rs]
            ratio = f"{walls['threads'] / walls['processes']:.2f}x" if placement == "processes" and all(
                walls.values()) else ""
            out.append(
                f"| {size} | {variant} | {placement} | {len(rs)} | {med_span([r['wall_s'] for r in rs])} | "
                f"{statistics.median([r['records_per_s'] for r in rs]):,.0f} | {ratio} | "
                f"{med_span([x['pipe_cpu'] for x in d], '{:.1f}')} ({statistics.median([x['pipe_sys'] for x in d]):.1f}"
                f" sys) | {med_span([x['work_cpu'] for x in d], '{:.1f}')} | "
                f"{med_span([x['cpu_per_m'] for x in d], '{:.2f}')} | "
                f"{statistics.median([x['flt_per_gb'] for x in d]):,.0f} | "
                f"{max(x['pipe_rss'] for x in d)} | {max(x['work_rss'] for x in d) or '-'} |")
    if keys:
        out += ["", "CPU budget per process (the median-wall run of each job):", "",
                "| rows | job | placement | process | seen s (first–last) | user s | sys s | minor faults | peak RSS MiB | "
                "read MB | written MB |", "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for size, variant in keys:
            for placement in ("threads", "processes"):
                rs = sorted((r for r in cold if (r["size"], r["variant"], r["placement"]) == (size, variant, placement)),
                            key=lambda r: r["wall_s"])
                if rs:
                    r = rs[len(rs) // 2]
                    for p in r["processes"]:
                        out.append(f"| {size} | {variant} | {placement} | {p['process']} | "
                                   f"{p['first_s']:.1f}–{p['last_s']:.1f} | {p['user_s']:.2f} | "
                                   f"{p['sys_s']:.2f} | {p['minflt']:,} | {p['peak_rss_mib']} | "
                                   f"{(p['rchar'] or 0) / 1e6:,.0f} | {(p['wchar'] or 0) / 1e6:,.0f} |")
                    err = r.get("sampling_error", {})
                    out.append(f"| {size} | {variant} | {placement} | sampling error (exact − sampled) | "
                               f"pipeline {err.get('pipeline_cpu_s', 'n/a')} s, workers {err.get('workers_cpu_s', 'n/a')}"
                               f" s, threads {err.get('threads_cpu_s', 'n/a')} s | | | | | | |")
        out += ["", "CPU by thread group, CPU s (user+sys), medians; the pipeline JVM, and all worker JVMs of a run "
                "together (a worker's `java` thread is its main loop, which runs the transform):", ""]
        out += thread_table(cold, keys)
    if keys:
        sizes = sorted({k[0] for k in keys}, key=SIZES.get)
        out += ["", "Pipeline process peak RSS (VmHWM, MiB, the largest of the runs; the JVM's default heap "
                "settings unless --jvm-opt says otherwise; target: at most 256, flat over the sizes):", "",
                "| job | placement | " + " | ".join(sizes) + " |", "| --- | --- |" + " ---: |" * len(sizes)]
        for variant in sorted({k[1] for k in keys}):
            for placement in ("threads", "processes"):
                cells = [max((derived(r)["pipe_rss"] for r in cold if (r["size"], r["variant"], r["placement"])
                              == (s, variant, placement)), default=None) for s in sizes]
                if any(c is not None for c in cells):
                    out.append(f"| {variant} | {placement} | " + " | ".join("-" if c is None else str(c)
                                                                           for c in cells) + " |")
        overhead = [r["sampler_cpu_s"] for r in cold]
        out += ["", f"Sampling every {data['interval_s'] * 1000:.0f} ms cost the harness {med_span(overhead)} CPU s per "
                "run (on the same CPUs). Sampling error = exact (the exited pipeline's zombie counters: its own and its "
                "reaped workers') minus sampled; per thread it also holds the threads that ended between samples."]
    if warm:
        out += ["", "Warm runs (one JVM runs the job K times; wall ms of each run):", "",
                "| rows | job | placement | run 1 | runs 2..K median (min–max) | runs 2..K / run 1 | pipeline JVM CPU s: "
                "run 1, runs 2..K median | worker JVMs started | CPU s of all workers |",
                "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in warm:
            walls = [x["wall_ms"] for x in r["runs"]]
            cpus = [x["process_cpu_ms"] / 1000 for x in r["runs"]]
            later = walls[1:]
            out.append(f"| {r['size']} | {r['variant']} | {r['placement']} | {walls[0] if walls else 'n/a'} | "
                       f"{med_span(later, '{:.0f}')} | "
                       f"{(statistics.median(later) / walls[0]) if later else float('nan'):.2f} | "
                       f"{cpus[0] if cpus else 'n/a'}, {med_span(cpus[1:], '{:.2f}')} | {r['workers_seen']} | "
                       f"{derived(r)['work_cpu']:.1f} |{' FAILED' if r['check'] == 'FAILED' else ''}")
    return "\n".join(out)


# === session ==================================================================================================

def session(opts, mode):
    env = {"machine": harness.machine_info(), "jvm": harness.jvm_info(opts.java, opts.jvm_opt),
           "python": sys.version.split()[0], "started": datetime.datetime.now().isoformat(timespec="seconds"),
           "note": opts.note, "options": {k: str(v) for k, v in vars(opts).items() if k != "func"},
           "interval_s": opts.interval, "runs": []}
    out_file = Path(opts.out) if opts.out else harness.RESULTS_DIR / "placement" / (
        f"{mode}-{harness.machine_slug(env['machine'])}-{harness.session_stamp()}.json")
    work_dir = Path(tempfile.mkdtemp(prefix="hybrid-etl-placement-", dir=opts.work_dir))
    try:
        opts.jar_copy = session_options.copy_aside(opts.jar, work_dir)
        if mode == "warm":
            opts.bench_jar_copy = session_options.copy_aside(opts.bench_jar, work_dir)
        variants = opts.variants.split(",")
        placements = opts.placements.split(",")
        reference = {}
        for size in (opts.sizes.split(",") if mode == "cold" else [opts.size]):
            inp = prepare_input(size, opts, work_dir)
            for index in range(1, (opts.runs if mode == "cold" else 1) + 1):
                for variant in variants:
                    for placement in placements:  # alternating: drift spreads over both placements
                        r = (run_cold(opts, variant, placement, size, inp, index, work_dir, reference)
                             if mode == "cold" else run_warm(opts, variant, placement, size, inp, work_dir))
                        env["runs"].append(r)
                        print(f"{size:4} {variant:6} {placement:9} run {index}: {r['wall_s']:7.2f} s  "
                              f"{r['check']}", file=sys.stderr, flush=True)
                        if not opts.no_save:
                            harness.write_json(out_file, env)  # after every run: a crash keeps what was measured
            if inp[0] is not None and inp[0].parent == work_dir:
                inp[0].unlink()
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(markdown(env))
    if not opts.no_save:
        print(f"\nresults: {out_file}", file=sys.stderr)
    return env


def smoke(opts):
    """CI: the accounting itself is checked (not the speed): every run ok, the workers found, the threads grouped,
    exact totals read."""
    opts.sizes, opts.size, opts.variants, opts.runs, opts.repeats, opts.no_save = "200k", "200k", "enrich", 1, 2, True
    problems = []
    for mode in ("cold", "warm"):
        for r in session(opts, mode)["runs"]:
            name = f"{mode} {r['placement']}"
            if r["check"] == "FAILED":
                problems.append(f"{name}: {r.get('reason', '')} {r.get('log_tail', '')[-500:]}")
            # Warm runs share one WorkerPool (WarmRuns): the first run's workers serve the later ones too.
            expected = 0 if r["placement"] == "threads" else opts.workers
            # At least: a loaded machine may make the pipeline replace a worker (missed heartbeats).
            if r["workers_seen"] < expected or (expected == 0 and r["workers_seen"]):
                problems.append(f"{name}: {r['workers_seen']} worker JVMs seen, expected {expected}")
            if "pipeline_exact" not in r or not r["threads"]:
                problems.append(f"{name}: no exact totals or no thread groups")
    print("placement smoke: " + ("FAILED: " + "; ".join(problems) if problems else "ok"))
    return 1 if problems else 0


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("run", "warm", "smoke"):
        s = sub.add_parser(name)
        s.add_argument("--sizes", default="200k,3m,30m", help="cold runs: comma-separated of 200k, 3m, 30m")
        s.add_argument("--size", default="3m", help="warm runs: one of 200k, 3m, 30m")
        s.add_argument("--runs", type=int, default=3, help="cold runs of each configuration (alternating)")
        s.add_argument("--repeats", type=int, default=5, help="warm: runs in the one JVM")
        s.add_argument("--variants", default="enrich,route")
        s.add_argument("--placements", default="threads,processes")
        s.add_argument("--workers", type=int, default=2)
        s.add_argument("--input", default=None, help="the 3M .csv.gz (default benchmarks/data/flights-3m.csv.gz)")
        s.add_argument("--input-format", choices=("csv", "gz"), default="csv",
                       help="csv: unpacked into --work-dir before timing (default); gz: the pipeline inflates")
        s.add_argument("--jvm-opt", action="append", default=[], help="extra option of the pipeline JVM")
        s.add_argument("--interval", type=float, default=0.05, help="sampling interval, seconds")
        s.add_argument("--work-dir", default=None, help="inputs and outputs (a disk: route 30M writes 17 GB)")
        session_options.add_common(s)
        s.set_defaults(mode=name)
    t = sub.add_parser("table")
    t.add_argument("results")
    t.set_defaults(mode="table")
    return p.parse_args(argv)


def main(argv=None):
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    if opts.mode == "table":
        print(markdown(json.loads(Path(opts.results).read_text())))
        return 0
    session_options.require(opts.jar, *([opts.bench_jar] if opts.mode in ("warm", "smoke") else []))
    if opts.mode == "smoke":
        return smoke(opts)
    session(opts, "cold" if opts.mode == "run" else "warm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
