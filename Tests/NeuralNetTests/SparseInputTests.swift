import XCTest
import TensorCore
@testable import NeuralNet

/// The sparse first-layer path (`SparseRows`, `SparseBatch`, `SparseLinear`) against the dense `Linear`.
final class SparseInputTests: XCTestCase {
    /// The sparse first-layer path must give the dense path's outputs and weight gradients, for a zero and a
    /// non-zero background (standardised MNIST has -0.4242).
    func testSparseForwardAndBackwardMatchDense() {
        let chosen = SparseLinear.blockProductsByKernels
        defer { SparseLinear.blockProductsByKernels = chosen }
        // The dense block's products by nnlab's kernels, and by OpenBLAS (a CPU without FMA).
        for byKernels in [true, false] {
            SparseLinear.blockProductsByKernels = byKernels
            // Output widths covering each code path of the kernels: 64-wide tiles, 16-wide tiles, the scalar tail.
            // `frequent`: how many columns have ink in most rows, so that batches carry them as a dense block
            // besides the sparse entries (16 or more such columns are needed).
            for (background, out, frequent) in [(Float(0), 70, 0), (-0.4242, 70, 0), (-0.4242, 100, 0), (0.5, 16, 0),
                                                (-0.4242, 5, 0), (-0.4242, 70, 20), (0, 100, 18), (0.5, 5, 16)] {
                var rng = SeededRandom(seed: 4)
                let width = 30
                var features = [Float](repeating: background, count: 20 * width)
                for i in features.indices where rng.uniform() < (i % width < frequent ? 0.9 : 0.2) {
                    features[i] = Float(Int(rng.uniform(-50, 100))) / 50  // at most 150 distinct values: the palette's limit is 256
                }
                // Row 19 is all background: a batch of only that row has no entries at all.
                for k in 0..<width { features[19 * width + k] = background }
                let dense = Linear(inputs: width, outputs: out, rng: &rng)
                let sparseLayer = Linear(inputs: width, outputs: out, rng: &rng)
                let sparsePath = SparseLinear(sparseLayer)
                sparseLayer.weight.value.copy(from: dense.weight.value)
                sparseLayer.bias.value.copy(from: dense.bias.value)
                let rows = SparseRows.make(features: features, width: width, maxDensity: 0.9)!
                XCTAssertEqual(rows.background, background)
                if frequent == 0 {
                    XCTAssertEqual(rows.denseColumns, [], "background \(background) out \(out)")
                } else {
                    XCTAssertGreaterThanOrEqual(rows.denseColumns.count, frequent, "background \(background) out \(out)")
                }
                let sb = SparseBatch(rows)
                // Several batches through the same SparseBatch (buffers reused, sizes change); gradients accumulate.
                for indices in [[3, 17, 0, 9, 12], [19], [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14], [19, 3, 3]] {
                    let x = Matrix(rows: indices.count, cols: width)
                    for (r, i) in indices.enumerated() { for k in 0..<width { x[r, k] = features[i * width + k] } }
                    sb.select(indices[...])
                    let yd = dense.forward(x, training: true).array
                    let ys = sparsePath.forward(sb).array
                    XCTAssertEqual(yd.count, ys.count)
                    for i in yd.indices { XCTAssertEqual(yd[i], ys[i], accuracy: 1e-4, "y[\(i)] kernels \(byKernels) background \(background) out \(out) frequent \(frequent) \(indices)") }
                    let g = Matrix(rows: indices.count, cols: out)
                    for i in 0..<g.count { g.data[i] = Float(rng.normal()) }
                    _ = dense.backward(g, needInputGradient: false)
                    sparsePath.backward(g)
                    for i in 0..<dense.weight.grad.count {
                        XCTAssertEqual(dense.weight.grad.data[i], sparseLayer.weight.grad.data[i], accuracy: 1e-3,
                                       "dW[\(i)] background \(background) out \(out) frequent \(frequent) \(indices)")
                    }
                    for (a, b) in zip(dense.bias.grad.array, sparseLayer.bias.grad.array) { XCTAssertEqual(a, b, accuracy: 1e-5) }
                }
            }
        }
    }

    /// A batch keeps its dense block as palette codes, so it needs a code for the background: with all 256
    /// codes taken by other values there is no dense block (and the layer still computes the same outputs).
    func testAFullPaletteLeavesNoDenseBlock() {
        let width = 20, n = 300
        var features = [Float](repeating: 0, count: n * width)
        var rng = SeededRandom(seed: 12)
        for r in 0..<n { for k in 0..<16 where rng.uniform() < 0.8 { features[r * width + k] = Float(1 + (r * 16 + k) % 256) } }
        let full = SparseRows.make(features: features, width: width, maxDensity: 0.9)!
        XCTAssertEqual(full.denseColumns, [], "256 distinct values besides the background: no zero code")
        let layer = Linear(inputs: width, outputs: 24, rng: &rng)
        let batch = SparseBatch(full)
        batch.select([5, 0, 299, 17][...])
        let y = SparseLinear(layer).forward(batch).array
        let x = Matrix(rows: 4, cols: width, values: [5, 0, 299, 17].flatMap { r in features[(r * width)..<((r + 1) * width)] })
        var fewer = features
        for i in fewer.indices where fewer[i] == 256 { fewer[i] = 255 }
        XCTAssertEqual(SparseRows.make(features: fewer, width: width, maxDensity: 0.9)?.denseColumns.count, 16, "255 values: a dense block")
        let expected = layer.forward(x, training: false).array
        for i in y.indices { XCTAssertEqual(y[i], expected[i], accuracy: 1e-3) }
    }

    func testSparseRowsStayDenseWithMoreThan256DistinctValues() {
        var features = [Float](repeating: 0, count: 1000 * 10)
        for i in 0..<255 { features[i * 10] = Float(i + 1) }
        let compact = SparseRows.make(features: features, width: 10)
        XCTAssertNotNil(compact, "255 values besides the background fit the palette")
        let limit: Int = 1001 * 8 + 256 * 4 + 256 * 4
        XCTAssertLessThanOrEqual(compact?.byteCount ?? Int.max, limit, "4 bytes an entry")
        for i in 255..<300 { features[i * 10] = Float(i + 1) }
        XCTAssertNil(SparseRows.make(features: features, width: 10), "300 distinct values: dense path")
    }

    func testSparseRowsFromBytesMatchTheFloatPath() {
        // 30 rows of 20 "pixels", mostly 0, normalised as MNIST is: the byte path must give the same layer
        // outputs as the float path (same background, same values).
        var rng = SeededRandom(seed: 9)
        var bytes = [UInt8](repeating: 0, count: 30 * 20)
        for i in bytes.indices where rng.uniform() < 0.25 { bytes[i] = UInt8(rng.uniform(1, 255)) }
        let matrix = FeatureMatrix(bytes: bytes, width: 20).affine(scale: 1 / (255 * 0.3081), shift: -0.1307 / 0.3081)
        let fromBytes = SparseRows.make(matrix)!
        let fromFloats = SparseRows.make(features: matrix.floats, width: 20)!
        XCTAssertEqual(fromBytes.background, fromFloats.background)
        XCTAssertEqual(fromBytes.density, fromFloats.density)
        let layer = Linear(inputs: 20, outputs: 24, rng: &rng)
        for rows in [fromBytes, fromFloats] {
            let batch = SparseBatch(rows)
            batch.select([4, 0, 29, 11][...])
            let y = SparseLinear(layer).forward(batch).array
            let x = Matrix(rows: 4, cols: 20, values: [4, 0, 29, 11].flatMap { matrix.row($0) })
            let expected = layer.forward(x, training: false).array
            for i in y.indices { XCTAssertEqual(y[i], expected[i], accuracy: 1e-4) }
        }
    }

    func testBackgroundDetection() {
        let data: [Float] = [0, 0, 0, 5, 0, 0, 0, 0, 1, 0]
        let (value, density) = data.withUnsafeBufferPointer { SparseRows.background(of: $0, width: 5) }
        XCTAssertEqual(value, 0)
        XCTAssertEqual(density, 0.2, accuracy: 1e-9)
    }
}
