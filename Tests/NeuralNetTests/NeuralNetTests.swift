import XCTest
import TensorCore
@testable import NeuralNet

/// Checks a layer's backward against central finite differences of L = Σ f(x) ∘ R, for the input gradient and
/// every parameter gradient. Done in Float32, so the tolerance is loose but still catches any wrong formula.
private func checkLayer(_ layer: Layer, inputWidth: Int, batch: Int = 3, seed: UInt64 = 3,
                        file: StaticString = #filePath, line: UInt = #line) {
    var rng = SeededRandom(seed: seed)
    let x = Matrix(rows: batch, cols: inputWidth)
    // Keep inputs away from ReLU kinks so the finite difference is well defined.
    for i in 0..<x.count { var v = Float(rng.normal()); if abs(v) < 0.05 { v += 0.1 }; x.data[i] = v }
    guard case .success(let outWidth) = layer.outputWidth(for: inputWidth) else { return XCTFail("width", file: file, line: line) }
    let r = Matrix(rows: batch, cols: outWidth)
    for i in 0..<r.count { r.data[i] = Float(rng.normal()) }
    func objective() -> Double {
        let y = layer.forward(x, training: false)
        var s = 0.0
        for i in 0..<y.count { s += Double(y.data[i]) * Double(r.data[i]) }
        return s
    }
    for p in layer.parameters { p.zeroGrad() }
    _ = layer.forward(x, training: false)
    guard let dx = layer.backward(r, needInputGradient: true)?.clone() else { return XCTFail("no input gradient", file: file, line: line) }
    let eps: Float = 1e-2
    func numeric(_ ptr: UnsafeMutablePointer<Float>) -> Double {
        let original = ptr.pointee
        ptr.pointee = original + eps; let plus = objective()
        ptr.pointee = original - eps; let minus = objective()
        ptr.pointee = original
        return (plus - minus) / (2 * Double(eps))
    }
    for i in 0..<x.count {
        let n = numeric(x.data + i)
        XCTAssertEqual(Double(dx.data[i]), n, accuracy: 2e-2 * max(1, abs(n)), "\(layer.spec) dx[\(i)]", file: file, line: line)
    }
    for p in layer.parameters {
        for i in 0..<p.value.count {
            let n = numeric(p.value.data + i)
            XCTAssertEqual(Double(p.grad.data[i]), n, accuracy: 2e-2 * max(1, abs(n)), "\(layer.spec) d\(p.name)[\(i)]", file: file, line: line)
        }
    }
}

final class LayerGradientTests: XCTestCase {
    func testLinear() {
        var rng = SeededRandom(seed: 1)
        checkLayer(Linear(inputs: 5, outputs: 4, initialisation: .pytorch, rng: &rng), inputWidth: 5)
        checkLayer(Linear(inputs: 3, outputs: 1, initialisation: .xavier, rng: &rng), inputWidth: 3)
    }
    func testActivations() {
        for f: Activation.Function in [.relu, .sigmoid, .tanh, .leakyReLU(alpha: 0.1), .elu(alpha: 1)] {
            checkLayer(Activation(f), inputWidth: 6)
        }
    }
    func testSoftmax() { checkLayer(Softmax(), inputWidth: 5) }
    func testDropoutIsIdentityInEvaluation() {
        let d = Dropout(probability: 0.5, seed: 1)
        checkLayer(d, inputWidth: 4)
        let x = Matrix(rows: 100, cols: 100, repeating: 1)
        let y = d.forward(x, training: true)
        let kept = (0..<y.count).filter { y.data[$0] != 0 }.count
        XCTAssertEqual(Double(kept) / 10000, 0.5, accuracy: 0.03)
        XCTAssertTrue((0..<y.count).allSatisfy { y.data[$0] == 0 || y.data[$0] == 2 })
    }
}

final class LossTests: XCTestCase {
    private func checkLoss(_ loss: LossFunction, classes: Int, probabilities: Bool = false) {
        var rng = SeededRandom(seed: 9)
        let batch = 4
        let s = Matrix(rows: batch, cols: classes)
        for i in 0..<s.count { s.data[i] = probabilities ? Float(rng.uniform(0.1, 1)) : Float(rng.normal()) }
        let labels: [Int32] = (0..<batch).map { Int32($0 % max(classes, 2)) }.map { classes == 1 ? $0 % 2 : $0 }
        let grad = Matrix(rows: 0, cols: 0)
        labels.withUnsafeBufferPointer { l in
            _ = loss.evaluate(output: s, labels: l.baseAddress!, probabilities: probabilities, grad: grad)
            for i in 0..<s.count {
                let original = s.data[i], eps: Float = 1e-3
                s.data[i] = original + eps
                let plus = loss.evaluate(output: s, labels: l.baseAddress!, probabilities: probabilities, grad: nil).lossSum
                s.data[i] = original - eps
                let minus = loss.evaluate(output: s, labels: l.baseAddress!, probabilities: probabilities, grad: nil).lossSum
                s.data[i] = original
                let numeric = (plus - minus) / (2 * Double(eps)) / Double(batch)
                XCTAssertEqual(Double(grad.data[i]), numeric, accuracy: 1e-2 * max(1, abs(numeric)), "\(loss) [\(i)]")
            }
        }
    }
    func testCrossEntropyGradient() { checkLoss(.crossEntropy, classes: 5) }
    func testCrossEntropyOnProbabilitiesGradient() { checkLoss(.crossEntropy, classes: 3, probabilities: true) }
    func testMSEGradient() { checkLoss(.mse, classes: 4); checkLoss(.mse, classes: 1) }
    func testHingeGradient() { checkLoss(.hinge, classes: 4) }

    func testCrossEntropyKnownValue() {
        // Uniform logits over 10 classes: loss = ln 10.
        let s = Matrix(rows: 1, cols: 10)
        let r = [Int32(3)].withUnsafeBufferPointer { LossFunction.crossEntropy.evaluate(output: s, labels: $0.baseAddress!, probabilities: false, grad: nil) }
        XCTAssertEqual(r.lossSum, log(10), accuracy: 1e-6)
    }

    /// The lecture's SVM example (cs231n): scores [3.2, 5.1, -1.7] for class 0 give loss 2.9.
    func testHingeKnownValue() {
        let s = Matrix(rows: 1, cols: 3, values: [3.2, 5.1, -1.7])
        let r = [Int32(0)].withUnsafeBufferPointer { LossFunction.hinge.evaluate(output: s, labels: $0.baseAddress!, probabilities: false, grad: nil) }
        XCTAssertEqual(r.lossSum, 2.9, accuracy: 1e-5)
    }
}

final class OptimizerTests: XCTestCase {
    private func parameter(_ w: [Float], grad g: [Float]) -> Parameter {
        let p = Parameter(name: "w", value: Matrix(rows: 1, cols: w.count, values: w))
        for i in 0..<g.count { p.grad.data[i] = g[i] }
        return p
    }

    /// PyTorch: torch.optim.SGD([w], lr=0.1, momentum=0.9) with grad 1 twice: w = 1 - 0.1 - 0.19 = 0.71.
    func testSGDMomentumMatchesPyTorch() {
        let p = parameter([1], grad: [1])
        let sgd = SGD(learningRate: 0.1, momentum: 0.9)
        sgd.step([p])
        XCTAssertEqual(p.value.data[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(p.grad.data[0], 0, "step clears the gradient")
        p.grad.data[0] = 1
        sgd.step([p])
        XCTAssertEqual(p.value.data[0], 0.71, accuracy: 1e-6)
    }

    func testNesterovAndWeightDecay() {
        let p = parameter([1], grad: [1])
        SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.5).step([p])
        // g = 1 + 0.5 = 1.5; v = 1.5; w = 1 - 0.1 * (1.5 + 0.9 * 1.5) = 0.715
        XCTAssertEqual(p.value.data[0], 0.715, accuracy: 1e-6)
    }

    /// Adam's first step moves every weight by lr in the direction opposite to its gradient's sign.
    func testAdamFirstStep() {
        let p = parameter([1, 1], grad: [0.3, -2])
        Adam(learningRate: 0.01).step([p])
        XCTAssertEqual(p.value.data[0], 0.99, accuracy: 1e-5)
        XCTAssertEqual(p.value.data[1], 1.01, accuracy: 1e-5)
    }
}

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
        let (helped, helpedOutcome) = run(helper)
        XCTAssertEqual(aloneOutcome, .completed)
        XCTAssertEqual(helpedOutcome, .completed)
        assertSameWeights(alone, helped, "full run, \(hidden) fused \(fused)")
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

final class SparseInputTests: XCTestCase {
    /// The sparse first-layer path must give the dense path's outputs and weight gradients, for a zero and a
    /// non-zero background (standardised MNIST has -0.4242).
    func testSparseForwardAndBackwardMatchDense() {
        // Output widths covering each code path of the kernels: 64-wide tiles, 16-wide tiles, the scalar tail.
        // `frequent`: how many columns have ink in most rows, so that batches carry them as a dense block (BLAS)
        // besides the sparse entries (16 or more such columns are needed).
        for (background, out, frequent) in [(Float(0), 70, 0), (-0.4242, 70, 0), (-0.4242, 100, 0), (0.5, 16, 0),
                                            (-0.4242, 5, 0), (-0.4242, 70, 20), (0, 100, 18), (0.5, 5, 16)] {
            var rng = SeededRandom(seed: 4)
            let width = 30
            var features = [Float](repeating: background, count: 20 * width)
            for i in features.indices where rng.uniform() < (i % width < frequent ? 0.9 : 0.2) {
                features[i] = Float(Int(rng.uniform(-50, 100))) / 50  // at most 150 distinct values: the palette's limit is 256
            }
            // Row 19 is all background: a batch of only that row has no entries at all.
            for k in 0..<width { features[19 * width + k] = background }
            let dense = Linear(inputs: width, outputs: out, rng: &rng)
            let sparseLayer = Linear(inputs: width, outputs: out, rng: &rng)
            let sparsePath = SparseLinear(sparseLayer)
            sparseLayer.weight.value.copy(from: dense.weight.value)
            sparseLayer.bias.value.copy(from: dense.bias.value)
            let rows = SparseRows.make(features: features, width: width, maxDensity: 0.9)!
            XCTAssertEqual(rows.background, background)
            if frequent == 0 {
                XCTAssertEqual(rows.denseColumns, [], "background \(background) out \(out)")
            } else {
                XCTAssertGreaterThanOrEqual(rows.denseColumns.count, frequent, "background \(background) out \(out)")
            }
            let sb = SparseBatch(rows)
            // Several batches through the same SparseBatch (buffers reused, sizes change); gradients accumulate.
            for indices in [[3, 17, 0, 9, 12], [19], [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14], [19, 3, 3]] {
                let x = Matrix(rows: indices.count, cols: width)
                for (r, i) in indices.enumerated() { for k in 0..<width { x[r, k] = features[i * width + k] } }
                sb.select(indices[...])
                let yd = dense.forward(x, training: true).array
                let ys = sparsePath.forward(sb).array
                XCTAssertEqual(yd.count, ys.count)
                for i in yd.indices { XCTAssertEqual(yd[i], ys[i], accuracy: 1e-4, "y[\(i)] background \(background) out \(out) frequent \(frequent) \(indices)") }
                let g = Matrix(rows: indices.count, cols: out)
                for i in 0..<g.count { g.data[i] = Float(rng.normal()) }
                _ = dense.backward(g, needInputGradient: false)
                sparsePath.backward(g)
                for i in 0..<dense.weight.grad.count {
                    XCTAssertEqual(dense.weight.grad.data[i], sparseLayer.weight.grad.data[i], accuracy: 1e-3,
                                   "dW[\(i)] background \(background) out \(out) frequent \(frequent) \(indices)")
                }
                for (a, b) in zip(dense.bias.grad.array, sparseLayer.bias.grad.array) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            }
        }
    }

    /// A batch keeps its dense block as palette codes, so it needs a code for the background: with all 256
    /// codes taken by other values there is no dense block (and the layer still computes the same outputs).
    func testAFullPaletteLeavesNoDenseBlock() {
        let width = 20, n = 300
        var features = [Float](repeating: 0, count: n * width)
        var rng = SeededRandom(seed: 12)
        for r in 0..<n { for k in 0..<16 where rng.uniform() < 0.8 { features[r * width + k] = Float(1 + (r * 16 + k) % 256) } }
        let full = SparseRows.make(features: features, width: width, maxDensity: 0.9)!
        XCTAssertEqual(full.denseColumns, [], "256 distinct values besides the background: no zero code")
        let layer = Linear(inputs: width, outputs: 24, rng: &rng)
        let batch = SparseBatch(full)
        batch.select([5, 0, 299, 17][...])
        let y = SparseLinear(layer).forward(batch).array
        let x = Matrix(rows: 4, cols: width, values: [5, 0, 299, 17].flatMap { r in features[(r * width)..<((r + 1) * width)] })
        var fewer = features
        for i in fewer.indices where fewer[i] == 256 { fewer[i] = 255 }
        XCTAssertEqual(SparseRows.make(features: fewer, width: width, maxDensity: 0.9)?.denseColumns.count, 16, "255 values: a dense block")
        let expected = layer.forward(x, training: false).array
        for i in y.indices { XCTAssertEqual(y[i], expected[i], accuracy: 1e-3) }
    }

    func testSparseRowsStayDenseWithMoreThan256DistinctValues() {
        var features = [Float](repeating: 0, count: 1000 * 10)
        for i in 0..<255 { features[i * 10] = Float(i + 1) }
        let compact = SparseRows.make(features: features, width: 10)
        XCTAssertNotNil(compact, "255 values besides the background fit the palette")
        let limit: Int = 1001 * 8 + 256 * 4 + 256 * 4
        XCTAssertLessThanOrEqual(compact?.byteCount ?? Int.max, limit, "4 bytes an entry")
        for i in 255..<300 { features[i * 10] = Float(i + 1) }
        XCTAssertNil(SparseRows.make(features: features, width: 10), "300 distinct values: dense path")
    }

    func testSparseRowsFromBytesMatchTheFloatPath() {
        // 30 rows of 20 "pixels", mostly 0, normalised as MNIST is: the byte path must give the same layer
        // outputs as the float path (same background, same values).
        var rng = SeededRandom(seed: 9)
        var bytes = [UInt8](repeating: 0, count: 30 * 20)
        for i in bytes.indices where rng.uniform() < 0.25 { bytes[i] = UInt8(rng.uniform(1, 255)) }
        let matrix = FeatureMatrix(bytes: bytes, width: 20).affine(scale: 1 / (255 * 0.3081), shift: -0.1307 / 0.3081)
        let fromBytes = SparseRows.make(matrix)!
        let fromFloats = SparseRows.make(features: matrix.floats, width: 20)!
        XCTAssertEqual(fromBytes.background, fromFloats.background)
        XCTAssertEqual(fromBytes.density, fromFloats.density)
        let layer = Linear(inputs: 20, outputs: 24, rng: &rng)
        for rows in [fromBytes, fromFloats] {
            let batch = SparseBatch(rows)
            batch.select([4, 0, 29, 11][...])
            let y = SparseLinear(layer).forward(batch).array
            let x = Matrix(rows: 4, cols: 20, values: [4, 0, 29, 11].flatMap { matrix.row($0) })
            let expected = layer.forward(x, training: false).array
            for i in y.indices { XCTAssertEqual(y[i], expected[i], accuracy: 1e-4) }
        }
    }

    func testBackgroundDetection() {
        let data: [Float] = [0, 0, 0, 5, 0, 0, 0, 0, 1, 0]
        let (value, density) = data.withUnsafeBufferPointer { SparseRows.background(of: $0, width: 5) }
        XCTAssertEqual(value, 0)
        XCTAssertEqual(density, 0.2, accuracy: 1e-9)
    }
}
