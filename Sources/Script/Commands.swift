import Basics

/// Every command of the language, by family (one file each).
public enum Commands {
    public static let all: [CommandSpec] = GeneralCommands.specs + DataCommands.specs + ModelCommands.specs
        + PersistenceCommands.specs + RecordCommands.specs + TrainCommands.specs + EvalCommands.specs + RunCommands.specs + PlotCommands.specs
    public static let table: [String: CommandSpec] = {
        var t: [String: CommandSpec] = [:]
        for s in all { t[s.name] = s }
        return t
    }()
    public static let names: [String] = all.map(\.name).sorted()
    /// Language keywords, completed like commands.
    public static let keywords = ["let", "for", "in", "end"]
}

enum GeneralCommands {
    static let topic = Positional<String?>("COMMAND", what: "a command", kind: .command, help: "the command to explain")
    static let seed = Positional<Int>("N", what: "a seed", range: 0...Int(Int32.max), help: "the seed")
    static let values = Positional<[LocatedValue]>("VALUE", what: "a value", isOptional: true,
                                                 help: "strings, numbers, variables, lists")
    static let width = Option<Int?>("width", range: 30...400, help: "chart width in characters; default: the terminal's")
    static let ascii = Option<Bool?>("ascii", help: "draw charts with ASCII glyphs (names and titles stay as written)")
    static let timing = Option<Bool?>("timing", help: "show durations (off for reproducible transcripts)")
    static let memory = Option<String?>("memory", valueName: "SIZE",
                                        help: "the memory budget models, data sets and kNN may take, e.g. 4GB or 512MB; auto: 3/4 of the machine's")

    static let specs: [CommandSpec] = [
        CommandSpec("help", group: .general, summary: "list commands, or explain one", arguments: [topic]) { session, inv throws(ScriptError) in
            if let name = inv[topic] {
                session.console.write(helpText(for: name))
            } else {
                session.console.write(Usage.overview())
            }
        },
        CommandSpec("seed", group: .general, summary: "make everything that follows reproducible (weights, shuffles, dropout)",
                    arguments: [seed]) { session, inv throws(ScriptError) in
            let n = inv[seed]
            session.setSeed(UInt64(n))
            session.console.line("seed \(n)")
        },
        CommandSpec("print", group: .general, summary: "print values (strings, numbers, variables, lists)",
                    arguments: [values]) { session, inv throws(ScriptError) in
            var budget = Value.maxSize
            for arg in inv[values] where !arg.value.fits(&budget) {
                throw ScriptError("too much to print: more than \(NumberText.grouped(Value.maxSize)) characters or list items", at: arg.location)
            }
            // What the user typed may hold control characters (a raw ESC in a string): shown escaped, line breaks kept.
            session.console.line(SafeText.escaped(inv[values].map(\.value.description).joined(separator: " "), keepLineBreaks: true))
        },
        CommandSpec("set", group: .general, summary: "chart width, ASCII-only charts, whether durations are shown, the memory budget",
                    options: [width, ascii, timing, memory]) { session, inv throws(ScriptError) in
            if let text = inv[memory] {
                guard let bytes = text == "auto" ? MemoryBudget.machineDefault : MemoryBudget.parse(text), bytes > 0 else {
                    throw ScriptError("memory must be a size like 4GB, 512MB or 100000000 (bytes), or auto; found '\(text)'",
                                      at: inv.valueLocation(of: memory))
                }
                // Less than a megabyte holds nothing worth loading: every command would only say so.
                guard bytes >= 1 << 20 else {
                    throw ScriptError("memory must be at least 1MB, found \(NumberText.bytes(bytes))", at: inv.valueLocation(of: memory))
                }
                let inUse = session.memoryInUse()
                if bytes < inUse {
                    throw ScriptError("the session already holds \(NumberText.bytes(inUse)), more than \(NumberText.bytes(bytes))",
                                      at: inv.valueLocation(of: memory), hint: "load smaller data or replace models first")
                }
                session.memoryLimit = bytes
            }
            if let w = inv[width] { session.widthOverride = w }
            if let a = inv[ascii] { session.asciiCharts = a }
            if let t = inv[timing] { session.showTiming = t }
            if inv.options.isEmpty {
                session.console.line("width=\(session.options.width) ascii=\(session.asciiCharts) timing=\(session.showTiming) "
                                     + "memory=\(NumberText.bytes(session.memoryLimit).replacingAll(" ", with: "")) "
                                     + "(\(NumberText.bytes(session.memoryInUse())) in use)")
            }
        },
        CommandSpec("vars", group: .general, summary: "list variables defined with let") { session, _ throws(ScriptError) in
            if session.variables.isEmpty { session.console.line("no variables (define one with: let lr = 0.01)") }
            for (k, v) in session.variables.sorted(by: { $0.key < $1.key }) { session.console.line("\(k) = \(v)") }
        },
        CommandSpec("exit", group: .general, summary: "leave nnlab (also: quit, Ctrl-D)") { session, _ throws(ScriptError) in
            session.finish()
        },
        CommandSpec("quit", group: .general, summary: "leave nnlab") { session, _ throws(ScriptError) in
            session.finish()
        },
    ]

    static func helpText(for name: String) -> String {
        switch name {
        case "let": return "let NAME = VALUE\n  Defines a variable: let lr = 0.01, let sizes = [784, 128, 10], let name = \"run\" + 1\n"
        case "for", "in", "end":
            return "for X in [A, B, ...]\n  COMMANDS\nend\n  Runs the commands once per value, with X set to it.\n"
        default: break
        }
        guard let spec = Commands.table[name] else { return "no help for '\(name)'\n" }
        return Usage.help(spec)
    }
}

extension String {
    /// Terminal columns, as `SafeText` counts them (wide CJK characters take two).
    var columns: Int { SafeText.displayWidth(self) }
    /// The text, then spaces up to `width` columns.
    func padded(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - columns)) }
    /// Spaces up to `width` columns, then the text.
    func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - columns)) + self }
}
