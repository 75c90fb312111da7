#!/usr/bin/env bash
# Fetches the benchmarks' 3,000,000-row input through npm and writes benchmarks/data/flights-3m.csv.gz
# (git-ignored), the file benchmarks/e2e/harness.py and benchmarks/reproduce.sh read by default.
#
#   benchmarks/fetch-data.sh            # about 20 MB from npm, then ~30 s of conversion; a no-op if already done
#   benchmarks/fetch-data.sh --force    # fetch and convert again
#
# Source: data/flights-3m.parquet of the npm package vega-datasets (US DOT on-time data, Jan-Jun 2001), pinned
# below with the SHA-256 of the Parquet file. It is decoded by benchmarks/fetch-data/flights-to-csv.mjs with
# hyparquet and fzstd (pure JavaScript, versions locked in benchmarks/fetch-data/package-lock.json). The result is
# checked against the SHA-256 of the unpacked CSV stated in docs/jobs/flights.md; on a mismatch nothing is written.
# Needs Node.js 18 or newer with npm, gzip, tar and sha256sum.
set -euo pipefail

VEGA_DATASETS_VERSION=3.2.1
PARQUET_SHA256=dbeb920c90f59b6ccaff823dcc3d08f25a97fa1ce128d93f40be4e931f5900b0
CSV_SHA256=dd503470e15285557ed366cba30374795602bc877dc84cc8a570ac3cd8273cc2
CSV_LINES=3000001

bench="$(cd "$(dirname "$0")" && pwd)"
decoder="$bench/fetch-data"
out="$bench/data/flights-3m.csv.gz"

force=false
case "${1:-}" in
    --force) force=true ;;
    "") ;;
    *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

csv_sha256() { gzip -dc "$1" | sha256sum | cut -d' ' -f1; }

if [ -f "$out" ] && ! $force; then
    if [ "$(csv_sha256 "$out")" = "$CSV_SHA256" ]; then
        echo "$out is there and verified (unpacked SHA-256 $CSV_SHA256)"
        exit 0
    fi
    echo "$out does not match the known SHA-256; fetching it again" >&2
fi

for tool in node npm gzip tar sha256sum; do
    command -v "$tool" >/dev/null || { echo "fetch-data.sh needs $tool on the PATH" >&2; exit 1; }
done
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
    echo "fetch-data.sh needs Node.js 18 or newer (found $(node --version))" >&2
    exit 1
fi

tmp="$(mktemp -d)"
partial="$out.partial"
trap 'rm -rf "$tmp" "$partial"' EXIT

echo "fetching vega-datasets@$VEGA_DATASETS_VERSION"
(cd "$tmp" && npm pack "vega-datasets@$VEGA_DATASETS_VERSION" --silent >/dev/null)
tar -xzf "$tmp/vega-datasets-$VEGA_DATASETS_VERSION.tgz" -C "$tmp" package/data/flights-3m.parquet
parquet="$tmp/package/data/flights-3m.parquet"
actual="$(sha256sum "$parquet" | cut -d' ' -f1)"
if [ "$actual" != "$PARQUET_SHA256" ]; then
    echo "flights-3m.parquet of vega-datasets@$VEGA_DATASETS_VERSION has SHA-256 $actual, expected $PARQUET_SHA256" >&2
    exit 1
fi

echo "installing the decoder (benchmarks/fetch-data/package-lock.json)"
(cd "$decoder" && npm ci --ignore-scripts --no-audit --no-fund --silent)

echo "converting to $out"
mkdir -p "$(dirname "$out")"
node "$decoder/flights-to-csv.mjs" "$parquet" | gzip -9n > "$partial"
actual="$(csv_sha256 "$partial")"
lines="$(gzip -dc "$partial" | wc -l)"
if [ "$actual" != "$CSV_SHA256" ] || [ "$lines" -ne "$CSV_LINES" ]; then
    echo "the converted CSV has $lines lines and SHA-256 $actual; expected $CSV_LINES and $CSV_SHA256" >&2
    exit 1
fi
mv "$partial" "$out"
echo "wrote $out ($lines lines, unpacked SHA-256 $actual)"
