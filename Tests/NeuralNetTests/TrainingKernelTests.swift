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

    /// A batch's three forms (row form, column form, dense block of codes) from the gather kernel are what the
    /// plain loops give: each picked row's entries in order, split between the block and the rest, then the rest
    /// regrouped by column; the same on every build. Also the sparse form of bytes (counted, then packed).
    func testBatchFormsAndSparseBytesAreThePlainLoops() {
        var rng = SeededRandom(seed: 52)
        let width = 40, n = 120
        var bytes = [UInt8](repeating: 0, count: n * width)
        for i in bytes.indices where rng.uniform() < (i % width < 20 ? 0.8 : 0.15) { bytes[i] = UInt8(rng.uniform(1, 256)) }
        for k in 0..<width { bytes[7 * width + k] = 0 }  // a row of background only
        let matrix = FeatureMatrix(bytes: bytes, width: width).affine(scale: 1 / 255, shift: -0.2)
        // The plain loops: each row's ink in order as column | byte << 16.
        var starts = [0], entries: [UInt32] = []
        for i in 0..<n {
            for k in 0..<width where bytes[i * width + k] != 0 { entries.append(UInt32(k) | UInt32(bytes[i * width + k]) << 16) }
            starts.append(entries.count)
        }
        let picked = [3, 7, 0, 119, 3, 42, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]
        var reference: (rows: [[UInt32]], columns: [[UInt32]], codes: [UInt8])?
        onEveryKernelBuild { build in
            guard let rows = SparseRows.make(matrix) else { return XCTFail("sparse form, \(build)") }
            XCTAssertEqual(rows.starts, starts, build)
            XCTAssertEqual(Array(rows.entries.prefix(entries.count)), entries, build)
            let dense = rows.denseColumns.map(Int.init)
            XCTAssertFalse(dense.isEmpty, "the frequent columns make a dense block, \(build)")
            let batch = SparseBatch(rows)
            batch.select(picked[...])
            var rowForm: [[UInt32]] = [], columnForm = [[UInt32]](repeating: [], count: width)
            batch.forEachRow { _, range, packed in rowForm.append(range.map { packed.packed[$0] }) }
            batch.withColumns { cs, packed in
                for k in 0..<width { columnForm[k] = (Int(cs[k])..<Int(cs[k + 1])).map { packed.packed[$0] } }
            }
            // Expected: per picked row, its entries outside the dense columns; by column, (batch row | code) in
            // order of the batch rows; the block's cells the codes of the dense columns (0 where no ink).
            var expectedRows: [[UInt32]] = [], expectedColumns = [[UInt32]](repeating: [], count: width)
            var expectedCodes = [UInt8](repeating: 0, count: picked.count * dense.count)
            for (r, i) in picked.enumerated() {
                var row: [UInt32] = []
                for e in starts[i]..<starts[i + 1] {
                    let k = Int(entries[e] & 0xFFFF)
                    if let slot = dense.firstIndex(of: k) {
                        expectedCodes[r * dense.count + slot] = UInt8(entries[e] >> 16)
                    } else {
                        row.append(entries[e])
                        expectedColumns[k].append(UInt32(r) | (entries[e] & 0xFFFF_0000))
                    }
                }
                expectedRows.append(row)
            }
            XCTAssertEqual(rowForm, expectedRows, "row form, \(build)")
            XCTAssertEqual(columnForm, expectedColumns, "column form, \(build)")
            var block: [Float] = []
            batch.withDenseBlock { b in block = Array(UnsafeBufferPointer(start: b, count: picked.count * dense.count)) }
            XCTAssertEqual(block.map(\.bitPattern), expectedCodes.map { rows.palette[Int($0)].bitPattern }, "dense block, \(build)")
            if let reference {
                XCTAssertEqual(reference.rows, rowForm, build)
                XCTAssertEqual(reference.columns, columnForm, build)
            } else {
                reference = (rowForm, columnForm, expectedCodes)
            }
        }
    }
}
