import Foundation
import XCTest
import Transcript

final class TranscriptWriteTests: XCTestCase {
    func testFormatFromExtension() {
        XCTAssertEqual(TranscriptFormat(path: "out.ipynb"), .notebook)
        XCTAssertEqual(TranscriptFormat(path: "dir/Out.IPYNB"), .notebook)
        XCTAssertEqual(TranscriptFormat(path: "a.b/lab.Md"), .markdown)
        XCTAssertEqual(TranscriptFormat(path: "/tmp/x.txt"), .text)
        XCTAssertNil(TranscriptFormat(path: "out.pdf"))
        XCTAssertNil(TranscriptFormat(path: "noextension"))
        XCTAssertNil(TranscriptFormat(path: "dir.md/file"))
        XCTAssertNil(TranscriptFormat(path: ".txt"))
    }

    func testUnknownExtensionIsAnError() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.pdf").path
        XCTAssertThrowsError(try TranscriptFixtures.lab().write(to: path)) { error in
            XCTAssertEqual(error as? TranscriptError, .unknownFormat(path: path))
            XCTAssertTrue("\(error)".contains(".ipynb, .md, .txt"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testWriteIsAtomicAndLeavesNoTemporaryFile() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in [TranscriptFormat.notebook, .markdown, .text] {
            let path = directory.appendingPathComponent("out.\(format.rawValue)").path
            try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
            try TranscriptFixtures.lab().write(to: path)
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), TranscriptFixtures.lab().render(format))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["out.ipynb", "out.md", "out.txt"])
    }

    func testWriteIntoMissingDirectoryFailsCleanly() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing/out.md").path
        XCTAssertThrowsError(try TranscriptFixtures.lab().write(to: path)) { error in
            guard case .writeFailed(let failedPath, _)? = error as? TranscriptError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(failedPath, path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}
