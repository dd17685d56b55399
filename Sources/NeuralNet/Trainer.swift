import Basics
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Samples laid out for training: `count` rows of `width` features, one label each (or one real value each, for
/// regression).
public struct Samples: Sendable {
    /// The rows, read batch by batch (byte-backed image sets stay bytes).
    public var matrix: FeatureMatrix
    public var labels: [Int32]
    /// A real value per row for regression (then `labels` are ignored); nil for classification.
    public var targets: [Float]?
    public var width: Int
    /// The same features in sparse form, when the caller has it (built once per data set).
    public var sparse: SparseRows?
    public var count: Int { labels.count }
    /// All features as one Float array (builds it for byte-backed sets; BLAS-over-everything code only).
    public var features: [Float] { matrix.floats }

    public init(features: [Float], labels: [Int32], width: Int, sparse: SparseRows? = nil) {
        self.init(matrix: FeatureMatrix(floats: features, width: width), labels: labels, sparse: sparse)
    }

    /// `targets` for regression; `labels` must then hold one (ignored) entry per row.
    public init(matrix: FeatureMatrix, labels: [Int32], targets: [Float]? = nil, sparse: SparseRows? = nil) {
        self.matrix = matrix
        self.labels = labels
        self.targets = targets
        width = matrix.width
        self.sparse = sparse
    }
}

public struct EpochStats: Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    /// NaN for regression: there are no classes to count.
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
    /// Stop when validation accuracy (validation loss, for regression) has not improved for this many epochs
    /// (0 = never).
    public var patience: Int = 0

    public init(epochs: Int, batchSize: Int) {
        self.epochs = epochs
        self.batchSize = batchSize
    }
}

public struct Evaluation: Sendable {
    public var loss: Double
    /// NaN for regression.
    public var accuracy: Double
    /// The predicted class of each row (all 0 for regression: see `outputs`).
    public var predictions: [Int32]
    /// For regression, the model's output for each row; empty for classification.
    public var outputs: [Float] = []
    public init(loss: Double, accuracy: Double, predictions: [Int32]) {
        self.loss = loss
        self.accuracy = accuracy
        self.predictions = predictions
    }
}

/// Mini-batch training: shuffle, then for each batch gather, forward, loss, backward, step. Buffers are
/// allocated once. A model whose first layer is linear, trained on mostly-background data (MNIST), goes through
/// `SparseTraining` (the same numbers, a fraction of the work, a second thread when there is one).
public final class Trainer {
    public let model: Sequential
    public let loss: LossFunction
    public let optimizer: Optimizer
    private let batchInput = Matrix(rows: 0, cols: 0)
    private var labelBuffer: [Int32] = []
    /// The batch's targets, for regression.
    private var targetBuffer: [Float] = []
    private let gradOutput = Matrix(rows: 0, cols: 0)
    /// The second thread the sparse path may use (see `SparseTraining`); nil: one thread. The same weights
    /// either way.
    public var helper: Helper? = Helper.shared
    /// With SGD or Adam and a sparse first layer, step that layer's weights inside its backward pass (one pass
    /// over W instead of three: see `SparseLinear.backward(_:steppingWeightsWith:state:helper:)`). The same
    /// weights either way.
    public var fusesFirstLayerStep = true
    /// The weights' penalty, stepped after the optimizer's step (see `Regularization`); nil: none.
    public let regularization: Regularization?

    public init(model: Sequential, loss: LossFunction, optimizer: Optimizer, regularization: Regularization? = nil) {
        self.model = model
        self.loss = loss
        self.optimizer = optimizer
        self.regularization = regularization
    }

    /// Trains in place. `shouldStop` is polled once per batch (Ctrl-C); a non-finite loss restores the
    /// weights from the start of the epoch and stops.
    public func train(_ data: Samples, validation: Samples?, config: TrainConfig, rng: inout SeededRandom,
                      epochOffset: Int = 0,
                      onBatch: (BatchProgress) -> Void = { _ in }, onEpoch: (EpochStats) -> Void,
                      shouldStop: () -> Bool = { false }) -> TrainOutcome {
        let n = data.count
        guard n > 0, config.batchSize > 0 else { return .completed }
        if labelBuffer.count < config.batchSize { labelBuffer = [Int32](repeating: 0, count: config.batchSize) }
        if targetBuffer.count < config.batchSize { targetBuffer = [Float](repeating: 0, count: config.batchSize) }
        // The sparse path keeps copies of the first layer's weights between steps; the penalty's step would
        // change them behind its back, so regularized models train the plain way (toy problems, where it matters).
        let sparse = regularization != nil ? nil
            : SparseTraining(model: model, data: data, batchSize: config.batchSize, optimizer: optimizer,
                             helper: helper, fusesStep: fusesFirstLayerStep)
        defer { sparse?.finish() }
        let baseRate = optimizer.learningRate
        var order = Array(0..<n)
        var bestValidation = -Double.infinity
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
            var tally = EpochTally(epoch: epoch, epochs: epochOffset + config.epochs)
            if let outcome = runEpoch(data, order: order, batchSize: config.batchSize, sparse: sparse, tally: &tally,
                                      onBatch: onBatch, shouldStop: shouldStop) {
                if case .diverged = outcome { model.restore(snapshot) }
                model.zeroGrad()
                return outcome
            }
            var stats = EpochStats(epoch: epoch, loss: tally.lossSum / Double(max(tally.seen, 1)),
                                   accuracy: data.targets != nil ? .nan : Double(tally.correct) / Double(max(tally.seen, 1)),
                                   validationLoss: nil,
                                   validationAccuracy: nil, seconds: 0, learningRate: optimizer.learningRate)
            if let validation, validation.count > 0 {
                let v = evaluate(validation)
                stats.validationLoss = v.loss
                stats.validationAccuracy = v.accuracy
            }
            stats.seconds = Clock.now - start
            onEpoch(stats)
            // Regression has no accuracy: a lower validation loss is the improvement.
            let score = validation?.targets != nil ? stats.validationLoss.map { -$0 } : stats.validationAccuracy
            if config.patience > 0, let accuracy = score {
                if accuracy > bestValidation {
                    bestValidation = accuracy
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= config.patience { return .stoppedEarly(epoch: epoch) }
                }
            }
        }
        return .completed
    }

    /// What an epoch adds up as its batches go by.
    private struct EpochTally {
        let epoch: Int
        let epochs: Int
        var lossSum = 0.0
        var correct = 0
        var seen = 0
    }

    /// One pass over the set in `order`, batch by batch. Returns how it ended early (interrupted, diverged),
    /// or nil when every batch was done.
    private func runEpoch(_ data: Samples, order: [Int], batchSize: Int, sparse: SparseTraining?,
                          tally: inout EpochTally, onBatch: (BatchProgress) -> Void,
                          shouldStop: () -> Bool) -> TrainOutcome? {
        let n = order.count, batches = (n + batchSize - 1) / batchSize
        // Listed once: the steps must not allocate.
        let parameters = model.parameters
        sparse?.beginEpoch(order: order)
        defer { sparse?.endEpoch() }
        let targets = data.targets ?? []
        return data.labels.withUnsafeBufferPointer { labels in
            labelBuffer.withUnsafeMutableBufferPointer { batchLabels -> TrainOutcome? in
              targetBuffer.withUnsafeMutableBufferPointer { batchTargets -> TrainOutcome? in
                guard let labelsOut = batchLabels.baseAddress, let targetsOut = batchTargets.baseAddress else { return nil }
                for b in 0..<batches {
                    if shouldStop() { return .interrupted(epoch: tally.epoch, batch: b) }
                    let rows = order[(b * batchSize)..<min(n, (b + 1) * batchSize)]
                    for (r, i) in rows.enumerated() { labelsOut[r] = labels[i] }
                    if data.targets != nil { for (r, i) in rows.enumerated() { targetsOut[r] = targets[i] } }
                    guard let result = step(batch: b, rows: rows, labels: labelsOut, targets: data.targets != nil ? targetsOut : nil,
                                            data: data, sparse: sparse, parameters: parameters) else {
                        return .diverged(epoch: tally.epoch, batch: b + 1)
                    }
                    tally.lossSum += result.lossSum
                    tally.correct += result.correct
                    tally.seen += rows.count
                    onBatch(BatchProgress(epoch: tally.epoch, epochs: tally.epochs, batch: b + 1, batches: batches,
                                          runningLoss: tally.lossSum / Double(tally.seen)))
                }
                return nil
              }
            }
        }
    }

    /// One step on batch number `b`, the set's rows `rows`: forward, loss, backward, the optimizer's step, the
    /// penalty's step. Nil, and nothing stepped, when the loss is not finite.
    private func step(batch b: Int, rows: ArraySlice<Int>, labels: UnsafePointer<Int32>, targets: UnsafePointer<Float>?,
                      data: Samples, sparse: SparseTraining?, parameters: [Parameter]) -> LossFunction.BatchResult? {
        let out: Matrix
        if let sparse {
            out = sparse.forward(batch: b)
        } else {
            let width = data.width
            batchInput.resize(rows: rows.count, cols: width)
            for (r, i) in rows.enumerated() { data.matrix.copyRow(i, into: batchInput.data + r * width) }
            out = model.forward(batchInput, training: true)
        }
        let result = targets.map { loss.evaluate(output: out, targets: $0, grad: gradOutput) }
            ?? loss.evaluate(output: out, labels: labels, probabilities: model.endsInSoftmax, grad: gradOutput)
        guard result.lossSum.isFinite else { return nil }
        // The sparse path may have stepped the first layer's weights already (its fused step).
        let stepped: Parameter?
        if let sparse {
            stepped = sparse.backward(gradOutput)
        } else {
            model.backward(gradOutput)
            stepped = nil
        }
        for p in parameters where p !== stepped { optimizer.update(p) }
        if let regularization {
            for p in parameters { regularization.step(p, learningRate: optimizer.learningRate) }
        }
        return result
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
        var outputs: [Float] = []
        var lossSum = 0.0
        var correct = 0
        let chunk = 1000
        let targets = data.targets
        if targets != nil { outputs.reserveCapacity(n) }
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
                if let targets {
                    let r = targets.withUnsafeBufferPointer { t in
                        t.baseAddress.map { loss.evaluate(output: out, targets: $0 + lo, grad: nil) }
                    }
                    lossSum += r?.lossSum ?? 0
                    for i in 0..<(hi - lo) { outputs.append(out.data[i * out.cols]) }
                    lo = hi
                    continue
                }
                let r = loss.evaluate(output: out, labels: lBase + lo, probabilities: model.endsInSoftmax, grad: nil)
                lossSum += r.lossSum
                correct += r.correct
                for i in 0..<(hi - lo) {
                    predictions[lo + i] = Int32(predictedClass(out.data + i * out.cols, out.cols))
                }
                lo = hi
            }
        }
        var evaluation = Evaluation(loss: lossSum / Double(max(n, 1)),
                                    accuracy: targets != nil ? .nan : Double(correct) / Double(max(n, 1)), predictions: predictions)
        evaluation.outputs = outputs
        return evaluation
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
