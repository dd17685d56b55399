/// Expressions: literals, names, lists and arithmetic.
public indirect enum Expr: Sendable, Equatable {
    case number(Double, SourceLocation)
    case string(String, SourceLocation)
    case name(String, SourceLocation)
    case list([Expr], SourceLocation)
    case negate(Expr, SourceLocation)
    case binary(Character, Expr, Expr, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .number(_, let l), .string(_, let l), .name(_, let l), .list(_, let l), .negate(_, let l),
             .binary(_, _, _, let l): l
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
