import TensorCore

/// How `SparseLinear` splits the layer's output columns in two parts, one per thread: where each part's numbers
/// live, the halves W moves into while two threads train it, and the hand-off of the second part to the helper.

/// One part of the layer's output columns on the sparse path, and where its numbers live: rows of W (and of
/// the optimizer's state, the dense rows' copy and gradient) `stride` apart starting at the part's first column, Σ_k W_k and
/// the row base for its columns, and the output rows it writes (`outStride` apart).
struct ColumnPart {
    let lanes: Range<Int>
    /// The thread's own copy of the batch's dense block it reads (`SparseBatch.withDenseBlock(copy:)`).
    let blockCopy: Int
    let weights: UnsafeMutablePointer<Float>
    /// The optimizer's state for these weights (none, SGD's momentum buffer, Adam's moments).
    let state: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?)
    let stride: Int
    let dense: UnsafeMutablePointer<Float>
    /// The dense rows' part of the weight gradient (block transposed times dy), same shape as `dense`.
    let denseGradient: UnsafeMutablePointer<Float>
    let sums: UnsafeMutablePointer<Float>
    let base: UnsafeMutablePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let outStride: Int
}

/// A layer's W and the optimizer's state split into two column halves, each in its own allocation: while two
/// threads train the halves, neither writes a cache line the other uses. (Halves of the same rows, side by
/// side, are enough for the CPU's prefetchers to pull the other thread's lines in: measured 2-17x slower.)
final class ColumnPanels {
    let split: Int
    let weights: [Matrix]
    /// For each matrix of optimizer state, its two halves.
    let state: [[Matrix]]
    let dense: [Matrix]
    let denseGradient: [Matrix]
    let sums: [Matrix]
    let base: [Matrix]
    let out: [Matrix]

    init(rows: Int, columns: Int, split: Int, stateCount: Int) {
        self.split = split
        let widths = [split, columns - split]
        weights = widths.map { Matrix(rows: rows, cols: $0) }
        state = (0..<stateCount).map { _ in widths.map { Matrix(rows: rows, cols: $0) } }
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

extension SparseLinear {
    /// Where the sparse path splits the output columns: half, rounded to 16 (SIMD tiles stay whole).
    var columnSplit: Int { min(outputs, (outputs + 31) / 32 * 16) }

    /// From now until `joinColumns`, W (and `state`, the optimizer's matrices of W's shape) live in two column
    /// halves of their own, which two threads can train at once (`forward(_:weightsUnchanged:helper:)`, `backward(_:steppingWeightsWith:)`).
    /// Meanwhile the layer's `weight.value` and `state` are stale: nothing else may read or change them.
    public func splitColumns(state: [Matrix]) {
        let split = columnSplit
        if panels?.weights[0].rows != inputs || panels?.state.count != state.count {
            panels = ColumnPanels(rows: inputs, columns: outputs, split: split, stateCount: state.count)
        }
        guard let panels else { return }
        ColumnPanels.copy(layer.weight.value, panels.weights, split: split, toHalves: true)
        for (full, halves) in zip(state, panels.state) { ColumnPanels.copy(full, halves, split: split, toHalves: true) }
        cachesReady = nil
        splitActive = true
    }

    /// Writes the halves back into W and `state`; the layer is whole again.
    public func joinColumns(state: [Matrix]) {
        guard splitActive, let panels else { return }
        ColumnPanels.copy(layer.weight.value, panels.weights, split: panels.split, toHalves: false)
        for (full, halves) in zip(state, panels.state) { ColumnPanels.copy(full, halves, split: panels.split, toHalves: false) }
        cachesReady = nil
        splitActive = false
    }

    /// The two parts of the output columns and where their numbers live: in W itself (and `state`), or in
    /// the halves while the columns are split. Sizes the buffers for `denseRows` and `batch`. Only the second
    /// part may write its output away from the layer's (the helper's half, into a buffer of its own).
    func columnParts(denseRows: Int, batch: Int, state: [Matrix] = []) -> (ColumnPart, ColumnPart) {
        let n = outputs, split = columnSplit
        if splitActive, let panels {
            func half(_ h: Int) -> ColumnPart {
                let m = panels.weights[h].cols
                panels.dense[h].resize(rows: denseRows, cols: m)
                panels.denseGradient[h].resize(rows: denseRows, cols: m)
                if h == 1 { panels.out[h].resize(rows: batch, cols: m) }
                return ColumnPart(lanes: h == 0 ? 0..<split : split..<n, blockCopy: h, weights: panels.weights[h].data,
                                  state: (panels.state.first?[h].data, panels.state.dropFirst().first?[h].data), stride: m, dense: panels.dense[h].data,
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
            return ColumnPart(lanes: lanes, blockCopy: 0, weights: layer.weight.value.data + j0,
                              state: (state.first.map { $0.data + j0 }, state.dropFirst().first.map { $0.data + j0 }),
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

/// One call of the sparse path, as `SparseLinear.run` hands it to the helper: the parts and what they work on.
struct PartCall {
    var parts: (ColumnPart, ColumnPart)
    var batch: SparseBatch?
    var forward: Bool
    var reuse: Bool
    var dy: Matrix?
    var rule: FusedStep.Rule?
    var shift: UnsafeMutablePointer<Float>?
}
