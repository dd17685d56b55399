import XCTest
import TensorCore

// What the kernel tests of TensorCore and NeuralNet share: running a test on every build of the C kernels, and
// the sparse matrix in columns that the sparse products and the fused steps are checked on. A library target of
// its own (no tests), so each test target imports it rather than keeping a copy.

/// Runs `body` once for each build of the C kernels this CPU runs (portable, AVX2+FMA, AVX-512), then goes back
/// to the chosen one. A failure's message says which build: `body` gets its name.
public func onEveryKernelBuild(_ body: (String) -> Void) {
    let chosen = Kernels.instructionSet
    defer { Kernels.instructionSet = chosen }
    for isa in Kernels.InstructionSet.allCases where isa.isAvailable {
        Kernels.instructionSet = isa
        body("kernels \(isa)")
    }
}

/// Asserts that `compute` gives the portable build's result, exactly, on every other build this CPU runs;
/// `label` names the case in a failure's message (the build's name is added).
public func assertEveryKernelBuildMatchesPortable<T: Equatable>(_ label: String, file: StaticString = #filePath,
                                                                line: UInt = #line, _ compute: () -> T) {
    let chosen = Kernels.instructionSet
    defer { Kernels.instructionSet = chosen }
    Kernels.instructionSet = .portable
    let portable = compute()
    for isa in Kernels.InstructionSet.allCases where isa.isAvailable {
        Kernels.instructionSet = isa
        XCTAssertEqual(compute(), portable, "\(label) \(isa)", file: file, line: line)
    }
}

/// A sparse matrix in columns: `count` columns over `rows` rows, about a third of the entries set; none in
/// the columns `precomputedSlots` gives a slot (every fourth, from column 2). Each entry's value is one of a
/// palette of 256; `packed` holds the entries as the kernels read them (row | code << 16).
public struct SparseColumns {
    public private(set) var starts: [Int32] = [0], rows: [Int32] = [], values: [Float] = [], packed: [UInt32] = [],
                            palette: [Float] = []
    public let count: Int

    public init(count: Int, rows: Int, rng: inout SeededRandom) {
        self.count = count
        palette = (0..<256).map { _ in Float(rng.normal()) }
        for k in 0..<count {
            for r in 0..<rows where rng.uniform() < (k % 7 == 0 || k % 4 == 2 ? 0 : 0.35) {
                let code = Int(rng.uniform(0, 256)) & 255
                self.rows.append(Int32(r))
                values.append(palette[code])
                packed.append(UInt32(r) | UInt32(code) << 16)
            }
            starts.append(Int32(self.rows.count))
        }
        packed.append(0)
    }

    /// Slots of the precomputed columns (every fourth from column 2), -1 for the others.
    public static func precomputedSlots(_ count: Int) -> [Int32] { (0..<count).map { $0 % 4 == 2 ? Int32($0 / 4) : -1 } }

    /// Calls `body` with the packed entries.
    public func withEntries<T>(_ body: (Kernels.PackedEntries) -> T) -> T {
        packed.withUnsafeBufferPointer { p in palette.withUnsafeBufferPointer { body(Kernels.PackedEntries(p.baseAddress!, palette: $0.baseAddress!)) } }
    }

    /// target[k] += shift + Σ_{e in column k} values[e] · g[rows[e]] through `Kernels.sparseColumnsTransposeTimes`,
    /// or shift + its precomputed row (`precomputed`: the slots, and rows `n` floats apart) for a column with a slot.
    public func transposeTimes(n: Int, g: [Float], shift: [Float], precomputed: (slots: [Int32], rows: [Float])?,
                               into target: inout [Float]) {
        let slots = precomputed?.slots ?? [], pre = precomputed?.rows ?? []
        target.withUnsafeMutableBufferPointer { t in
            slots.withUnsafeBufferPointer { sl in pre.withUnsafeBufferPointer { pr in withEntries { entries in
                Kernels.sparseColumnsTransposeTimes(
                    n: n, count: count, starts: starts, entries: entries, g: g, shift: shift,
                    precomputed: precomputed == nil ? nil : Kernels.Precomputed(slots: sl.baseAddress!, rows: pr.baseAddress!, stride: n),
                    target: t.baseAddress!)
            } } }
        }
    }
}
