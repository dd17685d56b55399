import XCTest
import KernelTestSupport
@testable import TensorCore

final class SparseKernelTests: XCTestCase {
    /// The naive product the kernels stand for: target[k] += shift + Σ_{e in column k} values[e] · g[rows[e]],
    /// or shift + its precomputed row.
    func testSparseTransposeTimesMatchesTheNaiveSum() {
        var rng = SeededRandom(seed: 3)
        for n in [1, 5, 16, 70, 128, 130] {
            for withPrecomputed in [false, true] {
                let count = 23, batch = 9
                let s = SparseColumns(count: count, rows: batch, rng: &rng)
                let g = (0..<(batch * n)).map { _ in Float(rng.normal()) }
                let shift = (0..<n).map { _ in Float(rng.normal()) }
                let start = (0..<(count * n)).map { _ in Float(rng.normal()) }
                let slots = SparseColumns.precomputedSlots(count)
                let pre = (0..<(6 * n)).map { _ in Float(rng.normal()) }
                var fast = start
                s.transposeTimes(n: n, g: g, shift: shift, precomputed: withPrecomputed ? (slots, pre) : nil, into: &fast)
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

    /// Every build of the C kernels this CPU runs gives the portable build's numbers, bit for bit: the sparse row
    /// combinations (packed and separate entries) and the sparse-transpose product, over widths that take every
    /// path (64-lane tiles, 16-lane tiles, the scalar tail).
    func testEveryKernelBuildGivesThePortableNumbers() {
        var rng = SeededRandom(seed: 23)
        for n in [1, 5, 16, 70, 128, 130] {
            let count = 23, batch = 9
            let s = SparseColumns(count: count, rows: batch, rng: &rng)
            let g = (0..<(batch * n)).map { _ in Float(rng.normal()) }
            let shift = (0..<n).map { _ in Float(rng.normal()) }
            let start = (0..<(count * n)).map { _ in Float(rng.normal()) }
            let slots = SparseColumns.precomputedSlots(count)
            let pre = (0..<(6 * n)).map { _ in Float(rng.normal()) }
            let rows = (0..<(count * n)).map { _ in Float(rng.normal()) }
            let base = (0..<n).map { _ in Float(rng.normal()) }
            func compute() -> [[UInt32]] {
                var product = start, packedOut = [Float](repeating: 0, count: n), separateOut = packedOut
                s.transposeTimes(n: n, g: g, shift: shift, precomputed: (slots, pre), into: &product)
                // The entries of the first 12 columns, read as (row of `rows`, value) pairs.
                let entries = 0..<Int(s.starts[12])
                packedOut.withUnsafeMutableBufferPointer { out in s.withEntries { packed in
                    Kernels.sparseRowCombination(n: n, base: base, entries: entries, packed: packed, rows: rows, stride: n,
                                                 out: out.baseAddress!)
                } }
                separateOut.withUnsafeMutableBufferPointer { out in
                    Kernels.sparseRowCombination(n: n, base: base, entries: entries, columns: s.rows, values: s.values,
                                                 rows: rows, out: out.baseAddress!)
                }
                return [product, packedOut, separateOut].map { $0.map(\.bitPattern) }
            }
            assertEveryKernelBuildMatchesPortable("n=\(n)", compute)
        }
    }

    /// On x86-64 the AVX2 build runs wherever AVX2 and FMA are, and AVX-512 only with its register state on.
    func testBuildsFollowTheCPUFeatures() {
        XCTAssertTrue(Kernels.InstructionSet.portable.isAvailable)
        #if arch(x86_64)
        XCTAssertEqual(Kernels.InstructionSet.avx2.isAvailable, CPU.features.isSuperset(of: [.avx2, .fma]))
        XCTAssertEqual(Kernels.InstructionSet.avx512.isAvailable, CPU.features.isSuperset(of: [.avx512f, .avx512bw, .avx512vl, .avx512dq, .fma]))
        #endif
        XCTAssertTrue(Kernels.InstructionSet.chosen.isAvailable)
    }
}
