#!/usr/bin/env python3
"""A sample buildtriage external analyzer (protocol buildtriage-plugin/1).

Reads the run's model as JSON on stdin and writes findings as JSON on stdout. It explains build logs where a
process ran out of memory: a retry on the same compute type repeats the failure, so it files them as
`client-error` (a configuration to fix: a larger computeType, a smaller heap or less parallelism).

Run it with:  buildtriage analyze LOGS… --plugin Samples/plugins/out-of-memory.py
"""
import json
import re
import sys

PROTOCOL = "buildtriage-plugin/1"

SIGNS = [
    (re.compile(r"java\.lang\.OutOfMemoryError(: .*)?"), "the JVM ran out of heap"),
    (re.compile(r"JavaScript heap out of memory"), "Node.js ran out of heap"),
    (re.compile(r"exit status 137\b|signal: killed|Killed\s+\S"), "the kernel's OOM killer stopped a process (exit 137)"),
    (re.compile(r"[Cc]annot allocate memory"), "an allocation failed"),
]


def scan(path, text):
    """The first out-of-memory sign in a log, as a finding, or None."""
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, meaning in SIGNS:
            if pattern.search(line):
                return {
                    "category": "client-error",
                    "subject": {"kind": "log", "id": path},
                    "message": f"out of memory: {meaning}; a retry on the same compute type repeats it "
                               f"(use a larger computeType, a smaller heap or less parallelism)",
                    "evidence": [{"path": path, "line": number, "text": line.strip()[:300]}],
                }
    return None


def main():
    request = json.load(sys.stdin)
    if request.get("protocol") != PROTOCOL:
        json.dump({"protocol": PROTOCOL, "findings": [],
                   "diagnostics": [f"unexpected request protocol {request.get('protocol')!r}"]}, sys.stdout)
        return
    findings = []
    for source in request["input"]["documents"]:
        document = source["document"]
        if document["kind"] == "build-log":
            finding = scan(source["path"], document["content"]["text"])
            if finding:
                findings.append(finding)
    json.dump({"protocol": PROTOCOL, "analyzer": "out_of_memory", "findings": findings}, sys.stdout)


if __name__ == "__main__":
    main()
