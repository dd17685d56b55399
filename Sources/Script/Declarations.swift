import Basics

/// How commands declare what they take, once, in the manner of swift-argument-parser's `@Option` and
/// `@Argument`: each option and positional argument has a name, a kind of value (with its range or choices),
/// a default and a line of help. Usage lines, `help`, completion, unknown-option errors with "did you mean",
/// and the checks of every value are derived from these declarations (Usage.swift, Invocation.swift,
/// Completion.swift); a command's code reads the checked values back through the same declarations:
///
///     static let epochs = Option<Int>("epochs", default: 5, range: 1...10_000, help: "passes over the training set")
///     ... CommandSpec("train", group: .training, summary: "...", options: [epochs, batch]) { s, inv in
///             let n = inv[epochs]   // 5 when not written; checked against 1...10,000 when written
///         }

/// The groups `help` lists commands under, in this order.
public enum CommandGroup: String, CaseIterable, Sendable {
    case general, data, models, training, evaluation, plots
}

/// What a value written for an argument or an option may be.
public enum ValueKind: Sendable, Equatable {
    /// A whole number in the range (an upper bound of `Int.max` reads "at least ...").
    case int(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    /// Above 0 and at most the bound ("lr must be positive").
    case positive(upTo: Double)
    /// true/false (also yes/no, on/off, 1/0).
    case bool
    case choice([String])
    /// Some of `choices`, written a,b,c (or as a list); each kept as written, not evaluated: `x1*x2` and
    /// `sin(x1)` are names of input features, not arithmetic. The command maps the words to its own table.
    case terms([String])
    /// A name or a string; a number reads as its text.
    case text
    /// Letters, digits and '_' (a model name).
    case identifier
    /// A file path (completion offers files).
    case path
    /// A command or keyword of the language (`help COMMAND`).
    case command
    /// The name of one of the session's models (`use NAME`).
    case model
    /// Any value; the command checks it (print's values, a matrix for `distance`, the sizes of `mlp`).
    case any
}

/// One `key=value` option: its declaration, from which usage, help, completion and checks are derived.
public struct OptionSpec: Sendable {
    public let name: String
    public let kind: ValueKind
    /// What usage shows after `=` for a value that is not a choice ("N", "TEXT"); nil: the default value.
    public let valueName: String?
    /// The value used when the option is not written, as help shows it; nil when absence means "unset".
    public let defaultText: String?
    public let help: String
    /// Said with an out-of-range value ("typical values: 0.1, 0.01, 0.001").
    public let hint: String?
    /// How messages name the value where the key would not do ("model name").
    public let noun: String?

    public init(name: String, kind: ValueKind, valueName: String? = nil, defaultText: String? = nil, help: String,
                hint: String? = nil, noun: String? = nil) {
        self.name = name
        self.kind = kind
        self.valueName = valueName
        self.defaultText = defaultText
        self.help = help
        self.hint = hint
        self.noun = noun
    }
}

/// One positional argument.
public struct ArgumentSpec: Sendable {
    /// The placeholder in usage lines: "N", "PATH", "IN HIDDEN... OUT".
    public let name: String
    /// How messages name it: "'seed' needs a seed", "a seed must be between ...".
    public let what: String
    public let kind: ValueKind
    public let isOptional: Bool
    /// Takes every remaining value (`print VALUE...`).
    public let isRepeated: Bool
    public let defaultText: String?
    public let help: String

    public init(name: String, what: String, kind: ValueKind, isOptional: Bool = false, isRepeated: Bool = false,
                defaultText: String? = nil, help: String) {
        self.name = name
        self.what = what
        self.kind = kind
        self.isOptional = isOptional
        self.isRepeated = isRepeated
        self.defaultText = defaultText
        self.help = help
    }
}

/// A form of a command chosen by its first word (`load csv PATH`, `optimizer adam`); the form named "" is the
/// one used when the first word is none of the others (`distance A B`).
public struct SubcommandSpec: Sendable {
    public let name: String
    public let summary: String
    public let arguments: [ArgumentSpec]
    public let options: [OptionSpec]

    public init(_ name: String, summary: String, arguments: [any ArgumentDeclaration] = [], options: [any OptionDeclaration] = []) {
        self.name = name
        self.summary = summary
        self.arguments = arguments.map(\.argumentSpec)
        self.options = options.map(\.optionSpec)
    }
}

/// A command of the language: its declaration and the function that runs it.
public struct CommandSpec: Sendable {
    public let name: String
    public let group: CommandGroup
    public let summary: String
    public let details: String
    /// Positional arguments of a command without subcommands.
    public let arguments: [ArgumentSpec]
    /// Options of every form of the command.
    public let options: [OptionSpec]
    public let subcommands: [SubcommandSpec]
    /// How messages name the subcommand word ("what to load", "layer kind") and usage's placeholder for it ("KIND").
    public let subcommandWhat: String
    public let subcommandPlaceholder: String
    let run: @Sendable (Interpreter, Invocation) throws(ScriptError) -> Void

    init(_ name: String, group: CommandGroup, summary: String, details: String = "",
         arguments: [any ArgumentDeclaration] = [], options: [any OptionDeclaration] = [],
         subcommands: [SubcommandSpec] = [], subcommandWhat: String = "subcommand", subcommandPlaceholder: String = "KIND",
         run: @escaping @Sendable (Interpreter, Invocation) throws(ScriptError) -> Void) {
        self.name = name
        self.group = group
        self.summary = summary
        self.details = details
        self.arguments = arguments.map(\.argumentSpec)
        self.options = options.map(\.optionSpec)
        self.subcommands = subcommands
        self.subcommandWhat = subcommandWhat
        self.subcommandPlaceholder = subcommandPlaceholder
        self.run = run
    }

    /// Every option any form accepts, in declaration order (what an unknown key is compared with).
    public var allOptions: [OptionSpec] {
        var seen = Set<String>()
        return (options + subcommands.flatMap(\.options)).filter { seen.insert($0.name).inserted }
    }

    public func subcommand(named name: String) -> SubcommandSpec? { subcommands.first { $0.name == name } }

    /// The options of one form (the command's own, then the form's).
    public func options(of form: SubcommandSpec?) -> [OptionSpec] { options + (form?.options ?? []) }
    public func arguments(of form: SubcommandSpec?) -> [ArgumentSpec] { form?.arguments ?? arguments }
    /// "optimizer adam", or the command's name for a command without forms (and for the unnamed form).
    public func title(of form: SubcommandSpec?) -> String {
        guard let form, !form.name.isEmpty else { return name }
        return "\(name) \(form.name)"
    }
}

// MARK: - Typed declarations

public protocol OptionDeclaration: Sendable {
    var optionSpec: OptionSpec { get }
}

public protocol ArgumentDeclaration: Sendable {
    var argumentSpec: ArgumentSpec { get }
}

extension OptionSpec: OptionDeclaration {
    public var optionSpec: OptionSpec { self }
}

extension ArgumentSpec: ArgumentDeclaration {
    public var argumentSpec: ArgumentSpec { self }
}

/// A value after its checks against the declaration, with where it was written.
public struct CheckedValue: Sendable {
    public enum Content: Sendable {
        case int(Int)
        case number(Double)
        case bool(Bool)
        case text(String)
        case words([String])
        case value(Value)
    }
    public let located: LocatedValue
    public let content: Content

    var int: Int? { if case .int(let v) = content { v } else { nil } }
    var number: Double? {
        switch content {
        case .number(let v): v
        case .int(let v): Double(v)
        default: nil
        }
    }
    var bool: Bool? { if case .bool(let v) = content { v } else { nil } }
    var text: String? { if case .text(let v) = content { v } else { nil } }
    var words: [String]? { if case .words(let v) = content { v } else { nil } }
}

/// A `key=value` option of type `T`, read back with `invocation[option]`: the written value once checked,
/// else the default. (Internal: the CLI module imports swift-argument-parser, whose `Option` this mirrors.)
struct Option<T: Sendable>: OptionDeclaration {
    let optionSpec: OptionSpec
    let read: @Sendable (CheckedValue?) -> T

    var name: String { optionSpec.name }
}

extension Option where T == Int {
    init(_ name: String, default value: Int, range: ClosedRange<Int>, valueName: String? = nil, help: String) {
        optionSpec = OptionSpec(name: name, kind: .int(range), valueName: valueName, defaultText: String(value), help: help)
        read = { $0?.int ?? value }
    }
}

extension Option where T == Int? {
    /// No default: nil when not written (or a default the command works out, described by `defaultText`).
    init(_ name: String, range: ClosedRange<Int>, valueName: String = "N", defaultText: String? = nil, help: String) {
        optionSpec = OptionSpec(name: name, kind: .int(range), valueName: valueName, defaultText: defaultText, help: help)
        read = { $0?.int }
    }
}

extension Option where T == Double {
    init(_ name: String, default value: Double, range: ClosedRange<Double>, valueName: String? = nil, help: String) {
        optionSpec = OptionSpec(name: name, kind: .number(range), valueName: valueName, defaultText: Double.formatted(value), help: help)
        read = { $0?.number ?? value }
    }

    /// A number above 0, at most `upTo`.
    init(_ name: String, default value: Double, positiveUpTo bound: Double, help: String, hint: String? = nil) {
        optionSpec = OptionSpec(name: name, kind: .positive(upTo: bound), defaultText: Double.formatted(value), help: help, hint: hint)
        read = { $0?.number ?? value }
    }
}

extension Option where T == Double? {
    init(_ name: String, range: ClosedRange<Double>, valueName: String = "X", defaultText: String? = nil, help: String) {
        optionSpec = OptionSpec(name: name, kind: .number(range), valueName: valueName, defaultText: defaultText, help: help)
        read = { $0?.number }
    }
}

extension Option where T == Bool {
    init(_ name: String, default value: Bool, help: String) {
        optionSpec = OptionSpec(name: name, kind: .bool, defaultText: String(value), help: help)
        read = { $0?.bool ?? value }
    }
}

extension Option where T == Bool? {
    init(_ name: String, help: String) {
        optionSpec = OptionSpec(name: name, kind: .bool, help: help)
        read = { $0?.bool }
    }
}

extension Option where T == String {
    /// One word of `choices`.
    init(_ name: String, choices: [String], default value: String, help: String) {
        optionSpec = OptionSpec(name: name, kind: .choice(choices), defaultText: value, help: help)
        read = { $0?.text ?? value }
    }

    /// A name or a string.
    init(_ name: String, text value: String, valueName: String, help: String) {
        optionSpec = OptionSpec(name: name, kind: .text, valueName: valueName, defaultText: value, help: help)
        read = { $0?.text ?? value }
    }
}

extension Option where T == String? {
    /// A name, string, path or identifier (`kind`), nil when not written.
    init(_ name: String, kind: ValueKind = .text, valueName: String, noun: String? = nil, help: String) {
        optionSpec = OptionSpec(name: name, kind: kind, valueName: valueName, help: help, noun: noun)
        read = { $0?.text }
    }
}

extension Option where T == [String]? {
    /// Some of `choices` (`key=a,b,c`), each as written; nil when not written.
    init(_ name: String, terms choices: [String], valueName: String, help: String) {
        optionSpec = OptionSpec(name: name, kind: .terms(choices), valueName: valueName, help: help)
        read = { $0?.words }
    }
}

extension Option where T: RawRepresentable & CaseIterable, T.RawValue == String {
    /// One case of an enumeration, by its raw value.
    init(_ name: String, default value: T, help: String) {
        optionSpec = OptionSpec(name: name, kind: .choice(T.allCases.map(\.rawValue)), defaultText: value.rawValue, help: help)
        read = { $0?.text.flatMap(T.init(rawValue:)) ?? value }
    }
}

/// A positional argument of type `T`, read back with `invocation[argument]` (swift-argument-parser's `@Argument`).
struct Positional<T: Sendable>: ArgumentDeclaration {
    let argumentSpec: ArgumentSpec
    let read: @Sendable ([CheckedValue]) -> T
}

extension Positional where T == Int {
    /// Required.
    init(_ name: String, what: String, range: ClosedRange<Int>, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .int(range), help: help)
        read = { $0.first?.int ?? range.lowerBound }
    }

    /// Optional, with a default.
    init(_ name: String, what: String, range: ClosedRange<Int>, default value: Int, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .int(range), isOptional: true, defaultText: String(value), help: help)
        read = { $0.first?.int ?? value }
    }
}

extension Positional where T == Int? {
    /// Optional; nil when not written (the command has a default of its own).
    init(_ name: String, what: String, range: ClosedRange<Int>, defaultText: String, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .int(range), isOptional: true, defaultText: defaultText, help: help)
        read = { $0.first?.int }
    }
}

extension Positional where T == String {
    /// Required: a word of `choices`.
    init(_ name: String, what: String, choices: [String], help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .choice(choices), help: help)
        read = { $0.first?.text ?? choices.first ?? "" }
    }

    /// Optional word of `choices`, with a default.
    init(_ name: String, what: String, choices: [String], default value: String, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .choice(choices), isOptional: true, defaultText: value, help: help)
        read = { $0.first?.text ?? value }
    }

    /// Required text of a kind: `.text`, `.path`, `.identifier`, `.model`.
    init(_ name: String, what: String, kind: ValueKind, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: kind, help: help)
        read = { $0.first?.text ?? "" }
    }
}

extension Positional where T == String? {
    /// Optional text or word; nil when not written.
    init(_ name: String, what: String, kind: ValueKind, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: kind, isOptional: true, help: help)
        read = { $0.first?.text }
    }
}

extension Positional where T == [String] {
    /// Any number of words of `choices` (none is fine).
    init(_ name: String, what: String, choices: [String], help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .choice(choices), isOptional: true, isRepeated: true, help: help)
        read = { $0.compactMap(\.text) }
    }
}

extension Positional where T == LocatedValue {
    /// Required, any value: the command checks it.
    init(_ name: String, what: String, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .any, help: help)
        read = { $0.first?.located ?? LocatedValue(value: .list([]), location: SourceLocation(line: 1, column: 1)) }
    }
}

extension Positional where T == [LocatedValue] {
    /// Every remaining value, unchecked (the command checks them).
    init(_ name: String, what: String, isOptional: Bool, help: String) {
        argumentSpec = ArgumentSpec(name: name, what: what, kind: .any, isOptional: isOptional, isRepeated: true, help: help)
        read = { $0.map(\.located) }
    }
}

extension Double {
    /// A default as usage and help show it: 0.1, 1e-3 -> 0.001, 5.
    static func formatted(_ v: Double) -> String { NumberText.value(v) }
}
