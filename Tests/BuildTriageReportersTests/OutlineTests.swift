import BuildTriageCore
import Testing

@testable import BuildTriageReporters

@Suite("Outline and grouping")
struct OutlineTests {
    @Test func normalization() {
        let test = Subject(.test, "com.example.FooTest.testAdds")
        #expect(FailureGrouping.normalize("testAdds: expected 3 but was 4", subject: test) == "<>: expected # but was #")
        #expect(
            FailureGrouping.normalize("request 8d1c3a52-7f1e-4c0b-9f3e-2b6a1c0d9e41  failed\n on host ip-10-0-1-7", subject: Subject(.build, "b"))
                == "request # failed on host ip-#-#-#-#")
        #expect(FailureGrouping.normalize("image sha 3f2a9c1e7b and 0xDEADbeef", subject: Subject(.build, "b")) == "image sha # and #")
        #expect(FailureGrouping.normalize("deadbeef cafe", subject: Subject(.build, "b")) == "deadbeef cafe")
        #expect(FailureGrouping.normalize("café 12€", subject: Subject(.build, "b")) == "café #€")
    }

    @Test func groupsAreByCategoryAndMessage() {
        let findings = [
            Finding(analyzer: "a", category: .testFailure, subject: Subject(.test, "A.one"), message: "expected 1 got 2"),
            Finding(analyzer: "a", category: .infrastructure, subject: Subject(.test, "A.two"), message: "expected 1 got 2"),
            Finding(analyzer: "a", category: .testFailure, subject: Subject(.test, "A.three"), message: "expected 5 got 9"),
        ]
        let groups = FailureGrouping.group(findings)
        #expect(groups.map(\.count) == [2, 1])
        #expect(groups[0].members.map(\.subject.id) == ["A.one", "A.three"])
    }

    @Test func sampleOutline() throws {
        let outline = ReportOutline(Fixtures.sample())
        let targets = outline.targetSections.compactMap(\.recommendation)
        #expect(targets.map(\.action) == [.fix, .fix, .investigate, .retry])
        #expect(targets.map(\.target.kind) == [.batch, .job, .stage, .build])

        let batch = outline.sections[0]
        #expect(batch.entries.map(\.group.representative.subject.id) == ["linux_small", "windows_optional"])
        #expect(batch.entries[0].children.map(\.group.representative.subject.id) == ["linux_medium", "linux_large"])
        #expect(batch.findingCount == 4)

        let job = outline.sections[1]
        #expect(job.entries.map(\.group.count) == [2, 1, 1])
        #expect(job.entries.last?.group.category == .flaky)

        #expect(outline.untargeted.map(\.group.representative.subject.id) == ["logs/deploy.log"])
    }

    @Test func annotationLevels() {
        #expect(GitHubActionsReporter.level(.timeout, action: .investigate) == .error)
        #expect(GitHubActionsReporter.level(.timeout, action: .retry) == .warning)
        #expect(GitHubActionsReporter.level(.testFailure, action: nil) == .error)
        #expect(GitHubActionsReporter.level(.infrastructure, action: .retry) == .warning)
        #expect(GitHubActionsReporter.level(.collateral, action: Action.none) == .notice)
    }

    @Test func shellQuotingWhenOnlyArgvIsGiven() {
        let recommendation = Recommendation(
            action: .retry, target: .build("p:1"), reason: "r", command: ["aws", "codebuild", "retry-build", "--id", "it's $(x)", ""])
        #expect(Describe.command(recommendation) == "aws codebuild retry-build --id 'it'\\''s $(x)' ''")
    }
}
