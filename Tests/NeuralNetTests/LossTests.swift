import XCTest
import TensorCore
@testable import NeuralNet

/// Each loss's gradient against finite differences of its value, and the lecture's known values.
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
