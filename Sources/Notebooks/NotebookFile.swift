import Basics
import Foundation
import Script
import Transcript

/// Why a notebook could not be read, in the words (and with the quoted line and caret) the user sees.
public struct NotebookFileError: Error, Equatable, CustomStringConvertible {
    public var description: String
}

public enum NotebookFile {
    /// Far above any course notebook (a notebook with outputs of every MNIST digit is a few MB).
    public static let maxBytes = 256 << 20

    /// Reads and parses `path`. A JSON error is located in the file and rendered like a script error.
    public static func read(_ path: String) throws(NotebookFileError) -> Notebook {
        let bytes: [UInt8]
        do throws(FileContents.ReadError) {
            bytes = try FileContents.read(path, limit: maxBytes)
        } catch {
            if case .tooLarge = error.kind {
                throw NotebookFileError(description: "nnlab: error: notebook '\(SafeText.escaped(path))' is larger than \(maxBytes >> 20) MB, "
                                        + "the most nnlab reads\n")
            }
            throw NotebookFileError(description: "nnlab: error: cannot read notebook '\(SafeText.escaped(path))': \(error.reason)\n")
        }
        do {
            return try NotebookReader.parse(bytes)
        } catch {
            throw NotebookFileError(description: render(error, file: path, bytes: bytes))
        }
    }

    /// The error through the one diagnostics renderer; the quoted line is cut to the 80 characters around
    /// the fault, as a notebook may be one long line.
    static func render(_ error: NotebookError, file: String, bytes: [UInt8]) -> String {
        guard let line = error.line, let column = error.column else {
            return Diagnostic.render(ScriptError("not a notebook nnlab can read: \(error.message)"), file: file, sourceLines: [])
        }
        var lineStart = 0, currentLine = 1
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            if currentLine == line { break }
            currentLine += 1
            lineStart = offset + 1
        }
        let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
        let lineBytes = Array(bytes[lineStart..<lineEnd])
        let faultOffset = min(max(0, column - 1), lineBytes.count)
        // Columns count characters on screen, the parser counts bytes.
        let before = String(decoding: lineBytes[..<faultOffset], as: UTF8.self)
        let after = String(decoding: lineBytes[faultOffset...], as: UTF8.self)
        let shownBefore = String(before.suffix(40))
        let shown = shownBefore + String(after.prefix(40))
        // Lines before the faulty one are empty: Diagnostic quotes only the line it points at.
        let lines = Array(repeating: Substring(""), count: line - 1) + [Substring(shown)]
        var located = ScriptError(error.message, at: SourceLocation(line: line, column: shownBefore.count + 1))
        located.hint = before.count > 40 || after.count > 40 ? "the line is shown cut to the part around column \(before.count + 1)" : nil
        return Diagnostic.render(located, file: file, sourceLines: lines)
    }
}
