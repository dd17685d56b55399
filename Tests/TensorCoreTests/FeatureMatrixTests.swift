import XCTest
@testable import TensorCore

final class FeatureMatrixTests: XCTestCase {
    let bytes: [UInt8] = [0, 10, 255, 0, 3, 0, 128, 7, 0, 0, 0, 1]

    func testByteStorageReadsLikeTheFloatsItStandsFor() {
        let scale: Float = 1 / (255 * 0.3081), shift: Float = -0.1307 / 0.3081
        let compact = FeatureMatrix(bytes: bytes, width: 4).affine(scale: scale, shift: shift)
        // The float path: bytes to floats, then the same map applied to each value.
        let dense = FeatureMatrix(floats: bytes.map(Float.init), width: 4).affine(scale: scale, shift: shift)
        XCTAssertTrue(compact.isCompact)
        XCTAssertFalse(dense.isCompact)
        XCTAssertEqual(compact.count, 3)
        XCTAssertEqual(compact.storedBytes, 12)
        XCTAssertEqual(compact.floats, dense.floats, "bit for bit")
        for i in 0..<3 {
            XCTAssertEqual(compact.row(i), dense.row(i))
            for k in 0..<4 { XCTAssertEqual(compact[i, k], dense[i, k]) }
        }
        // Composition: undoing and redoing a map stays byte-backed.
        let twice = compact.affine(scale: 2, shift: 1)
        XCTAssertTrue(twice.isCompact)
        XCTAssertEqual(twice[0, 2], (Float(255) * scale + shift) * 2 + 1, accuracy: 1e-5)
    }

    func testRowsAndAppendingKeepTheStorage() {
        let m = FeatureMatrix(bytes: bytes, width: 4, scale: 0.5, shift: -1)
        let picked = m.rows([2, 0, 2])
        XCTAssertTrue(picked.isCompact)
        XCTAssertEqual(picked.count, 3)
        XCTAssertEqual(picked.row(0), m.row(2))
        XCTAssertEqual(picked.row(1), m.row(0))
        let joined = m.appending(picked)
        XCTAssertTrue(joined.isCompact)
        XCTAssertEqual(joined.count, 6)
        XCTAssertEqual(joined.row(5), m.row(2))
        // Different maps: the result falls back to floats with the right values.
        let mixed = m.appending(FeatureMatrix(bytes: bytes, width: 4))
        XCTAssertFalse(mixed.isCompact)
        XCTAssertEqual(mixed.row(3), [0, 10, 255, 0])
        XCTAssertEqual(mixed.row(0), m.row(0))
        var out = [Float](repeating: 9, count: 6)
        out.withUnsafeMutableBufferPointer { m.copyRow(1, into: $0.baseAddress! + 1) }
        XCTAssertEqual(out, [9, 0.5, -1, 63, 2.5, 9])
    }
}
