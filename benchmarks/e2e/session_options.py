"""Options and set-up shared by the session scripts (placement.py, crawl_bench.py, stream_bench.py)."""
import shutil
import sys
from pathlib import Path

from harness import REPO

APP_JAR = REPO / "app/target/pipeline-app.jar"
BENCH_JAR = REPO / "benchmarks/target/benchmarks.jar"


def add_common(parser, bench_jar=True):
    """--jar, --bench-jar, --java, --note, --out and --no-save."""
    parser.add_argument("--jar", default=str(APP_JAR), help="the app jar (copied aside for the session)")
    if bench_jar:
        parser.add_argument("--bench-jar", default=str(BENCH_JAR), help="the benchmarks jar (copied aside too)")
    parser.add_argument("--java", default=shutil.which("java") or "java")
    parser.add_argument("--note", default="", help="machine conditions, printed with the tables")
    parser.add_argument("--out", default=None, help="results JSON (default: under benchmarks/results/)")
    parser.add_argument("--no-save", action="store_true", help="write no results file")


def require(*jars):
    for jar in jars:
        if not Path(jar).exists():
            sys.exit(f"{jar} not found: build with mvn -q -pl app,benchmarks -am package -DskipTests")


def copy_aside(jar, work_dir):
    """A copy in the session's directory: a rebuild during a session must not change what is measured."""
    return Path(shutil.copy2(jar, Path(work_dir) / Path(jar).name))
