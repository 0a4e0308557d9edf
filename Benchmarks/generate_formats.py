"""Large test reports in every non-JUnit format for the benchmark: NUnit 2, NUnit 3, TRX, xUnit.net, TestNG and
Cucumber JSON, each with a given number of test cases (deterministic). Imported by generate.py.

Each file has ~1% failures with stack traces, ~1% skips, ~0.3% flaky tests written the way the format records a
rerun (TRX and NUnit 3: a failed result then a passed one; TestNG: a retried SKIP then a PASS; Cucumber: the
scenario again), configuration methods (TestNG) and backgrounds (Cucumber). Next to each file,
`<file>.expected.json` holds the counts the rules of Docs/formats.md give.
"""

import json
import os

from generate import NOUNS, ROLES, VERBS, WHENS, PACKAGES, LAYERS, xml_escape, stack_trace, uuid

FORMATS = {
    "nunit2": "xml", "nunit3": "xml", "trx": "trx", "xunit": "xml", "testng": "xml", "cucumber": "json",
}


class Counts:
    def __init__(self):
        self.total = self.passed = self.failed = self.errored = self.skipped = 0

    def add(self, bucket):
        self.total += 1
        setattr(self, bucket, getattr(self, bucket) + 1)

    def json(self):
        return {k: getattr(self, k) for k in ["total", "passed", "failed", "errored", "skipped"]}


def plan(rnd, count):
    """The outcome of each test: ('pass' | 'fail' | 'skip' | 'flaky'), with flaky tests written twice."""
    outcomes = []
    while len(outcomes) < count:
        roll = rnd.random()
        kind = "fail" if roll < 0.010 else "skip" if roll < 0.020 else "flaky" if roll < 0.023 else "pass"
        if kind == "flaky" and len(outcomes) + 2 > count:
            kind = "pass"
        outcomes.append(kind)
        if kind == "flaky":
            outcomes.append("flaky-pass")
    return outcomes


def classes(rnd, outcomes):
    """Groups the outcomes into test classes of 20-120 tests: (class name, [(method, outcome)])."""
    index, number = 0, 0
    while index < len(outcomes):
        number += 1
        size = rnd.randint(20, 120)
        name = f"Example.{rnd.choice(PACKAGES).title()}.{rnd.choice(LAYERS).title()}.{rnd.choice(NOUNS)}{rnd.choice(ROLES)}{number}Tests"
        methods = []
        end = min(len(outcomes), index + size)
        # A flaky pair stays in one class.
        if end < len(outcomes) and outcomes[end] == "flaky-pass":
            end += 1
        last = None
        for outcome in outcomes[index:end]:
            if outcome == "flaky-pass":
                methods.append((last, outcome))
                continue
            last = f"{rnd.choice(VERBS).title()}{rnd.choice(NOUNS)}{rnd.choice(WHENS)}{len(methods)}"
            methods.append((last, outcome))
        yield name, methods
        index = end


def write_nunit2(out, rnd, outcomes, counts):
    out.write('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
              f'<test-results name="Example.Tests.dll" total="{len(outcomes)}" errors="0" failures="0" not-run="0" '
              'inconclusive="0" ignored="0" skipped="0" invalid="0" date="2026-11-20" time="14:00:00">\n'
              '  <environment nunit-version="2.6.4.14350" clr-version="4.0.30319.42000" os-version="Unix 5.10" '
              'platform="Unix" cwd="/codebuild/output/src" machine-name="ip-10-0-1-2" user="root" user-domain="ip-10-0-1-2" />\n'
              '  <culture-info current-culture="en-US" current-uiculture="en-US" />\n'
              '  <test-suite type="Assembly" name="/codebuild/output/src/Example.Tests.dll" executed="True" result="Failure" success="False" time="120.5" asserts="0">\n'
              '    <results>\n')
    for name, methods in classes(rnd, [o if o != "flaky-pass" else "pass" for o in outcomes if o != "flaky"]):
        out.write(f'      <test-suite type="TestFixture" name="{name.rsplit(".", 1)[1]}" executed="True" result="Success" success="True" time="1.2" asserts="{len(methods)}">\n        <results>\n')
        for method, outcome in methods:
            full = f"{name}.{method}"
            if outcome == "fail":
                counts.add("failed")
                trace = stack_trace(rnd, name, "NUnit.Framework.AssertionException")
                out.write(f'          <test-case name="{full}" executed="True" result="Failure" success="False" time="0.031" asserts="1">\n'
                          f'            <failure>\n              <message><![CDATA[  Expected: 3\n  But was:  2\n]]></message>\n'
                          f'              <stack-trace><![CDATA[{trace}]]></stack-trace>\n            </failure>\n          </test-case>\n')
            elif outcome == "skip":
                counts.add("skipped")
                out.write(f'          <test-case name="{full}" executed="False" result="Ignored">\n'
                          '            <reason>\n              <message><![CDATA[flaky on CI]]></message>\n            </reason>\n          </test-case>\n')
            else:
                counts.add("passed")
                out.write(f'          <test-case name="{full}" executed="True" result="Success" success="True" time="{rnd.random() * 0.2:.3f}" asserts="1" />\n')
        out.write('        </results>\n      </test-suite>\n')
    out.write('    </results>\n  </test-suite>\n</test-results>\n')


def write_nunit3(out, rnd, outcomes, counts):
    out.write('<?xml version="1.0" encoding="utf-8" standalone="no"?>\n'
              f'<test-run id="0" runstate="Runnable" testcasecount="{len(outcomes)}" result="Failed" total="{len(outcomes)}" '
              'engine-version="3.16.3.0" clr-version="8.0.0" start-time="2026-11-20 14:00:00Z" end-time="2026-11-20 14:02:00Z" duration="120.5">\n'
              '  <command-line><![CDATA[nunit3-console Example.Tests.dll]]></command-line>\n'
              '  <test-suite type="Assembly" id="0-1" name="Example.Tests.dll" fullname="/codebuild/output/src/Example.Tests.dll" runstate="Runnable" result="Failed">\n')
    case_id = 1000
    for name, methods in classes(rnd, outcomes):
        out.write(f'    <test-suite type="TestFixture" id="0-{case_id}" name="{name.rsplit(".", 1)[1]}" fullname="{name}" classname="{name}" runstate="Runnable" testcasecount="{len(methods)}" result="Passed" site="Child">\n')
        for method, outcome in methods:
            case_id += 1
            # NUnit 3 writes start-time and end-time on every test-case (as the corpus files show).
            common = (f'id="0-{case_id}" name="{method}" fullname="{name}.{method}" methodname="{method}" classname="{name}" '
                      f'runstate="Runnable" seed="{rnd.randint(1, 2**31)}"')
            times = 'start-time="2026-11-20T14:00:01.0195450Z" end-time="2026-11-20T14:00:01.1677375Z" '

            if outcome in ("fail", "flaky"):
                counts.add("failed")
                trace = stack_trace(rnd, name, "NUnit.Framework.AssertionException")
                retry = ' retry="1"' if outcome == "flaky" else ""
                out.write(f'      <test-case {common} result="Failed"{retry} {times}duration="0.031" asserts="1">\n'
                          f'        <failure>\n          <message><![CDATA[  Expected: 3\n  But was:  2\n]]></message>\n'
                          f'          <stack-trace><![CDATA[{trace}]]></stack-trace>\n        </failure>\n      </test-case>\n')
            elif outcome == "skip":
                counts.add("skipped")
                out.write(f'      <test-case {common} result="Skipped" label="Ignored" {times}duration="0" asserts="0">\n'
                          '        <reason>\n          <message><![CDATA[flaky on CI]]></message>\n        </reason>\n      </test-case>\n')
            else:
                counts.add("passed")
                retry = ' retry="2"' if outcome == "flaky-pass" else ""
                out.write(f'      <test-case {common} result="Passed"{retry} {times}duration="{rnd.random() * 0.2:.6f}" asserts="1" />\n')
        out.write('    </test-suite>\n')
    out.write('  </test-suite>\n</test-run>\n')


def write_trx(out, rnd, outcomes, counts):
    run_id = uuid(rnd)
    out.write('<?xml version="1.0" encoding="utf-8"?>\n'
              f'<TestRun id="{run_id}" name="codebuild@ip-10-0-1-2 2026-11-20 14:00:00" runUser="codebuild" '
              'xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n'
              '  <Times creation="2026-11-20T14:00:00.0000000+00:00" queuing="2026-11-20T14:00:00.0000000+00:00" '
              'start="2026-11-20T14:00:00.0000000+00:00" finish="2026-11-20T14:02:00.0000000+00:00" />\n'
              '  <TestSettings name="default" id="1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"><Deployment runDeploymentRoot="r" /></TestSettings>\n'
              '  <Results>\n')
    list_id = "8c84fa94-04c1-424b-9868-57a2d4851a1d"
    definitions = []
    for name, methods in classes(rnd, outcomes):
        test_id = None
        for method, outcome in methods:
            if outcome != "flaky-pass":
                test_id = uuid(rnd)
                definitions.append((test_id, name, method))
            execution = uuid(rnd)
            head = (f'    <UnitTestResult executionId="{execution}" testId="{test_id}" testName="{name}.{method}" '
                    f'computerName="ip-10-0-1-2" duration="00:00:00.{rnd.randint(0, 9999999):07d}" '
                    'startTime="2026-11-20T14:00:01.0000000+00:00" endTime="2026-11-20T14:00:01.1000000+00:00" '
                    f'testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" outcome="{{}}" testListId="{list_id}" '
                    f'relativeResultsDirectory="{execution}"')
            if outcome in ("fail", "flaky"):
                counts.add("failed")
                trace = stack_trace(rnd, name, "Xunit.Sdk.EqualException")
                out.write(head.format("Failed") + '>\n      <Output>\n        <ErrorInfo>\n'
                          '          <Message>Assert.Equal() Failure\nExpected: 3\nActual:   2</Message>\n'
                          f'          <StackTrace>{xml_escape(trace)}</StackTrace>\n        </ErrorInfo>\n      </Output>\n    </UnitTestResult>\n')
            elif outcome == "skip":
                counts.add("skipped")
                out.write(head.format("NotExecuted") + '>\n      <Output>\n        <StdOut>Skipped: flaky on CI</StdOut>\n      </Output>\n    </UnitTestResult>\n')
            else:
                counts.add("passed")
                out.write(head.format("Passed") + ' />\n')
    out.write('  </Results>\n  <TestDefinitions>\n')
    for test_id, name, method in definitions:
        out.write(f'    <UnitTest name="{name}.{method}" storage="/codebuild/output/src/example.tests.dll" id="{test_id}">\n'
                  f'      <Execution id="{uuid(rnd)}" />\n'
                  f'      <TestMethod codeBase="/codebuild/output/src/Example.Tests.dll" adapterTypeName="executor://xunit/VsTestRunner2/netcoreapp" className="{name}" name="{method}" />\n'
                  '    </UnitTest>\n')
    out.write('  </TestDefinitions>\n  <TestEntries>\n')
    for test_id, _, _ in definitions:
        out.write(f'    <TestEntry testId="{test_id}" executionId="{uuid(rnd)}" testListId="{list_id}" />\n')
    out.write('  </TestEntries>\n  <TestLists>\n'
              f'    <TestList name="Results Not in a List" id="{list_id}" />\n'
              '  </TestLists>\n  <ResultSummary outcome="Failed">\n'
              f'    <Counters total="{counts.total}" executed="{counts.total}" passed="{counts.passed}" failed="{counts.failed}" />\n'
              '  </ResultSummary>\n</TestRun>\n')


def write_xunit(out, rnd, outcomes, counts):
    out.write('<?xml version="1.0" encoding="utf-8"?>\n<assemblies timestamp="11/20/2026 14:00:00">\n'
              f'  <assembly name="/codebuild/output/src/Example.Tests.dll" run-date="2026-11-20" run-time="14:00:00" '
              f'config-file="/codebuild/output/src/Example.Tests.dll.config" total="{len(outcomes)}" time="120.5" errors="0">\n'
              '    <errors />\n')
    for name, methods in classes(rnd, [o if o != "flaky-pass" else "pass" for o in outcomes if o != "flaky"]):
        out.write(f'    <collection total="{len(methods)}" name="Test collection for {name}" time="1.2">\n')
        for method, outcome in methods:
            attrs = f'name="{name}.{method}" type="{name}" method="{method}" time="{rnd.random() * 0.2:.7f}"'
            if outcome == "fail":
                counts.add("failed")
                trace = stack_trace(rnd, name, "Xunit.Sdk.EqualException")
                out.write(f'      <test {attrs} result="Fail">\n        <failure exception-type="Xunit.Sdk.EqualException">\n'
                          '          <message><![CDATA[Assert.Equal() Failure\nExpected: 3\nActual:   2]]></message>\n'
                          f'          <stack-trace><![CDATA[{trace}]]></stack-trace>\n        </failure>\n      </test>\n')
            elif outcome == "skip":
                counts.add("skipped")
                out.write(f'      <test {attrs} result="Skip">\n        <reason><![CDATA[flaky on CI]]></reason>\n      </test>\n')
            else:
                counts.add("passed")
                out.write(f'      <test {attrs} result="Pass">\n        <traits />\n      </test>\n')
        out.write('    </collection>\n')
    out.write('  </assembly>\n</assemblies>\n')


def write_testng(out, rnd, outcomes, counts):
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              f'<testng-results ignored="0" total="{len(outcomes)}" passed="0" failed="0" skipped="0">\n'
              '  <reporter-output>\n  </reporter-output>\n'
              '  <suite started-at="2026-11-20T14:00:00 UTC" name="Surefire suite" finished-at="2026-11-20T14:02:00 UTC" duration-ms="120500">\n'
              '    <groups>\n    </groups>\n'
              '    <test started-at="2026-11-20T14:00:00 UTC" name="Surefire test" finished-at="2026-11-20T14:02:00 UTC" duration-ms="120500">\n')
    for name, methods in classes(rnd, outcomes):
        java = name.replace("Example.", "com.example.").lower().rsplit(".", 1)[0] + "." + name.rsplit(".", 1)[1]
        instance = f"{java}@{rnd.getrandbits(32):x}"
        out.write(f'      <class name="{java}">\n'
                  f'        <test-method is-config="true" signature="setUp()[pri:0, instance:{instance}]" name="setUp" '
                  'finished-at="2026-11-20T14:00:01 UTC" started-at="2026-11-20T14:00:01 UTC" duration-ms="3" status="PASS">\n'
                  '          <reporter-output>\n          </reporter-output>\n        </test-method>\n')
        for method, outcome in methods:
            method = method[0].lower() + method[1:]
            head = (f'        <test-method {{}}signature="{method}()[pri:0, instance:{instance}]" name="{method}" '
                    f'finished-at="2026-11-20T14:00:01 UTC" started-at="2026-11-20T14:00:01 UTC" duration-ms="{rnd.randint(0, 200)}" status="{{}}">\n')
            if outcome in ("fail", "flaky"):
                counts.add("failed" if outcome == "fail" else "skipped")
                trace = stack_trace(rnd, java, "java.lang.AssertionError")
                out.write(head.format('retried="true" ' if outcome == "flaky" else "", "FAIL" if outcome == "fail" else "SKIP")
                          + '          <exception class="java.lang.AssertionError">\n'
                          '            <message>\n              <![CDATA[expected [3] but found [2]]]>\n            </message>\n'
                          f'            <full-stacktrace>\n              <![CDATA[{trace}]]>\n            </full-stacktrace>\n'
                          '          </exception>\n          <reporter-output>\n          </reporter-output>\n        </test-method>\n')
            elif outcome == "skip":
                counts.add("skipped")
                out.write(head.format("", "SKIP") + '          <reporter-output>\n          </reporter-output>\n        </test-method>\n')
            else:
                counts.add("passed")
                out.write(head.format("", "PASS") + '          <reporter-output>\n          </reporter-output>\n        </test-method>\n')
        out.write('      </class>\n')
    out.write('    </test>\n  </suite>\n</testng-results>\n')


def write_cucumber(out, rnd, outcomes, counts):
    def step(keyword, text, status, error=None):
        result = {"duration": rnd.randint(100000, 90000000), "status": status}
        if error:
            result["error_message"] = error
        return {"result": result, "line": rnd.randint(3, 200), "name": text, "match": {"location": f"com.example.steps.{rnd.choice(NOUNS)}Steps.{rnd.choice(VERBS)}()"}, "keyword": keyword}

    out.write("[\n")
    first_feature = True
    for name, methods in classes(rnd, outcomes):
        feature = name.rsplit(".", 1)[1]
        uri = f"classpath:features/{feature.lower()}.feature"
        elements = []
        line = 5
        for method, outcome in methods:
            background = {"line": 3, "name": "", "description": "", "type": "background", "keyword": "Background",
                          "steps": [step("Given ", "a signed-in customer", "passed")]}
            if outcome != "flaky-pass":
                line += 4
            if outcome in ("fail", "flaky"):
                counts.add("failed")
                trace = stack_trace(rnd, name, "java.lang.AssertionError")
                steps = [step("When ", f"I {method.lower()}", "passed"), step("Then ", "it works", "failed", trace)]
            elif outcome == "skip":
                counts.add("skipped")
                steps = [step("When ", f"I {method.lower()}", "skipped"), step("Then ", "it works", "skipped")]
            else:
                counts.add("passed")
                steps = [step("When ", f"I {method.lower()}", "passed"), step("Then ", "it works", "passed")]
            elements.append(background)
            elements.append({"start_timestamp": "2026-11-20T14:00:01.000Z", "line": line, "name": method,
                             "description": "", "id": f"{feature.lower()};{method.lower()}", "type": "scenario",
                             "keyword": "Scenario", "steps": steps, "tags": [{"name": "@regression"}]})
        document = {"line": 1, "elements": elements, "name": feature, "description": "", "id": feature.lower(),
                    "keyword": "Feature", "uri": uri, "tags": []}
        if not first_feature:
            out.write(",\n")
        first_feature = False
        # Pretty-printed with two spaces, as cucumber-jvm, cucumber-js and the corpus files write it.
        out.write(json.dumps([document], indent=2)[2:-2])
    out.write("\n]\n")


WRITERS = {
    "nunit2": write_nunit2, "nunit3": write_nunit3, "trx": write_trx, "xunit": write_xunit,
    "testng": write_testng, "cucumber": write_cucumber,
}


def write_format(directory, kind, cases, rnd):
    """Writes `<kind>-<cases>.<ext>` and its `.expected.json`, unless both exist. Returns the path."""
    path = os.path.join(directory, f"{kind}-{cases}.{FORMATS[kind]}")
    expected = path + ".expected.json"
    if os.path.exists(path) and os.path.exists(expected):
        return path, False
    counts = Counts()
    outcomes = plan(rnd, cases)
    # NUnit 2 and xUnit.net record one result per test: a flaky test is written once (passed).
    with open(path, "w", encoding="utf-8") as out:
        WRITERS[kind](out, rnd, outcomes, counts)
    with open(expected, "w") as handle:
        json.dump(counts.json(), handle)
    return path, True
