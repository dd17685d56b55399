import Basics

/// A notebook read from an `.ipynb` file (nbformat 4): the cells with their sources, titles and stored outputs,
/// and what a rewrite keeps (cell ids, metadata, attachments). Reading never traps: whatever is not a notebook
/// is a thrown `NotebookError`, so the reader can be fuzzed through `NotebookReader.parse`.
public struct Notebook: Sendable, Equatable {
    public var cells: [NotebookCell]
    /// The notebook's metadata as stored (kernelspec, language_info, nnlab, and whatever else tools put there).
    public var metadata: [String: JSONValue]
    public var formatMinor: Int

    /// The run facts nnlab recorded (metadata.nnlab), when nnlab executed the notebook.
    public var run: TranscriptHeader? { TranscriptHeader(notebookMetadata: metadata["nnlab"]) }

    /// The cells as transcript cells (no outputs), keeping ids, metadata and attachments; raw cells become
    /// markdown, the nearest kind a transcript has.
    public var transcriptCells: [TranscriptCell] {
        cells.map { cell in
            var metadata = cell.metadata
            metadata["title"] = nil
            var out = TranscriptCell(kind: cell.kind == .code ? .code : .markdown, title: cell.title, source: cell.source)
            out.id = cell.id
            out.metadata = metadata
            out.attachments = cell.attachments
            return out
        }
    }
}

public struct NotebookCell: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case code, markdown, raw }
    public var kind: Kind
    public var id: String?
    public var source: String
    public var metadata: [String: JSONValue]
    public var attachments: JSONValue?
    public var executionCount: Int?
    public var outputs: [NotebookOutput]

    /// Jupytext keeps the `# %% Title` in the cell's metadata.
    public var title: String? { metadata["title"]?.stringValue }
}

/// One stored output of a code cell.
public enum NotebookOutput: Sendable, Equatable {
    case stream(name: String, text: String)
    /// display_data and execute_result: the textual representations by MIME type (binary ones are base64 text).
    case display(data: [String: String])
    case error(name: String, value: String, traceback: [String])
}

public struct NotebookError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    /// Where in the file, for JSON that does not parse; nil for a structure that is not a notebook's.
    public var line: Int?
    public var column: Int?

    public init(_ message: String, line: Int? = nil, column: Int? = nil) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        guard let line, let column else { return message }
        return "line \(line), column \(column): \(message)"
    }
}

public enum NotebookReader {
    /// The one entry point: the bytes of an `.ipynb` file in, a notebook or an error out.
    public static func parse(_ bytes: [UInt8]) throws(NotebookError) -> Notebook {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch {
            throw NotebookError("not valid JSON: \(error.message)", line: error.line, column: error.column)
        }
        guard case .object(let top) = json, let cellValues = top["cells"] else {
            throw NotebookError("not a notebook: expected a JSON object with \"cells\"")
        }
        guard let major = top["nbformat"]?.intValue else {
            throw NotebookError("not a notebook: \"nbformat\" is missing or not a number")
        }
        guard major == 4 else {
            throw NotebookError(major < 4
                ? "nbformat \(major) notebook: convert it first with 'jupyter nbconvert --to notebook --nbformat 4'"
                : "nbformat \(major) is newer than the nbformat 4 that nnlab reads")
        }
        let minor = top["nbformat_minor"]?.intValue ?? 0
        guard case .array(let items) = cellValues else { throw NotebookError("\"cells\" is not a list") }
        var cells: [NotebookCell] = []
        cells.reserveCapacity(items.count)
        for (position, item) in items.enumerated() {
            cells.append(try cell(item, number: position + 1))
        }
        let metadata = top["metadata"]?.objectValue ?? [:]
        return Notebook(cells: cells, metadata: metadata, formatMinor: minor)
    }

    private static func cell(_ value: JSONValue, number: Int) throws(NotebookError) -> NotebookCell {
        guard case .object(let fields) = value else { throw NotebookError("cell \(number) is not an object") }
        guard let typeName = fields["cell_type"]?.stringValue else {
            throw NotebookError("cell \(number) has no \"cell_type\"")
        }
        guard let kind = NotebookCell.Kind(rawValue: typeName) else {
            throw NotebookError("cell \(number) has an unknown cell_type \"\(typeName.prefix(40))\" (code, markdown or raw)")
        }
        guard let source = fields["source"]?.multilineText else {
            throw NotebookError("cell \(number): \"source\" is not text (a string or a list of strings)")
        }
        var outputs: [NotebookOutput] = []
        if kind == .code, case .array(let items)? = fields["outputs"] {
            for (position, item) in items.enumerated() {
                outputs.append(try output(item, cell: number, number: position + 1))
            }
        }
        return NotebookCell(kind: kind, id: fields["id"]?.stringValue, source: source,
                            metadata: fields["metadata"]?.objectValue ?? [:], attachments: fields["attachments"],
                            executionCount: fields["execution_count"]?.intValue, outputs: outputs)
    }

    private static func output(_ value: JSONValue, cell: Int, number: Int) throws(NotebookError) -> NotebookOutput {
        let place = "cell \(cell), output \(number)"
        guard case .object(let fields) = value, let type = fields["output_type"]?.stringValue else {
            throw NotebookError("\(place) has no \"output_type\"")
        }
        switch type {
        case "stream":
            guard let text = fields["text"]?.multilineText else { throw NotebookError("\(place): stream \"text\" is not text") }
            return .stream(name: fields["name"]?.stringValue ?? "stdout", text: text)
        case "display_data", "execute_result":
            var data: [String: String] = [:]
            for (mime, content) in fields["data"]?.objectValue ?? [:] {
                // JSON-typed bundles (application/json) are objects, not text: not compared, not kept.
                if let text = content.multilineText { data[mime] = text }
            }
            return .display(data: data)
        case "error":
            var traceback: [String] = []
            for line in fields["traceback"]?.arrayValue ?? [] { if let text = line.stringValue { traceback.append(text) } }
            return .error(name: fields["ename"]?.stringValue ?? "", value: fields["evalue"]?.stringValue ?? "",
                          traceback: traceback)
        default:
            throw NotebookError("\(place) has an unknown output_type \"\(type.prefix(40))\"")
        }
    }
}

extension TranscriptHeader {
    /// The header from a notebook's `metadata.nnlab`; nil when there is none (not written by nnlab).
    init?(notebookMetadata value: JSONValue?) {
        guard case .object(let run)? = value, let version = run["version"]?.stringValue else { return nil }
        var data: [DataChecksum] = []
        for entry in run["data"]?.arrayValue ?? [] {
            if let file = entry["file"]?.stringValue, let sha = entry["sha256"]?.stringValue {
                data.append(DataChecksum(file: file, sha256: sha))
            }
        }
        self.init(version: version, script: run["script"]?.stringValue ?? "", seed: run["seed"]?.uint64Value, data: data,
                  timing: run["timing"]?.boolValue ?? true, startedAt: run["startedAt"]?.stringValue)
        blas = run["blas"]?.stringValue
        chartWidth = run["charts"]?["width"]?.intValue
        unicodeCharts = run["charts"]?["unicode"]?.boolValue
        unicodeChartLabels = run["charts"]?["unicodeLabels"]?.boolValue
    }
}
