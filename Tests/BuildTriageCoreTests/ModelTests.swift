import Foundation
import Testing

@testable import BuildTriageCore

@Suite struct ModelTests {
    @Test(arguments: [
        ("2020-10-21T17:26:23.099000+00:00", 1_603_301_183.099, 0),
        ("2020-10-01T11:25:22.531000-07:00", 1_601_576_722.531, -25200),
        ("2020-11-20T17:52:10+00:00", 1_605_894_730.0, 0),
        ("2020-05-08T17:45:43Z", 1_588_959_943.0, 0),
        ("2020-05-08T17:45:43.123456789+0530", 1_588_940_143.123_456_789, 19800),
    ])
    func iso8601Timestamps(_ text: String, _ seconds: Double, _ offset: Int) throws {
        let timestamp = try #require(Timestamp(iso8601: text))
        #expect(abs(timestamp.secondsSince1970 - seconds) < 0.000_01)
        #expect(timestamp.utcOffsetSeconds == offset)
    }

    @Test func timestampsDecodeFromNumbersAndStringsAndRejectGarbage() throws {
        struct Box: AWSShape {
            var t: Timestamp?
            static let members: ShapeMembers<Self> = [.timestamp("t", \.t)]
        }
        for (json, expected) in [
            (#"{"t": 1479832474.764}"#, 1_479_832_474.764), (#"{"t": 1603301183}"#, 1_603_301_183), (#"{"t": 1496946071.6456}"#, 1_496_946_071.6456),
            (#"{"t": "2020-10-21T17:26:23.099000+00:00"}"#, 1_603_301_183.099),
        ] {
            let box = try JSONDecoder().decode(Box.self, from: Data(json.utf8))
            #expect(abs((box.t?.secondsSince1970 ?? 0) - expected) < 0.000_1, "\(json)")
        }
        for bad in [#"{"t": "yesterday"}"#, #"{"t": "2020-13-01T00:00:00Z"}"#, #"{"t": [1]}"#, #"{"t": null}"#, "{}"] {
            #expect(try JSONDecoder().decode(Box.self, from: Data(bad.utf8)).t == nil, "\(bad)")
        }
        #expect(Timestamp(secondsSince1970: 1_603_301_183.099).iso8601 == "2020-10-21T17:26:23.099Z")
        #expect(Timestamp(secondsSince1970: -1).iso8601 == "1969-12-31T23:59:59.000Z")
    }

    @Test func openEnumsKeepUnknownValues() throws {
        let phase = try JSONDecoder().decode(BuildBatchPhase.self, from: Data(#"{"phaseType": "FAILED", "phaseStatus": "RETRY"}"#.utf8))
        #expect(phase.phaseType == .failed)
        #expect(phase.phaseStatus == .unknown("RETRY"))
        #expect(phase.phaseStatus?.rawValue == "RETRY")
        let encoded = String(decoding: try JSONEncoder().encode(phase.phaseStatus), as: UTF8.self)
        #expect(encoded == #""RETRY""#)
    }

    @Test func wrongTypesAndBadListElementsDoNotLoseTheRest() throws {
        let json = #"""
            {"id": 42, "buildStatus": "FAILED", "phases": [{"phaseType": "BUILD", "phaseStatus": "FAILED"}, "garbage", 7,
             {"phaseType": "COMPLETED"}], "timeoutInMinutes": "sixty", "reportArns": {"not": "a list"}}
            """#
        let build = try JSONDecoder().decode(Build.self, from: Data(json.utf8))
        #expect(build.id == nil)
        #expect(build.buildStatus == .failed)
        #expect(build.phases?.count == 2)
        #expect(build.timeoutInMinutes == nil)
        #expect(build.reportArns == nil)
    }

    @Test func testIdentity() {
        #expect(TestIdentity.subjectID(classname: "a.B", suite: "s", name: "t") == "a.B.t")
        #expect(TestIdentity.subjectID(classname: nil, suite: "s", name: "t") == "s.t")
        #expect(TestIdentity.subjectID(classname: "", suite: nil, name: "t") == "t")
        #expect(TestIdentity.hash("a") != TestIdentity.hash("b"))
        #expect([1, 3, 5, 7].sortedContains(5) && ![1, 3, 5, 7].sortedContains(4))
    }

    @Test func verdictIsTheStrongestAction() {
        #expect(Verdict(strongestOf: []) == .clean)
        #expect(Verdict(strongestOf: [.none, .wait]) == .wait)
        #expect(Verdict(strongestOf: [.wait, .retry, .none]) == .retry)
        #expect(Verdict(strongestOf: [.retry, .investigate]) == .investigate)
        #expect(Verdict(strongestOf: [.investigate, .fix, .wait]) == .fix)
    }

    @Test func logText() {
        let text = LogText("one\r\ntwo\n\nfour")
        #expect(text.lineCount == 4)
        #expect(text.line(1) == "one" && text.line(2) == "two" && text.line(3) == "" && text.line(4) == "four")
        #expect(LogText("").lineCount == 0)
        #expect("héllo wörld".capped(bytes: 3) == "hé…")
    }
}

/// The fast paths added for large runs agree with the straightforward code they replace.
@Suite struct FastPathTests {
    /// The ARN parsing that `buildID(fromARN:)` replaced: first `:build-batch/`, else first `:build/`.
    static func referenceBuildID(_ value: String) -> String? {
        for marker in [":build-batch/", ":build/"] {
            if let range = value.firstRange(of: marker) { return String(value[range.upperBound...]) }
        }
        return value.hasPrefix("arn:") ? nil : value
    }

    @Test func buildIDsMatchTheReferenceParser() {
        var values = [
            "arn:aws:codebuild:us-east-1:123456789012:build/proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "arn:aws:codebuild:us-east-1:123456789012:build-batch/proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
            "arn:aws:codebuild:eu-west-1:1:build/a:build-batch/b", "arn:x:build-batch/", "arn:x:build/", "arn:x:build",
            "arn:aws:codebuild:::", "proj:1234", "", ":build/", ":build-batch/x", "::::::::build/y", "arn:é:build/ü:1",
            "arn:aws:codebuild:us-east-1:123456789012:project/proj", ":build-batc/x:build/z", "no colon at all here, long enough",
        ]
        // Markers at every offset of an eight-byte word, with colons around them.
        for offset in 0..<17 {
            let pad = String(repeating: ":", count: offset % 3) + String(repeating: "a", count: offset)
            values += ["arn:\(pad):build/id\(offset)", "arn:\(pad):build-batch/id\(offset)", "\(pad):build/x:build-batch/y", "\(pad):buil:build/z"]
        }
        for value in values {
            #expect(AnalysisContext.buildID(fromARN: value) == Self.referenceBuildID(value), "\(value)")
        }
    }

    @Test func iso8601FieldsSpellIso8601() {
        for seconds in [0, 1_603_301_183.099, -1.5, -62_135_596_800, 253_402_300_799.999, 951_782_400.0005, 1e300, -1e300, .nan, 86_399.9996] {
            let timestamp = Timestamp(secondsSince1970: seconds)
            guard let f = timestamp.iso8601Fields else {
                Issue.record("no fields for \(seconds)")
                continue
            }
            func pad(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            let spelled = "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2))T\(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2)).\(pad(f.millis, 3))Z"
            #expect(spelled == timestamp.iso8601, "\(seconds)")
        }
    }
}

@Suite struct CategoryRankTests {
    @Test func rankIsThePositionInAllCases() {
        for (index, category) in Category.allCases.enumerated() {
            #expect(category.rank == index, "\(category)")
        }
    }
}
