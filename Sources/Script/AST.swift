import Basics

/// Expressions: literals, names, lists, arithmetic (`+ - * / ^`) and calls of math functions (`sin(x)`).
public indirect enum Expr: Sendable, Equatable {
    case number(Double, SourceLocation)
    case string(String, SourceLocation)
    case name(String, SourceLocation)
    case list([Expr], SourceLocation)
    case negate(Expr, SourceLocation)
    case binary(Character, Expr, Expr, SourceLocation)
    /// `name(argument)`, the name written right against the parenthesis.
    case call(String, Expr, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .number(_, let l), .string(_, let l), .name(_, let l), .list(_, let l), .negate(_, let l),
             .binary(_, _, _, let l), .call(_, _, let l): l
        }
    }

    /// The expression written back as compact text, unevaluated: `x1*x2`, `sin(x1)`, `x1^2`. Options whose values
    /// are formulas (the input features) read their values this way.
    public var text: String {
        switch self {
        case .number(let v, _): return NumberText.value(v)
        case .string(let s, _), .name(let s, _): return s
        case .list(let items, _): return items.map(\.text).joined(separator: ",")
        case .negate(let inner, _): return "-" + inner.text
        case .binary(let op, let l, let r, _): return l.text + String(op) + r.text
        case .call(let name, let argument, _): return "\(name)(\(argument.text))"
        }
    }
}

/// `key=value` or a positional value.
public struct Argument: Sendable, Equatable {
    public var key: String?
    public var keyLocation: SourceLocation?
    public var value: Expr
}

public indirect enum Statement: Sendable, Equatable {
    /// command := WORD { argument }
    case command(name: String, nameLocation: SourceLocation, arguments: [Argument])
    /// let := 'let' WORD '=' expr
    case assign(name: String, nameLocation: SourceLocation, value: Expr)
    /// for := 'for' WORD 'in' expr separator { statement } 'end'
    case loop(variable: String, variableLocation: SourceLocation, sequence: Expr, body: [Statement])
}
