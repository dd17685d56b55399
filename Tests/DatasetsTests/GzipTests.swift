import XCTest
@testable import Datasets

final class GzipTests: TemporaryDirectoryTestCase {
    let sample: [UInt8] = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 300) }

    func testRoundTripThroughFile() throws {
        let file = path("sample.gz")
        try Gzip.writeFile(file, sample)
        let stored = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertEqual(Array(stored.prefix(2)), [0x1f, 0x8b])
        XCTAssertLessThan(stored.count, sample.count)
        XCTAssertEqual(try Gzip.readFile(file), sample)
        // No temporary files are left behind by the atomic write.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["sample.gz"])
    }

    func testRawFileIsReturnedAsIs() throws {
        let file = try write("raw.bin", sample)
        XCTAssertEqual(try Gzip.readFile(file), sample)
        XCTAssertEqual(try Gzip.readFile(try write("empty.bin", [])), [])
    }

    func testEmptyContentRoundTrips() throws {
        let file = path("empty.gz")
        try Gzip.writeFile(file, [])
        XCTAssertEqual(try Gzip.readFile(file), [])
    }

    func testConcatenatedMembers() throws {
        let first = try Gzip.compress(Array("hello ".utf8))
        let second = try Gzip.compress(Array("world".utf8))
        XCTAssertEqual(try Gzip.decompress(first + second), Array("hello world".utf8))
    }

    func testTruncatedGzip() throws {
        let compressed = try Gzip.compress(sample)
        let cut = Array(compressed.prefix(compressed.count / 2))
        let file = try write("cut.gz", cut)
        assertDataError("\(file): offset \(cut.count): gzip data ends unexpectedly (the file is truncated)") {
            try Gzip.readFile(file)
        }
    }

    func testCorruptGzip() throws {
        // A valid 10-byte gzip header followed by a deflate block of the reserved type 3.
        let corrupt: [UInt8] = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff, 0xff, 0xff]
        let file = try write("bad.gz", corrupt)
        assertDataError("\(file): offset 11: corrupt gzip data: invalid block type") { try Gzip.readFile(file) }
    }

    func testCorruptChecksum() throws {
        var compressed = try Gzip.compress(sample)
        compressed[compressed.count - 6] ^= 0xff  // inside the CRC32 trailer
        let file = try write("crc.gz", compressed)
        assertDataError("\(file): offset \(compressed.count - 4): corrupt gzip data: incorrect data check") {
            try Gzip.readFile(file)
        }
    }

    func testNotGzipForDecompress() {
        assertDataError("x: offset 0: not gzip data (missing magic bytes 1f 8b)") { try Gzip.decompress([1, 2, 3], file: "x") }
    }

    func testMissingFile() {
        let missing = path("missing.gz")
        assertDataError("no such file: \(missing)") { try Gzip.readFile(missing) }
    }

    func testDirectoryIsNotAFile() {
        assertDataError("\(directory): is a directory, not a file") { try Gzip.readFile(directory) }
    }
}
