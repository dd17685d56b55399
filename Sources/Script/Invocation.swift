/// A value together with where it was written.
public struct LocatedValue: Sendable {
    public var value: Value
    public var location: SourceLocation
}

/// One command call with evaluated arguments, and typed accessors that produce located errors.
public struct Invocation {
    public var name: String
    public var location: SourceLocation
    public var positional: [LocatedValue]
    public var options: [String: LocatedValue]
    public var optionKeyLocations: [String: SourceLocation]
    /// Where a missing argument would have gone: just after the last thing written.
    public var endLocation: SourceLocation

    // MARK: positional

    func require(_ index: Int, _ what: String, usage: String) throws(ScriptError) -> LocatedValue {
        guard index < positional.count else {
            throw ScriptError("'\(name)' needs \(what)", at: endLocation, hint: "usage: \(usage)")
        }
        return positional[index]
    }

    func expectAtMost(_ count: Int, usage: String) throws(ScriptError) {
        if positional.count > count {
            let extra = positional[count]
            throw ScriptError("too many arguments to '\(name)': unexpected '\(extra.value)'", at: extra.location,
                              hint: "usage: \(usage)")
        }
    }

    /// A word from a fixed set (symbol or string), with a suggestion for near misses.
    func word(_ index: Int, _ what: String, choices: [String], usage: String) throws(ScriptError) -> String {
        let arg = try require(index, what, usage: usage)
        return try Invocation.choice(arg, what: what, choices: choices)
    }

    static func choice(_ arg: LocatedValue, what: String, choices: [String]) throws(ScriptError) -> String {
        let text: String
        switch arg.value {
        case .symbol(let s), .string(let s): text = s
        default:
            throw ScriptError("expected \(what) (one of \(choices.joined(separator: ", "))), found \(arg.value.typeName) '\(arg.value)'",
                              at: arg.location)
        }
        if choices.contains(text) { return text }
        // "what to load" reads as a verb: "cannot load 'imagenet'", not "unknown what to load 'imagenet'".
        let message = what.hasPrefix("what to ") ? "cannot \(what.dropFirst(8)) '\(text)'" : "unknown \(what) '\(text)'"
        throw ScriptError(message, at: arg.location,
                          hint: Diagnostic.didYouMean(text, choices) ?? "expected one of: \(choices.joined(separator: ", "))")
    }

    func int(_ index: Int, _ what: String, range: ClosedRange<Int>, usage: String) throws(ScriptError) -> Int {
        try Invocation.int(try require(index, what, usage: usage), what: what, range: range)
    }

    func optionalInt(_ index: Int, _ what: String, range: ClosedRange<Int>, default value: Int) throws(ScriptError) -> Int {
        index < positional.count ? try Invocation.int(positional[index], what: what, range: range) : value
    }

    static func int(_ arg: LocatedValue, what: String, range: ClosedRange<Int>) throws(ScriptError) -> Int {
        guard case .number(let v) = arg.value else {
            throw ScriptError("\(what) must be a whole number, found \(arg.value.typeName) '\(arg.value)'", at: arg.location)
        }
        guard v == v.rounded() else {
            throw ScriptError("\(what) must be a whole number, found \(Value.format(v))", at: arg.location)
        }
        guard v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
            throw ScriptError("\(what) must be between \(range.lowerBound) and \(grouped(range.upperBound)), found \(Value.format(v))",
                              at: arg.location)
        }
        return Int(v)
    }

    static func number(_ arg: LocatedValue, what: String, range: ClosedRange<Double>) throws(ScriptError) -> Double {
        guard case .number(let v) = arg.value else {
            throw ScriptError("\(what) must be a number, found \(arg.value.typeName) '\(arg.value)'", at: arg.location)
        }
        guard range.contains(v) else {
            throw ScriptError("\(what) must be between \(Value.format(range.lowerBound)) and \(Value.format(range.upperBound)), found \(Value.format(v))",
                              at: arg.location)
        }
        return v
    }

    // MARK: options

    func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws(ScriptError) -> Int {
        guard let arg = options[key] else { return value }
        return try Invocation.int(arg, what: key, range: range)
    }

    func number(_ key: String, default value: Double, range: ClosedRange<Double>) throws(ScriptError) -> Double {
        guard let arg = options[key] else { return value }
        return try Invocation.number(arg, what: key, range: range)
    }

    func bool(_ key: String, default value: Bool) throws(ScriptError) -> Bool {
        guard let arg = options[key] else { return value }
        switch arg.value {
        case .symbol("true"), .symbol("yes"), .symbol("on"), .number(1): return true
        case .symbol("false"), .symbol("no"), .symbol("off"), .number(0): return false
        default: throw ScriptError("\(key) must be true or false, found '\(arg.value)'", at: arg.location)
        }
    }

    func choice(_ key: String, default value: String, choices: [String]) throws(ScriptError) -> String {
        guard let arg = options[key] else { return value }
        return try Invocation.choice(arg, what: "\(key) value", choices: choices)
    }

    func string(_ key: String) throws(ScriptError) -> String? {
        guard let arg = options[key] else { return nil }
        switch arg.value {
        case .string(let s), .symbol(let s): return s
        case .number(let v): return Value.format(v)
        case .list: throw ScriptError("\(key) must be a name or a string, found a list", at: arg.location)
        }
    }

    func location(of key: String) -> SourceLocation { optionKeyLocations[key] ?? options[key]?.location ?? location }
}
