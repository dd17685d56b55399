import XCTest
import Transcript

final class TerminalTextTests: XCTestCase {
    func testProgressBarKeepsLastState() {
        XCTAssertEqual(TerminalText.clean("\r[###  ] 30%\r[#####] 100%\n"), "[#####] 100%\n")
    }

    func testProgressRedrawWithoutFinalNewlineKeepsLastState() {
        XCTAssertEqual(TerminalText.clean("50%\r100%\r"), "100%")
    }

    func testShorterRedrawOverwritesLikeATerminal() {
        XCTAssertEqual(TerminalText.clean("abcdef\rxy\n"), "xycdef\n")
    }

    func testEraseInLineAfterCarriageReturn() {
        XCTAssertEqual(TerminalText.clean("long text here\r\u{1B}[Kshort\n"), "short\n")
        XCTAssertEqual(TerminalText.clean("long text here\u{1B}[2K\rshort\n"), "short\n")
    }

    func testColourCodesAreRemoved() {
        XCTAssertEqual(TerminalText.clean("\u{1B}[1;32mok\u{1B}[0m done\n"), "ok done\n")
        XCTAssertEqual(TerminalText.clean("\u{1B}[38;5;208m⣿⣿\u{1B}[m"), "⣿⣿")
    }

    func testOSCSequencesAreRemoved() {
        XCTAssertEqual(TerminalText.clean("\u{1B}]8;;http://example.org\u{07}link\u{1B}]8;;\u{1B}\\ end"), "link end")
        XCTAssertEqual(TerminalText.clean("\u{1B}]0;title\u{1B}\\text"), "text")
    }

    func testOtherEscapesAndBellAreRemoved() {
        XCTAssertEqual(TerminalText.clean("\u{1B}(Bplain\u{07}\u{1B}=x"), "plainx")
    }

    func testBackspaceMovesCursorBack() {
        XCTAssertEqual(TerminalText.clean("abc\u{08}\u{08}X"), "aXc")
        XCTAssertEqual(TerminalText.clean("\u{08}\u{08}a"), "a")
    }

    func testCRLFBecomesLF() {
        XCTAssertEqual(TerminalText.clean("a\r\nb\r\n"), "a\nb\n")
    }

    func testHorizontalCursorMoves() {
        XCTAssertEqual(TerminalText.clean("abcdef\u{1B}[3GX\u{1B}[1CY\u{1B}[2DZ"), "abXZYf")
    }

    func testPlainTextIsUnchanged() {
        let text = "épochs\t⣿⣀ 😀\n\nline 3"
        XCTAssertEqual(TerminalText.clean(text), text)
    }

    func testTruncatedEscapeAtEndIsDropped() {
        XCTAssertEqual(TerminalText.clean("ok\u{1B}[1;3"), "ok")
        XCTAssertEqual(TerminalText.clean("ok\u{1B}"), "ok")
    }
}
