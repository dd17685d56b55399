import Basics

// The record of one script run, as a student submits it: a header (tool version, seed, data checksums)
// and the cells with their source and text output. Rendering lives in one file per format.

/// The sha256 of a data file the run read, so a teacher can tell which data set was used.
public struct DataChecksum: Sendable, Equatable {
    public var file: String
    public var sha256: String

    public init(file: String, sha256: String) {
        self.file = file
        self.sha256 = sha256
    }
}

/// What a transcript records about the run as a whole.
public struct TranscriptHeader: Sendable, Equatable {
    public var tool: String = "nnlab"
    public var version: String
    /// The script path as the user gave it on the command line.
    public var script: String
    public var seed: UInt64?
    public var data: [DataChecksum]
    /// False for `--no-timing`: nothing time-dependent is written, so equal runs give equal bytes.
    public var timing: Bool
    /// ISO 8601 date of the run; written only when `timing` is true.
    public var startedAt: String?
    /// The BLAS library and the kernel it chose for this CPU ("OpenBLAS 0.3.21 ... SkylakeX"): products can
    /// differ in the last digits between kernels, so a check of the notebook elsewhere can say why.
    public var blas: String?
    /// How charts were drawn (columns, Unicode or ASCII glyphs, labels as written or in ASCII), so a re-run
    /// draws them the same. `unicodeChartLabels` nil: as `unicodeCharts` (what notebooks without it had).
    public var chartWidth: Int?
    public var unicodeCharts: Bool?
    public var unicodeChartLabels: Bool?
    /// False for a notebook converted from a script and not run: it then records no run facts at all.
    public var executed = true

    public init(version: String, script: String, seed: UInt64?, data: [DataChecksum], timing: Bool,
                startedAt: String? = nil) {
        self.version = version
        self.script = script
        self.seed = seed
        self.data = data
        self.timing = timing
        self.startedAt = startedAt
    }

    /// The start date when it may be written (timing on and a date known), nil otherwise.
    var writableStartDate: String? { timing ? startedAt : nil }
}

public enum CellKind: Sendable, Equatable {
    case code, markdown
}

/// An error a cell stopped with.
public struct CellError: Sendable, Equatable {
    /// Error class, e.g. "ScriptError" (the notebook's `ename`).
    public var name: String
    /// The first line the user saw, e.g. "lab.nnl:12:7: error: unknown command 'trian'" (the notebook's `evalue`).
    public var message: String
    /// Lines shown under the message: the quoted source line, the caret, a "did you mean" hint.
    public var traceback: [String]

    public init(name: String, message: String, traceback: [String]) {
        self.name = name
        self.message = message
        self.traceback = traceback
    }

    /// What the terminal showed for this error: the message, then the traceback lines (ANSI removed).
    public var displayLines: [String] {
        ([message] + traceback).map(TerminalText.clean)
    }
}

/// A chart as every output format needs it: SVG for notebooks and HTML pages, the terminal chart as its
/// text (for text viewers and `.txt` transcripts), and a caption (alt text). Jupyter's name for this is a
/// display_data bundle: `image/svg+xml` plus `text/plain`.
public struct Figure: Sendable, Equatable {
    public var svg: String
    /// The chart as a terminal shows it, without colour codes.
    public var text: String
    public var caption: String?

    public init(svg: String, text: String, caption: String? = nil) {
        self.svg = svg
        self.text = text
        self.caption = caption
    }

    /// The figure as a Jupyter mime bundle (a display_data's `data`), by mime type: what a notebook stores
    /// and what the kernel sends.
    public var mimeBundle: [String: String] {
        ["image/svg+xml": svg, "text/plain": TerminalText.clean(text)]
    }
}

/// One thing a cell showed, in order: printed text (tables, messages, progress lines' final state) or a figure.
public enum CellOutput: Sendable, Equatable {
    case text(String)
    case figure(Figure)

    /// What a terminal showed for it; a figure's text always ends with a newline.
    public var terminalText: String {
        switch self {
        case .text(let text): return text
        case .figure(let figure): return figure.text.hasSuffix("\n") ? figure.text : figure.text + "\n"
        }
    }
}

/// One cell of the script (Jupytext "percent" cells) with what it showed.
public struct TranscriptCell: Sendable, Equatable {
    public var kind: CellKind
    /// From `# %% Title`.
    public var title: String?
    public var source: String
    /// Text and figures in the order the cell produced them; text may contain ANSI and `\r` redraws (cleaned
    /// when rendered).
    public var outputs: [CellOutput]
    public var error: CellError?
    public var executionCount: Int?
    /// What a notebook this cell was read from stored beside the source, written back as it was: the cell id,
    /// its metadata (other than the title; nbgrader's grading ids live there) and a markdown cell's attachments.
    public var id: String?
    public var metadata: [String: JSONValue] = [:]
    public var attachments: JSONValue?

    public init(kind: CellKind, title: String? = nil, source: String, outputs: [CellOutput],
                error: CellError? = nil, executionCount: Int? = nil) {
        self.kind = kind
        self.title = title
        self.source = source
        self.outputs = outputs
        self.error = error
        self.executionCount = executionCount
    }

    /// A cell whose output is text only.
    public init(kind: CellKind, title: String? = nil, source: String, output: String = "",
                error: CellError? = nil, executionCount: Int? = nil) {
        self.init(kind: kind, title: title, source: source, outputs: output.isEmpty ? [] : [.text(output)],
                  error: error, executionCount: executionCount)
    }

    /// Everything the cell printed as the terminal showed it, figures as their text.
    public var output: String { outputs.map(\.terminalText).joined() }

    /// The outputs with neighbouring text joined into one piece (a notebook's stream, a fenced block).
    var mergedOutputs: [CellOutput] {
        var merged: [CellOutput] = []
        for output in outputs {
            if case .text(let text) = output, case .text(let previous)? = merged.last {
                merged[merged.count - 1] = .text(previous + text)
            } else {
                merged.append(output)
            }
        }
        return merged
    }
}

public enum TranscriptFormat: String, Sendable, CaseIterable {
    case notebook = "ipynb", html = "html", markdown = "md", text = "txt"

    /// The format named by the path's extension (case-insensitive); nil when it is none of ours.
    public init?(path: String) {
        let fileName = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        // A leading dot marks a hidden file, not an extension: ".ipynb" alone has no extension.
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        let fileExtension = fileName[fileName.index(after: dot)...].lowercased()
        self.init(rawValue: fileExtension)
    }
}

public enum TranscriptError: Error, Equatable, CustomStringConvertible {
    case unknownFormat(path: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownFormat(let path):
            let known = TranscriptFormat.allCases.map { "." + $0.rawValue }.joined(separator: ", ")
            return "cannot write transcript '\(path)': unknown extension (use \(known))"
        case .writeFailed(let path, let reason):
            return "cannot write transcript '\(path)': \(reason)"
        }
    }
}

public struct Transcript: Sendable, Equatable {
    public var header: TranscriptHeader
    public var cells: [TranscriptCell]
    /// Notebook metadata read from an input notebook, kept in the written one (nnlab writes its own kernelspec,
    /// language_info and run facts over these).
    public var metadata: [String: JSONValue] = [:]

    public init(header: TranscriptHeader, cells: [TranscriptCell] = []) {
        self.header = header
        self.cells = cells
    }

    public mutating func append(_ cell: TranscriptCell) {
        cells.append(cell)
    }

    /// The transcript as text. Markdown refers to its figures as `figureFolder/figure-N.svg` (`figures()`
    /// gives their contents); the other formats carry their figures themselves.
    public func render(_ format: TranscriptFormat, figureFolder: String = "figures") -> String {
        switch format {
        case .notebook: return NotebookRenderer.render(self)
        case .html: return HTMLRenderer.render(self)
        case .markdown: return MarkdownRenderer.render(self, figureFolder: figureFolder)
        case .text: return PlainTextRenderer.render(self)
        }
    }

    /// Every figure of the transcript in order, numbered from 1 as Markdown names them (`figure-N.svg`).
    public func figures() -> [(number: Int, figure: Figure)] {
        var result: [(number: Int, figure: Figure)] = []
        for cell in cells where cell.kind == .code {
            for case .figure(let figure) in cell.outputs { result.append((result.count + 1, figure)) }
        }
        return result
    }

    /// Writes the transcript in the format named by the extension; the file appears whole or not at all.
    /// A Markdown transcript's figures go into a folder beside it (`lab1.md` -> `lab1_files/figure-N.svg`),
    /// written before the text that refers to them; figures left there by an earlier, longer run are removed.
    public func write(to path: String) throws {
        guard let format = TranscriptFormat(path: path) else {
            throw TranscriptError.unknownFormat(path: path)
        }
        let folder = Transcript.figureFolder(for: path)
        if format == .markdown {
            try FigureFolder.write(figures(), into: Transcript.sibling(path, named: folder), for: path)
        }
        do {
            try AtomicFile.write(render(format, figureFolder: folder), to: path)
        } catch {
            throw TranscriptError.writeFailed(path: path, reason: error.reason)
        }
    }

    /// The figure folder's name for a transcript file: its name without the extension, then "_files"
    /// (as nbconvert names it).
    static func figureFolder(for path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        return (stem.isEmpty ? "transcript" : stem) + "_files"
    }

    /// `name` in the directory that holds `path`.
    static func sibling(_ path: String, named name: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return name }
        return String(path[...slash]) + name
    }
}

/// Splits text into lines that keep their "\n" (the last one keeps none), as Jupyter stores multi-line strings.
func jupyterLines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = ""
    for scalar in text.unicodeScalars {
        current.unicodeScalars.append(scalar)
        if scalar == "\n" {
            lines.append(current)
            current = ""
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// Splits text into lines without terminators; a trailing "\n" does not start an extra empty line.
func displayLines(_ text: String) -> [String] {
    jupyterLines(text).map { line in
        // Compare scalars: "\r\n" is a single Character, so String.hasSuffix("\n") would miss it.
        line.unicodeScalars.last == "\n" ? String(line.unicodeScalars.dropLast()) : line
    }
}
