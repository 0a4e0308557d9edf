#!/usr/bin/env bash
# BuildTriage benchmark: generates large realistic inputs, then times the release build against xmllint --stream,
# junitparser and a Python json.load loop, with peak RSS. See Benchmarks/README.md.
#
#   Benchmarks/run.sh            full run (JUnit 1/10/50/100 MB, NUnit 2/3, TRX, xUnit.net, TestNG and Cucumber
#                                reports of 50,000 and 500,000 cases, 10,000 batch files, 25/50 MB logs, seed sample)
#   Benchmarks/run.sh --smoke    smallest sizes, each measurement once (CI); fails only on a crash / wrong output
#   Benchmarks/run.sh --logs     only the build-log comparison with rg and grep (50 and 200 MB, 1 GB for memory)
#
# Options: --data DIR (generated inputs, default bench-out/data), --runs N (hyperfine runs, default 5),
#          --no-build (use the existing .build/release/buildtriage), --bin PATH (time this binary instead;
#          CI's smoke run uses the debug binary `swift test` already built).
# The binary measured is the one the README says to install: `swift build -c release --static-swift-stdlib`
# (the Swift runtime linked in, so that it runs on a CI image without a Swift toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0 build=1 runs=5 data=bench-out/data binary=.build/release/buildtriage logs_only=0
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) smoke=1 ;;
        --logs) logs_only=1 ;;
        --no-build) build=0 ;;
        --bin) binary="$2"; build=0; shift ;;
        --runs) runs="$2"; shift ;;
        --data) data="$2"; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time is missing (apt-get install -y time)" >&2; exit 64; }
command -v xmllint >/dev/null || echo "run.sh: xmllint missing (apt-get install -y libxml2-utils): skipped" >&2
python3 -c 'import junitparser' 2>/dev/null || echo "run.sh: junitparser missing (pip install junitparser): skipped" >&2
# The log comparison runs ripgrep beside buildtriage: Debian's, installed when missing (as root, as CI runs).
if ! command -v rg >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null 2>&1 \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null; }
    else
        echo "run.sh: rg missing (apt-get install -y ripgrep)" >&2
        exit 64
    fi
fi
if [ "$smoke" = 0 ]; then
    command -v hyperfine >/dev/null || echo "run.sh: hyperfine missing (apt-get install -y hyperfine): one run per measurement" >&2
fi

if [ "$build" = 1 ]; then
    swift build -c release --static-swift-stdlib --product buildtriage >&2
fi
[ -x "$binary" ] || { echo "run.sh: $binary not built" >&2; exit 64; }

mkdir -p "$data" bench-out
if [ "$smoke" = 1 ]; then
    python3 Benchmarks/generate.py "$data" --junit-mb 1 --batches 200 --log-mb 1 --format-cases 5000
    python3 Benchmarks/logs.py --bin "$binary" --data "$data" --smoke
    exec python3 Benchmarks/bench.py --data "$data" --bin "$binary" --smoke --out bench-out/results-smoke.md
fi
if [ "$logs_only" = 1 ]; then
    exec python3 Benchmarks/logs.py --bin "$binary" --data "$data" --runs "${runs}"
fi
python3 Benchmarks/generate.py "$data" --format-cases 50000,500000
python3 Benchmarks/bench.py --data "$data" --bin "$binary" --runs "$runs" --out bench-out/results.md
exec python3 Benchmarks/logs.py --bin "$binary" --data "$data" --runs 3
