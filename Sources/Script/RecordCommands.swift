import Basics
import Transcript

/// The transcript being written by `record start`, one cell per input.
final class Recording {
    let path: String
    var transcript: Transcript
    var count = 0
    /// Set while writing fails, so the failure is said once (and its end too), not after every input.
    var failing = false
    init(path: String, transcript: Transcript) {
        self.path = path
        self.transcript = transcript
    }
}

/// `record start FILE` / `record stop`: the session at the prompt written as a transcript.
enum RecordCommands {
    static let file = Positional<String>("FILE", what: "a file name ending in \(Interpreter.transcriptExtensions)", kind: .path,
                                       help: "the transcript: .ipynb (Jupyter notebook), .html (one page), .md (figures in FILE_files/) or .txt")

    static let specs: [CommandSpec] = [
        CommandSpec("record", group: .general, summary: "record this session as a transcript (.ipynb, .html, .md or .txt), one cell per input",
                    subcommands: [
                        SubcommandSpec("start", summary: "start recording into FILE (written after every input)", arguments: [file]),
                        SubcommandSpec("stop", summary: "write the transcript and stop recording"),
                    ],
                    subcommandWhat: "a record action", subcommandPlaceholder: "ACTION") { s, inv throws(ScriptError) in
            let what = inv.subcommand ?? ""
            if what == "stop" {
                guard let r = s.recording else { throw ScriptError("not recording", at: inv.location, hint: "start with: record start lab.ipynb") }
                do { try r.transcript.write(to: r.path) } catch {
                    throw ScriptError("\(error)", at: inv.location)
                }
                s.recording = nil
                s.console.line("recorded \(r.count) cell\(r.count == 1 ? "" : "s") to \(r.path)")
                return
            }
            let path = inv[file]
            guard TranscriptFormat(path: path) != nil else {
                throw ScriptError("unknown transcript format for '\(path)'", at: inv.location(of: file), hint: "use a \(Interpreter.transcriptExtensions) file name")
            }
            if s.recording != nil { throw ScriptError("already recording", at: inv.location, hint: "stop first with: record stop") }
            let r = Recording(path: path, transcript: Transcript(header: s.header(script: "interactive session")))
            do { try r.transcript.write(to: path) } catch {
                throw ScriptError("\(error)", at: inv.location(of: file))
            }
            s.recording = r
            s.console.line("recording to \(path); 'record stop' to finish")
        },
    ]
}

extension Interpreter {
    /// Adds an interactive input and what it did to the recording, and rewrites the transcript.
    func record(input: String, outputs: [CellOutput], error: CellError?) {
        guard let r = recording else { return }
        let trimmed = input.trimmingSpaces
        if trimmed.hasPrefix("record ") || trimmed.isEmpty { return }
        r.count += 1
        r.transcript.cells.append(TranscriptCell(kind: .code, source: input, outputs: outputs, error: error,
                                                 executionCount: r.count))
        r.transcript.header = header(script: r.transcript.header.script)
        // Written after every input so nothing is lost if the session ends abruptly; a failure is said at once
        // (the folder was removed, the disk is full), not only at 'record stop'.
        do {
            try r.transcript.write(to: r.path)
            if r.failing { console.error("nnlab: the recording is written to \(SafeText.escaped(r.path)) again\n") }
            r.failing = false
        } catch {
            if !r.failing {
                console.error("nnlab: warning: \(error); still recording, each input tries again ('record stop' to end)\n")
            }
            r.failing = true
        }
    }
}
