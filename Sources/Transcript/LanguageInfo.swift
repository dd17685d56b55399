import Basics

/// The language as Jupyter knows it: written into every notebook's metadata and sent by the kernel in its
/// kernel_info_reply, from this one place. Highlighting borrows Julia's lexer (Pygments, for nbconvert's HTML)
/// and mode (CodeMirror, for JupyterLab): `#` comments, "strings", numbers like 1e-3, and `let`, `for ... in`,
/// `end` as keywords, as nnlab has them.
public enum LanguageInfo {
    public static let name = "nnlab"
    public static let fileExtension = ".nnl"
    public static let mimeType = "text/x-nnlab"
    public static let pygmentsLexer = "julia"
    public static let codeMirrorMode = "julia"

    public static func json(version: String) -> JSONValue {
        .object([
            "name": .string(name), "version": .string(version), "file_extension": .string(fileExtension),
            "mimetype": .string(mimeType), "pygments_lexer": .string(pygmentsLexer),
            "codemirror_mode": .string(codeMirrorMode),
        ])
    }

    /// The kernelspec a notebook names: `nnlab kernel install` installs one by this name.
    public static let kernelspec: JSONValue = .object([
        "name": .string("nnlab"), "display_name": .string("nnlab"), "language": .string(name),
    ])
}
