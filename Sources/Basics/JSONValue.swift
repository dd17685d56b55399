/// A JSON document serialised the way Jupyter writes notebooks (Python's
/// `json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False)`), so equal transcripts give equal bytes
/// and a notebook saved again by Jupyter produces a small diff; `compact()` for one line (wire frames,
/// safetensors headers). JSONSerialization is not used because its key order and number formatting are not
/// guaranteed stable across platforms, and because the one reader of untrusted JSON, `JSONValue.parse`
/// (JSONParser.swift: checked, depth-limited, never traps), reads every JSON nnlab is given: notebooks, Jupyter
/// messages and connection files, safetensors headers.
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

    /// Escapes quotes, backslashes and control characters; everything else stays as UTF-8 text. Works on bytes:
    /// appending to a String.UnicodeScalarView piece by piece copied the whole string each time (quadratic).
    static func writeEscaped(_ text: String, into out: inout String) {
        var text = text
        text.makeContiguousUTF8()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        bytes.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        text.utf8.withContiguousStorageIfAvailable { utf8 in
            var plainStart = 0
            for (position, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                // Runs of bytes that need no escape are copied whole.
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<position]))
                plainStart = position + 1
                switch byte {
                case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0A: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0x08: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
                case 0x0C: bytes += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
                default: bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
        out += String(decoding: bytes, as: UTF8.self)
    }

}
