"""CPU, page-fault and memory accounting of a running process tree from /proc (Linux, standard library only).

`TreeSampler` follows one root process (the pipeline JVM) and its descendants: every `sample()` reads
/proc/<pid>/stat (user and sys CPU, minor and major faults), /proc/<pid>/status (peak and current RSS) and
/proc/<pid>/io (bytes through read/write system calls) of each, and /proc/<pid>/task/*/stat of the threads of the
root and of the workers.
The last values seen of a process or thread stand for its final ones, so a process or thread that exits loses what
it did after its last sample (at most one interval). `final_root()` reads the root once more after it exited but
before it is reaped (a zombie still has its CPU and fault counters, and the totals of the children it reaped: the
worker JVMs), which gives exact totals to measure that sampling error against.
"""
import os
import re

CLK_TCK = os.sysconf("SC_CLK_TCK")

# Roles of the JVM's threads by their (15-character) native name; the first matching prefix wins.
THREAD_ROLES = (
    ("C1 CompilerThre", "JIT compiler"), ("C2 CompilerThre", "JIT compiler"), ("Sweeper thread", "JIT compiler"),
    ("GC Thread", "GC"), ("G1 ", "GC"), ("VM Thread", "VM thread (safepoints, GC pauses)"),
    ("etl-event-loop", "event loop"), ("etl-cpu-", "CPU stage threads (threads placement)"),
    ("etl-aio-write", "sink writes"), ("etl-aio-read", "source reads"), ("etl-blocking", "blocking reads (source)"),
    ("etl-worker-", "worker output/error pumps"), ("process reaper", "worker output/error pumps"),
    ("java", "main"),
)


def thread_group(comm):
    """A thread's native name with its running number dropped: 'GC Thread#1' -> 'GC Thread', 'etl-cpu-flights'
    stays. The conductor of a processes stage and the watchdog of a threads stage both show as 'etl-<stage>'."""
    return re.sub(r"(#\d+|-\d+|-\d+-\w\w|\d+)$", "", comm).rstrip("-") or comm


def thread_role(comm):
    for prefix, role in THREAD_ROLES:
        if comm.startswith(prefix):
            return role
    if comm.startswith("etl-"):
        return "stage conductor (processes) / batch watchdog (threads)"
    return "other JVM threads"


def read_stat(path):
    """(comm, fields after the command) of a /proc stat file, or None once it is gone. fields[0] is the state."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("ascii", "replace")
    except OSError:
        return None
    open_paren, close_paren = text.find("("), text.rfind(")")
    return text[open_paren + 1:close_paren], text[close_paren + 2:].split()


def stat_numbers(fields):
    """CPU seconds and fault counts of a /proc/<pid>/stat line (fields after the command)."""
    return {"user_s": int(fields[11]) / CLK_TCK, "sys_s": int(fields[12]) / CLK_TCK,
            "minflt": int(fields[7]), "majflt": int(fields[9]),
            "children_user_s": int(fields[13]) / CLK_TCK, "children_sys_s": int(fields[14]) / CLK_TCK,
            "children_minflt": int(fields[8]), "threads": int(fields[17])}


def read_kv(path, keys):
    """Selected 'Key: value' numbers of /proc/<pid>/status or io (first number of each), or {} if gone."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in keys:
                    out[key] = int(value.split()[0])
    except (OSError, ValueError):
        return {}
    return out


def children(pid):
    """Live children of pid: every thread's list (the JVM forks workers from its conductor thread, not main)."""
    kids = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
        except OSError:
            pass
    return kids


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class TreeSampler:
    """Last-seen counters of a root process, its descendants, and the threads of the root and the workers."""

    def __init__(self, root_pid, worker_marker, clock):
        self.root = root_pid
        self.marker = worker_marker
        self.clock = clock  # seconds since the run started, for first/last-seen times
        self.procs = {}     # pid -> {"role", "first_s", "last_s", stat numbers, "peak_rss_kb", io}
        self.threads = {}   # tid -> {"comm", "user_s", "sys_s"} of the root
        self.worker_threads = {}  # tid -> the same, of every worker
        self.samples = 0

    def sample(self):
        self.samples += 1
        now = self.clock()
        stack = [self.root]
        while stack:
            pid = stack.pop()
            kids = children(pid)
            stack += kids
            self._sample_process(pid, now)
            role = self.procs.get(pid, {}).get("role")
            if role in ("pipeline", "worker"):
                self._sample_threads(pid, self.threads if role == "pipeline" else self.worker_threads)

    def _sample_process(self, pid, now):
        stat = read_stat(f"/proc/{pid}/stat")
        if stat is None or stat[1][0] == "Z":
            return
        entry = self.procs.get(pid)
        if entry is None or entry["role"] == "other":
            # Re-read until it is recognised: between fork and exec a child still shows its parent's command.
            role = "pipeline" if pid == self.root else "worker" if self.marker in cmdline(pid) else "other"
            entry = self.procs.setdefault(pid, {"pid": pid, "first_s": round(now, 3), "peak_rss_kb": 0})
            entry["role"] = role
        entry.update(stat_numbers(stat[1]), last_s=round(now, 3))
        status = read_kv(f"/proc/{pid}/status", ("VmHWM", "VmRSS"))
        if status:
            entry["peak_rss_kb"] = max(entry["peak_rss_kb"], status.get("VmHWM", 0))
        io = read_kv(f"/proc/{pid}/io", ("rchar", "wchar"))
        if io:
            entry.update(rchar=io["rchar"], wchar=io["wchar"])

    @staticmethod
    def _sample_threads(pid, into):
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            return
        for tid in tids:
            stat = read_stat(f"/proc/{pid}/task/{tid}/stat")
            if stat is not None:
                numbers = stat_numbers(stat[1])
                into[int(tid)] = {"comm": stat[0], "user_s": numbers["user_s"], "sys_s": numbers["sys_s"]}

    def final_root(self):
        """Exact counters of the exited, not yet reaped root (a zombie): its own CPU and faults, and the totals
        of the children it reaped. None if it was reaped already."""
        stat = read_stat(f"/proc/{self.root}/stat")
        return stat_numbers(stat[1]) if stat else None

    def thread_groups(self, workers=False):
        """Thread CPU by group name, of the root (or all workers together): {group: {"role", "threads", "user_s",
        "sys_s"}}."""
        groups = {}
        for t in (self.worker_threads if workers else self.threads).values():
            g = groups.setdefault(thread_group(t["comm"]), {"role": thread_role(t["comm"]), "threads": 0,
                                                            "user_s": 0.0, "sys_s": 0.0})
            g["threads"] += 1
            g["user_s"] += t["user_s"]
            g["sys_s"] += t["sys_s"]
        return {k: {**v, "user_s": round(v["user_s"], 2), "sys_s": round(v["sys_s"], 2)}
                for k, v in sorted(groups.items(), key=lambda kv: -(kv[1]["user_s"] + kv[1]["sys_s"]))}
