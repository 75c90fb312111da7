#!/usr/bin/env python3
"""The examples' known answers, computed independently of their Java transforms (standard library only).

For each job it reads the committed input and works out what the pipeline must write: the output's SHA-256 and
the record counts into <example>/expected/known-answer.properties, and the whole rejects file into
<example>/expected/rejects.tsv. The Java tests and examples/run.sh compare the pipeline's files with these.
Written from the jobs' descriptions in examples/README.md, not from the Java code, and kept plain on purpose: one
row at a time, integers only.

    sales     plain-embed/data/sales.csv              (transform sales-lines)
    sensors   spring-boot-service/data/sensors.csv    (transform sensor-readings)

Usage:
    known_answer.py [sales|sensors ...]            write expected/ (default: both jobs)
    known_answer.py --check [sales|sensors ...]    recompute and compare with the committed files; exit 1 if not equal
"""
import datetime
import hashlib
import re
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent


# --- sales-lines ---------------------------------------------------------------------------------------------------

SALES_HEADER = b"order_id,order_date,region,sku,quantity,unit_price"
# Tax rate of each region in basis points (1/100 of a percent): the transform's default "tax-rates".
TAX_BP = {b"EU": 2000, b"UK": 2000, b"US": 725, b"CA": 500, b"JP": 1000}


def digits(b):
    return len(b) > 0 and all(0x30 <= c <= 0x39 for c in b)


def real_date(y, m, d):
    try:
        datetime.date(y, m, d)
    except ValueError:
        return False
    return 2000 <= y <= 2099


def sales_date_ok(b):
    if len(b) != 10 or b[4:5] != b"-" or b[7:8] != b"-":
        return False
    y, m, d = b[0:4], b[5:7], b[8:10]
    return digits(y) and digits(m) and digits(d) and real_date(int(y), int(m), int(d))


def price_cents(b):
    """Cents of '<1-6 digits>.<2 digits>', or None."""
    whole, dot, frac = b.partition(b".")
    if dot != b"." or not digits(whole) or len(whole) > 6 or not digits(frac) or len(frac) != 2:
        return None
    return int(whole) * 100 + int(frac)


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def sales_line(row):
    """(output line, None) or (None, reject reason); the first failing check decides the reason."""
    fields = row.split(b",")
    if (len(fields) != 6 or any(c < 0x20 or c > 0x7E or c in b'"\\' for c in row)
            or fields[0] == b"" or fields[3] == b""):
        return None, "malformed"
    order_id, date, region, sku, quantity, unit_price = fields
    if not sales_date_ok(date):
        return None, "bad_date"
    if region not in TAX_BP:
        return None, "unknown_region"
    if not digits(quantity) or len(quantity) > 6 or int(quantity) < 1:
        return None, "bad_quantity"
    unit = price_cents(unit_price)
    if unit is None:
        return None, "bad_price"
    qty = int(quantity)
    net = qty * unit
    tax = (net * TAX_BP[region] + 5000) // 10000        # half up: every amount is positive
    return ('{"order_id":"%s","date":"%s","region":"%s","sku":"%s","quantity":%d,"unit_price":"%s",'
            '"net":"%s","tax":"%s","gross":"%s"}') % (order_id.decode(), date.decode(), region.decode(),
                                                     sku.decode(), qty, money(unit), money(net), money(tax),
                                                     money(net + tax)), None


# --- sensor-readings -----------------------------------------------------------------------------------------------

SENSORS_HEADER = b"sensor_id,time,temperature_c,humidity_pct"
READING = re.compile(rb"([A-Za-z0-9-]{1,32}),"
                     rb"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z,"
                     rb"(-?)([0-9]{1,3})\.([0-9]),"
                     rb"([0-9]{1,3})")


def tenths(t):
    return "%s%d.%d" % ("-" if t < 0 else "", abs(t) // 10, abs(t) % 10)


def sensor_line(row):
    m = READING.fullmatch(row)
    if m is None:
        return None, "malformed"
    sensor, y, mo, d, h, mi, s, sign, whole, frac, humidity = m.groups()
    if not real_date(int(y), int(mo), int(d)) or int(h) > 23 or int(mi) > 59 or int(s) > 59:
        return None, "bad_time"
    t = (-1 if sign else 1) * (int(whole) * 10 + int(frac))    # tenths of a degree Celsius
    hum = int(humidity)
    if not -500 <= t <= 600 or hum > 100:
        return None, "out_of_range"
    fahrenheit = (t * 18 + 5) // 10 + 320                     # tenths, rounded half up (towards +infinity)
    status = "freezing" if t < 0 else "hot" if t > 300 else "humid" if hum > 85 else "ok"
    time = b"%s-%s-%sT%s:%s:%sZ" % (y, mo, d, h, mi, s)
    return '{"sensor":"%s","time":"%s","celsius":%s,"fahrenheit":%s,"humidity":%d,"status":"%s"}' % (
        sensor.decode(), time.decode(), tenths(t), tenths(fahrenheit), hum, status), None


# --- both ----------------------------------------------------------------------------------------------------------

JOBS = {
    "sales": ("plain-embed", "sales.csv", SALES_HEADER, sales_line),
    "sensors": ("spring-boot-service", "sensors.csv", SENSORS_HEADER, sensor_line),
}


def known_answer(csv_name, csv_bytes, header, transform):
    """(known-answer.properties, rejects.tsv) of one input, as the pipeline writes its files."""
    lines = csv_bytes.splitlines()            # bytes.splitlines splits on LF, CRLF and a lone CR only
    if not lines or lines[0] != header:
        raise SystemExit(f"{csv_name}: unexpected header")
    out, rejects = [], []
    for row in lines[1:]:
        line, reason = transform(row)
        if line is not None:
            out.append(line.encode("ascii") + b"\n")
        else:
            rejects.append(reason.encode() + b"\t" + row + b"\n")
    output = b"".join(out)
    rejects_file = b"".join(rejects)
    properties = (f"# Known answer of data/{csv_name}, written by examples/tools/known_answer.py: do not edit.\n"
                  f"records_in={len(lines) - 1}\n"
                  f"records_out={len(out)}\n"
                  f"records_rejected={len(rejects)}\n"
                  f"output_sha256={hashlib.sha256(output).hexdigest()}\n"
                  f"rejects_sha256={hashlib.sha256(rejects_file).hexdigest()}\n").encode()
    return properties, rejects_file


def main():
    args = sys.argv[1:]
    check = "--check" in args
    jobs = [a for a in args if a != "--check"] or list(JOBS)
    if any(job not in JOBS for job in jobs):
        raise SystemExit(__doc__)
    stale = []
    for job in jobs:
        example, csv_name, header, transform = JOBS[job]
        root = EXAMPLES / example
        properties, rejects = known_answer(csv_name, (root / "data" / csv_name).read_bytes(), header, transform)
        for path, content in {root / "expected" / "known-answer.properties": properties,
                              root / "expected" / "rejects.tsv": rejects}.items():
            if check:
                if not path.exists() or path.read_bytes() != content:
                    stale.append(str(path.relative_to(EXAMPLES)))
            else:
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(content)
                print(f"wrote {path.relative_to(EXAMPLES)}")
    if check:
        if stale:
            print("known answers differ from the committed data: " + ", ".join(stale), file=sys.stderr)
            sys.exit(1)
        print("known answers match the committed data: " + ", ".join(jobs))


if __name__ == "__main__":
    main()
