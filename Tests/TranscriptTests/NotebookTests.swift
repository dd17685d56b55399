import Foundation
import TestSupport
import XCTest
import Transcript

final class NotebookTests: XCTestCase {
    func testNotebookValidatesWithNbformat() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, transcript) in [("lab", TranscriptFixtures.lab()), ("lab-timing", TranscriptFixtures.lab(timing: true)),
                                   ("tricky", TranscriptFixtures.tricky()),
                                   ("empty", Transcript(header: TranscriptHeader(version: "1", script: "e.nnl", seed: nil,
                                                                                data: [], timing: false)))] {
            let path = directory.appendingPathComponent("\(name).ipynb").path
            try transcript.write(to: path)
            assertValidNotebook(at: path)
        }
    }

    func testJSONEscapingRoundTrips() throws {
        let transcript = TranscriptFixtures.tricky()
        let json = try parse(transcript.render(.notebook))
        let metadata = try XCTUnwrap(json["metadata"] as? [String: Any])
        let run = try XCTUnwrap(metadata["nnlab"] as? [String: Any])
        XCTAssertEqual(run["script"] as? String, transcript.header.script)
        XCTAssertEqual(run["version"] as? String, transcript.header.version)
        XCTAssertEqual((run["seed"] as? NSNumber)?.uint64Value, UInt64.max)
        XCTAssertEqual(run["startedAt"] as? String, "2025-01-15T09:30:00Z")
        XCTAssertEqual(run["timing"] as? Bool, true)

        let cells = try XCTUnwrap(json["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, transcript.cells.count)
        for (cell, original) in zip(cells, transcript.cells) {
            XCTAssertEqual(joined(cell["source"]), original.source)
        }
        let firstOutputs = try XCTUnwrap(cells[0]["outputs"] as? [[String: Any]])
        XCTAssertEqual(joined(firstOutputs.first?["text"]), TerminalText.clean(transcript.cells[0].output))
        XCTAssertEqual((cells[0]["metadata"] as? [String: Any])?["title"] as? String, "Tab\tand \"quote\"")
        let errorOutput = try XCTUnwrap((cells[2]["outputs"] as? [[String: Any]])?.first)
        XCTAssertEqual(errorOutput["ename"] as? String, "Bad\"Name")
        XCTAssertEqual(errorOutput["evalue"] as? String, "m\\n")
    }

    func testNotebookStructure() throws {
        let json = try parse(TranscriptFixtures.lab().render(.notebook))
        XCTAssertEqual(json["nbformat"] as? Int, 4)
        XCTAssertEqual(json["nbformat_minor"] as? Int, 5)
        let metadata = try XCTUnwrap(json["metadata"] as? [String: Any])
        let kernelspec = try XCTUnwrap(metadata["kernelspec"] as? [String: Any])
        XCTAssertEqual(kernelspec["name"] as? String, "nnlab")
        XCTAssertEqual((metadata["language_info"] as? [String: Any])?["file_extension"] as? String, ".nnl")
        let run = try XCTUnwrap(metadata["nnlab"] as? [String: Any])
        XCTAssertNil(run["startedAt"], "no start date without timing")
        let data = try XCTUnwrap(run["data"] as? [[String: Any]])
        XCTAssertEqual(data.first?["file"] as? String, "train-images-idx3-ubyte.gz")

        let cells = try XCTUnwrap(json["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.map { $0["id"] as? String }, ["cell-1", "cell-2", "cell-3", "cell-4", "cell-5"])
        XCTAssertEqual(cells[0]["cell_type"] as? String, "markdown")
        XCTAssertNil(cells[0]["outputs"])
        XCTAssertNil(cells[0]["execution_count"])
        XCTAssertEqual(cells.dropFirst().map { $0["execution_count"] as? Int }, [1, 2, 3, 4])
        // Lines keep their "\n" except the last, as Jupyter stores them.
        XCTAssertEqual(cells[2]["source"] as? [String], ["for lr in [0.1, 0.01]\n", "  train epochs=1\n", "end"])
        let sweepOutputs = try XCTUnwrap(cells[2]["outputs"] as? [[String: Any]])
        XCTAssertEqual(sweepOutputs.first?["text"] as? [String], ["[#####] 100%\n", "epoch 1 loss 0.52 acc 0.871\n"])
        let typoOutputs = try XCTUnwrap(cells[4]["outputs"] as? [[String: Any]])
        XCTAssertEqual(typoOutputs.count, 1, "no stream output for an empty output")
        XCTAssertEqual(typoOutputs.first?["output_type"] as? String, "error")
        XCTAssertEqual(typoOutputs.first?["traceback"] as? [String],
                       ["lab.nnl:12:1: error: unknown command 'trian'", "  trian epochs=1", "  ^~~~~",
                        "did you mean 'train'?"])
    }

    // MARK: - Helpers

    private func parse(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try XCTUnwrap(object as? [String: Any])
    }

    private func joined(_ lines: Any?) -> String? {
        (lines as? [String])?.joined()
    }

    /// Runs Python's nbformat validator; a missing nbformat is a failure, not a skip, so CI cannot pass silently.
    private func assertValidNotebook(at path: String, file: StaticString = #filePath, line: UInt = #line) {
        let probe = python("import nbformat")
        guard probe.status == 0 else {
            XCTFail("Python's nbformat is needed to validate notebooks: run `python3 -m pip install nbformat`\n"
                    + probe.output, file: file, line: line)
            return
        }
        let validation = python("import nbformat,sys; nb=nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb)", path)
        XCTAssertEqual(validation.status, 0, "nbformat rejected \(path):\n\(validation.output)", file: file, line: line)
        // Jupyter re-saving the notebook should change nothing, so students' diffs stay clean.
        let resave = python("""
            import nbformat,sys
            text = open(sys.argv[1], encoding="utf-8").read()
            sys.exit(0 if nbformat.writes(nbformat.reads(text, as_version=4)) + "\\n" == text else 1)
            """, path)
        XCTAssertEqual(resave.status, 0, "nbformat would re-save \(path) differently:\n\(resave.output)",
                       file: file, line: line)
    }
}

/// Figures in every format: display_data in notebooks, inline SVG in HTML, image links in Markdown.
final class FigureTranscriptTests: XCTestCase {
    func testFiguresBecomeDisplayDataWithSVGAndText() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("figures.ipynb").path
        try TranscriptFixtures.withFigures().write(to: path)
        let (status, output) = python("""
            import sys, nbformat
            text = open(sys.argv[1], encoding="utf-8").read()
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
            assert nbformat.writes(nb) + "\\n" == text, "nbformat would re-save it differently"
            outputs = nb.cells[1].outputs
            assert [o.output_type for o in outputs] == ["stream", "display_data", "stream"], outputs
            assert outputs[0].text == "epoch 2 loss 0.3\\n", outputs[0].text
            figure = outputs[1]
            assert sorted(figure.data) == ["image/svg+xml", "text/plain"], figure.data.keys()
            assert figure.data["image/svg+xml"].startswith("<svg "), figure.data["image/svg+xml"]
            assert figure.data["text/plain"] == "┌──┐\\n│⠉⠒│ loss\\n└──┘", figure.data["text/plain"]
            assert figure.metadata == {}
            second = nb.cells[2].outputs
            assert [o.output_type for o in second] == ["display_data", "error"], second
            print("ok")
            """, path)
        XCTAssertEqual(status, 0, output)
    }

    func testHTMLIsSelfContainedAndParses() throws {
        let html = TranscriptFixtures.withFigures().render(.html)
        assertGolden(html, named: "figures.html")
        for external in ["<script", "<link", "src=", "@import", "url("] {
            XCTAssertFalse(html.lowercased().contains(external), "no external resources or scripts: \(external)")
        }
        XCTAssertTrue(html.contains("<figure>\n<svg xmlns="), "figures inline")
        XCTAssertTrue(html.contains("<h1>Lab <em>one</em> — <code>figures</code></h1>"), "markdown rendered")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "raw HTML in markdown stays text")
        XCTAssertFalse(html.contains("href=\"javascript"), "no script links")
        XCTAssertTrue(html.contains("snake_case_name"), "underscores inside words are not emphasis")
        XCTAssertTrue(html.contains("done &lt;ok&gt;"))
        XCTAssertFalse(html.unicodeScalars.contains("\u{1B}"))

        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("figures.html").path
        try TranscriptFixtures.withFigures().write(to: path)
        let (status, output) = python("""
            import sys, html5lib
            # strict: any parse error (bad nesting, stray end tags, bad characters) raises.
            document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(open(sys.argv[1], "rb").read())
            figures = document.findall(".//figure")
            assert len(figures) == 2, len(figures)
            print("ok")
            """, path)
        XCTAssertEqual(status, 0, output)
    }

    func testMarkdownAndTextRenders() {
        assertGolden(TranscriptFixtures.withFigures().render(.markdown, figureFolder: "lab_files"),
                                               named: "figures.md")
        let text = TranscriptFixtures.withFigures().render(.text)
        XCTAssertTrue(text.contains("epoch 2 loss 0.3\n┌──┐\n│⠉⠒│ loss\n└──┘\ndone <ok>"), text)
        XCTAssertFalse(text.contains("<svg"), "text transcripts keep the charts as text")
    }
}
