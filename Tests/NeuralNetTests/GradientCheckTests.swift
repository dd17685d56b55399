import XCTest
import TensorCore
@testable import NeuralNet

/// `GradientCheck` against models whose loss has corners: a central difference across a ReLU's 0 (or a hinge
/// margin's) averages two slopes, so such entries are skipped and counted, and what is left is still checked.
final class GradientCheckTests: XCTestCase {
    /// linear 2 3 (zero biases) → relu → linear 3 2, on a batch whose first row is all zeros: every hidden input of
    /// that row is exactly 0, the kink. Moving a first-layer bias moves it across.
    private func kinkedModel(first: Layer? = nil) -> (Sequential, Matrix) {
        var rng = SeededRandom(seed: 4)
        let m = Sequential(name: "kinks")
        let linear = Linear(inputs: 2, outputs: 3, initialisation: .xavier, rng: &rng)
        _ = m.append(first ?? linear)
        _ = m.append(Activation(.relu))
        _ = m.append(Linear(inputs: 3, outputs: 2, initialisation: .xavier, rng: &rng))
        return (m, Matrix(rows: 3, cols: 2, values: [0, 0, 0.7, -1.2, -0.4, 0.9]))
    }

    func testACorrectModelPassesWithKinksPresent() {
        let (m, x) = kinkedModel()
        let entries = GradientCheck.run(m, loss: .crossEntropy, input: x, labels: [0, 1, 0])
        XCTAssertEqual(entries.map(\.parameter), ["weight", "bias", "weight", "bias"])
        // The first layer's biases each carry the zero row across the kink; nothing else does.
        XCTAssertEqual(entries.map(\.skipped), [0, 3, 0, 0])
        XCTAssertEqual(entries.map(\.checked), [6, 0, 6, 2])
        for e in entries { XCTAssertLessThan(e.relativeError, 1e-2, "\(e.layerSpec) \(e.parameter)") }
    }

    /// Without the skip the same model fails: the central difference at the kink is half the one-sided slope.
    func testTheSkippedEntriesAreTheOnesAFiniteDifferenceGetsWrong() {
        let (m, x) = kinkedModel()
        let entries = GradientCheck.run(m, loss: .crossEntropy, input: x, labels: [0, 1, 0], skipKinks: false)
        XCTAssertEqual(entries.map(\.skipped), [0, 0, 0, 0])
        XCTAssertGreaterThan(entries[1].relativeError, 0.1, "the first layer's biases sit on the kink")
    }

    func testAWrongBackwardIsStillReportedBesideKinks() {
        var rng = SeededRandom(seed: 4)
        let broken = DoubleCounting(Linear(inputs: 2, outputs: 3, initialisation: .xavier, rng: &rng))
        let (m, x) = kinkedModel(first: broken)
        let entries = GradientCheck.run(m, loss: .crossEntropy, input: x, labels: [0, 1, 0])
        XCTAssertEqual(entries.map(\.skipped), [0, 3, 0, 0])
        XCTAssertGreaterThan(entries[0].relativeError, 0.1, "the doubled weight gradient is caught")
        XCTAssertLessThan(entries[2].relativeError, 1e-2)
        XCTAssertLessThan(entries[3].relativeError, 1e-2)
    }

    /// leaky_relu and elu have a corner at 0 unless alpha is 1 (then leaky_relu is the identity and elu's slope
    /// is continuous); sigmoid and tanh have none.
    func testWhichActivationsHaveAKink() {
        for (f, kinked) in [(Activation.Function.relu, true), (.leakyReLU(alpha: 0.1), true), (.leakyReLU(alpha: 1), false),
                            (.elu(alpha: 0.5), true), (.elu(alpha: 1), false), (.sigmoid, false), (.tanh, false),
                            (.identity, false)] {
            var rng = SeededRandom(seed: 4)
            let m = Sequential(name: "k")
            let first = Linear(inputs: 2, outputs: 3, initialisation: .xavier, rng: &rng)
            _ = m.append(first)
            _ = m.append(Activation(f))
            _ = m.append(Linear(inputs: 3, outputs: 2, initialisation: .xavier, rng: &rng))
            let x = Matrix(rows: 2, cols: 2, values: [0, 0, 0.5, -0.3])
            let entries = GradientCheck.run(m, loss: .crossEntropy, input: x, labels: [0, 1])
            XCTAssertEqual(entries[1].skipped, kinked ? 3 : 0, f.name)
            // Float32 differences of a small gradient: the looser bound of testWholeModelGradientCheck.
            for e in entries { XCTAssertLessThan(e.relativeError, 0.05, "\(f.name) \(e.layerSpec) \(e.parameter)") }
        }
    }

    /// The multiclass hinge has a corner where a margin s_j - s_y + 1 is 0: here class 1's margin for a label-0
    /// row (bias 0 and -1, weights 0).
    func testHingeMarginsAtZeroAreSkipped() {
        var rng = SeededRandom(seed: 4)
        let m = Sequential(name: "svm")
        let linear = Linear(inputs: 2, outputs: 2, initialisation: .xavier, rng: &rng)
        linear.weight.value.fill(0)
        linear.bias.value.data[0] = 0
        linear.bias.value.data[1] = -1
        _ = m.append(linear)
        let x = Matrix(rows: 2, cols: 2, values: [0.5, -0.2, 0.3, 0.8])
        let entries = GradientCheck.run(m, loss: .hinge, input: x, labels: [0, 0])
        // Both rows sit on the corner, and every entry moves their margin: each weight times a non-zero input,
        // each bias directly. Nothing is left to compare, and nothing is called wrong.
        XCTAssertEqual(entries.map(\.skipped), [4, 2])
        XCTAssertEqual(entries.map(\.checked), [0, 0])
        let smooth = GradientCheck.run(m, loss: .crossEntropy, input: x, labels: [0, 0])
        XCTAssertEqual(smooth.map(\.skipped), [0, 0], "cross-entropy has no corner")
    }

    /// With the bias trick on balanced classes, the hinge gradient of the bias column is exactly 0 and the finite
    /// difference is Float32 rounding (about 1e-6): that is agreement, not a relative error of 1.
    func testAZeroGradientIsNotWrongForRounding() {
        var rng = SeededRandom(seed: 4)
        let m = Sequential(name: "svm")
        let classifier = BiasTrickLinear(inputs: 2, classes: 2, rng: &rng)
        _ = m.append(classifier)
        let x = Matrix(rows: 4, cols: 2, values: [0, 0, 0.5, -0.3, -0.8, 0.4, 0.2, 0.9])
        for loss in [LossFunction.hinge, .crossEntropy] {
            let entries = GradientCheck.run(m, loss: loss, input: x, labels: [0, 1, 0, 1])
            XCTAssertEqual(entries.map(\.checked), [6], "\(loss)")
            XCTAssertLessThan(entries[0].relativeError, 1e-2, "\(loss)")
        }
        // A gradient off by a factor of two is still far above that floor.
        let doubled = DoubleCounting(classifier)
        let broken = Sequential(name: "broken")
        _ = broken.append(doubled)
        XCTAssertGreaterThan(GradientCheck.run(broken, loss: .hinge, input: x, labels: [0, 1, 0, 1])[0].relativeError, 0.1)
    }
}

/// A layer whose backward adds its parameter gradients twice: the kind of bug a gradient check is for.
private final class DoubleCounting: Layer {
    let inner: Layer
    init(_ inner: Layer) { self.inner = inner }
    var kind: String { inner.kind }
    var spec: String { inner.spec }
    var parameters: [Parameter] { inner.parameters }
    var inputWidth: Int? { inner.inputWidth }
    func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> { inner.outputWidth(for: inputWidth) }
    func forward(_ input: Matrix, training: Bool) -> Matrix { inner.forward(input, training: training) }
    func backward(_ gradOutput: Matrix, needInputGradient: Bool) -> Matrix? {
        _ = inner.backward(gradOutput, needInputGradient: false)
        return inner.backward(gradOutput, needInputGradient: needInputGradient)
    }
}
