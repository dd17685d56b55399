// The `nnlab` command line: which mode to start (prompt, script, one line) and with which options.
// Parsing and help come from swift-argument-parser's declarations (see ARCHITECTURE.md for why); running
// is a function that returns the exit status, so tests call it like the executable does.
import ArgumentParser
import Basics
import Kernel
import Notebooks
import REPL
import Script
import TensorCore
import Transcript
#if canImport(Glibc)
import Glibc
#endif

/// Where a run of the command line reads and writes: the process's own streams, or a test's.
public struct StandardStreams {
    public var output: (String) -> Void
    public var error: (String) -> Void
    /// Lines for the prompt; nil reads the process's stdin (readline on a terminal, plain reads otherwise).
    public var input: LineSource?
    /// Whether output goes to a terminal (progress bars, colour); nil asks the operating system.
    public var outputIsTerminal: Bool?

    public init(output: @escaping (String) -> Void, error: @escaping (String) -> Void, input: LineSource? = nil,
                outputIsTerminal: Bool? = nil) {
        self.output = output
        self.error = error
        self.input = input
        self.outputIsTerminal = outputIsTerminal
    }

    /// The process's stdin, stdout and stderr.
    public static var process: StandardStreams {
        StandardStreams(output: { Console.writeAll(STDOUT_FILENO, $0) }, error: { Console.writeAll(STDERR_FILENO, $0) })
    }
}

public enum CommandLineTool {
    /// Runs `nnlab` with `arguments` (without the program name) and returns the exit status: 0, 1 when a
    /// command failed, 64 for a command line that does not parse, 130 when interrupted.
    public static func run(_ arguments: [String], streams: StandardStreams = .process) -> Int32 {
        // First of all: a Ctrl-C or SIGTERM that arrives while nnlab starts must stop the run, not kill it
        // before its transcript can be written. (The Jupyter kernel sets up its own, and leaves SIGTERM alone.)
        if arguments.first != KernelCommand.configuration.commandName {
            Interrupt.install()
            Interrupt.installTermination()
        }
        if let first = arguments.first, !first.hasPrefix("-"), !Nnlab.subcommandNames.contains(first), first != "help" {
            // `nnlab lab1.nnl`: the most likely slip, answered with the command that was meant.
            let hint = first.hasSuffix(".nnl") || first.hasSuffix(".ipynb") || first.contains("/")
                ? "did you mean 'nnlab run \(first)'?"
                : Diagnostic.didYouMean(first, Nnlab.subcommandNames) ?? "commands: \(Nnlab.subcommandNames.joined(separator: ", "))"
            streams.error("nnlab: error: unknown command '\(first)'; \(hint)\nrun 'nnlab --help' for usage\n")
            return ExitCode.validationFailure.rawValue
        }
        // The prompt's options (--transcript, -c, ...) belong to `nnlab` and `nnlab run`; the argument parser lets
        // them through after `check`, `convert` and `kernel` too, where they did nothing (no transcript written).
        if let sub = arguments.first, Nnlab.subcommandNames.contains(sub), sub != RunScript.configuration.commandName,
           let stray = arguments.dropFirst().first(where: { word in
               RootOptionName.all.contains(String(word.split(separator: "=", maxSplits: 1).first ?? ""))
           }) {
            streams.error("nnlab: error: '\(stray)' does not apply to 'nnlab \(sub)'\nrun 'nnlab \(sub) --help' for usage\n")
            return ExitCode.validationFailure.rawValue
        }
        let command: ParsableCommand
        do {
            command = try Nnlab.parseAsRoot(arguments)
        } catch {
            // --help, --version and --generate-completion-script arrive here too, with exit status 0.
            let code = Nnlab.exitCode(for: error)
            var message = Nnlab.fullMessage(for: error)
            // --version also says what runs the arithmetic here: the CPU, nnlab's kernels, the BLAS and its kernel.
            if code == .success, arguments.contains("--version") { message += "\n" + Platform.report.joined(separator: "\n") }
            if code == .success {
                if !message.isEmpty { streams.output(message.hasSuffix("\n") ? message : message + "\n") }
            } else {
                // The parser says "Error: ..."; nnlab's own messages say "error: ...", as compilers do.
                if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
                streams.error("nnlab: " + message + (message.hasSuffix("\n") ? "" : "\n"))
                if !message.contains("Usage:") { streams.error("run 'nnlab --help' for usage\n") }
            }
            return code.rawValue
        }
        switch command {
        case let run as RunScript: return run.execute(streams)
        case let convert as Convert: return convert.execute(streams)
        case let check as Check: return check.execute(streams)
        case let install as KernelInstall: return install.execute(streams)
        case let kernel as KernelCommand: return kernel.execute(streams)
        case let root as Nnlab: return root.execute(streams)
        default:
            // The parser's own `help` command (`--help`, `-h`, `nnlab help run`): the same text, to our stream.
            let names = arguments.filter { !$0.hasPrefix("-") && $0 != "help" }
            let subcommand = Nnlab.configuration.subcommands.first { $0.configuration.commandName == names.first }
            streams.output(Nnlab.helpMessage(for: subcommand ?? Nnlab.self) + "\n")
            return ExitCode.success.rawValue
        }
    }

    /// The interpreter a run uses, writing to `streams`.
    static func interpreter(_ options: OutputOptions, _ streams: StandardStreams) -> Interpreter {
        let console = Console(isTerminal: streams.outputIsTerminal, standardOutput: streams.output,
                              standardError: streams.error)
        let interpreter = Interpreter(console: console, ascii: options.ascii)
        interpreter.showTiming = !options.noTiming
        Interrupt.install()
        Interrupt.installTermination()
        interpreter.shouldStop = { Interrupt.isRequested }
        interpreter.interruption = { Interrupt.reason }
        return interpreter
    }

    /// Checks that the transcript can be written at all before anything runs: a typo in the path must not
    /// cost the run. Returns the error text, or nil.
    static func transcriptProblem(_ options: OutputOptions) -> String? {
        guard let path = options.transcript else { return nil }
        guard TranscriptFormat(path: path) != nil else {
            let known = TranscriptFormat.allCases.map { "." + $0.rawValue }.joined(separator: ", ")
            return "transcript '\(path)': unknown format; use a file name ending in \(known)"
        }
        return AtomicFile.writeProblem(path).map { "cannot write transcript '\(path)': \($0)" }
    }
}

/// The names of the prompt's and `nnlab run`'s options, written once: the declarations below use them, and the
/// check that they are not given to `convert`, `check` or `kernel` (where they would do nothing) reads them.
enum RootOptionName {
    static let command: Character = "c"
    static let transcript = (long: "transcript", short: Character("o"))
    static let noTiming = "no-timing"
    static let allowErrors = "allow-errors"
    static let ascii = "ascii"

    static let all: Set<String> = ["-\(command)", "--\(transcript.long)", "-\(transcript.short)", "--\(noTiming)",
                                   "--\(allowErrors)", "--\(ascii)"]
}

/// Options shared by every way of running commands.
struct OutputOptions: ParsableArguments {
    @Option(name: [.customLong(RootOptionName.transcript.long), .customShort(RootOptionName.transcript.short)],
            help: ArgumentHelp("Write a transcript of the run (.ipynb, .html, .md with its figures in FILE_files/, or .txt, by the file name).",
                               valueName: "file"),
            completion: .file(extensions: ["ipynb", "html", "md", "txt"]))
    var transcript: String?

    @Flag(name: .customLong(RootOptionName.noTiming),
          help: "Leave durations out, so two runs with the same seed give identical transcripts.")
    var noTiming = false

    @Flag(name: .customLong(RootOptionName.allowErrors),
          help: "Keep running the cells after a failing cell (like nbconvert --allow-errors).")
    var allowErrors = false

    @Flag(name: .customLong(RootOptionName.ascii), help: "Draw charts with ASCII glyphs (names and titles stay as written).")
    var ascii = false

    var runOptions: RunOptions {
        RunOptions(transcriptPath: transcript, timing: !noTiming, allowErrors: allowErrors)
    }
}

/// `nnlab [-c COMMANDS]`: the prompt, or one line of commands.
struct Nnlab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnlab",
        abstract: "A notebook-style prompt and script runner for learning neural networks.",
        usage: """
        nnlab                                 the prompt
        nnlab -c <commands> [<options>]       one line of commands
        nnlab run <script> [<options>]        a script (.nnl) or a notebook (.ipynb)
        nnlab convert <input> <output>        a .nnl script to an .ipynb notebook, or back
        nnlab check <notebook>                whether a notebook's outputs come from its code
        nnlab kernel install [--user | --prefix <dir>]   make Jupyter offer nnlab as a kernel
        """,
        discussion: """
        Without arguments nnlab starts its prompt: readline with history and Tab completion on a terminal, \
        plain line reading when stdin is a pipe (`echo 'help train' | nnlab`). Type `help` at the prompt for \
        the commands of the language.
        """,
        version: "nnlab \(Interpreter.version)",
        subcommands: [RunScript.self, Convert.self, Check.self, KernelCommand.self])

    static var subcommandNames: [String] { configuration.subcommands.compactMap { $0.configuration.commandName } }

    @Option(name: .customShort(RootOptionName.command),
            help: ArgumentHelp("Run one line of commands separated by ';', e.g. -c 'mlp 3 4 2; summary'.",
                               valueName: "commands"))
    var command: String?

    @OptionGroup var options: OutputOptions

    func execute(_ streams: StandardStreams) -> Int32 {
        if let problem = CommandLineTool.transcriptProblem(options) {
            streams.error("nnlab: error: \(problem)\n")
            return ExitCode.failure.rawValue
        }
        let interpreter = CommandLineTool.interpreter(options, streams)
        if let command {
            let (status, cells) = interpreter.runSource(command, file: "<command line>", allowErrors: options.allowErrors)
            let failed: Int32 = status != 0 ? status : cells.contains { $0.error != nil } ? 1 : 0
            guard let path = options.transcript else { return failed }
            return max(failed, interpreter.writeTranscript(cells: cells, script: "-c", to: path))
        }
        if options.transcript != nil || options.allowErrors {
            streams.error("nnlab: error: --transcript and --allow-errors apply to 'nnlab run' and -c; at the prompt use 'record start FILE'\n")
            return ExitCode.validationFailure.rawValue
        }
        let session = InteractiveSession(interpreter, file: "<stdin>")
        let banner = "nnlab \(Interpreter.version) — type 'help' for commands, Tab to complete, Ctrl-D to leave"
        let config = REPLConfig(banner: banner)
        if let input = streams.input { return REPL.run(session, config: config, source: input) }
        return REPL.run(session, config: config)
    }
}

/// `nnlab run SCRIPT`: every cell of a script or notebook, stopping at the first error unless told otherwise.
struct RunScript: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a .nnl script or the code cells of an .ipynb notebook, in order; stops at the first error with a non-zero exit status.",
        discussion: """
        A notebook runs like 'jupyter nbconvert --to notebook --execute', without Jupyter: with --transcript \
        out.ipynb its markdown, cell ids and metadata are kept and the old outputs replaced.
        """)

    @ArgumentParser.Argument(help: ArgumentHelp("The script or notebook to run.", valueName: "script"),
                             completion: .file(extensions: ["nnl", "ipynb"]))
    var script: String

    @OptionGroup var options: OutputOptions

    func execute(_ streams: StandardStreams) -> Int32 {
        if let problem = CommandLineTool.transcriptProblem(options) {
            streams.error("nnlab: error: \(problem)\n")
            return ExitCode.failure.rawValue
        }
        let interpreter = CommandLineTool.interpreter(options, streams)
        if script.lowercased().hasSuffix(".ipynb") {
            return NotebookRun.run(path: script, interpreter: interpreter, options: options.runOptions)
        }
        return interpreter.runScript(path: script, options: options.runOptions)
    }
}

/// `nnlab convert IN OUT`: between the two forms of a lab, a .nnl script and an .ipynb notebook.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a .nnl script (Jupytext percent cells) to an .ipynb notebook (nbformat 4.5), or back.",
        discussion: "Sources and cell titles are kept both ways; outputs are not (run the notebook for them).")

    @ArgumentParser.Argument(help: ArgumentHelp("The script or notebook to read.", valueName: "input"),
                             completion: .file(extensions: ["nnl", "ipynb"]))
    var input: String

    @ArgumentParser.Argument(help: ArgumentHelp("The notebook or script to write.", valueName: "output"),
                             completion: .file(extensions: ["ipynb", "nnl"]))
    var output: String

    func execute(_ streams: StandardStreams) -> Int32 {
        do {
            streams.error(try Conversion.convert(input, to: output))
            return ExitCode.success.rawValue
        } catch {
            streams.error(error.description)
            return ExitCode.failure.rawValue
        }
    }
}

/// `nnlab check NOTEBOOK`: the teacher's tool for "these outputs really came from this code".
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run a notebook's code again and report, cell by cell, whether its stored outputs are what the code produces.",
        discussion: """
        Notebooks written with --no-timing and a seed must match exactly; otherwise the report shows which \
        numbers differ and by how much, and durations are ignored. The notebook's metadata (seed, data checksums, \
        nnlab version, BLAS kernel) says why a difference may be legitimate. Exit status 0 when every cell matches.
        """)

    @ArgumentParser.Argument(help: ArgumentHelp("The notebook to check.", valueName: "notebook"),
                             completion: .file(extensions: ["ipynb"]))
    var notebook: String

    @Option(help: ArgumentHelp("Accept numbers that differ by at most this relative amount (e.g. 1e-6).",
                               valueName: "relative"))
    var tolerance: Double = 0

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a number >= 0") }
    }

    func execute(_ streams: StandardStreams) -> Int32 {
        Interrupt.install()
        do {
            let report = try NotebookCheck.check(path: notebook, tolerance: tolerance, shouldStop: { Interrupt.isRequested })
            streams.output(report.rendered())
            return report.allMatch ? ExitCode.success.rawValue : ExitCode.failure.rawValue
        } catch {
            streams.error(error.description)
            return ExitCode.failure.rawValue
        }
    }
}

/// `nnlab kernel -f CONNECTION_FILE`: the Jupyter kernel, as a kernelspec starts it.
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run as a Jupyter kernel (started by Jupyter through the kernelspec 'nnlab kernel install' writes).",
        subcommands: [KernelInstall.self])

    @Option(name: [.customShort("f"), .customLong("connection-file")],
            help: ArgumentHelp("The connection file Jupyter wrote: addresses to bind and the signing key.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var connectionFile: String?

    func execute(_ streams: StandardStreams) -> Int32 {
        guard let connectionFile else {
            streams.error("nnlab: error: 'nnlab kernel' needs -f CONNECTION_FILE (Jupyter passes it); to make Jupyter offer nnlab run 'nnlab kernel install'\n")
            return ExitCode.validationFailure.rawValue
        }
        let log: (String) -> Void = { streams.error("[nnlab kernel] \($0)\n") }
        do {
            let kernel = try Kernel(connection: try ConnectionInfo.read(connectionFile), log: log)
            return kernel.run()
        } catch {
            streams.error("nnlab: error: \(error)\n")
            return ExitCode.failure.rawValue
        }
    }
}

/// `nnlab kernel install`: kernel.json and logos where Jupyter looks for kernelspecs.
struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the nnlab kernelspec so that JupyterLab, VS Code and nbconvert offer nnlab.",
        discussion: "The kernelspec starts this nnlab executable. Check with 'jupyter kernelspec list'.")

    @Flag(help: "Install for the current user (the default): $JUPYTER_DATA_DIR or ~/.local/share/jupyter.")
    var user = false

    @Option(help: ArgumentHelp("Install under <dir>/share/jupyter (a virtual environment's prefix, sys.prefix).",
                               valueName: "dir"), completion: .directory)
    var prefix: String?

    func validate() throws {
        if user && prefix != nil { throw ValidationError("--user and --prefix exclude each other") }
    }

    func execute(_ streams: StandardStreams) -> Int32 {
        do {
            let directory = try KernelSpec.install(prefix.map { .prefix($0) } ?? .user)
            streams.output("installed the nnlab kernelspec in \(directory)\n")
            return ExitCode.success.rawValue
        } catch {
            streams.error("nnlab: error: \(error)\n")
            return ExitCode.failure.rawValue
        }
    }
}
