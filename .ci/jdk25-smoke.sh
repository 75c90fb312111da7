#!/usr/bin/env bash
# The app jar, built for JDK 17, on Temurin 25 (where the project must keep working): the edge-case sample through
# flights-route on both placements, each output and rejects file compared with the expected ones byte for byte.
# Skipped, saying so, where that JDK is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
java25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [ ! -x "$java25" ]; then
  echo "jdk25-smoke: skipped ($java25 not installed)"
  exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$java25" -version 2>&1 | sed -n 1p
for placement in threads processes; do
  "$java25" -jar app/target/pipeline-app.jar run --input samples/flights-edge-cases.csv \
      --output "$out/$placement.jsonl" --rejects "$out/$placement.rejects.tsv" --transform flights-route \
      --placement "$placement" --workers 2 --batch-bytes 64 --no-progress > "$out/$placement.log" 2>&1 \
      || { cat "$out/$placement.log"; exit 1; }
  cmp "$out/$placement.jsonl" samples/flights-edge-cases.route.jsonl
  cmp "$out/$placement.rejects.tsv" samples/flights-edge-cases.rejects.tsv
  echo "jdk25-smoke: $placement matches the expected output"
done
