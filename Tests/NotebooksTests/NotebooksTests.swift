import Basics
import Foundation
import XCTest
import Script
import Transcript
@testable import Notebooks

/// Notebooks as input: conversion both ways, running a notebook's code cells, and checking stored outputs.
final class NotebooksTests: XCTestCase {
    var directory = ""

    override func setUp() {
        directory = NSTemporaryDirectory() + "nnlab-notebooks-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    func path(_ name: String) -> String { directory + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        _ = FileManager.default.createFile(atPath: path(name), contents: Data(text.utf8))
        return path(name)
    }

    func read(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }

    func notebook(_ name: String) throws -> Notebook { try NotebookReader.parse(Array(read(name).utf8)) }

    static let lab = """
    # %% [markdown] Intro
    # # A tiny lab
    #
    #   indented, and a `code` span

    # %% Setup
    seed 7
    load toy xor n=120 noise=0.1

    # %%
    # an untitled cell, a comment first
    mlp 2 6 2 act=tanh
    summary

    # %% [markdown]
    # Train it:

    # %% Train
    optimizer sgd lr=0.1 momentum=0.9
    train epochs=2 batch=16
    eval test

    """

    /// A quiet interpreter, as `nnlab run` makes one, with fixed chart settings.
    func interpreter(timing: Bool = false) -> Interpreter {
        let i = Interpreter(console: Console(echo: false, isTerminal: false))
        i.showTiming = timing
        return i
    }

    // MARK: convert

    func testScriptToNotebookAndBackIsLossless() throws {
        write("lab.nnl", Self.lab)
        XCTAssertEqual(try Conversion.convert(path("lab.nnl"), to: path("lab.ipynb")),
                       "converted \(path("lab.nnl")) (3 code cells, 2 markdown cells) to \(path("lab.ipynb"))\n")
        let nb = try notebook("lab.ipynb")
        XCTAssertEqual(nb.cells.map(\.kind), [.markdown, .code, .code, .markdown, .code])
        XCTAssertEqual(nb.cells.map(\.title), ["Intro", "Setup", nil, nil, "Train"])
        XCTAssertEqual(nb.cells[0].source, "# A tiny lab\n\n  indented, and a `code` span")
        XCTAssertEqual(nb.cells[2].source, "# an untitled cell, a comment first\nmlp 2 6 2 act=tanh\nsummary")
        XCTAssertNil(nb.run, "a converted notebook was not run: no run facts")
        XCTAssertEqual(nb.metadata["kernelspec"]?["name"], .string("nnlab"))
        _ = try Conversion.convert(path("lab.ipynb"), to: path("back.nnl"))
        XCTAssertEqual(read("back.nnl"), Self.lab, "the script comes back byte for byte")
    }

    func testNotebookToScriptAndBackKeepsSourcesAndTitles() throws {
        // A notebook as Jupyter writes one, with sources that need care in the percent format.
        let cells: [TranscriptCell] = [
            TranscriptCell(kind: .markdown, title: "Task", source: "# Heading\n\n#not a heading\n   spaces\n- item"),
            TranscriptCell(kind: .code, source: "let x = 1\n\n\nprint x  # trailing comment"),
            TranscriptCell(kind: .code, title: "Titled ünïcode ⣿", source: "print \"%% not a marker\""),
            TranscriptCell(kind: .markdown, source: "one line"),
        ]
        var header = TranscriptHeader(version: "0", script: "t", seed: nil, data: [], timing: false)
        header.executed = false
        write("t.ipynb", Transcript(header: header, cells: cells).render(.notebook))
        _ = try Conversion.convert(path("t.ipynb"), to: path("t.nnl"))
        _ = try Conversion.convert(path("t.nnl"), to: path("t2.ipynb"))
        let back = try notebook("t2.ipynb")
        XCTAssertEqual(back.cells.map(\.source), cells.map(\.source))
        XCTAssertEqual(back.cells.map(\.title), cells.map(\.title))
        XCTAssertEqual(back.cells.map { $0.kind == .code }, cells.map { $0.kind == .code })
    }

    func testConvertRefusesOtherPairs() {
        XCTAssertThrowsError(try Conversion.convert(path("a.nnl"), to: path("b.md")))
        XCTAssertThrowsError(try Conversion.convert(path("missing.nnl"), to: path("b.ipynb"))) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
        write("bad.ipynb", "{\"cells\": [")
        XCTAssertThrowsError(try Conversion.convert(path("bad.ipynb"), to: path("b.nnl"))) { error in
            XCTAssertTrue("\(error)".contains("bad.ipynb:1:12: error: not valid JSON"), "\(error)")
            XCTAssertTrue("\(error)".contains(" | {\"cells\": ["), "the line is quoted: \(error)")
        }
    }

    // MARK: run

    func testRunningANotebookKeepsMarkdownIdsAndMetadataAndReplacesOutputs() throws {
        write("lab.nnl", Self.lab)
        _ = try Conversion.convert(path("lab.nnl"), to: path("lab.ipynb"))
        // A teacher's notebook: nbgrader metadata, own ids, stale outputs from an earlier run.
        var text = read("lab.ipynb")
        text = text.replacingOccurrences(of: "\"id\": \"cell-2\"", with: "\"id\": \"setup\"")
        text = text.replacingOccurrences(of: "\"title\": \"Setup\"", with: "\"nbgrader\": {\"grade_id\": \"setup\"},\n    \"title\": \"Setup\"")
        text = text.replacingOccurrences(of: "\"outputs\": []", with: "\"outputs\": [{\"output_type\": \"stream\", \"name\": \"stdout\", \"text\": \"stale\\n\"}]")
        write("assignment.ipynb", text)
        let status = NotebookRun.run(path: path("assignment.ipynb"), interpreter: interpreter(),
                                     options: RunOptions(transcriptPath: path("out.ipynb"), timing: false))
        XCTAssertEqual(status, 0)
        let out = try notebook("out.ipynb")
        XCTAssertEqual(out.cells.map(\.kind), [.markdown, .code, .code, .markdown, .code])
        XCTAssertEqual(out.cells[1].id, "setup")
        XCTAssertEqual(out.cells[1].metadata["nbgrader"]?["grade_id"], .string("setup"))
        XCTAssertEqual(out.cells.compactMap(\.executionCount), [1, 2, 3])
        let texts = out.cells.map { OutputComparison.text(of: $0.outputs) }
        XCTAssertFalse(texts.joined().contains("stale"), "old outputs are replaced")
        XCTAssertTrue(texts[1].hasPrefix("seed 7\n"), texts[1])
        XCTAssertTrue(texts[4].contains("epoch 2/2"), texts[4])
        XCTAssertEqual(out.run?.seed, 7)
        XCTAssertEqual(out.run?.timing, false)
        // Two runs with a seed and no timing give the same bytes.
        _ = NotebookRun.run(path: path("assignment.ipynb"), interpreter: interpreter(),
                            options: RunOptions(transcriptPath: path("out2.ipynb"), timing: false))
        XCTAssertEqual(read("out.ipynb"), read("out2.ipynb"))
    }

    func testAFailingCellStopsTheRunAndNamesTheCell() throws {
        write("lab.nnl", "# %% A\nprint 1\n\n# %% B\nprint 2\ntrian epochs=1\n\n# %% C\nprint 3\n")
        _ = try Conversion.convert(path("lab.nnl"), to: path("lab.ipynb"))
        var errors = ""
        let i = Interpreter(console: Console(echo: false, isTerminal: false, standardError: { errors += $0 }))
        i.console.errorSink = { errors += $0 }
        let status = NotebookRun.run(path: path("lab.ipynb"), interpreter: i,
                                     options: RunOptions(transcriptPath: path("out.ipynb"), timing: false))
        XCTAssertEqual(status, 1)
        XCTAssertTrue(errors.contains("\(path("lab.ipynb")) In[2]:2:1: error: unknown command 'trian'"), errors)
        let out = try notebook("out.ipynb")
        XCTAssertEqual(out.cells.count, 3, "the cells after the failing one are kept, unrun")
        XCTAssertEqual(out.cells.map(\.executionCount), [1, 2, nil])
        XCTAssertEqual(out.cells[2].source, "print 3")
        guard case .error(let name, _, let traceback)? = out.cells[1].outputs.last else { return XCTFail("an error output") }
        XCTAssertEqual(name, "ScriptError")
        XCTAssertTrue(traceback.contains(" 2 | trian epochs=1"), "\(traceback)")
    }

    // MARK: check

    func makeRunNotebook(_ name: String, script: String = lab, timing: Bool = false) throws -> String {
        write("\(name).nnl", script)
        _ = try Conversion.convert(path("\(name).nnl"), to: path("\(name)-in.ipynb"))
        _ = NotebookRun.run(path: path("\(name)-in.ipynb"), interpreter: interpreter(timing: timing),
                            options: RunOptions(transcriptPath: path("\(name).ipynb"), timing: timing, allowErrors: true))
        return path("\(name).ipynb")
    }

    func testAnUntouchedNotebookMatches() throws {
        let report = try NotebookCheck.check(path: try makeRunNotebook("lab"), tolerance: 0, shouldStop: { false })
        XCTAssertTrue(report.allMatch, report.rendered())
        XCTAssertEqual(report.cells.map(\.verdict), [.same, .same, .same])
        XCTAssertEqual(report.cells.map(\.label), ["In[1] Setup", "In[2] # an untitled cell, a comment first", "In[3] Train"])
        XCTAssertTrue(report.rendered().hasSuffix("\nall 3 code cells match\n"), report.rendered())
        XCTAssertTrue(report.reasons.isEmpty)
    }

    /// A notebook run with ASCII glyphs on a UTF-8 terminal keeps its class names as written, records that, and
    /// checks as matching wherever it is checked (here under a locale that is not UTF-8).
    func testASCIIChartsWithNamesAsWrittenCheckAnywhere() throws {
        func withLocale<T>(_ locale: String, _ body: () throws -> T) rethrows -> T {
            let previous = getenv("LC_ALL").map { String(cString: $0) }
            setenv("LC_ALL", locale, 1)
            defer { if let previous { setenv("LC_ALL", previous, 1) } else { unsetenv("LC_ALL") } }
            return try body()
        }
        let csv = write("pets.csv", "label,x,y\n猫,0,0\ncafé,1,1\n猫,0.2,0.9\ncafé,-1,0\n")
        write("pets.nnl", "# %% Data\nload csv \"\(csv)\" label=label\ndata\n")
        _ = try Conversion.convert(path("pets.nnl"), to: path("pets-in.ipynb"))
        withLocale("C.UTF-8") {
            let i = interpreter()
            i.asciiCharts = true
            XCTAssertEqual(NotebookRun.run(path: path("pets-in.ipynb"), interpreter: i,
                                           options: RunOptions(transcriptPath: path("pets.ipynb"), timing: false)), 0)
        }
        let written = read("pets.ipynb")
        XCTAssertTrue(written.contains("café |###"), written)
        let run = try XCTUnwrap(try notebook("pets.ipynb").run)
        XCTAssertEqual(run.unicodeCharts, false)
        XCTAssertEqual(run.unicodeChartLabels, true)
        let report = try withLocale("C") { try NotebookCheck.check(path: path("pets.ipynb"), tolerance: 0, shouldStop: { false }) }
        XCTAssertTrue(report.allMatch, report.rendered())
    }

    func testAnEditedNumberIsFoundAndMeasured() throws {
        let file = try makeRunNotebook("lab")
        let text = read("lab.ipynb")
        let line = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("epoch 2/2") })
        let loss = try XCTUnwrap(line.range(of: #"loss \d\.\d{4}"#, options: .regularExpression))
        let stored = String(line[loss].dropFirst(5))
        let edited = stored == "0.1000" ? "0.2000" : "0.1000"
        write("lab.ipynb", text.replacingOccurrences(of: "loss \(stored)", with: "loss \(edited)"))
        let report = try NotebookCheck.check(path: file, tolerance: 0, shouldStop: { false })
        XCTAssertFalse(report.allMatch)
        guard case .numbersDiffer(let numbers) = report.cells[2].verdict else { return XCTFail(report.rendered()) }
        XCTAssertEqual(numbers.map(\.stored), [edited])
        XCTAssertEqual(numbers.map(\.produced), [stored])
        XCTAssertEqual(numbers.first?.context, "loss ")
        XCTAssertTrue(report.rendered().contains("DIFFERS: 1 number\n    line 4: loss \(edited) -> \(stored) ("), report.rendered())
        // A generous tolerance accepts it, and says so.
        let tolerant = try NotebookCheck.check(path: file, tolerance: 10, shouldStop: { false })
        XCTAssertTrue(tolerant.allMatch, tolerant.rendered())
    }

    func testDurationsAreIgnoredInATimedNotebook() throws {
        let file = try makeRunNotebook("timed", timing: true)
        let text = read("timed.ipynb")
        // Every duration in the outputs changed, as on another machine.
        let changed = text.replacingOccurrences(of: #"(\d+\.\d+) s"#, with: "9.99 s", options: .regularExpression)
        XCTAssertNotEqual(changed, text, "the run printed durations")
        write("timed.ipynb", changed)
        let report = try NotebookCheck.check(path: file, tolerance: 0, shouldStop: { false })
        XCTAssertTrue(report.allMatch, report.rendered())
        XCTAssertTrue(report.cells.contains { $0.verdict == .sameIgnoringDurations }, report.rendered())
    }

    func testUnrunCellsAndChangedDataAreReportedWithReasons() throws {
        write("data.csv", "label,x,y\n0,-1,0\n1,1,0\n0,-1.1,0.1\n1,1.2,-0.1\n")
        let script = "# %% Data\nseed 3\nload csv \(path("data.csv")) label=label\n\n# %% Count\nprint 1 + 1\n"
        let file = try makeRunNotebook("data", script: script)
        // The data changed since the run; the second cell's outputs were cleared.
        write("data.csv", "label,x,y\n0,-1,0\n1,1,0\n0,-1.1,0.1\n1,1.3,-0.1\n")
        var text = read("data.ipynb")
        text = text.replacingOccurrences(of: "\"execution_count\": 2", with: "\"execution_count\": null")
        text = text.replacingOccurrences(of: #""outputs": \[\s*\{\s*"name": "stdout",\s*"output_type": "stream",\s*"text": \[\s*"2\\n"\s*\]\s*\}\s*\]"#,
                                         with: "\"outputs\": []", options: .regularExpression)
        write("data.ipynb", text)
        let report = try NotebookCheck.check(path: file, tolerance: 0, shouldStop: { false })
        XCTAssertEqual(report.cells.last?.verdict, .notRun, report.rendered())
        XCTAssertTrue(report.reasons.contains { $0.hasPrefix("data file data.csv differs: the notebook's has sha256 ") }, "\(report.reasons)")
        XCTAssertTrue(report.rendered().contains("NOT RUN in the notebook"), report.rendered())
    }

    func testAnErrorCellMatchesWhoeverRanIt() throws {
        let file = try makeRunNotebook("err", script: "# %%\nprint 1\ntrian\n")
        // The kernel names cells In[n], `nnlab run` names the file too: the same error either way.
        write("err.ipynb", read("err.ipynb").replacingOccurrences(of: "\(path("err-in.ipynb")) In[1]", with: "In[1]"))
        let report = try NotebookCheck.check(path: file, tolerance: 0, shouldStop: { false })
        XCTAssertTrue(report.allMatch, report.rendered())
    }

    func testAChangedFigureIsFoundAndAJupyterRunIsRecognised() throws {
        let script = "# %% Train\nseed 2\nload toy xor n=120\nmlp 2 6 2\ntrain epochs=3 batch=16\n\n# %% Plot\nplot loss\n"
        let file = try makeRunNotebook("fig", script: script)
        let untouched = try NotebookCheck.check(path: file, tolerance: 0, shouldStop: { false })
        XCTAssertTrue(untouched.allMatch, untouched.rendered())
        // One stroke of the figure changed, its text left alone; and the run facts gone, as in a notebook that
        // Jupyter ran with the nnlab kernel (language_info names the kernel's version).
        var text = read("fig.ipynb")
        let polyline = try XCTUnwrap(text.range(of: "<polyline"))
        text.replaceSubrange(polyline, with: "<polyline stroke-opacity=\\\"0.5\\\"")
        var json = try XCTUnwrap(JSONValue.parse(text).objectValue)
        var metadata = try XCTUnwrap(json["metadata"]?.objectValue)
        metadata["nnlab"] = nil
        json["metadata"] = .object(metadata)
        write("fig.ipynb", JSONValue.object(json).serialized())
        let report = try NotebookCheck.check(path: file, tolerance: 0, shouldStop: { false })
        XCTAssertEqual(report.cells.map(\.differingFigures), [[], [1]], report.rendered())
        XCTAssertFalse(report.allMatch)
        XCTAssertTrue(report.rendered().contains("In[2] Plot   DIFFERS: figure 1 (SVG; the text matches)"), report.rendered())
        XCTAssertTrue(report.facts[0].hasPrefix("notebook: run in Jupyter by the nnlab \(Interpreter.version) kernel"), "\(report.facts)")
        XCTAssertFalse(report.reasons.contains { $0.contains("sets no seed") }, "the code sets one: \(report.reasons)")
    }

    // MARK: comparing text

    func testNumbersInText() {
        typealias P = OutputComparison.Piece
        XCTAssertEqual(OutputComparison.pieces("loss 0.3121  acc 97.75%  0.11 s"),
                       [P.text("loss "), .number("0.3121", duration: false), .text("  acc "), .number("97.75", duration: false),
                        .text("%  "), .number("0.11", duration: true), .text(" s")])
        XCTAssertEqual(OutputComparison.pieces("fc1 784-128-64-10 3x3 -0.5 x=1e-3 (0.110 s/epoch)"),
                       [P.text("fc1 "), .number("784", duration: false), .text("-"), .number("128", duration: false),
                        .text("-"), .number("64", duration: false), .text("-"), .number("10", duration: false),
                        .text(" 3x3 "), .number("-0.5", duration: false), .text(" x="), .number("1e-3", duration: false),
                        .text(" ("), .number("0.110", duration: true), .text(" s/epoch)")])
        XCTAssertEqual(OutputComparison.pieces("12ms"), [.number("12", duration: true), .text("ms")])
        XCTAssertEqual(OutputComparison.withoutFileName("lab.ipynb In[3]:2:7: error: unknown command 'x'"), "2:7: error: unknown command 'x'")
        XCTAssertEqual(OutputComparison.withoutFileName("In[3]: error: interrupted"), "error: interrupted")
        XCTAssertEqual(OutputComparison.withoutFileName(" 2 | trian"), " 2 | trian")
    }

    func testVerdicts() {
        XCTAssertEqual(OutputComparison.compare(stored: "a 1\n", produced: "a 1\n", ignoreDurations: false, tolerance: 0), .same)
        XCTAssertEqual(OutputComparison.compare(stored: "done in 1.0 s\n", produced: "done in 2.0 s\n", ignoreDurations: true, tolerance: 0),
                       .sameIgnoringDurations)
        XCTAssertEqual(OutputComparison.compare(stored: "a 1\nb\n", produced: "a 1\nc\n", ignoreDurations: false, tolerance: 0),
                       .textDiffers(line: 2, stored: "b", produced: "c", numbers: []))
        XCTAssertEqual(OutputComparison.compare(stored: "a 1\n", produced: "a 1\nmore\n", ignoreDurations: false, tolerance: 0),
                       .textDiffers(line: 2, stored: "", produced: "more", numbers: []))
        let differs = OutputComparison.compare(stored: "acc 97.50%\n", produced: "acc 97.60%\n", ignoreDurations: false, tolerance: 0)
        XCTAssertEqual(differs, .numbersDiffer([NumberDifference(line: 1, context: "acc ", stored: "97.50", produced: "97.60")]))
        if case .numbersDiffer(let n) = differs { XCTAssertEqual(n[0].summary, "acc 97.50 -> 97.60 (+0.10, +0.10%)") }
        XCTAssertTrue(OutputComparison.compare(stored: "x 1000\n", produced: "x 1001\n", ignoreDurations: false, tolerance: 0.01).matches)
        // A table column realigned because a duration got wider: still only a duration that differs.
        XCTAssertEqual(OutputComparison.compare(stored: " 1  relu   9.87 s  97.1%\n", produced: " 1  relu  10.12 s  97.1%\n",
                                                ignoreDurations: true, tolerance: 0), .sameIgnoringDurations)
        let long = String(repeating: "a", count: 150)
        let (a, b) = OutputComparison.aroundFirstDifference(long + "X tail", long + "Y tail")
        XCTAssertTrue(a.hasPrefix("...") && a.contains("X tail") && b.contains("Y tail"), a)
        XCTAssertEqual(OutputComparison.aroundFirstDifference("ab", "ac").0, "ab")
    }
}
