import XCTest
import Basics

/// The one reader of untrusted JSON (notebooks, Jupyter messages, connection files, safetensors headers): what it
/// reads, and where it says JSON breaks. Round trips of real notebooks are in TranscriptTests.
final class JSONTests: XCTestCase {
    func testJSONValues() throws {
        let json = try JSONValue.parse(#" { "a": [1, -2, 3.5, 1e-3, 18446744073709551615, true, false, null], "b": "x\"\\\/\n\u00e9\ud83d\ude00", "a": 7 } "#)
        XCTAssertEqual(json["a"], .integer(7), "the last of duplicate keys wins, as in Python")
        XCTAssertEqual(json["b"], .string("x\"\\/\né😀"))
        let list = try JSONValue.parse("[1, -2, 3.5, 1e-3, 18446744073709551615, -0]")
        XCTAssertEqual(list, .array([.integer(1), .integer(-2), .number("3.5"), .number("1e-3"),
                                     .unsignedInteger(UInt64.max), .integer(0)]))
        XCTAssertEqual(try JSONValue.parse("\"\\ud800x\""), .string("\u{FFFD}x"), "a lone surrogate stands for nothing")
        XCTAssertEqual(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[]".utf8)), .array([]), "a byte order mark is skipped")
    }

    func testJSONErrorsAreLocated() {
        func error(_ text: String) -> JSONError? {
            do { _ = try JSONValue.parse(text); return nil } catch { return error }
        }
        XCTAssertEqual(error("{\n  \"a\": tru\n}")?.line, 2)
        XCTAssertEqual(error("{\n  \"a\": tru\n}")?.column, 8)
        XCTAssertEqual(error("[1, ")?.message, "unexpected end of input, expected a value")
        XCTAssertEqual(error("[1, 2")?.message, "expected ']' or ',' after an element of a list, found the end of the input")
        XCTAssertEqual(error("[1 2]")?.message, "expected ']' or ',' after an element of a list, found '2'")
        XCTAssertEqual(error("{\"a\" 1}")?.message, "expected ':' after the key \"a\", found '1'")
        XCTAssertEqual(error("{1}")?.message, "expected a key in quotes, found '1'")
        XCTAssertEqual(error("{\"a\": 1 2}")?.message, "expected '}' or ',' after a member of an object, found '2'")
        XCTAssertEqual(try JSONValue.parse("{ }"), .object([:]))
        XCTAssertEqual(error(String(repeating: "{\"a\":", count: 100_000))?.message, "nested more than \(JSONValue.maxDepth) levels deep")
        XCTAssertEqual(error("01")?.message, "a number cannot start with 0 followed by digits")
        XCTAssertEqual(error("\"a\nb\"")?.message, "control character U+000A inside a string (write it as \\u000A)")
        XCTAssertEqual(error("\"\\x\"")?.message, "unknown escape '\\'x'' in a string")
        XCTAssertEqual(error("[] []")?.message, "unexpected '[' after the JSON value")
        XCTAssertEqual(try? JSONValue.parse([0x22, 0xFF, 0x22]), nil, "invalid UTF-8 in a string is an error")
        XCTAssertEqual(error(String(repeating: "[", count: 100_000))?.message, "nested more than \(JSONValue.maxDepth) levels deep")
        XCTAssertNotNil(error(""))
    }
}
