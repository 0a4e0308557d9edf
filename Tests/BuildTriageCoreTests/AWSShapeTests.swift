import Foundation
import Testing

@testable import BuildTriageCore

/// Each AWS shape is declared once: its stored properties and its member table must say the same thing, since both
/// readers (Codable here, the byte reader in BuildTriageIngest) follow only the table.
@Suite struct AWSShapeTests {
    /// Every shape reachable from the response kinds' top-level shapes, through the member tables.
    static let shapes: [any AWSShape.Type] = {
        var found: [any AWSShape.Type] = []
        var names = Set<String>()
        func visit(_ shape: any AWSShape.Type) {
            guard names.insert(String(describing: shape)).inserted else { return }
            found.append(shape)
            for member in members(of: shape) {
                switch member.value {
                case .object(let nested), .list(let nested): visit(nested)
                default: break
                }
            }
        }
        for root: any AWSShape.Type in [BuildBatch.self, Build.self, CodeBuildTestCase.self, CodeBuildReport.self, PipelineState.self,
                                        PipelineExecution.self, PipelineExecutionSummary.self, ActionExecutionDetail.self,
                                        PipelineDeclaration.self] {
            visit(root)
        }
        return found
    }()

    static func members<Shape: AWSShape>(of _: Shape.Type) -> [(name: String, value: ShapeValue)] {
        Shape.members.members.map { ($0.name, $0.value) }
    }

    /// The type name a member of this kind is stored as.
    static func storedType(_ value: ShapeValue) -> String {
        switch value {
        case .string: "String"
        case .int: "Int"
        case .int64: "Int64"
        case .bool: "Bool"
        case .timestamp: "Timestamp"
        case .strings: "Array<String>"
        case .stringMap: "Dictionary<String, String>"
        case .intMap: "Dictionary<String, Int>"
        case .openEnum(let known): "OpenEnum<\(known)>"
        case .object(let shape): "\(shape)"
        case .list(let shape): "Array<\(shape)>"
        }
    }

    @Test func everyShapeIsReached() {
        #expect(Self.shapes.count == 38)
    }

    @Test("the member table lists every stored property, under its name, in order, with its type")
    func tablesMatchProperties() {
        func check<Shape: AWSShape>(_: Shape.Type) {
            let properties = Mirror(reflecting: Shape()).children.map { ($0.label ?? "?", String(describing: type(of: $0.value))) }
            let table = Self.members(of: Shape.self).map { ($0.name, "Optional<\(Self.storedType($0.value))>") }
            #expect(properties.map(\.0) == table.map(\.0), "\(Shape.self)")
            #expect(properties.map(\.1) == table.map(\.1), "\(Shape.self)")
            // Distinct offsets: no two members stored in one place.
            #expect(Set(Shape.members.members.map(\.offset)).count == properties.count, "\(Shape.self)")
        }
        for shape in Self.shapes { check(shape) }
    }

    @Test("lenient: wrong types and nulls read as nil, bad list elements are skipped, unknown enum values kept")
    func lenient() throws {
        let json = #"""
            {"id": 7, "arn": null, "buildNumber": "3", "buildStatus": "CLIENT_ERROR", "buildComplete": true,
             "phases": [1, {"phaseType": "BUILD", "phaseStatus": "FAILED", "durationInSeconds": 2.5}, "x", {"contexts": {}}],
             "logs": [], "reportArns": ["a", 1], "unknown": {"deep": [1]}}
            """#
        let build = try JSONDecoder().decode(Build.self, from: Data(json.utf8))
        #expect(build.id == nil && build.arn == nil && build.buildNumber == nil && build.logs == nil && build.reportArns == nil)
        #expect(build.buildStatus == .unknown("CLIENT_ERROR"))
        #expect(build.buildComplete == true)
        #expect(build.phases?.count == 2)
        #expect(build.phases?.first?.phaseType == .build && build.phases?.first?.phaseStatus == .failed)
        #expect(build.phases?.first?.durationInSeconds == nil)
        #expect(build.phases?.last?.contexts == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Build.self, from: Data("[]".utf8)) }
    }

    @Test("encoding writes the present members only, and reads back the same value")
    func roundTrip() throws {
        var group = BuildGroup()
        group.identifier = "g1"
        group.ignoreFailure = false
        group.currentBuildSummary = BuildSummary()
        group.currentBuildSummary?.buildStatus = .unknown("PENDING")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(group)
        #expect(String(decoding: data, as: UTF8.self) == #"{"currentBuildSummary":{"buildStatus":"PENDING"},"identifier":"g1","ignoreFailure":false}"#)
        #expect(try JSONDecoder().decode(BuildGroup.self, from: data) == group)
    }
}
