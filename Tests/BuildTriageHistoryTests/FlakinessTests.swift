@testable import BuildTriageHistory
import Testing

/// The worked examples of Docs/history.md, run by run.
@Suite("The definition of flaky")
struct FlakinessTests {
    /// `spec`: commits separated by spaces, each `commit:outcomes` with P passed, F failed, E errored, f failed
    /// then passed in the run, S skipped, - absent. "c1:FP c2:P" is two runs of c1 then one of c2.
    static func judge(_ spec: String) -> TestVerdict {
        var runs: [RunInfo] = []
        var observations: [Observation] = []
        for part in spec.split(separator: " ") {
            let pieces = part.split(separator: ":")
            let commit = pieces[0] == "?" ? nil : String(pieces[0])
            for outcome in pieces[1] {
                let index = runs.count
                runs.append(RunInfo(rowID: Int64(index), id: "r\(index)", commit: commit, branch: nil, startedAt: Int64(index)))
                let status: OutcomeStatus? =
                    switch outcome {
                    case "P": .passed
                    case "F": .failed
                    case "E": .errored
                    case "f": .flakyInRun
                    case "S": .skipped
                    default: nil
                    }
                if let status { observations.append(Observation(run: index, status: status)) }
            }
        }
        return Flakiness.judge(observations, runs: runs)
    }

    @Test("failed and passed on one commit, across runs or within one: flaky", arguments: [
        ("c1:FP c2:P c3:P", 1, 4), ("c1:P c2:f c3:P", 1, 3), ("c1:EP", 1, 2), ("c1:PPPF c2:P", 1, 5), ("c1:FPF c2:P", 2, 4),
    ])
    func flaky(spec: String, failures: Int, runs: Int) {
        let verdict = Self.judge(spec)
        #expect(verdict.kind == .flaky)
        #expect(verdict.flakyFailures == failures && verdict.runs == runs)
        #expect(verdict.flakyCommits == ["c1"] || spec.hasPrefix("c1:P c2:f"))
    }

    @Test("a lone failure, broken then fixed, skips, absence: not flaky", arguments: [
        "c1:P c2:F c3:P", "c1:P c2:FF c3:F c4:P", "c1:P c2:S c3:SP", "c1:- c2:P c3:P", "c1:P c2:P", "?:F ?:P",
    ])
    func notFlaky(spec: String) {
        #expect(Self.judge(spec).kind == .stable, "\(spec)")
    }

    @Test("failing in every run since a commit: broken since that commit, not flaky")
    func broken() {
        let verdict = Self.judge("c1:P c2:P c3:F c4:FF")
        #expect(verdict.kind == .broken && verdict.brokenSince == 2 && verdict.streak == 3)
        // Skips inside the streak do not break it.
        #expect(Self.judge("c1:P c2:F c3:S c4:F").brokenSince == 1)
        // A flaky test failing once at the end is still flaky; three failures in a row make it broken.
        #expect(Self.judge("c1:FP c2:P c3:F").kind == .flaky)
        #expect(Self.judge("c1:FP c2:P c3:F c4:F c5:F").kind == .broken)
        // The last failure on a commit where it also passed is flakiness, not a break.
        #expect(Self.judge("c1:P c2:PF").kind == .flaky)
    }

    @Test("passes since the last failure count from the end, skips ignored")
    func trailingPasses() {
        #expect(Self.judge("c1:FP c2:P c3:S c4:P").trailingPasses == 3)
        #expect(Self.judge("c1:FP c2:f").trailingPasses == 0)
    }
}
