#!/usr/bin/env bash
# Builds and runs the examples as a user would: standalone Maven projects against the INSTALLED hybrid-etl
# artifacts (run `mvn -B -ntp -q install -DskipTests` in the repository root first), each checked against the
# known answer that tools/known_answer.py computed independently. Exits non-zero at the first difference.
#
#   plain-embed           mvn verify (its tests: threads and processes), then its Main with `java -cp`, both placements
#   spring-boot-service   mvn package (the executable jar), then `java -jar` on worker processes
#
# MAVEN_REPO_LOCAL, if set, is passed to Maven as -Dmaven.repo.local (the repository the artifacts were installed in).
set -euo pipefail
cd "$(dirname "$0")"

mvn=(mvn -B -ntp)
if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then
    mvn+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/hybrid-etl-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The JVM flags a pipeline with worker processes needs (docs/operations.md), for the `java -cp` runs.
jvm_flags=(@plain-embed/jvm.options)
java_feature=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if (( ${java_feature%%.*} >= 22 )); then
    jvm_flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
fi

# known OUTPUT REJECTS EXPECTED_DIR: the output's SHA-256 and the rejects file against the committed known answer.
known() {
    local sha want
    sha=$(sha256sum "$1" | cut -d' ' -f1)
    want=$(sed -n 's/^output_sha256=//p' "$3/known-answer.properties")
    if [[ "$sha" != "$want" ]]; then
        echo "FAILED: $1 has SHA-256 $sha, the known answer is $want ($3/known-answer.properties)" >&2
        exit 1
    fi
    if ! cmp "$2" "$3/rejects.tsv"; then
        echo "FAILED: $2 differs from $3/rejects.tsv" >&2
        diff "$3/rejects.tsv" "$2" | head -20 >&2 || true
        exit 1
    fi
    echo "known answer matched: $1 ($sha), $(wc -l < "$2") rejects as expected"
}

# run NAME COMMAND...: runs a job with a time limit; a failure or a time-out fails the script with a message.
run() {
    local name=$1 status=0
    shift
    timeout 180 "$@" || status=$?
    if (( status != 0 )); then
        echo "FAILED: $name exited with status $status$( (( status == 124 )) && echo ' (timed out after 180 s)')" >&2
        exit 1
    fi
}

python3 tools/known_answer.py --check

echo "== plain-embed: mvn verify"
"${mvn[@]}" -f plain-embed/pom.xml verify
classpath="plain-embed/target/plain-embed.jar:$(cat plain-embed/target/classpath.txt)"
for placement in threads processes; do
    echo "== plain-embed: java -cp ... com.example.sales.Main --placement $placement"
    run "plain-embed on $placement" java "${jvm_flags[@]}" -cp "$classpath" com.example.sales.Main \
        --input plain-embed/data/sales.csv --output-dir "$work/sales-$placement" --placement "$placement"
    known "$work/sales-$placement/sales.jsonl" "$work/sales-$placement/rejects.tsv" plain-embed/expected
done
cmp "$work/sales-threads/sales.jsonl" "$work/sales-processes/sales.jsonl"

echo "== spring-boot-service: mvn package"
"${mvn[@]}" -f spring-boot-service/pom.xml package
echo "== spring-boot-service: java -jar target/spring-boot-service.jar --placement=processes"
run "spring-boot-service" java -jar spring-boot-service/target/spring-boot-service.jar \
    --input=spring-boot-service/data/sensors.csv --output-dir="$work/sensors" --placement=processes --workers=2
known "$work/sensors/readings.jsonl" "$work/sensors/rejects.tsv" spring-boot-service/expected

echo "examples: every known answer matched"
