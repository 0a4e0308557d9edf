#!/usr/bin/env python3
"""Build logs at grep speed: `buildtriage analyze` beside rg and grep on the same large logs.

    logs.py --bin PATH [--sizes 50,200] [--memory-gb 1] [--runs 3] [--data DIR] [--smoke]

Generates CodeBuild logs of each size (deterministic): Gradle, npm and docker output with lines of several
kilobytes (classpaths, minified stack traces), ANSI colour escapes, `\\r` progress lines, a little non-ASCII, agent
`[Container]` lines, and one decisive line planted in the middle (a Docker Hub pull rate limit). Then runs,
interleaved, `--runs` times each:

    buildtriage analyze --format json LOG
    rg --no-unicode -c -e P1 -e P2 … LOG
    rg -P -c -e P1 … LOG
    grep -E -i -c -e P1 … LOG

and, for comparison, buildtriage with the same patterns added again as rules without `contains:` literals (PCRE2
on every line: the alternative to the literal prefilter),

with P1… the built-in rules' own `patterns:` (`(?i)` dropped for grep, which takes -i instead), and prints the
median wall time, peak RSS (/usr/bin/time -f %M) and the ratio to the fastest of the three reference tools. The
`--memory-gb` log is generated in /tmp, measured once for peak RSS, and deleted. Exits non-zero only when
buildtriage crashes or misses the planted line.
"""
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

MB = 1_000_000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLANTED = "Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit"


def rule_patterns():
    """The `patterns:` of Sources/BuildTriageAnalyzers/Rules/transient.yml (a small reader: one quoted pattern a line)."""
    patterns, inside = [], False
    with open(os.path.join(ROOT, "Sources/BuildTriageAnalyzers/Rules/transient.yml"), encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if stripped == "patterns:":
                inside = True
                continue
            if inside and stripped.startswith("- '") and stripped.endswith("'"):
                patterns.append(stripped[3:-1].replace("''", "'"))
                continue
            inside = False
    return patterns


def line_pool(rnd):
    """Lines as they appear in large CI logs, a few thousand distinct ones."""
    esc = "\x1b["
    pool = []
    packages = ["com.example.service", "org.gradle.internal", "io.netty.channel", "software.amazon.awssdk.core", "com.fasterxml.jackson"]
    for i in range(600):
        pkg = rnd.choice(packages)
        pool.append(f"{esc}1m> Task :module{i % 40}:compileJava{esc}m {esc}32mUP-TO-DATE{esc}0m")
        pool.append(f"{esc}33mw: {esc}0m/codebuild/output/src{i}/src/main/kotlin/{pkg.replace('.', '/')}/Handler{i}.kt: (12, 5): Parameter 'ctx' is never used")
        pool.append(f"npm {esc}33mWARN{esc}39m deprecated request@2.88.{i % 10}: request has been deprecated, see https://github.com/request/request/issues/3142")
        pool.append(f"#{i % 30} [builder {i % 7}/9] RUN npm ci --no-audit --progress=false  {i * 0.37:.1f}s done")
        pool.append(f"    at {pkg}.Handler{i}.process(Handler{i}.java:{i % 400 + 10}) ~[app.jar:1.{i % 9}.0]")
    for i in range(120):
        # Several kilobytes: a classpath, a minified bundle line.
        cp = ":".join(f"/root/.gradle/caches/modules-2/files-2.1/{rnd.choice(packages)}/lib{j}/{j}.{i}.0/lib{j}-{j}.{i}.0.jar" for j in range(rnd.randint(20, 60)))
        pool.append(f"{esc}2mjavac -classpath {cp} -d build/classes{esc}0m")
        pool.append("webpack: " + "".join(f"function a{j}(b){{return b.map(c=>c*{j})}};" for j in range(rnd.randint(100, 250))))
    for i in range(60):
        # `\r` progress lines: one line of many updates.
        pool.append("".join(f"\rDownloading https://repo.maven.apache.org/maven2/x/y/{i}.jar ({k * 10}%)" for k in range(11)))
        pool.append("".join(f"{esc}2K{esc}1G{j}/100 layers extracted\r" for j in range(0, 100, 7)) + "done")
    for i in range(30):
        pool.append(f"✔ test suite {i} passed — durée {i}.{i % 10} s, Größe {i * 3} KiB, 処理完了")
        pool.append(f"  ● Module {i} › renders ünïcödé labels (12 ms)")
    return pool


def agent(seconds, message):
    return f"[Container] 2026/11/20 14:{(seconds // 60) % 60:02d}:{seconds % 60:02d}.{seconds % 1000:03d} {message}\n"


def write_log(path, target, seed=17):
    rnd = random.Random(seed)
    pool = line_pool(rnd)
    written = 0
    planted = False
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        head = agent(0, "Waiting for agent ping") + agent(1, "Entering phase INSTALL") + agent(2, "Running command ./gradlew build --parallel")
        out.write(head)
        written += len(head.encode())
        second = 3
        while written < target:
            chunk = "\n".join(rnd.choice(pool) for _ in range(500)) + "\n"
            if rnd.random() < 0.05:
                chunk += agent(second, f"Running command npm run step-{second}")
                second += 1
            if not planted and written >= target // 2:
                chunk += PLANTED + "\n"
                planted = True
            out.write(chunk)
            written += len(chunk.encode())
        tail = agent(second, "Command did not exit successfully ./gradlew build --parallel exit status 1") + agent(second + 1, "Phase complete: BUILD State: FAILED")
        out.write(tail)


def timed(argv, ok_codes):
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok_codes:
        sys.exit(f"logs.py: {argv[0]} exited {result.returncode}: {result.stderr.decode(errors='replace')[-500:]}")
    rss = int(result.stderr.decode().strip().splitlines()[-1]) / 1024
    return elapsed, rss, result.stdout


def every_line_rules(path, patterns):
    """The built-in patterns again, without `contains:` literals: PCRE2 (JIT) on every line, the alternative to the
    literal prefilter, measured beside it."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("rules:\n")
        for index, pattern in enumerate(patterns):
            quoted = pattern.replace("'", "''")
            f.write(f"  - id: every_line_{index}\n    category: infrastructure\n    patterns: ['{quoted}']\n")


def commands(binary, path, patterns, every_line):
    plain = [p.replace("(?i)", "") for p in patterns]
    e = lambda ps: [x for p in ps for x in ("-e", p)]
    return [
        ("buildtriage analyze", [binary, "analyze", "--format", "json", path], {0, 1, 2, 3}),
        ("(buildtriage, + the patterns without literals)", [binary, "analyze", "--format", "json", "--rules", every_line, path], {0, 1, 2, 3}),
        ("rg --no-unicode", ["rg", "--no-unicode", "-c"] + e(patterns) + [path], {0, 1}),
        ("rg -P", ["rg", "-P", "-c"] + e(patterns) + [path], {0, 1}),
        ("grep -E -i", ["grep", "-E", "-i", "-c"] + e(plain) + [path], {0, 1}),
    ]


def check(stdout, path):
    report = json.loads(stdout)
    found = [f for f in report.get("findings", []) if f.get("analyzer") == "knowledge_base:docker_pull_rate_limit"]
    if not found:
        sys.exit(f"logs.py: buildtriage did not find the planted pull-rate-limit line in {path}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--sizes", default="50,200")
    parser.add_argument("--memory-gb", type=float, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", default=os.path.join(ROOT, "bench-out/data"))
    parser.add_argument("--smoke", action="store_true", help="a 2 MB log, one run, no 1 GB log")
    args = parser.parse_args()
    patterns = rule_patterns()
    sizes = [2] if args.smoke else [float(s) for s in args.sizes.split(",") if s]
    runs = 1 if args.smoke else args.runs
    os.makedirs(args.data, exist_ok=True)
    print(f"patterns ({len(patterns)}): " + " ".join(repr(p) for p in patterns))
    print("| log | tool | median time | peak RSS | × fastest reference |")
    print("|---|---|---:|---:|---:|")
    for size in sizes:
        path = os.path.join(args.data, f"buildlog-{size:g}mb.log")
        if not os.path.exists(path) or abs(os.path.getsize(path) - size * MB) > 0.05 * size * MB:
            write_log(path, int(size * MB))
        every_line = os.path.join(args.data, "every-line-rules.yml")
        every_line_rules(every_line, patterns)
        tools = commands(args.bin, path, patterns, every_line)
        times = {name: [] for name, _, _ in tools}
        rss = {name: 0.0 for name, _, _ in tools}
        for _ in range(runs):
            for name, argv, ok in tools:
                elapsed, peak, stdout = timed(argv, ok)
                if name == "buildtriage analyze":
                    check(stdout, path)
                times[name].append(elapsed)
                rss[name] = max(rss[name], peak)
        medians = {name: statistics.median(values) for name, values in times.items()}
        fastest = min(v for k, v in medians.items() if not k.startswith("buildtriage") and not k.startswith("("))
        for name, _, _ in tools:
            print(f"| {size:g} MB | {name} | {medians[name] * 1000:.0f} ms | {rss[name]:.1f} MB | {medians[name] / fastest:.2f}× |", flush=True)
    if not args.smoke and args.memory_gb > 0:
        with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
            path = os.path.join(scratch, "buildlog-1gb.log")
            write_log(path, int(args.memory_gb * 1000 * MB))
            elapsed, peak, stdout = timed([args.bin, "analyze", "--format", "json", path], {0, 1, 2, 3})
            check(stdout, path)
            print(f"| {args.memory_gb:g} GB (/tmp, deleted) | buildtriage analyze | {elapsed * 1000:.0f} ms (1 run) | {peak:.1f} MB | |")


if __name__ == "__main__":
    main()
