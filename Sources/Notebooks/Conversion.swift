import Basics
import Foundation
import Script
import Transcript

/// `nnlab convert`: a `.nnl` script (Jupytext percent cells) to an nbformat 4.5 notebook and back, so a
/// teacher writes the assignment in either form. Sources and cell titles survive both ways.
public enum Conversion {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Converts `input` to `output` by their extensions; returns the line to print.
    public static func convert(_ input: String, to output: String) throws(Failure) -> String {
        let from = fileExtension(input), to = fileExtension(output)
        switch (from, to) {
        case ("nnl", "ipynb"):
            let text: String
            switch Interpreter.readScript(input) {
            case .success(let source): text = source
            case .failure(let error): throw Failure(description: error.description)
            }
            let cells = CellSplitter.split(text.replacingOccurrences(of: "\r\n", with: "\n")).map { cell in
                TranscriptCell(kind: cell.kind == .code ? .code : .markdown, title: cell.title, source: cell.source)
            }
            var header = TranscriptHeader(version: Interpreter.version, script: input, seed: nil, data: [], timing: false)
            header.executed = false
            try write(Transcript(header: header, cells: cells).render(.notebook), to: output)
            return "converted \(input) (\(count(cells))) to \(output)\n"
        case ("ipynb", "nnl"):
            let notebook: Notebook
            do { notebook = try NotebookFile.read(input) } catch { throw Failure(description: error.description) }
            let cells = notebook.transcriptCells
            try write(PercentScript.render(cells), to: output)
            return "converted \(input) (\(count(cells))) to \(output)\n"
        default:
            throw Failure(description: "nnlab: error: convert turns a .nnl script into an .ipynb notebook or back, e.g. 'nnlab convert lab.nnl lab.ipynb'\n")
        }
    }

    private static func write(_ text: String, to path: String) throws(Failure) {
        do { try AtomicFile.write(text, to: path) } catch {
            throw Failure(description: "nnlab: error: \(error)\n")
        }
    }

    private static func count(_ cells: [TranscriptCell]) -> String {
        let code = cells.filter { $0.kind == .code }.count, markdown = cells.count - code
        return "\(code) code cell\(code == 1 ? "" : "s"), \(markdown) markdown cell\(markdown == 1 ? "" : "s")"
    }

    static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
