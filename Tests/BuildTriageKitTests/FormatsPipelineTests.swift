import BuildTriageCore
import BuildTriageIngest
import BuildTriageKit
import BuildTriageTestSupport
import Foundation
import Testing

/// The non-JUnit formats through the whole pipeline: broken files become diagnostics with the path and line (the
/// other inputs still read), and each format's rerun signal becomes a `flaky` finding.
@Suite("Test-report formats through the pipeline")
struct FormatsPipelineTests {
    private func run(_ files: [(String, String)]) throws -> TriageReport {
        let scratch = try ScratchDirectory("formats")
        defer { scratch.cleanUp() }
        let paths = try files.map { name, text in try scratch.write(text, to: name) }
        return Triage.run(paths: paths)
    }

    /// One broken file of each format, with the kind it must be reported as and the line of the problem.
    static let broken: [(name: String, text: String, kind: InputKind, line: Int)] = [
        ("nunit2.xml", "<test-results>\n<test-suite name=\"s\">\n<results>\n<test-case name=\"a.b\" result=\"Success\">\n", .nunit2, 4),
        ("nunit3.xml", "<test-run>\n<test-suite>\n<test-case fullname=\"a.b\" result=\"Passed\" label=\"x\"y/>\n</test-suite></test-run>", .nunit3, 3),
        ("run.trx", "<TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\">\n<Results>\n<UnitTestResult testName=\"t\" outcome=\"Passed\">\n</Results>\n</TestRun>", .trx, 4),
        ("xunit.xml", "<assemblies>\n<assembly>\n<collection>\n<test name=\"a\" result=\"Pass\"></tset>\n", .xunit, 4),
        ("testng.xml", "<testng-results>\n<suite>\n<test>\n<class name=\"C\">\n<test-method name=\"m\" status=\"PASS\" \u{1}/>", .testng, 5),
        ("cucumber.json", "[\n  {\"uri\": \"a.feature\", \"elements\": [\n    {\"name\": \"s\", \"steps\": [\n      {\"result\": {\"status\": \"passed\"}\n  ]}\n]}]", .cucumber, 5),
    ]

    @Test("a broken file of each format: a diagnostic with path and line, the other inputs still read", arguments: 0..<6)
    func brokenFile(index: Int) throws {
        let broken = Self.broken[index]
        let good = #"<testsuite><testcase classname="a.B" name="ok"/></testsuite>"#
        let report = try run([(broken.name, broken.text), ("good.xml", good)])
        let record = try #require(report.inputs.first { $0.path.hasSuffix(broken.name) })
        #expect(record.status == .error)
        #expect(record.kind == broken.kind)
        #expect(record.line == broken.line, "\(record.diagnostic ?? "")")
        #expect(record.diagnostic?.contains(broken.name) == true)
        #expect(report.inputs.first { $0.path.hasSuffix("good.xml") }?.status == .ok)
        #expect(report.tests.total == 1)
    }

    @Test("an external entity in the DTD refuses the file, whatever the format", arguments: ["test-run", "TestRun", "testng-results", "assemblies", "test-results", "testsuite"])
    func externalEntity(root: String) throws {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE \(root) [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n<\(root)/>"
        let report = try run([("probe.xml", xml)])
        let record = try #require(report.inputs.first)
        #expect(record.status == .error)
        #expect(record.line == 2)
        #expect(record.diagnostic?.contains("external entity") == true)
    }

    @Test("an outcome value the reader does not know is a diagnostic naming the value and the file")
    func unknownOutcomeIsADiagnostic() throws {
        let trx = #"<TestRun><Results><UnitTestResult testId="1" testName="N.C.t" outcome="Foo"/></Results></TestRun>"#
        let report = try run([("odd.trx", trx)])
        #expect(report.tests.errored == 1)
        let note = try #require(report.diagnostics.first { $0.contains(#"outcome="Foo""#) })
        #expect(note.hasSuffix(#"odd.trx: 1 test with outcome="Foo", which TRX does not define: counted as errored"#))
    }

    @Test("a file's name never decides its format")
    func contentNotName() throws {
        let testng = "<testng-results><suite><test><class name=\"C\"><test-method name=\"m\" status=\"FAIL\"/></class></test></suite></testng-results>"
        let report = try run([("results.trx", testng), ("TEST-x.xml", "[]")])
        #expect(report.inputs.map(\.kind) == [.testng, .cucumber])
        #expect(report.tests.failed == 1)
    }

    private func flakyTests(_ report: TriageReport) -> [String] {
        report.findings.filter { $0.category == .flaky }.map(\.subject.id).sorted()
    }

    @Test func trxRerunIsFlaky() throws {
        let trx = """
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
            <UnitTestResult executionId="1" testId="aa" testName="Adds" outcome="Failed"><Output><ErrorInfo><Message>boom</Message></ErrorInfo></Output></UnitTestResult>
            <UnitTestResult executionId="2" testId="aa" testName="Adds" outcome="Passed"/>
            <UnitTestResult executionId="3" testId="bb" testName="Rows" outcome="Passed" resultType="DataDrivenTest"><InnerResults>
              <UnitTestResult executionId="4" testId="bb" testName="Rows (1)" outcome="Failed"/>
              <UnitTestResult executionId="5" testId="bb" testName="Rows (1)" outcome="Passed"/>
              <UnitTestResult executionId="6" testId="bb" testName="Rows (2)" outcome="Failed"/>
            </InnerResults></UnitTestResult>
            </Results><TestDefinitions>
            <UnitTest id="aa" name="Adds"><TestMethod className="Calc.Tests, Calc.Tests.dll" name="Adds"/></UnitTest>
            <UnitTest id="bb" name="Rows"><TestMethod className="Calc.Tests" name="Rows"/></UnitTest>
            </TestDefinitions></TestRun>
            """
        let report = try run([("run.trx", trx)])
        #expect(report.tests.total == 5 && report.tests.passed == 2 && report.tests.failed == 3)
        #expect(flakyTests(report) == ["Calc.Tests.Adds", "Calc.Tests.Rows (1)"])
    }

    @Test func testngRetriedSkipThenPassIsFlaky() throws {
        let xml = """
            <testng-results><suite><test><class name="shop.CartTest">
            <test-method name="setUp" is-config="true" status="FAIL"/>
            <test-method name="pays" status="SKIP" retried="true"><exception class="java.net.SocketException"><message>reset</message></exception></test-method>
            <test-method name="pays" status="PASS"/>
            <test-method name="lists" status="SKIP"/>
            <test-method name="lists" status="PASS"/>
            </class></test></suite></testng-results>
            """
        let report = try run([("testng-results.xml", xml)])
        #expect(report.tests.total == 4 && report.tests.passed == 2 && report.tests.skipped == 2)
        #expect(flakyTests(report) == ["shop.CartTest.pays"])
    }

    @Test func cucumberRetriedScenarioIsFlaky() throws {
        let json = """
            [{"uri": "features/pay.feature", "name": "Pay", "keyword": "Feature", "elements": [
              {"type": "background", "name": "", "line": 2, "steps": [{"keyword": "Given ", "name": "a cart", "result": {"status": "passed"}}]},
              {"type": "scenario", "name": "by card", "line": 5, "steps": [{"keyword": "When ", "name": "I pay", "result": {"status": "failed", "error_message": "timeout"}}]},
              {"type": "background", "name": "", "line": 2, "steps": [{"keyword": "Given ", "name": "a cart", "result": {"status": "passed"}}]},
              {"type": "scenario", "name": "by card", "line": 5, "steps": [{"keyword": "When ", "name": "I pay", "result": {"status": "passed"}}]}
            ]}]
            """
        let report = try run([("cucumber.json", json)])
        #expect(report.tests.total == 2 && report.tests.passed == 1 && report.tests.failed == 1)
        #expect(flakyTests(report) == ["Pay.by card (line 5)"])
    }

    @Test func nunit3RepeatedCaseIsFlaky() throws {
        let xml = """
            <test-run><test-suite type="TestFixture" fullname="Calc.Tests">
            <test-case fullname="Calc.Tests.Adds" classname="Calc.Tests" result="Failed" retry="1"><failure><message>1 != 2</message></failure></test-case>
            <test-case fullname="Calc.Tests.Adds" classname="Calc.Tests" result="Passed" retry="2"/>
            </test-suite></test-run>
            """
        let report = try run([("nunit.xml", xml)])
        #expect(report.tests.total == 2)
        #expect(flakyTests(report) == ["Calc.Tests.Adds"])
    }

    @Test("a failure in one format and a pass in another report of the same source version: flaky")
    func acrossFormats() throws {
        let nunit = #"<test-run><test-case fullname="Calc.Tests.Adds" result="Failed"/></test-run>"#
        let xunit = #"<assemblies><assembly><collection><test name="Calc.Tests.Adds" type="Calc.Tests" method="Adds" result="Pass"/></collection></assembly></assemblies>"#
        let report = try run([("nunit.xml", nunit), ("xunit.xml", xunit)])
        #expect(flakyTests(report) == ["Calc.Tests.Adds"])
    }
}
