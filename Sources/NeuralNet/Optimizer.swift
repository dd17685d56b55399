import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// An optimizer is one per-parameter update rule; `step` applies it to every parameter. Each rule also clears
/// the gradient in the same pass (backward adds into it), so the step reads and writes each array once.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    var spec: String { get }
    /// Updates the parameter from its gradient, leaving the gradient zeroed.
    func update(_ parameter: Parameter)
}

extension Optimizer {
    public func step(_ parameters: [Parameter]) {
        for p in parameters { update(p) }
    }
}

/// Stochastic gradient descent with PyTorch's semantics:
/// g ← ∇ + λθ;  v ← μv + g (v₀ = g);  θ ← θ - η(g + μv) with Nesterov, θ ← θ - ηv otherwise.
public final class SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    public var nesterov: Bool
    public var weightDecay: Float

    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public var spec: String {
        "sgd lr=\(short(learningRate)) momentum=\(short(momentum)) nesterov=\(nesterov) weight_decay=\(short(weightDecay))"
    }

    /// The step as one rule for the kernels (the fused sparse backward applies it too).
    public var rule: SGDRule {
        SGDRule(learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, nesterov: nesterov)
    }

    /// The parameter's momentum buffer (zeros at first: PyTorch starts it at the first gradient, v₁ = g₁,
    /// which is μ·0 + g₁), or nil without momentum.
    public func velocity(of p: Parameter) -> Matrix? {
        guard momentum != 0 else { return nil }
        if p.slots.isEmpty { p.slots = [Matrix(rows: p.value.rows, cols: p.value.cols)] }
        return p.slots[0]
    }

    public func update(_ p: Parameter) {
        Kernels.sgdStep(rule, n: p.value.count, weights: p.value.data, velocity: velocity(of: p)?.data,
                        gradient: p.grad.data)
    }
}

/// Adam (Kingma & Ba): m ← β₁m + (1-β₁)g; v ← β₂v + (1-β₂)g²; θ ← θ - η m̂ / (√v̂ + ε), with bias-corrected
/// m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ). Weight decay is added to the gradient (PyTorch's Adam, not AdamW).
public final class Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var spec: String { "adam lr=\(short(learningRate)) beta1=\(short(beta1)) beta2=\(short(beta2)) weight_decay=\(short(weightDecay))" }

    public func update(_ p: Parameter) {
        if p.slots.count < 2 {
            p.slots = [Matrix(rows: p.value.rows, cols: p.value.cols), Matrix(rows: p.value.rows, cols: p.value.cols)]
        }
        p.step += 1
        let c1 = 1 - powf(beta1, Float(p.step)), c2 = 1 - powf(beta2, Float(p.step))
        let rule = AdamRule(stepSize: learningRate / c1, inverseSqrtCorrection: 1 / c2.squareRoot(), beta1: beta1,
                            beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        Kernels.adamStep(rule, n: p.value.count, weights: p.value.data, moments: (p.slots[0].data, p.slots[1].data),
                         gradient: p.grad.data)
    }
}

/// 0.0 -> "0", 0.01 -> "0.01": how a user would write the value in a script.
func short(_ x: Float) -> String {
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}
