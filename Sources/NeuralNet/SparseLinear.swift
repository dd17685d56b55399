import TensorCore

/// A model's first `Linear` layer run on sparse input batches (`SparseBatch`): the same outputs and gradients
/// as the layer gives for the dense batch, with a fraction of the work. The training engine (`SparseTraining`)
/// uses it when the training set is mostly one background value (MNIST); the layer itself knows nothing of it.
///
/// Sparse input: MNIST-like batches are mostly one background value c (0, or -0.4242 after standardisation).
/// With d = x - c sparse, x W = d W + c·1ᵀ(Σ_k W_k), so the product only touches the rows of W where a sample
/// has ink — about a fifth of them — and the same holds for the weight gradient: dW = dᵀ dy + c·1 (Σ_r dy_r).
/// The columns inked in most samples (MNIST's middle: a quarter of the pixels, three quarters of the ink) are the
/// exception: a batch keeps them as a small dense block, multiplied by those rows of W (forward) and its
/// transpose by dy (their rows of dW) with nnlab's block kernels (`Kernels.blockTimes`: register tiles, 90% of
/// the core's fp32 limit where OpenBLAS took 75% on these shapes, the same numbers on every CPU with FMA; see
/// `blockProductsByKernels`), faster than the sparse kernels, which are bound by reading rows of W from L2, and
/// cheaper to gather.
///
/// The training engine can have the optimizer's step on W done inside the backward pass
/// (`backward(_:steppingWeightsWith:state:helper:)`), and with a helper thread each thread take half of the
/// output columns (`splitColumns`, in ColumnParts.swift).
public final class SparseLinear {
    public let layer: Linear
    private var input: SparseBatch?
    let output = Matrix(rows: 0, cols: 0)
    private let columnSums = Matrix(rows: 0, cols: 0)
    /// The dense rows of W, as the last fused step left them (`backward(_:steppingWeightsWith:state:)`).
    let denseWeights = Matrix(rows: 0, cols: 0)
    /// The dense rows' part of dW in the sparse backward: the batch's dense block transposed times dy.
    let denseGradient = Matrix(rows: 0, cols: 0)
    /// Σ_k W_k as the last fused step left it.
    let weightSums = Matrix(rows: 0, cols: 0)
    /// The row base (b + c Σ_k W_k) of the sparse forward.
    let rowBase = Matrix(rows: 0, cols: 0)
    /// Set by the fused step: the number of dense rows its copies and sums were made for.
    var cachesReady: Int?
    /// While training on two threads (`splitColumns`), W and the optimizer's state live here, in two halves.
    var panels: ColumnPanels?
    var splitActive = false
    /// The call in progress (`run`), and the helper's job for it (made once): its second part.
    var partCall: PartCall?
    lazy var helperJob: (Int) -> Void = { [unowned self] _ in self.perform(1) }

    public init(_ layer: Linear) { self.layer = layer }

    var inputs: Int { layer.inputs }
    var outputs: Int { layer.outputs }

    /// The layer's `forward` on the dense batch, computed from its sparse form. `weightsUnchanged`: the caller
    /// knows W has not changed since the last `backward(_:steppingWeightsWith:state:)` on a batch of the same set, whose
    /// Σ_k W_k and copy of the dense rows then stand (the same numbers, bit for bit). With `helper` and the
    /// columns split (`splitColumns`), half of the output columns are computed there, at the same time.
    ///
    /// Every row starts as b + c Σ_k W_k (the background's contribution), then gains d W: through the block
    /// kernel for the dense columns of the batch (the block times those rows of W), through the sparse kernel for
    /// the rest. The output columns are taken in two parts (the same calls whether or not two threads run them).
    public func forward(_ x: SparseBatch, weightsUnchanged: Bool = false, helper: Helper? = nil) -> Matrix {
        input = x
        let batch = x.rows, n = outputs
        output.resize(rows: batch, cols: n)
        let dense = x.source.denseColumns
        let reuse = weightsUnchanged && cachesReady == dense.count
        let parts = columnParts(denseRows: dense.count, batch: batch)
        run(PartCall(parts: parts, batch: x, forward: true, reuse: reuse, dy: nil, rule: nil, shift: nil), helper: helper)
        // A part computed away from the output (on the helper) joins it.
        let y = output.data
        let second = parts.1
        if second.out != y + second.lanes.lowerBound {
            for r in 0..<batch {
                (y + r * n + second.lanes.lowerBound).update(from: second.out + r * second.outStride, count: second.lanes.count)
            }
        }
        return output
    }

    /// The forward pass for the columns of part `p`.
    func forwardPart(_ p: ColumnPart, _ x: SparseBatch, reuse: Bool) {
        let m = p.lanes.count, j0 = p.lanes.lowerBound, batch = x.rows
        guard m > 0 else { return }
        let dense = x.source.denseColumns
        let base = p.base
        base.update(repeating: 0, count: m)
        if x.background != 0 {
            if reuse {
                base.update(from: p.sums, count: m)
            } else {
                Kernels.addRows(m, count: inputs, p.weights, stride: p.stride, into: base)
            }
            for j in 0..<m { base[j] *= x.background }
        }
        Kernels.add(m, layer.bias.value.data + j0, base)
        if !dense.isEmpty {
            if !reuse {
                for (i, k) in dense.enumerated() { (p.dense + i * p.stride).update(from: p.weights + Int(k) * p.stride, count: m) }
            }
            for r in 0..<batch { (p.out + r * p.outStride).update(from: base, count: m) }
            x.withDenseBlock(copy: p.blockCopy) { block in
                SparseLinear.blockTimes(m: batch, n: m, k: dense.count, a: block, lda: dense.count,
                                        b: p.dense, ldb: p.stride, c: p.out, ldc: p.outStride)
            }
            x.forEachRow { r, entries, packed in
                let y = p.out + r * p.outStride
                Kernels.sparseRowCombination(n: m, base: y, entries: entries, packed: packed, rows: p.weights,
                                             stride: p.stride, out: y)
            }
        } else {
            // Row by row, the sum kept in registers: the rows of W come from L2, nothing is stored until the end.
            x.forEachRow { r, entries, packed in
                Kernels.sparseRowCombination(n: m, base: base, entries: entries, packed: packed, rows: p.weights,
                                             stride: p.stride, out: p.out + r * p.outStride)
            }
        }
    }

    /// The layer's `backward` for the last sparse batch: db += Σ_rows dy and dW += dᵀ dy + c · 1 (Σ_r dy_r),
    /// one pass over the rows of dW. No input gradient: the input is data.
    public func backward(_ dy: Matrix) {
        guard let x = input else { return }
        let n = outputs
        addBiasGradient(dy)
        let shift = backgroundShift(x, dy)
        let dense = x.source.denseColumns.count
        denseGradient.resize(rows: dense, cols: n)
        let gradientRows = denseGradient.data
        // In the same two column parts as the fused step's (the same kernel calls, so the same numbers).
        let split = columnSplit
        denseGradientRows(x, dy, lanes: 0..<split, blockCopy: 0, into: gradientRows, stride: n)
        denseGradientRows(x, dy, lanes: split..<n, blockCopy: 0, into: gradientRows + split, stride: n)
        x.withColumns { starts, packed in
            x.withDenseSlots { slots in
                let precomputed = dense > 0 ? Kernels.Precomputed(slots: slots, rows: gradientRows, stride: n) : nil
                Kernels.sparseColumnsTransposeTimes(n: n, count: inputs, starts: starts, entries: packed,
                                                    g: dy.data, shift: shift, precomputed: precomputed,
                                                    target: layer.weight.grad.data)
            }
        }
    }

    /// `backward` fused with the optimizer's step on W: each row of dW is applied to W by `rule` (its state,
    /// W's shape: SGD's momentum buffer, Adam's two moments) as soon as it is complete, instead of being added to
    /// W's gradient for a separate step to read. The same weights as `backward` then the optimizer's `update`, bit
    /// for bit, with one pass over W and no pass over dW.
    /// The bias gradient is accumulated as usual (the optimizer steps the bias). Also keeps Σ_k W_k of the new
    /// weights and a copy of the dense rows for the next forward. With `helper` and the columns split
    /// (`splitColumns`), half of W's columns are done there, at the same time.
    public func backward(_ dy: Matrix, steppingWeightsWith rule: FusedStep.Rule, state: [Matrix], helper: Helper? = nil) {
        guard let x = input else { return }
        addBiasGradient(dy)
        let shift = backgroundShift(x, dy)
        let dense = x.source.denseColumns.count
        let parts = columnParts(denseRows: dense, batch: dy.rows, state: state)
        run(PartCall(parts: parts, batch: x, forward: false, reuse: false, dy: dy, rule: rule, shift: shift), helper: helper)
        cachesReady = x.background != 0 || dense > 0 ? dense : nil
    }

    /// The fused backward for the columns of part `p`.
    func backwardPart(_ p: ColumnPart, _ x: SparseBatch, dy: Matrix, rule: FusedStep.Rule, shift: UnsafeMutablePointer<Float>) {
        guard !p.lanes.isEmpty else { return }
        let j0 = p.lanes.lowerBound, m = p.lanes.count, dense = x.source.denseColumns.count
        denseGradientRows(x, dy, lanes: p.lanes, blockCopy: p.blockCopy, into: p.denseGradient, stride: p.stride)
        x.withColumns { starts, packed in
            x.withDenseSlots { slots in
                let targets = FusedStep.Targets(weights: p.weights, state: p.state, stride: p.stride,
                                                sums: x.background != 0 ? p.sums : nil,
                                                copies: dense > 0 ? (slots, p.dense) : nil)
                let precomputed = dense > 0 ? Kernels.Precomputed(slots: slots, rows: p.denseGradient, stride: p.stride) : nil
                FusedStep.sparseColumnsTransposeTimesStep(n: m, count: inputs, starts: starts, entries: packed,
                                                          g: dy.data + j0, gStride: outputs, shift: shift + j0,
                                                          precomputed: precomputed, rule: rule, into: targets)
            }
        }
    }

    /// db += Σ_rows dy
    private func addBiasGradient(_ dy: Matrix) {
        let n = outputs, db = layer.bias.grad.data
        Kernels.addRows(n, count: dy.rows, dy.data, stride: n, into: db)
    }

    /// The dense columns' rows of dW for the columns `lanes`: the batch's dense block (copy `blockCopy`)
    /// transposed times those columns of dy (`Kernels.blockTransposeTimes`), into rows `stride` apart.
    private func denseGradientRows(_ x: SparseBatch, _ dy: Matrix, lanes: Range<Int>, blockCopy: Int,
                                   into rows: UnsafeMutablePointer<Float>, stride: Int) {
        let dense = x.source.denseColumns.count
        guard dense > 0, !lanes.isEmpty else { return }
        x.withDenseBlock(copy: blockCopy) { block in
            SparseLinear.blockTransposeTimes(m: dense, n: lanes.count, k: x.rows, a: block, lda: dense,
                                             d: dy.data + lanes.lowerBound, ldd: outputs, g: rows, ldg: stride)
        }
    }

    /// Whether the dense block's products go through nnlab's block kernels (`Kernels.blockTimes`): where the CPU
    /// has a fused multiply-add instruction. Elsewhere (x86-64 CPUs without FMA: pre-2013 cores, low-end Atom-class
    /// laptops) the kernels' fused multiply-adds would be software, ten times slower than OpenBLAS's kernels for
    /// that CPU, so OpenBLAS multiplies the block there, its sums in its own order. Every kernel build on one
    /// machine takes the same path, so the builds still give the same numbers. Tests set it to try both.
    nonisolated(unsafe) public static var blockProductsByKernels = CPU.hasFusedMultiplyAdd

    /// c ← c + a b for the dense block (a: m x k, b: k x n): `Kernels.blockTimes`, or OpenBLAS (see
    /// `blockProductsByKernels`).
    public static func blockTimes(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                           c: UnsafeMutablePointer<Float>, ldc: Int) {
        if blockProductsByKernels {
            Kernels.blockTimes(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        } else {
            BLAS.gemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: ldc)
        }
    }

    /// g = aᵀ d for the dense block (a: k x m, d: k x n): `Kernels.blockTransposeTimes`, or OpenBLAS.
    public static func blockTransposeTimes(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, d: UnsafePointer<Float>,
                                    ldd: Int, g: UnsafeMutablePointer<Float>, ldg: Int) {
        if blockProductsByKernels {
            Kernels.blockTransposeTimes(m: m, n: n, k: k, a: a, lda: lda, d: d, ldd: ldd, g: g, ldg: ldg)
        } else {
            BLAS.gemm(transA: true, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: d, ldb: ldd, beta: 0, c: g, ldc: ldg)
        }
    }

    /// c · Σ_r dy_r, the background's part of every row of dW (zeros for a zero background), in `columnSums`.
    private func backgroundShift(_ x: SparseBatch, _ dy: Matrix) -> UnsafeMutablePointer<Float> {
        let n = outputs
        columnSums.resize(rows: 1, cols: n)
        let shift = columnSums.data
        shift.update(repeating: 0, count: n)
        if x.background != 0 {
            Kernels.addRows(n, count: dy.rows, dy.data, stride: n, into: shift)
            for j in 0..<n { shift[j] *= x.background }
        }
        return shift
    }
}
