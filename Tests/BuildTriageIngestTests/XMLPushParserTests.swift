import BuildTriageCore
import Foundation
import Testing

@testable import BuildTriageIngest

/// What the SAX push parser must get right by itself: libxml2 is fed `XMLPushParser.chunkSize` bytes at a time
/// (references, characters and tags cut between two pushes), and what the tree builder of the `xmlTextReader` it
/// replaced used to do (limits, defaulted attributes, entity text, element lines).
@Suite("XMLPushParser")
struct XMLPushParserTests {
    private static let chunk = XMLPushParser.chunkSize

    private func read(_ bytes: [UInt8]) throws(IngestError) -> JUnitReport {
        try JUnitReader.read(bytes: bytes)
    }

    /// `head`, `x` padding, `middle`, `piece` and `tail`, padded so that `piece` starts `shift` bytes before the
    /// end of the first chunk.
    private func straddling(_ head: String, _ piece: String, shift: Int, _ tail: String, middle: String = "") -> [UInt8] {
        let padding = Self.chunk - head.utf8.count - middle.utf8.count - shift
        return Array((head + String(repeating: "x", count: padding) + middle + piece + tail).utf8)
    }

    /// A failure whose text holds `piece`, `shift` bytes before the end of the first chunk (the padding sits in an
    /// element that is not kept, the failure text is short).
    private func failureText(_ piece: String, shift: Int) -> [UInt8] {
        straddling("<testsuite><pad>", piece, shift: shift, "end</failure></testcase></testsuite>", middle: "</pad><testcase name=\"t\"><failure>ab")
    }

    // MARK: Chunk boundaries

    @Test("a reference cut between two pushes, in text and in an attribute")
    func referenceAcrossChunks() throws {
        for reference in ["&amp;", "&#233;", "&#x1F642;"] {
            let expected = reference == "&amp;" ? "&" : reference == "&#233;" ? "é" : "🙂"
            for shift in 0...reference.utf8.count {
                let details = try read(failureText(reference, shift: shift)).cases.first?.failure?.details
                #expect(details == "ab" + expected + "end", "\(reference) cut \(shift) bytes in")
                // In a name (kept whole: names are not capped).
                let attribute = straddling("<testsuite><testcase classname=\"", reference, shift: shift, "end\" name=\"t\"><error/></testcase></testsuite>")
                let classname = try #require(try read(attribute).cases.first?.classname)
                #expect(classname.hasSuffix("x" + expected + "end"), "\(reference) cut \(shift) bytes in")
            }
        }
    }

    @Test("a multi-byte UTF-8 character cut between two pushes")
    func multiByteCharacterAcrossChunks() throws {
        for character in ["é", "€", "🙂"] {
            for shift in 0...character.utf8.count {
                let details = try read(failureText(character, shift: shift)).cases.first?.failure?.details
                #expect(details == "ab" + character + "end", "\(character) cut \(shift) bytes in")
                // In a name (kept whole: names are not capped).
                let name = straddling("<testsuite><testcase classname=\"", character, shift: shift, "\" name=\"t\"><error/></testcase></testsuite>")
                let classname = try #require(try read(name).cases.first?.classname)
                #expect(classname.hasSuffix("x" + character), "\(character) cut \(shift) bytes in")
            }
        }
    }

    @Test("a tag and an attribute name cut between two pushes")
    func tagAcrossChunks() throws {
        let tag = "<testcase classname=\"C\" name=\"cut\"><failure message=\"m\"/></testcase>"
        for shift in stride(from: 1, through: tag.utf8.count, by: 3) {
            let head = "<testsuite><testcase name=\"p\"/><p>"
            let bytes = straddling(head, "</p>" + tag, shift: shift + 4, "<testcase name=\"q\"/></testsuite>")
            let report = try read(bytes)
            #expect(report.counts.total == 3 && report.counts.failed == 1, "cut \(shift) bytes into the tag")
            #expect(report.cases.first?.name == "cut" && report.cases.first?.classname == "C")
            #expect(report.cases.first?.failure?.message == "m")
            #expect(report.passed("p") && report.passed("q"))
        }
    }

    @Test("several chunks, then a failure, a broken tag or the end of the data: lines are exact")
    func linesAtTheEndOfALargeDocument() throws {
        var xml = "<testsuites>\n<testsuite name=\"S\">\n"
        var line = 3
        while xml.utf8.count < 3 * Self.chunk + 1000 {
            xml += "  <testcase classname=\"pkg.C\" name=\"p\(line)\" time=\"0.001\"/>\n"
            line += 1
        }
        let failureLine = line
        let complete = xml + "  <testcase classname=\"pkg.C\"\n      name=\"last\"><failure message=\"m\">boom</failure></testcase>\n</testsuite>\n</testsuites>\n"
        let report = try read(Array(complete.utf8))
        #expect(report.counts.total == failureLine - 2)
        #expect(report.cases.map(\.reportLine) == [failureLine])

        let broken = xml + "  <testcase name=\"last\"><failure></testcase>\n</testsuite>\n</testsuites>\n"
        let mismatch = try #require(readError(Array(broken.utf8)))
        #expect(mismatch.line == failureLine)
        #expect(mismatch.kind == .junit)

        let truncated = xml + "  <testcase name=\"last\"><failure>boom"
        let cut = try #require(readError(Array(truncated.utf8)))
        #expect(cut.line == failureLine)
        #expect(cut.message == "document ends before its root element is closed (truncated?)")
        #expect(cut.kind == .junit)
    }

    // MARK: What the tree builder did

    @Test("a DTD's internal subset cannot add testcases, text or attributes")
    func internalSubsetInjectsNothing() throws {
        let xml = """
            <!DOCTYPE testsuite [
              <!ENTITY e "<testcase name='INJ'><failure/></testcase>INJTEXT">
              <!ATTLIST testcase classname CDATA "INJATTR">
              <!ATTLIST testsuite name CDATA "INJSUITE">
              <!ATTLIST failure message CDATA "INJMESSAGE">
            ]>
            <testsuite><testcase name="a"><failure>x&e;y</failure></testcase><testcase name="p"/></testsuite>
            """
        let report = try read(Array(xml.utf8))
        #expect(report.counts.total == 2 && report.counts.failed == 1)
        let failed = try #require(report.cases.first)
        #expect(failed.classname == nil && failed.suite == nil)
        #expect(failed.failure?.details == "xy" && failed.failure?.message == nil)
        #expect(report.passed("p"))
    }

    /// In SAX mode libxml2 parses an entity's replacement text again at every reference in content unless the
    /// entity has children (the tree builder gives it them at the first reference in content, or when an
    /// attribute value references it). Without them these take minutes, with them a few milliseconds.
    @Test("an entity referenced 100,000 times is parsed once, first referenced in text or in an attribute", arguments: [
        "<failure>REFERENCES</failure>",
        "<failure message=\"&a;\">REFERENCES</failure>",
        "<properties><property value=\"x&a;\"/></properties><failure>REFERENCES</failure>",
    ])
    func entityParsedOnce(body: String) throws {
        let entity = String(repeating: "A", count: 1_000_000)
        let references = String(repeating: "&a;", count: 100_000)
        let xml = "<!DOCTYPE testsuite [<!ENTITY a \"\(entity)\">]><testsuite><testcase name=\"t\">"
            + body.replacingOccurrences(of: "REFERENCES", with: references) + "</testcase></testsuite>"
        let (report, elapsed) = try Attack.timed { try read(Array(xml.utf8)) }
        #expect(elapsed < .seconds(5))
        #expect(report.counts.failed == 1)
        #expect(report.cases.first?.failure?.details == nil)
    }

    @Test("attribute values keep entity references as written and decode the rest")
    func attributeReferences() throws {
        let xml = """
            <!DOCTYPE testsuite [<!ENTITY f "F">]><testsuite><testcase name="a&amp;b &#38; &#x26; &amp;#38; &f; &lt;" \
            classname="c&#9;d\te"><failure message="&f;&amp;f;" type="T&#38;"/></testcase></testsuite>
            """
        let failed = try #require(try read(Array(xml.utf8)).cases.first)
        #expect(failed.name == "a&b & & &#38; &f; <")
        #expect(failed.classname == "c\td e")
        #expect(failed.failure?.message == "&f;&f;" && failed.failure?.type == "T&")
    }

    @Test("an element's line after a comment, a processing instruction, an empty element, text or an end tag")
    func elementLinesAfterOtherNodes() throws {
        let xml = """
            <testsuite>
            <!-- c
             --><testcase
             name="a"><failure/></testcase><?pi
            ?><testcase
             name="b"><failure/></testcase><x/><testcase
             name="c"><failure/></testcase>
            <testcase name="d"
            ><failure/></testcase><testcase
             name="e"><failure/></testcase></testsuite>
            """
        let report = try read(Array(xml.utf8))
        // After an end tag only the start tag's own end is known (line 10 for the testcase opened on line 9).
        #expect(report.cases.map(\.reportLine) == [3, 5, 6, 8, 10])
    }

    @Test("libxml2's depth limit: 256 levels below the root parse, 257 do not")
    func depthLimit() throws {
        func nested(_ levels: Int) -> [UInt8] {
            Array(("<testsuite>" + String(repeating: "<a>", count: levels - 1) + "<testcase name=\"t\"/>"
                + String(repeating: "</a>", count: levels - 1) + "</testsuite>").utf8)
        }
        #expect(try read(nested(256)).counts.total == 1)
        let error = try #require(readError(nested(257)))
        #expect(error.message.contains("depth") && error.line == 1 && error.kind == .junit)
    }

    @Test("libxml2's 10 MB text-node limit applies to text that is not kept too")
    func textNodeLimitOutsideCapturedElements() throws {
        let within = "<testsuite><notes>" + String(repeating: "0123456789", count: 999_000) + "</notes><testcase name=\"t\"/></testsuite>"
        #expect(try read(Array(within.utf8)).counts.total == 1)
        let over = "<testsuite><notes>" + String(repeating: "012345678\n", count: 1_000_100) + "</notes><testcase name=\"t\"/></testsuite>"
        let error = try #require(readError(Array(over.utf8)))
        #expect(error.message == "xmlSAX2Characters: huge text node")
        #expect(error.line != nil && error.kind == .junit)
    }

    @Test("a file and the same bytes in memory read alike across chunks")
    func pathAndBytesAgreeAcrossChunks() throws {
        var xml = "<testsuite name=\"S\">\n"
        var index = 0
        while xml.utf8.count < 2 * Self.chunk {
            xml += "<testcase classname=\"C\" name=\"t\(index)é\"><failure message=\"m&amp;\(index)\">d</failure></testcase>\n"
            index += 1
        }
        xml += "</testsuite>\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sax-chunks-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try JUnitReader.read(path: file.path)
        let fromBytes = try read(Array(xml.utf8))
        #expect(fromFile == fromBytes)
        #expect(fromFile.counts.failed == index)
        #expect(fromFile.cases.last?.reportLine == index + 1)
    }
}
