/// A JSON document serialised the way Jupyter writes notebooks (Python's
/// `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)`), so equal transcripts give equal bytes
/// and a notebook saved again by Jupyter produces a small diff. JSONSerialization is not used because its
/// key order and number formatting are not guaranteed stable across platforms.
/// `JSONValue.parse` (JSONParser.swift) reads one back.
public enum JSONValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case unsignedInteger(UInt64)
    /// A number with a fraction or an exponent, kept as its JSON text so it is written back as it was read.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// The serialised text, with a trailing newline as nbformat writes it.
    public func serialized() -> String {
        var out = ""
        write(into: &out, depth: 0)
        out += "\n"
        return out
    }

    /// One line, no spaces (the Jupyter wire protocol's frames).
    public func compact() -> String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .array(let elements):
            out += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { out += "," }
                element.writeCompact(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (position, key) in keys.enumerated() {
                if position > 0 { out += "," }
                JSONValue.writeEscaped(key, into: &out)
                out += ":"
                members[key]?.writeCompact(into: &out)
            }
            out += "}"
        default:
            write(into: &out, depth: 0)
        }
    }

    private func write(into out: inout String, depth: Int) {
        switch self {
        case .string(let text):
            JSONValue.writeEscaped(text, into: &out)
        case .integer(let number):
            out += String(number)
        case .unsignedInteger(let number):
            out += String(number)
        case .number(let text):
            out += text
        case .bool(let flag):
            out += flag ? "true" : "false"
        case .null:
            out += "null"
        case .array(let elements):
            guard !elements.isEmpty else { out += "[]"; return }
            out += "["
            for (position, element) in elements.enumerated() {
                out += position == 0 ? "\n" : ",\n"
                JSONValue.indent(&out, depth + 1)
                element.write(into: &out, depth: depth + 1)
            }
            out += "\n"
            JSONValue.indent(&out, depth)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            // Python sorts keys by code point; Swift's String `<` uses Unicode canonical ordering instead.
            let keys = members.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            for (position, key) in keys.enumerated() {
                out += position == 0 ? "\n" : ",\n"
                JSONValue.indent(&out, depth + 1)
                JSONValue.writeEscaped(key, into: &out)
                out += ": "
                members[key]?.write(into: &out, depth: depth + 1)
            }
            out += "\n"
            JSONValue.indent(&out, depth)
            out += "}"
        }
    }

    private static func indent(_ out: inout String, _ depth: Int) {
        out += String(repeating: " ", count: depth)
    }

    /// Escapes quotes, backslashes and control characters; everything else stays as UTF-8 text.
    static func writeEscaped(_ text: String, into out: inout String) {
        var escaped = String.UnicodeScalarView()
        escaped.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped.append(contentsOf: "\\\"".unicodeScalars)
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\r": escaped.append(contentsOf: "\\r".unicodeScalars)
            case "\t": escaped.append(contentsOf: "\\t".unicodeScalars)
            case "\u{08}": escaped.append(contentsOf: "\\b".unicodeScalars)
            case "\u{0C}": escaped.append(contentsOf: "\\f".unicodeScalars)
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    escaped.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
                } else {
                    escaped.append(scalar)
                }
            }
        }
        escaped.append("\"")
        out += String(escaped)
    }
}
