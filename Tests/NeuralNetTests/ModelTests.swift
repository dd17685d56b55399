import XCTest
import TensorCore
@testable import NeuralNet

/// Sequential models: parameter counts, width checks, a whole-model gradient check, training (converging,
/// deterministic, diverging, interrupted), and the training engine's helper thread, fused first-layer step and
/// split columns giving the same weights as the plain path, bit for bit.
final class ModelTests: XCTestCase {
    private func mlp(_ sizes: [Int], seed: UInt64 = 1) -> Sequential {
        var rng = SeededRandom(seed: seed)
        let m = Sequential(name: "m")
        for i in 0..<(sizes.count - 1) {
            _ = m.append(Linear(inputs: sizes[i], outputs: sizes[i + 1], rng: &rng))
            if i < sizes.count - 2 { _ = m.append(Activation(.relu)) }
        }
        return m
    }

    func testLectureParameterCounts() {
        XCTAssertEqual(mlp([3, 4, 2]).parameterCount, 26)
        XCTAssertEqual(mlp([3, 4, 4, 1]).parameterCount, 41)
        XCTAssertEqual(mlp([784, 128, 64, 10]).parameterCount, 109_386)
    }

    func testMismatchedLayerIsRejected() {
        var rng = SeededRandom(seed: 1)
        let m = mlp([4, 3])
        guard case .failure(let e) = m.append(Linear(inputs: 5, outputs: 2, rng: &rng)) else { return XCTFail() }
        XCTAssertEqual(e.message, "linear 5 2 expects 5 inputs but receives 3")
    }

    func testWholeModelGradientCheck() {
        var rng = SeededRandom(seed: 5)
        let m = Sequential(name: "g")
        _ = m.append(Linear(inputs: 4, outputs: 5, initialisation: .xavier, rng: &rng))
        _ = m.append(Activation(.tanh))
        _ = m.append(Linear(inputs: 5, outputs: 3, initialisation: .xavier, rng: &rng))
        let x = Matrix(rows: 6, cols: 4)
        for i in 0..<x.count { x.data[i] = Float(rng.normal()) }
        let entries = GradientCheck.run(m, loss: .crossEntropy, input: x, labels: [0, 1, 2, 0, 1, 2])
        XCTAssertEqual(entries.count, 4)
        for e in entries { XCTAssertLessThan(e.relativeError, 0.05, "\(e.layerSpec) \(e.parameter)") }
    }

    /// Two Gaussian blobs: a small MLP reaches near-perfect accuracy, deterministically for a seed.
    func testTrainingConvergesAndIsDeterministic() {
        func run() -> (Double, [Float]) {
            var rng = SeededRandom(seed: 11)
            var features: [Float] = [], labels: [Int32] = []
            for i in 0..<400 {
                let c = i % 2
                features += [Float(rng.normal() * 0.5 + (c == 0 ? -1.5 : 1.5)), Float(rng.normal() * 0.5)]
                labels.append(Int32(c))
            }
            let m = mlp([2, 8, 2], seed: 3)
            let trainer = Trainer(model: m, loss: .crossEntropy, optimizer: SGD(learningRate: 0.1, momentum: 0.9))
            var stats: [EpochStats] = []
            let outcome = trainer.train(Samples(features: features, labels: labels, width: 2), validation: nil,
                                        config: TrainConfig(epochs: 5, batchSize: 16), rng: &rng, onEpoch: { stats.append($0) })
            XCTAssertEqual(outcome, .completed)
            XCTAssertEqual(stats.count, 5)
            XCTAssertLessThan(stats[4].loss, stats[0].loss)
            return (trainer.evaluate(Samples(features: features, labels: labels, width: 2)).accuracy, m.parameters[0].value.array)
        }
        let (acc, w1) = run()
        let (_, w2) = run()
        XCTAssertGreaterThan(acc, 0.97)
        XCTAssertEqual(w1, w2)
    }

    /// The helper thread gathers the next sparse batch while the loop trains: the weights must be the same, bit
    /// for bit, as training alone, including the last short batch and an interrupted run.
    /// Parameter arrays equal bit for bit; on failure, says which differ and in how many values (not all of them).
    private func assertSameWeights(_ a: [[Float]], _ b: [[Float]], _ label: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, line: line)
        for (p, (x, y)) in zip(a, b).enumerated() {
            let differ = x.count == y.count ? zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count : max(x.count, y.count)
            XCTAssertEqual(differ, 0, "\(label): array \(p) differs in \(differ) of \(x.count) values", line: line)
        }
    }

    /// With the helper (batches gathered there, the first layer's columns split, the later linear layers'
    /// parameter gradients made there) the weights are those of one thread, bit for bit: SGD and Adam, one or two
    /// linear layers after the first, the first layer's step fused or not.
    func testHelperThreadGivesTheSameWeights() throws {
        guard let helper = Helper.shared else { throw XCTSkip("needs two CPUs and NNLAB_THREADS unset") }
        helperGivesTheSameWeights(helper) { SGD(learningRate: 0.05, momentum: 0.9) }
        helperGivesTheSameWeights(helper) { Adam(learningRate: 2e-3) }
        helperGivesTheSameWeights(helper, hidden: [70, 24]) { SGD(learningRate: 0.05, momentum: 0.9) }
        helperGivesTheSameWeights(helper, hidden: [70, 24], fused: false) { Adam(learningRate: 2e-3) }
    }

    private func helperGivesTheSameWeights(_ helper: Helper, hidden: [Int] = [70], fused: Bool = true,
                                           optimizer: () -> Optimizer) {
        func run(_ helper: Helper?, stopAfter: Int = .max) -> ([[Float]], TrainOutcome) {
            var rng = SeededRandom(seed: 5)
            let width = 40
            var features = [Float](repeating: 0, count: 203 * width)
            for i in features.indices where rng.uniform() < (i % width < 20 ? 0.7 : 0.1) { features[i] = Float(Int(rng.uniform(1, 100))) / 100 }
            let labels = (0..<203).map { Int32($0 % 3) }
            // 70 hidden units: the first layer's columns split 48 + 22 between the threads (SIMD tiles of 64 and
            // 16, and a scalar tail); a background of -0.4242 as after MNIST's standardisation.
            let m = mlp([width] + hidden + [3], seed: 8)
            let trainer = Trainer(model: m, loss: .crossEntropy, optimizer: optimizer())
            trainer.helper = helper
            trainer.fusesFirstLayerStep = fused
            var batches = 0
            let data = Samples(matrix: FeatureMatrix(floats: features, width: width).affine(scale: 1, shift: -0.4242),
                               labels: labels)
            XCTAssertEqual(SparseRows.make(data.matrix)?.denseColumns.count, 20, "the sparse path, with a dense block")
            let outcome = trainer.train(data, validation: nil, config: TrainConfig(epochs: 3, batchSize: 16), rng: &rng,
                                        onBatch: { _ in batches += 1 }, onEpoch: { _ in }, shouldStop: { batches >= stopAfter })
            return (m.snapshot() + m.parameters.flatMap { $0.slots.map(\.array) }, outcome)
        }
        let (alone, aloneOutcome) = run(nil)
        XCTAssertEqual(aloneOutcome, .completed)
        // The later layers' parameter gradients on the helper, on this thread, and wherever the helper is free.
        defer { SparseTraining.parameterGradients = .helperUnlessGathering }
        for placement in [SparseTraining.ParameterGradientPlacement.helper, .loop, .helperUnlessGathering] {
            SparseTraining.parameterGradients = placement
            let (helped, helpedOutcome) = run(helper)
            XCTAssertEqual(helpedOutcome, .completed)
            assertSameWeights(alone, helped, "full run, \(hidden) fused \(fused), parameter gradients \(placement)")
        }
        let (stoppedAlone, stop1) = run(nil, stopAfter: 20)
        let (stoppedHelped, stop2) = run(helper, stopAfter: 20)
        XCTAssertEqual(stop1, .interrupted(epoch: 2, batch: 7))
        XCTAssertEqual(stop2, stop1)
        assertSameWeights(stoppedAlone, stoppedHelped, "interrupted run, \(hidden) fused \(fused)")
        // The helper is free again: a second claimant gets it, and only one at a time.
        XCTAssertTrue(helper.claim())
        XCTAssertFalse(helper.claim())
        helper.release()
    }

    /// The first layer's SGD or Adam step fused into its sparse backward (with Σ_k W_k and the dense rows of W kept
    /// for the next forward) gives the same weights and optimizer state as backward, then the optimizer, bit for
    /// bit: every form of SGD, Adam with and without weight decay, zero and non-zero backgrounds, a learning-rate
    /// schedule, a validation pass between epochs, an interrupted run and a second run after the weights were
    /// changed by hand.
    func testFusedFirstLayerStepGivesTheSameWeights() {
        func run(fused: Bool, optimizer: () -> Optimizer, background: Float) -> [[Float]] {
            var rng = SeededRandom(seed: 5)
            let width = 40
            var features = [Float](repeating: 0, count: 203 * width)
            for i in features.indices where rng.uniform() < (i % width < 20 ? 0.7 : 0.1) { features[i] = Float(Int(rng.uniform(1, 100))) / 100 }
            let matrix = FeatureMatrix(floats: features, width: width).affine(scale: 1, shift: background)
            let labels = (0..<203).map { Int32($0 % 3) }
            let m = mlp([width, 70, 3], seed: 8)
            let sgd = optimizer()
            let trainer = Trainer(model: m, loss: .crossEntropy, optimizer: sgd)
            trainer.helper = nil
            trainer.fusesFirstLayerStep = fused
            let data = Samples(matrix: matrix, labels: labels, sparse: SparseRows.make(matrix))
            XCTAssertEqual(data.sparse?.background, background)
            XCTAssertEqual(data.sparse?.denseColumns.count, 20, "the dense block is part of what is tested")
            let validation = Samples(matrix: matrix.rows(Array(0..<50)), labels: Array(labels[0..<50]))
            var config = TrainConfig(epochs: 3, batchSize: 16)
            config.stepSize = 1
            config.stepGamma = 0.5
            var batches = 0
            let stopped = trainer.train(data, validation: validation, config: config, rng: &rng, onBatch: { _ in batches += 1 },
                                        onEpoch: { _ in }, shouldStop: { batches >= 20 })
            XCTAssertEqual(stopped, .interrupted(epoch: 2, batch: 7))
            m.parameters[0].value.data[3] += 0.25  // changed between runs: nothing cached may survive
            let outcome = trainer.train(data, validation: validation, config: config, rng: &rng, onEpoch: { _ in })
            XCTAssertEqual(outcome, .completed)
            return m.snapshot() + m.parameters.flatMap { $0.slots.map(\.array) }
        }
        let optimizers: [() -> Optimizer] = [{ SGD(learningRate: 0.05, momentum: 0.9) },
                                             { SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3) },
                                             { SGD(learningRate: 0.1) },
                                             { SGD(learningRate: 0.05, momentum: 0.5, weightDecay: 0.01) },
                                             { Adam(learningRate: 1e-3) },
                                             { Adam(learningRate: 2e-3, weightDecay: 1e-3) }]
        for (i, optimizer) in optimizers.enumerated() {
            for background: Float in [0, -0.4242] {
                let plain = run(fused: false, optimizer: optimizer, background: background)
                let fused = run(fused: true, optimizer: optimizer, background: background)
                assertSameWeights(plain, fused, "optimizer \(i) background \(background)")
            }
        }
    }

    /// A layer with its columns split gives the same outputs and weights as a whole one, with the helper idle or
    /// still busy with another job when the second part is queued.
    func testSplitColumnsGiveTheSameNumbersAsAWholeLayer() throws {
        guard let helper = Helper.shared else { throw XCTSkip("needs two CPUs and NNLAB_THREADS unset") }
        XCTAssertTrue(helper.claim())
        defer { helper.release() }
        var rng = SeededRandom(seed: 21)
        let width = 40
        var features = [Float](repeating: 0, count: 50 * width)
        for i in features.indices where rng.uniform() < (i % width < 20 ? 0.7 : 0.1) { features[i] = Float(Int(rng.uniform(1, 100))) / 100 }
        let rows = SparseRows(FeatureMatrix(floats: features, width: width).affine(scale: 1, shift: -0.4242), background: -0.4242)!
        XCTAssertEqual(rows.denseColumns.count, 20)
        let rule = SGDRule(learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, nesterov: false)
        for busy in [false, true] {
            let whole = SparseLinear(Linear(inputs: width, outputs: 70, rng: &rng))
            let split = SparseLinear(Linear(inputs: width, outputs: 70, rng: &rng))
            split.layer.weight.value.copy(from: whole.layer.weight.value)
            split.layer.bias.value.copy(from: whole.layer.bias.value)
            let v1 = Matrix(rows: width, cols: 70), v2 = Matrix(rows: width, cols: 70)
            split.splitColumns(state: [v2])
            let b1 = SparseBatch(rows), b2 = SparseBatch(rows)
            for (step, picked) in [[3, 17, 0, 9, 12, 44], [1, 2, 3, 4, 5, 6, 7, 8, 10], [49, 3, 3]].enumerated() {
                b1.select(picked[...])
                b2.select(picked[...])
                let y1 = whole.forward(b1, weightsUnchanged: step > 0).array
                if busy { helper.start({ _ in usleep(3000) }, 0) }
                let y2 = split.forward(b2, weightsUnchanged: step > 0, helper: helper).array
                XCTAssertEqual(y1, y2, "busy \(busy) step \(step): outputs")
                let g = Matrix(rows: picked.count, cols: 70)
                for i in 0..<g.count { g.data[i] = Float(rng.normal()) }
                whole.backward(g, steppingWeightsWith: .sgd(rule), state: [v1])
                if busy { helper.start({ _ in usleep(3000) }, 0) }
                split.backward(g, steppingWeightsWith: .sgd(rule), state: [v2], helper: helper)
            }
            helper.wait()
            split.joinColumns(state: [v2])
            assertSameWeights([whole.layer.weight.value.array, v1.array], [split.layer.weight.value.array, v2.array], "busy \(busy)")
        }
    }

    func testHelperRunsJobsInOrderAndWaits() throws {
        guard let helper = Helper.shared else { throw XCTSkip("needs two CPUs and NNLAB_THREADS unset") }
        XCTAssertTrue(helper.claim())
        defer { helper.release() }
        final class Log: @unchecked Sendable { var items: [Int] = [] }
        let log = Log()
        for i in 0..<1000 {
            helper.start({ log.items.append($0) }, i)
            if i % 100 == 0 { usleep(3000) }  // let the helper fall asleep now and then: it must wake up
        }
        helper.wait()
        XCTAssertEqual(log.items, Array(0..<1000))
    }

    func testDivergenceRestoresWeightsAndInterruptStops() {
        var rng = SeededRandom(seed: 2)
        let m = mlp([2, 4, 2])
        let before = m.snapshot()
        let data = Samples(features: [3e38, 3e38, -3e38, 3e38], labels: [0, 1], width: 2)
        let trainer = Trainer(model: m, loss: .crossEntropy, optimizer: SGD(learningRate: 100))
        let outcome = trainer.train(data, validation: nil, config: TrainConfig(epochs: 3, batchSize: 1), rng: &rng, onEpoch: { _ in })
        guard case .diverged = outcome else { return XCTFail("expected divergence, got \(outcome)") }
        XCTAssertEqual(m.snapshot(), before)
        let stopped = trainer.train(Samples(features: [0, 1, 1, 0], labels: [0, 1], width: 2), validation: nil,
                                    config: TrainConfig(epochs: 1, batchSize: 1), rng: &rng, onEpoch: { _ in }, shouldStop: { true })
        XCTAssertEqual(stopped, .interrupted(epoch: 1, batch: 0))
    }
}
