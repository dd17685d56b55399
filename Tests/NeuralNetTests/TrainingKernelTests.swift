import XCTest
import KernelTestSupport
import TensorCore
@testable import NeuralNet

/// NeuralNet's kernels outside the step rules (StepRuleTests): ReLU, a batch's gather and the sparse form of
/// bytes, against the plain loops they stand for, bit for bit, on every build of the kernels this CPU runs.
final class TrainingKernelTests: XCTestCase {
    /// ReLU forward is Swift's max(0, x) (-0 stays -0, NaN becomes 0), backward passes g where x > 0, over
    /// lengths that take the vector and the scalar paths.
    func testReLUIsTheScalarRule() {
        var rng = SeededRandom(seed: 51)
        for n in [0, 1, 15, 16, 17, 64, 100] {
            var x = (0..<n).map { _ in Float(rng.normal()) }
            for i in stride(from: 0, to: n, by: 5) { x[i] = [0, -0.0, .nan, -.infinity, .infinity][(i / 5) % 5] }
            let g = (0..<n).map { _ in Float(rng.normal()) }
            onEveryKernelBuild { build in
                var y = [Float](repeating: 7, count: n), dx = y
                y.withUnsafeMutableBufferPointer { TrainingKernels.reluForward(n, x, $0.baseAddress!) }
                dx.withUnsafeMutableBufferPointer { TrainingKernels.reluBackward(n, input: x, gradient: g, into: $0.baseAddress!) }
                XCTAssertEqual(y.map(\.bitPattern), x.map { max(0, $0).bitPattern }, "forward, n=\(n) \(build)")
                XCTAssertEqual(dx.map(\.bitPattern), zip(x, g).map { ($0 > 0 ? $1 : 0).bitPattern }, "backward, n=\(n) \(build)")
            }
        }
    }

    /// The sparse form of bytes (counted, then packed) is the plain loops': the dense columns' bytes side by
    /// side, every other column's ink in order as column | byte << 16. A batch's three forms (row form, column
    /// form, dense block) from the gather and expansion kernels are what the plain loops give: each picked row's
    /// entries in order, regrouped by column, and its dense columns' values. The same on every build.
    func testBatchFormsAndSparseBytesAreThePlainLoops() {
        var rng = SeededRandom(seed: 52)
        let width = 40, n = 120
        var bytes = [UInt8](repeating: 0, count: n * width)
        for i in bytes.indices where rng.uniform() < (i % width < 20 ? 0.8 : 0.15) { bytes[i] = UInt8(rng.uniform(1, 256)) }
        for k in 0..<width { bytes[7 * width + k] = 0 }  // a row of background only
        let (scale, shift): (Float, Float) = (1 / (255 * 0.3081), -0.1307 / 0.3081)
        let matrix = FeatureMatrix(bytes: bytes, width: width).affine(scale: scale, shift: shift)
        let picked = [3, 7, 0, 119, 3, 42, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]
        var reference: (rows: [[UInt32]], columns: [[UInt32]], block: [UInt32])?
        onEveryKernelBuild { build in
            guard let rows = SparseRows.make(matrix) else { return XCTFail("sparse form, \(build)") }
            let dense = rows.denseColumns.map(Int.init)
            XCTAssertEqual(dense, Array(0..<20), "the frequent columns make a dense block, \(build)")
            XCTAssertNotNil(rows.affine, "an image set's palette is its affine map, \(build)")
            // The plain loops: each row's ink outside the dense columns in order as column | byte << 16, and its
            // dense columns' bytes.
            var starts = [0], entries: [UInt32] = [], codes: [UInt8] = []
            for i in 0..<n {
                for k in 0..<width where !dense.contains(k) && bytes[i * width + k] != 0 {
                    entries.append(UInt32(k) | UInt32(bytes[i * width + k]) << 16)
                }
                starts.append(entries.count)
                codes += dense.map { bytes[i * width + $0] }
            }
            XCTAssertEqual(rows.starts, starts, build)
            XCTAssertEqual(Array(rows.entries.prefix(entries.count)), entries, build)
            XCTAssertEqual(rows.denseCodes, codes, build)
            XCTAssertEqual(rows.inkCount, bytes.filter { $0 != 0 }.count, build)
            let batch = SparseBatch(rows)
            batch.select(picked[...])
            var rowForm: [[UInt32]] = [], columnForm = [[UInt32]](repeating: [], count: width)
            batch.forEachRow { _, range, packed in rowForm.append(range.map { packed.packed[$0] }) }
            batch.withColumns { cs, packed in
                for k in 0..<width { columnForm[k] = (Int(cs[k])..<Int(cs[k + 1])).map { packed.packed[$0] } }
            }
            var expectedRows: [[UInt32]] = [], expectedColumns = [[UInt32]](repeating: [], count: width)
            var expectedBlock: [Float] = []
            for (r, i) in picked.enumerated() {
                let row = Array(entries[starts[i]..<starts[i + 1]])
                for entry in row { expectedColumns[Int(entry & 0xFFFF)].append(UInt32(r) | (entry & 0xFFFF_0000)) }
                expectedRows.append(row)
                // The value - background, as the float path computes it.
                expectedBlock += dense.map { k in matrix.row(i)[k] - rows.background }
            }
            XCTAssertEqual(rowForm, expectedRows, "row form, \(build)")
            XCTAssertEqual(columnForm, expectedColumns, "column form, \(build)")
            var block: [Float] = []
            batch.withDenseBlock { b in block = Array(UnsafeBufferPointer(start: b, count: picked.count * dense.count)) }
            XCTAssertEqual(block.map(\.bitPattern), expectedBlock.map(\.bitPattern), "dense block, \(build)")
            if let reference {
                XCTAssertEqual(reference.rows, rowForm, build)
                XCTAssertEqual(reference.columns, columnForm, build)
                XCTAssertEqual(reference.block, block.map(\.bitPattern), build)
            } else {
                reference = (rowForm, columnForm, block.map(\.bitPattern))
            }
        }
    }

    /// A set read as floats (not bytes) splits the same way: its dense columns' codes side by side, the other
    /// entries as before, and the block expanded through the palette (no affine map).
    func testFloatSetsKeepTheirDenseColumnsAsCodes() {
        var rng = SeededRandom(seed: 53)
        let width = 30, n = 50
        var features = [Float](repeating: -0.5, count: n * width)
        for i in features.indices where rng.uniform() < (i % width >= 10 ? 0.9 : 0.2) { features[i] = Float(Int(rng.uniform(0, 60))) / 7 }
        guard let rows = SparseRows.make(features: features, width: width, maxDensity: 0.9) else { return XCTFail("sparse form") }
        XCTAssertEqual(rows.denseColumns.map(Int.init), Array(10..<30))
        XCTAssertNil(rows.affine)
        let batch = SparseBatch(rows)
        let picked = [4, 49, 0, 4]
        batch.select(picked[...])
        var block: [Float] = []
        batch.withDenseBlock { b in block = Array(UnsafeBufferPointer(start: b, count: picked.count * 20)) }
        let expected = picked.flatMap { i in (10..<30).map { features[i * width + $0] - rows.background } }
        XCTAssertEqual(block.map(\.bitPattern), expected.map(\.bitPattern))
        var outside: [[Int]] = []
        batch.forEachRow { _, range, packed in outside.append(range.map { Int(packed.packed[$0] & 0xFFFF) }) }
        XCTAssertEqual(outside, picked.map { i in (0..<10).filter { features[i * width + $0] != -0.5 } })
        XCTAssertEqual(rows.inkCount, features.filter { $0 != -0.5 }.count)
    }
}
