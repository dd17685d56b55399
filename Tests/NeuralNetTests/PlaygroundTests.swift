import XCTest
import TensorCore
@testable import NeuralNet
import ModelFormat  // InputFeature(name:), the parser of feature names

/// What the TensorFlow Playground adds to a network: input features, L1/L2 penalties on the weights, the linear
/// (identity) activation, and regression against real targets.
final class PlaygroundTests: XCTestCase {
    /// Central difference of `f` at the value `pointer` points to.
    private func numeric(_ pointer: UnsafeMutablePointer<Float>, epsilon: Float = 1e-3, _ f: () -> Double) -> Double {
        let original = pointer.pointee
        pointer.pointee = original + epsilon
        let plus = f()
        pointer.pointee = original - epsilon
        let minus = f()
        pointer.pointee = original
        return (plus - minus) / (2 * Double(epsilon))
    }

    // MARK: input features

    func testFeaturesAreComputedExactly() {
        let points: [(Float, Float)] = [(0.5, -2), (-3, 1.25), (0, 0), (6, -6)]
        let layer = InputFeatures(InputFeature.allCases)
        let x = Matrix(rows: points.count, cols: 2, values: points.flatMap { [$0.0, $0.1] })
        let y = layer.forward(x, training: false)
        XCTAssertEqual(y.cols, 7)
        for (r, (x1, x2)) in points.enumerated() {
            let expected: [Float] = [x1, x2, x1 * x1, x2 * x2, x1 * x2, sinf(x1), sinf(x2)]
            XCTAssertEqual(Array(y.row(r)), expected, "row \(r)")
        }
        XCTAssertEqual(layer.spec, "features x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)")
        // A subset, in the order given.
        let cross = InputFeatures([.x1TimesX2, .x1])
        XCTAssertEqual(cross.forward(Matrix(rows: 1, cols: 2, values: [3, -2]), training: false).array, [-6, 3])
        XCTAssertEqual(cross.outputWidth(for: 2), .success(2))
        if case .success = cross.outputWidth(for: 3) { XCTFail("the features take 2 inputs, not 3") }
        XCTAssertEqual(cross.parameters.count, 0)
    }

    func testFeatureNamesAsStudentsWriteThem() {
        let names: [(String, InputFeature)] = [("x1", .x1), ("X2", .x2), ("x1^2", .x1Squared), ("X_1^2", .x1Squared), ("x2²", .x2Squared),
                                               ("x1*x2", .x1TimesX2), ("x2 * x1", .x1TimesX2), ("X1X2", .x1TimesX2),
                                               ("sin(x1)", .sinX1), ("sin(X_2)", .sinX2), ("sin x2", .sinX2)]
        for (text, feature) in names { XCTAssertEqual(InputFeature(name: text), feature, text) }
        for text in ["x3", "cos(x1)", "", "x1^3"] { XCTAssertNil(InputFeature(name: text), text) }
    }

    /// Each feature's derivative against finite differences, through the layer's backward (as when it is not first).
    func testFeatureGradientsMatchFiniteDifferences() {
        let layer = InputFeatures(InputFeature.allCases)
        let x = Matrix(rows: 3, cols: 2, values: [0.7, -1.3, 2.1, 0.4, -0.9, -2.2])
        let r = Matrix(rows: 3, cols: 7, values: (0..<21).map { Float(($0 * 37) % 11) / 5 - 1 })
        func objective() -> Double {
            let y = layer.forward(x, training: false)
            return zip(y.array, r.array).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = layer.forward(x, training: false)
        guard let dx = layer.backward(r, needInputGradient: true)?.clone() else { return XCTFail("no input gradient") }
        for i in 0..<x.count {
            XCTAssertEqual(Double(dx.data[i]), numeric(x.data + i, objective), accuracy: 2e-2, "dx[\(i)]")
        }
    }

    // MARK: regularization

    private func weights(_ values: [Float]) -> Parameter {
        Parameter(name: "weight", value: Matrix(rows: 1, cols: values.count, values: values))
    }

    /// The penalties' derivatives (what their steps use) against finite differences of the penalties.
    func testPenaltyGradientsMatchFiniteDifferences() {
        let p = weights([0.8, -0.35, 1.7, -2.4, 0.05, -0.6])
        for r in [Regularization(.l1, rate: 0.03), Regularization(.l2, rate: 0.3)] {
            for i in 0..<p.value.count {
                let expected = numeric(p.value.data + i) { r.penalty([p]) }
                XCTAssertEqual(Double(r.derivative(p.value.data[i])), expected, accuracy: 1e-3, "\(r.spec) w[\(i)]")
            }
        }
        XCTAssertEqual(Regularization(.l1, rate: 2).penalty([weights([1, -3])]), 8)
        XCTAssertEqual(Regularization(.l2, rate: 2).penalty([weights([1, -3])]), 10)
        // Biases carry no penalty.
        let bias = Parameter(name: "bias", value: Matrix(rows: 1, cols: 2, values: [5, 5]))
        XCTAssertEqual(Regularization(.l2, rate: 1).penalty([bias]), 0)
    }

    /// The Playground's step: w - η λ R'(w); L1 stops at zero instead of crossing it; biases untouched.
    func testPenaltyStepsAsThePlaygroundDoes() {
        let p = weights([1, -1, 0.002, -0.002, 0])
        Regularization(.l1, rate: 0.1).step(p, learningRate: 0.05)
        XCTAssertEqual(p.value.array, [0.995, -0.995, 0, 0, 0])
        let q = weights([1, -2])
        Regularization(.l2, rate: 0.1).step(q, learningRate: 0.5)
        XCTAssertEqual(q.value.array, [0.95, -1.9])
        let bias = Parameter(name: "bias", value: Matrix(rows: 1, cols: 2, values: [1, -1]))
        Regularization(.l1, rate: 10).step(bias, learningRate: 1)
        XCTAssertEqual(bias.value.array, [1, -1])
    }

    /// Trained with L1, the weights into a useless input become exactly 0; the other input keeps its weight.
    func testL1ZeroesTheWeightsOfAnUselessInput() {
        var rng = SeededRandom(seed: 4)
        var features: [Float] = [], labels: [Int32] = []
        for _ in 0..<200 {
            let a = Float(rng.uniform(-1, 1)), noise = Float(rng.uniform(-1, 1))
            features += [a, noise]
            labels.append(a > 0 ? 1 : 0)
        }
        let model = Sequential(name: "l1")
        let layer = Linear(inputs: 2, outputs: 2, rng: &rng)
        _ = model.append(layer)
        let trainer = Trainer(model: model, loss: .crossEntropy, optimizer: SGD(learningRate: 0.1),
                              regularization: Regularization(.l1, rate: 0.02))
        _ = trainer.train(Samples(features: features, labels: labels, width: 2), validation: nil,
                          config: TrainConfig(epochs: 60, batchSize: 10), rng: &rng, onEpoch: { _ in })
        XCTAssertEqual(layer.incomingWeights(of: 0)?[1], 0, "from the noise input")
        XCTAssertEqual(layer.incomingWeights(of: 1)?[1], 0, "from the noise input")
        XCTAssertGreaterThan(abs(layer.weightAt(input: 0, output: 1) - layer.weightAt(input: 0, output: 0)), 1)
        XCTAssertGreaterThan(trainer.evaluate(Samples(features: features, labels: labels, width: 2)).accuracy, 0.95)
    }

    // MARK: the linear activation and regression

    func testIdentityActivationPassesValuesAndGradientsThrough() {
        let layer = Activation(.identity)
        let x = Matrix(rows: 2, cols: 3, values: [1, -2, 3, 0, 0.5, -7])
        XCTAssertEqual(layer.forward(x, training: false).array, x.array)
        let g = Matrix(rows: 2, cols: 3, values: [3, 1, 4, 1, 5, 9])
        XCTAssertEqual(layer.backward(g, needInputGradient: true)?.array, g.array)
        XCTAssertEqual(Activation.Function.identity(-4.5), -4.5)
    }

    func testRegressionLossAndItsGradient() {
        let out = Matrix(rows: 3, cols: 1, values: [0.5, -1, 2])
        let targets: [Float] = [1, -1, 0]
        let grad = Matrix(rows: 0, cols: 0)
        let result = targets.withUnsafeBufferPointer { LossFunction.mse.evaluate(output: out, targets: $0.baseAddress!, grad: grad) }
        XCTAssertEqual(result.lossSum, 0.25 + 0 + 4, accuracy: 1e-9)
        XCTAssertEqual(result.correct, 0)
        for i in 0..<3 {
            let expected = numeric(out.data + i) {
                targets.withUnsafeBufferPointer { LossFunction.mse.evaluate(output: out, targets: $0.baseAddress!, grad: nil).lossSum / 3 }
            }
            XCTAssertEqual(Double(grad.data[i]), expected, accuracy: 1e-3)
        }
    }

    /// The plane (x1 + x2) / 10 learned by a linear model: the loss falls near 0, accuracy is NaN (no classes), the
    /// evaluation gives one output per row, and a gradient check on targets passes.
    func testRegressionTrainsAndEvaluates() {
        var rng = SeededRandom(seed: 2)
        var features: [Float] = [], targets: [Float] = []
        for _ in 0..<300 {
            let a = Float(rng.uniform(-6, 6)), b = Float(rng.uniform(-6, 6))
            features += [a, b]
            targets.append((a + b) / 10)
        }
        let model = Sequential(name: "plane")
        _ = model.append(InputFeatures([.x1, .x2]))
        _ = model.append(Linear(inputs: 2, outputs: 3, rng: &rng))
        _ = model.append(Activation(.tanh))
        _ = model.append(Linear(inputs: 3, outputs: 1, rng: &rng))
        let samples = Samples(matrix: FeatureMatrix(floats: features, width: 2), labels: [Int32](repeating: 0, count: 300), targets: targets)
        let input = Matrix(rows: 8, cols: 2, values: Array(features[0..<16]))
        for e in GradientCheck.run(model, loss: .mse, input: input, labels: [], targets: Array(targets[0..<8])) {
            XCTAssertLessThan(e.relativeError, 0.05, "\(e.layerSpec) \(e.parameter)")
        }
        let trainer = Trainer(model: model, loss: .mse, optimizer: SGD(learningRate: 0.03, momentum: 0.9))
        var stats: [EpochStats] = []
        _ = trainer.train(samples, validation: samples, config: TrainConfig(epochs: 30, batchSize: 10), rng: &rng,
                          onEpoch: { stats.append($0) })
        XCTAssertTrue(stats.allSatisfy { $0.accuracy.isNaN && ($0.validationAccuracy?.isNaN ?? false) })
        XCTAssertLessThan(stats.last?.loss ?? 1, 0.002)
        let evaluation = trainer.evaluate(samples)
        XCTAssertEqual(evaluation.outputs.count, 300)
        XCTAssertLessThan(evaluation.loss, 0.002)
        XCTAssertEqual(Double(evaluation.outputs[0]), Double(targets[0]), accuracy: 0.1)
    }
}
