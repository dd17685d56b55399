import Foundation
import XCTest
@testable import Basics

final class AtomicFileTests: XCTestCase {
    func scratch() -> String {
        let path = NSTemporaryDirectory() + "nnlab-basics-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testWritesAndReplacesWholeFilesLeavingNothingElse() throws {
        let dir = scratch()
        let path = dir + "/model.bin"
        try AtomicFile.write([1, 2, 3], to: path)
        XCTAssertEqual(try Array(Data(contentsOf: URL(fileURLWithPath: path))), [1, 2, 3])
        try AtomicFile.write("new text", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new text")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["model.bin"], "no temporary files left")
    }

    /// A device is never replaced by a file (as root, saving to /dev/null renamed a regular file over it).
    /// (Only checked, never written, for the device: a regression must not replace the machine's /dev/null.)
    func testDevicesAndPipesAreNotReplaced() throws {
        XCTAssertEqual(AtomicFile.writeProblem("/dev/null"), "it is a device, not a file")
        let fifo = scratch() + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(AtomicFile.writeProblem(fifo), "it is a pipe, not a file")
        XCTAssertThrowsError(try AtomicFile.write([1], to: fifo)) { error in
            XCTAssertEqual((error as? AtomicFile.WriteError)?.reason, "it is a pipe, not a file")
        }
        var info = stat()
        XCTAssertEqual(lstat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO, "the pipe is still a pipe")
    }

    func testFailuresSayWhyInPlainWordsAndChangeNothing() throws {
        let dir = scratch()
        XCTAssertThrowsError(try AtomicFile.write([1], to: dir + "/missing/x.bin")) { error in
            XCTAssertEqual((error as? AtomicFile.WriteError)?.reason, "the folder '\(dir)/missing' does not exist")
        }
        XCTAssertThrowsError(try AtomicFile.write([1], to: dir)) { error in
            XCTAssertEqual((error as? AtomicFile.WriteError)?.reason, "it is a directory")
        }
        try "x".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        XCTAssertThrowsError(try AtomicFile.write([1], to: dir + "/file/y")) { error in
            XCTAssertEqual((error as? AtomicFile.WriteError)?.reason, "'\(dir)/file' is not a folder")
        }
        XCTAssertNil(AtomicFile.writeProblem(dir + "/fine.txt"))
        XCTAssertNotNil(AtomicFile.writeProblem(dir + "/missing/fine.txt"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["file"])
    }

    func testRelativePathsStayInTheirFolder() throws {
        let dir = scratch()
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(dir)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("a", to: "plain.txt")
        try AtomicFile.write("b", to: "./dotted.txt")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["dotted.txt", "plain.txt"])
    }

    func testSystemErrorsReadAsWords() {
        XCTAssertEqual(SystemError(ENOENT).description, "No such file or directory")
        XCTAssertEqual(SystemError(EACCES).description, "Permission denied")
    }

    func testClockIsMonotonic() {
        let a = Clock.now, b = Clock.now
        XCTAssertGreaterThanOrEqual(b, a)
        XCTAssertGreaterThan(a, 0)
    }
}
