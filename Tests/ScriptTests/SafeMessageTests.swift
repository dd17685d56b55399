import Foundation
import XCTest
import Basics
@testable import Script

/// Messages are safe to print (issue 17, item 4): what the user typed or a file held is quoted with control
/// characters escaped, carets stand under the word however wide the characters before it, a script that is
/// not UTF-8 is reported at its line and column, and a folder given for a file says so.
final class SafeMessageTests: XCTestCase {
    typealias Session = ErrorCatalogueTests.Session

    /// Runs `input` as one REPL entry and compares the rendered error; then the session must still work.
    func expect(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let session = Session()
        session.run("let keep = 7")
        XCTAssertEqual(session.run(input), expected + "\n", file: file, line: line)
        assertStillUsable(session, file: file, line: line)
    }

    func testCaretStandsUnderTheWordAfterWideAndCombiningCharacters() {
        expect("print \"中文\" 1 $", """
            t.nnl:1:14: error: unexpected character '$'
             1 | print "中文" 1 $
               |                ^
            """)
        // e + two combining accents is one character and one column.
        expect("print \"e\u{301}\u{301}\" $", """
            t.nnl:1:11: error: unexpected character '$'
             1 | print "e\u{301}\u{301}" $
               |           ^
            """)
    }

    func testWideWordsAreUnderlinedToTheirWidth() {
        expect("猫猫猫", """
            t.nnl:1:1: error: unknown command '猫猫猫'
             1 | 猫猫猫
               | ^~~~~~
              = type 'help' for the list of commands
            """)
    }

    /// Escapes, NUL, BEL and bidirectional overrides from the input are shown, never sent to the terminal.
    func testControlCharactersAreShownEscaped() {
        expect("print \"\u{1B}[2J\" $", """
            t.nnl:1:14: error: unexpected character '$'
             1 | print "\\u{1B}[2J" $
               |                   ^
            """)
        expect("tr\u{202E}ain", """
            t.nnl:1:3: error: unexpected character '\\u{202E}'
             1 | tr\\u{202E}ain
               |   ^~~~~~~~
            """)
        let session = Session()
        XCTAssertEqual(session.output(of: "print \"a\u{7}b\u{0}c\\nd\""), "a\\u{07}b\\0c\nd\n")
    }

    /// A script whose bytes are not UTF-8: where the first bad byte is, as a located error.
    func testInvalidUTF8InAScriptIsLocated() throws {
        let scratch = Scratch()
        let path = scratch.file("bad.nnl")
        _ = FileManager.default.createFile(atPath: path, contents: Data("print 1\nprint \"中".utf8 + [0xFF, 0x22, 0x0A]))
        var errors = ""
        let console = Console(echo: false, isTerminal: false)
        console.errorSink = { errors += $0 }
        XCTAssertEqual(Interpreter(console: console).runScript(path: path, options: RunOptions()), 1)
        XCTAssertEqual(errors, """
            \(path):2:9: error: invalid UTF-8: byte 0xFF cannot be read as text
             2 | print "中\u{FFFD}"
               |          ^
              = scripts are UTF-8 text; save the file as UTF-8

            """)
    }

    /// A very long line is quoted around its caret, cut with "...".
    func testLongLinesAreCutAroundTheCaret() {
        let line = "let x = " + String(repeating: "1 + ", count: 100) + "$ + 2" + String(repeating: " + 3", count: 100)
        let session = Session()
        let rendered = session.run(line).split(separator: "\n").map(String.init)
        XCTAssertEqual(rendered.count, 3)
        XCTAssertTrue(rendered[1].hasPrefix(" 1 | ...") && rendered[1].hasSuffix("..."), rendered[1])
        XCTAssertLessThan(rendered[1].count, 180)
        let caret = rendered[2].firstIndex(of: "^").map { rendered[2].distance(from: rendered[2].startIndex, to: $0) } ?? -1
        XCTAssertEqual(Array(rendered[1])[caret], "$", "the caret stands under the culprit")
    }

    /// Lines that were not UTF-8 where they were decoded (piped input, a terminal in Latin-1) arrive as U+FFFD:
    /// an error at that place, not a silently changed string.
    func testReplacementCharactersFromBadBytesAreLocated() {
        expect("print \"caf\u{FFFD}\"", """
            t.nnl:1:11: error: invalid UTF-8: this character (shown as \u{FFFD}) was bytes that are not UTF-8 text
             1 | print "caf\u{FFFD}"
               |           ^
              = type or save the text as UTF-8
            """)
    }

    /// A script saved with a byte order mark (Notepad) runs; invisible characters are shown in messages.
    func testByteOrderMarkAndInvisibleCharacters() throws {
        let scratch = Scratch()
        let path = scratch.file("bom.nnl")
        _ = FileManager.default.createFile(atPath: path, contents: Data([0xEF, 0xBB, 0xBF] + Array("print \"ok\"\n".utf8)))
        var errors = ""
        let console = Console(echo: false, isTerminal: false)
        console.errorSink = { errors += $0 }
        XCTAssertEqual(Interpreter(console: console).runScript(path: path, options: RunOptions()), 0, errors)
        expect("tr\u{200B}ain", """
            t.nnl:1:3: error: unexpected character '\\u{200B}'
             1 | tr\\u{200B}ain
               |   ^~~~~~~~
            """)
    }

    /// A recording whose folder disappears says so at the next input, once, and recovers when it can write again.
    func testARecordingThatCannotBeWrittenSaysSoAtOnce() throws {
        let scratch = Scratch()
        let folder = scratch.file("rec")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let session = Session()
        XCTAssertEqual(session.run("record start \(folder)/s.ipynb"), "")
        XCTAssertEqual(session.run("print 1"), "")
        try FileManager.default.removeItem(atPath: folder)
        XCTAssertEqual(session.run("print 2"), "nnlab: warning: cannot write transcript '\(folder)/s.ipynb': the folder '\(folder)' does not exist; "
                       + "still recording, each input tries again ('record stop' to end)\n")
        XCTAssertEqual(session.run("print 3"), "", "said once")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        XCTAssertEqual(session.run("print 4"), "nnlab: the recording is written to \(folder)/s.ipynb again\n")
        XCTAssertEqual(session.run("record stop"), "")
        let notebook = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/s.ipynb"))) as? [String: Any]
        XCTAssertEqual((notebook?["cells"] as? [Any])?.count, 4, "every input, those while it could not write too")
    }

    func testAFolderGivenForAFileSaysSo() throws {
        let scratch = Scratch()
        var errors = ""
        let console = Console(echo: false, isTerminal: false)
        console.errorSink = { errors += $0 }
        XCTAssertEqual(Interpreter(console: console).runScript(path: scratch.path, options: RunOptions()), 1)
        XCTAssertEqual(errors, "nnlab: error: cannot read script '\(scratch.path)': it is a directory, not a script file\n")
        let session = Session()
        session.run("let keep = 7")
        XCTAssertTrue(session.run("load csv \"\(scratch.path)\"").contains("is a directory, not a file"))
        assertStillUsable(session)
    }
}

extension XCTestCase {
    /// As the catalogue checks after each error: a variable set before survives, and a model can still be built.
    func assertStillUsable(_ session: ErrorCatalogueTests.Session, file: StaticString = #filePath, line: UInt = #line) {
        let output = session.output(of: "print keep\nmlp 3 4 2 name=after\nsummary")
        XCTAssertTrue(output.hasPrefix("7\n"), "variable lost after the error: \(output)", file: file, line: line)
        XCTAssertTrue(output.contains("total: 26 parameters"), "session unusable after the error: \(output)", file: file, line: line)
        XCTAssertEqual(session.errors, "", file: file, line: line)
    }
}
