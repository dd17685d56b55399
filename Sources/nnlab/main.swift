// nnlab: a notebook-style REPL and script runner for learning neural networks.
// The executable only parses its arguments and wires the Script interpreter to the REPL.
import REPL
import Script
#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: nnlab                          interactive prompt (readline; plain reading when stdin is not a terminal)
       nnlab run SCRIPT [options]     run a .nnl script; stops at the first error with a non-zero exit code
       nnlab -c 'CMD; CMD'            run one line
options:
  --transcript FILE   write a transcript: FILE.ipynb (Jupyter notebook), FILE.md or FILE.txt
  --no-timing         leave durations out, so runs with the same seed give identical transcripts
  --allow-errors      keep running later cells after a failing cell (like nbconvert --allow-errors)
  --ascii             draw charts with ASCII characters only
  --version, --help

"""

/// Bridges the REPL's line reading to the interpreter.
final class InteractiveSession: LineEvaluator {
    let interpreter: Interpreter
    let file: String
    private var nextLine = 1
    private(set) var sawError = false

    init(_ interpreter: Interpreter, file: String) {
        self.interpreter = interpreter
        self.file = file
    }

    func evaluate(_ input: String) -> EvalStatus {
        let (status, hadError) = interpreter.runInteractive(input, file: file, firstLine: nextLine)
        if status == .needsMoreInput { return .needsMoreInput }
        nextLine += input.split(separator: "\n", omittingEmptySubsequences: false).count
        if hadError { sawError = true }
        Interrupt.clear()
        return .complete
    }

    func completions(line: String, word: String) -> [String] { interpreter.completions(line: line, word: word) }
    var isFinished: Bool { interpreter.finished }

    func inputEnded(pending: String) {
        _ = interpreter.runInteractive(pending, file: file, firstLine: nextLine, atEndOfInput: true)
        sawError = true
    }

    /// Piped input keeps going after an error, but the exit code says something failed.
    var exitCode: Int32 { sawError ? 1 : 0 }
}

func fail(_ message: String) -> Never {
    Console.writeAll(STDERR_FILENO, "nnlab: error: \(message)\n")
    Console.writeAll(STDERR_FILENO, "run 'nnlab --help' for usage\n")
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var options = RunOptions()
var ascii = false
var command: String?
var script: String?
var positional: [String] = []
var index = 0
while index < arguments.count {
    let arg = arguments[index]
    switch arg {
    case "--help", "-h":
        Console.writeAll(STDOUT_FILENO, usage)
        exit(0)
    case "--version":
        print("nnlab \(Interpreter.version)")
        exit(0)
    case "--no-timing": options.timing = false
    case "--allow-errors": options.allowErrors = true
    case "--ascii": ascii = true
    case "--transcript", "-o":
        index += 1
        guard index < arguments.count else { fail("--transcript needs a file name") }
        options.transcriptPath = arguments[index]
    case "-c":
        index += 1
        guard index < arguments.count else { fail("-c needs a command, e.g. nnlab -c 'help'") }
        command = arguments[index]
    default:
        if arg.hasPrefix("--transcript=") {
            options.transcriptPath = String(arg.dropFirst("--transcript=".count))
        } else if arg.hasPrefix("-") && arg != "-" {
            fail("unknown option '\(arg)'")
        } else {
            positional.append(arg)
        }
    }
    index += 1
}

let interpreter = Interpreter(ascii: ascii)
interpreter.showTiming = options.timing
Interrupt.install()
interpreter.shouldStop = { Interrupt.isRequested }

if let command {
    guard positional.isEmpty else { fail("unexpected argument '\(positional[0])' after -c") }
    let (_, cells) = interpreter.runSource(command, file: "<command line>")
    let failed = cells.contains { $0.error != nil }
    if let path = options.transcriptPath {
        interpreter.showTiming = options.timing
        let code = interpreter.writeTranscript(cells: cells, script: "-c", to: path)
        exit(failed ? 1 : code)
    }
    exit(failed ? 1 : 0)
}

if let first = positional.first {
    guard first == "run" else { fail("unknown command '\(first)'; did you mean 'nnlab run \(first)'?") }
    guard positional.count == 2 else { fail(positional.count < 2 ? "'run' needs a script file" : "'run' takes one script file") }
    exit(interpreter.runScript(path: positional[1], options: options))
}

let session = InteractiveSession(interpreter, file: "<stdin>")
let banner = "nnlab \(Interpreter.version) — type 'help' for commands, Tab to complete, Ctrl-D to leave"
exit(REPL.run(session, config: REPLConfig(banner: banner)))
