#!/usr/bin/env python3
"""Writes data/sales.csv: a few thousand made-up order lines, with some bad rows mixed in (standard library only).

Run once; the file it writes is committed, so the example never depends on this script producing the same bytes
again. The answer the example is checked against comes from known_answer.py, which reads the committed file.

Usage: generate_sales.py [OUTPUT.csv]        (default: ../data/sales.csv beside this script)
"""
import datetime
import random
import sys
from pathlib import Path

ROWS = 6000
HEADER = b"order_id,order_date,region,sku,quantity,unit_price"
REGIONS = [b"EU", b"UK", b"US", b"CA", b"JP"]

# Bad rows, each placed once at a random line; the reason known_answer.py gives each is noted beside it.
BAD_ROWS = [
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


def good_row(rng, n):
    day = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    region = rng.choice(REGIONS)
    sku = b"K-%d" % rng.randrange(1000, 1100)
    quantity = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 10, 12, 24, 100])
    cents = rng.choice([rng.randrange(50, 2000), rng.randrange(2000, 50000), rng.randrange(0, 100)])
    price = b"%d.%02d" % (cents // 100, cents % 100)
    if rng.random() < 0.01:
        price = b"0" + price                                  # leading zeros are valid and normalised away
    return b",".join([b"SO-%06d" % n, day.isoformat().encode(), region, sku, str(quantity).encode(), price])


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "data" / "sales.csv"
    rng = random.Random(20251123)
    rows = [good_row(rng, n) for n in range(1, ROWS - len(BAD_ROWS) + 1)]
    for bad in BAD_ROWS:
        rows.insert(rng.randrange(len(rows) + 1), bad)
    # Line terminators: LF, but one CRLF and one lone CR, which the file source also accepts.
    terminators = [b"\n"] * len(rows)
    terminators[rng.randrange(len(rows) - 1)] = b"\r\n"
    terminators[rng.randrange(len(rows) - 1)] = b"\r"
    body = b"".join(row + end for row, end in zip(rows, terminators))
    assert len(body.splitlines()) == len(rows), "a lone CR before the empty line made one CRLF of them; reseed"
    out.write_bytes(HEADER + b"\n" + body)
    print(f"wrote {out}: {len(rows)} rows after the header")


if __name__ == "__main__":
    main()
