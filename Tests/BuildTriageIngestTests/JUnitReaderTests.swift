import BuildTriageCore
import Foundation
import Testing

@testable import BuildTriageIngest

/// `Tests/Corpus/junit` of this package (symlinks resolved, so a package that links these files works too).
private let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests/Corpus/junit")

private func read(_ xml: String) throws(IngestError) -> JUnitReport {
    try JUnitReader.read(bytes: Array(xml.utf8))
}

/// The error reading `bytes` gives, nil when they read (shared by the reader's and the push parser's tests).
func readError(_ bytes: [UInt8]) -> IngestError? {
    do {
        _ = try JUnitReader.read(bytes: bytes)
        return nil
    } catch {
        return error
    }
}

/// Everything a report says, as text: for checks that some content never appears anywhere.
private func everything(_ report: JUnitReport) -> String {
    let data = (try? JSONEncoder().encode(report)) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

@Suite("JUnitReader")
struct JUnitReaderTests {
    // MARK: Conformance

    @Test("every row of corpus/junit/expected.tsv")
    func conformance() throws {
        let table = try String(contentsOf: corpus.appendingPathComponent("expected.tsv"), encoding: .utf8)
        var lines = table.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let header = lines.removeFirst()
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name), "column \(name)") }
        let path = try column("relative_path"), parseOK = try column("parse_ok"), root = try column("root")
        let suites = try column("suites"), tests = try column("tests"), failures = try column("failures")
        let errors = try column("errors"), skipped = try column("skipped"), passed = try column("passed")
        let flakySameSuite = try column("flaky_candidates_same_suite"), flakyDetail = try column("flaky_detail")

        var mismatches: [String] = []
        var checked = (junit: 0, malformed: 0, other: 0)
        for row in lines {
            let file = corpus.appendingPathComponent(row[path]).path
            let rootName = row[root]
            if row[parseOK] == "0" {
                checked.malformed += 1
                do {
                    let report = try JUnitReader.read(path: file)
                    mismatches.append("\(row[path]): malformed file read without error (\(report.counts))")
                } catch {
                    if error.line == nil { mismatches.append("\(row[path]): error without a line: \(error)") }
                }
            } else if rootName == "testsuites" || rootName == "testsuite" {
                checked.junit += 1
                do {
                    let report = try JUnitReader.read(path: file)
                    let expected = [
                        ("root", rootName), ("suites", row[suites]), ("tests", row[tests]), ("failures", row[failures]),
                        ("errors", row[errors]), ("skipped", row[skipped]), ("passed", row[passed]),
                        ("flaky_candidates_same_suite", row[flakySameSuite]),
                    ]
                    let actual = [
                        report.root, "\(report.suiteCount)", "\(report.counts.total)", "\(report.counts.failed)",
                        "\(report.counts.errored)", "\(report.counts.skipped)", "\(report.counts.passed)",
                        "\(flakyCandidates(report))",
                    ]
                    for ((name, want), got) in zip(expected, actual) where want != got {
                        mismatches.append("\(row[path]): \(name) expected \(want), read \(got)")
                    }
                    // `flaky_detail` counts rerun elements by kind (`flakyFailure=3 flakyError=1`): all are kept.
                    for item in row[flakyDetail].split(separator: " ") {
                        let parts = item.split(separator: "=")
                        guard parts.count == 2, let kind = TestFailure.Kind(rawValue: String(parts[0])), kind.isRerun else { continue }
                        let kept = report.cases.reduce(0) { $0 + $1.reruns.count(where: { $0.kind == kind }) }
                        if "\(kept)" != parts[1] { mismatches.append("\(row[path]): \(kind) expected \(parts[1]), kept \(kept)") }
                    }
                    let plainPasses = report.counts.passed - report.cases.count(where: { $0.outcome == .passed })
                    if report.passedIdentities.count != plainPasses {
                        mismatches.append("\(row[path]): \(report.passedIdentities.count) identities for \(plainPasses) plain passes")
                    }
                    if report.passedIdentities != report.passedIdentities.sorted() {
                        mismatches.append("\(row[path]): passedIdentities not sorted")
                    }
                } catch {
                    mismatches.append("\(row[path]): \(error)")
                }
            } else {
                checked.other += 1
                do {
                    _ = try JUnitReader.read(path: file)
                    mismatches.append("\(row[path]): <\(rootName)> report read as JUnit")
                } catch {
                    if !error.message.contains("<\(rootName)>") {
                        mismatches.append("\(row[path]): message does not name <\(rootName)>: \(error.message)")
                    }
                }
            }
        }
        #expect(checked.junit > 100 && checked.malformed >= 3 && checked.other >= 5, "\(checked)")
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) mismatches:\n" + mismatches.joined(separator: "\n")))
    }

    /// Distinct subject ids judged flaky from one report: a rerun record with a final pass, or a failure/error
    /// and a pass of the same subject id. Matches the corpus's `flaky_candidates_same_suite`; its
    /// `flaky_candidates` keys tests by (classname, name) even when the classname is empty, which differs from the
    /// subject id (`<suite>.<name>`) only in nested/junit.xml.
    private func flakyCandidates(_ report: JUnitReport) -> Int {
        let keptPasses = Set(report.cases.filter { $0.outcome == .passed }.map(\.subjectID))
        var flaky = Set<String>()
        for testCase in report.cases {
            let id = testCase.subjectID
            if testCase.outcome == .passed, !testCase.reruns.isEmpty { flaky.insert(id) }
            if testCase.outcome == .failed || testCase.outcome == .errored, report.passed(id) || keptPasses.contains(id) {
                flaky.insert(id)
            }
        }
        return flaky.count
    }

    @Test func corpusFlakyAndFileAttributes() throws {
        let report = try JUnitReader.read(path: corpus.appendingPathComponent("action-junit-report/test_results/flaky_retries/flaky_success_first.xml").path)
        #expect(report.counts.total == 3 && report.counts.passed == 1 && report.counts.failed == 1 && report.counts.errored == 1)
        let failed = try #require(report.cases.first { $0.outcome == .failed })
        #expect(failed.file == "/home/runner/work/tests/test_order.py")
        #expect(failed.line == 15)
        #expect(failed.time == 1.0)
        #expect(failed.reportLine == 7)
        #expect(failed.failure?.message == "later failure")
        #expect(failed.failure?.details == "This failure came after success")
        #expect(report.passed("test_order.TestOrder.test_success_first"))
    }

    @Test func pathAndBytesAgree() throws {
        let file = corpus.appendingPathComponent("maven-surefire/surefire-report-parser/src/test/resources/fixture/testsuitexmlparser/TEST-org.acme.FlakyTest.xml")
        let fromPath = try JUnitReader.read(path: file.path)
        let fromBytes = try JUnitReader.read(bytes: Array(try Data(contentsOf: file)))
        #expect(fromPath == fromBytes)
        let flaky = try #require(fromPath.cases.first)
        #expect(flaky.outcome == .passed)
        #expect(flaky.reruns.count >= 1)
        #expect(flaky.reruns.first?.kind == .flakyFailure)
        #expect(flaky.reruns.first?.details?.hasPrefix("org.opentest4j.AssertionFailedError: expected: <1> but was: <0>") == true)
        #expect(flaky.reruns.first?.message == "expected: <1> but was: <0>")
    }

    /// Enough plain passes for the radix sort (small reports use the comparison sort): sorted, and each one found.
    @Test func manyPassedIdentitiesAreSorted() throws {
        let names = (0..<5000).map { "t\($0 * 7919 % 5000)" }
        let cases = names.map { #"<testcase classname="pkg.\#($0.count)C" name="\#($0)"/>"# }.joined()
        let report = try JUnitReader.read(bytes: Array("<testsuite name=\"s\">\(cases)</testsuite>".utf8))
        #expect(report.passedIdentities.count == 5000)
        #expect(report.passedIdentities == report.passedIdentities.sorted())
        for name in names.prefix(50) { #expect(report.passed("pkg.\(name.count)C.\(name)")) }
        #expect(!report.passed("pkg.C.missing"))
    }

    // MARK: Structure

    @Test func nestedSuites() throws {
        let report = try read("""
            <testsuites>
              <testsuite name="outer">
                <properties><property name="a" value="b"/><property name="c" value="d"/></properties>
                <testsuite name="inner">
                  <testcase classname="" name="deep"><failure message="boom"/></testcase>
                </testsuite>
                <testcase name="shallow"><skipped message="later"/></testcase>
                <testsuite name="empty"/>
                <testcase classname="C" name="ok"/>
              </testsuite>
            </testsuites>
            """)
        #expect(report.root == "testsuites")
        #expect(report.suiteCount == 3)
        #expect(report.counts.total == 3 && report.counts.failed == 1 && report.counts.skipped == 1 && report.counts.passed == 1)
        #expect(report.cases.map(\.suite) == ["inner", "outer"])
        #expect(report.cases.map(\.subjectID) == ["inner.deep", "outer.shallow"])
        #expect(report.cases[1].skippedMessage == "later")
        #expect(report.passed("C.ok"))
        #expect(!report.passed("outer.ok"))
    }

    @Test func bareTestsuiteRootAndOutcomeOrder() throws {
        let report = try read("""
            <?xml version="1.0"?>
            <testsuite name="S" tests="99">
              <testcase name="both"><failure message="f"/><error message="e" type="E"/></testcase>
              <testcase name="skipfail"><skipped/><failure message="f2">trace</failure></testcase>
              <testcase name="disabled" status="disabled"/>
              <testcase name="notrun" status="notrun"/>
              <testcase/>
            </testsuite>
            """)
        #expect(report.root == "testsuite")
        #expect(report.suiteCount == 1)
        #expect(report.counts.total == 5 && report.counts.errored == 1 && report.counts.failed == 1 && report.counts.passed == 3)
        #expect(report.cases[0].outcome == .errored)
        #expect(report.cases[0].failure == TestFailure(kind: .error, type: "E", message: "e"))
        #expect(report.cases[1].outcome == .failed)
        #expect(report.cases[1].failure?.details == "trace")
        #expect(report.passed("S.disabled") && report.passed("S.notrun") && report.passed("S."))
    }

    @Test func cdataAndTextDetails() throws {
        let report = try read("""
            <testsuite name="S"><testcase classname="C" name="t">
            <failure message="a &lt; b" type="AssertionError"><![CDATA[line <1>
            line &2;]]> and text &amp; more<![CDATA[!]]></failure>
            <system-out><![CDATA[out]]></system-out><system-err>err</system-err>
            </testcase></testsuite>
            """)
        let failed = try #require(report.cases.first)
        #expect(failed.failure?.message == "a < b")
        #expect(failed.failure?.type == "AssertionError")
        #expect(failed.failure?.details == "line <1>\nline &2; and text & more!")
        #expect(failed.systemOut == "out")
        #expect(failed.systemErr == "err")
    }

    @Test func surefireRerunsWithFinalPass() throws {
        let report = try read("""
            <testsuite name="S">
              <testcase classname="C" name="flaky" time="0.5">
                <flakyFailure message="first" type="AssertionError">
                  <stackTrace><![CDATA[at C.flaky(C.java:10)]]></stackTrace>
                  <system-out>attempt 1 out</system-out>
                </flakyFailure>
                <flakyError message="second"><stackTrace>at C.flaky(C.java:11)</stackTrace></flakyError>
                <system-out>final out</system-out>
              </testcase>
              <testcase classname="C" name="rerunFailed">
                <failure message="still"/>
                <rerunFailure message="again"/>
              </testcase>
            </testsuite>
            """)
        #expect(report.counts.total == 2 && report.counts.passed == 1 && report.counts.failed == 1)
        #expect(report.passedIdentities.isEmpty)
        let flaky = try #require(report.cases.first)
        #expect(flaky.outcome == .passed)
        #expect(flaky.failure == nil)
        #expect(flaky.reruns == [
            TestFailure(kind: .flakyFailure, type: "AssertionError", message: "first", details: "at C.flaky(C.java:10)"),
            TestFailure(kind: .flakyError, message: "second", details: "at C.flaky(C.java:11)"),
        ])
        #expect(flaky.systemOut == "final out")
        #expect(flaky.time == 0.5)
        #expect(report.cases[1].outcome == .failed && report.cases[1].reruns.map(\.kind) == [.rerunFailure])
    }

    @Test func rerunsAreCapped() throws {
        let reruns = String(repeating: "<rerunFailure message=\"x\"/>", count: JUnitLimits.rerunsKept + 5)
        let report = try read("<testsuite><testcase name=\"t\"><failure/>\(reruns)</testcase></testsuite>")
        #expect(report.cases.first?.reruns.count == JUnitLimits.rerunsKept)
    }

    @Test func repeatedTestcaseFailThenPass() throws {
        let report = try read("""
            <testsuites><testsuite name="S">
              <testcase classname="pkg.C" name="t"><failure message="boom"/></testcase>
              <testcase classname="pkg.C" name="t"/>
              <testcase classname="pkg.C" name="t"/>
            </testsuite></testsuites>
            """)
        #expect(report.counts.total == 3 && report.counts.failed == 1 && report.counts.passed == 2)
        #expect(report.cases.count == 1)
        #expect(report.passedIdentities == [TestIdentity.hash("pkg.C.t"), TestIdentity.hash("pkg.C.t")])
        #expect(report.passed("pkg.C.t"))
    }

    @Test func identityHashesMatchSubjectIDs() throws {
        let report = try read("""
            <testsuite name="Süite">
              <testcase classname="ÇlassName" name="naïve ✓"/>
              <testcase classname="" name="noClass"/>
              <testcase name="nameOnly"/>
            </testsuite>
            """)
        let ids = ["ÇlassName.naïve ✓", "Süite.noClass", "Süite.nameOnly"]
        #expect(report.passedIdentities == ids.map(TestIdentity.hash).sorted())
        let bare = try read("<testsuites><testcase name=\"x\"/><testcase classname=\"\" name=\"\"/></testsuites>")
        #expect(bare.passedIdentities == [TestIdentity.hash("x"), TestIdentity.hash("")].sorted())
    }

    @Test(arguments: [
        ("1.5", 1.5), ("1", 1.0), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("1,5", 1.5), ("1e-3", 0.001),
        (" 2.25 ", 2.25), ("1 234,5", 1234.5), ("1,234,567", 1_234_567.0), ("0.010s", 0.01),
    ])
    func localeTimes(text: String, seconds: Double) {
        #expect(JUnitReader.parseTime(text) == seconds)
    }

    @Test func badTimesAreNil() throws {
        for text in [nil, "", "abc", "NaN", "inf", "1.2.3,4,5x"] as [String?] {
            #expect(JUnitReader.parseTime(text) == nil, "\(text ?? "nil")")
        }
        let report = try read("""
            <testsuite><testcase name="a" time="1.234,5"><failure/></testcase><testcase name="b" time="soon"><failure/></testcase></testsuite>
            """)
        #expect(report.cases.map(\.time) == [1234.5, nil])
    }

    @Test func fileLineAndReportLine() throws {
        let report = try read("""
            <testsuite name="S">

              <testcase classname="C" name="t" file="src/c.py" line=" 42 "
                        time="1">
                <failure/>
              </testcase>
              <testcase name="u" line="x"><error/></testcase>
            </testsuite>
            """)
        #expect(report.cases[0].file == "src/c.py")
        #expect(report.cases[0].line == 42)
        #expect(report.cases[0].reportLine == 3)
        #expect(report.cases[1].line == nil)
        #expect(report.cases[1].reportLine == 7)
    }

    @Test func reportLinesPastSixtyFiveThousand() throws {
        // libxml2 keeps element lines in 16 bits; text-node lines (XML_PARSE_BIG_LINES) carry the real ones.
        var xml = "<testsuite name=\"S\">\n"
        for index in 0..<70_000 { xml += "<testcase name=\"p\(index)\"/>\n" }
        xml += "<testcase name=\"f1\"><failure/></testcase>\n"  // line 70,002
        xml += "<testcase name=\"f2\"\n  time=\"1\"><failure/></testcase>"  // lines 70,003-70,004
        xml += "<testcase name=\"f3\"><failure/></testcase>\n</testsuite>\n"  // line 70,004, straight after an end tag
        let report = try read(xml)
        #expect(report.counts.total == 70_003)
        #expect(report.cases.prefix(2).map(\.reportLine) == [70_002, 70_003])
        // No text before it and past 65,535: only the parser's position is known (a few lines on at most).
        #expect((70_004...70_006).contains(report.cases[2].reportLine ?? 0))
    }

    @Test func hugeMessagesAreCapped() throws {
        let message = String(repeating: "é", count: 100_000)
        let details = String(repeating: "stack line\n", count: 200_000)
        let report = try read("""
            <testsuite><testcase name="t"><failure message="\(message)">\(details)</failure>
            <system-out><![CDATA[\(details)]]></system-out><system-err>\(details)</system-err>
            <skipped message="\(message)"/></testcase></testsuite>
            """)
        let failed = try #require(report.cases.first)
        let kept = try #require(failed.failure)
        #expect(kept.message?.utf8.count ?? 0 <= JUnitLimits.messageBytes + 3)
        #expect(kept.message?.hasSuffix("…") == true)
        #expect(kept.message?.dropLast().allSatisfy { $0 == "é" } == true)
        #expect(kept.details?.utf8.count ?? 0 <= JUnitLimits.detailBytes + 3)
        #expect(kept.details?.hasSuffix("…") == true)
        #expect(failed.systemOut?.utf8.count ?? 0 <= JUnitLimits.outputBytes + 3)
        #expect(failed.systemErr?.utf8.count ?? 0 <= JUnitLimits.outputBytes + 3)
        #expect(failed.skippedMessage?.utf8.count ?? 0 <= JUnitLimits.messageBytes + 3)
    }

    // MARK: Not JUnit

    @Test(arguments: [
        ("<test-run id=\"2\"/>", "not a JUnit report: root element <test-run> is NUnit 3 format"),
        ("<assemblies/>", "not a JUnit report: root element <assemblies> is xUnit.net format"),
        ("<TestLog/>", "not a JUnit report: root element <TestLog> is Boost.Test log format"),
        ("<failsafe-summary/>", "not a JUnit report: root element <failsafe-summary> is Maven Failsafe summary format"),
        ("<foo><testsuite/></foo>", "not a JUnit report: root element <foo> (expected <testsuites> or <testsuite>)"),
    ])
    func otherRoots(xml: String, message: String) {
        let error = readError(Array(xml.utf8))
        #expect(error?.message == message)
        #expect(error?.line == 1)
    }

    // MARK: Malformed input

    @Test func truncatedDocumentHasALine() throws {
        let error = try #require(readError(Array("<testsuite>\n  <testcase name=\"a\">\n    <failure>boom".utf8)))
        #expect(error.line == 3)
        #expect(!error.message.isEmpty && !error.message.contains("\n"))
        #expect(error.kind == .junit)
    }

    @Test func unclosedCDATA() throws {
        let error = try #require(readError(Array("<testsuite><testcase name=\"a\"><failure><![CDATA[boom</failure></testcase></testsuite>".utf8)))
        #expect(error.line == 1)
    }

    @Test func emptyFile() throws {
        #expect(readError([])?.message == "empty file")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("junit-empty-\(UUID().uuidString).xml")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: IngestError("empty file")) { try JUnitReader.read(path: file.path) }
    }

    @Test func whiteSpaceOnly() {
        #expect(readError(Array(" \n\t\n".utf8))?.message == "empty file (only white space or NUL bytes)")
        #expect(readError([0xEF, 0xBB, 0xBF, 0x0A])?.message == "empty file (only white space or NUL bytes)")
    }

    /// libxml2 without XML_PARSE_HUGE refuses text nodes over 10 MB (HUGE would also switch off its entity-
    /// amplification check, so it stays off): such a report is a diagnostic, not a crash.
    @Test func textNodeOverTenMegabytesIsADiagnostic() throws {
        let big = String(repeating: "output line\n", count: 1_000_000)
        let error = try #require(readError(Array("<testsuite><testcase name=\"t\"><system-out>\(big)</system-out></testcase></testsuite>".utf8)))
        #expect(error.line != nil)
    }

    @Test func missingFileAndDirectory() {
        #expect(throws: IngestError.self) { try JUnitReader.read(path: "/nonexistent/junit.xml") }
        #expect(throws: IngestError("is a directory")) { try JUnitReader.read(path: NSTemporaryDirectory()) }
    }

    @Test func invalidUTF8() throws {
        var bytes = Array("<testsuite>\n<testcase name=\"".utf8)
        bytes += [0xC3, 0x28, 0xFF]
        bytes += Array("\"/></testsuite>".utf8)
        let error = try #require(readError(bytes))
        #expect(error.line == 2)
    }

    @Test func nulByteMidFile() throws {
        var bytes = Array("<testsuite>\n<testcase name=\"a\">".utf8)
        bytes.append(0)
        bytes += Array("</testcase></testsuite>".utf8)
        let error = try #require(readError(bytes))
        #expect(error.line == 2)
    }

    @Test func binaryGarbage() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(readError(bytes) != nil)
        }
    }

    @Test func utf16WithBOM() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<testsuite name=\"S\"><testcase name=\"ü\"><failure message=\"ß\"/></testcase><testcase name=\"ok\"/></testsuite>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let report = try JUnitReader.read(bytes: bytes)
        #expect(report.counts.total == 2)
        #expect(report.cases.first?.name == "ü")
        #expect(report.cases.first?.failure?.message == "ß")
        #expect(report.passed("S.ok"))
    }

    @Test func deepNestingDoesNotCrash() {
        let depth = 10_000
        let xml = "<testsuites>" + String(repeating: "<testsuite>", count: depth) + "<testcase name=\"t\"/>"
            + String(repeating: "</testsuite>", count: depth) + "</testsuites>"
        do {
            let report = try read(xml)
            #expect(report.counts.total == 1)
        } catch {
            #expect(error.line != nil)
        }
    }

    // MARK: Entities


    @Test(arguments: [
        "<testsuite><testcase name=\"t\"><failure>&lol9;</failure></testcase></testsuite>",
        "<testsuite><testcase name=\"&lol9;\"><failure message=\"&lol9;&lol9;\"/></testcase></testsuite>",
        "<testsuite name=\"&lol9;\"><testcase name=\"t\"/></testsuite>",
    ])
    func billionLaughsFinishesFast(body: String) {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: String
        do {
            outcome = everything(try read(Attack.laughsDTD + body))
        } catch {
            outcome = error.description
        }
        #expect(clock.now - start < .seconds(2))
        #expect(outcome.utf8.count < 10_000)
        #expect(!outcome.contains("lollollol"))
    }

    @Test(arguments: [
        "<!DOCTYPE testsuite [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><testsuite><testcase name=\"t\"><failure>&x;</failure></testcase></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><testsuite><testcase name=\"&x;\"><failure message=\"&x;\"/></testcase></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY x SYSTEM \"/etc/passwd\">]><testsuite name=\"&x;\"><testcase name=\"t\"><failure/></testcase></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><testsuite><testcase name=\"t\"><failure/></testcase></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> <!ENTITY x \"%p;\">]><testsuite><testcase name=\"t\"><failure>&x;</failure></testcase></testsuite>",
        "<!DOCTYPE testsuite SYSTEM \"file:///etc/passwd\"><testsuite><testcase name=\"t\"><failure/></testcase></testsuite>",
    ])
    func externalEntitiesAreNotRead(xml: String) {
        let outcome: String
        do {
            outcome = everything(try read(xml))
        } catch {
            outcome = error.description
        }
        #expect(!outcome.contains("root:"), "\(outcome)")
        #expect(!outcome.contains("/bin/"), "\(outcome)")
    }

    @Test func externalDTDIsNotLoaded() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("junit-dtd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dtd = directory.appendingPathComponent("junit.dtd")
        try Data("""
            <!ENTITY leak "LEAKED-FROM-DTD">
            <!ATTLIST testcase classname CDATA "DEFAULTED-FROM-DTD">
            """.utf8).write(to: dtd)
        let report = directory.appendingPathComponent("report.xml")
        try Data("""
            <!DOCTYPE testsuite SYSTEM "\(dtd.path)">
            <testsuite><testcase name="t"><failure>&leak;</failure></testcase><testcase name="p"/></testsuite>
            """.utf8).write(to: report)
        let outcome: String
        do {
            let read = try JUnitReader.read(path: report.path)
            #expect(read.passed("p"))
            outcome = everything(read)
        } catch {
            outcome = error.description
        }
        #expect(!outcome.contains("LEAKED"), "\(outcome)")
        #expect(!outcome.contains("DEFAULTED"), "\(outcome)")
    }

    // MARK: Performance (opt-in)

    /// `JUNIT_PERF=/path/to/big.xml swift test -c release --filter JUnitReaderTests/perf` (generate a big report
    /// outside the repository first).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["JUNIT_PERF"] != nil))
    func perf() throws {
        let path = try #require(ProcessInfo.processInfo.environment["JUNIT_PERF"])
        let clock = ContinuousClock()
        let start = clock.now
        let report = try JUnitReader.read(path: path)
        let elapsed = clock.now - start
        print("JUNIT_PERF \(path): \(elapsed) counts=\(report.counts) suites=\(report.suiteCount) kept=\(report.cases.count) identities=\(report.passedIdentities.count)")
    }
}
