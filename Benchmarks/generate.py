#!/usr/bin/env python3
"""Generates realistic large inputs for the BuildTriage benchmark (deterministic: same seed, same bytes).

    generate.py OUT_DIR [--junit-mb 1,10,50,100] [--batches 10000] [--log-mb 25,50] [--format-cases 500000]
                [--seed 6]

Writes, under OUT_DIR:
  junit-<N>mb.xml   Maven Surefire-style JUnit report of about N MB: many <testsuite>s, ~1% failures/errors
                    with stack traces, flaky tests (<flakyFailure>, passed on rerun), reruns that kept failing
                    (<rerunFailure>), skipped tests, per-case and per-suite <system-out>.
  batches/          B files in the shape `aws codebuild batch-get-build-batches` prints:
                    {"buildBatches": [{...}], "buildBatchesNotFound": []}, each with 3-12 build groups
                    (DOWNLOAD_SOURCE + groups with dependsOn chains, some failed / stopped / retried).
  <format>-<N>.<ext>   NUnit 2, NUnit 3, TRX, xUnit.net, TestNG and Cucumber JSON reports of N test cases each
                    (generate_formats.py), with their expected counts in <file>.expected.json.
  codebuild-<N>mb.log  CodeBuild build log of about N MB: agent `[Container] <date> <time> ...` lines around
                    user command output (Maven/npm style), a transient error near the end, a failed command.
An existing file of the right size is kept (generation is skipped), so reruns are cheap.
"""

import argparse
import json
import os
import random
import sys

MB = 1_000_000


# ---------------------------------------------------------------------------------------------------------------
# JUnit

PACKAGES = ["payments", "ledger", "accounts", "billing", "search", "auth", "orders", "inventory", "shipping", "reports"]
LAYERS = ["api", "core", "service", "repository", "util", "web", "client", "model"]
NOUNS = ["Ledger", "Account", "Invoice", "Order", "Customer", "Payment", "Refund", "Token", "Session", "Cart",
         "Price", "Currency", "Ticket", "Parcel", "Route", "Query", "Index", "Report", "Schedule", "Webhook"]
ROLES = ["Service", "Repository", "Controller", "Mapper", "Validator", "Parser", "Client", "Handler", "Factory"]
VERBS = ["creates", "rejects", "updates", "deletes", "finds", "settles", "refunds", "retries", "parses", "maps",
         "validates", "serialises", "rounds", "merges", "splits", "expires", "renews", "caches"]
WHENS = ["WhenEmpty", "WhenNull", "WithTwoItems", "OnTimeout", "ForNegativeAmount", "AfterRestart",
         "InParallel", "WithUnicodeName", "OnDuplicate", "AtMidnight", "ForLargeInput", ""]


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def stack_trace(rnd, classname, exception):
    frames = [f"{exception}: expected:<{rnd.randint(1, 999)}> but was:<{rnd.randint(1, 999)}>"]
    frames.append(f"\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:{rnd.randint(30, 60)})")
    frames.append(f"\tat {classname}.{rnd.choice(VERBS)}{rnd.choice(NOUNS)}({classname.rsplit('.', 1)[1]}.java:{rnd.randint(20, 400)})")
    for _ in range(rnd.randint(12, 30)):
        pkg = rnd.choice(["java.base/jdk.internal.reflect", "org.junit.platform.engine.support.hierarchical",
                          "org.apache.maven.surefire.junitplatform", "java.base/java.util.ArrayList",
                          "org.junit.jupiter.engine.execution", "java.base/java.lang.reflect"])
        frames.append(f"\tat {pkg}.{rnd.choice(NOUNS)}{rnd.choice(ROLES)}.invoke({rnd.choice(NOUNS)}.java:{rnd.randint(10, 900)})")
    return "\n".join(frames)


def log_lines(rnd, count):
    lines = []
    for _ in range(count):
        lines.append(f"{rnd.randint(10, 23)}:{rnd.randint(10, 59)}:{rnd.randint(10, 59)}.{rnd.randint(100, 999)} [main] "
                     f"{rnd.choice(['INFO', 'DEBUG', 'WARN'])} {rnd.choice(NOUNS)}{rnd.choice(ROLES)} - "
                     f"{rnd.choice(VERBS)} {rnd.choice(NOUNS).lower()} id={rnd.randint(1000, 99999)}")
    return "\n".join(lines)


def write_junit(path, target_bytes, rnd):
    cases = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="surefire">\n')
        suite_number = 0
        while out.tell() < target_bytes:
            suite_number += 1
            classname = (f"com.example.{rnd.choice(PACKAGES)}.{rnd.choice(LAYERS)}."
                         f"{rnd.choice(NOUNS)}{rnd.choice(ROLES)}{suite_number}Test")
            count = rnd.randint(20, 120)
            body = []
            failures = errors = skipped = 0
            for index in range(count):
                name = f"{rnd.choice(VERBS)}{rnd.choice(NOUNS)}{rnd.choice(WHENS)}{index}"
                attrs = f'name="{name}" classname="{classname}" time="{rnd.random() * 0.2:.3f}"'
                roll = rnd.random()
                children = []
                if roll < 0.006:
                    failures += 1
                    trace = stack_trace(rnd, classname, "org.opentest4j.AssertionFailedError")
                    children.append(f'<failure message="{xml_escape(trace.splitlines()[0])}" '
                                    f'type="org.opentest4j.AssertionFailedError">{xml_escape(trace)}</failure>')
                elif roll < 0.008:
                    errors += 1
                    trace = stack_trace(rnd, classname, "java.lang.IllegalStateException")
                    children.append(f'<error message="connection pool exhausted" type="java.lang.IllegalStateException">'
                                    f'{xml_escape(trace)}</error>')
                elif roll < 0.010:
                    # Kept failing on every rerun: the failure plus Surefire's <rerunFailure>s.
                    failures += 1
                    trace = stack_trace(rnd, classname, "org.opentest4j.AssertionFailedError")
                    children.append(f'<failure message="expected true" type="org.opentest4j.AssertionFailedError">'
                                    f'{xml_escape(trace)}</failure>')
                    for _ in range(2):
                        children.append(f'<rerunFailure message="expected true" type="org.opentest4j.AssertionFailedError">'
                                        f'<stackTrace>{xml_escape(trace)}</stackTrace></rerunFailure>')
                elif roll < 0.013:
                    # Flaky: failed, then passed on rerun.
                    trace = stack_trace(rnd, classname, "java.net.SocketTimeoutException")
                    children.append(f'<flakyFailure message="Read timed out" type="java.net.SocketTimeoutException">'
                                    f'<stackTrace>{xml_escape(trace)}</stackTrace>'
                                    f'<system-out>{xml_escape(log_lines(rnd, 3))}</system-out></flakyFailure>')
                elif roll < 0.020:
                    skipped += 1
                    children.append('<skipped message="@Disabled: flaky on CI"/>')
                if rnd.random() < 0.08:
                    children.append(f"<system-out>{xml_escape(log_lines(rnd, rnd.randint(1, 3)))}</system-out>")
                if children:
                    body.append(f"    <testcase {attrs}>\n      " + "\n      ".join(children) + "\n    </testcase>")
                else:
                    body.append(f"    <testcase {attrs}/>")
            cases += count
            out.write(f'  <testsuite name="{classname}" tests="{count}" failures="{failures}" errors="{errors}" '
                      f'skipped="{skipped}" time="{rnd.random() * 20:.3f}" timestamp="2026-11-20T14:00:00" '
                      f'hostname="ip-10-0-{rnd.randint(0, 255)}-{rnd.randint(0, 255)}">\n')
            out.write('    <properties>\n      <property name="java.version" value="21.0.5"/>\n'
                      '      <property name="surefire.rerunFailingTestsCount" value="2"/>\n    </properties>\n')
            out.write("\n".join(body))
            out.write(f"\n    <system-out><![CDATA[{log_lines(rnd, rnd.randint(2, 10))}]]></system-out>\n  </testsuite>\n")
        out.write("</testsuites>\n")
    return cases


# ---------------------------------------------------------------------------------------------------------------
# Batch builds (aws codebuild batch-get-build-batches)

def uuid(rnd):
    h = "%032x" % rnd.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def timestamp(seconds):
    minute, second = divmod(seconds, 60)
    hour, minute = divmod(minute, 60)
    return f"2026-11-20T{8 + hour % 14:02d}:{minute:02d}:{second:02d}.{(seconds * 7919) % 1000:03d}000+00:00"


def batch(rnd, number):
    project = f"{rnd.choice(PACKAGES)}-{rnd.choice(LAYERS)}"
    batch_id = f"{project}:{uuid(rnd)}"
    region, account = "us-east-1", "123456789012"
    t0 = rnd.randint(0, 30000)
    group_count = rnd.randint(3, 12)
    status = rnd.choices(["SUCCEEDED", "FAILED", "IN_PROGRESS", "STOPPED"], [5, 3, 1, 1])[0]
    failed_index = rnd.randint(1, group_count - 1) if status == "FAILED" else -1
    groups = [{
        "identifier": "DOWNLOAD_SOURCE",
        "ignoreFailure": False,
        "currentBuildSummary": {
            "arn": f"arn:aws:codebuild:{region}:{account}:build/{project}:{uuid(rnd)}",
            "requestedOn": timestamp(t0 + 1),
            "buildStatus": "SUCCEEDED",
            "primaryArtifact": {"type": "no_artifacts", "identifier": "DOWNLOAD_SOURCE"},
            "secondaryArtifacts": [],
        },
    }]
    for index in range(1, group_count):
        identifier = f"{rnd.choice(['linux', 'arm', 'windows', 'integ'])}_{rnd.choice(['small', 'medium', 'large', 'unit', 'lint'])}_{index}"
        depends = [groups[rnd.randint(1, index - 1)]["identifier"]] if index > 1 and rnd.random() < 0.5 else []
        if status == "SUCCEEDED":
            build_status = "SUCCEEDED"
        elif status == "IN_PROGRESS":
            build_status = rnd.choice(["SUCCEEDED", "IN_PROGRESS"])
        elif status == "STOPPED":
            build_status = rnd.choice(["SUCCEEDED", "STOPPED"])
        else:
            build_status = "FAILED" if index == failed_index else ("STOPPED" if index > failed_index and depends else "SUCCEEDED")
        summary = {
            "arn": f"arn:aws:codebuild:{region}:{account}:build/{project}:{uuid(rnd)}",
            "requestedOn": timestamp(t0 + 30 + index),
            "buildStatus": build_status,
        }
        if build_status != "STOPPED":
            summary["primaryArtifact"] = {"type": "no_artifacts", "identifier": identifier}
            summary["secondaryArtifacts"] = []
        group = {"identifier": identifier, "dependsOn": depends, "ignoreFailure": rnd.random() < 0.05,
                 "currentBuildSummary": summary}
        if rnd.random() < 0.1:
            group["priorBuildSummaryList"] = [{
                "arn": f"arn:aws:codebuild:{region}:{account}:build/{project}:{uuid(rnd)}",
                "requestedOn": timestamp(t0 + 10 + index),
                "buildStatus": "FAILED",
                "primaryArtifact": {"type": "no_artifacts", "identifier": identifier},
                "secondaryArtifacts": [],
            }]
        groups.append(group)

    phases = [
        {"phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED", "startTime": timestamp(t0), "endTime": timestamp(t0),
         "durationInSeconds": 0, "contexts": []},
        {"phaseType": "DOWNLOAD_BATCHSPEC", "phaseStatus": "SUCCEEDED", "startTime": timestamp(t0),
         "endTime": timestamp(t0 + 30), "durationInSeconds": 30, "contexts": []},
    ]
    if status == "IN_PROGRESS":
        phases.append({"phaseType": "IN_PROGRESS", "startTime": timestamp(t0 + 30)})
    else:
        final = {"SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "STOPPED": "STOPPED"}[status]
        phases.append({"phaseType": "IN_PROGRESS", "phaseStatus": final, "startTime": timestamp(t0 + 30),
                       "endTime": timestamp(t0 + 600), "durationInSeconds": 570, "contexts": []})
        phases.append({"phaseType": "COMBINE_ARTIFACTS", "phaseStatus": "SUCCEEDED", "startTime": timestamp(t0 + 600),
                       "endTime": timestamp(t0 + 601), "durationInSeconds": 1, "contexts": []})
        phases.append({"phaseType": final, "startTime": timestamp(t0 + 601)})
    item = {
        "id": batch_id,
        "arn": f"arn:aws:codebuild:{region}:{account}:build-batch/{batch_id}",
        "startTime": timestamp(t0),
        "currentPhase": phases[-1]["phaseType"],
        "buildBatchStatus": status,
        "resolvedSourceVersion": "%040x" % rnd.getrandbits(160),
        "projectName": project,
        "phases": phases,
        "source": {"type": "GITHUB", "location": f"https://github.com/example/{project}.git", "gitCloneDepth": 1,
                   "gitSubmodulesConfig": {"fetchSubmodules": False}, "reportBuildStatus": True,
                   "insecureSsl": False},
        "secondarySources": [],
        "secondarySourceVersions": [],
        "artifacts": {"location": ""},
        "secondaryArtifacts": [],
        "cache": {"type": "NO_CACHE"},
        "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
                        "computeType": "BUILD_GENERAL1_SMALL", "environmentVariables": [],
                        "privilegedMode": False, "imagePullCredentialsType": "CODEBUILD"},
        "logConfig": {"cloudWatchLogs": {"status": "ENABLED"}, "s3Logs": {"status": "DISABLED", "encryptionDisabled": False}},
        "buildTimeoutInMinutes": 60,
        "queuedTimeoutInMinutes": 480,
        "complete": status != "IN_PROGRESS",
        "initiator": "release-bot",
        "encryptionKey": f"arn:aws:kms:{region}:{account}:alias/aws/s3",
        "buildBatchNumber": number,
        "buildBatchConfig": {"serviceRole": f"arn:aws:iam::{account}:role/service-role/codebuild-{project}",
                             "restrictions": {"maximumBuildsAllowed": 100}, "timeoutInMins": 480},
        "buildGroups": groups,
    }
    if status != "IN_PROGRESS":
        item["endTime"] = timestamp(t0 + 601)
    return {"buildBatches": [item], "buildBatchesNotFound": []}


def write_batches(directory, count, rnd):
    os.makedirs(directory, exist_ok=True)
    existing = [name for name in os.listdir(directory) if name.endswith(".json")]
    if len(existing) == count:
        return False
    for name in existing:
        os.remove(os.path.join(directory, name))
    for number in range(count):
        with open(os.path.join(directory, f"batch-{number:05d}.json"), "w", encoding="utf-8") as out:
            json.dump(batch(rnd, number + 1), out, indent=4)
    return True


# ---------------------------------------------------------------------------------------------------------------
# CodeBuild log

def write_log(path, target_bytes, rnd):
    seconds = [0]

    def agent(message):
        seconds[0] += rnd.randint(0, 2)
        minute, second = divmod(seconds[0], 60)
        hour, minute = divmod(minute, 60)
        return f"[Container] 2026/11/20 {14 + hour % 10:02d}:{minute:02d}:{second:02d}.{rnd.randint(0, 999999):06d} {message}\n"

    with open(path, "w", encoding="utf-8") as out:
        for message in ["Waiting for agent ping", "Waiting for DOWNLOAD_SOURCE", "Phase is DOWNLOAD_SOURCE",
                        "CODEBUILD_SRC_DIR=/codebuild/output/src2071/src/github.com/example/payments-api",
                        "YAML location is /codebuild/output/src2071/src/github.com/example/payments-api/buildspec.yml",
                        "Processing environment variables", "Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED",
                        "Phase context status code:  Message: ", "Entering phase INSTALL", "Running command npm ci"]:
            out.write(agent(message))
        out.write("added 812 packages in 14s\n")
        out.write(agent("Phase complete: INSTALL State: SUCCEEDED"))
        out.write(agent("Phase context status code:  Message: "))
        out.write(agent("Entering phase BUILD"))
        command = 0
        while out.tell() < target_bytes - 2000:
            command += 1
            out.write(agent(f"Running command ./mvnw -B -pl module-{command} verify"))
            for _ in range(rnd.randint(200, 2000)):
                roll = rnd.random()
                if roll < 0.5:
                    out.write(f"[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/example/"
                              f"{rnd.choice(NOUNS).lower()}-{rnd.choice(ROLES).lower()}/{rnd.randint(1, 9)}.{rnd.randint(0, 20)}.{rnd.randint(0, 9)}/"
                              f"{rnd.choice(NOUNS).lower()}-{rnd.randint(1, 9)}.jar ({rnd.randint(2, 900)} kB at {rnd.randint(1, 90)}.{rnd.randint(0, 9)} MB/s)\n")
                elif roll < 0.8:
                    out.write(f"[INFO] Tests run: {rnd.randint(1, 80)}, Failures: 0, Errors: 0, Skipped: {rnd.randint(0, 2)}, "
                              f"Time elapsed: {rnd.random() * 9:.3f} s - in com.example.{rnd.choice(PACKAGES)}.{rnd.choice(NOUNS)}{rnd.choice(ROLES)}Test\n")
                elif roll < 0.95:
                    out.write(log_lines(rnd, 1) + "\n")
                elif roll < 0.999:
                    out.write(f"[WARNING] {rnd.choice(NOUNS)}{rnd.choice(ROLES)}.java:[{rnd.randint(1, 500)},{rnd.randint(1, 80)}] "
                              f"deprecated API: {rnd.choice(VERBS)}() in {rnd.choice(NOUNS)} has been deprecated\n")
                else:
                    # Lines that pass some rules' lower-case prefilters without matching their patterns.
                    out.write(rnd.choice([
                        "[INFO] Using user-agent: Apache-Maven/3.9.6 (Java 21.0.5; Linux 5.10)\n",
                        "[INFO] spot check of 503 cached artifacts complete\n",
                        "[DEBUG] reclaimed 12 MB of heap after GC\n",
                    ]))
            out.write(agent(f"Phase context status code:  Message: "))
        out.write("[ERROR] Failed to execute goal on project module: Could not transfer artifact "
                  "org.example:ledger:jar:2.4.0 from/to central (https://repo.maven.apache.org/maven2): "
                  "Connection reset\n")
        out.write("[ERROR] Connect to repo.maven.apache.org:443 failed: Connection timed out (Read failed)\n")
        out.write(agent(f"Command did not exit successfully ./mvnw -B -pl module-{command} verify exit status 1"))
        out.write(agent("Phase complete: BUILD State: FAILED"))
        out.write(agent(f"Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: "
                        f"./mvnw -B -pl module-{command} verify. Reason: exit status 1"))
        out.write(agent("Entering phase POST_BUILD"))
        out.write(agent("Phase complete: POST_BUILD State: SUCCEEDED"))
        out.write(agent("Phase context status code:  Message: "))


# ---------------------------------------------------------------------------------------------------------------

def close_enough(path, target_bytes):
    return os.path.exists(path) and abs(os.path.getsize(path) - target_bytes) < target_bytes * 0.02 + 70_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--junit-mb", default="1,10,50,100", help="comma-separated JUnit report sizes in MB ('' for none)")
    parser.add_argument("--batches", type=int, default=10000, help="number of batch-get-build-batches files")
    parser.add_argument("--log-mb", default="25,50", help="comma-separated build log sizes in MB ('' for none)")
    parser.add_argument("--format-cases", default="500000",
                        help="comma-separated test-case counts of the NUnit/TRX/xUnit/TestNG/Cucumber reports ('' for none)")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    for size in [float(s) for s in args.junit_mb.split(",") if s]:
        path = os.path.join(args.out, f"junit-{size:g}mb.xml")
        if close_enough(path, size * MB):
            continue
        cases = write_junit(path, size * MB, random.Random(args.seed * 1000 + size))
        print(f"generated {path}: {os.path.getsize(path) / MB:.1f} MB, {cases} testcases", file=sys.stderr)
    if args.batches:
        directory = os.path.join(args.out, f"batches-{args.batches}")
        if write_batches(directory, args.batches, random.Random(args.seed)):
            print(f"generated {directory}: {args.batches} files", file=sys.stderr)
    import generate_formats
    for cases in [int(s) for s in args.format_cases.split(",") if s]:
        for kind in generate_formats.FORMATS:
            path, made = generate_formats.write_format(args.out, kind, cases, random.Random(args.seed * 31 + cases))
            if made:
                print(f"generated {path}: {os.path.getsize(path) / MB:.1f} MB", file=sys.stderr)
    for size in [float(s) for s in args.log_mb.split(",") if s]:
        path = os.path.join(args.out, f"codebuild-{size:g}mb.log")
        if close_enough(path, size * MB):
            continue
        write_log(path, size * MB, random.Random(args.seed * 7 + size))
        print(f"generated {path}: {os.path.getsize(path) / MB:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
