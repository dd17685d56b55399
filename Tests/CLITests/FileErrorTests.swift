import Foundation
import XCTest
@testable import CLI

/// Files given on the command line that are not what they should be (issue 17, item 4): a folder says so, a
/// script that is not UTF-8 is located, OS errors are in words, and nothing runs.
final class FileErrorTests: XCTestCase {
    func run(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        var output = "", error = ""
        let status = CommandLineTool.run(arguments, streams: StandardStreams(output: { output += $0 }, error: { error += $0 },
                                                                           outputIsTerminal: false))
        return (status, output, error)
    }

    func scratch() -> String {
        let path = NSTemporaryDirectory() + "nnlab-cli-files-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testFoldersGivenForFiles() throws {
        let folder = scratch() + "/lab.nnl"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = run(["run", folder])
        XCTAssertEqual(script.status, 1)
        XCTAssertEqual(script.error, "nnlab: error: cannot read script '\(folder)': it is a directory, not a script file\n")
        let converted = run(["convert", folder, folder + "/../out.ipynb"])
        XCTAssertNotEqual(converted.status, 0)
        XCTAssertEqual(converted.error, "nnlab: error: cannot read script '\(folder)': it is a directory, not a script file\n")
        let notebook = scratch() + "/n.ipynb"
        try FileManager.default.createDirectory(atPath: notebook, withIntermediateDirectories: true)
        let ran = run(["run", notebook])
        XCTAssertNotEqual(ran.status, 0)
        XCTAssertTrue(ran.error.contains("cannot read notebook '\(notebook)': it is a directory, not a file"), ran.error)
    }

    func testScriptsThatAreNotUTF8AreLocatedWhereverTheyAreRead() throws {
        let path = scratch() + "/bad.nnl"
        _ = FileManager.default.createFile(atPath: path, contents: Data("seed 1\nprint \"a".utf8 + [0xC0, 0x22, 0x0A]))
        let expected = """
            \(path):2:9: error: invalid UTF-8: byte 0xC0 cannot be read as text
             2 | print "a\u{FFFD}"
               |         ^
              = scripts are UTF-8 text; save the file as UTF-8

            """
        let script = run(["run", path])
        XCTAssertEqual(script.status, 1)
        XCTAssertEqual(script.error, expected)
        XCTAssertEqual(script.output, "", "nothing ran")
        let converted = run(["convert", path, path + ".ipynb"])
        XCTAssertNotEqual(converted.status, 0)
        XCTAssertEqual(converted.error, expected)
    }
}
