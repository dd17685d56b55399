import XCTest
@testable import Datasets

final class IDXTests: TemporaryDirectoryTestCase {
    let images = IDXArray(dims: [3, 2, 2], bytes: [0, 1, 2, 3, 10, 11, 12, 13, 253, 254, 255, 0])

    func testEncodeLayout() {
        XCTAssertEqual(IDX.encode(IDXArray(dims: [2], bytes: [7, 9])), [0, 0, 8, 1, 0, 0, 0, 2, 7, 9])
        XCTAssertEqual(IDX.encode(images).count, 4 + 3 * 4 + 12)
    }

    func testParseRoundTrip() throws {
        XCTAssertEqual(try IDX.parse(IDX.encode(images), file: "x"), images)
    }

    func testReadRawAndGzip() throws {
        let raw = try write("images-idx3-ubyte", IDX.encode(images))
        let gzipped = path("images-idx3-ubyte.gz")
        try Gzip.writeFile(gzipped, IDX.encode(images))
        XCTAssertEqual(try IDX.read(raw), images)
        XCTAssertEqual(try IDX.read(gzipped), images)
    }

    func testLargeDimensionsEncodeBigEndian() throws {
        let labels = IDXArray(dims: [70000], bytes: [UInt8](repeating: 3, count: 70000))
        let encoded = IDX.encode(labels)
        XCTAssertEqual(Array(encoded[4..<8]), [0x00, 0x01, 0x11, 0x70])
        XCTAssertEqual(try IDX.parse(encoded, file: "x").dims, [70000])
    }

    func testTruncatedImagesInGzip() throws {
        // The example from the spec: a test-image header with only 12 pixel bytes behind it.
        let file = path("t10k-images-idx3-ubyte.gz")
        try Gzip.writeFile(file, idxHeader([10000, 28, 28]) + [UInt8](repeating: 1, count: 12))
        assertDataError("\(file): offset 16: file ends after 12 of 7840000 pixel bytes") { try IDX.read(file) }
    }

    func testTruncatedLabels() throws {
        let file = try write("labels", idxHeader([5]) + [1, 2])
        assertDataError("\(file): offset 8: file ends after 2 of 5 label bytes") { try IDX.read(file) }
    }

    func testTruncatedHeader() {
        assertDataError("f: offset 2: file ends after 2 of 4 header bytes") { try IDX.parse([0, 0], file: "f") }
        assertDataError("f: offset 9: file ends after 9 of 16 header bytes") {
            try IDX.parse(Array(idxHeader([1, 2, 3]).prefix(9)), file: "f")
        }
    }

    func testEmptyFile() throws {
        let file = try write("empty", [])
        assertDataError("\(file): file is empty (expected an IDX header)") { try IDX.read(file) }
    }

    func testBadMagic() {
        assertDataError("f: offset 0: bad magic number 0x01020304: not an IDX file") {
            try IDX.parse([1, 2, 3, 4, 5, 6, 7, 8], file: "f")
        }
    }

    func testUnsupportedType() {
        assertDataError("f: offset 2: unsupported IDX element type 0x0D (only unsigned bytes, 0x08, are supported)") {
            try IDX.parse(idxHeader([1], type: 0x0D) + [0, 0, 0, 0], file: "f")
        }
    }

    func testBadDimensionCount() {
        assertDataError("f: offset 3: unsupported number of dimensions 0 (expected 1...16)") {
            try IDX.parse([0, 0, 8, 0], file: "f")
        }
    }

    func testDimensionProductOverflow() {
        assertDataError("f: offset 4: dimensions 4294967295 x 4294967295 x 4294967295 overflow: not a plausible IDX file") {
            try IDX.parse(idxHeader([.max, .max, .max]), file: "f")
        }
    }

    func testZeroDimensionDoesNotHideOverflow() {
        assertDataError("f: offset 4: dimensions 0 x 4294967295 x 4294967295 overflow: not a plausible IDX file") {
            try IDX.parse(idxHeader([0, .max, .max]), file: "f")
        }
        XCTAssertEqual(try IDX.parse(idxHeader([0, 28, 28]), file: "f"), IDXArray(dims: [0, 28, 28], bytes: []))
    }

    func testAbsurdSizeIsRejectedBeforeAllocating() {
        // 10^12 pixels claimed, none present: rejected by comparing with the real length.
        assertDataError("f: offset 16: file ends after 3 of 1000000000000 pixel bytes") {
            try IDX.parse(idxHeader([1_000_000, 1000, 1000]) + [1, 2, 3], file: "f")
        }
    }

    func testTrailingBytes() {
        assertDataError("f: offset 10: 2 unexpected bytes after the 2 data") {
            try IDX.parse(idxHeader([2]) + [1, 2, 3, 4], file: "f")
        }
        assertDataError("f: offset 14: 1 unexpected bytes after the 1 x 2 data") {
            try IDX.parse(idxHeader([1, 2]) + [1, 2, 3], file: "f")
        }
    }

    func testMissingFile() {
        let missing = path("absent-idx1-ubyte")
        assertDataError("no such file: \(missing)") { try IDX.read(missing) }
    }
}
