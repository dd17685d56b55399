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

    /// The prompt's options after `check`, `convert` or `kernel install` are refused: they were accepted and did
    /// nothing (a teacher's `nnlab check x.ipynb --transcript out.ipynb` wrote no transcript).
    func testOptionsOfThePromptDoNotApplyToTheOtherCommands() throws {
        let folder = scratch()
        let script = folder + "/s.nnl"
        _ = FileManager.default.createFile(atPath: script, contents: Data("print 1\n".utf8))
        for (arguments, stray) in [(["convert", script, folder + "/s.ipynb", "--transcript", "t.md"], "--transcript"),
                                   (["check", folder + "/s.ipynb", "--no-timing"], "--no-timing"),
                                   (["convert", script, folder + "/t.ipynb", "-o=t.md"], "-o=t.md"),
                                   (["kernel", "install", "--prefix", folder, "--ascii"], "--ascii")] {
            let result = run(arguments)
            XCTAssertEqual(result.status, 64, arguments.joined(separator: " "))
            XCTAssertEqual(result.error, "nnlab: error: '\(stray)' does not apply to 'nnlab \(arguments[0])'\n"
                           + "run 'nnlab \(arguments[0]) --help' for usage\n")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/s.ipynb"), "nothing ran")
        // The list matches what `nnlab --help` declares.
        let help = run(["--help"]).output
        for name in RootOptionName.all { XCTAssertTrue(help.contains(name), "\(name) is not an option of nnlab") }
        XCTAssertEqual(run(["run", script, "--no-timing", "--ascii"]).status, 0)
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
