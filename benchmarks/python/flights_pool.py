#!/usr/bin/env python3
"""The flights jobs as the classic Python pipeline: extract -> multiprocessing.Pool transform -> load.

This is what a Python programmer would write for docs/jobs/flights.md, and what the Java pipeline is compared
with in docs/benchmarks.md. Standard library only. The output is byte-identical to the Java transforms'.

    main process                           Pool(workers) processes
    ------------                           -----------------------
    extract: read lines, cut into chunks -> transform_chunk(chunk) -> (output bytes, reject bytes)
    load:    write results in input order <- (Pool.imap keeps the order of the chunks)

Why a process pool: the GIL lets only one thread run Python bytecode at a time, so CPU-bound work needs processes.
What that costs: every chunk of lines is pickled to a worker and its result pickled back (the process boundary is
a serialization boundary), and each worker holds its own copy of the airports table (loaded by the initializer).

Usage:
    flights_pool.py --variant enrich|route --input IN.csv[.gz] --output OUT.jsonl --rejects REJ.tsv
                    [--workers N] [--chunk-lines N] [--airports airports.csv]
Prints one summary line on stdout (records, rejects, wall seconds, records/s).
"""
import argparse
import csv
import gzip
import io
import itertools
import math
import multiprocessing
import re
import sys
import time
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

R = 3958.8
D2R = 0.017453292519943295  # fl(pi/180)
R2D = 57.29577951308232  # fl(180/pi)
ROUTE_POINTS = 64
# ASCII classes on purpose: [0-9], not \d (which also matches other Unicode digits).
ROW = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}),(-?[0-9]{1,6}),([0-9]{1,6}),([^,]*),([^,]*)")
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_AIRPORTS = REPO_ROOT / "flights/src/main/resources/dev/hybridetl/flights/airports.csv"
ONE_TENTH = Decimal("0.1")

# Per-worker state, set once by init_worker (a Pool cannot ship a lambda or a closure: the worker imports this
# module and calls a module-level function by name, the Python form of a plugin id).
_airports = None
_with_route = False


# --- reference data ------------------------------------------------------------------------------------------

def load_airports(path):
    """Reads iata -> (lat, lon, phi, lam) from an RFC 4180 CSV; columns found by header name."""
    with open(path, newline="", encoding="latin-1") as f:
        table = {}
        for row in csv.DictReader(f):
            lat, lon = float(row["latitude"]), float(row["longitude"])
            table[row["iata"]] = (lat, lon, lat * D2R, lon * D2R)
        return table


def init_worker(airports_path, with_route):
    """Pool initializer: runs once in each worker process."""
    global _airports, _with_route
    _airports = load_airports(airports_path)
    _with_route = with_route


# --- extract -------------------------------------------------------------------------------------------------

def read_lines(path):
    """Yields the data lines (header skipped), without terminators, decoded as ISO-8859-1.

    Universal-newline text mode splits on LF, CRLF and a lone CR, exactly as Java's BufferedReader.readLine does,
    and a last line without terminator is still yielded. Latin-1 maps every byte to one char, so nothing is lost.
    """
    raw = gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")
    with io.TextIOWrapper(raw, encoding="latin-1", newline=None) as text:
        next(text, None)  # header
        for line in text:
            yield line[:-1] if line.endswith("\n") else line


def chunks(lines, size):
    """Groups an iterator of lines into lists of at most `size` lines (the unit sent to a worker)."""
    it = iter(lines)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


# --- transform (runs in the workers) -------------------------------------------------------------------------

def gc_tenths(gc):
    """The exact decimal value of gc, times 10, rounded half-even: the spec's fast path, exact fallback near .5."""
    scaled = gc * 10.0
    fraction = scaled - math.floor(scaled)
    if abs(fraction - 0.5) > 1e-6:
        return round(scaled)  # round() of a float is half-even on its exact value; away from .5 it cannot tie
    return int(Decimal(gc).quantize(ONE_TENTH, rounding=ROUND_HALF_EVEN).scaleb(1))


def one_decimal(tenths):
    """Formats tenths as -?I.F: always one decimal, never exponent notation, never -0.0."""
    sign = "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}"


def delay_class(delay):
    if delay < 0:
        return "early"
    if delay <= 15:
        return "on_time"
    if delay <= 60:
        return "late"
    return "severe"


def polyline(points):
    """Google encoded polyline (precision 1e5), JSON-escaped (only a backslash can need it)."""
    out, prev_lat, prev_lon = [], 0, 0
    for lat, lon in points:
        ilat, ilon = round(lat * 1e5), round(lon * 1e5)  # half-even on the double product, like Math.rint
        for v in (ilat - prev_lat, ilon - prev_lon):
            v = ~(v << 1) if v < 0 else v << 1
            while v >= 0x20:
                out.append(chr((0x20 | (v & 0x1F)) + 63))
                v >>= 5
            out.append(chr(v + 63))
        prev_lat, prev_lon = ilat, ilon
    return "".join(out).replace("\\", "\\\\")


def route_points(origin, destination, omega):
    """The 64 points of the great-circle route, slerp between the unit vectors, evaluated in the spec's order."""
    lat1, lon1, phi1, lam1 = origin
    lat2, lon2, phi2, lam2 = destination
    if omega == 0.0:
        return [(lat1, lon1)] * (ROUTE_POINTS - 1) + [(lat2, lon2)]
    x1, y1, z1 = math.cos(phi1) * math.cos(lam1), math.cos(phi1) * math.sin(lam1), math.sin(phi1)
    x2, y2, z2 = math.cos(phi2) * math.cos(lam2), math.cos(phi2) * math.sin(lam2), math.sin(phi2)
    so = math.sin(omega)
    points = [(lat1, lon1)]
    for i in range(1, ROUTE_POINTS - 1):
        t = i / 63.0
        a = math.sin((1.0 - t) * omega) / so
        b = math.sin(t * omega) / so
        x, y, z = a * x1 + b * x2, a * y1 + b * y2, a * z1 + b * z2
        points.append((math.atan2(z, math.sqrt(x * x + y * y)) * R2D, math.atan2(y, x) * R2D))
    points.append((lat2, lon2))
    return points


def transform_row(row):
    """Returns (json_line, None) for a good row or (None, reason) for a reject."""
    m = ROW.fullmatch(row)
    if m is None:
        return None, "malformed"
    date, delay, distance, origin, dest = m.groups()
    a, b = _airports.get(origin), _airports.get(dest)
    if a is None or b is None:
        return None, ("unknown_both" if a is None and b is None
                      else "unknown_origin" if a is None else "unknown_destination")
    delay, distance = int(delay), int(distance)
    phi1, lam1, phi2, lam2 = a[2], a[3], b[2], b[3]
    s1 = math.sin((phi2 - phi1) / 2.0)
    s2 = math.sin((lam2 - lam1) / 2.0)
    h = s1 * s1 + ((math.cos(phi1) * math.cos(phi2)) * s2) * s2
    if h > 1.0:
        h = 1.0
    omega = 2.0 * math.asin(math.sqrt(h))
    gc_t = gc_tenths(R * omega)
    line = (f'{{"date":"{date}","origin":"{origin}","destination":"{dest}","delay":{delay},'
            f'"delay_class":"{delay_class(delay)}","distance":{distance},"gc_distance":{one_decimal(gc_t)},'
            f'"distance_error":{one_decimal(distance * 10 - gc_t)}')
    if _with_route:
        line += f',"route":"{polyline(route_points(a, b, omega))}"'
    return line + "}", None


def transform_chunk(lines):
    """Worker entry point: one chunk of lines in, (output bytes, reject bytes) out, both in input order."""
    out, rejects = [], []
    for row in lines:
        line, reason = transform_row(row)
        if line is not None:
            out.append(line)
        else:
            rejects.append(f"{reason}\t{row}")
    out_bytes = ("\n".join(out) + "\n").encode("ascii") if out else b""
    rej_bytes = ("\n".join(rejects) + "\n").encode("latin-1") if rejects else b""
    return out_bytes, rej_bytes, len(out), len(rejects)


# --- load ----------------------------------------------------------------------------------------------------

def run(variant, input_path, output_path, rejects_path, workers, chunk_lines, airports_path):
    """Runs the pipeline; returns (records out, rejects)."""
    records = rejected = 0
    with open(output_path, "wb") as out, open(rejects_path, "wb") as rej, \
            multiprocessing.Pool(workers, initializer=init_worker,
                                 initargs=(airports_path, variant == "route")) as pool:
        for out_bytes, rej_bytes, n_out, n_rej in pool.imap(transform_chunk,
                                                            chunks(read_lines(input_path), chunk_lines)):
            out.write(out_bytes)
            rej.write(rej_bytes)
            records += n_out
            rejected += n_rej
    return records, rejected


def parse_args(argv):
    p = argparse.ArgumentParser(description="flights jobs on a multiprocessing.Pool (extract -> map -> load)")
    p.add_argument("--variant", choices=["enrich", "route"], required=True)
    p.add_argument("--input", required=True, help=".csv or .csv.gz, first line is the header")
    p.add_argument("--output", required=True)
    p.add_argument("--rejects", required=True)
    p.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    p.add_argument("--chunk-lines", type=int, default=2000, help="lines per task sent to a worker")
    p.add_argument("--airports", default=str(DEFAULT_AIRPORTS))
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.workers < 1 or args.chunk_lines < 1:
        sys.exit(f"--workers and --chunk-lines must be >= 1, were {args.workers} and {args.chunk_lines}")
    start = time.perf_counter()
    records, rejected = run(args.variant, args.input, args.output, args.rejects, args.workers, args.chunk_lines,
                            args.airports)
    wall = time.perf_counter() - start
    print(f"python-pool {args.variant} on {args.workers} processes: records out {records} | rejected {rejected} "
          f"| {wall:.3f} s | {(records + rejected) / wall:.0f} records/s")


if __name__ == "__main__":
    main()
