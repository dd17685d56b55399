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

    /// Lane-wise square root (exact, as Float.squareRoot) through vector instructions (`nnlab_sqrt16`).
    @inline(__always) static func squareRoot(_ v: V) -> V {
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
    protocol EntryReader {
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
        let packed: UnsafePointer<UInt32>
        let palette: UnsafePointer<Float>
        public init(_ packed: UnsafePointer<UInt32>, palette: UnsafePointer<Float>) {
            self.packed = packed
            self.palette = palette
        }
        @inline(__always) func index(_ e: Int) -> Int { Int(packed[e] & 0xFFFF) }
        @inline(__always) func value(_ e: Int) -> Float { palette[Int(packed[e] >> 16)] }
    }

    /// a += Σ_e value(e) · rows[index(e)][j..<j+64] (rows `stride` apart), in four 16-lane sums kept in
    /// registers while the selected rows stream past: the inner loop of both sparse kernels.
    @inline(__always)
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
        let sink = AddInto(target: target, stride: n)
        sparseTransposeRows(n: n, count: count, starts: starts, entries, g: g, gStride: n,
                            shift: shift, precomputed: precomputed, sink: sink)
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

    /// Where the fused step below writes: W (count rows, `stride` apart), its momentum buffer (the same shape;
    /// needed when the rule has momentum), optionally Σ_k W_k of the new weights (n values) and copies of some
    /// rows (row k to row slots[k] of `copies`, same stride, where slots[k] ≥ 0).
    public struct StepTargets {
        public var weights: UnsafeMutablePointer<Float>
        public var velocity: UnsafeMutablePointer<Float>?
        public var stride: Int
        public var sums: UnsafeMutablePointer<Float>?
        public var copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?
        public init(weights: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>?, stride: Int,
                    sums: UnsafeMutablePointer<Float>?, copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?) {
            self.weights = weights
            self.velocity = velocity
            self.stride = stride
            self.sums = sums
            self.copies = copies
        }
    }

    /// The same product (n columns; g's rows `gStride` apart), but each finished row k is a gradient that `rule`
    /// applies at once to row k of the target weights (and of their momentum buffer): the gradient is never
    /// stored, and W is read and written in the pass that makes its gradient instead of in a pass of its own.
    /// The sums are added in order of k, as `add` row after row onto zeros would. Each column's numbers depend
    /// on nothing in the other columns, so a layer can take its columns in parts (and threads one part each).
    public static func sparseColumnsTransposeTimesStep(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                       entries: PackedEntries,
                                                       g: UnsafePointer<Float>, gStride: Int, shift: UnsafePointer<Float>,
                                                       precomputed: Precomputed? = nil,
                                                       rule: SGDRule, into targets: StepTargets) {
        targets.sums?.update(repeating: 0, count: n)
        let sink = StepInto(rule: rule, weights: targets.weights,
                            velocity: rule.momentum != 0 ? targets.velocity : nil, sums: targets.sums,
                            slots: targets.copies?.slots, copies: targets.copies?.rows, stride: targets.stride)
        sparseTransposeRows(n: n, count: count, starts: starts, entries, g: g, gStride: gStride,
                            shift: shift, precomputed: precomputed, sink: sink)
    }

    /// One SGD step over n values: w, v (when the rule has momentum) and g in place, g left zeroed.
    public static func sgdStep(_ rule: SGDRule, n: Int, weights: UnsafeMutablePointer<Float>,
                               velocity: UnsafeMutablePointer<Float>?, gradient: UnsafeMutablePointer<Float>) {
        let v = rule.momentum != 0 ? velocity : nil
        var i = 0
        while i + 16 <= n {
            _ = rule.apply(load(gradient + i), weights + i, v.map { $0 + i })
            store(V(), gradient + i)
            i += 16
        }
        while i < n {
            _ = rule.apply(gradient[i], weights + i, v.map { $0 + i })
            gradient[i] = 0
            i += 1
        }
    }

    /// One Adam step over n values: w, its moments m and v, and g in place, g left zeroed.
    public static func adamStep(_ rule: AdamRule, n: Int, weights: UnsafeMutablePointer<Float>,
                                moments: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
                                gradient: UnsafeMutablePointer<Float>) {
        let (m, v) = moments
        var i = 0
        while i + 16 <= n {
            _ = rule.apply(load(gradient + i), weights + i, m + i, v + i)
            store(V(), gradient + i)
            i += 16
        }
        while i < n {
            _ = rule.apply(gradient[i], weights + i, m + i, v + i)
            gradient[i] = 0
            i += 1
        }
    }

    /// Where the rows of a sparse-transpose product go, 16 lanes (or one) at a time: row k, columns j...
    fileprivate protocol TransposeSink {
        func finish(_ a: V, row k: Int, column j: Int)
        func finish(_ a: Float, row k: Int, column j: Int)
    }

    /// target[k] += the row.
    fileprivate struct AddInto: TransposeSink {
        let target: UnsafeMutablePointer<Float>
        let stride: Int
        @inline(__always) func finish(_ a: V, row k: Int, column j: Int) {
            let t = target + k * stride + j
            store(load(t) + a, t)
        }
        @inline(__always) func finish(_ a: Float, row k: Int, column j: Int) { target[k * stride + j] += a }
    }

    /// The row is W_k's gradient: step W_k (and its velocity), add the new W_k into the sums, copy it.
    fileprivate struct StepInto: TransposeSink {
        let rule: SGDRule
        let weights: UnsafeMutablePointer<Float>
        let velocity: UnsafeMutablePointer<Float>?
        let sums: UnsafeMutablePointer<Float>?
        let slots: UnsafePointer<Int32>?
        let copies: UnsafeMutablePointer<Float>?
        let stride: Int
        @inline(__always) func finish(_ a: V, row k: Int, column j: Int) {
            let w = rule.apply(a, weights + k * stride + j, velocity.map { $0 + k * stride + j })
            if let s = sums { store(load(s + j) + w, s + j) }
            if let slots, let copies, slots[k] >= 0 { store(w, copies + Int(slots[k]) * stride + j) }
        }
        @inline(__always) func finish(_ a: Float, row k: Int, column j: Int) {
            let w = rule.apply(a, weights + k * stride + j, velocity.map { $0 + k * stride + j })
            if let s = sums { s[j] += w }
            if let slots, let copies, slots[k] >= 0 { copies[Int(slots[k]) * stride + j] = w }
        }
    }

    /// Row k of the product is row k of the sparse matrix's transpose times g: shift plus a sparse combination
    /// of g's rows (one batch, in L1), built in registers 64 columns at a time and handed to the sink; or, for a
    /// precomputed column, shift plus its row.
    @inline(__always)
    fileprivate static func sparseTransposeRows<Sink: TransposeSink, R: EntryReader>(
        n: Int, count: Int, starts: UnsafePointer<Int32>, _ reader: R,
        g: UnsafePointer<Float>, gStride: Int, shift: UnsafePointer<Float>, precomputed: Precomputed?, sink: Sink) {
        for k in 0..<count {
            if let pre = precomputed, pre.slots[k] >= 0 {
                let row = pre.rows + Int(pre.slots[k]) * pre.stride
                var j = 0
                while j + 16 <= n { sink.finish(load(shift + j) + load(row + j), row: k, column: j); j += 16 }
                while j < n { sink.finish(shift[j] + row[j], row: k, column: j); j += 1 }
                continue
            }
            let entries = Int(starts[k])..<Int(starts[k + 1])
            var j = 0
            while j + 64 <= n {
                var a = (load(shift + j), load(shift + j + 16), load(shift + j + 32), load(shift + j + 48))
                accumulate64(&a, entries: entries, reader, rows: g, stride: gStride, at: j)
                sink.finish(a.0, row: k, column: j)
                sink.finish(a.1, row: k, column: j + 16)
                sink.finish(a.2, row: k, column: j + 32)
                sink.finish(a.3, row: k, column: j + 48)
                j += 64
            }
            while j + 16 <= n {
                var a = load(shift + j)
                for e in entries { a = a.addingProduct(V(repeating: reader.value(e)), load(g + reader.index(e) * gStride + j)) }
                sink.finish(a, row: k, column: j)
                j += 16
            }
            while j < n {
                var a = shift[j]
                for e in entries { a += reader.value(e) * g[reader.index(e) * gStride + j] }
                sink.finish(a, row: k, column: j)
                j += 1
            }
        }
    }
}

/// PyTorch's Adam step for one weight, given its gradient g (step size η/(1-β₁ᵗ), 1/√(1-β₂ᵗ) precomputed for
/// the parameter's step t): g ← g + λw;  m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²;  w ← w - η' m / (√v/√(1-β₂ᵗ) + ε).
/// The same operations in the same order 16 lanes or one at a time.
public struct AdamRule: Sendable {
    public var stepSize: Float
    public var inverseSqrtCorrection: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float

    public init(stepSize: Float, inverseSqrtCorrection: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) {
        self.stepSize = stepSize
        self.inverseSqrtCorrection = inverseSqrtCorrection
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    @inline(__always)
    func apply(_ g: Kernels.V, _ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
               _ v: UnsafeMutablePointer<Float>) -> Kernels.V {
        typealias V = Kernels.V
        var wv = Kernels.load(w)
        let gi = g + V(repeating: weightDecay) * wv
        let mi = V(repeating: beta1) * Kernels.load(m) + V(repeating: 1 - beta1) * gi
        let vi = V(repeating: beta2) * Kernels.load(v) + V(repeating: 1 - beta2) * gi * gi
        Kernels.store(mi, m)
        Kernels.store(vi, v)
        wv -= V(repeating: stepSize) * mi / (Kernels.squareRoot(vi) * V(repeating: inverseSqrtCorrection) + V(repeating: epsilon))
        Kernels.store(wv, w)
        return wv
    }

    @inline(__always)
    func apply(_ g: Float, _ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
               _ v: UnsafeMutablePointer<Float>) -> Float {
        var wv = w.pointee
        let gi = g + weightDecay * wv
        let mi = beta1 * m.pointee + (1 - beta1) * gi
        let vi = beta2 * v.pointee + (1 - beta2) * gi * gi
        m.pointee = mi
        v.pointee = vi
        wv -= stepSize * mi / (vi.squareRoot() * inverseSqrtCorrection + epsilon)
        w.pointee = wv
        return wv
    }
}

/// PyTorch's SGD step for one weight, given its gradient g (learning rate η, momentum μ, weight decay λ):
/// g ← g + λw;  v ← μv + g;  w ← w - η(g + μv) with Nesterov, w ← w - ηv otherwise (no momentum: w ← w - ηg).
/// NeuralNet's `SGD` and the fused sparse backward both step through here, 16 lanes or one at a time, with
/// the same operations in the same order: the two give the same weights, bit for bit.
public struct SGDRule: Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool

    public init(learningRate: Float, momentum: Float, weightDecay: Float, nesterov: Bool) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// Steps the 16 weights at `w` (and velocities at `v`, needed when momentum ≠ 0) by gradient g; returns
    /// the new weights.
    @inline(__always)
    func apply(_ g: Kernels.V, _ w: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>?) -> Kernels.V {
        let lr = Kernels.V(repeating: learningRate), wd = Kernels.V(repeating: weightDecay)
        var wv = Kernels.load(w)
        if let v {
            let mu = Kernels.V(repeating: momentum)
            if nesterov {
                let gi = g + wd * wv
                let vi = mu * Kernels.load(v) + gi
                Kernels.store(vi, v)
                wv -= lr * (gi + mu * vi)
            } else {
                let vi = mu * Kernels.load(v) + g + wd * wv
                Kernels.store(vi, v)
                wv -= lr * vi
            }
        } else {
            wv -= lr * (g + wd * wv)
        }
        Kernels.store(wv, w)
        return wv
    }

    /// The same for one weight.
    @inline(__always)
    func apply(_ g: Float, _ w: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>?) -> Float {
        let lr = learningRate, wd = weightDecay
        var wv = w.pointee
        if let v {
            let mu = momentum
            if nesterov {
                let gi = g + wd * wv
                let vi = mu * v.pointee + gi
                v.pointee = vi
                wv -= lr * (gi + mu * vi)
            } else {
                let vi = mu * v.pointee + g + wd * wv
                v.pointee = vi
                wv -= lr * vi
            }
        } else {
            wv -= lr * (g + wd * wv)
        }
        w.pointee = wv
        return wv
    }
}
