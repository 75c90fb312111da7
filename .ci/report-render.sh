#!/usr/bin/env bash
# The run report (--report) in a real headless browser: runs the app jar on the bundled 200k sample plus the
# edge-case rows (so that every chart has data: throughput, stage busy, workers, rejects by reason) on worker
# processes, renders the page with Debian's Chromium (installed if missing), and checks in the rendered DOM that
# every chart's SVG is there with its marks. Exits non-zero if anything fails.
# Usage: .ci/report-render.sh [SCREENSHOT.png]   (default: a temporary file; docs/images/report.png is made so)
set -euo pipefail
cd "$(dirname "$0")/.."
jar=app/target/pipeline-app.jar
[ -f "$jar" ] || { echo "report-render: $jar missing: build first (mvn -B -ntp -q package -DskipTests)"; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "report-render: installing chromium from Debian's packages"
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium fonts-dejavu-core > /dev/null
  browser=$(command -v chromium)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot=${1:-$work/report.png}
{ zcat samples/flights-200k.csv.gz; tail -n +2 samples/flights-edge-cases.csv; } > "$work/flights.csv"
jar=$(pwd)/$jar
(cd "$work" && java -jar "$jar" run --input flights.csv --output route.jsonl --transform flights-route \
    --placement processes --workers 2 --no-progress --report report.html > run.log 2>&1) \
    || { cat "$work/run.log"; exit 1; }
grep -q "report written to" "$work/run.log" || { cat "$work/run.log"; exit 1; }
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$work/profile")
"$browser" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/browser.log" \
    || { cat "$work/browser.log"; exit 1; }
"$browser" "${flags[@]}" --window-size=1200,1600 --run-all-compositor-stages-before-draw --virtual-time-budget=3000 --screenshot="$shot" "file://$work/report.html" \
    >> "$work/browser.log" 2>&1 || { cat "$work/browser.log"; exit 1; }
fail=0
expect() { # expect NAME PATTERN: the rendered DOM must contain PATTERN
  if grep -qE "$2" "$work/dom.html"; then echo "report-render: $1 rendered"; else echo "report-render: $1 MISSING"; fail=1; fi
}
expect "throughput chart" '<svg[^>]*id="throughput-chart"'
expect "throughput lines" '<polyline class="series"[^>]*points="[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+'
expect "stage busy chart" '<svg[^>]*id="busy-chart"'
expect "workers chart bars" 'id="workers-chart".*<rect class="bar"'
expect "rejects chart bars" 'id="rejects-chart".*<rect class="bar"'
expect "rejects by reason" 'flights-route: malformed'
records_in=$(sed -n 's/^  records   in \([0-9,]*\) .*/\1/p' "$work/run.log")
expect "records in ($records_in, as the summary says)" "id=\"records-in\" class=\"value\">$records_in<"
expect "outcome" 'id="outcome" class="badge succeeded"'
[ -s "$shot" ] || { echo "report-render: no screenshot at $shot"; fail=1; }
[ "$fail" -eq 0 ] && echo "report-render: ok, screenshot $shot"
exit "$fail"
