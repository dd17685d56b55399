import Basics

/// Runtime values of the language.
public enum Value: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case string(String)
    /// A bare word that names no variable: `mnist`, `relu`, `true`.
    case symbol(String)
    case list([Value])

    public var description: String {
        switch self {
        case .number(let v): return NumberText.value(v)
        case .string(let s), .symbol(let s): return s
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        }
    }

    public var typeName: String {
        switch self {
        case .number: "number"
        case .string: "string"
        case .symbol: "name"
        case .list: "list"
        }
    }
}

extension Value {
    /// Limits on values a script builds (strings by characters, lists by items, counted together).
    static let maxSize = 100_000
    static let maxDepth = 64

    /// Whether the value fits in what is left of `budget` (and takes it); stops counting as soon as it does not.
    func fits(_ budget: inout Int, depth: Int = 0) -> Bool {
        switch self {
        case .number: budget -= 1
        case .string(let s), .symbol(let s): budget -= max(1, s.utf8.count)
        case .list(let items):
            guard depth < Value.maxDepth else { return false }
            budget -= 1
            for item in items where budget >= 0 {
                if !item.fits(&budget, depth: depth + 1) { return false }
            }
        }
        return budget >= 0
    }
}

