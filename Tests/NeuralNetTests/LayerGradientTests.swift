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

/// Each layer kind's backward (input and parameter gradients) against finite differences (`checkLayer`).
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
