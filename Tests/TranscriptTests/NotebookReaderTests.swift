import XCTest
@testable import Transcript

/// The JSON parser and the notebook reader: what they read back, where they say JSON breaks, and that no input
/// traps them (the reader's one entry point, `NotebookReader.parse`, is what a fuzzer calls).
final class NotebookReaderTests: XCTestCase {
    func testJSONValues() throws {
        let json = try JSONValue.parse(#" { "a": [1, -2, 3.5, 1e-3, 18446744073709551615, true, false, null], "b": "x\"\\\/\n\u00e9\ud83d\ude00", "a": 7 } "#)
        XCTAssertEqual(json["a"], .integer(7), "the last of duplicate keys wins, as in Python")
        XCTAssertEqual(json["b"], .string("x\"\\/\né😀"))
        let list = try JSONValue.parse("[1, -2, 3.5, 1e-3, 18446744073709551615, -0]")
        XCTAssertEqual(list, .array([.integer(1), .integer(-2), .number("3.5"), .number("1e-3"),
                                     .unsignedInteger(UInt64.max), .integer(0)]))
        XCTAssertEqual(try JSONValue.parse("\"\\ud800x\""), .string("\u{FFFD}x"), "a lone surrogate stands for nothing")
        XCTAssertEqual(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)), .array([]), "a byte order mark is skipped")
    }

    func testSerialisedValuesReadBack() throws {
        for transcript in [TranscriptFixtures.lab(), TranscriptFixtures.tricky()] {
            let text = transcript.render(.notebook)
            let json = try JSONValue.parse(text)
            XCTAssertEqual(json.serialized(), text, "parse then serialise gives the same bytes")
            XCTAssertEqual(try JSONValue.parse(json.compact()), json)
        }
    }

    func testJSONErrorsAreLocated() {
        func error(_ text: String) -> JSONError? {
            do { _ = try JSONValue.parse(text); return nil } catch { return error }
        }
        XCTAssertEqual(error("{\n  \"a\": tru\n}")?.line, 2)
        XCTAssertEqual(error("{\n  \"a\": tru\n}")?.column, 8)
        XCTAssertEqual(error("[1, ")?.message, "unexpected end of input, expected a value")
        XCTAssertEqual(error("[1, 2")?.message, "expected ']' or ',' after an element of a list, found the end of the input")
        XCTAssertEqual(error("[1 2]")?.message, "expected ']' or ',' after an element of a list, found '2'")
        XCTAssertEqual(error("{\"a\" 1}")?.message, "expected ':' after the key \"a\", found '1'")
        XCTAssertEqual(error("01")?.message, "a number cannot start with 0 followed by digits")
        XCTAssertEqual(error("\"a\nb\"")?.message, "control character U+000A inside a string (write it as \\u000A)")
        XCTAssertEqual(error("\"\\x\"")?.message, "unknown escape '\\'x'' in a string")
        XCTAssertEqual(error("[] []")?.message, "unexpected '[' after the JSON value")
        XCTAssertEqual(try? JSONValue.parse([0x22, 0xFF, 0x22]), nil, "invalid UTF-8 in a string is an error")
        XCTAssertEqual(error(String(repeating: "[", count: 100_000))?.message, "nested more than \(JSONValue.maxDepth) levels deep")
        XCTAssertNotNil(error(""))
    }

    func testNotebookReadsWhatTheRendererWrites() throws {
        var transcript = TranscriptFixtures.lab()
        transcript.header.blas = "OpenBLAS 0.3.21 Haswell"
        transcript.header.chartWidth = 80
        transcript.header.unicodeCharts = false
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
