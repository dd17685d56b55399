import XCTest
import TensorCore
@testable import NeuralNet

/// SGD (momentum, Nesterov, weight decay) and Adam steps against PyTorch's numbers.
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
