import TestSupport
import XCTest
import Transcript

/// The .md, .txt and .ipynb renders of small transcripts, compared byte for byte with Golden/.
final class RenderGoldenTests: XCTestCase {
    func testMarkdownWithoutTiming() {
        assertGolden(TranscriptFixtures.lab().render(.markdown), named: "lab-no-timing.md")
    }

    func testMarkdownWithTiming() {
        assertGolden(TranscriptFixtures.lab(timing: true).render(.markdown),
                                               named: "lab-timing.md")
    }

    func testTextWithoutTiming() {
        assertGolden(TranscriptFixtures.lab().render(.text), named: "lab-no-timing.txt")
    }

    func testTextWithTiming() {
        assertGolden(TranscriptFixtures.lab(timing: true).render(.text),
                                               named: "lab-timing.txt")
    }

    func testNotebookWithoutTiming() {
        assertGolden(TranscriptFixtures.lab().render(.notebook),
                                               named: "lab-no-timing.ipynb")
    }

    func testNotebookWithEscapes() {
        assertGolden(TranscriptFixtures.tricky().render(.notebook), named: "tricky.ipynb")
    }

    func testTextHasNoEscapesOrCarriageReturns() {
        for format in [TranscriptFormat.text, .markdown] {
            let rendered = TranscriptFixtures.lab().render(format)
            XCTAssertFalse(rendered.unicodeScalars.contains("\u{1B}"), "\(format) contains ESC")
            XCTAssertFalse(rendered.unicodeScalars.contains("\r"), "\(format) contains CR")
        }
    }

    func testMarkdownFenceOutgrowsBackticksInText() {
        let transcript = Transcript(
            header: TranscriptHeader(version: "1", script: "s.nnl", seed: nil, data: [], timing: false),
            cells: [TranscriptCell(kind: .code, source: "print \"````\"", output: "````\n")])
        let rendered = transcript.render(.markdown)
        XCTAssertTrue(rendered.contains("`````nnl\nprint \"````\"\n`````"), rendered)
        XCTAssertTrue(rendered.contains("`````\n````\n`````"), rendered)
    }

    func testStartDateOnlyWrittenWithTiming() {
        for format in [TranscriptFormat.notebook, .markdown, .text] {
            XCTAssertFalse(TranscriptFixtures.lab(timing: false).render(format).contains("2025-01-15"), "\(format)")
            XCTAssertTrue(TranscriptFixtures.lab(timing: true).render(format).contains("2025-01-15"), "\(format)")
        }
    }

    func testEqualTranscriptsRenderByteIdentical() {
        for format in [TranscriptFormat.notebook, .markdown, .text] {
            for timing in [false, true] {
                XCTAssertEqual(Array(TranscriptFixtures.lab(timing: timing).render(format).utf8),
                               Array(TranscriptFixtures.lab(timing: timing).render(format).utf8))
            }
            XCTAssertEqual(TranscriptFixtures.tricky().render(format), TranscriptFixtures.tricky().render(format))
        }
    }

    func testTimingOffIgnoresStartDate() {
        var withDate = TranscriptFixtures.lab(timing: false)
        var otherDate = withDate
        withDate.header.startedAt = "2025-01-01T00:00:00Z"
        otherDate.header.startedAt = "2031-12-31T23:59:59Z"
        for format in [TranscriptFormat.notebook, .markdown, .text] {
            XCTAssertEqual(withDate.render(format), otherDate.render(format))
        }
    }
}
