import CBLAS

/// Vector kernels written with explicit SIMD and fused multiply-add, for the loops BLAS does not cover
/// (sparse-times-dense rows). `n` need not be a multiple of 16: the tail is done one element at a time.
public enum Kernels {
    public typealias V = SIMD16<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// Asks the CPU to bring the cache line at `address` in ahead of use; it never faults.
    @inlinable @inline(__always)
    public static func prefetch(_ address: UnsafeRawPointer) { nnlab_prefetch(address) }

    /// y[0..<n] += a * x[0..<n]
    @inline(__always)
    public static func axpy(_ n: Int, _ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        var j = 0
        let av = V(repeating: a)
        while j + 16 <= n {
            store(load(y + j).addingProduct(av, load(x + j)), y + j)
            j += 16
        }
        while j < n { y[j] += a * x[j]; j += 1 }
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

    /// out[0..<n] = base[0..<n] (+ shift[0..<n]) + Σ_e values[e] · rows[columns[e]][0..<n], with `rows` a row-major
    /// matrix of width `n`. Keeps a 64-wide tile of the output in registers while streaming the selected rows.
    /// `out` may be `base` (an update in place).
    public static func sparseRowCombination(n: Int, base: UnsafePointer<Float>, shift: UnsafePointer<Float>? = nil,
                                            entries: Range<Int>, columns: UnsafePointer<Int32>,
                                            values: UnsafePointer<Float>, rows: UnsafePointer<Float>,
                                            out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 64 <= n {
            var a0 = load(base + j), a1 = load(base + j + 16), a2 = load(base + j + 32), a3 = load(base + j + 48)
            if let s = shift { a0 += load(s + j); a1 += load(s + j + 16); a2 += load(s + j + 32); a3 += load(s + j + 48) }
            for e in entries {
                let v = V(repeating: values[e])
                let r = rows + Int(columns[e]) * n + j
                a0 = a0.addingProduct(v, load(r))
                a1 = a1.addingProduct(v, load(r + 16))
                a2 = a2.addingProduct(v, load(r + 32))
                a3 = a3.addingProduct(v, load(r + 48))
            }
            store(a0, out + j); store(a1, out + j + 16); store(a2, out + j + 32); store(a3, out + j + 48)
            j += 64
        }
        while j + 16 <= n {
            var a = load(base + j)
            if let s = shift { a += load(s + j) }
            for e in entries {
                a = a.addingProduct(V(repeating: values[e]), load(rows + Int(columns[e]) * n + j))
            }
            store(a, out + j)
            j += 16
        }
        while j < n {
            var s = base[j]
            if let shift { s += shift[j] }
            for e in entries { s += values[e] * rows[Int(columns[e]) * n + j] }
            out[j] = s
            j += 1
        }
    }


    /// A sparse matrix S given by columns (column k holds the entries starts[k]..<starts[k+1], each a row index and
    /// a value), transposed, times a dense row-major g (rows x n), added to target (count x n) with `shift` on
    /// every row: for every k < count,
    /// target[k][0..<n] += shift[0..<n] + Σ_{e in column k} values[e] · g[rows[e]][0..<n]. Each row of `target`
    /// is read and written once; the sum builds up in registers from rows of g (one batch, in L1).
    public static func sparseColumnsTransposeTimes(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                   rows: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                                   g: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                                   target: UnsafeMutablePointer<Float>) {
        // Row k of the target is row k of the sparse matrix's transpose times g: a sparse row combination of
        // g's rows, added onto itself.
        for k in 0..<count {
            let t = target + k * n
            sparseRowCombination(n: n, base: t, shift: shift, entries: Int(starts[k])..<Int(starts[k + 1]),
                                 columns: rows, values: values, rows: g, out: t)
        }
    }
}
