import CTrainingKernels
import TensorCore

/// An optimizer's step fused into the sparse first layer's weight-gradient product (`SparseLinear`): the C
/// kernel (CTrainingKernels) makes each row of dW as `Kernels.sparseColumnsTransposeTimes` would and steps that
/// row of W with it at once, so the gradient is never stored.
public enum FusedStep {
    /// Where the fused step writes: W (count rows, `stride` apart) and the optimizer's state in the same shape
    /// (SGD: the momentum buffer, needed when the rule has momentum; Adam: the moments m and v), optionally
    /// Σ_k W_k of the new weights (n values) and copies of some rows (row k to row slots[k] of `copies`, same
    /// stride, where slots[k] ≥ 0).
    public struct Targets {
        public var weights: UnsafeMutablePointer<Float>
        public var state: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?)
        public var stride: Int
        public var sums: UnsafeMutablePointer<Float>?
        public var copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?

        public init(weights: UnsafeMutablePointer<Float>, state: (UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?),
                    stride: Int, sums: UnsafeMutablePointer<Float>?,
                    copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?) {
            self.weights = weights
            self.state = state
            self.stride = stride
            self.sums = sums
            self.copies = copies
        }

        /// SGD's targets: W and its momentum buffer.
        public init(weights: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>?, stride: Int,
                    sums: UnsafeMutablePointer<Float>?, copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?) {
            self.init(weights: weights, state: (velocity, nil), stride: stride, sums: sums, copies: copies)
        }

        var kernelTargets: nnlab_step_targets {
            nnlab_step_targets(weights: weights, state0: state.0, state1: state.1, stride: stride, sums: sums,
                               slots: copies?.slots, copies: copies?.rows)
        }
    }

    /// The step an optimizer applies to each finished row of dW.
    public enum Rule {
        case sgd(SGDRule)
        case adam(AdamRule)
    }

    /// `Kernels.sparseColumnsTransposeTimes` (n columns; g's rows `gStride` apart), but each finished row k is a
    /// gradient that `rule` applies at once to row k of the targets: W is read and written in the pass that makes
    /// its gradient instead of in a pass of its own. The sums are added in order of k, as `add` row after row
    /// onto zeros would. The same weights as that product into a zeroed gradient, then the rule's `step`.
    public static func sparseColumnsTransposeTimesStep(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                       entries: Kernels.PackedEntries,
                                                       g: UnsafePointer<Float>, gStride: Int, shift: UnsafePointer<Float>,
                                                       precomputed: Kernels.Precomputed? = nil,
                                                       rule: Rule, into targets: Targets) {
        var t = targets.kernelTargets
        let kernels = TrainingKernels.table.pointee
        switch rule {
        case .sgd(let sgd):
            kernels.transpose_sgd(n, count, starts, entries.packed, entries.palette, g, gStride, shift, precomputed?.slots,
                                  precomputed?.rows, precomputed?.stride ?? 0, sgd.kernelRule, &t)
        case .adam(let adam):
            kernels.transpose_adam(n, count, starts, entries.packed, entries.palette, g, gStride, shift, precomputed?.slots,
                                   precomputed?.rows, precomputed?.stride ?? 0, adam.kernelRule, &t)
        }
    }
}
