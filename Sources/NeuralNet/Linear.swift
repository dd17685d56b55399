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

    /// The fused backward for the columns of part `p` (see `backward(_:steppingWeightsWith:velocity:helper:)`).
    private func backwardPart(_ p: ColumnPart, _ x: SparseBatch, dy: Matrix, rule: SGDRule, shift: UnsafeMutablePointer<Float>) {
        guard !p.lanes.isEmpty else { return }
        let j0 = p.lanes.lowerBound, m = p.lanes.count, dense = x.source.denseColumns.count
        // The dense columns' gradient rows through BLAS: block (batch x dense) transposed times dy's columns.
        if dense > 0 {
            x.withDenseBlock(copy: p.blockCopy) { block in
                BLAS.gemm(transA: true, transB: false, m: dense, n: m, k: x.rows, a: block, lda: dense,
                          b: dy.data + j0, ldb: outputs, beta: 0, c: p.denseGradient, ldc: p.stride)
            }
        }
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
            if dense > 0 {
                // In the same two column parts as the fused step's (the same BLAS calls, so the same numbers).
                let split = columnSplit
                x.withDenseBlock { block in
                    for part in 0..<2 {
                        let lanes = part == 0 ? 0..<split : split..<n
                        guard !lanes.isEmpty else { continue }
                        BLAS.gemm(transA: true, transB: false, m: dense, n: lanes.count, k: batch, a: block, lda: dense,
                                  b: dy.data + lanes.lowerBound, ldb: n, beta: 0, c: gradientRows + lanes.lowerBound, ldc: n)
                    }
                }
            }
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

/// A data set stored as its non-background entries (compressed sparse rows): x[i, k] = background + value for
/// the listed (k, value) pairs of row i, and background elsewhere. Built once per training set.
///
/// Compact: an entry is one UInt32, the column in its low 16 bits and above them a code into a palette of the
/// set's distinct values (MNIST has at most 255 besides the background, normalised or not): 4 bytes an entry
/// instead of 8, in one stream. The training loop reads these entries for every sample of every epoch,
/// straight from memory, so their size is what it waits for. Sets with wider rows or more distinct values
/// stay dense.
public final class SparseRows: @unchecked Sendable {
    public let count: Int
    public let width: Int
    public let background: Float
    let starts: [Int]
    /// column | code << 16
    let entries: [UInt32]
    /// value - background for each code.
    let palette: [Float]
    /// Columns a batch keeps dense (ascending); none when no palette code stands for the background.
    public let denseColumns: [Int32]
    /// The palette code whose value is 0 (the background).
    let zeroCode: UInt8?

    /// nil when more than `maxDensity` of the entries differ from the most common value (dense data), rows are
    /// wider than 65,536 or there are more than 256 distinct values.
    public static func make(features: [Float], width: Int, maxDensity: Double = 0.5) -> SparseRows? {
        guard width > 0, features.count >= width else { return nil }
        return make(FeatureMatrix(floats: features, width: width), maxDensity: maxDensity)
    }

    /// The same from rows read one at a time (a byte-backed image set is never expanded to floats).
    public static func make(_ matrix: FeatureMatrix, maxDensity: Double = 0.5) -> SparseRows? {
        let width = matrix.width
        guard width > 0, width <= 65_536, matrix.count > 0 else { return nil }
        if case .bytes(let bytes, let scale, let shift) = matrix.storage, scale != 0 {
            return fromBytes(bytes, width: width, scale: scale, shift: shift, maxDensity: maxDensity)
        }
        let sampleRows = min(matrix.count, 500)
        var sample = [Float](repeating: 0, count: sampleRows * width)
        sample.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<sampleRows { matrix.copyRow(i, into: base + i * width) }
        }
        let (value, density) = sample.withUnsafeBufferPointer { SparseRows.background(of: $0, width: width) }
        guard density <= maxDensity else { return nil }
        return SparseRows(matrix, background: value)
    }

    /// Straight from an image set's bytes: the palette is the 256 byte values mapped as `FeatureMatrix` maps
    /// them (the same Floats), the background the most common byte of the first 500 rows.
    static func fromBytes(_ bytes: [UInt8], width: Int, scale: Float, shift: Float, maxDensity: Double) -> SparseRows? {
        let n = bytes.count / width
        var frequency = [Int](repeating: 0, count: 256)
        let sampled = min(n, 500) * width
        bytes.withUnsafeBufferPointer { b in for i in 0..<sampled { frequency[Int(b[i])] += 1 } }
        var common = 0
        for v in 1..<256 where frequency[v] > frequency[common] { common = v }
        guard 1 - Double(frequency[common]) / Double(max(1, sampled)) <= maxDensity else { return nil }
        let c = Float(common) * scale + shift
        let palette = (0..<256).map { Float($0) * scale + shift - c }
        var starts = [Int](repeating: 0, count: n + 1)
        let background = UInt8(common)
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<n {
                var ink = 0
                for k in 0..<width where b[i * width + k] != background { ink += 1 }
                starts[i + 1] = starts[i] + ink
            }
        }
        var entries = [UInt32](repeating: 0, count: starts[n] + 1)
        bytes.withUnsafeBufferPointer { b in
            entries.withUnsafeMutableBufferPointer { out in
                var e = 0
                for i in 0..<n {
                    for k in 0..<width {
                        let v = b[i * width + k]
                        out[e] = UInt32(k) | UInt32(v) << 16
                        e += v != background ? 1 : 0
                    }
                }
            }
        }
        return SparseRows(count: n, width: width, background: c, starts: starts, entries: entries, palette: palette)
    }

    private init(count: Int, width: Int, background: Float, starts: [Int], entries: [UInt32], palette: [Float]) {
        self.count = count
        self.width = width
        self.background = background
        self.starts = starts
        self.entries = entries
        self.palette = palette
        // A batch's dense block is kept as palette codes, so it needs a code for the background (value 0).
        zeroCode = palette.firstIndex(of: 0).map { UInt8($0) }
        denseColumns = zeroCode == nil ? []
            : SparseRows.frequentColumns(starts: starts, entries: entries, count: count, width: width)
    }

    /// Columns with ink in at least `share` of the rows (judged on the first 10,000): MNIST's middle, about a
    /// quarter of the pixels holding three quarters of the ink. A batch's values there go into a small dense
    /// block that BLAS multiplies faster than the sparse kernel can. Empty when fewer than 16 columns qualify.
    static func frequentColumns(starts: [Int], entries: [UInt32], count: Int, width: Int, share: Double = 0.35) -> [Int32] {
        let rows = min(count, 10_000)
        guard rows > 0 else { return [] }
        var counts = [Int](repeating: 0, count: width)
        for e in 0..<starts[rows] { counts[Int(entries[e] & 0xFFFF)] += 1 }
        let columns = (0..<width).filter { Double(counts[$0]) >= share * Double(rows) }.map { Int32($0) }
        return columns.count >= 16 ? columns : []
    }

    convenience init?(_ matrix: FeatureMatrix, background c: Float) {
        let n = matrix.count, width = matrix.width
        var starts = [Int](repeating: 0, count: n + 1)
        var paletteIndex: [UInt32: UInt8] = [:]
        var palette: [Float] = []
        var tooManyValues = false
        var row = [Float](repeating: 0, count: width)
        row.withUnsafeMutableBufferPointer { buffer in
            guard let f = buffer.baseAddress else { return }
            var last: (bits: UInt32, code: UInt8)?
            for i in 0..<n {
                matrix.copyRow(i, into: f)
                var ink = 0
                for k in 0..<width {
                    let v = f[k]
                    if v == c { continue }
                    ink += 1
                    if last?.bits == v.bitPattern || tooManyValues { continue }
                    if let code = paletteIndex[v.bitPattern] {
                        last = (v.bitPattern, code)
                    } else if palette.count < 256 {
                        let code = UInt8(palette.count)
                        paletteIndex[v.bitPattern] = code
                        palette.append(v - c)
                        last = (v.bitPattern, code)
                    } else {
                        tooManyValues = true
                    }
                }
                starts[i + 1] = starts[i] + ink
            }
        }
        if tooManyValues { return nil }
        let total = starts[n]
        var entries = [UInt32](repeating: 0, count: total + 1)
        row.withUnsafeMutableBufferPointer { buffer in
            entries.withUnsafeMutableBufferPointer { out in
                guard let f = buffer.baseAddress else { return }
                var e = 0
                var last: (bits: UInt32, code: UInt8) = (c.bitPattern, 0)
                for i in 0..<n {
                    matrix.copyRow(i, into: f)
                    for k in 0..<width {
                        let v = f[k]
                        if v == c { continue }
                        if v.bitPattern != last.bits { last = (v.bitPattern, paletteIndex[v.bitPattern] ?? 0) }
                        out[e] = UInt32(k) | UInt32(last.code) << 16
                        e += 1
                    }
                }
            }
        }
        self.init(count: n, width: width, background: c, starts: starts, entries: entries,
                  palette: palette + [Float](repeating: 0, count: 256 - palette.count))
    }

    /// The most common value of a data set and the fraction of entries that are not it, from a sample of rows.
    public static func background(of features: UnsafeBufferPointer<Float>, width: Int, sampleRows: Int = 500) -> (value: Float, density: Double) {
        let rows = width == 0 ? 0 : min(features.count / width, sampleRows)
        guard rows > 0 else { return (0, 1) }
        var counts: [Float: Int] = [:]
        for i in 0..<(rows * width) { counts[features[i], default: 0] += 1 }
        guard let (value, count) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return (0, 1) }
        return (value, 1 - Double(count) / Double(rows * width))
    }

    /// Fraction of entries that are ink.
    public var density: Double { Double(starts[count]) / Double(max(1, count * width)) }

    /// Bytes held by the entries.
    public var byteCount: Int { starts.count * 8 + entries.count * 4 + palette.count * 4 }
}

/// The rows of a `SparseRows` that make up one batch, in the forms the layer reads: the values in the source's
/// dense columns as a small dense block (for BLAS, forward and backward), and the other entries row by row (the
/// forward) and regrouped by column (the backward: for each input k, the batch rows with ink there and their
/// values, so the layer reads each row of W, and writes each row of its gradient, once per batch instead of
/// once per sample that has ink in it).
public final class SparseBatch {
    public let source: SparseRows
    public private(set) var rows = 0
    public var width: Int { source.width }
    public var background: Float { source.background }
    /// Column k's entries are columnStarts[k]..<columnStarts[k + 1] of columnEntries, each the batch row |
    /// palette code << 16 (none for a dense column: those are in the block). Batches of up to 65,536 rows.
    private var columnStarts: [Int32]
    private var columnEntries: [UInt32] = [0]
    /// The same entries row by row: row r's are rowStarts[r]..<rowStarts[r + 1] of rowEntries, each the column |
    /// code << 16, as in the source. Packed, half the bytes of an index and a float: the helper thread writes
    /// these and both threads read them.
    private var rowStarts: [Int] = [0]
    private var rowEntries: [UInt32] = [0]
    /// The batch's values in the source's dense columns as palette codes, rows x denseColumns.count, and one
    /// spare cell past them (see `select`); the entries above hold only the other columns. Codes, a quarter of
    /// the floats' size: the helper thread writes them and both threads read them, and what crosses between two
    /// cores is what costs (see `withDenseBlock`).
    private var denseCodes: [UInt8] = [0]
    /// The block as floats (value - background), one copy per thread that reads it (`withDenseBlock`), each
    /// made from the codes at its first use after a `select`.
    private var denseBlock0: [Float] = [0]
    private var denseBlock1: [Float] = [0]
    private var selection = 0
    private var expanded0 = -1
    private var expanded1 = -1
    /// For each column, its place among the dense columns, or -1.
    private let denseSlot: [Int32]

    public init(_ source: SparseRows) {
        self.source = source
        columnStarts = [Int32](repeating: 0, count: source.width + 1)
        var slots = [Int32](repeating: -1, count: source.width)
        for (i, k) in source.denseColumns.enumerated() { slots[Int(k)] = Int32(i) }
        denseSlot = slots
    }

    /// Makes the batch the rows `picked` of the source, in that order: at most 65,536 of them (the trainer
    /// takes larger batches the dense way).
    public func select(_ picked: ArraySlice<Int>) {
        precondition(picked.count <= 65_536, "a sparse batch holds at most 65,536 rows")
        rows = picked.count
        let width = source.width
        var total = 0
        source.starts.withUnsafeBufferPointer { st in
            for i in picked { total += st[i + 1] - st[i] }
        }
        // One spare slot past the end of each buffer: the first pass writes every entry to both the row form
        // and the block, and only moves on where it belongs (no branch on a coin toss per entry).
        if rowEntries.count < total + 1 {
            columnEntries = [UInt32](repeating: 0, count: total + 1)
            rowEntries = [UInt32](repeating: 0, count: total + 1)
        }
        if rowStarts.count < rows + 1 { rowStarts = [Int](repeating: 0, count: rows + 1) }
        let denseCount = source.denseColumns.count
        let spare = rows * denseCount, zero = source.zeroCode ?? 0
        if denseCodes.count < spare + 1 { denseCodes = [UInt8](repeating: zero, count: spare + 1) }
        selection += 1
        source.starts.withUnsafeBufferPointer { st in
        source.entries.withUnsafeBufferPointer { packed in
        columnStarts.withUnsafeMutableBufferPointer { cs in
        columnEntries.withUnsafeMutableBufferPointer { ce in
        rowStarts.withUnsafeMutableBufferPointer { rs in
        rowEntries.withUnsafeMutableBufferPointer { re in
        denseCodes.withUnsafeMutableBufferPointer { db in
        denseSlot.withUnsafeBufferPointer { ds in
            db.update(repeating: zero)
            // The picked rows are scattered over the whole set and come from memory. Touch one word per cache
            // line of each first: independent loads the CPU overlaps, instead of one miss after another.
            var touched: UInt32 = 0
            for i in picked {
                var e = st[i]
                while e < st[i + 1] { touched |= packed[e]; e += 16 }
            }
            // Row by row: a value in a dense column goes to its cell of the block, any other to the row form
            // (the source rows are scattered; these copies lie next to each other).
            var next = 0
            rs[0] = 0
            for (r, i) in picked.enumerated() {
                let blockRow = r * denseCount
                for e in st[i]..<st[i + 1] {
                    let entry = packed[e]
                    let k = Int(entry & 0xFFFF)
                    // All ones for a column that is not dense (its slot is -1), zero for a dense one.
                    let d = Int(ds[k]), other = d >> 63
                    db[((blockRow + d) & ~other) | (spare & other)] = UInt8(truncatingIfNeeded: entry >> 16)
                    re[next] = entry
                    next += other & 1
                }
                rs[r + 1] = next
            }
            // The row form regrouped by column (a counting sort): count per column (shifted by one), prefix-sum,
            // place each entry at its column's cursor. The cursors end at the next column's start, so shift them
            // back by one column afterwards. Dense columns have no entries here.
            cs.update(repeating: Int32(truncatingIfNeeded: touched & 0))
            for e in 0..<next { cs[Int(re[e] & 0xFFFF) + 1] &+= 1 }
            for k in 0..<width { cs[k + 1] &+= cs[k] }
            for r in 0..<rows {
                let row = UInt32(truncatingIfNeeded: r)
                for e in rs[r]..<rs[r + 1] {
                    let entry = re[e]
                    let k = Int(entry & 0xFFFF)
                    let slot = Int(cs[k])
                    ce[slot] = row | (entry & 0xFFFF_0000)
                    cs[k] = Int32(slot + 1)
                }
            }
            var k = width
            while k > 0 { cs[k] = cs[k - 1]; k -= 1 }
            cs[0] = 0
        }
        }
        }
        }
        }
        }
        }
        }
    }

    /// Starts fetching the entries of the rows `upcoming` (the next batch) from memory, so that `select` finds
    /// them in cache: a hint, it changes nothing.
    public func prefetch(_ upcoming: ArraySlice<Int>) {
        source.starts.withUnsafeBufferPointer { st in
            source.entries.withUnsafeBufferPointer { packed in
                guard let base = packed.baseAddress else { return }
                for i in upcoming {
                    var e = st[i]
                    let end = st[i + 1]
                    while e < end { Kernels.prefetch(base + e); e += 16 }
                }
            }
        }
    }

    /// Calls `body(r, entries, packed)` for each row of the batch: its entries (outside the dense columns) are
    /// `entries` of `packed` (column | code << 16, the value the source's palette[code]).
    func forEachRow(_ body: (Int, Range<Int>, Kernels.PackedEntries) -> Void) {
        rowStarts.withUnsafeBufferPointer { rs in
            rowEntries.withUnsafeBufferPointer { re in
                source.palette.withUnsafeBufferPointer { palette in
                    guard let e = re.baseAddress, let p = palette.baseAddress else { return }
                    let packed = Kernels.PackedEntries(e, palette: p)
                    for r in 0..<rows { body(r, rs[r]..<rs[r + 1], packed) }
                }
            }
        }
    }

    /// Calls `body(slots)` with each column's place among the source's dense columns (-1: not dense).
    func withDenseSlots(_ body: (UnsafePointer<Int32>) -> Void) {
        denseSlot.withUnsafeBufferPointer { if let s = $0.baseAddress { body(s) } }
    }

    /// Calls `body(block)` with the dense block as floats (rows x source.denseColumns.count, row-major): copy
    /// `copy` (0 or 1), one per thread that reads the block, made from the codes at its first use after
    /// `select`. Each thread reads and writes only its own copy; they hold the same values.
    func withDenseBlock(copy: Int = 0, _ body: (UnsafePointer<Float>) -> Void) {
        let count = rows * source.denseColumns.count
        func expand(_ block: inout [Float], _ stamp: inout Int) {
            if block.count < max(1, count) { block = [Float](repeating: 0, count: max(1, count)) }
            if stamp != selection {
                block.withUnsafeMutableBufferPointer { out in
                    denseCodes.withUnsafeBufferPointer { codes in
                        source.palette.withUnsafeBufferPointer { palette in
                            for i in 0..<count { out[i] = palette[Int(codes[i])] }
                        }
                    }
                }
                stamp = selection
            }
            block.withUnsafeBufferPointer { if let b = $0.baseAddress { body(b) } }
        }
        if copy == 0 { expand(&denseBlock0, &expanded0) } else { expand(&denseBlock1, &expanded1) }
    }

    /// Calls `body(starts, packed)` with the batch in column-compressed form (`width` columns; entries batch
    /// row | code << 16, the value the source's palette[code]).
    func withColumns(_ body: (UnsafePointer<Int32>, Kernels.PackedEntries) -> Void) {
        columnStarts.withUnsafeBufferPointer { cs in
            columnEntries.withUnsafeBufferPointer { ce in
                source.palette.withUnsafeBufferPointer { palette in
                    // The entry array always holds at least one element, so even an all-background batch gets here.
                    guard let c = cs.baseAddress, let e = ce.baseAddress, let p = palette.baseAddress else { return }
                    body(c, Kernels.PackedEntries(e, palette: p))
                }
            }
        }
    }
}
