import CPlatform

/// Vector kernels written with explicit SIMD and fused multiply-add, for the loops BLAS does not cover
/// (sparse-times-dense rows). `n` need not be a multiple of 16: the tail is done one element at a time.
public enum Kernels {
    public typealias V = SIMD16<Float>

    /// The instruction set these kernels are compiled for.
    public static var instructionSet: String {
        #if arch(x86_64)
        "AVX2+FMA (compiled for x86-64 Haswell and later)"
        #elseif arch(arm64)
        "NEON"
        #else
        "portable"
        #endif
    }

    /// 16 floats from `p` (any alignment).
    @inlinable @inline(__always)
    public static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    /// 16 floats to `p` (any alignment).
    @inlinable @inline(__always)
    public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Asks the CPU to bring the cache line at `address` in ahead of use; it never faults.
    @inlinable @inline(__always)
    public static func prefetch(_ address: UnsafeRawPointer) { nnlab_prefetch(address) }

    /// Lane-wise square root (exact, as Float.squareRoot) through vector instructions (`nnlab_sqrt16`).
    @inlinable @inline(__always)
    public static func squareRoot(_ v: V) -> V {
        var x = v
        withUnsafeMutablePointer(to: &x) {
            let p = UnsafeMutableRawPointer($0).assumingMemoryBound(to: Float.self)
            nnlab_sqrt16(p, p)
        }
        return x
    }

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
    @inline(__always)
    public static func add(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 16 <= n {
            store(load(y + j) + load(x + j), y + j)
            j += 16
        }
        while j < n { y[j] += x[j]; j += 1 }
    }

    /// How a sparse kernel reads entry e: the row of the dense operand it selects, and its value. Two separate
    /// arrays, or one packed array (the index in the low 16 bits, a palette code above: half the bytes).
    @usableFromInline protocol EntryReader {
        func index(_ e: Int) -> Int
        func value(_ e: Int) -> Float
    }

    struct SeparateEntries: EntryReader {
        let indices: UnsafePointer<Int32>
        let values: UnsafePointer<Float>
        @inline(__always) func index(_ e: Int) -> Int { Int(indices[e]) }
        @inline(__always) func value(_ e: Int) -> Float { values[e] }
    }

    /// Entries packed as index | code << 16, the value palette[code].
    public struct PackedEntries: EntryReader {
        @usableFromInline let packed: UnsafePointer<UInt32>
        @usableFromInline let palette: UnsafePointer<Float>
        public init(_ packed: UnsafePointer<UInt32>, palette: UnsafePointer<Float>) {
            self.packed = packed
            self.palette = palette
        }
        @inlinable @inline(__always) func index(_ e: Int) -> Int { Int(packed[e] & 0xFFFF) }
        @inlinable @inline(__always) func value(_ e: Int) -> Float { palette[Int(packed[e] >> 16)] }
    }

    /// a += Σ_e value(e) · rows[index(e)][j..<j+64] (rows `stride` apart), in four 16-lane sums kept in
    /// registers while the selected rows stream past: the inner loop of both sparse kernels.
    @inlinable @inline(__always)
    static func accumulate64<R: EntryReader>(_ a: inout (V, V, V, V), entries: Range<Int>, _ reader: R,
                                             rows: UnsafePointer<Float>, stride: Int, at j: Int) {
        var (a0, a1, a2, a3) = a
        for e in entries {
            let v = V(repeating: reader.value(e))
            let r = rows + reader.index(e) * stride + j
            a0 = a0.addingProduct(v, load(r))
            a1 = a1.addingProduct(v, load(r + 16))
            a2 = a2.addingProduct(v, load(r + 32))
            a3 = a3.addingProduct(v, load(r + 48))
        }
        a = (a0, a1, a2, a3)
    }

    /// out[0..<n] = base[0..<n] + Σ_e values[e] · rows[columns[e]][0..<n], with `rows` a row-major
    /// matrix whose rows are `stride` apart (n when nil: all of each row). Keeps a 64-wide tile of the output in
    /// registers while streaming the selected rows. `out` may be `base` (an update in place).
    public static func sparseRowCombination(n: Int, base: UnsafePointer<Float>,
                                            entries: Range<Int>, columns: UnsafePointer<Int32>,
                                            values: UnsafePointer<Float>, rows: UnsafePointer<Float>,
                                            stride: Int? = nil, out: UnsafeMutablePointer<Float>) {
        rowCombination(n: n, base: base, entries: entries, SeparateEntries(indices: columns, values: values),
                       rows: rows, stride: stride ?? n, out: out)
    }

    /// The same with packed entries (column | code << 16).
    public static func sparseRowCombination(n: Int, base: UnsafePointer<Float>, entries: Range<Int>,
                                            packed: PackedEntries, rows: UnsafePointer<Float>, stride: Int,
                                            out: UnsafeMutablePointer<Float>) {
        rowCombination(n: n, base: base, entries: entries, packed, rows: rows, stride: stride, out: out)
    }

    @inline(__always)
    static func rowCombination<R: EntryReader>(n: Int, base: UnsafePointer<Float>, entries: Range<Int>, _ reader: R,
                                               rows: UnsafePointer<Float>, stride: Int, out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 64 <= n {
            var a = (load(base + j), load(base + j + 16), load(base + j + 32), load(base + j + 48))
            accumulate64(&a, entries: entries, reader, rows: rows, stride: stride, at: j)
            store(a.0, out + j); store(a.1, out + j + 16); store(a.2, out + j + 32); store(a.3, out + j + 48)
            j += 64
        }
        while j + 16 <= n {
            var a = load(base + j)
            for e in entries { a = a.addingProduct(V(repeating: reader.value(e)), load(rows + reader.index(e) * stride + j)) }
            store(a, out + j)
            j += 16
        }
        while j < n {
            var s = base[j]
            for e in entries { s += reader.value(e) * rows[reader.index(e) * stride + j] }
            out[j] = s
            j += 1
        }
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
    /// target[k][0..<n] += shift[0..<n] + Σ_{e in column k} values[e] · g[rows[e]][0..<n]. Each row of `target`
    /// is read and written once; the sum builds up in registers from rows of g (one batch, in L1).
    /// `precomputed` columns (slots[k] ≥ 0) have no entries: their sum is row slots[k] of `rows` (made by BLAS
    /// from a dense block), and target[k] += shift + that row.
    /// The entries are packed: the row index | palette code << 16.
    public static func sparseColumnsTransposeTimes(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                   entries: PackedEntries,
                                                   g: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                                   precomputed: Precomputed? = nil, target: UnsafeMutablePointer<Float>) {
        sparseColumnsTransposeTimes(n: n, count: count, starts: starts, entries: entries, g: g, gStride: n,
                                    shift: shift, precomputed: precomputed, into: AddInto(target: target, stride: n))
    }

    /// target[k] += the row.
    @usableFromInline struct AddInto: RowSink {
        let target: UnsafeMutablePointer<Float>
        let stride: Int
        @usableFromInline init(target: UnsafeMutablePointer<Float>, stride: Int) {
            self.target = target
            self.stride = stride
        }
        @usableFromInline @inline(__always) func finish(_ a: V, row k: Int, column j: Int) {
            let t = target + k * stride + j
            store(load(t) + a, t)
        }
        @usableFromInline @inline(__always) func finish(_ a: Float, row k: Int, column j: Int) { target[k * stride + j] += a }
    }

    /// The same product (n columns; g's rows `gStride` apart), each finished piece of row k handed to `sink`
    /// instead of added to a target: rows in order of k, each row's columns in order. Each column's numbers depend
    /// on nothing in the other columns, so a caller can take the columns in parts (and threads one part each).
    @inlinable @inline(__always)
    public static func sparseColumnsTransposeTimes<Sink: RowSink>(
        n: Int, count: Int, starts: UnsafePointer<Int32>, entries: PackedEntries,
        g: UnsafePointer<Float>, gStride: Int, shift: UnsafePointer<Float>, precomputed: Precomputed?, into sink: Sink) {
        for k in 0..<count {
            if let pre = precomputed, pre.slots[k] >= 0 {
                let row = pre.rows + Int(pre.slots[k]) * pre.stride
                var j = 0
                while j + 16 <= n { sink.finish(load(shift + j) + load(row + j), row: k, column: j); j += 16 }
                while j < n { sink.finish(shift[j] + row[j], row: k, column: j); j += 1 }
                continue
            }
            let range = Int(starts[k])..<Int(starts[k + 1])
            var j = 0
            while j + 64 <= n {
                var a = (load(shift + j), load(shift + j + 16), load(shift + j + 32), load(shift + j + 48))
                accumulate64(&a, entries: range, entries, rows: g, stride: gStride, at: j)
                sink.finish(a.0, row: k, column: j)
                sink.finish(a.1, row: k, column: j + 16)
                sink.finish(a.2, row: k, column: j + 32)
                sink.finish(a.3, row: k, column: j + 48)
                j += 64
            }
            while j + 16 <= n {
                var a = load(shift + j)
                for e in range { a = a.addingProduct(V(repeating: entries.value(e)), load(g + entries.index(e) * gStride + j)) }
                sink.finish(a, row: k, column: j)
                j += 16
            }
            while j < n {
                var a = shift[j]
                for e in range { a += entries.value(e) * g[entries.index(e) * gStride + j] }
                sink.finish(a, row: k, column: j)
                j += 1
            }
        }
    }
}

/// Where a kernel that makes a matrix row by row hands each finished piece: 16 lanes (or one) of row k, from
/// column j on. A sink that steps weights with each finished gradient row is how training code fuses its step
/// into a product without this module knowing of it.
public protocol RowSink {
    func finish(_ a: Kernels.V, row k: Int, column j: Int)
    func finish(_ a: Float, row k: Int, column j: Int)
}
