#!/usr/bin/env python3
"""Baseline: what a Python CI tool does with a JUnit report: load it with junitparser and visit every testcase
(name, classname, time, result), counting outcomes. Prints `cases failed errored skipped`."""
import sys

from junitparser import Error, Failure, JUnitXml, Skipped

cases = failed = errored = skipped = 0
for suite in JUnitXml.fromfile(sys.argv[1]):
    for case in suite:
        cases += 1
        _ = (case.name, case.classname, case.time)
        for result in case.result:
            if isinstance(result, Error):
                errored += 1
            elif isinstance(result, Failure):
                failed += 1
            elif isinstance(result, Skipped):
                skipped += 1
print(cases, failed, errored, skipped)
