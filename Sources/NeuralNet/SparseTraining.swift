import TensorCore

/// How the trainer runs a model whose first layer is linear on a mostly-background training set (MNIST): that
/// layer through `SparseLinear` on sparse batches, the rest of the model as usual. With a helper thread, the
/// helper gathers the next batch while this one trains. With SGD or Adam, the first layer's step is fused into
/// its backward pass, and with the helper too, that layer's columns are split between the two threads. The
/// weights are the same, bit for bit, whichever of these applies. When the machine is too busy to run the helper
/// beside the loop (it was missing at over a quarter of the steps, checked every 32 steps: `Helper.isBusy`), the
/// rest of the training, and any other within 30 seconds, goes on one thread.
final class SparseTraining {
    private let model: Sequential
    private let first: SparseLinear
    /// One batch buffer, or two taking turns with the helper: it gathers the next while the loop trains on this one.
    private let buffers: [SparseBatch]
    private var helper: Helper?
    private let batchSize: Int
    /// The optimizer when the first layer's step is fused, and its state for that layer's weights.
    private let fused: FusedOptimizer?
    private let state: [Matrix]
    private enum FusedOptimizer {
        case sgd(SGD)
        case adam(Adam)
    }
    /// The first layer's columns are trained in two halves, one on each thread (`SparseLinear.splitColumns`).
    private var splitsColumns: Bool
    /// This epoch's order of the training rows (empty between epochs).
    private var order: [Int] = []
    /// No weight of the first layer changed since its last fused step (see `SparseLinear.forward`).
    private var weightsUnchanged = false
    /// This epoch's steps, and the helper's late waits when it began.
    private var steps = 0
    private var lateWaitsAtStart = 0
    /// The helper's job for batch b: gather it into the buffer the batch before last used (the last one is still
    /// in use), and prefetch the rows of the batch after. Made once: posting it allocates nothing.
    private lazy var gather: (Int) -> Void = { [unowned self] b in
        let next = self.buffers[b & 1]
        next.select(self.rows(of: b))
        next.prefetch(self.rows(of: b + 1))
    }

    /// For each linear layer after the first (nil for the other layers): the helper's job that adds its
    /// parameter gradients, and where the loop leaves it the gradient of the layer's output for this step. Made
    /// once, and held by an object with a closure-typed property: posting a job allocates nothing. (A closure
    /// kept in an array's element, a tuple, is stored reabstracted, and each read of it made a new thunk: two
    /// allocations a step.)
    private let parameterGradientJobs: [ParameterGradientJob?]
    /// The helper's job number of the next batch's gather (0: none posted).
    private var gatherTicket = 0

    /// Which thread makes the later linear layers' parameter gradients when there is a helper: the helper, unless
    /// it is still gathering the next batch (then this thread, which would otherwise wait for it: dense images
    /// have many entries to gather). The same calls on either thread, so the same numbers; tests set the other
    /// two to run each way.
    enum ParameterGradientPlacement { case helperUnlessGathering, helper, loop }
    nonisolated(unsafe) static var parameterGradients = ParameterGradientPlacement.helperUnlessGathering
    private final class ParameterGradientJob {
        var gradient: Matrix?
        var job: (Int) -> Void = { _ in }
    }

    /// nil when the sparse path does not apply: the first layer is not linear, the set has no sparse form, or
    /// batches are over 65,536 rows (a sparse batch packs its row numbers into 16 bits). Claims `helper` if
    /// it is free, until `finish`.
    init?(model: Sequential, data: Samples, batchSize: Int, optimizer: Optimizer, helper: Helper?, fusesStep: Bool) {
        guard let layer = model.layers.first as? Linear, batchSize <= 65_536,
              let rows = data.sparse ?? SparseRows.make(data.matrix), rows.count == data.count, rows.width == data.width
        else { return nil }
        self.model = model
        self.batchSize = batchSize
        parameterGradientJobs = model.layers.enumerated().map { index, layer in
            guard index >= 1, let linear = layer as? Linear else { return nil }
            let job = ParameterGradientJob()
            job.job = { [unowned job] _ in if let dy = job.gradient { linear.addParameterGradients(dy) } }
            return job
        }
        first = SparseLinear(layer)
        self.helper = helper.flatMap { !$0.isBusy && $0.claim() ? $0 : nil }
        buffers = self.helper == nil ? [SparseBatch(rows)] : [SparseBatch(rows), SparseBatch(rows)]
        if fusesStep, let sgd = optimizer as? SGD {
            fused = .sgd(sgd)
            state = sgd.velocity(of: layer.weight).map { [$0] } ?? []
        } else if fusesStep, let adam = optimizer as? Adam {
            fused = .adam(adam)
            let (m, v) = adam.moments(of: layer.weight)
            state = [m, v]
        } else {
            fused = nil
            state = []
        }
        splitsColumns = self.helper != nil && fused != nil
    }

    /// Gives the helper back.
    func finish() { helper?.release() }

    func beginEpoch(order: [Int]) {
        self.order = order
        weightsUnchanged = false
        steps = 0
        lateWaitsAtStart = helper?.lateWaits ?? 0
        if splitsColumns { first.splitColumns(state: state) }
    }

    /// Waits for the helper's last job; the first layer is whole again. Lets the helper go when it was missing
    /// too often (see the type's documentation).
    func endEpoch() {
        helper?.wait()
        if splitsColumns { first.joinColumns(state: state) }
        order = []
        checkHelper(endOfEpoch: true)
    }

    /// Records how often the helper was missing in this epoch so far: at its end, and every 32 steps when that
    /// was more than one step in four. A busy machine (`Helper.isBusy`) loses the helper: the first layer is
    /// whole again and the loop goes on alone (with the same numbers).
    private func checkHelper(endOfEpoch: Bool) {
        guard let helper, steps > 0, endOfEpoch || steps % 32 == 0 else { return }
        let share = Double(helper.lateWaits - lateWaitsAtStart) / Double(steps)
        guard endOfEpoch || share > 0.25 else { return }
        helper.noteLateness(share)
        guard helper.isBusy else { return }
        helper.wait()
        if splitsColumns {
            first.joinColumns(state: state)
            splitsColumns = false
        }
        helper.release()
        self.helper = nil
    }

    /// The model's output for batch number `b`.
    func forward(batch b: Int) -> Matrix {
        steps += 1
        let h = first.forward(batch(b), weightsUnchanged: weightsUnchanged, helper: helper)
        // The helper is free again: it gathers the next batch while this one goes on.
        if let helper, (b + 1) * batchSize < order.count { gatherTicket = helper.start(gather, b + 1) }
        return model.forward(h, training: true, from: 1)
    }

    /// Back-propagates through the model. Returns the parameter already stepped here (the first layer's weights,
    /// when its step is fused), which the optimizer's step must leave out. With the helper, the parameter
    /// gradients of the linear layers after the first (db, dW = xᵀ dy) are made there while this thread goes on
    /// down the model with their input gradients (dy Wᵀ): the same calls, on the other thread; all done on return.
    func backward(_ gradOutput: Matrix) -> Parameter? {
        weightsUnchanged = false
        guard let g = backwardAfterFirst(gradOutput) else { return nil }
        guard let fused else {
            first.backward(g)
            helper?.wait()
            checkHelper(endOfEpoch: false)
            return nil
        }
        let rule: FusedStep.Rule
        switch fused {
        case .sgd(let sgd): rule = .sgd(sgd.rule)
        case .adam(let adam): rule = .adam(adam.nextRule(for: first.layer.weight))
        }
        first.backward(g, steppingWeightsWith: rule, state: state, helper: helper)
        helper?.wait()
        weightsUnchanged = true
        checkHelper(endOfEpoch: false)
        return first.layer.weight
    }

    /// The model's backward from its last layer down to layer 1: dLoss/dInput of layer 1 (the first layer's
    /// output gradient). With the helper, each linear layer's parameter gradients go to it as a job
    /// (`parameterGradientJobs`): the dy it reads stays untouched until the next step.
    private func backwardAfterFirst(_ gradOutput: Matrix) -> Matrix? {
        guard let helper else { return model.backward(gradOutput, downTo: 1) }
        var g = gradOutput
        for index in model.layers.indices.reversed() where index >= 1 {
            if let linear = model.layers[index] as? Linear, let job = parameterGradientJobs[index] {
                if SparseTraining.parameterGradients == .helper
                    || (SparseTraining.parameterGradients == .helperUnlessGathering && helper.isDone(gatherTicket)) {
                    job.gradient = g
                    helper.start(job.job, index)
                } else {
                    // The helper is still gathering the next batch (dense images: many entries): it has the
                    // longer way to the first layer's backward, so this thread makes these gradients itself.
                    linear.addParameterGradients(g)
                }
                g = linear.inputGradient(g)
            } else {
                guard let next = model.layers[index].backward(g, needInputGradient: true) else { return nil }
                g = next
            }
        }
        return g
    }

    /// The sparse form of batch `b`. Alone: gathered here, and the next batch's rows prefetched. With the helper:
    /// it gathered this one during the previous step (batch 0 is gathered here).
    private func batch(_ b: Int) -> SparseBatch {
        guard let helper else {
            buffers[0].select(rows(of: b))
            buffers[0].prefetch(rows(of: b + 1))
            return buffers[0]
        }
        let current = buffers[b & 1]
        if b == 0 { current.select(rows(of: 0)) } else { helper.wait() }
        return current
    }

    /// The rows of batch `b` in this epoch's order (none past the end).
    private func rows(of b: Int) -> ArraySlice<Int> {
        let n = order.count
        return order[min(n, b * batchSize)..<min(n, (b + 1) * batchSize)]
    }
}
