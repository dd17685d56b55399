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

    /// out[0..<n] = base[0..<n] + Σ_e values[e] · rows[columns[e]][0..<n], with `rows` a row-major matrix of
    /// width `n`. Keeps a 64-wide tile of the output in registers while streaming the selected rows.
    public static func sparseRowCombination(n: Int, base: UnsafePointer<Float>, entries: Range<Int>,
                                            columns: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                            rows: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 64 <= n {
            var a0 = load(base + j), a1 = load(base + j + 16), a2 = load(base + j + 32), a3 = load(base + j + 48)
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
            for e in entries {
                a = a.addingProduct(V(repeating: values[e]), load(rows + Int(columns[e]) * n + j))
            }
            store(a, out + j)
            j += 16
        }
        while j < n {
            var s = base[j]
            for e in entries { s += values[e] * rows[Int(columns[e]) * n + j] }
            out[j] = s
            j += 1
        }
    }


    /// A sparse matrix S (`count` columns in compressed form: column k holds the entries starts[k]..<starts[k+1],
    /// each a row index and a value) times a dense row-major matrix w (count x n), added to out (rows x n):
    /// out[rows[e]][0..<n] += values[e] · w[k][0..<n]. Column-major order means each row of w is read once,
    /// from wherever it lives, while the rows of `out` it touches are updated in a 64-column tile that stays in
    /// L1 (64 batch rows x 64 floats = 16 KB): the forward pass of a layer whose input batch is mostly background.
    public static func sparseColumnsTimes(n: Int, count: Int, starts: UnsafePointer<Int32>, rows: UnsafePointer<Int32>,
                                          values: UnsafePointer<Float>, w: UnsafePointer<Float>,
                                          out: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 64 <= n {
            for k in 0..<count {
                let lo = Int(starts[k]), hi = Int(starts[k + 1])
                if lo == hi { continue }
                let wk = w + k * n + j
                let w0 = load(wk), w1 = load(wk + 16), w2 = load(wk + 32), w3 = load(wk + 48)
                for e in lo..<hi {
                    let v = V(repeating: values[e])
                    let o = out + Int(rows[e]) * n + j
                    store(load(o).addingProduct(v, w0), o)
                    store(load(o + 16).addingProduct(v, w1), o + 16)
                    store(load(o + 32).addingProduct(v, w2), o + 32)
                    store(load(o + 48).addingProduct(v, w3), o + 48)
                }
            }
            j += 64
        }
        while j + 16 <= n {
            for k in 0..<count {
                let lo = Int(starts[k]), hi = Int(starts[k + 1])
                if lo == hi { continue }
                let wk = load(w + k * n + j)
                for e in lo..<hi {
                    let o = out + Int(rows[e]) * n + j
                    store(load(o).addingProduct(V(repeating: values[e]), wk), o)
                }
            }
            j += 16
        }
        if j < n {
            for k in 0..<count {
                for e in Int(starts[k])..<Int(starts[k + 1]) {
                    let v = values[e], o = out + Int(rows[e]) * n, wk = w + k * n
                    for jj in j..<n { o[jj] += v * wk[jj] }
                }
            }
        }
    }

    /// The transpose side of `sparseColumnsTimes`, for the weight gradient: for every k < count,
    /// target[k][0..<n] += shift[0..<n] + Σ_{e in column k} values[e] · g[rows[e]][0..<n]. Each row of `target`
    /// is read and written once; the sum builds up in registers from rows of g (one batch, in L1).
    public static func sparseColumnsTransposeTimes(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                   rows: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                                   g: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                                   target: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 64 <= n {
            let s0 = load(shift + j), s1 = load(shift + j + 16), s2 = load(shift + j + 32), s3 = load(shift + j + 48)
            for k in 0..<count {
                let t = target + k * n + j
                var a0 = load(t) + s0, a1 = load(t + 16) + s1, a2 = load(t + 32) + s2, a3 = load(t + 48) + s3
                for e in Int(starts[k])..<Int(starts[k + 1]) {
                    let v = V(repeating: values[e])
                    let gr = g + Int(rows[e]) * n + j
                    a0 = a0.addingProduct(v, load(gr))
                    a1 = a1.addingProduct(v, load(gr + 16))
                    a2 = a2.addingProduct(v, load(gr + 32))
                    a3 = a3.addingProduct(v, load(gr + 48))
                }
                store(a0, t); store(a1, t + 16); store(a2, t + 32); store(a3, t + 48)
            }
            j += 64
        }
        while j + 16 <= n {
            let s0 = load(shift + j)
            for k in 0..<count {
                let t = target + k * n + j
                var a = load(t) + s0
                for e in Int(starts[k])..<Int(starts[k + 1]) {
                    a = a.addingProduct(V(repeating: values[e]), load(g + Int(rows[e]) * n + j))
                }
                store(a, t)
            }
            j += 16
        }
        if j < n {
            for k in 0..<count {
                let t = target + k * n
                for jj in j..<n { t[jj] += shift[jj] }
                for e in Int(starts[k])..<Int(starts[k + 1]) {
                    let v = values[e], gr = g + Int(rows[e]) * n
                    for jj in j..<n { t[jj] += v * gr[jj] }
                }
            }
        }
    }
}
