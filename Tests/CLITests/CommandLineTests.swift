import Foundation
import XCTest
import REPL
@testable import CLI

/// The command line as the executable runs it, through the same function, with the streams captured.
final class CommandLineTests: XCTestCase {
    struct Result {
        var status: Int32
        var output: String
        var error: String
    }

    /// Lines handed to the prompt as if piped.
    final class Lines: LineSource {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
        var isInteractive: Bool { false }
        func readLine(prompt: String) -> LineReadResult { lines.isEmpty ? .endOfInput : .line(lines.removeFirst()) }
    }

    func run(_ arguments: [String], input: [String]? = nil) -> Result {
        var output = "", error = ""
        let streams = StandardStreams(output: { output += $0 }, error: { error += $0 }, input: input.map { Lines($0) },
                                      outputIsTerminal: false)
        let status = CommandLineTool.run(arguments, streams: streams)
        return Result(status: status, output: output, error: error)
    }

    func scratch() -> String {
        let path = NSTemporaryDirectory() + "nnlab-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testVersionAndHelpDescribeEveryMode() {
        let version = run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.output.hasPrefix("nnlab "), version.output)
        let help = run(["--help"])
        XCTAssertEqual(help.status, 0, help.error)
        for expected in ["-c <commands>", "--transcript", "--no-timing", "--allow-errors", "--ascii", "run"] {
            XCTAssertTrue(help.output.contains(expected), "help lacks \(expected):\n\(help.output)")
        }
        let runHelp = run(["run", "--help"])
        XCTAssertEqual(runHelp.status, 0)
        XCTAssertTrue(runHelp.output.contains("<script>"), runHelp.output)
    }

    func testOneLineOfCommands() {
        let ok = run(["-c", "let x = 2; print x * 21"])
        XCTAssertEqual(ok.status, 0, ok.error)
        XCTAssertEqual(ok.output, "42\n")
        let failed = run(["-c", "trian epochs=1"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.error.contains("<command line>:1:1: error: unknown command 'trian'"), failed.error)
    }

    func testScriptsRunAndWriteTranscripts() throws {
        let dir = scratch()
        let script = dir + "/lab.nnl"
        try "# %% One\nprint \"hello\"\n# %% Two\nprint 1 + 1\n".write(toFile: script, atomically: true, encoding: .utf8)
        let result = run(["run", script, "--transcript", dir + "/out.md", "--no-timing"])
        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertEqual(result.output, "hello\n2\n")
        let transcript = try String(contentsOfFile: dir + "/out.md", encoding: .utf8)
        XCTAssertTrue(transcript.contains("hello") && transcript.contains("## Two"), transcript)
        let missing = run(["run", dir + "/missing.nnl"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.error.contains("cannot read script"), missing.error)
    }

    func testAnUnwritableTranscriptFailsBeforeAnythingRuns() {
        let dir = scratch()
        let result = run(["-c", "print 12345", "--transcript", dir + "/no/such/folder/out.ipynb"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.output, "", "nothing ran")
        XCTAssertTrue(result.error.contains("does not exist"), result.error)
        let directory = run(["-c", "print 1", "--transcript", dir])
        XCTAssertEqual(directory.status, 1)
        XCTAssertTrue(directory.error.contains("unknown format"), directory.error)
        let format = run(["-c", "print 1", "--transcript", dir + "/out.docx"])
        XCTAssertEqual(format.status, 1)
        XCTAssertTrue(format.error.contains("unknown format"), format.error)
    }

    func testCommandLineMistakesAreUsageErrors() {
        let script = run(["lab1.nnl"])
        XCTAssertEqual(script.status, 64)
        XCTAssertTrue(script.error.contains("did you mean 'nnlab run lab1.nnl'?"), script.error)
        let option = run(["--trancsript", "x.ipynb"])
        XCTAssertEqual(option.status, 64)
        XCTAssertTrue(option.error.hasPrefix("nnlab: error: ") && option.error.contains("--trancsript"), option.error)
        let typo = run(["rn", "lab"])
        XCTAssertEqual(typo.status, 64)
        XCTAssertTrue(typo.error.contains("unknown command 'rn'; did you mean 'run'?"), typo.error)
        let noScript = run(["run"])
        XCTAssertEqual(noScript.status, 64)
        XCTAssertTrue(noScript.error.contains("<script>"), noScript.error)
        let noValue = run(["-c"])
        XCTAssertEqual(noValue.status, 64)
        let promptTranscript = run(["--transcript", "x.ipynb"], input: [])
        XCTAssertEqual(promptTranscript.status, 64)
        XCTAssertTrue(promptTranscript.error.contains("record start"), promptTranscript.error)
    }

    func testPipedLinesGoThroughThePrompt() {
        let ok = run([], input: ["let n = 5", "print n + 1"])
        XCTAssertEqual(ok.status, 0, ok.error)
        XCTAssertEqual(ok.output, "6\n")
        // Piped input keeps going after an error; the exit status says something failed.
        let failed = run([], input: ["pritn 1", "print 2"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(failed.output, "2\n")
        XCTAssertTrue(failed.error.contains("<stdin>:1:1: error: unknown command 'pritn'"), failed.error)
    }

    func testShellCompletionScripts() {
        for shell in ["bash", "zsh", "fish"] {
            let result = run(["--generate-completion-script", shell])
            XCTAssertEqual(result.status, 0, result.error)
            XCTAssertTrue(result.output.contains("nnlab") && result.output.contains("transcript"), shell)
        }
    }

    func testNotebooksFromTheCommandLine() throws {
        let dir = scratch()
        let script = dir + "/lab.nnl"
        try "# %% One\nseed 1\nprint 6 * 7\n\n# %% [markdown]\n# done\n".write(toFile: script, atomically: true, encoding: .utf8)
        let convert = run(["convert", script, dir + "/lab.ipynb"])
        XCTAssertEqual(convert.status, 0, convert.error)
        XCTAssertTrue(convert.error.hasPrefix("converted "), convert.error)
        let executed = run(["run", dir + "/lab.ipynb", "--no-timing", "--transcript", dir + "/out.ipynb"])
        XCTAssertEqual(executed.status, 0, executed.error)
        XCTAssertEqual(executed.output, "seed 1\n42\n")
        let check = run(["check", dir + "/out.ipynb"])
        XCTAssertEqual(check.status, 0, check.error)
        XCTAssertTrue(check.output.contains("In[1] One  ok"), check.output)
        let unrun = run(["check", dir + "/lab.ipynb"])
        XCTAssertEqual(unrun.status, 1, "a notebook that was never run does not match what its code prints")
        XCTAssertTrue(unrun.output.contains("NOT RUN"), unrun.output)
        let pairs = run(["convert", script, dir + "/lab.md"])
        XCTAssertEqual(pairs.status, 1)
        XCTAssertTrue(pairs.error.contains("convert turns a .nnl script into an .ipynb notebook or back"), pairs.error)
        XCTAssertEqual(run(["check", dir + "/missing.ipynb"]).status, 1)
        XCTAssertEqual(run(["check", dir + "/out.ipynb", "--tolerance", "-1"]).status, 64)
        let help = run(["--help"])
        for expected in ["convert", "check"] { XCTAssertTrue(help.output.contains(expected), help.output) }
    }
}
