#!/usr/bin/env bash
# One command that re-measures everything in docs/benchmarks.md on this machine and regenerates the page:
#   benchmarks/reproduce.sh            (about 20 minutes on 2 vCPUs)
# Reads benchmarks/data/flights-3m.csv.gz, which benchmarks/fetch-data.sh fetches (run first if it is missing).
# Extra arguments go to every harness run, e.g. --workers-list 1,2,4,8,16 on a bigger machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f benchmarks/data/flights-3m.csv.gz ]; then
    echo "benchmarks/data/flights-3m.csv.gz is missing: run benchmarks/fetch-data.sh first" >&2
    exit 1
fi
tag="$(hostname -s 2>/dev/null || echo host)-$(nproc)cpu-$(date +%F)"
results=benchmarks/results
harness="python3 benchmarks/e2e/harness.py run"

mvn -B -q -ntp package -DskipTests
# Java configurations in one session, alternating; then the Python baselines (route only at 200k: ~26k rec/s).
$harness --variants enrich,route --rows 200000,all --runs 3 --configs 'threads-*,processes-*,plain-loop' \
    --out "$results/$tag-java.json" "$@"
$harness --variants enrich --rows 200000,all --runs 3 --configs 'python-pool-*' --out "$results/$tag-python-enrich.json" "$@"
$harness --variants route --rows 200000 --runs 3 --configs 'python-pool-*' --out "$results/$tag-python-route.json" "$@"
# The pipeline JVM with a heap limit: RSS of the pipeline process.
$harness --variants enrich,route --rows all --runs 1 --configs 'threads-2,processes-2' --jvm-opt=-Xmx128m \
    --out "$results/$tag-xmx128m.json" "$@"
# JMH: everything but virtual threads on this JVM; thread hand-offs again on a JDK with virtual threads, if present.
java -jar benchmarks/target/benchmarks.jar -f 1 -wi 2 -w 1s -i 3 -r 1s -e VirtualThreadHandoff \
    -rf json -rff "$results/jmh-$tag.json"
for jdk in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*21*; do
    if [ -x "$jdk/bin/java" ]; then
        "$jdk/bin/java" -jar benchmarks/target/benchmarks.jar ThreadHandoff -f 1 -wi 2 -w 1s -i 3 -r 1s \
            -rf json -rff "$results/jmh-$tag-$(basename "$jdk")-threads.json"
        break
    fi
done
python3 benchmarks/e2e/harness.py report
