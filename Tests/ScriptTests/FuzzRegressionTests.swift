import Foundation
import XCTest
@testable import Script

/// Inputs that crashed, hung or exhausted memory (found by scripts/fuzz.sh and by reading the code around
/// what it found). Each now ends in a clear error, and the session goes on. When the fuzzer finds a new one,
/// add its input here (the artifact is in .build-fuzz/artifacts/).
final class FuzzRegressionTests: XCTestCase {
    typealias Session = ErrorCatalogueTests.Session

    /// A diagnostic for a line too long to write out in the test: the layout `Diagnostic.render` produces (a line
    /// over 160 columns quoted around the caret, as `Diagnostic.shownLine` cuts it).
    private func diagnostic(_ message: String, line: Int = 1, column: Int, length: Int = 1, source: String,
                            hint: String? = nil) -> String {
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        var text = "t.nnl:\(line):\(column): error: \(message)\n"
        if source.count > 160 {
            let (shown, caret, width) = Diagnostic.shownLine(Substring(source), column: column, length: length)
            text += " \(gutter) | \(shown)\n"
            text += " \(pad) | \(String(repeating: " ", count: caret))^\(String(repeating: "~", count: width - 1))\n"
            if let hint { text += "  = \(hint)\n" }
            return text
        }
        text += " \(gutter) | \(source)\n"
        text += " \(pad) | \(String(repeating: " ", count: column - 1))^\(String(repeating: "~", count: length - 1))\n"
        if let hint { text += "  = \(hint)\n" }
        return text
    }

    /// Runs `input` after `let keep = 7`, compares the rendered error, then checks the session still works.
    private func expect(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let session = Session()
        XCTAssertEqual(session.run("let keep = 7"), "", file: file, line: line)
        XCTAssertEqual(session.run(input), expected, file: file, line: line)
        let output = session.output(of: "print keep\nmlp 3 4 2\nsummary")
        XCTAssertTrue(output.hasPrefix("7\n") && output.contains("total: 26 parameters"), output, file: file, line: line)
    }

    // MARK: - Stack overflows: deep nesting while parsing, evaluating or freeing an expression

    func testDeeplyNestedParentheses() {
        let source = "print " + String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        expect(source, diagnostic("expression is nested too deeply (more than 100 levels)", column: 107, source: source,
                                  hint: "split it with 'let' into smaller steps"))
    }

    func testDeeplyNestedLists() {
        let source = "let x = " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)
        expect(source, diagnostic("expression is nested too deeply (more than 100 levels)", column: 109, source: source,
                                  hint: "split it with 'let' into smaller steps"))
    }

    func testLongRunOfUnaryMinus() {
        let source = "print " + String(repeating: "-", count: 5_000) + "1"
        expect(source, diagnostic("expression is nested too deeply (more than 100 levels)", column: 107, source: source,
                                  hint: "split it with 'let' into smaller steps"))
    }

    /// `1+1+...` is parsed in a loop but builds a tree as deep as it is long.
    func testLongChainOfOperators() {
        let source = "print 1" + String(repeating: "+1", count: 100_000)
        expect(source, diagnostic("expression is nested too deeply (more than 100 levels)", column: 206, source: source,
                                  hint: "split it with 'let' into smaller steps"))
        let product = "print 2" + String(repeating: " * 1", count: 150)
        expect(product, diagnostic("expression is nested too deeply (more than 100 levels)", column: 405, source: product,
                                   hint: "split it with 'let' into smaller steps"))
    }

    func testDeeplyNestedLoops() {
        let source = String(repeating: "for a in [1]\n", count: 3_000) + "print a\n" + String(repeating: "end\n", count: 3_000) + "print 5"
        expect(source, diagnostic("loops are nested too deeply (more than 32 levels)", line: 33, column: 1, length: 3,
                                  source: "for a in [1]"))
    }

    func testNestingJustBelowTheLimitsStillWorks() {
        let session = Session()
        let parentheses = "let x = " + String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99)
        let loops = String(repeating: "for a in [1]\n", count: 32) + "let y = a + 1\n" + String(repeating: "end\n", count: 32)
        XCTAssertEqual(session.run(parentheses + "\n" + loops), "")
        XCTAssertEqual(session.output(of: "print x y"), "1 2\n")
    }

    // MARK: - Memory: values that double on every iteration

    func testStringDoublingInALoop() {
        let source = "let s = \"0123456789\"\nfor i in [\((1...20).map(String.init).joined(separator: ", "))]\n  let s = s + s\nend"
        expect(source, """
            t.nnl:3:13: error: value is too large: more than 100,000 characters or list items, or lists nested more than 64 deep
             3 |   let s = s + s
               |             ^

            """)
    }

    func testStringInterpolationDoubling() {
        let source = "let s = \"ab\"\nfor i in [\((1...20).map(String.init).joined(separator: ", "))]\n  let s = \"{s}{s}\"\nend"
        expect(source, """
            t.nnl:3:11: error: value is too large: more than 100,000 characters or list items, or lists nested more than 64 deep
             3 |   let s = "{s}{s}"
               |           ^~~~~~~~

            """)
    }

    /// `[l, l]` shares storage, so memory stays small, but printing it would write 2^n items.
    func testSelfNestingListInALoop() {
        let source = "let l = [1]\nfor i in [\((1...70).map(String.init).joined(separator: ", "))]\n  let l = [l, l]\nend\nprint l"
        expect(source, """
            t.nnl:3:11: error: value is too large: more than 100,000 characters or list items, or lists nested more than 64 deep
             3 |   let l = [l, l]
               |           ^

            """)
    }

    func testPrintingTooMuch() {
        let session = Session()
        let grow = "let s = \"0123456789\"\nfor i in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]\n  let s = s + s\nend"
        XCTAssertEqual(session.run(grow), "")
        XCTAssertEqual(session.run("print s s"), """
            t.nnl:1:9: error: too much to print: more than 100,000 characters or list items
             1 | print s s
               |         ^

            """)
        XCTAssertEqual(session.output(of: "print 1"), "1\n")
    }

    // MARK: - Empty data sets

    /// `load toy circle n=4 ratio=0.9` rounded the training share up to all 4 points, leaving an empty test set;
    /// ratio=0.1 left an empty training set, and so could `split val=0.9` on a tiny set. Then `knn` and
    /// `distance` built the range 1...0 and `predict`/`plot boundary` indexed past the end: all crashes.
    func testTinyToySetsKeepPointsOnBothSides() {
        for setup in ["load toy circle n=4 ratio=0.9", "load toy circle n=4 ratio=0.1",
                      "load toy xor n=4\nsplit val=0.9\nsplit val=0.9"] {
            let session = Session()
            XCTAssertEqual(session.run("let keep = 7\n" + setup + "\nmlp 2 3 2"), "", setup)
            for command in ["knn k=1", "knn test=1", "distance 0 0", "mlp 2 3 2", "train epochs=1 batch=1", "eval", "eval train",
                            "predict 0", "confusion", "per_class", "mistakes 2", "gradcheck", "plot boundary", "data"] {
                XCTAssertEqual(session.run(command), "", "\(setup) / \(command)")
            }
            let output = session.output(of: "print keep\nmlp 3 4 2\nsummary")
            XCTAssertTrue(output.hasPrefix("7\n") && output.contains("total: 26 parameters"), output)
        }
        expect("load toy circle n=4 ratio=0.9\ndistance 0 1", """
            t.nnl:2:12: error: an image index must be between 0 and 0, found 1
             2 | distance 0 1
               |            ^

            """)
    }

    // MARK: - Found by the fuzzer

    /// .build-fuzz/artifacts/oom-c138eabbcf19beccb4042d485be8907eff05ad71 (after 3.5 million runs): a string with
    /// raw escape bytes, printed. Cleaning the cell's output for the transcript (TerminalText) moved the cursor
    /// `ESC[8888888888C` columns right and padded the line with that many spaces: a 2 GB allocation.
    func testFuzzerOOMCursorMoveInPrintedString() throws {
        let artifact = """
            bG9hZCB0b3kgY2lyY2xlIG49ODAKbWxwIDIgMyAyCnByaW50ICeNnW4TExMTMweQ29h/AAAAAAAAAJ6eGyQbGxMTGxMBZRMb
            WyQmJiYmJiYmJkNDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ56enp6eKlsTExsbJBsbExMbEwFlExtbJCYmJiYmJiYm
            Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQyYmJjYmJiYkJiYmnp6enm49NTAAAAAA
            AAOgExMTE51uExMTEzcHkNvYfwAAAAAAAAAAAAAAAACenp6enp6eKlsTExsbJBsbExMbEwFlExtbODg4ODg4ODg4OENDQ0ND
            Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0Oenp6enipbExMbGyQbGxMTGxMBZRMbWyQmJiYmJiYmJkNDQ0NDQ0NDQ0NDQ0NDQ0ND
            Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0MmJiY2JiYmJCYmJp6enp5uPTUwAAAAAAADoBMTExOdbhMTExM3B5Db
            2H8AAAAAAAAAAAAAAAAAnp6enp6enipbExMbGyQbGxMTGxMBZRMbWzg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4
            ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODg4ODgAnp4mJiY1ZF15IFsbYxsbc2VlZCBoNSATExMTExMT
            ExMTExMTExMTExMTExMTZ2xlJyBoZWxwCmhlbHAgdGFjaXJjbGVkYW0KIyUlcP///////8T/////
            """
        let bytes = try XCTUnwrap(Data(base64Encoded: artifact.filter { !$0.isWhitespace }))
        let session = Session()
        let (_, cells) = session.interpreter.runSource(String(decoding: bytes, as: UTF8.self), file: "fuzz.nnl", allowErrors: true)
        XCTAssertLessThan(cells.map(\.output.count).reduce(0, +), 100_000)
    }

    /// The same with numbers near Int.max: two moves overflowed the cursor (a trap, not just memory). Since
    /// output is made safe for the terminal, a typed escape sequence is shown, never executed.
    func testCursorMovesInOutputAreShownEscaped() {
        let session = Session()
        let move = "\u{1B}[9223372036854775807C"
        let (_, cells) = session.interpreter.runSource("print \"x\(move)\(move)y\"", file: "t.nnl")
        XCTAssertEqual(cells.first?.output, "x\\u{1B}[9223372036854775807C\\u{1B}[9223372036854775807Cy\n")
        XCTAssertEqual(session.errors, "")
    }

    /// 9223372036854775807 reads as 2^63 (the nearest Double), which passed `<= Double(Int.max)` and then trapped
    /// in Int(v) (found by trying bad inputs at the prompt).
    func testWholeNumbersBeyondIntAreErrors() {
        expect("load toy xor n=8\nshow image 9223372036854775807", """
            t.nnl:2:12: error: an image index is too large, found 9.22337e18
             2 | show image 9223372036854775807
               |            ^~~~~~~~~~~~~~~~~~~

            """)
        expect("mistakes 1e300", """
            t.nnl:1:10: error: a number of images must be between 1 and 100, found 1e+300
             1 | mistakes 1e300
               |          ^~~~~

            """)
    }

    // MARK: - Odd bytes

    func testControlCharactersAndInvalidUTF8() {
        let bytes: [UInt8] = [0x70, 0x72, 0x69, 0x6E, 0x74, 0x20, 0xFF, 0xFE, 0x00, 0x0A]
        let text = String(decoding: bytes, as: UTF8.self)
        // Control characters are shown escaped, in the message and in the quoted line.
        expect(text, diagnostic("invalid UTF-8: this character (shown as \u{FFFD}) was bytes that are not UTF-8 text", column: 7,
                                source: "print \u{FFFD}\u{FFFD}\\0", hint: "type or save the text as UTF-8"))
        expect("print 1\r\nprint \u{7}", diagnostic("unexpected character '\\u{07}'", line: 2, column: 7, length: 6, source: "print \\u{07}"))
    }

    /// A script saved with Windows line endings: "\r\n" is one Character in Swift, and used to make the
    /// whole file one line ("unexpected character" at the end of line 1).
    func testWindowsLineEndings() {
        let session = Session()
        XCTAssertEqual(session.run("let a = 1\r\nlet b = [1,\r\n  2]\r\nprint a b # comment\r\n"), "")
        XCTAssertEqual(session.output(of: "# %% one\r\nprint a\r\n# %% two\r\nprint b\r\n"), "1\n[1, 2]\n")
        XCTAssertEqual(session.run("print 1\r\nprint \"open\r\n"), """
            t.nnl:2:7: error: unterminated string
             2 | print "open
               |       ^
              = close it with " on the same line

            """)
    }

    func testEmptyAndBlankInput() {
        for input in ["", "\n\n", ";;;", "   ", "# only a comment", "# %%\n# %% [markdown]"] {
            let session = Session()
            XCTAssertEqual(session.run(input), "", input)
        }
    }
}
