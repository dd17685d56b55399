import TensorCore

/// Fully connected layer: y = x W + b, the same map as PyTorch's `nn.Linear` (y = x Aᵀ + b with A = Wᵀ).
///
/// Shapes: x is B x in, W is in x out (stored transposed relative to PyTorch's out x in, so a row of W is one
/// input's fan-out: that is what the sparse path below streams through), b is 1 x out. `save model` writes
/// PyTorch's layout. Initialisation: PyTorch's default (uniform ±1/√in for weights and biases), He (normal,
/// std √(2/in), zero biases) or Xavier/Glorot (uniform ±√(6/(in+out)), zero biases).
///
/// Sparse input: MNIST-like batches are mostly one background value c (0, or -0.4242 after standardisation).
/// With d = x - c sparse, x W = d W + c·1ᵀ(Σ_k W_k), so the product only touches the rows of W where a sample
/// has ink — about a fifth of them — and the same holds for the weight gradient Wᵀ-side: dW = dᵀ dy + c·1 (Σ_r dy_r).
/// The columns inked in most samples (MNIST's middle: a quarter of the pixels, three quarters of the ink) are the
/// exception: a batch keeps them as a small dense block, and BLAS multiplies it by those rows of W (forward) and
/// its transpose by dy (their rows of dW), faster than the sparse kernels, which are bound by reading rows of W
/// from L2, and cheaper to gather. With SGD the training loop steps W inside the backward pass, and with a helper
/// thread each thread takes half of the output columns (`splitColumns`).
public final class Linear: Layer {
    public enum Initialisation: String, Sendable, CaseIterable { case he, xavier, pytorch }

    public let inputs: Int
    public let outputs: Int
    /// in x out
    public let weight: Parameter
    /// 1 x out
    public let bias: Parameter
    private var input: Matrix?
    private var sparseInput: SparseBatch?
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)
    private let columnSums = Matrix(rows: 0, cols: 0)
    private let denseWeights = Matrix(rows: 0, cols: 0)
    /// The dense rows' part of dW in the sparse backward: the batch's dense block transposed times dy.
    private let denseGradient = Matrix(rows: 0, cols: 0)
    /// Σ_k W_k as the last fused step left it (`backward(_:steppingWeightsWith:)`); that step also leaves the
    /// dense rows of W in `denseWeights`.
    private let weightSums = Matrix(rows: 0, cols: 0)
    /// While training on two threads (`splitColumns`), W and its momentum buffer live here, in two halves.
    private var panels: ColumnPanels?
    private var splitActive = false
    /// The row base (b + c Σ_k W_k) of the sparse forward.
    private let rowBase = Matrix(rows: 0, cols: 0)
    /// Set by the fused step: the number of dense rows its copies and sums were made for.
    private var cachesReady: Int?
    /// The sparse-path call in progress (`run`), and the helper's job for it (made once): its second part.
    private var partCall: PartCall?
    private lazy var helperJob: (Int) -> Void = { [unowned self] _ in self.perform(1) }

    public init(inputs: Int, outputs: Int, initialisation: Initialisation = .pytorch, rng: inout SeededRandom) {
        self.inputs = inputs
        self.outputs = outputs
        let w = Matrix(rows: inputs, cols: outputs)
        let b = Matrix(rows: 1, cols: outputs)
        // Draw in PyTorch's order (output-major), store transposed.
        func fill(_ draw: (inout SeededRandom) -> Double) {
            for j in 0..<outputs { for k in 0..<inputs { w.data[k * outputs + j] = Float(draw(&rng)) } }
        }
        switch initialisation {
        case .he:
            let std = (2.0 / Double(inputs)).squareRoot()
            fill { $0.normal() * std }
        case .xavier:
            let limit = (6.0 / Double(inputs + outputs)).squareRoot()
            fill { $0.uniform(-limit, limit) }
        case .pytorch:
            let limit = 1.0 / Double(inputs).squareRoot()
            fill { $0.uniform(-limit, limit) }
            for j in 0..<outputs { b.data[j] = Float(rng.uniform(-limit, limit)) }
        }
        weight = Parameter(name: "weight", value: w)
        bias = Parameter(name: "bias", value: b)
    }

    public var kind: String { "linear" }
    public var spec: String { "linear \(inputs) \(outputs)" }
    public var parameters: [Parameter] { [weight, bias] }

    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> {
        inputWidth == inputs ? .success(outputs)
            : .failure(LayerError("linear \(inputs) \(outputs) expects \(inputs) inputs but receives \(inputWidth)"))
    }

    /// W's entry for input k and output j.
    public func weightAt(input k: Int, output j: Int) -> Float { weight.value.data[k * outputs + j] }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        input = x
        sparseInput = nil
        let batch = x.rows
        output.resize(rows: batch, cols: outputs)
        // Start from the bias in every row, then accumulate x W on top (beta = 1): one pass fewer.
        let y = output.data, b = bias.value.data
        for r in 0..<batch { (y + r * outputs).update(from: b, count: outputs) }
        BLAS.gemm(transA: false, transB: false, m: batch, n: outputs, k: inputs, a: x.data, lda: inputs,
                  b: weight.value.data, ldb: outputs, beta: 1, c: y, ldc: outputs)
        return output
    }

    /// The same result as `forward` on the dense batch, computed from its sparse form. `weightsUnchanged`: the
    /// caller knows W has not changed since the last `backward(_:steppingWeightsWith:)` on a batch of the same
    /// set, whose Σ_k W_k and copy of the dense rows then stand (the same numbers, bit for bit). With `helper`
    /// and the columns split (`splitColumns`), half of the output columns are computed there, at the same time.
    ///
    /// Every row starts as b + c Σ_k W_k (the background's contribution), then gains d W: through BLAS for the
    /// dense columns of the batch (the block times those rows of W), through the sparse kernel for the rest. The
    /// output columns are taken in two parts (the same calls whether or not two threads run them).
    public func forward(sparse x: SparseBatch, weightsUnchanged: Bool = false, helper: Helper? = nil) -> Matrix {
        input = nil
        sparseInput = x
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

    /// The forward pass for the columns of part `p` (see `forward(sparse:weightsUnchanged:helper:)`).
    private func forwardPart(_ p: ColumnPart, _ x: SparseBatch, reuse: Bool) {
        let m = p.lanes.count, j0 = p.lanes.lowerBound, batch = x.rows
        guard m > 0 else { return }
        let dense = x.source.denseColumns
        let base = p.base
        base.update(repeating: 0, count: m)
        if x.background != 0 {
            if reuse {
                base.update(from: p.sums, count: m)
            } else {
                for k in 0..<inputs { Kernels.add(m, p.weights + k * p.stride, base) }
            }
            for j in 0..<m { base[j] *= x.background }
        }
        Kernels.add(m, bias.value.data + j0, base)
        if !dense.isEmpty {
            if !reuse {
                for (i, k) in dense.enumerated() { (p.dense + i * p.stride).update(from: p.weights + Int(k) * p.stride, count: m) }
            }
            for r in 0..<batch { (p.out + r * p.outStride).update(from: base, count: m) }
            x.withDenseBlock(copy: p.blockCopy) { block in
                BLAS.gemm(transA: false, transB: false, m: batch, n: m, k: dense.count, a: block, lda: dense.count,
                          b: p.dense, ldb: p.stride, beta: 1, c: p.out, ldc: p.outStride)
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

    /// The dense columns' rows of dW for the columns `lanes`: the batch's dense block (copy `blockCopy`)
    /// transposed times those columns of dy, through BLAS, into rows `stride` apart.
    private func denseGradientRows(_ x: SparseBatch, _ dy: Matrix, lanes: Range<Int>, blockCopy: Int,
                                   into rows: UnsafeMutablePointer<Float>, stride: Int) {
        let dense = x.source.denseColumns.count
        guard dense > 0, !lanes.isEmpty else { return }
        x.withDenseBlock(copy: blockCopy) { block in
            BLAS.gemm(transA: true, transB: false, m: dense, n: lanes.count, k: x.rows, a: block, lda: dense,
                      b: dy.data + lanes.lowerBound, ldb: outputs, beta: 0, c: rows, ldc: stride)
        }
    }

    /// The fused backward for the columns of part `p` (see `backward(_:steppingWeightsWith:velocity:helper:)`).
    private func backwardPart(_ p: ColumnPart, _ x: SparseBatch, dy: Matrix, rule: SGDRule, shift: UnsafeMutablePointer<Float>) {
        guard !p.lanes.isEmpty else { return }
        let j0 = p.lanes.lowerBound, m = p.lanes.count, dense = x.source.denseColumns.count
        denseGradientRows(x, dy, lanes: p.lanes, blockCopy: p.blockCopy, into: p.denseGradient, stride: p.stride)
        x.withColumns { starts, packed in
            x.withDenseSlots { slots in
                let targets = Kernels.StepTargets(weights: p.weights, velocity: p.velocity, stride: p.stride,
                                                  sums: x.background != 0 ? p.sums : nil,
                                                  copies: dense > 0 ? (slots, p.dense) : nil)
                let precomputed = dense > 0 ? Kernels.Precomputed(slots: slots, rows: p.denseGradient, stride: p.stride) : nil
                Kernels.sparseColumnsTransposeTimesStep(n: m, count: inputs, starts: starts, entries: packed,
                                                        g: dy.data + j0, gStride: outputs,
                                                        shift: shift + j0, precomputed: precomputed, rule: rule,
                                                        into: targets)
            }
        }
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        let batch = dy.rows, n = outputs
        // db += Σ_rows dy
        let db = bias.grad.data
        for r in 0..<batch { Kernels.add(n, dy.data + r * n, db) }
        let dW = weight.grad.data
        if let x = sparseInput {
            // dW += dᵀ dy + c · 1 (Σ_r dy_r), one pass over the rows of dW.
            let shift = backgroundShift(x, dy)
            let dense = x.source.denseColumns.count
            denseGradient.resize(rows: dense, cols: n)
            let gradientRows = denseGradient.data
            // In the same two column parts as the fused step's (the same BLAS calls, so the same numbers).
            let split = columnSplit
            denseGradientRows(x, dy, lanes: 0..<split, blockCopy: 0, into: gradientRows, stride: n)
            denseGradientRows(x, dy, lanes: split..<n, blockCopy: 0, into: gradientRows + split, stride: n)
            x.withColumns { starts, packed in
                x.withDenseSlots { slots in
                    let precomputed = dense > 0 ? Kernels.Precomputed(slots: slots, rows: gradientRows, stride: n) : nil
                    Kernels.sparseColumnsTransposeTimes(n: n, count: inputs, starts: starts, entries: packed,
                                                        g: dy.data, shift: shift, precomputed: precomputed, target: dW)
                }
            }
            // The input is data: nobody needs its gradient.
            return nil
        }
        guard let x = input else { return nil }
        // dW += xᵀ dy
        BLAS.gemm(transA: true, transB: false, m: inputs, n: n, k: batch, a: x.data, lda: inputs,
                  b: dy.data, ldb: n, beta: 1, c: dW, ldc: n)
        guard needInputGradient else { return nil }
        // dx = dy Wᵀ
        gradInput.resize(rows: batch, cols: inputs)
        BLAS.gemm(transA: false, transB: true, m: batch, n: inputs, k: n, a: dy.data, lda: n,
                  b: weight.value.data, ldb: n, beta: 0, c: gradInput.data, ldc: inputs)
        return gradInput
    }
}

extension Linear {
    /// Backward for a sparse input batch fused with the optimizer's step on W: each row of dW is applied to W
    /// by `rule` (momentum buffer `velocity`) as soon as it is complete, instead of being added to W's gradient
    /// for a separate step to read. The same weights as `backward` then `SGD.update`, bit for bit, with one pass
    /// over W and no pass over dW. The bias gradient is accumulated as usual (the optimizer steps the bias).
    /// Also keeps Σ_k W_k of the new weights and a copy of the dense rows for the next sparse forward. False,
    /// and nothing done, when the last forward was not sparse. With `helper` and the columns split
    /// (`splitColumns`), half of W's columns are done there, at the same time.
    public func backward(_ dy: Matrix, steppingWeightsWith rule: SGDRule, velocity: Matrix?, helper: Helper? = nil) -> Bool {
        guard let x = sparseInput else { return false }
        let batch = dy.rows, n = outputs
        let db = bias.grad.data
        for r in 0..<batch { Kernels.add(n, dy.data + r * n, db) }
        let shift = backgroundShift(x, dy)
        let dense = x.source.denseColumns.count
        let parts = columnParts(denseRows: dense, batch: batch, velocity: velocity)
        run(PartCall(parts: parts, batch: x, forward: false, reuse: false, dy: dy, rule: rule, shift: shift), helper: helper)
        cachesReady = x.background != 0 || dense > 0 ? dense : nil
        return true
    }

    /// c · Σ_r dy_r, the background's part of every row of dW (zeros for a zero background), in `columnSums`.
    private func backgroundShift(_ x: SparseBatch, _ dy: Matrix) -> UnsafeMutablePointer<Float> {
        let n = outputs
        columnSums.resize(rows: 1, cols: n)
        let shift = columnSums.data
        shift.update(repeating: 0, count: n)
        if x.background != 0 {
            for r in 0..<dy.rows { Kernels.add(n, dy.data + r * n, shift) }
            for j in 0..<n { shift[j] *= x.background }
        }
        return shift
    }
}

/// One part of a layer's output columns on the sparse path, and where its numbers live: rows of W (and of
/// its momentum buffer, the dense rows' copy and gradient) `stride` apart starting at the part's first column, Σ_k W_k and
/// the row base for its columns, and the output rows it writes (`outStride` apart).
struct ColumnPart {
    let lanes: Range<Int>
    /// The thread's own copy of the batch's dense block it reads (`SparseBatch.withDenseBlock(copy:)`).
    let blockCopy: Int
    let weights: UnsafeMutablePointer<Float>
    let velocity: UnsafeMutablePointer<Float>?
    let stride: Int
    let dense: UnsafeMutablePointer<Float>
    /// The dense rows' part of the weight gradient (block transposed times dy), same shape as `dense`.
    let denseGradient: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Float>
    let base: UnsafeMutablePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let outStride: Int
}

/// A layer's W and momentum buffer split into two column halves, each in its own allocation: while two
/// threads train the halves, neither writes a cache line the other uses. (Halves of the same rows, side by
/// side, are enough for the CPU's prefetchers to pull the other thread's lines in: measured 2-17x slower.)
final class ColumnPanels {
    let split: Int
    let weights: [Matrix]
    let velocity: [Matrix]?
    let dense: [Matrix]
    let denseGradient: [Matrix]
    let sums: [Matrix]
    let base: [Matrix]
    let out: [Matrix]

    init(rows: Int, columns: Int, split: Int, momentum: Bool) {
        self.split = split
        let widths = [split, columns - split]
        weights = widths.map { Matrix(rows: rows, cols: $0) }
        velocity = momentum ? widths.map { Matrix(rows: rows, cols: $0) } : nil
        dense = widths.map { _ in Matrix(rows: 0, cols: 0) }
        denseGradient = widths.map { _ in Matrix(rows: 0, cols: 0) }
        sums = widths.map { Matrix(rows: 1, cols: $0) }
        base = widths.map { Matrix(rows: 1, cols: $0) }
        out = widths.map { _ in Matrix(rows: 0, cols: 0) }
    }

    /// Copies `full`'s columns into the halves (`toHalves`) or back.
    static func copy(_ full: Matrix, _ halves: [Matrix], split: Int, toHalves: Bool) {
        for (h, part) in halves.enumerated() {
            let j0 = h == 0 ? 0 : split, m = part.cols
            guard m > 0 else { continue }
            for k in 0..<full.rows {
                if toHalves { (part.data + k * m).update(from: full.data + k * full.cols + j0, count: m) }
                else { (full.data + k * full.cols + j0).update(from: part.data + k * m, count: m) }
            }
        }
    }
}

extension Linear {
    /// Where the sparse path splits the output columns: half, rounded to 16 (SIMD tiles stay whole).
    var columnSplit: Int { min(outputs, (outputs + 31) / 32 * 16) }

    /// From now until `joinColumns`, W (and `velocity`, its momentum buffer) live in two column halves of their
    /// own, which two threads can train at once (`forward(sparse:helper:)`, `backward(_:steppingWeightsWith:)`).
    /// Meanwhile `weight.value` and `velocity` are stale: nothing else may read or change them.
    public func splitColumns(velocity: Matrix?) {
        let split = columnSplit
        if panels?.weights[0].rows != inputs || (panels?.velocity != nil) != (velocity != nil) {
            panels = ColumnPanels(rows: inputs, columns: outputs, split: split, momentum: velocity != nil)
        }
        guard let panels else { return }
        ColumnPanels.copy(weight.value, panels.weights, split: split, toHalves: true)
        if let velocity, let halves = panels.velocity { ColumnPanels.copy(velocity, halves, split: split, toHalves: true) }
        cachesReady = nil
        splitActive = true
    }

    /// Writes the halves back into W and `velocity`; the layer is whole again.
    public func joinColumns(velocity: Matrix?) {
        guard splitActive, let panels else { return }
        ColumnPanels.copy(weight.value, panels.weights, split: panels.split, toHalves: false)
        if let velocity, let halves = panels.velocity { ColumnPanels.copy(velocity, halves, split: panels.split, toHalves: false) }
        cachesReady = nil
        splitActive = false
    }

    /// The two parts of the output columns and where their numbers live: in W itself (and `velocity`), or in
    /// the halves while the columns are split. Sizes the buffers for `denseRows` and `batch`. Only the second
    /// part may write its output away from the layer's (the helper's half, into a buffer of its own).
    func columnParts(denseRows: Int, batch: Int, velocity: Matrix? = nil) -> (ColumnPart, ColumnPart) {
        let n = outputs, split = columnSplit
        if splitActive, let panels {
            func half(_ h: Int) -> ColumnPart {
                let m = panels.weights[h].cols
                panels.dense[h].resize(rows: denseRows, cols: m)
                panels.denseGradient[h].resize(rows: denseRows, cols: m)
                if h == 1 { panels.out[h].resize(rows: batch, cols: m) }
                return ColumnPart(lanes: h == 0 ? 0..<split : split..<n, blockCopy: h, weights: panels.weights[h].data,
                                  velocity: panels.velocity?[h].data, stride: m, dense: panels.dense[h].data,
                                  denseGradient: panels.denseGradient[h].data,
                                  sums: panels.sums[h].data, base: panels.base[h].data,
                                  out: h == 0 ? output.data : panels.out[h].data, outStride: h == 0 ? n : m)
            }
            return (half(0), half(1))
        }
        denseWeights.resize(rows: denseRows, cols: n)
        denseGradient.resize(rows: denseRows, cols: n)
        weightSums.resize(rows: 1, cols: n)
        rowBase.resize(rows: 1, cols: n)
        func part(_ lanes: Range<Int>) -> ColumnPart {
            let j0 = lanes.lowerBound
            return ColumnPart(lanes: lanes, blockCopy: 0, weights: weight.value.data + j0, velocity: velocity.map { $0.data + j0 },
                              stride: n, dense: denseWeights.data + j0, denseGradient: denseGradient.data + j0,
                              sums: weightSums.data + j0,
                              base: rowBase.data + j0, out: output.data + j0, outStride: n)
        }
        return (part(0..<split), part(split..<n))
    }

    /// Both parts of `call`. With the columns split and a helper: the second part is queued for the helper
    /// (after the batch it may still be gathering) while this thread does the first. Else one after the other.
    /// The same calls either way, so the same numbers. The second part is not taken over when the helper is
    /// late: its half of the weights lives in the helper's cache, and moving it costs more than the wait (measured:
    /// taking it over every step in a slow spell made steps 2-3x longer). The call is kept in the layer and the
    /// helper's job is a closure made once, so that handing work over allocates nothing.
    func run(_ call: PartCall, helper: Helper?) {
        partCall = call
        defer { partCall = nil }
        guard splitActive, let helper, !call.parts.1.lanes.isEmpty else {
            perform(0)
            perform(1)
            return
        }
        let ticket = helper.start(helperJob, 1)
        perform(0)
        helper.wait(for: ticket)
    }

    /// Part `h` of the current `partCall`.
    func perform(_ h: Int) {
        guard let call = partCall, let x = call.batch else { return }
        let p = h == 0 ? call.parts.0 : call.parts.1
        if call.forward {
            forwardPart(p, x, reuse: call.reuse)
        } else if let dy = call.dy, let rule = call.rule, let shift = call.shift {
            backwardPart(p, x, dy: dy, rule: rule, shift: shift)
        }
    }
}

/// One call of the sparse path, as `Linear.run` hands it to the helper: the parts and what they work on.
struct PartCall {
    var parts: (ColumnPart, ColumnPart)
    var batch: SparseBatch?
    var forward: Bool
    var reuse: Bool
    var dy: Matrix?
    var rule: SGDRule?
    var shift: UnsafeMutablePointer<Float>?
}
