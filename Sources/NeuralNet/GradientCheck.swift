import TensorCore

/// Compares back-propagated gradients with central finite differences, parameter by parameter.
///
/// A central difference (L(w + ε) - L(w - ε)) / 2ε is the derivative only where L is smooth over [w - ε, w + ε].
/// ReLU (and leaky_relu, elu with alpha ≠ 1) has a corner at 0, the multiclass hinge one where a margin is 0:
/// when the step carries such an input across its corner, the difference averages two slopes and a correct
/// backward looks wrong. As in CS231n's notes on kinks, each forward pass records which side of its corner every
/// such value lies on; an entry whose +ε or -ε pass puts one on another side than the unperturbed pass is skipped
/// and counted, and the others are compared as usual (a wrong backward still shows on them).
public enum GradientCheck {
    public struct Entry: Sendable {
        public var layer: Int
        public var layerSpec: String
        public var parameter: String
        /// max |analytic - numeric| / max(|analytic| + |numeric|, the difference's rounding) over the checked
        /// entries (0 when none was).
        public var relativeError: Double
        public var checked: Int
        /// Entries left out because their ±ε step crosses a corner of the loss (see the type's comment).
        public var skipped: Int
    }

    /// Checks up to `perParameter` entries of each parameter (evenly spaced) on one batch; `targets` (one per
    /// row) for regression, else `labels`. `skipKinks: false` compares every entry, corners or not (for tests).
    public static func run(_ model: Sequential, loss: LossFunction, input: Matrix, labels: [Int32], targets: [Float]? = nil,
                           epsilon: Float = 1e-2, perParameter: Int = 20, skipKinks: Bool = true) -> [Entry] {
        let probabilities = model.endsInSoftmax
        let hingeMargins = loss == .hinge && targets == nil
        /// The batch's loss, its gradient into `grad` when given.
        func evaluate(_ out: Matrix, grad: Matrix?) -> Double {
            if let targets {
                return targets.withUnsafeBufferPointer { t in
                    t.baseAddress.map { loss.evaluate(output: out, targets: $0, grad: grad).lossSum } ?? 0
                }
            }
            return labels.withUnsafeBufferPointer { l in
                l.baseAddress.map { loss.evaluate(output: out, labels: $0, probabilities: probabilities, grad: grad).lossSum } ?? 0
            }
        }
        /// The model's output, with the side of its corner of every value that has one appended to `sides`
        /// (`x > 0`, the test each backward pass makes).
        func forward(_ sides: inout [Bool]) -> Matrix {
            sides.removeAll(keepingCapacity: true)
            var h = input
            for layer in model.layers {
                if skipKinks, let a = layer as? Activation, a.function.hasCorner {
                    for i in 0..<h.count { sides.append(h.data[i] > 0) }
                }
                h = layer.forward(h, training: false)
            }
            if skipKinks && hingeMargins {
                for r in 0..<min(h.rows, labels.count) where (0..<h.cols).contains(Int(labels[r])) {
                    let s = h.data + r * h.cols, y = Int(labels[r])
                    for j in 0..<h.cols where j != y { sides.append(s[j] - s[y] + 1 > 0) }
                }
            }
            return h
        }
        var baseSides: [Bool] = [], sides: [Bool] = []
        model.zeroGrad()
        let grad = Matrix(rows: 0, cols: 0)
        _ = evaluate(forward(&baseSides), grad: grad)
        model.backward(grad)
        /// The mean loss with the parameter entry at `value`, or nil when that moves a value across its corner.
        func lossValue(_ pointer: UnsafeMutablePointer<Float>, at value: Float) -> Double? {
            pointer.pointee = value
            let total = evaluate(forward(&sides), grad: nil)
            return sides == baseSides ? total / Double(input.rows) : nil
        }
        var entries: [Entry] = []
        for (index, layer) in model.layers.enumerated() {
            for p in layer.parameters {
                let n = p.value.count
                let stride = max(1, n / perParameter)
                var worst = 0.0
                var checked = 0, skipped = 0
                for i in Swift.stride(from: 0, to: n, by: stride) {
                    let entry = p.value.data + i, original = entry.pointee
                    let plus = lossValue(entry, at: original + epsilon)
                    let minus = lossValue(entry, at: original - epsilon)
                    entry.pointee = original
                    guard let plus, let minus else { skipped += 1; continue }
                    let numeric = (plus - minus) / (2 * Double(epsilon))
                    let analytic = Double(p.grad.data[i])
                    // The losses are Float32 sums, rounded by about ulp(L) each, so the difference carries
                    // ~ulp(L) / 2ε of noise (1e-5 for L ≈ 1): an entry whose gradient is that small or 0 (the bias
                    // column of a linear classifier on balanced classes) cannot be told from it. The floor is a
                    // hundred times that noise, so noise alone stays "ok" and a gradient off by half still shows.
                    let rounding = Double(Float.ulpOfOne) * max(abs(plus), abs(minus)) / (2 * Double(epsilon))
                    let scale = max(abs(analytic) + abs(numeric), 100 * rounding, 1e-6)
                    worst = max(worst, abs(analytic - numeric) / scale)
                    checked += 1
                }
                entries.append(Entry(layer: index + 1, layerSpec: layer.spec, parameter: p.name,
                                     relativeError: worst, checked: checked, skipped: skipped))
            }
        }
        model.zeroGrad()
        return entries
    }
}

extension Activation.Function {
    /// Whether the slope jumps at 0: relu's does, leaky_relu's and elu's unless alpha is 1.
    var hasCorner: Bool {
        switch self {
        case .relu: true
        case .leakyReLU(let a), .elu(let a): a != 1
        case .sigmoid, .tanh, .identity: false
        }
    }
}
