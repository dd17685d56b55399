import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM, as a process manager or `timeout` sends it, is handled like Ctrl-C: the running command stops at
/// its next step, the error says on which line, the transcript of what ran is written, and nnlab exits with
/// 143 (128 + SIGTERM), also when it arrives at the prompt.
final class SignalTests: XCTestCase {
    func start(_ scratch: Scratch, _ arguments: [String]) throws -> Terminal {
        let binary = PseudoTerminalTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("no nnlab binary at \(binary): build it first (swift build)")
        }
        return try Terminal(executable: binary, arguments: arguments, environment: [
            "HOME": scratch.path, "NNLAB_HISTORY": scratch.file("history"), "TERM": "xterm", "LANG": "C.UTF-8",
            "NO_COLOR": "1", "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
        ])
    }

    func testSIGTERMStopsAScriptSaysWhereAndLeavesAValidTranscript() throws {
        let scratch = Scratch()
        let script = scratch.write("long.nnl", "# %% data\nload toy circle n=2000\n# %% train\nmlp 2 16 2\ntrain epochs=10000 batch=8\nprint \"never\"\n")
        let transcript = scratch.file("run.ipynb")
        let t = try start(scratch, ["run", script, "--transcript", transcript])
        defer { t.kill() }
        try t.expect("epoch ")
        kill(t.pid, SIGTERM)
        try t.expect("long.nnl:5:1: error: terminated by SIGTERM")
        XCTAssertEqual(try t.waitForExit(), 143, t.transcript.suffix(500).description)
        XCTAssertFalse(t.transcript.contains("never"))
        let data = try Data(contentsOf: URL(fileURLWithPath: transcript))
        let notebook = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cells = try XCTUnwrap(notebook["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 2, "both cells that ran")
        let outputs = try XCTUnwrap(cells[1]["outputs"] as? [[String: Any]])
        let error = try XCTUnwrap(outputs.last)
        XCTAssertEqual(error["output_type"] as? String, "error")
        XCTAssertEqual(error["ename"] as? String, "KeyboardInterrupt")
        XCTAssertTrue((error["evalue"] as? String)?.hasSuffix("long.nnl:5:1: error: terminated by SIGTERM") ?? false, "\(error)")
        // Each line once: where it stopped, the statement, the caret.
        let traceback = try XCTUnwrap(error["traceback"] as? [String])
        XCTAssertEqual(traceback.count, 3, "\(traceback)")
        XCTAssertEqual(traceback.first, error["evalue"] as? String)
        XCTAssertEqual(traceback.dropFirst().first, " 5 | train epochs=10000 batch=8")
    }

    func testSIGTERMAtThePromptEndsTheSessionWithItsRecording() throws {
        let scratch = Scratch()
        let t = try start(scratch, [])
        defer { t.kill() }
        try t.expect("nnlab> ")
        t.send("record start \(scratch.file("session.ipynb"))\rprint 41 + 1\r")
        try t.expect("42")
        try t.expect("nnlab> ")
        kill(t.pid, SIGTERM)
        XCTAssertEqual(try t.waitForExit(), 143, t.transcript.suffix(500).description)
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.file("session.ipynb")))
        let notebook = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual((notebook["cells"] as? [[String: Any]])?.count, 1)
    }
}
