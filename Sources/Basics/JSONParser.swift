/// Where a JSON text stops being JSON: a byte offset, its line and column (1-based, columns in bytes), and
/// what was expected there.
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var line: Int
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Deeper nesting than any notebook or message has; the parser recurses once per level.
    public static let maxDepth = 200

    /// Parses one JSON document (RFC 8259, UTF-8). Never traps: anything that is not JSON, including invalid
    /// UTF-8 and nesting deeper than `maxDepth`, is a thrown `JSONError`. Duplicate keys: the last one wins.
    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes)
        return try parser.document()
    }

    public static func parse(_ text: String) throws(JSONError) -> JSONValue { try parse(Array(text.utf8)) }

    // MARK: reading values

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// An integer that fits in Int (a whole number written with a fraction, like 5.0, is not one).
    public var intValue: Int? {
        switch self {
        case .integer(let n): return Int(exactly: n)
        case .unsignedInteger(let n): return Int(exactly: n)
        default: return nil
        }
    }

    public var uint64Value: UInt64? {
        switch self {
        case .integer(let n): return UInt64(exactly: n)
        case .unsignedInteger(let n): return n
        default: return nil
        }
    }

    /// nbformat's multi-line strings: one string, or a list of strings to concatenate.
    public var multilineText: String? {
        switch self {
        case .string(let text): return text
        case .array(let parts):
            var text = ""
            for part in parts {
                guard case .string(let piece) = part else { return nil }
                text += piece
            }
            return text
        default: return nil
        }
    }
}

/// Recursive descent over bytes, in the style of the script parser: peek/advance/expect, one error and stop.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    // document := ws value ws EOF
    mutating func document() throws(JSONError) -> JSONValue {
        // A UTF-8 byte order mark is not JSON, but editors write it; Python's json refuses it too, we skip it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        skipWhitespace()
        let result = try value()
        skipWhitespace()
        if index < bytes.count { throw error("unexpected \(describeNext()) after the JSON value") }
        return result
    }

    // value := object | array | string | number | 'true' | 'false' | 'null'
    private mutating func value() throws(JSONError) -> JSONValue {
        guard let byte = peek() else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected a value, found \(describeNext())")
        }
    }

    // object := '{' ws [ string ws ':' ws value ws { ',' ws string ws ':' ws value ws } ] '}'
    private mutating func object() throws(JSONError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try items(closedBy: "}", after: "a member of an object") { (parser: inout JSONParser) throws(JSONError) in
            guard parser.peek() == UInt8(ascii: "\"") else {
                throw parser.error("expected a key in quotes, found \(parser.describeNext())")
            }
            let key = try parser.string()
            parser.skipWhitespace()
            try parser.expect(":", "after the key \"\(key.prefix(40))\"")
            parser.skipWhitespace()
            members[key] = try parser.value()
        }
        return .object(members)
    }

    // array := '[' ws [ value ws { ',' ws value ws } ] ']'
    private mutating func array() throws(JSONError) -> JSONValue {
        var elements: [JSONValue] = []
        try items(closedBy: "]", after: "an element of a list") { (parser: inout JSONParser) throws(JSONError) in
            elements.append(try parser.value())
        }
        return .array(elements)
    }

    /// The inside of an object or a list, its opening bracket at `index`: `item` for each of its items
    /// (separated by ',', whitespace around them skipped), then `close`. One level deeper while it reads.
    private mutating func items(closedBy close: Character, after what: String,
                                _ item: (inout JSONParser) throws(JSONError) -> Void) throws(JSONError) {
        try enter()
        index += 1
        skipWhitespace()
        if peek() == close.asciiValue { index += 1; depth -= 1; return }
        while true {
            try item(&self)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { index += 1; skipWhitespace(); continue }
            try expect(close, "or ',' after \(what)")
            depth -= 1
            return
        }
    }

    // string := '"' { char | '\' escape } '"'   (no raw control characters; valid UTF-8)
    private mutating func string() throws(JSONError) -> String {
        let start = index
        index += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw JSONError(message: "unterminated string", offset: start, line: lineColumn(start).0, column: lineColumn(start).1)
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw JSONError(message: "string is not valid UTF-8", offset: start, line: lineColumn(start).0, column: lineColumn(start).1)
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &utf8)
            case 0..<0x20:
                throw error("control character U+\(hex4(UInt32(byte))) inside a string (write it as \\u\(hex4(UInt32(byte))))")
            default:
                // The bytes up to the next quote, backslash or control character, in one copy.
                var end = index + 1
                while end < bytes.count, bytes[end] >= 0x20, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
                utf8.append(contentsOf: bytes[index..<end])
                index = end
            }
        }
    }

    // escape := '"' | '\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u' hex hex hex hex
    private mutating func escape(into utf8: inout [UInt8]) throws(JSONError) {
        guard let byte = peek() else { throw error("unterminated escape at end of input") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hexQuad()
            if (0xD800..<0xDC00).contains(scalar) {
                // A high surrogate pairs with the low one that follows; alone, it stands for nothing.
                if bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let save = index
                    index += 2
                    let low = try hexQuad()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = save
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00..<0xE000).contains(scalar) {
                scalar = 0xFFFD
            }
            utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
        default:
            index -= 1
            throw error("unknown escape '\\\(describeNext())' in a string")
        }
    }

    private mutating func hexQuad() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek() else { throw error("\\u needs four hex digits") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("\\u needs four hex digits, found \(describeNext())")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    // number := [ '-' ] ( '0' | digit19 { digit } ) [ '.' digit { digit } ] [ ( 'e' | 'E' ) [ '+' | '-' ] digit { digit } ]
    private mutating func number() throws(JSONError) -> JSONValue {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw error("expected a digit, found \(describeNext())") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek(), isDigit(next) { throw error("a number cannot start with 0 followed by digits") }
        } else {
            digits()
        }
        var integral = true
        if peek() == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard let next = peek(), isDigit(next) else { throw error("expected a digit after '.'") }
            digits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            integral = false
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard let next = peek(), isDigit(next) else { throw error("expected a digit in the exponent") }
            digits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral {
            if let n = Int64(text) { return .integer(n) }
            if let n = UInt64(text) { return .unsignedInteger(n) }
        }
        return .number(text)
    }

    private mutating func digits() {
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let expected = Array(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("expected a value, found \(describeNext())")
        }
        index += expected.count
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > JSONValue.maxDepth { throw error("nested more than \(JSONValue.maxDepth) levels deep") }
    }

    private mutating func expect(_ character: Character, _ context: String) throws(JSONError) {
        guard let ascii = character.asciiValue, peek() == ascii else {
            throw error("expected '\(character)' \(context), found \(describeNext())")
        }
        index += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func describeNext() -> String {
        guard let byte = peek() else { return "the end of the input" }
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func error(_ message: String) -> JSONError {
        let (line, column) = lineColumn(index)
        return JSONError(message: message, offset: index, line: line, column: column)
    }

    private func lineColumn(_ offset: Int) -> (Int, Int) {
        var line = 1, column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}
