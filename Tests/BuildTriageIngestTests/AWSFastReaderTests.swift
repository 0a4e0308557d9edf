import BuildTriageTestSupport
import Foundation
import Testing

@testable import BuildTriageCore
@testable import BuildTriageIngest

/// The byte-level reader (`AWSJSONReader.read`) against the Codable path it replaces (`readWithDecoder`): for every
/// real response and thousands of mutated ones, the same document or the same error.
@Suite("AWS JSON: fast reader = JSONDecoder")
struct AWSFastReaderTests {
    /// Every JSON file the reader is meant for or may meet: the shared corpus, the samples' inputs, the test fixtures.
    static let files: [URL] = {
        let root = Attack.samples.deletingLastPathComponent()
        var files: [URL] = []
        for directory in [Attack.corpus.appendingPathComponent("aws"), Attack.samples, root.appendingPathComponent("Tests")] {
            guard let walk = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walk where url.pathExtension == "json" {
                // Of the samples, only their inputs (not `expected.json`).
                if url.path.hasPrefix(Attack.samples.path), !url.pathComponents.contains(where: { $0.hasPrefix("input") }) { continue }
                files.append(url)
            }
        }
        return files.sorted { $0.path < $1.path }
    }()

    /// Both paths' outcome for `data`.
    static func outcomes(_ data: Data) -> (fast: Result<Document, IngestError>, decoder: Result<Document, IngestError>) {
        func outcome(_ read: (Data) throws(IngestError) -> Document) -> Result<Document, IngestError> {
            do throws(IngestError) { return .success(try read(data)) } catch { return .failure(error) }
        }
        return (outcome(AWSJSONReader.read), outcome(AWSJSONReader.readWithDecoder))
    }

    /// Whether the fast reader read `data` itself (rather than leaving it to JSONDecoder).
    static func readFast(_ data: Data) -> Bool {
        data.withUnsafeBytes { AWSResponseFastReader.read($0) } != nil
    }

    @Test func theFilesAreThere() {
        let paths = Self.files.map(\.path)
        #expect(paths.filter { $0.contains("/Corpus/aws/") }.count >= 16, "\(Attack.corpus.path)")
        #expect(paths.filter { $0.contains("/Samples/") }.count >= 30)
    }

    @Test("every real response: the same document as JSONDecoder, read on the fast path")
    func realResponses() throws {
        for url in Self.files {
            let data = try Data(contentsOf: url)
            let (fast, decoder) = Self.outcomes(data)
            #expect(fast == decoder, "\(url.path)")
            // Every response with something to analyze is read without JSONDecoder. EventBridge events and collect
            // manifests are not responses: they are read by their Codable declarations only.
            if case .success(let document) = decoder, ![.eventbridgeEvent, .collectManifest].contains(document.kind) {
                #expect(Self.readFast(data), "\(url.path) fell back to JSONDecoder")
            }
        }
    }

    @Test("every response kind is on the fast path")
    func everyKind() throws {
        var kinds = Set<InputKind>()
        for url in Self.files {
            let data = try Data(contentsOf: url)
            if let document = data.withUnsafeBytes({ AWSResponseFastReader.read($0) }) { kinds.insert(document.kind) }
        }
        #expect(kinds == [.codebuildBatch, .codebuildBuilds, .codebuildTestCases, .codebuildReports, .codepipelineState,
                          .codepipelineExecution, .codepipelineExecutions, .codepipelineActionExecutions, .codepipelineDefinition])
    }

    /// Hand-picked cases where JSONDecoder does something particular.
    static let edgeCases: [String] = {
        let build = #"{"builds": [{"id": "p:1", "buildStatus": "FAILED", "buildNumber": NUMBER, "startTime": NUMBER, "phases": [{"phaseType": "BUILD", "durationInSeconds": NUMBER}]}]}"#
        let numbers = ["1", "-0", "0", "1.0", "1e2", "1E+2", "-1.5", "0e5", "0E0", "1e-400", "1e400", "-1e400", "01", "-01", "1.", "-", "1e",
                       "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                       "12345678901234567890123", "1603301183.099", "1603301183.0990000001", "1.00000000000000000001", "1-2", "1.2.3",
                       "253402300799.999", "253402300800", "-62135596800", "-62135596801", "123456789012345", "1234567890123456"]
        var cases = numbers.map { build.replacingOccurrences(of: "NUMBER", with: $0) }
        cases += [
            // Duplicate keys: the first is kept, even when of the wrong type.
            #"{"builds": [{"id": "a", "id": "b", "buildNumber": "x", "buildNumber": 3}], "builds": []}"#,
            #"{"buildBatches": [], "builds": [{"id": "a"}]}"#,
            #"{"reports": [{"testSummary": {"statusCounts": {"a": 1, "a": 2}}}]}"#,
            #"{"reports": [{"testSummary": {"statusCounts": {"a": 1, "a": "x"}}}]}"#,
            #"{"reports": [{"testSummary": {"statusCounts": {"a": 1, "b": "x"}}}]}"#,
            #"{"reports": [{"testSummary": {"statusCounts": {"\u0065\u0301": 1, "\u00e9": 2}}}]}"#,
            #"{"reports": [{"testSummary": {"statusCounts": {"é": 1, "é": 2}}}]}"#,
            #"{"reports": [{"testSummary": {"statusCounts": {}, "total": true}}]}"#,
            // Escaped keys and escapes in strings.
            #"{"b\u0075ilds": [{"\u0069d": "p:1"}]}"#,
            #"{"builds": [{"id": "a\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t", "projectName": "\ud800", "initiator": "\udc00x", "arn": "\u0000"}]}"#,
            #"{"builds": [{"id": "\ud800\u0041", "projectName": "\uD83D\uDE00", "arn": "\q", "initiator": "\u12"}]}"#,
            "{\"builds\": [{\"id\": \"tab\there\", \"arn\": \"ok\"}]}",
            // `\u` without four hex digits in a skipped string: JSONDecoder's scanner refuses the whole document
            // (found by the `json` fuzzer: the fast reader skipped the element instead).
            #"{"builds": [{"id": "p:1", "x": "a\und"}]}"#, #"{"builds": [{"id": 1, "arn": "\u12"}, {"id": "p:2"}]}"#,
            #"{"unknown": "\uZZZZ", "builds": [{"id": "p:1"}]}"#, #"{"builds": [{"id": "p:1", "x": "\u00e9\q"}]}"#,
            // Wrong types at the top level, and responses with nothing to analyze.
            #"{"builds": null}"#, #"{"builds": {}}"#, #"{"build": []}"#, #"{"buildBatch": "x"}"#, #"{"stageStates": 1}"#,
            #"{"ids": ["a"]}"#, #"{"pipelineExecutionId": "x"}"#, #"{"pipelineExecutionId": "x", "pipelineExecutionId": "y"}"#,
            #"{"z": 1, "y": 2, "x": 3, "w": 4, "v": 5, "u": 6, "t": 7}"#, #"{}"#, #"[]"#, #"[{"builds": []}]"#, #""x""#, "1", "null",
            #"{"buildStatus": "FAILED"}"#, #"{"buildStatus": "FAILED", "id": "p:1"}"#, #"{"buildBatchStatus": "FAILED", "builds": 1}"#,
            #"{"id": "p:1", "buildStatus": "FAILED", "buildBatchStatus": "FAILED"}"#,
            // Lenient lists: elements that are not objects are skipped.
            #"{"builds": [1, null, "x", [], true, {"id": "p:2"}, {}, [{"id": "p:3"}]]}"#,
            // Syntax: trailing commas, garbage, a BOM, control characters, truncation.
            #"{"builds": [{"id": "p:1",}],}"#, #"{"builds": [{"id": "p:1"},]}"#, #"{"builds": []} x"#, #"{"builds": []}}"#,
            "\u{FEFF}{\"builds\": []}", "{\"builds\": []}\u{0B}", "{\"builds\": [\u{0C}]}", #"{"builds": [{"id": tru}]}"#,
            #"{"builds": [{"id": nul}]}"#, #"{"builds": [{"id": "p"#, #"{"builds": [{"id": "p:1"}]"#, #"{"builds": [{"id" "p"}]}"#,
            #"{"builds": [{"id": "p:1" "arn": "a"}]}"#, #"{,"builds": []}"#, #"{"builds": [,]}"#, "{\"builds\": [{\"a\u{1}\": 1}]}",
            // Enumeration values equal to a known case only under canonical equivalence (KELVIN SIGN is `K`).
            #"{"testCases": [{"status": "UN\u212ANOWN"}, {"status": "UNKNOWN"}, {"status": "unknown"}, {"status": "FAILED "}]}"#,
            "{\"testCases\": [{\"status\": \"UN\u{212A}NOWN\"}, {\"st\u{212A}atus\": \"FAILED\"}]}",
            // Epoch and ISO timestamps.
            #"{"builds": [{"startTime": "2020-10-21T17:26:23.099Z", "endTime": "2020-10-21 17:26:23+0200", "id": "x"}]}"#,
            #"{"builds": [{"startTime": "2020-13-21T17:26:23Z", "endTime": "yesterday"}]}"#,
        ]
        // Nesting around JSONDecoder's limit of 512 levels.
        for depth in [510, 511, 512, 513, 100_000] {
            cases.append(#"{"builds": [{"id": "p", "x": "# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}]}")
        }
        return cases
    }()

    @Test("JSONDecoder's particular cases", arguments: edgeCases)
    func edgeCase(_ json: String) {
        let (fast, decoder) = Self.outcomes(Data(json.utf8))
        #expect(fast == decoder)
    }

    @Test("bytes that are not UTF-8, in values, skipped values and keys")
    func invalidUTF8() {
        for (prefix, suffix) in [(#"{"builds": [{"id": "a"#, #""}]}"#), (#"{"builds": [{"zz": "a"#, #"", "id": "p"}]}"#),
                                 (#"{"builds": [{"i"#, #"d": "p"}]}"#), (#"{"reports": [{"testSummary": {"statusCounts": {"a"#, #"": 1}}}]}"#)] {
            for bytes: [UInt8] in [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80], [0xC0, 0xAF]] {
                let data = Data(prefix.utf8) + Data(bytes) + Data(suffix.utf8)
                let (fast, decoder) = Self.outcomes(data)
                #expect(fast == decoder, "\(prefix) \(bytes) \(suffix)")
            }
        }
    }

    // MARK: Randomized

    @Test("thousands of mutated real responses: the same result (fixed seed)")
    func mutations() throws {
        var random = SplitMix64(seed: 0x5EED_2026)
        let bases = try Self.files.map { try Data(contentsOf: $0) }.filter { (try? JSONSerialization.jsonObject(with: $0)) != nil }
        #expect(bases.count > 40)
        var stats = (cases: 0, fast: 0, errors: 0)
        for index in 0..<3000 {
            let base = [UInt8](bases[index % bases.count])
            var mutated = base
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                mutated = Mutator.mutate(mutated, using: &random)
            }
            let data = Data(mutated)
            let (fast, decoder) = Self.outcomes(data)
            stats.cases += 1
            if Self.readFast(data) { stats.fast += 1 }
            if case .failure = decoder { stats.errors += 1 }
            if fast != decoder {
                Issue.record("case \(index) differs:\n\(String(decoding: mutated, as: UTF8.self).prefix(4000))\nfast: \(fast)\ndecoder: \(decoder)")
                break
            }
        }
        // The mutations reach both paths: most stay on the fast one, many end in errors.
        #expect(stats.fast > stats.cases / 4, "\(stats)")
        #expect(stats.errors > stats.cases / 20, "\(stats)")
    }
}


/// Mutations of a JSON text that keep most of it as it was: a value replaced, a member duplicated or added, a key
/// renamed, a byte inserted, the text cut.
enum Mutator {
    /// Where the values, keys and objects of a (valid) JSON text are.
    struct Layout {
        var values: [Range<Int>] = []
        var keys: [Range<Int>] = []
        /// Offsets just after an object's `{`.
        var objectStarts: [Int] = []
        /// Whole members (`"key": value`).
        var members: [Range<Int>] = []
    }

    static let replacements: [String] = [
        "null", "true", "false", "0", "12", "-7", "\"x\"", "\"\"", "{}", "[]", #"{"a": 1}"#, #"[1, "a", null, {}]"#, #"[{"id": "n"}]"#,
        "1.0", "1e2", "1E+2", "-0", "-0.0", "0e5", "1e400", "-1e400", "1e-400", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "123456789012345678901234", "1.5", "1603301183.099", "1603301183.0990000001", "2e-1", "01", "1.", "-",
        #""SUCCEEDED""#, #""FAILED""#, #""IN_PROGRESS""#, #""Failed""#, #""BUILD""#, #""2020-10-21T17:26:23.099Z""#,
        #""2020-10-21T19:26:23+02:00""#, #""2020-10-21T17:26:23""#, #""a\u00e9\ud83d\ude00\n\t\"\\\/""#, #""\ud800""#, #""\udc00x""#,
        #""\u0000""#, #""\q""#, "\"é ü 漢\"", "\"tab\there\"", #"{"statusCode": "X", "message": "m"}"#, #"{"a": 1, "a": "b"}"#,
        #"{"k": "v", "k2": "v2"}"#, #"["a", "b"]"#, #"["a", 1]"#, "[" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "]",
    ]

    static let keyNames: [String] = [
        "id", "builds", "buildBatches", "build", "buildBatch", "ids", "stageStates", "buildBatchStatus", "buildStatus", "pipeline",
        "pipelineExecutionId", "phases", "contexts", "startTime", "testSummary", "statusCounts", "configuration", "zzz", #"i\u0064"#, "é",
    ]

    static let insertions: [[UInt8]] = [
        Array(",".utf8), Array("}".utf8), Array("]".utf8), Array("\"".utf8), Array("\\".utf8), [0xFF], [0xC3], [0x00], [0x01], Array("x".utf8),
        Array(" ".utf8), Array("\n".utf8), Array(":".utf8), Array("{".utf8), Array("[".utf8), [0xEF, 0xBB, 0xBF],
    ]

    static func mutate(_ text: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        guard let layout = layout(of: text) else {
            // Already broken: cut it or insert a byte.
            return Bool.random(using: &random) ? cut(text, using: &random) : insert(text, using: &random)
        }
        var text = text
        switch Int.random(in: 0..<10, using: &random) {
        case 0...3:
            guard let range = layout.values.randomElement(using: &random) else { return text }
            text.replaceSubrange(range, with: Array(replacements.randomElement(using: &random)!.utf8))
        case 4:
            // A member repeated, before or after itself, with another value.
            guard let member = layout.members.randomElement(using: &random),
                  let colon = text[member].firstIndex(of: UInt8(ascii: ":")) else { return text }
            let copy = Array(text[member.lowerBound...colon]) + Array(" \(replacements.randomElement(using: &random)!)".utf8)
            if Bool.random(using: &random) {
                text.insert(contentsOf: Array(", ".utf8), at: member.upperBound)
                text.insert(contentsOf: copy, at: member.upperBound + 2)
            } else {
                text.insert(contentsOf: copy + Array(", ".utf8), at: member.lowerBound)
            }
        case 5:
            // A member added at the start of an object (an unknown key, or one that means something).
            guard let start = layout.objectStarts.randomElement(using: &random) else { return text }
            let member = "\"\(keyNames.randomElement(using: &random)!)\": \(replacements.randomElement(using: &random)!), "
            text.insert(contentsOf: Array(member.utf8), at: start)
        case 6:
            guard let key = layout.keys.randomElement(using: &random) else { return text }
            text.replaceSubrange(key, with: Array("\"\(keyNames.randomElement(using: &random)!)\"".utf8))
        case 7:
            text = insert(text, using: &random)
        case 8:
            text = cut(text, using: &random)
        default:
            // A value removed with its key (or a list element), leaving the commas as they were.
            guard let range = layout.values.randomElement(using: &random) else { return text }
            text.removeSubrange(range)
        }
        return text
    }

    static func cut(_ text: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        Array(text.prefix(Int.random(in: 0...text.count, using: &random)))
    }

    static func insert(_ text: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var text = text
        text.insert(contentsOf: insertions.randomElement(using: &random)!, at: Int.random(in: 0...text.count, using: &random))
        return text
    }

    /// The layout of a JSON text, or nil if it is not one this simple parser reads.
    static func layout(of text: [UInt8]) -> Layout? {
        var layout = Layout()
        var index = 0
        func whitespace() { while index < text.count, [0x20, 0x0A, 0x0D, 0x09].contains(text[index]) { index += 1 } }
        func string() -> Bool {
            guard index < text.count, text[index] == UInt8(ascii: "\"") else { return false }
            index += 1
            while index < text.count, text[index] != UInt8(ascii: "\"") { index += text[index] == UInt8(ascii: "\\") ? 2 : 1 }
            guard index < text.count else { return false }
            index += 1
            return true
        }
        func value(depth: Int) -> Bool {
            guard depth < 100 else { return false }
            whitespace()
            guard index < text.count else { return false }
            let start = index
            switch text[index] {
            case UInt8(ascii: "\""):
                guard string() else { return false }
            case UInt8(ascii: "{"):
                index += 1
                layout.objectStarts.append(index)
                whitespace()
                if index < text.count, text[index] == UInt8(ascii: "}") { index += 1; break }
                while true {
                    whitespace()
                    let keyStart = index
                    guard string() else { return false }
                    layout.keys.append(keyStart..<index)
                    whitespace()
                    guard index < text.count, text[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    guard value(depth: depth + 1) else { return false }
                    layout.members.append(keyStart..<index)
                    whitespace()
                    guard index < text.count else { return false }
                    index += 1
                    if text[index - 1] == UInt8(ascii: "}") { break }
                    guard text[index - 1] == UInt8(ascii: ",") else { return false }
                }
            case UInt8(ascii: "["):
                index += 1
                whitespace()
                if index < text.count, text[index] == UInt8(ascii: "]") { index += 1; break }
                while true {
                    guard value(depth: depth + 1) else { return false }
                    whitespace()
                    guard index < text.count else { return false }
                    index += 1
                    if text[index - 1] == UInt8(ascii: "]") { break }
                    guard text[index - 1] == UInt8(ascii: ",") else { return false }
                }
            default:
                while index < text.count, !([0x20, 0x0A, 0x0D, 0x09] + Array(",}]".utf8)).contains(text[index]) { index += 1 }
                guard index > start else { return false }
            }
            layout.values.append(start..<index)
            return true
        }
        guard value(depth: 0) else { return nil }
        return layout
    }
}

/// Every stored member of every model is read by both paths: a response is written with a value of the right type for
/// each stored property (found by reflection, so a property added to a model is in it), JSONDecoder must read them
/// all, and the fast reader must read the same. A property missing from its shape's member table fails here.
@Suite("AWS JSON: the fast reader reads every model member")
struct AWSFastReaderMemberTests {
    /// An empty value of each model type, by the name reflection gives it.
    static let models: [String: any Sendable] = {
        let values: [any Sendable] = [
            PhaseContext(), BuildPhase(), BuildBatchPhase(), ResolvedArtifact(), BuildSummary(), BuildGroup(), BuildBatchConfig(),
            BuildBatch(), LogsLocation(), BuildEnvironment(), AutoRetryConfig(), Build(), CodeBuildTestCase(), TestReportSummary(),
            CodeBuildReport(), ErrorDetails(), StageExecution(), TransitionState(), ActionExecution(), ActionState(),
            RetryStageMetadata(), StageState(), PipelineState(), ArtifactRevision(), ExecutionTrigger(), StopExecutionTrigger(),
            PipelineExecution(), PipelineExecutionSummary(), ActionTypeID(), ActionExecutionInput(), ActionExecutionResult(),
            ActionExecutionOutput(), ActionExecutionDetail(), RetryConfiguration(), FailureConditions(), ActionDeclaration(),
            StageDeclaration(), PipelineDeclaration(),
        ]
        return Dictionary(uniqueKeysWithValues: values.map { (String(describing: type(of: $0)), $0) })
    }()

    /// A JSON object with every member of the model named `type`, each with a value its type reads.
    static func fullObject(_ type: String) -> String {
        let model = models[type]!
        let members = Mirror(reflecting: model).children.compactMap { child -> String? in
            guard let label = child.label else { return nil }
            return "\"\(label)\": \(value(for: String(describing: Swift.type(of: child.value))))"
        }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// A JSON value for an `Optional<…>` member of the given type name.
    static func value(for optional: String) -> String {
        precondition(optional.hasPrefix("Optional<"), optional)
        let wrapped = String(optional.dropFirst(9).dropLast())
        switch wrapped {
        case "String": return #""s""#
        case "Int", "Int64": return "7"
        case "Bool": return "true"
        case "Timestamp": return #""2020-10-21T17:26:23.099+02:00""#
        case "Array<String>": return #"["a", "b"]"#
        case "Dictionary<String, String>": return #"{"k": "v"}"#
        case "Dictionary<String, Int>": return #"{"k": 3}"#
        case _ where wrapped.hasPrefix("OpenEnum<"): return #""SOME_VALUE""#
        case _ where wrapped.hasPrefix("Array<"): return "[" + fullObject(String(wrapped.dropFirst(6).dropLast())) + "]"
        default: return fullObject(wrapped)
        }
    }

    /// Paths of the optional members that are nil anywhere in `value`.
    static func nilMembers(_ value: Any, _ path: String = "") -> [String] {
        var found: [String] = []
        for child in Mirror(reflecting: value).children {
            if let label = child.label, Mirror(reflecting: child.value).displayStyle == .optional {
                if let some = Mirror(reflecting: child.value).children.first?.value {
                    // Only models are walked into: a string's or a timestamp's own members are not members of the response.
                    if some is any AWSShape || some is [any AWSShape] { found += nilMembers(some, path + "." + label) }
                } else {
                    found.append(path + "." + label)
                }
            } else if Mirror(reflecting: value).displayStyle == .collection {
                found += nilMembers(child.value, path + "[]")
            }
        }
        return found
    }

    @Test("every member of every response kind", arguments: [
        ("buildBatches", "BuildBatch"), ("builds", "Build"), ("testCases", "CodeBuildTestCase"), ("reports", "CodeBuildReport"),
        ("pipelineExecutionSummaries", "PipelineExecutionSummary"), ("actionExecutionDetails", "ActionExecutionDetail"),
        ("pipelineExecution", "PipelineExecution"), ("pipeline", "PipelineDeclaration"), ("", "PipelineState"),
    ])
    func everyMember(key: String, type: String) throws {
        let object = Self.fullObject(type)
        let json = switch key {
        case "": object
        case "pipelineExecution", "pipeline": "{\"\(key)\": \(object)}"
        default: "{\"\(key)\": [\(object)]}"
        }
        let data = Data(json.utf8)
        let decoded = try AWSJSONReader.readWithDecoder(data)
        // JSONDecoder read every member: the response is complete.
        let payload: Any = switch decoded {
        case .codebuildBatches(let value): value
        case .codebuildBuilds(let value): value
        case .codebuildTestCases(let value): value
        case .codebuildReports(let value): value
        case .codepipelineState(let value): value
        case .codepipelineExecution(let value): value
        case .codepipelineExecutions(let value): value
        case .codepipelineActionExecutions(let value): value
        case .codepipelineDefinition(let value): value
        case .junit, .buildLog, .eventbridgeEvent, .collectManifest: ()
        }
        #expect(Self.nilMembers(payload).isEmpty, "\(Self.nilMembers(payload))")
        #expect(json.count > 100)
        // The fast reader read it itself, and read the same.
        let fast = try #require(data.withUnsafeBytes { AWSResponseFastReader.read($0) }, "fell back to JSONDecoder: \(json)")
        #expect(fast == decoded)
    }
}
