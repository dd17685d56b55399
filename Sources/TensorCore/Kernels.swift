import CKernels
import CPlatform
#if canImport(Glibc)
import Glibc
#endif

/// Vector kernels for the loops BLAS does not cover (sparse-times-dense rows). `n` need not be a multiple of 16:
/// the tail is done one element at a time.
///
/// The sparse kernels are C (CKernels), built once per instruction set from one body: AVX-512 and AVX2+FMA on
/// x86-64, and a portable build; `instructionSet` picks one for this CPU at run time. Every build gives the same
/// numbers, bit for bit (tested), so the choice changes only the speed. What each computes, as the plain loop it
/// stands for, is in its documentation here.
public enum Kernels {
    public typealias V = SIMD16<Float>

    /// The builds of the C kernels: what the CPU needs for each.
    public enum InstructionSet: Int32, Sendable, CaseIterable, CustomStringConvertible {
        case portable = 0, avx2 = 1, avx512 = 2

        /// Whether this CPU can run the build (and this binary has it: AVX2 and AVX-512 on x86-64 only).
        public var isAvailable: Bool {
            guard nnlab_tensor_kernels_for(rawValue) != nil else { return false }
            switch self {
            case .portable: return true
            case .avx2: return CPU.features.isSuperset(of: [.avx2, .fma])
            case .avx512: return CPU.features.isSuperset(of: [.avx512f, .avx512bw, .avx512vl, .avx512dq, .avx2, .fma])
            }
        }

        public var description: String {
            switch self {
            case .portable:
                #if arch(x86_64)
                return "portable (SSE2)"
                #elseif arch(arm64)
                return "portable (NEON)"
                #else
                return "portable"
                #endif
            case .avx2: return "AVX2+FMA"
            case .avx512: return "AVX-512"
            }
        }

        /// The widest build this CPU runs, unless NNLAB_KERNELS names another it can run (portable, avx2, avx512:
        /// for measuring one against another).
        static var chosen: InstructionSet {
            if let name = getenv("NNLAB_KERNELS").map({ String(cString: $0) }),
               let asked = allCases.first(where: { "\($0)".lowercased().hasPrefix(name.lowercased()) || name == "\($0.rawValue)" }),
               asked.isAvailable {
                return asked
            }
            return allCases.last { $0.isAvailable } ?? .portable
        }
    }

    /// The build the kernels run (see `InstructionSet.chosen`). Tests set it to check each build against the others.
    nonisolated(unsafe) public static var instructionSet: InstructionSet = .chosen {
        didSet { table = nnlab_tensor_kernels_for(instructionSet.rawValue) ?? nnlab_tensor_kernels_for(0) }
    }
    nonisolated(unsafe) private static var table: UnsafePointer<nnlab_tensor_kernels> =
        nnlab_tensor_kernels_for(instructionSet.rawValue) ?? nnlab_tensor_kernels_for(0)

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Asks the CPU to bring the cache line at `address` in ahead of use; it never faults.
    @inlinable @inline(__always)
    public static func prefetch(_ address: UnsafeRawPointer) { nnlab_prefetch(address) }

    /// |v| by clearing the sign bits (one AND; the generic SIMD max/abs go lane by lane).
    @inline(__always) static func absolute(_ v: V) -> V {
        unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) & SIMD16<UInt32>(repeating: 0x7FFF_FFFF), to: V.self)
    }

    /// Σ |a[i] - b[i]| over i < n, 64 lanes at a time in four independent sums (exact for pixel values:
    /// integers whose sum stays below 2²⁴, whatever the order).
    public static func l1Distance(_ n: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        var i = 0
        while i + 64 <= n {
            s0 += absolute(load(a + i) - load(b + i))
            s1 += absolute(load(a + i + 16) - load(b + i + 16))
            s2 += absolute(load(a + i + 32) - load(b + i + 32))
            s3 += absolute(load(a + i + 48) - load(b + i + 48))
            i += 64
        }
        while i + 16 <= n {
            s0 += absolute(load(a + i) - load(b + i))
            i += 16
        }
        let total = (s0 + s1) + (s2 + s3)
        var s: Float = 0
        for lane in 0..<16 { s += total[lane] }
        while i < n { s += abs(a[i] - b[i]); i += 1 }
        return s
    }

    /// y[0..<n] += x[0..<n]
    public static func add(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        table.pointee.add_rows(n, 1, x, n, y)
    }

    /// y[0..<n] += x[r][0..<n] for r = 0, 1, ..., count - 1 in turn, the rows of x `stride` apart: the same
    /// numbers as `add` row after row, in one pass over y (Σ_rows of a matrix: a bias gradient).
    public static func addRows(_ n: Int, count: Int, _ x: UnsafePointer<Float>, stride: Int, into y: UnsafeMutablePointer<Float>) {
        table.pointee.add_rows(n, count, x, stride, y)
    }

    /// Rows `picked` of `codes` (rows of `width` codes) as floats, row after row into `out`: out[r * width + j] =
    /// palette[codes[picked[r] * width + j]]. With `affine` (scale, shift, subtract), each code's value by
    /// arithmetic instead, (Float(code) * scale + shift) - subtract, rounded after each operation: the caller
    /// knows that this is `palette` (`SparseRows` checks it for all 256 codes, with this kernel).
    public static func expandRows(_ picked: UnsafePointer<Int>, count rows: Int, of codes: UnsafePointer<UInt8>, width: Int,
                                  palette: UnsafePointer<Float>, affine: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>) {
        table.pointee.expand_rows(rows, picked, codes, width, palette, affine, out)
    }

    /// c[i][j] ← c[i][j] + Σ_{p<k} a[i][p] · b[p][j] for i < m, j < n (a: m x k, b: k x n, rows lda, ldb, ldc
    /// apart), each value a chain of fused multiply-adds in the order of p: `c.addingProduct(a, b)` for p = 0,
    /// 1, ... The sparse first layer's dense block times its rows of W (SparseLinear).
    public static func blockTimes(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
                                  ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        table.pointee.block_times(m, n, k, a, lda, b, ldb, c, ldc)
    }

    /// g[i][j] = Σ_{p<k} a[p][i] · d[p][j] for i < m, j < n (a: k x m, d: k x n), the sum from 0 by fused
    /// multiply-adds in the order of p. The dense block transposed times dy: its rows of dW (SparseLinear).
    public static func blockTransposeTimes(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, d: UnsafePointer<Float>,
                                           ldd: Int, g: UnsafeMutablePointer<Float>, ldg: Int) {
        table.pointee.block_transpose_times(m, n, k, a, lda, d, ldd, g, ldg)
    }

    /// out[i] = Float(bytes[i]) * scale + shift for i < count (rounded after the product and after the sum).
    public static func bytesToFloats(_ count: Int, _ bytes: UnsafePointer<UInt8>, scale: Float, shift: Float,
                                     into out: UnsafeMutablePointer<Float>) {
        table.pointee.bytes_to_floats(count, bytes, scale, shift, out)
    }

    /// Entries packed as index | code << 16, the value palette[code].
    public struct PackedEntries {
        public let packed: UnsafePointer<UInt32>
        public let palette: UnsafePointer<Float>
        public init(_ packed: UnsafePointer<UInt32>, palette: UnsafePointer<Float>) {
            self.packed = packed
            self.palette = palette
        }
    }

    /// out[0..<n] = base[0..<n] + Σ_e values[e] · rows[columns[e]][0..<n] over e in `entries`, with `rows` a
    /// row-major matrix whose rows are `stride` apart (n when nil: all of each row). `out` may be `base` (an
    /// update in place). The plain loop it stands for, per column j:
    ///     s = base[j];  for e in entries { s += values[e] * rows[columns[e]][j] };  out[j] = s
    /// except that 16 columns at a time (all but the last n % 16) accumulate with fused multiply-adds, a 64-wide
    /// tile of the output kept in registers while the selected rows stream past.
    public static func sparseRowCombination(n: Int, base: UnsafePointer<Float>,
                                            entries: Range<Int>, columns: UnsafePointer<Int32>,
                                            values: UnsafePointer<Float>, rows: UnsafePointer<Float>,
                                            stride: Int? = nil, out: UnsafeMutablePointer<Float>) {
        table.pointee.row_combination_separate(n, base, entries.lowerBound, entries.upperBound, columns, values, rows,
                                               stride ?? n, out)
    }

    /// The same with packed entries (column | code << 16).
    public static func sparseRowCombination(n: Int, base: UnsafePointer<Float>, entries: Range<Int>,
                                            packed: PackedEntries, rows: UnsafePointer<Float>, stride: Int,
                                            out: UnsafeMutablePointer<Float>) {
        table.pointee.row_combination_packed(n, base, entries.lowerBound, entries.upperBound, packed.packed,
                                             packed.palette, rows, stride, out)
    }

    /// Rows of a sparse-transpose product computed elsewhere: row slots[k] of `rows` (`stride` apart) for the
    /// columns k with slots[k] ≥ 0.
    public struct Precomputed {
        public var slots: UnsafePointer<Int32>
        public var rows: UnsafePointer<Float>
        public var stride: Int
        public init(slots: UnsafePointer<Int32>, rows: UnsafePointer<Float>, stride: Int) {
            self.slots = slots
            self.rows = rows
            self.stride = stride
        }
    }

    /// A sparse matrix S given by columns (column k holds the entries starts[k]..<starts[k+1], each a row index and
    /// a value), transposed, times a dense row-major g (rows x n), added to target (count x n) with `shift` on
    /// every row: for every k < count,
    ///     target[k][0..<n] += shift[0..<n] + Σ_{e in column k} values[e] · g[rows[e]][0..<n]
    /// (the sum built from `shift` up, with fused multiply-adds as in `sparseRowCombination`, then added to the
    /// row). Each row of `target` is read and written once; the sum builds up in registers from rows of g (one
    /// batch, in L1). `precomputed` columns (slots[k] ≥ 0) have no entries: their sum is row slots[k] of `rows`
    /// (made by BLAS from a dense block), and target[k] += shift + that row. The entries are packed: the row
    /// index | palette code << 16.
    public static func sparseColumnsTransposeTimes(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                   entries: PackedEntries,
                                                   g: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                                   precomputed: Precomputed? = nil, target: UnsafeMutablePointer<Float>) {
        table.pointee.transpose_add(n, count, starts, entries.packed, entries.palette, g, n, shift, precomputed?.slots,
                                    precomputed?.rows, precomputed?.stride ?? 0, target, n)
    }
}
