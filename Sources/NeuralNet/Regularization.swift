import Basics
import TensorCore

/// A penalty on the size of the weights, as the TensorFlow Playground applies it: to weights only (never biases),
/// as a step of its own after the optimizer's (the Playground's `updateWeights`, nn.ts).
///
///   L1: penalty λ Σ|w|,     derivative λ sign(w);   step w ← w - η λ sign(w), and a weight that would cross 0 stops at 0
///   L2: penalty λ Σ ½ w²,   derivative λ w;         step w ← w - η λ w (weight decay)
///
/// η is the optimizer's learning rate, λ the rate. L1's stop at zero is what makes its weights exactly 0 (the
/// Playground's dead links). Unlike the Playground, a weight at 0 is not removed for good: each step it moves by
/// its gradient and is pulled back to 0 unless the gradient outweighs the penalty (L1's proximal step).
public struct Regularization: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case l1, l2
    }

    public var kind: Kind
    /// λ
    public var rate: Float

    public init(_ kind: Kind, rate: Float) {
        self.kind = kind
        self.rate = rate
    }

    /// "l1 rate=0.001", as `summary` and saved models write it.
    public var spec: String { "\(kind.rawValue) rate=\(NumberText.float(rate))" }

    /// The rates λ the language accepts (`regularization l2 rate=...`), and so a saved model too.
    public static let rates: ClosedRange<Double> = 0...10

    /// Whether the penalty applies to `parameter`: weights, not biases.
    public static func applies(to parameter: Parameter) -> Bool { parameter.name == "weight" }

    /// λ Σ R(w) over the weights of `parameters`.
    public func penalty(_ parameters: [Parameter]) -> Double {
        var sum = 0.0
        for p in parameters where Self.applies(to: p) {
            for w in p.value.buffer {
                switch kind {
                case .l1: sum += Double(abs(w))
                case .l2: sum += 0.5 * Double(w) * Double(w)
                }
            }
        }
        return Double(rate) * sum
    }

    /// dPenalty/dw for one weight: λ sign(w) (0 at 0) or λ w.
    public func derivative(_ w: Float) -> Float {
        switch kind {
        case .l1: return w > 0 ? rate : w < 0 ? -rate : 0
        case .l2: return rate * w
        }
    }

    /// The penalty's step on one parameter after the optimizer's step; biases are left alone.
    public func step(_ parameter: Parameter, learningRate: Float) {
        guard Self.applies(to: parameter) else { return }
        let w = parameter.value.data
        for i in 0..<parameter.value.count {
            let before = w[i]
            let after = before - learningRate * derivative(before)
            // L1 crossing zero: the penalty alone would flip the sign; the weight stops at 0 instead.
            w[i] = kind == .l1 && before * after < 0 ? 0 : after
        }
    }
}
