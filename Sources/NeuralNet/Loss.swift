import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Loss functions, each computing the batch loss and its gradient in one pass (mean over the batch, as
/// PyTorch's default reduction).
public enum LossFunction: String, Sendable, CaseIterable {
    /// Softmax + cross-entropy on logits: L = -log softmax(s)_y; dL/ds = softmax(s) - onehot(y).
    /// When the model already ends in a softmax layer, its outputs are probabilities and L = -log p_y.
    case crossEntropy = "cross_entropy"
    /// Mean squared error against one-hot targets (or the label itself for a single output).
    case mse
    /// Multiclass SVM hinge: L = Σ_{j≠y} max(0, s_j - s_y + 1).
    case hinge

    public struct BatchResult: Sendable {
        public var lossSum: Double
        public var correct: Int
    }

    /// Fills `grad` (same shape as `output`) with dLoss/dOutput for the batch mean; returns the summed loss
    /// and the number of correct predictions (argmax, or threshold 0.5 for a single output).
    public func evaluate(output: Matrix, labels: UnsafePointer<Int32>, probabilities: Bool,
                         grad: Matrix?) -> BatchResult {
        let batch = output.rows, classes = output.cols
        let scale = 1 / Float(batch)
        grad?.resize(rows: batch, cols: classes)
        var lossSum = 0.0
        var correct = 0
        for r in 0..<batch {
            let s = output.data + r * classes
            let y = Int(labels[r])
            let g = grad.map { $0.data + r * classes }
            if predictedClass(s, classes) == y { correct += 1 }
            switch self {
            case .crossEntropy:
                if probabilities {
                    let p = max(s[y], 1e-12)
                    lossSum -= Double(logf(p))
                    if let g {
                        for j in 0..<classes { g[j] = 0 }
                        g[y] = -scale / p
                    }
                } else {
                    var m = -Float.infinity
                    for j in 0..<classes { m = max(m, s[j]) }
                    var sum: Float = 0
                    for j in 0..<classes { sum += expf(s[j] - m) }
                    let logSum = logf(sum) + m
                    lossSum += Double(logSum - s[y])
                    if let g {
                        for j in 0..<classes { g[j] = expf(s[j] - logSum) * scale }
                        g[y] -= scale
                    }
                }
            case .mse:
                let n = Float(classes)
                var l: Float = 0
                for j in 0..<classes {
                    let target: Float = classes == 1 ? Float(y) : (j == y ? 1 : 0)
                    let d = s[j] - target
                    l += d * d
                    g?[j] = 2 * d * scale / n
                }
                lossSum += Double(l / n)
            case .hinge:
                var l: Float = 0
                var violations: Float = 0
                for j in 0..<classes where j != y {
                    let margin = s[j] - s[y] + 1
                    if margin > 0 { l += margin; violations += 1; g?[j] = scale } else { g?[j] = 0 }
                }
                g?[y] = -violations * scale
                lossSum += Double(l)
            }
        }
        return BatchResult(lossSum: lossSum, correct: correct)
    }

    /// Regression (a real target per row, one output): the squared error (s - t)², mean over the batch, whatever
    /// the loss is set to (regression is trained with mse; the caller checks the setting). dL/ds = 2 (s - t) / B.
    /// `correct` is 0: there are no classes to get right.
    public func evaluate(output: Matrix, targets: UnsafePointer<Float>, grad: Matrix?) -> BatchResult {
        let batch = output.rows, width = output.cols
        let scale = 1 / Float(batch)
        grad?.resize(rows: batch, cols: width)
        var lossSum = 0.0
        for r in 0..<batch {
            let s = output.data + r * width
            let g = grad.map { $0.data + r * width }
            var l: Float = 0
            // One output is the model regression trains; extra outputs (if any) are compared with the same target.
            for j in 0..<width {
                let d = s[j] - targets[r]
                l += d * d
                g?[j] = 2 * d * scale / Float(width)
            }
            lossSum += Double(l / Float(width))
        }
        return BatchResult(lossSum: lossSum, correct: 0)
    }
}

/// Index of the largest score; for a single output, class 1 when it exceeds 0.5.
@inline(__always)
public func predictedClass(_ s: UnsafePointer<Float>, _ classes: Int) -> Int {
    if classes == 1 { return s[0] > 0.5 ? 1 : 0 }
    var best = 0
    var bestValue = s[0]
    for j in 1..<classes where s[j] > bestValue { best = j; bestValue = s[j] }
    return best
}
