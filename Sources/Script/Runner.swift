import Charts
import Foundation
import TensorCore
import Basics
import Transcript

/// Running whole scripts (cell by cell, with an optional transcript) and interactive input.
public struct RunOptions: Sendable {
    public var transcriptPath: String?
    public var timing = true
    public var allowErrors = false
    public init(transcriptPath: String? = nil, timing: Bool = true, allowErrors: Bool = false) {
        self.transcriptPath = transcriptPath
        self.timing = timing
        self.allowErrors = allowErrors
    }
}

/// What one cell did: what it showed (text as the terminal ended up showing it, and figures) and the errors it
/// stopped with.
public struct CellRun {
    public var outputs: [CellOutput]
    public var errors: [ScriptError]
    /// The source ends inside an unfinished `for`.
    public var incomplete: Bool

    /// Everything as text, figures as their terminal charts.
    public var output: String { outputs.map(\.terminalText).joined() }
}

/// Why a script file could not be read, rendered as nnlab prints it.
public struct ScriptFileError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

public enum InteractiveStatus: Sendable { case complete, needsMoreInput }

extension Interpreter {
    /// Scripts are text a person wrote; anything larger is a mistake (a data file given to `run`).
    static let maximumScriptBytes = 16 << 20

    /// The text of the script at `path`, or the error to print, rendered: a folder, a missing or unreadable file, or
    /// the line and column of its first byte that is not UTF-8. (`nnlab run` and `nnlab convert` read scripts so.)
    public static func readScript(_ path: String) -> Result<String, ScriptFileError> {
        let bytes: [UInt8]
        do throws(FileContents.ReadError) {
            bytes = try FileContents.read(path, limit: maximumScriptBytes)
        } catch {
            let reason = error.kind == .isDirectory ? "it is a directory, not a script file" : error.reason
            return .failure(ScriptFileError(description: "nnlab: error: cannot read script '\(SafeText.escaped(path))': \(reason)\n"))
        }
        // A byte order mark (Notepad writes one) is not part of the first line.
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        switch decodeUTF8(body) {
        case .success(let text): return .success(text)
        case .failure(let error):
            let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            return .failure(ScriptFileError(description: Diagnostic.render(error, file: path, sourceLines: lines)))
        }
    }

    /// The text of a script, or where its first byte that is not UTF-8 sits (line, and column in characters
    /// of the line as far as it decodes), as an error rendered like any other.
    static func decodeUTF8(_ bytes: [UInt8]) -> Result<String, ScriptError> {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
            case .emptyInput:
                return .success(String(decoding: bytes, as: UTF8.self))
            case .error(let length):
                let lineStart = bytes[..<offset].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                let line = 1 + bytes[..<offset].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                let column = 1 + String(decoding: bytes[lineStart..<offset], as: UTF8.self).count
                let shown = bytes[offset..<min(bytes.count, offset + max(1, length))].map { "0x" + String($0, radix: 16, uppercase: true) }
                return .failure(ScriptError("invalid UTF-8: byte\(shown.count == 1 ? "" : "s") \(shown.joined(separator: " ")) cannot be read as text",
                                            at: SourceLocation(line: line, column: column),
                                            hint: "scripts are UTF-8 text; save the file as UTF-8"))
            }
        }
    }

    public func header(script: String) -> TranscriptHeader {
        var header = TranscriptHeader(version: Interpreter.version, script: script, seed: seedWasSet ? seed : nil,
                                      data: dataChecksums.map { DataChecksum(file: $0.file, sha256: $0.sha256) }, timing: showTiming,
                                      startedAt: showTiming ? ISO8601DateFormatter().string(from: Date()) : nil)
        header.blas = BLAS.kernelDescription
        let charts = fixedChartOptions ?? ChartOptions.fromEnvironment(asciiOverride: asciiCharts)
        header.chartWidth = charts.width
        header.unicodeCharts = charts.unicode && !asciiCharts
        header.unicodeChartLabels = charts.unicodeLabels
        return header
    }

    /// Runs a script file. Returns the process exit code: 0, 1 for an error, 130 when interrupted.
    public func runScript(path: String, options: RunOptions) -> Int32 {
        showTiming = options.timing
        let source: String
        switch Interpreter.readScript(path) {
        case .success(let text): source = text
        case .failure(let error):
            console.error(error.description)
            return 1
        }
        if let t = options.transcriptPath, TranscriptFormat(path: t) == nil {
            console.error("nnlab: error: transcript '\(t)': unknown format; use a \(Interpreter.transcriptExtensions) file name\n")
            return 1
        }
        let (status, cells) = runSource(source, file: path, allowErrors: options.allowErrors)
        if let t = options.transcriptPath {
            let transcript = Transcript(header: header(script: path), cells: cells)
            do {
                try transcript.write(to: t)
                console.error("transcript written to \(t)\n")
            } catch {
                console.error("nnlab: error: \(error)\n")
                return status == 0 ? 1 : status
            }
        }
        return status
    }

    /// Runs every cell of `source`; returns the exit status and the transcript cells.
    public func runSource(_ source: String, file: String, allowErrors: Bool = false) -> (Int32, [TranscriptCell]) {
        // Windows line endings: "\r\n" is a single Character, which splitting on "\n" would not see.
        let source = source.replacingAll("\r\n", with: "\n")
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return runCells(CellSplitter.split(source), allowErrors: allowErrors) { _ in (file, lines) }
    }

    /// Runs `cells` in order (markdown cells are kept as they are), printing errors as the terminal shows
    /// them; stops after the first failing cell unless `allowErrors` (never after Ctrl-C). `place` names the
    /// file and its lines for the error messages of the n-th code cell (1-based). Returns the exit status (0,
    /// 1 for an error, 130 when interrupted) and the cells run so far.
    public func runCells(_ cells: [ScriptCell], allowErrors: Bool,
                         place: (Int) -> (file: String, lines: [Substring])) -> (Int32, [TranscriptCell]) {
        var transcript: [TranscriptCell] = []
        var status: Int32 = 0
        var count = 0
        for cell in cells {
            if cell.kind == .markdown {
                transcript.append(TranscriptCell(kind: .markdown, title: cell.title, source: cell.source))
                continue
            }
            count += 1
            let run = runCell(cell.source, firstLine: cell.firstLine)
            var cellError: CellError?
            let (file, lines) = place(count)
            if let (rendered, entry) = Diagnostic.cellError(run.errors, file: file, sourceLines: lines) {
                console.error(rendered)
                cellError = entry
                status = run.errors[0].isInterrupt ? run.errors[0].exitStatus : 1
            }
            transcript.append(TranscriptCell(kind: .code, title: cell.title, source: cell.source, outputs: run.outputs,
                                             error: cellError, executionCount: count))
            if finished { break }
            if cellError != nil && (!allowErrors || run.errors[0].isInterrupt) { break }
        }
        return (status, transcript)
    }

    /// Parses and runs one cell's source with the console's capture reset, as every front end does (script,
    /// prompt, Jupyter kernel): returns what it showed (text and figures) and the errors it stopped with,
    /// unprinted, so each front end shows them its own way. An unfinished `for` is an error ("missing its
    /// 'end'") and `incomplete`.
    public func runCell(_ source: String, firstLine: Int = 1) -> CellRun {
        let parsed = Parser.parse(source, firstLine: firstLine)
        _ = console.takeCaptured()
        var errors = parsed.errors
        if errors.isEmpty {
            do { try execute(parsed.statements) } catch { errors = [error] }
        }
        return CellRun(outputs: Interpreter.cleaned(console.takeCaptured()), errors: errors, incomplete: parsed.incomplete)
    }

    /// Evaluates one interactive input (possibly several lines). Errors are printed, never thrown: the
    /// session goes on. `firstLine` numbers the lines across a piped session.
    /// `atEndOfInput` reports an unfinished `for` as an error instead of asking for more.
    public func runInteractive(_ input: String, file: String = "<stdin>", firstLine: Int = 1,
                               atEndOfInput: Bool = false) -> (InteractiveStatus, hadError: Bool) {
        let input = input.replacingAll("\r\n", with: "\n")
        if !atEndOfInput && Parser.parse(input, firstLine: firstLine).incomplete { return (.needsMoreInput, false) }
        let lines = Array(repeating: Substring(""), count: max(0, firstLine - 1)) + input.split(separator: "\n", omittingEmptySubsequences: false)
        let run = runCell(input, firstLine: firstLine)
        let errors = run.errors
        lastOutput = run.output
        let cellError = Diagnostic.cellError(errors, file: file, sourceLines: lines)
        // At the prompt an interrupt is not printed as an error: the prompt comes back (training says where it stopped).
        if let (rendered, _) = cellError, !errors[0].isInterrupt { console.error(rendered) }
        record(input: input, outputs: run.outputs, error: cellError?.entry)
        return (.complete, errors.contains { !$0.isInterrupt })
    }

    /// Outputs with their text as the terminal ended up showing it (no colour codes, progress redraws resolved).
    static func cleaned(_ outputs: [CellOutput]) -> [CellOutput] {
        outputs.compactMap { output in
            guard case .text(let text) = output else { return output }
            let clean = TerminalText.clean(text)
            return clean.isEmpty ? nil : .text(clean)
        }
    }

    /// The transcript file names `--transcript` and `record start` take, for messages.
    static let transcriptExtensions: String = {
        let names = TranscriptFormat.allCases.map { "." + $0.rawValue }
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }()
}

extension Interpreter {
    /// Writes a transcript of already-run cells; returns 0 or 1.
    public func writeTranscript(cells: [TranscriptCell], script: String, to path: String) -> Int32 {
        do {
            try Transcript(header: header(script: script), cells: cells).write(to: path)
            return 0
        } catch {
            console.error("nnlab: error: \(error)\n")
            return 1
        }
    }
}
