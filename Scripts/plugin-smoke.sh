#!/usr/bin/env bash
# Smoke test of the `swift package triage` command plugin, on Tests/Fixtures/TriagePluginFixture: a package that
# depends on BuildTriage by path and whose tests fail on purpose.
#
# The fixture builds into .build/plugin-smoke (never its own .build), so a second run is incremental. `swift
# package` reports any non-zero plugin exit as its own exit status 1 and prints "Plugin ended with exit code N":
# buildtriage's exit code is read from that line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fixture=Tests/Fixtures/TriagePluginFixture
# PLUGIN_SMOKE_SCRATCH=.build (what .ci/run sets) builds into the package's own build directory instead, so the
# dependencies and BuildTriage's modules already built by `swift test` are reused rather than built a second time.
scratch=${PLUGIN_SMOKE_SCRATCH:-$root/.build/plugin-smoke}
case "$scratch" in /*) ;; *) scratch=$root/$scratch ;; esac
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

fail() { echo "plugin-smoke: FAIL: $*" >&2; exit 1; }

# Runs `swift package … triage ARGS` on the fixture; stdout+stderr in $out/log, the plugin's exit code in $code.
triage() {
    local status=0
    swift package --package-path "$fixture" --scratch-path "$scratch" --disable-sandbox triage "$@" >"$out/log" 2>&1 || status=$?
    code=$(sed -n 's/.*Plugin ended with exit code \([0-9]*\).*/\1/p' "$out/log" | tail -n 1)
    code=${code:-$status}
    if [ "$status" -ne 0 ] && [ "$code" = 0 ]; then code=$status; fi
}

expect_code() {
    [ "$code" = "$1" ] || { cat "$out/log" >&2; fail "$2: buildtriage exit code $code, expected $1"; }
}

expect_text() {
    grep -qF -- "$1" "$out/log" || { cat "$out/log" >&2; fail "$2: the output does not mention '$1'"; }
}

start=$SECONDS

# 1. No path: the plugin runs the fixture's tests, triages both xUnit reports, and exits 1 (fix).
triage --run-tests
expect_code 1 "triage of the fixture's tests"
expect_text "FIX job" "triage of the fixture's tests"
expect_text "testSumFailsOnPurpose" "triage of the fixture's tests (XCTest)"
expect_text "sumOverflowsOnPurpose()" "triage of the fixture's tests (swift-testing)"
expect_text "tests: 4 total, 2 passed, 2 failed" "triage of the fixture's tests"
echo "plugin-smoke: ok   swift package triage (runs the tests)           exit $code"

# 2. --xunit: an existing report, with buildtriage options passed through.
triage --xunit "$scratch/plugins/Triage/outputs/test-results/xunit.xml" --format json --output "$out/report.json"
expect_code 1 "triage --xunit"
python3 - "$out/report.json" <<'EOF' || fail "triage --xunit --format json: unexpected report"
import json, sys
report = json.load(open(sys.argv[1]))
assert report["verdict"] == "fix", report["verdict"]
assert report["tests"]["failed"] == 1, report["tests"]
assert any("testSumFailsOnPurpose" in finding["message"] for finding in report["findings"])
EOF
echo "plugin-smoke: ok   swift package triage --xunit FILE --format json exit $code"

# 3. Paths: a bundled sample, whose exit code (2, retry) must come through unchanged.
triage "$root/Samples/timeout-first-retry/input"
expect_code 2 "triage of a sample"
expect_text "verdict: retry" "triage of a sample"
expect_text "aws codebuild retry-build" "triage of a sample"
echo "plugin-smoke: ok   swift package triage Samples/timeout-first-retry exit $code"

# 4. A clean report exits 0, and a usage error is refused before anything runs.
triage "$root/Samples/timeout-first-retry/input" --exit-zero
expect_code 0 "triage --exit-zero"
triage "$root/Samples/timeout-first-retry/input" --no-such-option
[ "$code" != 0 ] || fail "an unknown option was accepted"
expect_text "unknown option --no-such-option" "an unknown option"
echo "plugin-smoke: ok   --exit-zero and unknown options"

echo "plugin-smoke: all passed in $((SECONDS - start))s"
