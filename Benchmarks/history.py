#!/usr/bin/env python3
"""History benchmark: record vs analyze of a 500,000-case JUnit run; flaky over 1,000 runs x 5,000 tests;
analyze --history on a 5,000-test run against that store.

Every store is built through `buildtriage record`, as a user builds it. Prints a Markdown table. Targets are
printed ok/MISS and never fail the run (timings depend on the machine); the script fails only when a command
exits with an unexpected code or its output is wrong.

    Benchmarks/history.py --bin .build/release/buildtriage            # full: ~5 min the first time on 2 cores
    Benchmarks/history.py --bin .build/debug/buildtriage --smoke      # seconds: 40 runs x 300 tests, no 500k run
    Benchmarks/history.py --postgres URL --pg-runs 2000               # also PostgreSQL: 2,000 runs x 5,000 tests

With --postgres, URL names a database of its own (it is filled the first time: a SQLite store of --pg-runs runs
is built, then copied there with `buildtriage history copy`), e.g. one made on the test server with
`Scripts/postgres-test-server.sh sql 'CREATE DATABASE bench'` and the server's URL with /bench for its path.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, expect=(0,), env=None):
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in expect:
        sys.exit(f"history bench: {' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[:500]}")
    return elapsed, done.stdout


def best(argv, repeat, expect=(0,), before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        times.append(run(argv, expect)[0])
    return min(times)


def junit(path, tests, outcomes):
    """A Surefire-style report: outcomes[i] is 'p', 'f' (failure), 'r' (flakyFailure then pass) or 's'."""
    with open(path, "w") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="bench" tests="%d">\n' % len(tests))
        for (classname, name), outcome in zip(tests, outcomes):
            if outcome == "p":
                out.write(f'<testcase classname="{classname}" name="{name}" time="0.01"/>\n')
            elif outcome == "f":
                out.write(f'<testcase classname="{classname}" name="{name}"><failure message="expected 200 but was 503" type="AssertionError">at {classname}.{name}</failure></testcase>\n')
            elif outcome == "r":
                out.write(f'<testcase classname="{classname}" name="{name}"><flakyFailure message="socket timeout" type="IOException"/></testcase>\n')
            else:
                out.write(f'<testcase classname="{classname}" name="{name}"><skipped/></testcase>\n')
        out.write("</testsuite>\n</testsuites>\n")


def build_history(binary, store, data, runs, test_count, seed=11):
    """runs x test_count outcomes: 2 % of the tests flaky (1-20 %), one broken since the last 5 % of commits;
    a failed run is retried on the same commit half of the time."""
    rnd = random.Random(seed)
    tests = [(f"com.bench.pkg{i % 40}.Class{i // 40}", f"test{i}") for i in range(test_count)]
    flaky = {i: rnd.uniform(0.01, 0.2) for i in rnd.sample(range(test_count), max(1, test_count // 50))}
    broken = test_count - 1
    report = os.path.join(data, "history-run.xml")
    commit, retry, broken_from = 0, False, None
    for number in range(runs):
        if not retry:
            commit += 1
            # A break comes with a commit: the broken test fails from the first run of a commit on.
            if broken_from is None and number >= runs * 0.95:
                broken_from = commit
        outcomes = []
        for i in range(test_count):
            if i == broken and broken_from is not None:
                outcomes.append("f")
            elif i in flaky and rnd.random() < flaky[i]:
                outcomes.append("r" if rnd.random() < 0.3 else "f")
            else:
                outcomes.append("s" if i % 97 == 0 else "p")
        junit(report, tests, outcomes)
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_790_000_000 + number * 1800))
        run([binary, "record", report, "--run-id", f"run-{number}", "--commit", f"{commit:040x}", "--branch", "main", "--at", at, "--history", store])
        retry = "f" in outcomes and not retry and rnd.random() < 0.5
    return tests, flaky


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin", default=".build/release/buildtriage")
    parser.add_argument("--data", default=os.path.join(HERE, "..", "bench-out", "history"))
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--tests", type=int, default=5000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a database of its own) to measure too")
    parser.add_argument("--pg-runs", type=int, default=2000)
    parser.add_argument("--only-postgres", action="store_true", help="skip the SQLite measurements")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    data = os.path.abspath(args.data)
    os.makedirs(data, exist_ok=True)
    runs, test_count, repeat = (40, 300, 1) if args.smoke else (args.runs, args.tests, 3)
    rows = []

    if args.postgres:
        rows += postgres_rows(binary, data, args.postgres, args.pg_runs, test_count, repeat)
    if args.only_postgres:
        print_rows(rows)
        return

    if not args.smoke:
        # 1. record vs analyze of a 500,000-case run (the 100 MB report of generate.py: 543,380 testcases).
        big = os.path.join(data, "junit-100mb.xml")
        if not os.path.exists(big):
            run([sys.executable, os.path.join(HERE, "generate.py"), data, "--junit-mb", "100", "--batches", "0", "--log-mb", ""])
        big_store = os.path.join(data, "big.sqlite")

        def fresh():
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(big_store + suffix):
                    os.remove(big_store + suffix)

        analyze = best([binary, "analyze", big, "--format", "json", "--output", "/dev/null"], repeat, expect=(0, 1, 2))
        record = best([binary, "record", big, "--run-id", "big", "--history", big_store], repeat, before=fresh)
        _, stats = run([binary, "history", "stats", "--format", "json", "--history", big_store])
        outcomes = json.loads(stats)["outcomes"]
        rows.append((f"record of a {outcomes:,}-case run − analyze of it", f"{record - analyze:+.2f} s ({record:.2f} s vs {analyze:.2f} s)", "≤ +1 s", record - analyze <= 1))

    # 2. flaky over runs x tests.
    store = sqlite_store(binary, data, runs, test_count)
    _, stats = run([binary, "history", "stats", "--format", "json", "--history", store])
    stats = json.loads(stats)
    if stats["runs"] != runs:
        sys.exit(f"history bench: {stats['runs']} runs recorded, expected {runs}")
    flaky_time = best([binary, "flaky", "--format", "json", "--history", store], repeat)
    _, report = run([binary, "flaky", "--format", "json", "--history", store])
    report = json.loads(report)
    if report["runs"] != runs or not report["tests"]:
        sys.exit("history bench: flaky found no flaky test")
    if not report["broken"]:
        print("history bench: no broken test (a store built before the generator made the break start with a commit)", file=sys.stderr)
    rows.append((f"flaky over {runs:,} runs × {test_count:,} tests ({stats['outcomes']:,} outcomes; {len(report['tests'])} flaky)", f"{flaky_time:.2f} s", "≤ 1 s", flaky_time <= 1))
    html = best([binary, "flaky", "--format", "html", "--history", store, "--output", "/dev/null"], repeat)
    rows.append(("flaky --format html, same store", f"{html:.2f} s", "", None))
    rows.append(("bytes per outcome (file size ÷ outcomes)", f"{stats['bytes'] / stats['outcomes']:.1f}", "≤ 25", stats["bytes"] / stats["outcomes"] <= 25))

    # 3. analyze --history on a test_count run with a few failures, some of them known flaky.
    tests = [(f"com.bench.pkg{i % 40}.Class{i // 40}", f"test{i}") for i in range(test_count)]
    current = os.path.join(data, "current.xml")
    failing = set(range(0, test_count, max(1, test_count // 10)))
    junit(current, tests, ["f" if i in failing else "p" for i in range(test_count)])
    without = best([binary, "analyze", current, "--format", "json", "--output", "/dev/null"], repeat * 2, expect=(1, 2))
    with_history = best([binary, "analyze", current, "--format", "json", "--output", "/dev/null", "--history", store], repeat * 2, expect=(1, 2))
    rows.append((f"analyze --history of a {test_count:,}-test run − without", f"{with_history - without:+.3f} s ({with_history:.3f} s vs {without:.3f} s)", "≤ +0.3 s", with_history - without <= 0.3))

    print_rows(rows)


def print_rows(rows):
    print("| measurement | result | target | |")
    print("|---|---:|---|---|")
    for name, result, target, ok in rows:
        print(f"| {name} | {result} | {target} | {'' if ok is None else ('ok' if ok else 'MISS')} |")


def sqlite_store(binary, data, runs, test_count):
    """The SQLite store of runs x test_count, built through `record` the first time."""
    store = os.path.join(data, f"history-{runs}x{test_count}.sqlite")
    if not os.path.exists(store):
        started = time.perf_counter()
        build_history(binary, store + ".tmp", data, runs, test_count)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(store + ".tmp" + suffix):
                os.remove(store + ".tmp" + suffix)
        os.rename(store + ".tmp", store)
        print(f"built {runs} runs x {test_count} tests in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return store


def postgres_rows(binary, data, url, runs, test_count, repeat):
    """flaky over runs x test_count on PostgreSQL, and record of a test_count run there."""
    rows = []
    _, stats = run([binary, "history", "stats", "--format", "json", "--history", url], expect=(0,))
    stats = json.loads(stats) if stats.strip() else {"runs": 0}
    if stats["runs"] == 0:
        source = sqlite_store(binary, data, runs, test_count)
        started = time.perf_counter()
        run([binary, "history", "copy", "--from", source, "--to", url])
        print(f"copied {runs} runs to PostgreSQL in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        _, stats = run([binary, "history", "stats", "--format", "json", "--history", url])
        stats = json.loads(stats)
    if stats["runs"] < runs:
        sys.exit(f"history bench: {stats['runs']} runs in the PostgreSQL store, expected {runs}")
    flaky_time = best([binary, "flaky", "--format", "json", "--history", url], repeat)
    _, report = run([binary, "flaky", "--format", "json", "--history", url])
    report = json.loads(report)
    if not report["tests"]:
        sys.exit("history bench: flaky found no flaky test on PostgreSQL")
    rows.append((f"PostgreSQL: flaky over {stats['runs']:,} runs × {test_count:,} tests ({stats['outcomes']:,} outcomes; {len(report['tests'])} flaky)",
                 f"{flaky_time:.2f} s", "≤ 2 s", flaky_time <= 2))
    tests = [(f"com.bench.pkg{i % 40}.Class{i // 40}", f"test{i}") for i in range(test_count)]
    current = os.path.join(data, "pg-record.xml")
    junit(current, tests, ["f" if i % 500 == 0 else "p" for i in range(test_count)])
    times = []
    for attempt in range(repeat * 2):
        times.append(run([binary, "record", current, "--run-id", f"bench-record-{time.time_ns()}", "--commit", "bench", "--history", url])[0])
    analyze = best([binary, "analyze", current, "--format", "json", "--output", "/dev/null"], repeat * 2, expect=(1,))
    rows.append((f"PostgreSQL: record of a {test_count:,}-test run (analyze alone: {analyze:.3f} s)", f"{min(times):.3f} s", "≤ 0.3 s", min(times) <= 0.3))
    rows.append((f"PostgreSQL: store size ÷ outcomes", f"{stats['bytes'] / stats['outcomes']:.1f} bytes", "", None))
    return rows


if __name__ == "__main__":
    main()
