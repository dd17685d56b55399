import Basics

/// A value together with where it was written.
public struct LocatedValue: Sendable {
    public var value: Value
    public var location: SourceLocation
}

/// A command's words once evaluated, before they are checked against its declaration.
struct WrittenArgument {
    var key: String?
    var keyLocation: SourceLocation?
    var value: LocatedValue
}

/// One command call, checked against the command's declaration: the form chosen by its first word, every
/// positional argument and option checked (kind, range, choices), read back through the declarations.
public struct Invocation {
    public var name: String
    public var location: SourceLocation
    /// The subcommand chosen ("" for a command's unnamed form, nil for a command without forms) and where it was written.
    public var subcommand: String?
    public var subcommandLocation: SourceLocation?
    /// The positional values after the subcommand word, as written.
    public var positional: [LocatedValue]
    public var options: [String: LocatedValue]
    public var optionKeyLocations: [String: SourceLocation]
    /// Where a missing argument would have gone: just after the last thing written.
    public var endLocation: SourceLocation
    /// The usage line of the chosen form, for hints.
    public var usage: String
    var checkedArguments: [String: [CheckedValue]] = [:]
    var checkedOptions: [String: CheckedValue] = [:]

    // MARK: reading declared values

    /// The option's checked value, or its default when it was not written.
    subscript<T>(option: Option<T>) -> T { option.read(checkedOptions[option.name]) }

    /// The argument's checked value (its default when optional and not written).
    subscript<T>(argument: Positional<T>) -> T { argument.read(checkedArguments[argument.argumentSpec.name] ?? []) }

    public func isGiven(_ option: some OptionDeclaration) -> Bool { options[option.optionSpec.name] != nil }
    public func isGiven(_ argument: some ArgumentDeclaration) -> Bool { !(checkedArguments[argument.argumentSpec.name] ?? []).isEmpty }

    /// A checked option by name (for options declared from a table, such as the layer settings).
    func checked(_ name: String) -> CheckedValue? { checkedOptions[name] }

    /// Where the option's key was written (the command's name when it was not).
    func location(of option: some OptionDeclaration) -> SourceLocation { location(of: option.optionSpec.name) }
    func location(of key: String) -> SourceLocation { optionKeyLocations[key] ?? options[key]?.location ?? location }
    func valueLocation(of option: some OptionDeclaration) -> SourceLocation { options[option.optionSpec.name]?.location ?? location }
    func location(of argument: some ArgumentDeclaration) -> SourceLocation {
        checkedArguments[argument.argumentSpec.name]?.first?.located.location ?? endLocation
    }

    /// The option's value checked again against a range known only now (k at most the training set's size).
    func int(_ option: Option<Int>, within range: ClosedRange<Int>) throws(ScriptError) -> Int {
        guard let arg = options[option.name] else { return self[option] }
        return try Invocation.int(arg, what: option.name, range: range)
    }

    func int(_ option: Option<Int?>, within range: ClosedRange<Int>) throws(ScriptError) -> Int? {
        guard let arg = options[option.name] else { return nil }
        return try Invocation.int(arg, what: option.name, range: range)
    }

    func int(_ argument: Positional<Int>, within range: ClosedRange<Int>) throws(ScriptError) -> Int {
        guard let arg = checkedArguments[argument.argumentSpec.name]?.first?.located else { return self[argument] }
        return try Invocation.int(arg, what: argument.argumentSpec.what, range: range)
    }

    func int(_ argument: Positional<Int?>, within range: ClosedRange<Int>) throws(ScriptError) -> Int? {
        guard let arg = checkedArguments[argument.argumentSpec.name]?.first?.located else { return nil }
        return try Invocation.int(arg, what: argument.argumentSpec.what, range: range)
    }

    // MARK: binding

    /// Checks written arguments against `spec`: the form, the keys it takes (unknown ones get a "did you mean"),
    /// the number of positional values, then each value (positional first, then options in the order written).
    /// Repeated keys were refused while evaluating (`Interpreter.execute`).
    static func bind(_ spec: CommandSpec, location: SourceLocation, written: [WrittenArgument], end: SourceLocation) throws(ScriptError) -> Invocation {
        var positional = written.filter { $0.key == nil }.map(\.value)
        var options: [String: LocatedValue] = [:]
        var keyLocations: [String: SourceLocation] = [:]
        for w in written { if let key = w.key { options[key] = w.value; keyLocations[key] = w.keyLocation ?? w.value.location } }

        var form: SubcommandSpec?
        var formLocation: SourceLocation?
        if !spec.subcommands.isEmpty {
            let named = spec.subcommands.filter { !$0.name.isEmpty }.map(\.name)
            let first = positional.first
            if let first, let word = first.value.word, let chosen = spec.subcommand(named: word), !word.isEmpty {
                form = chosen
                formLocation = first.location
                positional.removeFirst()
            } else if let unnamed = spec.subcommand(named: "") {
                form = unnamed
            } else if let first {
                _ = try choice(first, what: spec.subcommandWhat, choices: named)
            } else {
                throw ScriptError("'\(spec.name)' needs \(spec.subcommandWhat)", at: end, hint: "usage: \(Usage.short(spec))")
            }
        }
        let title = spec.title(of: form)
        let usage = Usage.line(spec, form)
        let accepted = spec.options(of: form)
        let acceptedNames = accepted.map(\.name)
        for w in written {
            guard let key = w.key, !acceptedNames.contains(key) else { continue }
            let location = w.keyLocation ?? w.value.location
            if spec.allOptions.contains(where: { $0.name == key }) {
                throw ScriptError("option '\(key)' does not apply to '\(title)'", at: location,
                                  hint: accepted.isEmpty ? nil : "options of '\(title)': \(acceptedNames.joined(separator: ", "))")
            }
            // "Did you mean" among the options of the form written, so the suggestion is one that applies.
            throw ScriptError("unknown option '\(key)' for '\(spec.name)'", at: location,
                              hint: Diagnostic.didYouMean(key, acceptedNames)
                                  ?? (accepted.isEmpty ? "'\(title)' takes no options" : "options of '\(title)': \(acceptedNames.joined(separator: ", "))"))
        }

        var invocation = Invocation(name: spec.name, location: location, subcommand: form?.name, subcommandLocation: formLocation,
                                    positional: positional, options: options, optionKeyLocations: keyLocations, endLocation: end,
                                    usage: usage)
        let declared = spec.arguments(of: form)
        let takesRest = declared.last?.isRepeated ?? false
        if !takesRest, positional.count > declared.count {
            let extra = positional[declared.count]
            throw ScriptError("too many arguments to '\(spec.name)': unexpected '\(extra.value)'", at: extra.location, hint: "usage: \(usage)")
        }
        for (index, argument) in declared.enumerated() {
            let values = argument.isRepeated ? Array(positional.dropFirst(index)) : index < positional.count ? [positional[index]] : []
            if values.isEmpty && !argument.isOptional {
                throw ScriptError("'\(spec.name)' needs \(argument.what)", at: end, hint: "usage: \(usage)")
            }
            var checked: [CheckedValue] = []
            for value in values {
                checked.append(try check(value, kind: argument.kind, subject: argument.what, choiceWhat: argument.what,
                                         noun: argument.what.withoutArticle, hint: nil))
            }
            invocation.checkedArguments[argument.name] = checked
        }
        for w in written {
            guard let key = w.key, let option = accepted.first(where: { $0.name == key }) else { continue }
            invocation.checkedOptions[key] = try check(w.value, kind: option.kind, subject: key, choiceWhat: "\(key) value",
                                                       noun: option.noun ?? key, hint: option.hint)
        }
        return invocation
    }

    /// Checks one value against its kind. `subject` names it in "... must be ..." messages, `choiceWhat` in
    /// "unknown ... 'x'", `noun` in "'x' is not a valid ...".
    static func check(_ arg: LocatedValue, kind: ValueKind, subject: String, choiceWhat: String, noun: String, hint: String?) throws(ScriptError) -> CheckedValue {
        let content: CheckedValue.Content
        switch kind {
        case .int(let range):
            content = .int(try int(arg, what: subject, range: range))
        case .number(let range):
            content = .number(try number(arg, what: subject, range: range, hint: hint))
        case .positive(let bound):
            if case .number(let v) = arg.value, v <= 0 {
                throw ScriptError("\(subject) must be positive, found \(NumberText.value(v))", at: arg.location, hint: hint)
            }
            content = .number(try number(arg, what: subject, range: Double.leastNonzeroMagnitude...bound, hint: hint))
        case .bool:
            switch arg.value {
            case .symbol("true"), .symbol("yes"), .symbol("on"), .number(1): content = .bool(true)
            case .symbol("false"), .symbol("no"), .symbol("off"), .number(0): content = .bool(false)
            default: throw ScriptError("\(subject) must be true or false, found '\(arg.value)'", at: arg.location)
            }
        case .choice(let choices):
            content = .text(try choice(arg, what: choiceWhat, choices: choices))
        case .terms(let choices):
            // Written as a,b,c (the interpreter keeps each as its text) or as a list of words.
            let items: [Value]
            if case .list(let values) = arg.value { items = values } else { items = [arg.value] }
            var words: [String] = []
            for item in items {
                guard let word = item.word ?? (item.isNumber ? item.description : nil) else {
                    throw ScriptError("\(subject) must be some of \(choices.joined(separator: ", ")), found \(item.typeName) '\(item)'",
                                      at: arg.location, hint: "e.g. \(subject)=\(choices.prefix(2).joined(separator: ","))")
                }
                // A string (from a variable) may hold the whole list: "x1,x2".
                words += word.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
            }
            guard !words.isEmpty else {
                throw ScriptError("\(subject) needs at least one of \(choices.joined(separator: ", "))", at: arg.location)
            }
            content = .words(words)
        case .command:
            content = .text(try choice(arg, what: "command", choices: Commands.names + Commands.keywords))
        case .text, .path, .model:
            content = .text(try text(arg, what: subject))
        case .identifier:
            let name = try text(arg, what: subject)
            guard Parser.isIdentifier(name) else {
                throw ScriptError("'\(name)' is not a valid \(noun)", at: arg.location, hint: "use letters, digits and '_'")
            }
            content = .text(name)
        case .any:
            content = .value(arg.value)
        }
        return CheckedValue(located: arg, content: content)
    }

    // MARK: value checks (also used by commands for values they check themselves)

    static func text(_ arg: LocatedValue, what: String) throws(ScriptError) -> String {
        switch arg.value {
        case .string(let s), .symbol(let s): return s
        case .number(let v): return NumberText.value(v)
        case .list: throw ScriptError("\(what) must be a name or a string, found a list", at: arg.location)
        }
    }

    /// A word from a fixed set (symbol or string), with a suggestion for near misses.
    static func choice(_ arg: LocatedValue, what: String, choices: [String]) throws(ScriptError) -> String {
        guard let text = arg.value.word else {
            throw ScriptError("expected \(what) (one of \(choices.joined(separator: ", "))), found \(arg.value.typeName) '\(arg.value)'",
                              at: arg.location)
        }
        if choices.contains(text) { return text }
        // "what to load" reads as a verb: "cannot load 'imagenet'", not "unknown what to load 'imagenet'".
        let message = what.hasPrefix("what to ") ? "cannot \(what.dropFirst(8)) '\(text)'" : "unknown \(what.withoutArticle) '\(text)'"
        throw ScriptError(message, at: arg.location,
                          hint: Diagnostic.didYouMean(text, choices) ?? "expected one of: \(choices.joined(separator: ", "))")
    }

    static func int(_ arg: LocatedValue, what: String, range: ClosedRange<Int>) throws(ScriptError) -> Int {
        guard case .number(let v) = arg.value else {
            throw ScriptError("\(what) must be a whole number, found \(arg.value.typeName) '\(arg.value)'", at: arg.location)
        }
        guard v == v.rounded() else {
            throw ScriptError("\(what) must be a whole number, found \(NumberText.value(v))", at: arg.location)
        }
        // Int(exactly:) as well: Double(Int.max) is 2^63, which passes the comparison and does not fit an Int.
        guard v >= Double(range.lowerBound), v <= Double(range.upperBound), let whole = Int(exactly: v),
              range.contains(whole) else {
            let bounds = range.upperBound == Int.max ? "at least \(NumberText.grouped(range.lowerBound))"
                : "between \(range.lowerBound) and \(NumberText.grouped(range.upperBound))"
            let tooLarge = range.upperBound == Int.max && v > 0
            throw ScriptError(tooLarge ? "\(what) is too large, found \(NumberText.value(v))" : "\(what) must be \(bounds), found \(NumberText.value(v))",
                              at: arg.location)
        }
        return whole
    }

    static func number(_ arg: LocatedValue, what: String, range: ClosedRange<Double>, hint: String? = nil) throws(ScriptError) -> Double {
        guard case .number(let v) = arg.value else {
            throw ScriptError("\(what) must be a number, found \(arg.value.typeName) '\(arg.value)'", at: arg.location)
        }
        guard range.contains(v) else {
            let bounds = range.lowerBound == Double.leastNonzeroMagnitude ? "at most \(NumberText.value(range.upperBound))"
                : "between \(NumberText.value(range.lowerBound)) and \(NumberText.value(range.upperBound))"
            throw ScriptError("\(what) must be \(bounds), found \(NumberText.value(v))", at: arg.location, hint: hint)
        }
        return v
    }
}

extension Value {
    var isNumber: Bool { if case .number = self { true } else { false } }

    /// The text of a bare word or a string; nil for numbers and lists.
    var word: String? {
        switch self {
        case .symbol(let s), .string(let s): s
        default: nil
        }
    }
}

extension String {
    /// "a seed" -> "seed", "the input size" -> "input size": for "'x' is not a valid ...".
    var withoutArticle: String {
        for article in ["a ", "an ", "the "] where hasPrefix(article) { return String(dropFirst(article.count)) }
        return self
    }
}
