import TensorCore

/// Compares back-propagated gradients with central finite differences, parameter by parameter.
public enum GradientCheck {
    public struct Entry: Sendable {
        public var layer: Int
        public var layerSpec: String
        public var parameter: String
        /// max |analytic - numeric| / max(|analytic| + |numeric|, tiny) over the checked entries.
        public var relativeError: Double
        public var checked: Int
    }

    /// Checks up to `perParameter` entries of each parameter (evenly spaced) on one batch; `targets` (one per
    /// row) for regression, else `labels`.
    public static func run(_ model: Sequential, loss: LossFunction, input: Matrix, labels: [Int32], targets: [Float]? = nil,
                           epsilon: Float = 1e-2, perParameter: Int = 20) -> [Entry] {
        let probabilities = model.endsInSoftmax
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
        func lossValue() -> Double { evaluate(model.forward(input, training: false), grad: nil) / Double(input.rows) }
        model.zeroGrad()
        let grad = Matrix(rows: 0, cols: 0)
        _ = evaluate(model.forward(input, training: false), grad: grad)
        model.backward(grad)
        var entries: [Entry] = []
        for (index, layer) in model.layers.enumerated() {
            for p in layer.parameters {
                let n = p.value.count
                let stride = max(1, n / perParameter)
                var worst = 0.0
                var checked = 0
                for i in Swift.stride(from: 0, to: n, by: stride) {
                    let original = p.value.data[i]
                    p.value.data[i] = original + epsilon
                    let plus = lossValue()
                    p.value.data[i] = original - epsilon
                    let minus = lossValue()
                    p.value.data[i] = original
                    let numeric = (plus - minus) / (2 * Double(epsilon))
                    let analytic = Double(p.grad.data[i])
                    let scale = max(abs(analytic) + abs(numeric), 1e-6)
                    worst = max(worst, abs(analytic - numeric) / scale)
                    checked += 1
                }
                entries.append(Entry(layer: index + 1, layerSpec: layer.spec, parameter: p.name,
                                     relativeError: worst, checked: checked))
            }
        }
        model.zeroGrad()
        return entries
    }
}
