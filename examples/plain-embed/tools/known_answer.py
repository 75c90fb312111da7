#!/usr/bin/env python3
"""The known answer of the sales-lines job, computed independently of the Java transform (standard library only).

Reads data/sales.csv and works out what the pipeline must write: the output's SHA-256 and record counts into
expected/known-answer.properties, and the whole rejects file into expected/rejects.tsv. The Java tests and
examples/run.sh compare the pipeline's files with these. Written from the job's description (examples/README.md),
not from the Java code, and kept plain on purpose: one row at a time, integers only.

Usage:
    known_answer.py            write expected/ from data/sales.csv
    known_answer.py --check    recompute and compare with the committed expected/ files (exit 1 if they differ)
"""
import datetime
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
HEADER = b"order_id,order_date,region,sku,quantity,unit_price"
# Tax rate of each region in basis points (1/100 of a percent): the transform's default "tax-rates".
TAX_BP = {b"EU": 2000, b"UK": 2000, b"US": 725, b"CA": 500, b"JP": 1000}


def digits(b):
    return len(b) > 0 and all(0x30 <= c <= 0x39 for c in b)


def date_ok(b):
    if len(b) != 10 or b[4:5] != b"-" or b[7:8] != b"-":
        return False
    y, m, d = b[0:4], b[5:7], b[8:10]
    if not (digits(y) and digits(m) and digits(d)) or not 2000 <= int(y) <= 2099:
        return False
    try:
        datetime.date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def price_cents(b):
    """Cents of '<1-6 digits>.<2 digits>', or None."""
    whole, dot, frac = b.partition(b".")
    if dot != b"." or not digits(whole) or len(whole) > 6 or not digits(frac) or len(frac) != 2:
        return None
    return int(whole) * 100 + int(frac)


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def transform(row):
    """(output line, None) or (None, reject reason); the first failing check decides the reason."""
    fields = row.split(b",")
    if (len(fields) != 6 or any(c < 0x20 or c > 0x7E or c in b'"\\' for c in row)
            or fields[0] == b"" or fields[3] == b""):
        return None, "malformed"
    order_id, date, region, sku, quantity, unit_price = fields
    if not date_ok(date):
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
    line = ('{"order_id":"%s","date":"%s","region":"%s","sku":"%s","quantity":%d,"unit_price":"%s",'
            '"net":"%s","tax":"%s","gross":"%s"}') % (order_id.decode(), date.decode(), region.decode(),
                                                     sku.decode(), qty, money(unit), money(net), money(tax),
                                                     money(net + tax))
    return line.encode("ascii"), None


def known_answer(csv_bytes):
    lines = csv_bytes.splitlines()            # bytes.splitlines splits on LF, CRLF and a lone CR only
    if not lines or lines[0] != HEADER:
        raise SystemExit("unexpected header")
    out, rejects = [], []
    for row in lines[1:]:
        line, reason = transform(row)
        if line is not None:
            out.append(line + b"\n")
        else:
            rejects.append(reason.encode() + b"\t" + row + b"\n")
    output = b"".join(out)
    rejects_file = b"".join(rejects)
    properties = ("# Known answer of data/sales.csv, written by tools/known_answer.py: do not edit by hand.\n"
                  f"records_in={len(lines) - 1}\n"
                  f"records_out={len(out)}\n"
                  f"records_rejected={len(rejects)}\n"
                  f"output_sha256={hashlib.sha256(output).hexdigest()}\n"
                  f"rejects_sha256={hashlib.sha256(rejects_file).hexdigest()}\n").encode()
    return properties, rejects_file


def main():
    properties, rejects = known_answer((HERE / "data" / "sales.csv").read_bytes())
    targets = {HERE / "expected" / "known-answer.properties": properties, HERE / "expected" / "rejects.tsv": rejects}
    if sys.argv[1:] == ["--check"]:
        stale = [str(p) for p, content in targets.items() if not p.exists() or p.read_bytes() != content]
        if stale:
            print("known answer differs from data/sales.csv: " + ", ".join(stale), file=sys.stderr)
            sys.exit(1)
        print("known answer matches data/sales.csv")
        return
    if sys.argv[1:]:
        raise SystemExit(__doc__)
    for path, content in targets.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
