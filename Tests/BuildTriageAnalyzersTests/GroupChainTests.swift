import BuildTriageCore
import BuildTriageIngest
import Foundation
import Testing

@testable import BuildTriageAnalyzers

/// The memoized dependency walk behind the collateral and stopped analyzers gives, for every stopped group,
/// exactly what the original depth-first walk (`CollateralAnalyzer.root(of:in:)`) gives, on generated graphs
/// (with duplicate identifiers, dangling and repeated dependencies, ignored failures and cycles), and stays
/// linear on a long chain.
@Suite struct GroupChainTests {
    static let statuses = ["STOPPED", "STOPPED", "STOPPED", "FAILED", "FAULT", "TIMED_OUT", "SUCCEEDED", "IN_PROGRESS"]

    /// A deterministic generator (no dependence on the process's random seed).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func context(groups: [String]) -> AnalysisContext {
        let read = Ingestor.read(data: Data(Example.batch("FAILED", groups: groups).utf8), path: "batch.json")
        return AnalysisContext(input: TriageInput(inputs: [read.record], documents: read.document.map { [SourcedDocument(path: "batch.json", document: $0)] } ?? []))
    }

    static func expected(_ context: AnalysisContext) -> [(String, String?, [String])] {
        var groups: [String: BuildGroup] = [:]
        for group in context.batches[0].value.buildGroups ?? [] {
            if let id = group.identifier, groups[id] == nil { groups[id] = group }
        }
        return groups.keys.sorted().filter { CollateralAnalyzer.isStopped(groups[$0]!) }.map { id in
            let root = CollateralAnalyzer.root(of: id, in: groups)
            return (id, root?.0, root?.1 ?? [])
        }
    }

    static func actual(_ context: AnalysisContext) -> [(String, String?, [String])] {
        CollateralAnalyzer.stoppedGroups(ofBatch: 0, in: context).map { index, root in
            (context.groups[index].identifier, root?.0, root?.1 ?? [])
        }
    }

    @Test(arguments: 0..<200)
    func memoizedWalkMatchesTheOriginal(seed: Int) throws {
        var random = Generator(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        // Sizes on both sides of the linear-search threshold (16 groups).
        let count = 1 + random.next(seed % 2 == 0 ? 10 : 30)
        let names = (0..<count).map { "g\($0)" }
        let groups = (0..<count).map { index -> String in
            // Mostly edges to earlier groups (a DAG); some to any group (cycles) or to no group at all.
            let dependencies = (0..<random.next(4)).map { _ -> String in
                switch random.next(10) {
                case 0: "missing\(random.next(3))"
                case 1, 2: names[random.next(count)]
                default: index == 0 ? "missing" : names[random.next(index)]
                }
            }
            let name = random.next(12) == 0 ? names[random.next(count)] : names[index]  // a repeated identifier now and then
            return Example.group(
                name, Self.statuses[random.next(Self.statuses.count)], dependsOn: dependencies, ignoreFailure: random.next(6) == 0)
        }
        let context = Self.context(groups: groups)
        let expected = Self.expected(context)
        let actual = Self.actual(context)
        #expect(actual.count == expected.count)
        for (got, want) in zip(actual, expected) {
            #expect(got.0 == want.0 && got.1 == want.1 && got.2 == want.2, "seed \(seed): \(got) != \(want)")
        }
    }

    @Test func aLongChainResolvesEveryGroup() {
        // g0 failed; g1 depends on g0, g2 on g1, ...: every other group is collateral with root g0.
        let count = 2_000
        var groups = [Example.group("g0000", "FAILED")]
        for index in 1..<count {
            groups.append(Example.group(String(format: "g%04d", index), "STOPPED", dependsOn: [String(format: "g%04d", index - 1)]))
        }
        let context = Self.context(groups: groups)
        let actual = Self.actual(context)
        #expect(actual.count == count - 1)
        #expect(actual.allSatisfy { $0.1 == "g0000" })
        #expect(actual.last?.2.count == count - 1)
        #expect(actual.first?.2 == ["g0000"])
    }
}
