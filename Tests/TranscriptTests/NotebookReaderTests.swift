import Basics
import XCTest
@testable import Transcript

/// The notebook reader: what it reads back, and that no input traps it (its one entry point,
/// `NotebookReader.parse`, is what a fuzzer calls). The JSON parser's own tests are in BasicsTests.
final class NotebookReaderTests: XCTestCase {
    func testSerialisedValuesReadBack() throws {
        for transcript in [TranscriptFixtures.lab(), TranscriptFixtures.tricky()] {
            let text = transcript.render(.notebook)
            let json = try JSONValue.parse(text)
            XCTAssertEqual(json.serialized(), text, "parse then serialise gives the same bytes")
            XCTAssertEqual(try JSONValue.parse(json.compact()), json)
        }
    }

    func testNotebookReadsWhatTheRendererWrites() throws {
        var transcript = TranscriptFixtures.lab()
        transcript.header.blas = "OpenBLAS 0.3.21 Haswell"
        transcript.header.chartWidth = 80
        transcript.header.unicodeCharts = false
        transcript.header.unicodeChartLabels = true
        transcript.cells[1].metadata = ["tags": .array([.string("setup")])]
        transcript.cells[1].id = "setup-cell"
        let notebook = try NotebookReader.parse(Array(transcript.render(.notebook).utf8))
        XCTAssertEqual(notebook.cells.count, transcript.cells.count)
        XCTAssertEqual(notebook.formatMinor, 5)
        for (read, written) in zip(notebook.cells, transcript.cells) {
            XCTAssertEqual(read.source, written.source)
            XCTAssertEqual(read.title, written.title)
            XCTAssertEqual(read.executionCount, written.executionCount)
        }
        XCTAssertEqual(notebook.cells[1].id, "setup-cell")
        XCTAssertEqual(notebook.cells[1].metadata["tags"], .array([.string("setup")]))
        XCTAssertEqual(notebook.cells[1].outputs, [.stream(name: "stdout", text: "loaded 1000 training images\n")])
        guard case .error(let name, let value, let traceback)? = notebook.cells[4].outputs.first else {
            return XCTFail("the error output is read back")
        }
        XCTAssertEqual(name, "ScriptError")
        XCTAssertEqual(value, "lab.nnl:12:1: error: unknown command 'trian'")
        XCTAssertEqual(traceback.last, "did you mean 'train'?")
        let run = try XCTUnwrap(notebook.run)
        XCTAssertEqual(run.seed, 42)
        XCTAssertEqual(run.timing, false)
        XCTAssertEqual(run.data, transcript.header.data)
        XCTAssertEqual(run.blas, "OpenBLAS 0.3.21 Haswell")
        XCTAssertEqual(run.chartWidth, 80)
        XCTAssertEqual(run.unicodeCharts, false)
        XCTAssertEqual(run.unicodeChartLabels, true, "ASCII glyphs, labels as written")
        // Written back, the kept ids and metadata come out as they went in.
        var again = Transcript(header: transcript.header, cells: notebook.transcriptCells)
        again.metadata = notebook.metadata
        XCTAssertEqual(try NotebookReader.parse(Array(again.render(.notebook).utf8)).cells.map(\.id),
                       notebook.cells.map(\.id))
    }

    func testNotebookShapesThatAreNotNotebooks() {
        func message(_ text: String) -> String? {
            do { _ = try NotebookReader.parse(Array(text.utf8)); return nil } catch { return error.description }
        }
        XCTAssertEqual(message("[]"), "not a notebook: expected a JSON object with \"cells\"")
        XCTAssertEqual(message(#"{"cells": [], "nbformat": 3}"#),
                       "nbformat 3 notebook: convert it first with 'jupyter nbconvert --to notebook --nbformat 4'")
        XCTAssertEqual(message(#"{"cells": [], "nbformat": "4"}"#), "not a notebook: \"nbformat\" is missing or not a number")
        XCTAssertEqual(message(#"{"cells": {}, "nbformat": 4}"#), "\"cells\" is not a list")
        XCTAssertEqual(message(#"{"cells": [{"cell_type": "code", "source": 3}], "nbformat": 4}"#),
                       "cell 1: \"source\" is not text (a string or a list of strings)")
        XCTAssertEqual(message(#"{"cells": [{"cell_type": "sql", "source": ""}], "nbformat": 4}"#),
                       "cell 1 has an unknown cell_type \"sql\" (code, markdown or raw)")
        XCTAssertEqual(message(#"{"cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "x"}]}], "nbformat": 4}"#),
                       "cell 1, output 1 has an unknown output_type \"x\"")
        XCTAssertEqual(message("{\"cells\": [,]}"), "line 1, column 12: not valid JSON: expected a value, found ','")
        // The smallest notebook Jupyter accepts reads, with sources as strings or lists of strings.
        let minimal = #"{"cells": [{"cell_type": "code", "source": ["a\n", "b"], "metadata": {}, "outputs": [], "execution_count": null}, {"cell_type": "raw", "source": "r"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 2}"#
        let notebook = try? NotebookReader.parse(Array(minimal.utf8))
        XCTAssertEqual(notebook?.cells.map(\.source), ["a\nb", "r"])
        XCTAssertEqual(notebook?.transcriptCells.map(\.kind), [.code, .markdown], "raw cells are kept as markdown")
        XCTAssertNil(notebook?.run)
    }

    /// Every prefix of a real notebook, every one-byte change of its start, and seeded random bytes: errors,
    /// never a trap (the hardening branch's fuzzer goes further through the same entry point).
    func testNoInputTrapsTheReader() {
        let bytes = Array(TranscriptFixtures.tricky().render(.notebook).utf8)
        for length in 0..<bytes.count { _ = try? NotebookReader.parse(Array(bytes[..<length])) }
        for position in 0..<min(bytes.count, 400) {
            for replacement: UInt8 in [0x00, 0x22, 0x5C, 0x7B, 0x5D, 0xFF, 0x2C] {
                var mutated = bytes
                mutated[position] = replacement
                _ = try? NotebookReader.parse(mutated)
            }
        }
        var state: UInt64 = 0x9E3779B97F4A7C15
        let alphabet = Array("{}[]\",:0123456789.eE-+truefalsnl \\u\n\"cells\"nbformat".utf8)
        for _ in 0..<2_000 {
            var input: [UInt8] = []
            for _ in 0..<Int(state % 64) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                input.append(state >> 63 == 0 ? alphabet[Int(state >> 33) % alphabet.count] : UInt8(truncatingIfNeeded: state >> 40))
            }
            _ = try? NotebookReader.parse(input)
        }
    }
}
