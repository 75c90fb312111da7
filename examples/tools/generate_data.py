#!/usr/bin/env python3
"""Writes the examples' input files: made-up rows with some bad ones mixed in (standard library only).

    plain-embed/data/sales.csv              6,000 order lines, 25 bad
    spring-boot-service/data/sensors.csv    3,000 sensor readings, 16 bad

Run once; the files are committed, so the examples never depend on this script producing the same bytes again.
The answers the examples are checked against come from known_answer.py, which reads the committed files.

Usage: generate_data.py [sales|sensors ...]        (default: both)
"""
import datetime
import random
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent

SALES_HEADER = b"order_id,order_date,region,sku,quantity,unit_price"
SALES_REGIONS = [b"EU", b"UK", b"US", b"CA", b"JP"]
# Each placed once at a random line; the reason known_answer.py gives each is noted beside it.
SALES_BAD_ROWS = [
    b"SO-BAD-01,2025-03-04,EU,K-1001,2",                      # malformed: 5 fields
    b"SO-BAD-02,2025-03-04,EU,K-1001,2,9.99,extra",           # malformed: 7 fields
    b"",                                                      # malformed: an empty line
    b"SO-BAD-03,2025-03-04,EU,K-Z\xc3\xbcrich,1,4.50",        # malformed: non-ASCII bytes (UTF-8 u-umlaut)
    b'SO-"BAD"-04,2025-03-04,EU,K-1001,1,4.50',               # malformed: a quote
    b",2025-03-04,EU,K-1001,1,4.50",                          # malformed: empty order id
    b"SO-BAD-05,2025-03-04,EU,,1,4.50",                       # malformed: empty sku
    b"SO-BAD-06,2025-02-29,EU,K-1001,1,4.50",                 # bad_date: 2025 is not a leap year
    b"SO-BAD-07,2025-13-01,US,K-1001,1,4.50",                 # bad_date: month 13
    b"SO-BAD-08,25-03-04,US,K-1001,1,4.50",                   # bad_date: two-digit year
    b"SO-BAD-09,1999-12-31,US,K-1001,1,4.50",                 # bad_date: before 2000
    b"SO-BAD-10,2025/03/04,US,K-1001,1,4.50",                 # bad_date: slashes
    b"SO-BAD-11,2025-03-04,XX,K-1001,1,4.50",                 # unknown_region
    b"SO-BAD-12,2025-03-04,eu,K-1001,1,4.50",                 # unknown_region: codes are upper case
    b"SO-BAD-13,2025-03-04,CA,K-1001,0,4.50",                 # bad_quantity: zero
    b"SO-BAD-14,2025-03-04,CA,K-1001,-3,4.50",                # bad_quantity: a sign
    b"SO-BAD-15,2025-03-04,CA,K-1001,2.5,4.50",               # bad_quantity: not whole
    b"SO-BAD-16,2025-03-04,CA,K-1001, 3,4.50",                # bad_quantity: a space
    b"SO-BAD-17,2025-03-04,CA,K-1001,,4.50",                  # bad_quantity: empty
    b"SO-BAD-18,2025-03-04,JP,K-1001,1,4.5",                  # bad_price: one decimal
    b"SO-BAD-19,2025-03-04,JP,K-1001,1,12",                   # bad_price: no decimals
    b"SO-BAD-20,2025-03-04,JP,K-1001,1,1234567.00",           # bad_price: over 999999.99
    b"SO-BAD-21,2025-03-04,JP,K-1001,1,abc",                  # bad_price
    b"SO-BAD-22,2025-03-04,JP,K-1001,1,-4.50",                # bad_price: a sign
    b"SO-BAD-23,2025-02-30,XX,K-1001,0,abc",                  # bad_date: the first check that fails wins
]

SENSORS_HEADER = b"sensor_id,time,temperature_c,humidity_pct"
SENSORS_BAD_ROWS = [
    b"greenhouse-1,2025-06-01T10:00:00Z,21.5",                # malformed: 3 fields
    b"greenhouse-1,2025-06-01T10:00:00Z,21,5,40",             # malformed: a decimal comma
    b"greenhouse-1,2025-06-01T10:00:00Z,21.55,40",            # malformed: two decimals
    b"greenhouse-1,2025-06-01 10:00:00,21.5,40",              # malformed: not ISO-8601 with Z
    b"gew\xe4chshaus-1,2025-06-01T10:00:00Z,21.5,40",         # malformed: a Latin-1 byte in the id
    b"",                                                      # malformed: an empty line
    b"greenhouse-1,2025-06-01T10:00:00Z,21.5,40\t",           # malformed: a trailing tab
    b"greenhouse-1,2025-06-31T10:00:00Z,21.5,40",             # bad_time: June 31
    b"greenhouse-1,2025-06-01T24:00:00Z,21.5,40",             # bad_time: hour 24
    b"greenhouse-1,2025-06-01T10:00:60Z,21.5,40",             # bad_time: second 60
    b"greenhouse-1,1999-06-01T10:00:00Z,21.5,40",             # bad_time: before 2000
    b"greenhouse-1,2025-06-01T10:00:00Z,70.0,40",             # out_of_range: over 60.0 C
    b"greenhouse-1,2025-06-01T10:00:00Z,-50.1,40",            # out_of_range: under -50.0 C
    b"greenhouse-1,2025-06-01T10:00:00Z,21.5,101",            # out_of_range: humidity over 100
    b"greenhouse-1,2025-06-01T10:00:00Z,999.9,999",           # out_of_range
    b"greenhouse-1,2025-02-29T10:00:00Z,999.9,40",            # bad_time: the first check that fails wins
]


def with_bad_rows(rng, rows, bad_rows):
    for bad in bad_rows:
        rows.insert(rng.randrange(len(rows) + 1), bad)
    return rows


def sales_rows(rng):
    rows = []
    for n in range(1, 6000 - len(SALES_BAD_ROWS) + 1):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        region = rng.choice(SALES_REGIONS)
        sku = b"K-%d" % rng.randrange(1000, 1100)
        quantity = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 10, 12, 24, 100])
        cents = rng.choice([rng.randrange(50, 2000), rng.randrange(2000, 50000), rng.randrange(0, 100)])
        price = b"%d.%02d" % (cents // 100, cents % 100)
        if rng.random() < 0.01:
            price = b"0" + price                              # leading zeros are valid and normalised away
        rows.append(b",".join([b"SO-%06d" % n, day.isoformat().encode(), region, sku,
                               str(quantity).encode(), price]))
    return with_bad_rows(rng, rows, SALES_BAD_ROWS)


def sensors_rows(rng):
    sensors = [b"greenhouse-%d" % i for i in range(1, 5)] + [b"freezer-%d" % i for i in range(1, 3)] \
        + [b"attic-1", b"cellar-1"]
    # Tenths of a degree and whole percent, random walks from a start that suits each place.
    temperature = {s: (-180 if s.startswith(b"freezer") else 340 if s == b"attic-1" else 200) for s in sensors}
    humidity = {s: 60 for s in sensors}
    start = datetime.datetime(2025, 6, 1, 0, 0, 0)
    rows = []
    for n in range((3000 - len(SENSORS_BAD_ROWS)) // len(sensors) + 1):
        time = (start + datetime.timedelta(minutes=5 * n)).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        for s in sensors:
            temperature[s] = max(-400, min(500, temperature[s] + rng.randrange(-15, 16)))
            humidity[s] = max(0, min(100, humidity[s] + rng.randrange(-3, 4)))
            t = temperature[s]
            celsius = b"%s%d.%d" % (b"-" if t < 0 else b"", abs(t) // 10, abs(t) % 10)
            rows.append(b",".join([s, time, celsius, b"%d" % humidity[s]]))
    return with_bad_rows(rng, rows[:3000 - len(SENSORS_BAD_ROWS)], SENSORS_BAD_ROWS)


def write(path, header, rows, rng):
    # Line terminators: LF, but one CRLF and one lone CR, which the file source also accepts.
    terminators = [b"\n"] * len(rows)
    terminators[rng.randrange(len(rows) - 1)] = b"\r\n"
    terminators[rng.randrange(len(rows) - 1)] = b"\r"
    body = b"".join(row + end for row, end in zip(rows, terminators))
    assert len(body.splitlines()) == len(rows), "a lone CR before the empty line made one CRLF of them; reseed"
    path.write_bytes(header + b"\n" + body)
    print(f"wrote {path}: {len(rows)} rows after the header")


def main():
    jobs = sys.argv[1:] or ["sales", "sensors"]
    for job in jobs:
        if job == "sales":
            rng = random.Random(20251123)
            write(EXAMPLES / "plain-embed" / "data" / "sales.csv", SALES_HEADER, sales_rows(rng), rng)
        elif job == "sensors":
            rng = random.Random(20251124)
            (EXAMPLES / "spring-boot-service" / "data").mkdir(parents=True, exist_ok=True)
            write(EXAMPLES / "spring-boot-service" / "data" / "sensors.csv", SENSORS_HEADER, sensors_rows(rng), rng)
        else:
            raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
