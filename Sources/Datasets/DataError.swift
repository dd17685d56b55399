import Basics

/// A problem with a data file, located as precisely as the format allows:
/// a byte offset for binary files (IDX, gzip) or a line (and column) for text files (CSV).
///
/// `description` renders the location in one place so every reader words errors the same way:
///   `t10k-images-idx3-ubyte.gz: offset 16: file ends after 12 of 7840000 pixel bytes`
///   `data.csv:3: expected 785 values, found 12`
///   `data.csv:4: column 2: expected a number, found "abc"`
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as the caller named it (a path, or a data set name when no single file is at fault).
    public var file: String
    /// Byte offset into the (decompressed) content, for binary formats.
    public var offset: Int?
    /// 1-based line number, for text formats.
    public var line: Int?
    /// 1-based column (field) number, for text formats.
    public var column: Int?
    public var message: String
    /// Set when the file would take more memory than the session's budget leaves (the caller says how to raise it).
    public var memory: MemoryBudgetExceeded?

    public init(file: String, offset: Int? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    /// Control characters of file names and quoted content are escaped here, so no caller can forget it.
    public var description: String {
        let file = SafeText.escaped(self.file)
        let message = SafeText.escaped(self.message, keepLineBreaks: true)
        var text = ""
        if let line {
            text = "\(file):\(line): "
            if let column { text += "column \(column): " }
        } else if let offset {
            text = "\(file): offset \(offset): "
        } else if !file.isEmpty && !message.contains(file) {
            // Messages like "no such file: PATH" already name the file; don't say it twice.
            text = "\(file): "
        }
        return text + message
    }

    /// `what` in `file` needs more memory than `limit` (what the budget leaves for it) allows.
    static func memory(_ file: String, _ what: String, needed: Int, limit: Int) -> DataError {
        let exceeded = MemoryBudgetExceeded(what: what, needed: needed, inUse: 0, limit: limit)
        var error = DataError(file: file, message: "\(what) needs \(NumberText.bytes(needed)), more than the "
                              + "\(NumberText.bytes(limit)) the memory budget leaves")
        error.memory = exceeded
        return error
    }

    static func noSuchFile(_ path: String) -> DataError {
        DataError(file: path, message: "no such file: \(path)")
    }
}
