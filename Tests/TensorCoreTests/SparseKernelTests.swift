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

    /// Every build of the C kernels this CPU runs gives the portable build's numbers, bit for bit: the sparse row
    /// combinations (packed and separate entries) and the sparse-transpose product, over widths that take every
    /// path (64-lane tiles, 16-lane tiles, the scalar tail).
    func testEveryKernelBuildGivesThePortableNumbers() {
        let chosen = Kernels.instructionSet
        defer { Kernels.instructionSet = chosen }
        var rng = SeededRandom(seed: 23)
        for n in [1, 5, 16, 70, 128, 130] {
            let count = 23, batch = 9
            let s = sparseColumns(count: count, rows: batch, rng: &rng)
            let g = (0..<(batch * n)).map { _ in Float(rng.normal()) }
            let shift = (0..<n).map { _ in Float(rng.normal()) }
            let start = (0..<(count * n)).map { _ in Float(rng.normal()) }
            let slots = precomputedSlots(count)
            let pre = (0..<(6 * n)).map { _ in Float(rng.normal()) }
            let rows = (0..<(count * n)).map { _ in Float(rng.normal()) }
            let base = (0..<n).map { _ in Float(rng.normal()) }
            func compute() -> [[UInt32]] {
                var product = start, packedOut = [Float](repeating: 0, count: n), separateOut = packedOut
                product.withUnsafeMutableBufferPointer { t in
                    slots.withUnsafeBufferPointer { sl in pre.withUnsafeBufferPointer { pr in s.withEntries { entries in
                        Kernels.sparseColumnsTransposeTimes(
                            n: n, count: count, starts: s.starts, entries: entries, g: g, shift: shift,
                            precomputed: Kernels.Precomputed(slots: sl.baseAddress!, rows: pr.baseAddress!, stride: n),
                            target: t.baseAddress!)
                    } } }
                }
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
            Kernels.instructionSet = .portable
            let portable = compute()
            for isa in Kernels.InstructionSet.allCases where isa.isAvailable {
                Kernels.instructionSet = isa
                XCTAssertEqual(compute(), portable, "n=\(n) \(isa)")
            }
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
