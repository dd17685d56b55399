/// Runtime values of the language.
public enum Value: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case string(String)
    /// A bare word that names no variable: `mnist`, `relu`, `true`.
    case symbol(String)
    case list([Value])

    public var description: String {
        switch self {
        case .number(let v): return Value.format(v)
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

    /// Integers without a decimal point, others with up to 6 significant digits.
    public static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        var s = String(v)
        if s.count > 10 { s = formatSignificant(v, 6) }
        return s
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

/// Formats with a given number of significant digits, without Foundation.
func formatSignificant(_ v: Double, _ digits: Int) -> String {
    guard v.isFinite, v != 0 else { return Value.format(v) }
    var exponent = 0
    var m = abs(v)
    while m >= 10 { m /= 10; exponent += 1 }
    while m < 1 { m *= 10; exponent -= 1 }
    if exponent < -4 || exponent >= digits {
        let scaled = (m * pow10(digits - 1)).rounded() / pow10(digits - 1)
        return (v < 0 ? "-" : "") + trimZeros(fixed(scaled, digits - 1)) + "e" + String(exponent)
    }
    return trimZeros(fixed(v, max(0, digits - 1 - exponent)))
}

func pow10(_ n: Int) -> Double { var r = 1.0; for _ in 0..<abs(n) { r *= 10 }; return n < 0 ? 1 / r : r }

/// Fixed-point formatting with `decimals` digits after the point.
public func fixed(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return Value.format(v) }
    let scale = pow10(decimals)
    let rounded = (abs(v) * scale).rounded()
    guard rounded < 9e18 else { return String(v) }
    let whole = Int64(rounded)
    let intPart = whole / Int64(scale)
    var text = String(intPart)
    if decimals > 0 {
        let frac = String(whole % Int64(scale))
        text += "." + String(repeating: "0", count: decimals - frac.count) + frac
    }
    return (v < 0 && rounded != 0 ? "-" : "") + text
}

func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = s
    while t.hasSuffix("0") { t.removeLast() }
    if t.hasSuffix(".") { t.removeLast() }
    return t
}

/// 12345 -> "12,345"
public func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// 0.97812 -> "97.81%"
public func percent(_ v: Double) -> String { fixed(v * 100, 2) + "%" }
