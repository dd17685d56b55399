import Basics
import CTrainingKernels
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
    /// The same optimizer (same settings) without any state: for a freshly built network.
    func fresh() -> Optimizer
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

    public func fresh() -> Optimizer {
        SGD(learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
    }

    public var spec: String {
        "sgd lr=\(NumberText.float(learningRate)) momentum=\(NumberText.float(momentum)) nesterov=\(nesterov) weight_decay=\(NumberText.float(weightDecay))"
    }

    /// The step as one rule (the fused sparse backward applies it too).
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
        rule.step(n: p.value.count, weights: p.value.data, velocity: velocity(of: p)?.data, gradient: p.grad.data)
    }
}

/// PyTorch's SGD step for one weight, given its gradient g (learning rate η, momentum μ, weight decay λ):
/// g ← g + λw;  v ← μv + g;  w ← w - η(g + μv) with Nesterov, w ← w - ηv otherwise (no momentum: w ← w - ηg).
/// `SGD` and the fused sparse backward (`SparseLinear`) both step through the same C code (CTrainingKernels),
/// 16 lanes or one at a time, with the same operations in the same order: the two give the same weights, bit
/// for bit. The velocity is stored with subnormal values made 0 (see the kernels: a stopped gradient leaves them
/// there for good, slow on Intel CPUs); the weights are the same.
public struct SGDRule: Sendable {
    public var learningRate: Float
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool

    public init(learningRate: Float, momentum: Float, weightDecay: Float, nesterov: Bool) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// One step over n values: w, v (when the rule has momentum) and g in place, g left zeroed.
    public func step(n: Int, weights: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>?,
                     gradient: UnsafeMutablePointer<Float>) {
        TrainingKernels.table.pointee.sgd_step(kernelRule, n, weights, velocity, gradient)
    }

    /// The rule as the C kernels take it.
    var kernelRule: nnlab_sgd_rule {
        nnlab_sgd_rule(learning_rate: learningRate, momentum: momentum, weight_decay: weightDecay, nesterov: nesterov ? 1 : 0)
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

    public func fresh() -> Optimizer {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
    }

    public var spec: String { "adam lr=\(NumberText.float(learningRate)) beta1=\(NumberText.float(beta1)) beta2=\(NumberText.float(beta2)) weight_decay=\(NumberText.float(weightDecay))" }

    public func update(_ p: Parameter) {
        let (m, v) = moments(of: p)
        nextRule(for: p).step(n: p.value.count, weights: p.value.data, moments: (m.data, v.data), gradient: p.grad.data)
    }

    /// The parameter's moments m and v (zeros before its first step).
    public func moments(of p: Parameter) -> (Matrix, Matrix) {
        if p.slots.count < 2 {
            p.slots = [Matrix(rows: p.value.rows, cols: p.value.cols), Matrix(rows: p.value.rows, cols: p.value.cols)]
        }
        return (p.slots[0], p.slots[1])
    }

    /// The rule of the parameter's next step, which this counts: step t's bias corrections in its step size.
    public func nextRule(for p: Parameter) -> AdamRule {
        p.step += 1
        let c1 = 1 - powf(beta1, Float(p.step)), c2 = 1 - powf(beta2, Float(p.step))
        return AdamRule(stepSize: learningRate / c1, inverseSqrtCorrection: 1 / c2.squareRoot(), beta1: beta1,
                        beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
    }
}

/// PyTorch's Adam step for one weight, given its gradient g (step size η/(1-β₁ᵗ), 1/√(1-β₂ᵗ) precomputed for
/// the parameter's step t): g ← g + λw;  m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²;  w ← w - η' m / (√v/√(1-β₂ᵗ) + ε).
/// The same operations in the same order 16 lanes or one at a time (CTrainingKernels); m and v are stored with
/// subnormal values made 0, which moves no weight (see the kernels) and keeps dead units' moments off Intel's slow
/// subnormal path.
public struct AdamRule: Sendable {
    public var stepSize: Float
    public var inverseSqrtCorrection: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float

    public init(stepSize: Float, inverseSqrtCorrection: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) {
        self.stepSize = stepSize
        self.inverseSqrtCorrection = inverseSqrtCorrection
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One step over n values: w, its moments m and v, and g in place, g left zeroed.
    public func step(n: Int, weights: UnsafeMutablePointer<Float>,
                     moments: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>),
                     gradient: UnsafeMutablePointer<Float>) {
        TrainingKernels.table.pointee.adam_step(kernelRule, n, weights, moments.0, moments.1, gradient)
    }

    /// The rule as the C kernels take it.
    var kernelRule: nnlab_adam_rule {
        nnlab_adam_rule(step_size: stepSize, inverse_sqrt_correction: inverseSqrtCorrection, beta1: beta1, beta2: beta2,
                        epsilon: epsilon, weight_decay: weightDecay)
    }
}
