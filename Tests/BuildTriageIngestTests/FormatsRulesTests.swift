import BuildTriageCore
import BuildTriageTestSupport
import Foundation
import Testing

@testable import BuildTriageIngest

/// The counting rules of Docs/formats.md, one by one, on small documents.
@Suite struct FormatsRulesTests {
    private func xml(_ text: String) throws(IngestError) -> JUnitReport {
        try XMLReportReader.read(bytes: Array(text.utf8))
    }

    private func cucumber(_ text: String) throws(IngestError) -> JUnitReport {
        try CucumberReader.read(bytes: Array(text.utf8))
    }

    /// total, passed, failed, errored, skipped.
    private func buckets(_ report: JUnitReport) -> [Int] {
        let counts = report.counts
        return [counts.total, counts.passed, counts.failed, counts.errored, counts.skipped]
    }

    // MARK: NUnit 2

    @Test func nunit2ResultValues() throws {
        let cases = ["Success", "Failure", "Error", "Cancelled", "NotRunnable", "Ignored", "Skipped", "Inconclusive", "success", "Bogus"]
            .map { "<test-case name=\"T.\($0)\" result=\"\($0)\"/>" }.joined()
        let report = try xml("<test-results><test-suite><results>\(cases)</results></test-suite></test-results>")
        #expect(report.kind == .nunit2)
        #expect(buckets(report) == [10, 2, 1, 4, 3])
    }

    @Test func nunit2WithoutResult() throws {
        let report = try xml("""
            <test-results><test-suite name="s" executed="True" success="False"><results>
            <test-case name="A.notRun" executed="False"/>
            <test-case name="A.failed" executed="True" success="False"><failure><message>m</message></failure></test-case>
            <test-case name="A.inconclusive" executed="true" success="False"/>
            <test-case name="A.passed" executed="True" success="Turue"/>
            </results></test-suite></test-results>
            """)
        #expect(buckets(report) == [4, 1, 1, 0, 2])
        #expect(report.cases.first { $0.outcome == .failed }?.failure?.message == "m")
        #expect(report.passed("A.passed"))
    }

    @Test func bareTestSuiteIsNUnit2OrNUnit3ByItsAttributes() throws {
        let v2 = try xml(#"<test-suite name="s"><results><test-case name="A.b" executed="True" success="True"/><test-case name="A.c" executed="False"/></results></test-suite>"#)
        #expect(v2.kind == .nunit2)
        #expect(buckets(v2) == [2, 1, 0, 0, 1])
        let v3 = try xml(#"<test-suite name="s"><test-case name="b" executed="True"/><test-case fullname="A.c" result="Passed"/></test-suite>"#)
        #expect(v3.kind == .nunit3)
        #expect(buckets(v3) == [1, 1, 0, 0, 0])
    }

    // MARK: NUnit 3

    @Test func nunit3ResultsAndLabels() throws {
        let report = try xml("""
            <test-run><test-suite type="Assembly">
            <test-case fullname="A.p" result="Passed"/><test-case fullname="A.w" result="Warning"/>
            <test-case fullname="A.f" result="Failed"/><test-case fullname="A.t" result="Failed" label="Timeout"/>
            <test-case fullname="A.e" result="Failed" label="error"/><test-case fullname="A.c" result="Failed" label="Cancelled"/>
            <test-case fullname="A.i" result="Failed" label="Invalid" site="SetUp"/>
            <test-case fullname="A.s" result="Skipped" label="Ignored"/><test-case fullname="A.x" result="Skipped" label="Invalid"/>
            <test-case fullname="A.n" result="Inconclusive"/><test-case fullname="A.listing"/>
            </test-suite></test-run>
            """)
        #expect(report.kind == .nunit3)
        #expect(buckets(report) == [10, 2, 2, 3, 3])
    }

    @Test func nunit3ExploreListingHasNoTests() throws {
        let report = try xml(#"<test-run><test-suite><test-case fullname="A.b" runstate="Runnable"/></test-suite></test-run>"#)
        #expect(report.counts.total == 0)
    }

    @Test func nunit3IdsFromFullnameOrClassname() throws {
        let report = try xml("""
            <test-run><test-case fullname="N.C.M(1)" classname="N.C" name="M(1)" result="Failed"/>
            <test-case classname="N.C" name="Other" result="Failed"/><test-case fullname="N.C.P" result="Passed"/></test-run>
            """)
        #expect(report.cases.map(\.subjectID) == ["N.C.M(1)", "N.C.Other"])
        #expect(report.passed("N.C.P"))
    }

    // MARK: TRX

    @Test func trxOutcomes() throws {
        let outcomes = [
            "Passed", "PassedButRunAborted", "Warning", "Completed", "Failed", "Error", "Timeout", "Aborted", "Disconnected",
            "NotRunnable", "InProgress", "NotExecuted", "Inconclusive", "Pending", "Strange",
        ]
        let results = outcomes.enumerated().map { "<UnitTestResult testId=\"\($0)\" testName=\"t\($0)\" outcome=\"\($1)\"/>" }.joined()
        let report = try xml("<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2006\"><Results>\(results)<UnitTestResult testId=\"x\" testName=\"none\"/></Results></TestRun>")
        #expect(report.kind == .trx)
        #expect(buckets(report) == [16, 4, 1, 8, 3])
    }

    @Test func trxLeavesCountNotAggregates() throws {
        let report = try xml("""
            <TestRun><Results>
            <TestResultAggregation testId="o" testName="ordered" outcome="Failed"><InnerResults>
              <UnitTestResult testId="a" testName="a" outcome="Passed"/>
              <UnitTestResult testId="b" testName="b" outcome="Failed" resultType="DataDrivenTest"><InnerResults>
                <UnitTestResult testId="b" testName="b (1)" outcome="Passed"/><UnitTestResult testId="b" testName="b (2)" outcome="Failed"/>
              </InnerResults></UnitTestResult>
            </InnerResults></TestResultAggregation>
            <UnitTestResult testId="c" testName="c" outcome="Passed"><InnerResults/></UnitTestResult>
            </Results><ResultSummary><Counters total="99" passed="99"/></ResultSummary></TestRun>
            """)
        #expect(buckets(report) == [4, 3, 1, 0, 0])
    }

    @Test func trxClassFromDefinitions() throws {
        let report = try xml("""
            <TestRun><Results>
            <UnitTestResult testId="1" testName="Adds" outcome="Failed"/><UnitTestResult testId="2" testName="N.C.Qualified" outcome="Failed"/>
            <UnitTestResult testId="1" testName="Adds" outcome="Passed"/><UnitTestResult testId="3" testName="Orphan" outcome="Passed"/>
            </Results><TestDefinitions>
            <UnitTest id="1"><TestMethod className="N.C, N.Tests, Version=1.0.0.0" name="Adds"/></UnitTest>
            <UnitTest id="2"><TestMethod className="N.C" name="Qualified"/></UnitTest>
            </TestDefinitions></TestRun>
            """)
        #expect(report.cases.map(\.subjectID) == ["N.C.Adds", "N.C.Qualified"])
        #expect(report.passed("N.C.Adds"))
        #expect(report.passed("Orphan"))
        #expect(TRXState.duration("01:02:03.5") == 3723.5)
    }

    // MARK: xUnit.net

    @Test func xunitResultsAndRunErrors() throws {
        let report = try xml("""
            <assemblies><assembly total="50"><errors><error type="assembly-cleanup"><failure><message>m</message></failure></error></errors>
            <collection><test name="N.C.p" result="Pass"/><test name="N.C.f" type="N.C" method="f" result="Fail"/>
            <test type="N.C" method="s" result="Skip"><reason>later</reason></test><test name="N.C.n" result="NotRun"/>
            <test name="N.C.o" result="Odd"/></collection></assembly></assemblies>
            """)
        #expect(report.kind == .xunit)
        #expect(buckets(report) == [5, 1, 1, 1, 2])
        #expect(report.cases.first { $0.outcome == .skipped }?.subjectID == "N.C.s")
        #expect(report.cases.first { $0.outcome == .skipped }?.skippedMessage == "later")
        let v1 = try xml(#"<assembly name="a.dll"><class name="N.C"><test name="N.C.t" type="N.C" method="t" result="Pass"/></class></assembly>"#)
        #expect(v1.kind == .xunit && v1.counts.passed == 1)
    }

    // MARK: TestNG

    @Test func testngCountsMethodsNotConfiguration() throws {
        let report = try xml("""
            <testng-results total="9" ignored="3"><suite><test><class name="C">
            <test-method name="before" is-config="true" status="FAIL"/>
            <test-method name="m" status="PASS"><params><param><value><![CDATA[ 1 ]]></value></param></params></test-method>
            <test-method name="m" status="FAIL"><params><param><value><![CDATA[2]]></value></param><param><value/></param></params></test-method>
            <test-method name="s" status="SKIP"/><test-method name="p" status="SUCCESS_PERCENTAGE_FAILURE"/><test-method name="o" status="?"/>
            </class></test></suite></testng-results>
            """)
        #expect(report.kind == .testng)
        #expect(buckets(report) == [5, 1, 2, 1, 1])
        #expect(report.passed("C.m(1)"))
        #expect(report.cases.map(\.subjectID).contains("C.m(2, )"))
    }

    @Test func testngRetriedSkipThenPassCarriesTheAttempt() throws {
        let report = try xml("""
            <testng-results><suite><test><class name="C">
            <test-method name="r" status="SKIP" retried="true"><exception class="E"><message>boom</message></exception></test-method>
            <test-method name="r" status="PASS"/>
            <test-method name="plain" status="SKIP"/><test-method name="plain" status="PASS"/>
            </class></test></suite></testng-results>
            """)
        #expect(buckets(report) == [4, 2, 0, 0, 2])
        let pass = try #require(report.cases.first { $0.outcome == .passed })
        #expect(pass.subjectID == "C.r")
        #expect(pass.reruns.first?.message == "boom")
        #expect(report.passed("C.plain"))
    }

    // MARK: Cucumber

    @Test func cucumberBackgroundsAndSeverity() throws {
        let report = try cucumber("""
            [{"uri": "f.feature", "name": "F", "elements": [
              {"type": "background", "steps": [{"result": {"status": "failed", "error_message": "bg"}}]},
              {"type": "scenario", "name": "a", "line": 3, "steps": [{"result": {"status": "skipped"}}]},
              {"type": "background", "steps": [{"result": {"status": "passed"}}]},
              {"type": "background", "before": [{"result": {"status": "passed"}}]},
              {"name": "b", "line": 5, "steps": [{"result": {"status": "passed"}, "after": [{"result": {"status": "pending"}}]}]},
              {"type": "scenario", "name": "c", "line": 6, "steps": [{"result": {"status": "skipped"}}, {"name": "no result"}]},
              {"type": "scenario", "name": "d", "line": 7, "steps": [{"result": {"status": "skipped"}}]},
              {"type": "scenario", "name": "e", "line": 8},
              {"type": "scenario_outline", "name": "template", "steps": [{"name": "x"}]},
              {"type": "scenario", "name": "g", "line": 9, "steps": [{"result": {"status": "weird"}}], "id": ["odd", 1]}
            ]}, {"uri": "empty.feature", "keyword": "Feature"}]
            """)
        #expect(report.kind == .cucumber)
        // a: failed background; b: pending hook; c: a step without a result; d: skipped; e: no steps; g: unknown status.
        #expect(buckets(report) == [6, 1, 4, 0, 1])
        #expect(report.cases.first { $0.subjectID == "F.a (line 3)" }?.failure?.message == "bg")
        #expect(report.passed("F.e (line 8)"))
    }

    @Test func cucumberShapeAndSyntax() throws {
        #expect(try cucumber(" \n[ ]").counts.total == 0)
        #expect(throws: IngestError.self) { try cucumber("[1]") }
        #expect(throws: IngestError.self) { try cucumber(#"[{"description": "no elements"}]"#) }
        let truncated = try #require(cucumberError("[{\"elements\": [\n{\"name\": \"x\""))
        #expect(truncated.line == 2)
        #expect(truncated.kind == .cucumber)
        let deep = try #require(cucumberError("[{\"elements\": [{\"x\": " + String(repeating: "[", count: 10_000)))
        #expect(deep.message.contains("nested deeper"))
        let control = try #require(cucumberError("[{\"elements\": [], \"name\": \"a\u{1}\"}]"))
        #expect(control.line == 1)
    }

    @Test("a number that straddles two chunks of a streamed file keeps its fraction")
    func cucumberNumberAcrossChunks() throws {
        // The duration's digits start 5 bytes before the first chunk ends, its fraction lies in the second.
        let head = "[{\"name\": \"F\", \"elements\": [{\"name\": \"s\", \"steps\": [{\"result\": {\"status\": \"failed\", \"duration\": "
        let padding = String(repeating: " ", count: JSONStream.chunkSize - 5 - head.utf8.count)
        let text = head + padding + "1500000000.25e0}}]}]}]"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("straddle-\(UUID().uuidString).json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try CucumberReader.read(path: path)
        #expect(buckets(report) == [1, 0, 1, 0, 0])
        #expect(report.cases.first?.time == 1.50000000025)
    }

    @Test("white space is skipped a word at a time with every line counted: an error's line and column stay exact")
    func cucumberErrorPositionAfterIndentation() throws {
        // Lines of indentation of every length around a word boundary, with tabs and CRs, then a stray byte.
        var text = "[{\"elements\": ["
        for width in 0..<20 { text += "\r\n" + String(repeating: " ", count: width) + "\t" + (width % 3 == 0 ? "\n\n" : "") }
        let lines = 1 + 20 + 7 * 2
        for width in [0, 7, 8, 9, 15, 16, 17] {
            let error = try #require(cucumberError(text + String(repeating: " ", count: width) + "\u{1}]}]"))
            #expect(error.line == lines)
            #expect(error.column == 19 + 1 + width + 1)  // the last line: 19 spaces and a tab before these
            #expect(error.message.contains("byte 0x1"))
        }
    }

    private func cucumberError(_ text: String) -> IngestError? {
        do {
            _ = try cucumber(text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Unknown outcome values

    @Test("an outcome value a reader does not know is counted by the rules and named in a note, never silently")
    func unknownOutcomeValuesAreNoted() throws {
        let trx = try xml("""
            <TestRun><Results><UnitTestResult testId="1" testName="a" outcome="Foo"/><UnitTestResult testId="2" testName="b" outcome="Foo"/>
            <UnitTestResult testId="3" testName="c" outcome="Passed"/><UnitTestResult testId="4" testName="d"/></Results></TestRun>
            """)
        #expect(buckets(trx) == [4, 1, 0, 3, 0])
        #expect(trx.notes == [
            #"2 tests with outcome="Foo", which TRX does not define: counted as errored"#, "1 test without outcome: counted as errored",
        ])

        let testng = try xml(#"<testng-results><suite><test><class name="C"><test-method name="m" status="WHATEVER"/></class></test></suite></testng-results>"#)
        #expect(buckets(testng) == [1, 0, 0, 1, 0])
        #expect(testng.notes == [#"1 test with status="WHATEVER", which TestNG does not define: counted as errored"#])
        // A test without its outcome attribute is named too (old MSTest files leave it out of some results).
        let missing = try xml(#"<assemblies><assembly><collection><test name="a"/><test name="b"/></collection></assembly></assemblies>"#)
        #expect(buckets(missing) == [2, 0, 0, 2, 0])
        #expect(missing.notes == ["2 tests without result: counted as errored"])

        let xunit = try xml(#"<assemblies><assembly><collection><test name="a" result="Odd"/><test name="b" result="Pass"/></collection></assembly></assemblies>"#)
        #expect(xunit.notes == [#"1 test with result="Odd", which xUnit.net does not define: counted as errored"#])

        // A value of the other NUnit version is unknown to this one.
        let nunit3 = try xml(#"<test-run><test-case fullname="A.a" result="Success"/><test-case fullname="A.b" result="Bogus"/></test-run>"#)
        #expect(buckets(nunit3) == [2, 0, 0, 2, 0])
        #expect(nunit3.notes == [
            #"1 test with result="Success", which NUnit 3 does not define: counted as errored"#,
            #"1 test with result="Bogus", which NUnit 3 does not define: counted as errored"#,
        ])

        let cucumber = try cucumber("""
            [{"name": "F", "elements": [{"name": "a", "steps": [{"result": {"status": "weird"}}, {"result": {"status": "weird"}}]},
            {"name": "b", "steps": [{"result": {"status": "passed"}}]}]}]
            """)
        #expect(buckets(cucumber) == [2, 1, 1, 0, 0])
        #expect(cucumber.notes == [#"2 steps or hooks with status="weird", which Cucumber does not define: counted as undefined"#])

        // Known values make no note; the notes stay few however many values a file invents.
        #expect(try xml(#"<testng-results><suite><test><class name="C"><test-method name="m" status="PASS"/></class></test></suite></testng-results>"#).notes == nil)
        let many = (0..<50).map { "<test name=\"t\($0)\" result=\"R\($0)\"/>" }.joined()
        let flood = try xml("<assemblies><assembly>\(many)</assembly></assemblies>")
        #expect(flood.counts.errored == 50)
        #expect(flood.notes?.count == UnknownValues.maxNamed + 1)
        #expect(flood.notes?.last == "42 more tests with other values of result that xUnit.net does not define: counted as errored")
    }

    // MARK: Detection

    @Test("the root element decides, after a prolog, a BOM, comments and a DOCTYPE, in UTF-8 or UTF-16")
    func detection() throws {
        let prolog = "\u{FEFF}<?xml version=\"1.0\"?>\n<!-- <testsuite> -->\n<!DOCTYPE x [<!ENTITY a \"<b>\">]>\n"
        #expect(try xml(prolog + "<ns:testng-results xmlns:ns=\"u\"/>").kind == .testng)
        #expect(XMLReportReader.rootName(Array((prolog + "<TestRun>").utf8)) == "TestRun")
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><test-run/>".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(XMLReportReader.rootName(utf16) == "test-run")
        let read = Ingestor.read(data: Data(utf16), path: "x")
        #expect(read.record.kind == .nunit3 && read.record.status == .ok)
        // A root the first bytes hide (a comment longer than the sniffed prefix) is still found by the reader.
        let long = "<!--" + String(repeating: "x", count: 70_000) + "--><assemblies/>"
        #expect(try xml(long).kind == .xunit)
    }

    @Test("white space before the XML declaration is skipped like any leading white space, lines kept")
    func whiteSpaceBeforeTheDeclaration() throws {
        let document = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<test-run>\n<test-case fullname=\"A.b\" result=\"Failed\"/>\n</test-run>"
        for prefix in ["\n", "\r\n  \n", "\u{FEFF}\n\t"] {
            let report = try xml(prefix + document)
            #expect(report.kind == .nunit3)
            #expect(buckets(report) == [1, 0, 1, 0, 0])
            let newlines = prefix.filter(\.isNewline).count
            #expect(report.cases.first?.reportLine == 3 + newlines)
            let read = Ingestor.read(data: Data(utf16(prefix.replacingOccurrences(of: "\u{FEFF}", with: "") + document)), path: "x")
            #expect(read.record.kind == .nunit3 && read.record.status == .ok)
        }
        // Lines after the declaration keep their numbers in a diagnostic too.
        let broken = "\n\n" + document.replacingOccurrences(of: "A.b", with: "A&b")
        #expect(throws: IngestError.self) { try xml(broken) }
        do {
            _ = try xml(broken)
        } catch {
            #expect(error.line == 5)
        }
        // From a file as well (the first chunk read from disk).
        let scratch = try ScratchDirectory("declaration")
        defer { scratch.cleanUp() }
        let read = Ingestor.read(path: try scratch.write("\n\n" + document, to: "run.xml"))
        #expect(read.record.kind == .nunit3 && read.record.status == .ok)
    }

    /// `text` in UTF-16 with its byte order mark.
    private func utf16(_ text: String, bigEndian: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        return bytes
    }

    @Test("UTF-16 content is read after its byte order mark and white space: XML, and JSON transcoded as it is read")
    func utf16Content() throws {
        // Windows PowerShell 5's `>` and `Out-File` write UTF-16 LE with a mark, and often a line break first.
        let xml = utf16("\r\n<test-run><test-case fullname=\"A.b\" result=\"Passed\"/></test-run>")
        let readXML = Ingestor.read(data: Data(xml), path: "x")
        #expect(readXML.record.kind == .nunit3 && readXML.record.status == .ok)

        let feature = #"{"uri": "a.feature", "name": "F \#u{1F600}", "elements": [{"name": "s \#u{E9}", "line": 3, "steps": [{"result": {"status": "failed"}}]}, {"name": "t", "line": 4, "steps": [{"result": {"status": "passed"}}]}]}"#
        for bigEndian in [false, true] {
            let read = Ingestor.read(data: Data(utf16(" \n[" + feature + "]", bigEndian: bigEndian)), path: "x")
            #expect(read.record.kind == .cucumber && read.record.status == .ok)
            guard case .junit(let report) = read.document else {
                Issue.record("not a test report: \(read.record)")
                continue
            }
            #expect(buckets(report) == [2, 1, 1, 0, 0])
            #expect(report.cases.first?.subjectID == "F \u{1F600}.s \u{E9} (line 3)")
        }
        let aws = Ingestor.read(data: Data(utf16(#"{"builds": []}"#)), path: "x")
        #expect(aws.record.kind == .codebuildBuilds && aws.record.status == .ok)

        // Streamed from a file, in chunks that end inside a character (surrogate pairs, an odd byte count).
        let scratch = try ScratchDirectory("utf16")
        defer { scratch.cleanUp() }
        let features = Array(repeating: feature, count: 3_000).joined(separator: ",\n")
        for bigEndian in [false, true] {
            let path = try scratch.write(utf16("[" + features + "]", bigEndian: bigEndian), to: "cucumber-\(bigEndian).json")
            let read = Ingestor.read(path: path)
            #expect(read.record.kind == .cucumber && read.record.status == .ok)
            guard case .junit(let report) = read.document else {
                Issue.record("not a test report: \(read.record)")
                continue
            }
            #expect(buckets(report) == [6_000, 3_000, 3_000, 0, 0])
            #expect(report.cases.allSatisfy { $0.subjectID == "F \u{1F600}.s \u{E9} (line 3)" })
        }
        // Half a code unit at the end is broken input.
        let odd = try scratch.write(utf16("[" + feature + "]") + [0x20], to: "odd.json")
        let read = Ingestor.read(path: odd)
        #expect(read.record.status == .error)
        #expect(read.record.diagnostic?.contains("invalid UTF-16") == true)
    }
}
