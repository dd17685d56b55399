import Foundation
import XCTest
import REPL
#if canImport(Glibc)
import Glibc
#endif

/// Records what the REPL asks it to evaluate. `for` opens a block that `end` closes; `exit` finishes;
/// `cancel` behaves like a command interrupted by Ctrl-C.
private final class RecordingEvaluator: LineEvaluator {
    var evaluated: [String] = []
    var endedWithPending: String?
    var isFinished = false
    var exitCode: Int32 = 0

    func evaluate(_ input: String) -> EvalStatus {
        evaluated.append(input)
        let lines = input.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.hasPrefix("for") == true && lines.last != "end" { return .needsMoreInput }
        if input == "exit" { isFinished = true }
        if input == "cancel" { Interrupt.request() }
        return .complete
    }

    func completions(line: String, word: String) -> [String] { [] }

    func inputEnded(pending: String) { endedWithPending = pending }
}

/// Plays back scripted read results and records the prompts it was shown.
private final class ScriptedLineSource: LineSource {
    var results: [LineReadResult]
    var prompts: [String] = []
    var closed = false
    let isInteractive: Bool

    init(_ results: [LineReadResult], interactive: Bool) {
        self.results = results
        self.isInteractive = interactive
    }

    func readLine(prompt: String) -> LineReadResult {
        prompts.append(prompt)
        return results.isEmpty ? .endOfInput : results.removeFirst()
    }

    func close() { closed = true }
}

final class REPLTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    // MARK: - Plain (non-TTY) path through a real pipe

    /// Writes `text` into a pipe and runs the REPL on its read end, as `echo ... | nnlab` would.
    private func runPiped(_ text: String, evaluator: RecordingEvaluator) throws -> Int32 {
        var descriptors: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&descriptors), 0)
        let written = text.utf8.withContiguousStorageIfAvailable { bytes in
            write(descriptors[1], bytes.baseAddress, bytes.count)
        }
        XCTAssertEqual(written, text.utf8.count)
        close(descriptors[1])
        let stream = try XCTUnwrap(fdopen(descriptors[0], "r"))
        defer { fclose(stream) }
        let config = REPLConfig(historyFile: nil, banner: "banner is for terminals only")
        return REPL.run(evaluator, config: config, source: PlainLineSource(file: stream))
    }

    func testPipedLinesAreEvaluatedAndBlocksAccumulate() throws {
        let evaluator = RecordingEvaluator()
        let code = try runPiped("hello\nfor x in [1, 2]\n  print x\nend\nlast\n", evaluator: evaluator)
        XCTAssertEqual(code, 0)
        XCTAssertEqual(evaluator.evaluated, [
            "hello", "for x in [1, 2]", "for x in [1, 2]\n  print x", "for x in [1, 2]\n  print x\nend", "last",
        ])
        XCTAssertNil(evaluator.endedWithPending)
    }

    func testPipedInputStopsAtExit() throws {
        let evaluator = RecordingEvaluator()
        _ = try runPiped("a\nexit\nnever\n", evaluator: evaluator)
        XCTAssertEqual(evaluator.evaluated, ["a", "exit"])
    }

    func testPipedCRLFAndMissingFinalNewline() throws {
        let evaluator = RecordingEvaluator()
        _ = try runPiped("one\r\ntwo ünï\r\n\nthree", evaluator: evaluator)
        XCTAssertEqual(evaluator.evaluated, ["one", "two ünï", "", "three"])
    }

    func testUnterminatedBlockIsReportedAtEndOfInput() throws {
        let evaluator = RecordingEvaluator()
        _ = try runPiped("for x in [1]\n  print x\n", evaluator: evaluator)
        XCTAssertEqual(evaluator.endedWithPending, "for x in [1]\n  print x")
    }

    func testEvaluatorExitCodeIsReturned() throws {
        let evaluator = RecordingEvaluator()
        evaluator.exitCode = 3
        XCTAssertEqual(try runPiped("a\n", evaluator: evaluator), 3)
    }

    func testInterruptStopsPipedInput() throws {
        let evaluator = RecordingEvaluator()
        let code = try runPiped("a\ncancel\nb\n", evaluator: evaluator)
        XCTAssertEqual(code, REPL.interruptedExitCode)
        XCTAssertEqual(evaluator.evaluated, ["a", "cancel"])
        XCTAssertFalse(Interrupt.isRequested, "the REPL clears the flag it handled")
    }

    // MARK: - Loop behaviour with an interactive source

    func testPromptsAndCtrlCDiscardsPendingInput() {
        let evaluator = RecordingEvaluator()
        let source = ScriptedLineSource([
            .line("for x in [1]"), .interrupted, .line("cancel"), .line("after"), .endOfInput,
        ], interactive: true)
        let code = REPL.run(evaluator, config: REPLConfig(historyFile: nil), source: source)
        XCTAssertEqual(code, 0)
        // Ctrl-C dropped the open block; an interrupted command returns to the prompt on a terminal.
        XCTAssertEqual(evaluator.evaluated, ["for x in [1]", "cancel", "after"])
        XCTAssertEqual(source.prompts, ["nnlab> ", "...> ", "nnlab> ", "nnlab> ", "nnlab> "])
        XCTAssertNil(evaluator.endedWithPending)
        XCTAssertTrue(source.closed)
    }

    func testCustomPrompts() {
        let source = ScriptedLineSource([.line("for y"), .line("end")], interactive: true)
        _ = REPL.run(RecordingEvaluator(), config: REPLConfig(prompt: "> ", continuationPrompt: ". ",
                                                              historyFile: nil), source: source)
        XCTAssertEqual(source.prompts, ["> ", ". ", "> "])
    }

    // MARK: - Interrupt

    func testSIGINTSetsTheFlag() {
        Interrupt.install()
        Interrupt.clear()
        XCTAssertFalse(Interrupt.isRequested)
        raise(SIGINT)  // one signal only: a second one before clear() would take the default action
        XCTAssertTrue(Interrupt.isRequested)
        Interrupt.clear()
        XCTAssertFalse(Interrupt.isRequested)
    }

    // MARK: - History

    private func temporaryHistoryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory.appendingPathComponent("history").path
    }

    func testHistoryPolicySkipsBlankAndImmediateDuplicates() {
        XCTAssertTrue(CommandHistory.shouldRecord("train", previous: nil))
        XCTAssertFalse(CommandHistory.shouldRecord("", previous: nil))
        XCTAssertFalse(CommandHistory.shouldRecord("  \t", previous: "x"))
        XCTAssertFalse(CommandHistory.shouldRecord("train", previous: "train"))
        XCTAssertTrue(CommandHistory.shouldRecord("train", previous: "eval"))
    }

    func testHistoryPersistsAcrossSessions() throws {
        let path = try temporaryHistoryPath()
        let first = CommandHistory(path: path)
        first.clearMemory()
        try first.load()  // a missing file is an empty history
        XCTAssertEqual(first.entries, [])
        for line in ["load mnist", "", "   ", "train", "train", "eval", "train"] { try first.record(line) }
        XCTAssertEqual(first.entries, ["load mnist", "train", "eval", "train"])
        first.close()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "load mnist\ntrain\neval\ntrain\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        let second = CommandHistory(path: path)
        second.clearMemory()
        try second.load()
        XCTAssertEqual(second.entries, ["load mnist", "train", "eval", "train"])
        second.clearMemory()
    }

    func testHistoryIsTrimmedToLimit() throws {
        let path = try temporaryHistoryPath()
        let history = CommandHistory(path: path, limit: 3)
        history.clearMemory()
        try history.load()
        for number in 1...5 { try history.record("cmd \(number)") }
        XCTAssertEqual(history.entries, ["cmd 3", "cmd 4", "cmd 5"])
        history.close()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "cmd 3\ncmd 4\ncmd 5\n")
        history.clearMemory()
    }

    func testHistoryWithoutFileStaysInMemory() throws {
        let history = CommandHistory(path: nil)
        history.clearMemory()
        try history.load()
        XCTAssertTrue(try history.record("summary"))
        XCTAssertFalse(try history.record("summary"))
        XCTAssertEqual(history.entries, ["summary"])
        history.close()
        history.clearMemory()
    }

    func testUnwritableHistoryFileIsAnError() throws {
        let path = try temporaryHistoryPath() + "/missing-dir/history"
        let history = CommandHistory(path: path)
        history.clearMemory()
        XCTAssertThrowsError(try history.record("x")) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
        history.clearMemory()
    }

    func testHistoryFileLocation() {
        XCTAssertEqual(REPLConfig.defaultHistoryFile(environment: ["HOME": "/home/student"]),
                       "/home/student/.nnlab_history")
        XCTAssertEqual(REPLConfig.defaultHistoryFile(environment: ["HOME": "/home/student/"]),
                       "/home/student/.nnlab_history")
        XCTAssertEqual(REPLConfig.defaultHistoryFile(environment: ["HOME": "/h", "NNLAB_HISTORY": "/tmp/h"]),
                       "/tmp/h")
        XCTAssertNil(REPLConfig.defaultHistoryFile(environment: ["HOME": "/h", "NNLAB_HISTORY": ""]))
    }
}
