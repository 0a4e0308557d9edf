import BuildTriageCore
import Testing

@testable import BuildTriageReporters

/// The HTML page is well formed (balanced tags, an SVG that parses as XML), whatever the values.
@Suite("HTML structure")
struct HTMLTests {
    static let check = """
        import re, sys
        import xml.etree.ElementTree as ET
        from html.parser import HTMLParser
        page = open(sys.argv[1], encoding="utf-8").read()
        VOID = {"meta", "br", "hr", "img", "input", "link"}
        SVG_VOID = set()
        class Balance(HTMLParser):
            def __init__(self):
                super().__init__(convert_charrefs=True)
                self.stack = []
                self.problems = []
            def handle_starttag(self, tag, attrs):
                if tag not in VOID: self.stack.append(tag)
            def handle_startendtag(self, tag, attrs):
                pass
            def handle_endtag(self, tag):
                if not self.stack or self.stack[-1] != tag:
                    self.problems.append("unexpected </%s> with open %s" % (tag, self.stack[-3:]))
                else:
                    self.stack.pop()
        parser = Balance()
        parser.feed(page)
        parser.close()
        for problem in parser.problems[:5]: print(problem)
        if parser.stack: print("unclosed:", parser.stack[-5:])
        for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page):
            if tag.lower() in ("script", "img", "iframe", "object", "embed", "link", "a", "form", "input"):
                print("unexpected element:", tag)
        svg = re.search(r"<svg.*?</svg>", page, re.S)
        if svg:
            ET.fromstring(svg.group(0))
        """

    @Test(arguments: ["sample", "hostile", "clean"])
    func pageIsWellFormed(name: String) throws {
        let report: TriageReport =
            switch name {
            case "sample": Fixtures.sample()
            case "hostile": Fixtures.hostile()
            default: TriageReport(verdict: .clean, inputs: [], tests: TestCounts())
            }
        let html = HTMLReporter().render(report, options: RenderOptions())
        let problems = try SchemaTests.python(Self.check, arguments: [], input: html)
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func timelineHasLanesBarsAndArrows() {
        let html = HTMLReporter().render(Fixtures.sample(), options: RenderOptions())
        for lane in ["Batch phases", "Build groups", "Build phases", "Pipeline stages"] {
            #expect(html.contains(">\(lane)</text>"))
        }
        #expect(html.components(separatedBy: "<rect class=\"bar ").count - 1 == 9)
        #expect(html.components(separatedBy: "class=\"dep\"").count - 1 == 2)
        #expect(html.contains("class=\"bar s-failed\""))
        #expect(html.contains("class=\"bar s-stopped\""))
        #expect(html.contains("STOPPED, not started"))
    }

    @Test func runsFarApartGetTheirOwnCharts() {
        let stage = TimelineEntry(
            lane: .stage, owner: "pipeline", name: "Build", status: "Failed", start: Fixtures.time("2025-11-20T13:30:00Z"),
            end: Fixtures.time("2025-11-20T13:40:00Z"))
        let phase = TimelineEntry(
            lane: .buildPhase, owner: "project:build", name: "BUILD", status: "FAILED", start: Fixtures.time("2026-11-20T14:10:00Z"),
            end: Fixtures.time("2026-11-20T14:20:00Z"))
        let near = TimelineEntry(
            lane: .buildPhase, owner: "project:other", name: "BUILD", status: "SUCCEEDED", start: Fixtures.time("2026-11-20T14:30:00Z"),
            end: Fixtures.time("2026-11-20T14:31:00Z"))
        let charts = TimelineSVG.render([stage, phase, near])
        #expect(charts.count == 2)
        #expect(charts.map { $0.origin?.iso8601 } == ["2025-11-20T13:30:00.000Z", "2026-11-20T14:10:00.000Z"])
        #expect(Set(charts.map { $0.svg.contains("id=\"arrow1\"") }) == [true, false])
    }

    @Test func runningEntriesAreOpenBarsAndUnfinishedOnesTicks() {
        let running = TimelineEntry(lane: .stage, owner: "p", name: "Deploy", status: "InProgress", start: Fixtures.time("2026-01-01T00:00:00Z"), end: nil)
        let done = TimelineEntry(lane: .stage, owner: "p", name: "Build", status: "Succeeded", start: Fixtures.time("2026-01-01T00:00:00Z"), end: Fixtures.time("2026-01-01T00:05:00Z"))
        let final = TimelineEntry(lane: .buildGroup, owner: "b", name: "e2e", status: "TIMED_OUT", start: Fixtures.time("2026-01-01T00:01:00Z"), end: nil)
        let svg = TimelineSVG.render([done, running, final]).map(\.svg).joined()
        #expect(svg.contains("class=\"bar s-running open\""))
        #expect(svg.contains("TIMED_OUT, no end time"))
        #expect(svg.contains("width=\"4\""))
    }
}
