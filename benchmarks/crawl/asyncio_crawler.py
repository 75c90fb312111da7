#!/usr/bin/env python3
"""The crawl benchmark's Python baseline: asyncio streams, a semaphore bounding requests in flight, and a pool of
keep-alive connections per host (what aiohttp's connector does), standard library only.

Usage: asyncio_crawler.py --urls FILE --concurrency N [--timeout 3]
Prints one JSON line: {"urls":..,"ok":..,"failed":..,"bytes":..,"seconds":..} (seconds: first request to last
answer, interpreter start-up excluded). HTTP/1.1 with Content-Length bodies only (what the benchmark server sends).
"""
import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit


class Pool:
    """Idle keep-alive connections per (host, port); a connection is used by one request at a time."""

    def __init__(self):
        self.idle = {}

    async def get(self, host, port):
        conns = self.idle.setdefault((host, port), [])
        while conns:
            reader, writer = conns.pop()
            if not writer.is_closing() and not reader.at_eof():
                return reader, writer
        return await asyncio.open_connection(host, port, limit=1 << 20)

    def put(self, host, port, conn):
        self.idle.setdefault((host, port), []).append(conn)


async def fetch(pool, url, timeout):
    """Bytes of the body of a 200 answer; raises for anything else."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    reader, writer = await asyncio.wait_for(pool.get(host, port), timeout)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: keep-alive\r\n\r\n".encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), timeout)
    except BaseException:
        writer.close()
        raise
    if headers.get("connection", "").lower() == "close":
        writer.close()
    else:
        pool.put(host, port, (reader, writer))
    if status != 200:
        raise IOError(f"status {status}")
    return len(body)


async def crawl(urls, concurrency, timeout):
    pool, gate = Pool(), asyncio.Semaphore(concurrency)
    counts = {"ok": 0, "failed": 0, "bytes": 0}

    async def one(url):
        async with gate:
            try:
                n = await fetch(pool, url, timeout)  # awaited first: `+= await` would read the count before
                counts["bytes"] += n
                counts["ok"] += 1
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
                counts["failed"] += 1

    # One task per URL: the semaphore, not the number of tasks, bounds what is in flight (as with aiohttp).
    await asyncio.gather(*(one(u) for u in urls))
    for conns in pool.idle.values():
        for _, writer in conns:
            writer.close()
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--urls", required=True)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--timeout", type=float, default=3.0)
    args = ap.parse_args()
    with open(args.urls) as f:
        urls = [line.strip() for line in f if line.strip()]
    start = time.perf_counter()
    counts = asyncio.run(crawl(urls, args.concurrency, args.timeout))
    print(json.dumps({"urls": len(urls), **counts, "seconds": round(time.perf_counter() - start, 3)}))


if __name__ == "__main__":
    main()
