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
        "sgd lr=\(short(learningRate)) momentum=\(short(momentum)) nesterov=\(nesterov) weight_decay=\(short(weightDecay))"
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
/// `SGD` and the fused sparse backward (`SparseLinear`) both step through here, 16 lanes or one at a time,
/// with the same operations in the same order: the two give the same weights, bit for bit.
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
        let v = momentum != 0 ? velocity : nil
        var i = 0
        while i + 16 <= n {
            _ = apply(Kernels.load(gradient + i), weights + i, v.map { $0 + i })
            Kernels.store(Kernels.V(), gradient + i)
            i += 16
        }
        while i < n {
            _ = apply(gradient[i], weights + i, v.map { $0 + i })
            gradient[i] = 0
            i += 1
        }
    }

    /// Steps the 16 weights at `w` (and velocities at `v`, needed when momentum ≠ 0) by gradient g; returns
    /// the new weights.
    @inline(__always)
    func apply(_ g: Kernels.V, _ w: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>?) -> Kernels.V {
        let lr = Kernels.V(repeating: learningRate), wd = Kernels.V(repeating: weightDecay)
        var wv = Kernels.load(w)
        if let v {
            let mu = Kernels.V(repeating: momentum)
            if nesterov {
                let gi = g + wd * wv
                let vi = mu * Kernels.load(v) + gi
                Kernels.store(vi, v)
                wv -= lr * (gi + mu * vi)
            } else {
                let vi = mu * Kernels.load(v) + g + wd * wv
                Kernels.store(vi, v)
                wv -= lr * vi
            }
        } else {
            wv -= lr * (g + wd * wv)
        }
        Kernels.store(wv, w)
        return wv
    }

    /// The same for one weight.
    @inline(__always)
    func apply(_ g: Float, _ w: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>?) -> Float {
        let lr = learningRate, wd = weightDecay
        var wv = w.pointee
        if let v {
            let mu = momentum
            if nesterov {
                let gi = g + wd * wv
                let vi = mu * v.pointee + gi
                v.pointee = vi
                wv -= lr * (gi + mu * vi)
            } else {
                let vi = mu * v.pointee + g + wd * wv
                v.pointee = vi
                wv -= lr * vi
            }
        } else {
            wv -= lr * (g + wd * wv)
        }
        w.pointee = wv
        return wv
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

    public var spec: String { "adam lr=\(short(learningRate)) beta1=\(short(beta1)) beta2=\(short(beta2)) weight_decay=\(short(weightDecay))" }

    public func update(_ p: Parameter) {
        if p.slots.count < 2 {
            p.slots = [Matrix(rows: p.value.rows, cols: p.value.cols), Matrix(rows: p.value.rows, cols: p.value.cols)]
        }
        p.step += 1
        let c1 = 1 - powf(beta1, Float(p.step)), c2 = 1 - powf(beta2, Float(p.step))
        let rule = AdamRule(stepSize: learningRate / c1, inverseSqrtCorrection: 1 / c2.squareRoot(), beta1: beta1,
                            beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        rule.step(n: p.value.count, weights: p.value.data, moments: (p.slots[0].data, p.slots[1].data),
                  gradient: p.grad.data)
    }
}

/// PyTorch's Adam step for one weight, given its gradient g (step size η/(1-β₁ᵗ), 1/√(1-β₂ᵗ) precomputed for
/// the parameter's step t): g ← g + λw;  m ← β₁m + (1-β₁)g;  v ← β₂v + (1-β₂)g²;  w ← w - η' m / (√v/√(1-β₂ᵗ) + ε).
/// The same operations in the same order 16 lanes or one at a time.
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
        let (m, v) = moments
        var i = 0
        while i + 16 <= n {
            apply(Kernels.load(gradient + i), weights + i, m + i, v + i)
            Kernels.store(Kernels.V(), gradient + i)
            i += 16
        }
        while i < n {
            apply(gradient[i], weights + i, m + i, v + i)
            gradient[i] = 0
            i += 1
        }
    }

    @inline(__always)
    func apply(_ g: Kernels.V, _ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
               _ v: UnsafeMutablePointer<Float>) {
        typealias V = Kernels.V
        var wv = Kernels.load(w)
        let gi = g + V(repeating: weightDecay) * wv
        let mi = V(repeating: beta1) * Kernels.load(m) + V(repeating: 1 - beta1) * gi
        let vi = V(repeating: beta2) * Kernels.load(v) + V(repeating: 1 - beta2) * gi * gi
        Kernels.store(mi, m)
        Kernels.store(vi, v)
        wv -= V(repeating: stepSize) * mi / (Kernels.squareRoot(vi) * V(repeating: inverseSqrtCorrection) + V(repeating: epsilon))
        Kernels.store(wv, w)
    }

    @inline(__always)
    func apply(_ g: Float, _ w: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
               _ v: UnsafeMutablePointer<Float>) {
        var wv = w.pointee
        let gi = g + weightDecay * wv
        let mi = beta1 * m.pointee + (1 - beta1) * gi
        let vi = beta2 * v.pointee + (1 - beta2) * gi * gi
        m.pointee = mi
        v.pointee = vi
        wv -= stepSize * mi / (vi.squareRoot() * inverseSqrtCorrection + epsilon)
        w.pointee = wv
    }
}

/// 0.0 -> "0", 0.01 -> "0.01": how a user would write the value in a script.
func short(_ x: Float) -> String {
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
}
