import XCTest
@testable import Script

/// What the Jupyter kernel asks of the language besides running cells.
final class FrontEndTests: XCTestCase {
    func testCompleteness() {
        XCTAssertEqual(Interpreter.completeness(of: "train epochs=1"), .complete)
        XCTAssertEqual(Interpreter.completeness(of: ""), .complete)
        XCTAssertEqual(Interpreter.completeness(of: "for lr in [0.1, 0.01]\n  print lr"), .incomplete)
        XCTAssertEqual(Interpreter.completeness(of: "for lr in [0.1, 0.01]\n  print lr\nend"), .complete)
        XCTAssertEqual(Interpreter.completeness(of: "print [1,"), .incomplete, "a list goes on over lines")
        XCTAssertEqual(Interpreter.completeness(of: "print [1,\n 2]"), .complete)
        XCTAssertEqual(Interpreter.completeness(of: "print )"), .invalid)
        XCTAssertEqual(Interpreter.completeness(of: "print \"open"), .invalid)
        XCTAssertEqual(Interpreter.completeness(of: "end"), .invalid)
    }

    func testHelpForWords() {
        XCTAssertEqual(Interpreter.helpText(for: "train")?.hasPrefix("usage: train"), true)
        XCTAssertNotNil(Interpreter.helpText(for: "for"))
        XCTAssertNil(Interpreter.helpText(for: "epochs"))
        XCTAssertNil(Interpreter.helpText(for: ""))
    }

    func testACellAfterExitRunsWhole() {
        let i = Interpreter(console: Console(echo: false, isTerminal: false))
        XCTAssertTrue(i.runCell("exit").errors.isEmpty)
        XCTAssertTrue(i.finished)
        i.resume()
        XCTAssertEqual(i.runCell("print 1\nprint 2").output, "1\n2\n")
    }
}
