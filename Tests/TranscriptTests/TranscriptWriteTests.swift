import Foundation
import XCTest
import Transcript

final class TranscriptWriteTests: XCTestCase {
    func testFormatFromExtension() {
        XCTAssertEqual(TranscriptFormat(path: "out.ipynb"), .notebook)
        XCTAssertEqual(TranscriptFormat(path: "dir/Out.IPYNB"), .notebook)
        XCTAssertEqual(TranscriptFormat(path: "a.b/lab.Md"), .markdown)
        XCTAssertEqual(TranscriptFormat(path: "/tmp/x.txt"), .text)
        XCTAssertEqual(TranscriptFormat(path: "lab1.HTML"), .html)
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
            XCTAssertTrue("\(error)".contains(".ipynb, .html, .md, .txt"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }

    func testWriteIsAtomicAndLeavesNoTemporaryFile() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for format in TranscriptFormat.allCases {
            let path = directory.appendingPathComponent("out.\(format.rawValue)").path
            try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
            try TranscriptFixtures.lab().write(to: path)
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), TranscriptFixtures.lab().render(format))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(),
                       ["out.html", "out.ipynb", "out.md", "out.txt"])
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

    func testMarkdownWritesItsFiguresBesideItAndRemovesStaleOnes() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("my lab.md").path
        let folder = directory.appendingPathComponent("my lab_files").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["figure-9.svg", "notes.txt", "figure-x.svg"] {
            try Data("old".utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        let transcript = TranscriptFixtures.withFigures()
        try transcript.write(to: path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["figure-1.svg", "figure-2.svg", "figure-x.svg", "notes.txt"], "stale figure-9 removed, others kept")
        XCTAssertEqual(try String(contentsOfFile: folder + "/figure-1.svg", encoding: .utf8), TranscriptFixtures.lossSVG)
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(markdown.contains("![loss (cross\\_entropy)](my%20lab_files/figure-1.svg)"), markdown)
        XCTAssertTrue(markdown.contains("](my%20lab_files/figure-2.svg)"), markdown)
    }

    func testMarkdownFigureFolderIsNotMadeInAMissingDirectory() throws {
        let directory = try TranscriptFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("missing/out.md").path
        XCTAssertThrowsError(try TranscriptFixtures.withFigures().write(to: path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
    }
}
