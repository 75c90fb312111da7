#!/usr/bin/env python3
"""Independent reference implementation of the flights jobs (docs/jobs/flights.md), stdlib only.

Used to produce the expected outputs of the edge-case sample, so the Java transforms are checked against code
that shares nothing with them. Single process, slow, written for clarity.

Usage: flights_reference.py enrich|route INPUT.csv[.gz] OUT.jsonl REJECTS.tsv [AIRPORTS.csv]
"""
import csv
import gzip
import math
import re
import sys
from decimal import Decimal, ROUND_HALF_EVEN
from pathlib import Path

R = 3958.8
D2R = 0.017453292519943295
R2D = 57.29577951308232
ROW = re.compile(rb"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}),(-?[0-9]{1,6}),([0-9]{1,6}),([^,]*),([^,]*)")
DEFAULT_AIRPORTS = Path(__file__).resolve().parent.parent / "flights/src/main/resources/dev/hybridetl/flights/airports.csv"


def load_airports(path):
    with open(path, newline="", encoding="latin-1") as f:
        return {r["iata"].encode("latin-1"): (float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(f)}


def read_lines(path):
    """Lines split as BufferedReader.readLine does: LF, CRLF or a lone CR."""
    data = gzip.open(path).read() if str(path).endswith(".gz") else Path(path).read_bytes()
    lines = re.split(rb"\r\n|\r|\n", data)
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def tenths(gc):
    return int(Decimal(gc).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN).scaleb(1))


def one_decimal(t):
    sign = "-" if t < 0 else ""
    return f"{sign}{abs(t) // 10}.{abs(t) % 10}"


def polyline(points):
    out, prev_lat, prev_lon = [], 0, 0
    for lat, lon in points:
        ilat, ilon = round(lat * 1e5), round(lon * 1e5)  # Python's round() is half-even, like Math.rint
        for v in (ilat - prev_lat, ilon - prev_lon):
            v = ~(v << 1) if v < 0 else v << 1
            while v >= 0x20:
                out.append(chr((0x20 | (v & 0x1F)) + 63))
                v >>= 5
            out.append(chr(v + 63))
        prev_lat, prev_lon = ilat, ilon
    return "".join(out).replace("\\", "\\\\")


def route(lat1, lon1, lat2, lon2, phi1, lam1, phi2, lam2, omega):
    if omega == 0.0:
        return polyline([(lat1, lon1)] * 63 + [(lat2, lon2)])
    x1, y1, z1 = math.cos(phi1) * math.cos(lam1), math.cos(phi1) * math.sin(lam1), math.sin(phi1)
    x2, y2, z2 = math.cos(phi2) * math.cos(lam2), math.cos(phi2) * math.sin(lam2), math.sin(phi2)
    so = math.sin(omega)
    points = [(lat1, lon1)]
    for i in range(1, 63):
        t = i / 63.0
        a, b = math.sin((1.0 - t) * omega) / so, math.sin(t * omega) / so
        x, y, z = a * x1 + b * x2, a * y1 + b * y2, a * z1 + b * z2
        points.append((math.atan2(z, math.sqrt(x * x + y * y)) * R2D, math.atan2(y, x) * R2D))
    points.append((lat2, lon2))
    return polyline(points)


def transform(row, airports, with_route):
    """Returns (json_line, None) or (None, reason)."""
    m = ROW.fullmatch(row)
    if not m:
        return None, "malformed"
    date, delay, distance, origin, dest = m.groups()
    if origin not in airports and dest not in airports:
        return None, "unknown_both"
    if origin not in airports:
        return None, "unknown_origin"
    if dest not in airports:
        return None, "unknown_destination"
    delay, distance = int(delay), int(distance)
    (lat1, lon1), (lat2, lon2) = airports[origin], airports[dest]
    phi1, lam1, phi2, lam2 = lat1 * D2R, lon1 * D2R, lat2 * D2R, lon2 * D2R
    s1, s2 = math.sin((phi2 - phi1) / 2.0), math.sin((lam2 - lam1) / 2.0)
    a = min(s1 * s1 + ((math.cos(phi1) * math.cos(phi2)) * s2) * s2, 1.0)
    omega = 2.0 * math.asin(math.sqrt(a))
    gc_t = tenths(R * omega)
    cls = "early" if delay < 0 else "on_time" if delay <= 15 else "late" if delay <= 60 else "severe"
    line = (f'{{"date":"{date.decode()}","origin":"{origin.decode("latin-1")}","destination":"{dest.decode("latin-1")}",'
            f'"delay":{delay},"delay_class":"{cls}","distance":{distance},"gc_distance":{one_decimal(gc_t)},'
            f'"distance_error":{one_decimal(distance * 10 - gc_t)}')
    if with_route:
        line += f',"route":"{route(lat1, lon1, lat2, lon2, phi1, lam1, phi2, lam2, omega)}"'
    return line + "}", None


def main(variant, src, out_path, rej_path, airports_path=DEFAULT_AIRPORTS):
    airports = load_airports(airports_path)
    with open(out_path, "wb") as out, open(rej_path, "wb") as rej:
        for row in read_lines(src)[1:]:
            line, reason = transform(row, airports, variant == "route")
            if line is not None:
                out.write(line.encode("ascii") + b"\n")
            else:
                rej.write(reason.encode() + b"\t" + row + b"\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
