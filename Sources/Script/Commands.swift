/// A command of the language: its name, how to call it, what it does, which `key=` options it takes,
/// and the function that runs it.
public struct CommandSpec: Sendable {
    public var name: String
    public var usage: String
    public var summary: String
    public var details: String = ""
    public var keys: [String] = []
    /// Words offered by tab completion after the command name (subcommands, choices).
    public var completions: [String] = []
    public var group: String
    var run: @Sendable (Interpreter, Invocation) throws(ScriptError) -> Void
}

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
    static let groups = ["general", "data", "models", "training", "evaluation", "plots"]

    static let specs: [CommandSpec] = [
        CommandSpec(name: "help", usage: "help [COMMAND]", summary: "list commands, or explain one",
                    completions: [], group: "general") { session, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "help [COMMAND]")
            if let arg = inv.positional.first {
                let name = try Invocation.choice(arg, what: "command", choices: Commands.names + Commands.keywords)
                session.console.write(helpText(for: name))
            } else {
                session.console.write(overview())
            }
        },
        CommandSpec(name: "seed", usage: "seed N", summary: "make everything that follows reproducible (weights, shuffles, dropout)",
                    group: "general") { session, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "seed N")
            let n = try inv.int(0, "a seed", range: 0...Int(Int32.max), usage: "seed N")
            session.setSeed(UInt64(n))
            session.console.line("seed \(n)")
        },
        CommandSpec(name: "print", usage: "print VALUE...", summary: "print values (strings, numbers, variables, lists)",
                    group: "general") { session, inv throws(ScriptError) in
            var budget = Value.maxSize
            for arg in inv.positional where !arg.value.fits(&budget) {
                throw ScriptError("too much to print: more than \(grouped(Value.maxSize)) characters or list items", at: arg.location)
            }
            session.console.line(inv.positional.map(\.value.description).joined(separator: " "))
        },
        CommandSpec(name: "set", usage: "set width=N ascii=true|false timing=true|false",
                    summary: "chart width, ASCII-only charts, and whether durations are shown",
                    keys: ["width", "ascii", "timing"], group: "general") { session, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "set width=N ascii=true|false timing=true|false")
            if inv.options["width"] != nil { session.widthOverride = try inv.int("width", default: 72, range: 30...400) }
            session.asciiCharts = try inv.bool("ascii", default: session.asciiCharts)
            session.showTiming = try inv.bool("timing", default: session.showTiming)
            if inv.options.isEmpty {
                session.console.line("width=\(session.options.width) ascii=\(session.asciiCharts) timing=\(session.showTiming)")
            }
        },
        CommandSpec(name: "vars", usage: "vars", summary: "list variables defined with let", group: "general") { session, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "vars")
            if session.variables.isEmpty { session.console.line("no variables (define one with: let lr = 0.01)") }
            for (k, v) in session.variables.sorted(by: { $0.key < $1.key }) { session.console.line("\(k) = \(v)") }
        },
        CommandSpec(name: "exit", usage: "exit", summary: "leave nnlab (also: quit, Ctrl-D)", group: "general") { session, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "exit")
            session.finish()
        },
        CommandSpec(name: "quit", usage: "quit", summary: "leave nnlab", group: "general") { session, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "quit")
            session.finish()
        },
    ]

    static func overview() -> String {
        var text = "nnlab \(Interpreter.version) — commands (help COMMAND for details):\n"
        for group in groups {
            text += "\n\(group):\n"
            for spec in Commands.all where spec.group == group {
                // A usage too long for the column gets its own line; the summary goes under it, aligned.
                if spec.usage.count > 44 {
                    text += "  " + spec.usage + "\n" + String(repeating: " ", count: 47) + spec.summary + "\n"
                } else {
                    text += "  " + spec.usage.padded(to: 44) + " " + spec.summary + "\n"
                }
            }
        }
        text += """

        language:
          let NAME = VALUE                             variables: numbers, "strings", lists [1, 2], arithmetic
          for X in [A, B, C] ... end                   repeat commands for each value (sweeps)
          # %% Title / # %% [markdown]                 cells in script files; # starts a comment

        """
        return text
    }

    static func helpText(for name: String) -> String {
        switch name {
        case "let": return "let NAME = VALUE\n  Defines a variable: let lr = 0.01, let sizes = [784, 128, 10], let name = \"run\" + 1\n"
        case "for", "in", "end":
            return "for X in [A, B, ...]\n  COMMANDS\nend\n  Runs the commands once per value, with X set to it.\n"
        default: break
        }
        guard let spec = Commands.table[name] else { return "no help for '\(name)'\n" }
        var text = "usage: \(spec.usage)\n  \(spec.summary)\n"
        if !spec.details.isEmpty { text += "\n" + spec.details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n" }
        if !spec.keys.isEmpty { text += "  options: " + spec.keys.map { $0 + "=" }.joined(separator: " ") + "\n" }
        return text
    }
}

extension String {
    func padded(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
