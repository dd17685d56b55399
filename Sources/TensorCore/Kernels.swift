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

    /// For each entry e: target[columns[e]][0..<n] += values[e] · g[0..<n] (the sparse outer-product update of a
    /// weight gradient). `g` stays in registers, 64 columns at a time.
    public static func sparseOuterAccumulate(n: Int, g: UnsafePointer<Float>, entries: Range<Int>,
                                             columns: UnsafePointer<Int32>, values: UnsafePointer<Float>,
                                             target: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 64 <= n {
            let g0 = load(g + j), g1 = load(g + j + 16), g2 = load(g + j + 32), g3 = load(g + j + 48)
            for e in entries {
                let v = V(repeating: values[e])
                let t = target + Int(columns[e]) * n + j
                store(load(t).addingProduct(v, g0), t)
                store(load(t + 16).addingProduct(v, g1), t + 16)
                store(load(t + 32).addingProduct(v, g2), t + 32)
                store(load(t + 48).addingProduct(v, g3), t + 48)
            }
            j += 64
        }
        while j + 16 <= n {
            let gv = load(g + j)
            for e in entries {
                let t = target + Int(columns[e]) * n + j
                store(load(t).addingProduct(V(repeating: values[e]), gv), t)
            }
            j += 16
        }
        if j < n {
            for e in entries {
                let v = values[e]
                let t = target + Int(columns[e]) * n
                for jj in j..<n { t[jj] += v * g[jj] }
            }
        }
    }
}
