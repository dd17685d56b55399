import XCTest
@testable import TensorCore

final class SparseKernelTests: XCTestCase {
    /// A sparse matrix in columns: `count` columns over `rows` rows, about a third of the entries set; none in
    /// the columns `precomputedSlots` gives a slot (every fourth, from column 2). Each entry's value is one of a
    /// palette of 256; `packed` holds the entries as the kernels read them (row | code << 16).
    private struct Columns {
        var starts: [Int32] = [0], rows: [Int32] = [], values: [Float] = [], packed: [UInt32] = [], palette: [Float] = []
        /// Calls `body` with the packed entries.
        func withEntries<T>(_ body: (Kernels.PackedEntries) -> T) -> T {
            packed.withUnsafeBufferPointer { p in palette.withUnsafeBufferPointer { body(Kernels.PackedEntries(p.baseAddress!, palette: $0.baseAddress!)) } }
        }
    }

    private func sparseColumns(count: Int, rows: Int, rng: inout SeededRandom) -> Columns {
        var c = Columns()
        c.palette = (0..<256).map { _ in Float(rng.normal()) }
        for k in 0..<count {
            for r in 0..<rows where rng.uniform() < (k % 7 == 0 || k % 4 == 2 ? 0 : 0.35) {
                let code = Int(rng.uniform(0, 256)) & 255
                c.rows.append(Int32(r))
                c.values.append(c.palette[code])
                c.packed.append(UInt32(r) | UInt32(code) << 16)
            }
            c.starts.append(Int32(c.rows.count))
        }
        c.packed.append(0)
        return c
    }

    /// Slots of the precomputed columns (every fourth from column 2), -1 for the others.
    private func precomputedSlots(_ count: Int) -> [Int32] { (0..<count).map { $0 % 4 == 2 ? Int32($0 / 4) : -1 } }

    /// The naive product the kernels stand for: target[k] += shift + Σ_{e in column k} values[e] · g[rows[e]],
    /// or shift + its precomputed row.
    func testSparseTransposeTimesMatchesTheNaiveSum() {
        var rng = SeededRandom(seed: 3)
        for n in [1, 5, 16, 70, 128, 130] {
            for withPrecomputed in [false, true] {
                let count = 23, batch = 9
                let s = sparseColumns(count: count, rows: batch, rng: &rng)
                let g = (0..<(batch * n)).map { _ in Float(rng.normal()) }
                let shift = (0..<n).map { _ in Float(rng.normal()) }
                let start = (0..<(count * n)).map { _ in Float(rng.normal()) }
                let slots = precomputedSlots(count)
                let pre = (0..<(6 * n)).map { _ in Float(rng.normal()) }
                var fast = start
                fast.withUnsafeMutableBufferPointer { t in
                    slots.withUnsafeBufferPointer { sl in pre.withUnsafeBufferPointer { pr in s.withEntries { entries in
                        Kernels.sparseColumnsTransposeTimes(
                            n: n, count: count, starts: s.starts, entries: entries, g: g, shift: shift,
                            precomputed: withPrecomputed ? Kernels.Precomputed(slots: sl.baseAddress!, rows: pr.baseAddress!, stride: n) : nil,
                            target: t.baseAddress!)
                    } } }
                }
                for k in 0..<count {
                    for j in 0..<n {
                        var sum = shift[j]
                        if withPrecomputed && slots[k] >= 0 { sum += pre[Int(slots[k]) * n + j] }
                        for e in Int(s.starts[k])..<Int(s.starts[k + 1]) { sum += s.values[e] * g[Int(s.rows[e]) * n + j] }
                        XCTAssertEqual(fast[k * n + j], start[k * n + j] + sum, accuracy: 1e-4, "n=\(n) k=\(k) j=\(j)")
                    }
                }
            }
        }
    }

    /// The vector square root is Float.squareRoot lane by lane, zeros, subnormals and infinities included.
    func testVectorSquareRootMatchesFloatSquareRoot() {
        let values: [Float] = [0, -0.0, 1, 2, Float(1e-40 as Double), Float.leastNonzeroMagnitude, 3.4e38, .infinity, 0.25, 1e-8,
                               123.456, 7, 1e10, 5e-20, 0.5, 9]
        let roots = Kernels.squareRoot(Kernels.V(values))
        for (i, x) in values.enumerated() { XCTAssertEqual(roots[i].bitPattern, x.squareRoot().bitPattern, "√\(x)") }
        XCTAssertTrue(Kernels.squareRoot(Kernels.V(repeating: -1))[0].isNaN)
    }
}
