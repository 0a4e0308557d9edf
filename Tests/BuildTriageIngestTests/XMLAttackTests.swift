import BuildTriageCore
import BuildTriageTestSupport
import Foundation
import Testing

@testable import BuildTriageIngest

/// Hostile and broken XML: each ends with a diagnostic or a correct partial result, in bounded time, without
/// touching the network or any file but the input. Read through `Ingestor.read(path:)` (what the CLI does: the
/// sniffer, then libxml2 streaming from disk) unless the test is about the reader alone.
@Suite("XML attacks")
struct XMLAttackTests {
    private static let laughs = "<?xml version=\"1.0\"?>\n" + Attack.laughsDTD + """
        <testsuite name="&lol9;"><testcase name="&lol9;" classname="c"><failure message="&lol9;">&lol9;&lol9;</failure></testcase>
        <testcase name="ok" classname="c"/></testsuite>
        """

    @Test("billion laughs: nothing is expanded; a diagnostic or the rest read, fast")
    func billionLaughs() throws {
        let scratch = try ScratchDirectory("laughs")
        defer { scratch.cleanUp() }
        // References in attributes: libxml2 checks attribute values for entity loops and amplification, and
        // stops with a diagnostic.
        let path = try scratch.write(Array(Self.laughs.utf8), to: "laughs.xml")
        let (read, elapsed) = Attack.timed { Ingestor.read(path: path) }
        #expect(elapsed < .seconds(2))
        #expect(read.record.status == .error)
        #expect(read.record.kind == .junit)
        #expect(read.record.line == 14, "\(read.record.diagnostic ?? "")")
        #expect(!Attack.everything(read).contains("lollol"))

        // References in text only: libxml2 still parses an internal entity's content once (to check it), and its
        // amplification check stops that with a diagnostic too; either way nothing is expanded into the result.
        let textOnly = Self.laughs.components(separatedBy: "]>")[0] + """
            ]>
            <testsuite name="s"><testcase name="t" classname="c"><failure message="m">&lol9;&lol9;</failure><system-out>&lol9;</system-out></testcase>
            <testcase name="ok" classname="c"/></testsuite>
            """
        let textPath = try scratch.write(Array(textOnly.utf8), to: "laughs-text.xml")
        let (textRead, textElapsed) = Attack.timed { Ingestor.read(path: textPath) }
        #expect(textElapsed < .seconds(2))
        #expect(!Attack.everything(textRead).contains("lollol"))
        guard case .junit(let report)? = textRead.document else {
            #expect(textRead.record.kind == .junit)
            #expect(textRead.record.diagnostic?.contains("entity") == true, "\(textRead.record.diagnostic ?? "")")
            return
        }
        #expect(report.counts.total == 2)
        #expect(report.counts.failed == 1)
        #expect(report.passed("c.ok"))
        #expect(!Attack.everything(textRead).contains("lollol"))
    }

    @Test("quadratic blow-up: a 64 KB entity referenced 20,000 times is not expanded")
    func quadraticBlowup() throws {
        let entity = String(repeating: "A", count: 65_536)
        let references = String(repeating: "&a;", count: 20_000)
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE testsuite [<!ENTITY a "\(entity)">]>
            <testsuite name="s"><testcase name="t" classname="\(references)"><failure message="\(references)">\(references)</failure></testcase></testsuite>
            """
        let scratch = try ScratchDirectory("quadratic")
        defer { scratch.cleanUp() }
        let path = try scratch.write(Array(xml.utf8), to: "quadratic.xml")
        let (read, elapsed) = Attack.timed { Ingestor.read(path: path) }
        #expect(elapsed < .seconds(5))
        let everything = Attack.everything(read)
        #expect(!everything.contains(String(repeating: "A", count: 1000)))
        // Whatever was kept is capped: nowhere near 20,000 × 64 KB.
        #expect(everything.utf8.count < 1_000_000)
        if read.record.status == .ok, case .junit(let report)? = read.document {
            #expect(report.counts.failed == 1)
        }
    }

    // MARK: External entities and DTDs

    /// Documents that would read `TARGET` if libxml2 loaded external entities or DTDs.
    static let externalTemplates: [String] = [
        "<!DOCTYPE testsuite [<!ENTITY x SYSTEM \"TARGET\">]><testsuite><testcase name=\"t\"><failure>&x;</failure></testcase><testcase name=\"p\"/></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY x SYSTEM \"TARGET\">]><testsuite><testcase name=\"&x;\"><failure message=\"&x;\"/></testcase><testcase name=\"p\"/></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY x SYSTEM \"TARGET\">]><testsuite name=\"&x;\"><testcase name=\"t\"><failure/></testcase><testcase name=\"p\"/></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY % p SYSTEM \"TARGET\"> %p;]><testsuite><testcase name=\"t\"><failure/></testcase><testcase name=\"p\"/></testsuite>",
        "<!DOCTYPE testsuite [<!ENTITY % p SYSTEM \"TARGET\"> <!ENTITY x \"%p;\">]><testsuite><testcase name=\"t\"><failure>&x;</failure></testcase><testcase name=\"p\"/></testsuite>",
        "<!DOCTYPE testsuite SYSTEM \"TARGET\"><testsuite><testcase name=\"t\"><failure>&leak;</failure></testcase><testcase name=\"p\"/></testsuite>",
        "<!DOCTYPE testsuite PUBLIC \"-//BuildTriage//Attack//EN\" \"TARGET\"><testsuite><testcase name=\"t\"><failure/></testcase><testcase name=\"p\"/></testsuite>",
        "<testsuite xmlns:xi=\"http://www.w3.org/2001/XInclude\"><testcase name=\"t\"><failure><xi:include href=\"TARGET\" parse=\"text\"/></failure></testcase><testcase name=\"p\"/></testsuite>",
        "<testsuite xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"TARGET\"><testcase name=\"t\"><failure/></testcase><testcase name=\"p\"/></testsuite>",
        "<?xml-stylesheet type=\"text/xsl\" href=\"TARGET\"?><testsuite><testcase name=\"t\"><failure/></testcase><testcase name=\"p\"/></testsuite>",
    ]

    @Test("file:// and plain-path entities and DTDs: the canary file is never read", arguments: externalTemplates)
    func externalFileNeverRead(template: String) throws {
        let scratch = try ScratchDirectory("xxe-file")
        defer { scratch.cleanUp() }
        let canary = "CANARY-\(UUID().uuidString)"
        let target = try scratch.write(Array(canary.utf8), to: "secret.txt")
        // The DTD form defines `leak` from the canary, and defaults an attribute to it.
        let dtd = try scratch.write(
            Array("<!ENTITY leak \"\(canary)\"><!ATTLIST testcase classname CDATA \"\(canary)\">".utf8), to: "secret.dtd")
        for reference in ["file://\(target)", target, "secret.txt", "file://\(dtd)", dtd, "secret.dtd"] {
            let xml = template.replacingOccurrences(of: "TARGET", with: reference)
            let path = try scratch.write(Array(xml.utf8), to: "report.xml")
            for read in [Ingestor.read(path: path), Ingestor.read(data: Data(xml.utf8), path: "report.xml")] {
                let everything = Attack.everything(read)
                #expect(!everything.contains(canary), "\(reference): \(everything)")
                if read.record.status == .ok, case .junit(let report)? = read.document {
                    #expect(report.passed("p"), "\(reference)")
                    #expect(report.counts.total == 2)
                }
            }
        }
    }

    @Test("http:// entities, DTDs, XInclude and schemas: no connection is made", arguments: externalTemplates)
    func noNetwork(template: String) throws {
        let listener = try LocalListener()
        let scratch = try ScratchDirectory("xxe-http")
        defer { scratch.cleanUp() }
        for reference in ["http://127.0.0.1:\(listener.port)/secret", "ftp://127.0.0.1:\(listener.port)/secret"] {
            let xml = template.replacingOccurrences(of: "TARGET", with: reference)
            let path = try scratch.write(Array(xml.utf8), to: "report.xml")
            let ((fromFile, fromBytes), elapsed) = Attack.timed {
                (Ingestor.read(path: path), Ingestor.read(data: Data(xml.utf8), path: "report.xml"))
            }
            // A connection attempt to a listener that never answers would block; none is made.
            #expect(elapsed < .seconds(2))
            for read in [fromFile, fromBytes] where read.record.status == .ok {
                if case .junit(let report)? = read.document { #expect(report.passed("p")) }
            }
        }
        #expect(listener.connections() == 0)
    }

    // MARK: Structure

    @Test("10,000 and 100,000 nested elements: a diagnostic with a line, in bounded time", arguments: [10_000, 100_000])
    func deepNesting(depth: Int) throws {
        let xml = "<testsuites>" + String(repeating: "<testsuite>", count: depth) + "<testcase name=\"t\"/>"
            + String(repeating: "</testsuite>", count: depth) + "</testsuites>"
        let nestedInFailure = "<testsuite><testcase name=\"t\"><failure>" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth) + "</failure></testcase></testsuite>"
        let scratch = try ScratchDirectory("deep")
        defer { scratch.cleanUp() }
        for document in [xml, nestedInFailure] {
            let path = try scratch.write(Array(document.utf8), to: "deep.xml")
            let (read, elapsed) = Attack.timed { Ingestor.read(path: path) }
            #expect(elapsed < .seconds(5))
            // libxml2's depth limit (256 without XML_PARSE_HUGE) ends the read with a diagnostic.
            #expect(read.record.status == .error)
            #expect(read.record.kind == .junit)
            #expect(read.record.line != nil)
            #expect(read.record.diagnostic?.contains("depth") == true, "\(read.record.diagnostic ?? "")")
        }
    }

    @Test("a 100 MB attribute: a diagnostic, streamed from disk, in bounded time")
    func hugeAttribute() throws {
        let scratch = try ScratchDirectory("huge-attribute")
        defer { scratch.cleanUp() }
        let path = scratch.path("huge.xml")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data("<testsuite name=\"s\">\n<testcase classname=\"c\" name=\"".utf8))
        let chunk = Data(repeating: UInt8(ascii: "A"), count: 1 << 20)
        for _ in 0..<100 { try handle.write(contentsOf: chunk) }
        try handle.write(contentsOf: Data("\"/>\n<testcase name=\"p\"/></testsuite>\n".utf8))
        try handle.close()

        let (read, elapsed) = Attack.timed { Ingestor.read(path: path) }
        #expect(elapsed < .seconds(20))
        // libxml2 refuses attribute values over 10 MB (XML_PARSE_HUGE is not set).
        #expect(read.record.status == .error)
        #expect(read.record.kind == .junit)
        #expect(read.record.line == 2, "\(read.record.diagnostic ?? "")")
        #expect((read.record.diagnostic?.utf8.count ?? 0) < 1000)
    }

    // MARK: Encodings and bytes

    @Test("invalid UTF-8: a diagnostic with a line")
    func invalidUTF8() throws {
        var bytes = Array("<?xml version=\"1.0\"?>\n<testsuite>\n<testcase name=\"".utf8)
        bytes += [0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80]
        bytes += Array("\"/></testsuite>".utf8)
        let read = Ingestor.read(data: Data(bytes), path: "bad.xml")
        #expect(read.record.status == .error)
        #expect(read.record.kind == .junit)
        #expect(read.record.line == 3)
        #expect(read.record.diagnostic?.hasPrefix("bad.xml: line 3") == true, "\(read.record.diagnostic ?? "")")
    }

    @Test("UTF-16 with a byte order mark (both byte orders) is read")
    func utf16() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<testsuite name=\"S\"><testcase name=\"ü🙂\"><failure message=\"ß\"/></testcase><testcase name=\"ok\"/></testsuite>"
        let scratch = try ScratchDirectory("utf16")
        defer { scratch.cleanUp() }
        for bigEndian in [false, true] {
            var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
            for unit in xml.utf16 {
                bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            }
            let read = Ingestor.read(path: try scratch.write(bytes, to: "utf16.xml"))
            #expect(read.record.status == .ok, "\(read.record.diagnostic ?? "")")
            guard case .junit(let report)? = read.document else { continue }
            #expect(report.counts.total == 2)
            #expect(report.cases.first?.name == "ü🙂")
            #expect(report.passed("S.ok"))
        }
    }

    /// Found by the fuzzer: UTF-16 with a lone surrogate made libxml2 print "encoding error : input conversion
    /// failed" to stderr (an error without a parser context goes to the thread's generic channel).
    @Test("UTF-16 with a lone surrogate: a diagnostic, and nothing printed")
    func utf16LoneSurrogate() throws {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x3C, 0x00, 0x74, 0x00, 0x00, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x3E, 0x00]
        let ((fromBytes, fromReader), printed) = Attack.capturingStandardError {
            (Ingestor.read(data: Data(bytes), path: "surrogate.xml"), Result { () throws(IngestError) in try JUnitReader.read(bytes: bytes) })
        }
        #expect(!printed.contains("encoding error"), "\(printed)")
        #expect(!printed.contains("encoder error"), "\(printed)")
        #expect(fromBytes.record.status == .error)
        #expect(fromBytes.record.diagnostic?.contains("conversion") == true, "\(fromBytes.record.diagnostic ?? "")")
        #expect(throws: IngestError.self) { try fromReader.get() }
    }

    @Test("a NUL byte mid-file: a diagnostic with its line")
    func nulByte() throws {
        var bytes = Array("<testsuite>\n<testcase name=\"a\"/>\n<testcase name=\"b\">".utf8)
        bytes.append(0)
        bytes += Array("</testcase></testsuite>".utf8)
        let scratch = try ScratchDirectory("nul")
        defer { scratch.cleanUp() }
        for read in [Ingestor.read(path: try scratch.write(bytes, to: "nul.xml")), Ingestor.read(data: Data(bytes), path: "nul.xml")] {
            #expect(read.record.status == .error)
            #expect(read.record.kind == .junit)
            #expect(read.record.line == 3, "\(read.record.diagnostic ?? "")")
            #expect(read.record.diagnostic?.contains("\u{0}") == false)
        }
    }

    // MARK: Truncation

    @Test("a real report cut at every 1 KB boundary: each cut is a diagnostic with a line")
    func truncatedAtEveryKilobyte() throws {
        let file = Attack.corpus.appendingPathComponent("junit/test-reporter/__tests__/fixtures/external/java/pulsar-test-report.xml")
        let bytes = try [UInt8](Data(contentsOf: file))
        let whole = try JUnitReader.read(bytes: bytes)
        #expect(whole.counts.total == 808)
        var cut = 1024
        var cuts = 0
        let (_, elapsed) = Attack.timed {
            while cut < bytes.count {
                let prefix = Array(bytes[..<cut])
                cuts += 1
                let read = Ingestor.read(data: Data(prefix), path: "cut.xml")
                #expect(read.record.status == .error, "cut at \(cut)")
                #expect(read.record.line != nil, "cut at \(cut): \(read.record.diagnostic ?? "")")
                if cut > 200 { #expect(read.record.kind == .junit, "cut at \(cut)") }
                #expect(read.record.diagnostic?.contains("truncated?") == true, "cut at \(cut): \(read.record.diagnostic ?? "")")
                cut += 1024
            }
        }
        #expect(cuts == bytes.count / 1024)
        #expect(elapsed < .seconds(30))
    }
}
