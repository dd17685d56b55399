import Basics
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Samples laid out for training: `count` rows of `width` features, one label each.
public struct Samples: Sendable {
    /// The rows, read batch by batch (byte-backed image sets stay bytes).
    public var matrix: FeatureMatrix
    public var labels: [Int32]
    public var width: Int
    /// The same features in sparse form, when the caller has it (built once per data set).
    public var sparse: SparseRows?
    public var count: Int { labels.count }
    /// All features as one Float array (builds it for byte-backed sets; BLAS-over-everything code only).
    public var features: [Float] { matrix.floats }

    public init(features: [Float], labels: [Int32], width: Int, sparse: SparseRows? = nil) {
        self.init(matrix: FeatureMatrix(floats: features, width: width), labels: labels, sparse: sparse)
    }

    public init(matrix: FeatureMatrix, labels: [Int32], sparse: SparseRows? = nil) {
        self.matrix = matrix
        self.labels = labels
        width = matrix.width
        self.sparse = sparse
    }
}

public struct EpochStats: Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var seconds: Double
    public var learningRate: Float
}

public struct BatchProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var batch: Int
    public var batches: Int
    public var runningLoss: Double
}

public enum TrainOutcome: Sendable, Equatable {
    case completed
    case interrupted(epoch: Int, batch: Int)
    case diverged(epoch: Int, batch: Int)
    case stoppedEarly(epoch: Int)
}

public struct TrainConfig: Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var shuffle: Bool = true
    /// Multiply the learning rate by `stepGamma` every `stepSize` epochs (0 = constant).
    public var stepSize: Int = 0
    public var stepGamma: Float = 0.1
    /// Stop when validation accuracy has not improved for this many epochs (0 = never).
    public var patience: Int = 0

    public init(epochs: Int, batchSize: Int) {
        self.epochs = epochs
        self.batchSize = batchSize
    }
}

public struct Evaluation: Sendable {
    public var loss: Double
    public var accuracy: Double
    public var predictions: [Int32]
    public init(loss: Double, accuracy: Double, predictions: [Int32]) {
        self.loss = loss
        self.accuracy = accuracy
        self.predictions = predictions
    }
}

/// Mini-batch training loop: shuffle, gather, forward, loss, backward, step. Buffers are allocated once.
public final class Trainer {
    public let model: Sequential
    public let loss: LossFunction
    public let optimizer: Optimizer
    private let batchInput = Matrix(rows: 0, cols: 0)
    private let batchLabels = Matrix(rows: 0, cols: 0)
    private var labelBuffer: [Int32] = []
    private let gradOutput = Matrix(rows: 0, cols: 0)
    /// The second thread (`Helper`): it gathers the next sparse batch while the loop trains on this one, and
    /// with SGD takes half of the first layer's columns. nil: one thread. The results are the same either way.
    public var helper: Helper? = Helper.shared
    /// With SGD and a sparse first layer, step that layer's weights inside its backward pass (one pass over W
    /// instead of three: see `Linear.backward(_:steppingWeightsWith:velocity:)`). The same weights either way.
    public var fusesFirstLayerStep = true

    public init(model: Sequential, loss: LossFunction, optimizer: Optimizer) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
    }

    /// Trains in place. `shouldStop` is polled once per batch (Ctrl-C); a non-finite loss restores the
    /// weights from the start of the epoch and stops.
    public func train(_ data: Samples, validation: Samples?, config: TrainConfig, rng: inout SeededRandom,
                      epochOffset: Int = 0,
                      onBatch: (BatchProgress) -> Void = { _ in }, onEpoch: (EpochStats) -> Void,
                      shouldStop: () -> Bool = { false }) -> TrainOutcome {
        let n = data.count, width = data.width
        guard n > 0, config.batchSize > 0 else { return .completed }
        let batches = (n + config.batchSize - 1) / config.batchSize
        var order = Array(0..<n)
        if labelBuffer.count < config.batchSize { labelBuffer = [Int32](repeating: 0, count: config.batchSize) }
        let baseRate = optimizer.learningRate
        // Mostly-background inputs (MNIST) go through the first layer in sparse form: same numbers, ~5x less work.
        var sparse: [SparseBatch] = []
        // (Batches of up to 65,536 rows: a sparse batch packs its row numbers into 16 bits.)
        if model.layers.first is Linear, config.batchSize <= 65_536, let rows = data.sparse ?? SparseRows.make(data.matrix),
           rows.count == n, rows.width == width {
            sparse = [SparseBatch(rows)]
        }
        // With the helper thread, two sparse batches take turns: the helper gathers the next while the loop
        // trains on the current one. The same batches either way, so the same numbers.
        let helper = sparse.isEmpty ? nil : self.helper.flatMap { $0.claim() ? $0 : nil }
        defer { helper?.release() }
        if helper != nil { sparse.append(SparseBatch(sparse[0].source)) }
        // Parameters listed once (the step runs per batch and must not allocate). With the fused first-layer
        // step, the optimizer steps the rest, and what that step kept (Σ_k W_k, the dense rows of W) stands for the
        // next forward: nothing else changes the weights between two batches of this loop.
        let parameters = model.parameters
        let fusedSGD = fusesFirstLayerStep && !sparse.isEmpty ? optimizer as? SGD : nil
        var weightsUnchanged = false
        // With the helper and the fused step, the first layer's columns are trained in two halves, one on each
        // thread; for that its weights move into two blocks of their own for the epoch (see `Linear.splitColumns`).
        let splitLayer = helper != nil && fusedSGD != nil ? model.layers.first as? Linear : nil
        let splitVelocity = splitLayer.flatMap { fusedSGD?.velocity(of: $0.weight) }
        // The helper's job for batch b: gather it into the buffer the batch before last used (the last one is
        // still in use), and prefetch the rows of the batch after. Made once: posting it allocates nothing.
        let batchSize = config.batchSize
        let gather: (Int) -> Void = { [sparse] b in
            let next = sparse[b & 1]
            next.select(Trainer.sparseRows(b, order: order, batchSize: batchSize))
            next.prefetch(Trainer.sparseRows(b + 1, order: order, batchSize: batchSize))
        }
        var bestValidation = -1.0
        var epochsWithoutImprovement = 0
        model.zeroGrad()

        for e in 0..<config.epochs {
            let epoch = epochOffset + e + 1
            if config.stepSize > 0 {
                optimizer.learningRate = baseRate * powf(config.stepGamma, Float(e / config.stepSize))
            }
            let start = Clock.now
            let snapshot = model.snapshot()
            if config.shuffle { rng.shuffle(&order) }
            splitLayer?.splitColumns(velocity: splitVelocity)
            weightsUnchanged = false
            var lossSum = 0.0
            var correct = 0
            var seen = 0
            var outcome: TrainOutcome?
            do {
                data.labels.withUnsafeBufferPointer { labels in
                    labelBuffer.withUnsafeMutableBufferPointer { batchLabels in
                        guard let labelsOut = batchLabels.baseAddress else { return }
                        for b in 0..<batches {
                            if shouldStop() { outcome = .interrupted(epoch: epoch, batch: b); return }
                            let lo = b * config.batchSize, hi = min(n, lo + config.batchSize)
                            let size = hi - lo
                            for (r, i) in order[lo..<hi].enumerated() { labelsOut[r] = labels[i] }
                            let out: Matrix
                            if !sparse.isEmpty,
                               let o = model.forward(sparse: prepareSparse(sparse, batch: b, order: order, helper: helper,
                                                                           batchSize: config.batchSize),
                                                     training: true, weightsUnchanged: weightsUnchanged, helper: helper) {
                                out = o
                                // The helper is free again: it gathers the next batch while this one goes on.
                                if let helper, (b + 1) * batchSize < n { helper.start(gather, b + 1) }
                            } else {
                                batchInput.resize(rows: size, cols: width)
                                for (r, i) in order[lo..<hi].enumerated() {
                                    data.matrix.copyRow(i, into: batchInput.data + r * width)
                                }
                                out = model.forward(batchInput, training: true)
                            }
                            let result = loss.evaluate(output: out, labels: labelsOut,
                                                       probabilities: model.endsInSoftmax, grad: gradOutput)
                            if !result.lossSum.isFinite {
                                outcome = .diverged(epoch: epoch, batch: b + 1)
                                return
                            }
                            let stepped = model.backward(gradOutput, steppingFirstWeightsWith: fusedSGD, helper: helper)
                            for p in parameters where p !== stepped { optimizer.update(p) }
                            weightsUnchanged = stepped != nil
                            lossSum += result.lossSum
                            correct += result.correct
                            seen += size
                            onBatch(BatchProgress(epoch: epoch, epochs: epochOffset + config.epochs, batch: b + 1,
                                                  batches: batches, runningLoss: lossSum / Double(seen)))
                        }
                    }
                }
            }
            splitLayer?.joinColumns(velocity: splitVelocity)
            if case .diverged = outcome { model.restore(snapshot) }
            if let outcome { model.zeroGrad(); return outcome }
            var stats = EpochStats(epoch: epoch, loss: lossSum / Double(max(seen, 1)),
                                   accuracy: Double(correct) / Double(max(seen, 1)), validationLoss: nil,
                                   validationAccuracy: nil, seconds: 0, learningRate: optimizer.learningRate)
            if let validation, validation.count > 0 {
                let v = evaluate(validation)
                stats.validationLoss = v.loss
                stats.validationAccuracy = v.accuracy
            }
            stats.seconds = Clock.now - start
            onEpoch(stats)
            if config.patience > 0, let acc = stats.validationAccuracy {
                if acc > bestValidation { bestValidation = acc; epochsWithoutImprovement = 0 }
                else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= config.patience { return .stoppedEarly(epoch: epoch) }
                }
            }
        }
        return .completed
    }

    /// The sparse form of batch `b` (rows order[b·size ..< (b+1)·size]). Alone: gathered here, and the next
    /// batch's rows are prefetched. With the helper: it gathered this one during the previous step
    /// (the training loop's `gather` job; batch 0 is gathered here).
    private func prepareSparse(_ buffers: [SparseBatch], batch b: Int, order: [Int], helper: Helper?,
                               batchSize: Int) -> SparseBatch {
        guard helper != nil else {
            buffers[0].select(Trainer.sparseRows(b, order: order, batchSize: batchSize))
            buffers[0].prefetch(Trainer.sparseRows(b + 1, order: order, batchSize: batchSize))
            return buffers[0]
        }
        let current = buffers[b & 1]
        if b == 0 { current.select(Trainer.sparseRows(0, order: order, batchSize: batchSize)) } else { helper?.wait() }
        return current
    }

    private static func sparseRows(_ k: Int, order: [Int], batchSize: Int) -> ArraySlice<Int> {
        let n = order.count
        return order[min(n, k * batchSize)..<min(n, (k + 1) * batchSize)]
    }

    /// Loss and accuracy over a whole set, in evaluation mode, in batches of 1,000.
    public func evaluate(_ data: Samples) -> Evaluation {
        Evaluator.evaluate(model, data, loss: loss)
    }
}

public enum Evaluator {
    public static func evaluate(_ model: Sequential, _ data: Samples, loss: LossFunction) -> Evaluation {
        let n = data.count, width = data.width
        var predictions = [Int32](repeating: 0, count: n)
        var lossSum = 0.0
        var correct = 0
        let chunk = 1000
        do {
            data.labels.withUnsafeBufferPointer { labels in
                guard let lBase = labels.baseAddress else { return }
                var lo = 0
                let view = Matrix(rows: 0, cols: width)
                while lo < n {
                    let hi = min(n, lo + chunk)
                    // A chunk of rows at a time (byte-backed sets are converted chunk by chunk).
                    view.resize(rows: hi - lo, cols: width)
                    for i in lo..<hi { data.matrix.copyRow(i, into: view.data + (i - lo) * width) }
                    let out = model.forward(view, training: false)
                    let r = loss.evaluate(output: out, labels: lBase + lo, probabilities: model.endsInSoftmax, grad: nil)
                    lossSum += r.lossSum
                    correct += r.correct
                    for i in 0..<(hi - lo) {
                        predictions[lo + i] = Int32(predictedClass(out.data + i * out.cols, out.cols))
                    }
                    lo = hi
                }
            }
        }
        return Evaluation(loss: lossSum / Double(max(n, 1)), accuracy: Double(correct) / Double(max(n, 1)),
                          predictions: predictions)
    }

    /// Model outputs for one sample (probabilities when `softmax` is set and the model ends in logits).
    public static func outputs(_ model: Sequential, features: ArraySlice<Float>, softmax: Bool) -> [Float] {
        let x = Matrix(rows: 1, cols: features.count, values: Array(features))
        let out = model.forward(x, training: false)
        var result = out.array
        if softmax && !model.endsInSoftmax && result.count > 1 {
            result.withUnsafeMutableBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                softmaxRow(base, base, count: buf.count)
            }
        }
        return result
    }
}
