import Basics

/// Usage lines and help text, generated from the declarations (as swift-argument-parser's UsageGenerator
/// does): nothing here is written per command.
enum Usage {
    /// `train [epochs=5] [batch=64] ...`, `load csv PATH [label=COLUMN] ...`: one form, every argument and option.
    static func line(_ spec: CommandSpec, _ form: SubcommandSpec?) -> String {
        let words = [spec.name, form?.name ?? ""] + spec.arguments(of: form).map { argument($0, full: true) }
            + spec.options(of: form).map(option)
        return words.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// One line per form (one line for a command without forms).
    static func lines(_ spec: CommandSpec) -> [String] {
        spec.subcommands.isEmpty ? [line(spec, nil)] : spec.subcommands.map { line(spec, $0) }
    }

    /// The command on one line: its forms side by side with their arguments, options as `[options]`
    /// (`load mnist|fashion-mnist|csv PATH|toy KIND|model PATH [options]`); a placeholder for the form when that
    /// gets long (`layer KIND [ARGS] [options]`).
    static func short(_ spec: CommandSpec) -> String {
        guard !spec.subcommands.isEmpty else { return line(spec, nil) }
        let hasOptions = !spec.allOptions.isEmpty
        let forms = spec.subcommands.map { form in
            ([form.name] + form.arguments.map { argument($0, full: false) }).filter { !$0.isEmpty }.joined(separator: " ")
        }
        let text = "\(spec.name) \(forms.joined(separator: "|"))" + (hasOptions ? " [options]" : "")
        if text.count <= 64 { return text }
        let hasArguments = spec.subcommands.contains { !$0.arguments.isEmpty }
        return "\(spec.name) \(spec.subcommandPlaceholder)" + (hasArguments ? " [ARGS]" : "") + (hasOptions ? " [options]" : "")
    }

    /// `N`, `[N]`, `VALUE...`, and for a word from a list the list itself in full usage (`cross_entropy|mse|hinge`).
    static func argument(_ a: ArgumentSpec, full: Bool) -> String {
        var text = a.name
        if full, case .choice(let choices) = a.kind { text = choices.joined(separator: "|") }
        if a.isRepeated && !text.hasSuffix("...") && !text.contains("... ") { text += "..." }
        return a.isOptional ? "[\(text)]" : text
    }

    /// `[epochs=5]`, `[normalize=standard|unit|none]`, `[shuffle=true|false]`, `[label=TEXT]`.
    static func option(_ o: OptionSpec) -> String { "[\(o.name)=\(value(of: o))]" }

    static func value(of o: OptionSpec) -> String {
        switch o.kind {
        case .choice(let choices): return choices.joined(separator: "|")
        case .terms: return o.valueName ?? "A,B"
        case .bool: return "true|false"
        default: return o.valueName ?? o.defaultText ?? "X"
        }
    }

    // MARK: help

    /// `help COMMAND`: usage, summary, details, then each form with its arguments and options, one line each.
    static func help(_ spec: CommandSpec) -> String {
        let usages = lines(spec)
        var text = "usage: " + usages.joined(separator: "\n       ") + "\n"
        text += "  \(spec.summary)\n"
        if !spec.details.isEmpty {
            text += "\n" + spec.details.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        // A command's arguments and options; for a command with forms, each form's under its name and summary.
        var sections: [(header: String, rows: [(String, String)])] = []
        if spec.subcommands.isEmpty {
            if !spec.arguments.isEmpty { sections.append(("arguments:", spec.arguments.map(row))) }
            if !spec.options.isEmpty { sections.append(("options:", spec.options.map(row))) }
        } else {
            for form in spec.subcommands {
                sections.append(("\(spec.title(of: form)): \(form.summary)", form.arguments.map(row) + form.options.map(row)))
            }
            if !spec.options.isEmpty { sections.append(("options of every form:", spec.options.map(row))) }
        }
        let width = min(24, sections.flatMap(\.rows).map(\.0.count).max() ?? 0)
        for section in sections {
            text += "\n\(section.header)\n"
            for (term, help) in section.rows {
                text += term.count > width ? "  \(term)\n  \(String(repeating: " ", count: width))  \(help)\n"
                                           : "  \(term.padded(to: width))  \(help)\n"
            }
        }
        return text
    }

    static func row(_ a: ArgumentSpec) -> (String, String) {
        (argument(a, full: false), a.help + constraints(a.kind, default: a.defaultText))
    }

    static func row(_ o: OptionSpec) -> (String, String) {
        ("\(o.name)=\(value(of: o))", o.help + constraints(o.kind, default: o.defaultText))
    }

    /// " (1 to 10,000; default 5)": the range and the default, where there are.
    static func constraints(_ kind: ValueKind, default value: String?) -> String {
        var parts: [String] = []
        switch kind {
        case .int(let r): parts.append(r.upperBound == Int.max ? "at least \(NumberText.grouped(r.lowerBound))" : "\(NumberText.grouped(r.lowerBound)) to \(NumberText.grouped(r.upperBound))")
        case .number(let r): parts.append("\(NumberText.value(r.lowerBound)) to \(NumberText.value(r.upperBound))")
        case .positive(let bound): parts.append("above 0, at most \(NumberText.value(bound))")
        case .terms(let choices): parts.append("any of \(choices.joined(separator: ", "))")
        default: break
        }
        if let value { parts.append("default \(value)") }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: "; ")))"
    }

    /// `help`: every command by group, with its usage and summary.
    static func overview() -> String {
        var text = "nnlab \(Interpreter.version) — commands (help COMMAND for details):\n"
        for group in CommandGroup.allCases {
            text += "\n\(group.rawValue):\n"
            for spec in Commands.all where spec.group == group {
                let usage = short(spec)
                // A usage too long for the column gets its own line; the summary goes under it, aligned.
                if usage.count > 44 {
                    text += "  " + usage + "\n" + String(repeating: " ", count: 47) + spec.summary + "\n"
                } else {
                    text += "  " + usage.padded(to: 44) + " " + spec.summary + "\n"
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
}
