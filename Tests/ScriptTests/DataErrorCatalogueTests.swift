import Foundation
import XCTest
@testable import Script

/// The catalogue of bad data files (issue 17, item 8): what `load csv` says for each, located and without
/// losing the session, and that a pair of files with different classes gives correct results.
final class DataErrorCatalogueTests: XCTestCase {
    typealias Session = ErrorCatalogueTests.Session

    /// `load csv FILE` (where the file holds `content`) fails with `message`, with the caret under the path.
    func expectLoadError(_ content: [UInt8], _ message: (String) -> String, file: StaticString = #filePath, line: UInt = #line) {
        let scratch = Scratch()
        let path = scratch.file("d.csv")
        _ = FileManager.default.createFile(atPath: path, contents: Data(content))
        let session = Session()
        session.run("let keep = 7\nload toy xor n=8")
        let input = "load csv \(path)"
        let caret = "^" + String(repeating: "~", count: path.count - 1)
        XCTAssertEqual(session.run(input), "t.nnl:1:10: error: \(message(path))\n 1 | \(input)\n   |          \(caret)\n",
                       file: file, line: line)
        // The data loaded before are still there.
        XCTAssertTrue(session.output(of: "data").contains("toy xor"), file: file, line: line)
        assertStillUsable(session, file: file, line: line)
    }

    func testCSVFilesThatDoNotParse() {
        expectLoadError(Array("label,x,y".utf8)) { "\($0): no data rows after the header" }
        expectLoadError(Array("0,1,2\r1,3,x\r".utf8)) { "\($0):2: column 3: expected a number, found \"x\"" }
        expectLoadError(Array("0,1,x2\n1,3,4\n".utf8)) { "\($0):1: column 3: expected a number, found \"x2\" (a header row names every column)" }
        expectLoadError(Array("0,1,2\n1,3,4e40\n".utf8)) { "\($0):2: column 3: value 4e40 is too large for a 32-bit float (at most about 3.4e38)" }
        expectLoadError(Array("a,1\n\u{1B}[2J,2\n".utf8) + [0xC3, 0x28, 0x2C, 0x33]) {
            "\($0):3: column 1: the label \"\u{FFFD}(\" is not valid UTF-8 text"
        }
        expectLoadError(Array("0,1\n1,\u{1B}]0;x\u{7}\n".utf8)) { "\($0):2: column 2: expected a number, found \"\\u{1B}]0;x\\u{07}\"" }
        expectLoadError([]) { "\($0): file is empty" }
        expectLoadError(Array("1,2,3\n4,5\n".utf8)) { "\($0):2: expected 3 values, found 2" }
    }

    /// A file whose rows all have one label (often the wrong label column) is noted when loaded; with one class in
    /// its list, training says why it cannot work instead of "a single output needs 'loss mse'".
    func testASingleClassIsSaidSo() {
        let scratch = Scratch()
        let sevens = scratch.write("sevens.csv", "x,y,label\n1,2,7\n3,4,7\n")
        let cats = scratch.write("cats.csv", "x,y,label\n1,2,cat\n3,4,cat\n")
        let session = Session()
        session.run("let keep = 7")
        XCTAssertTrue(session.output(of: "load csv \(sevens) label=label").contains("note: every row has the label '7': one class"))
        XCTAssertTrue(session.output(of: "load csv \(cats) label=label").contains("note: every row has the label 'cat': one class"))
        XCTAssertEqual(session.run("linear\ntrain epochs=1"), """
            t.nnl:2:1: error: the data have a single class ('cat'): there is nothing to tell apart
             2 | train epochs=1
               | ^~~~~
              = a classifier needs samples of at least 2 classes; is the label column right?

            """)
        assertStillUsable(session)
    }

    /// File names a student gives: with '-' and digits (mnist-2k.csv), and right after `key=` (test=/tmp/t.csv).
    func testFileNamesWithDashesAndDigitsAreOneWord() {
        let scratch = Scratch()
        let train = scratch.write("labels-5-0.csv", "0,1,2\n1,3,4\n")
        _ = scratch.write("mnist-2k.csv", "0,1,2\n1,3,4\n")
        let session = Session()
        let output = session.output(of: "load csv \(train) test=\(scratch.path)/mnist-2k.csv\nlet a = 3\nprint a-1 a-1.5")
        XCTAssertEqual(session.errors, "")
        XCTAssertTrue(output.contains("loaded \(train): 2 rows"), output)
        XCTAssertTrue(output.hasSuffix("2 1.5\n"), "a subtraction stays one: \(output)")
    }

    /// Training and test files that number their classes differently: one list of classes for both, so the
    /// confusion matrix and accuracy are right (and no index beyond the list, which trapped).
    func testTrainingAndTestFilesWithDifferentClasses() throws {
        let scratch = Scratch()
        let train = scratch.write("train.csv", "label,x,y\ncat,0,0\ndog,10,10\n")
        let test = scratch.write("test.csv", "label,x,y\nbird,20,20\ncat,0,1\n")
        let session = Session()
        let output = session.output(of: "load csv \(train) test=\(test)\nknn\neval\nconfusion")
        XCTAssertEqual(session.errors, "")
        XCTAssertTrue(output.contains("3 classes"), output)
        XCTAssertTrue(output.contains("note: the test file has labels the training file has none of: bird"), output)
        XCTAssertTrue(output.contains("test: accuracy 50.00% (1/2)"), output)
        XCTAssertTrue(output.contains("most confused: bird as dog (1)"), output)

        let six = scratch.write("six.csv", "5,1,2\n0,3,4\n")
        let two = scratch.write("two.csv", "0,1,2\n1,3,4\n")
        for input in ["load csv \(six) test=\(two)\nknn\nconfusion\nmistakes\nper_class",
                      "load csv \(two) test=\(six)\nknn\nconfusion\nmistakes\nper_class"] {
            _ = session.output(of: input)
            XCTAssertEqual(session.errors, "", input)
        }
    }
}
