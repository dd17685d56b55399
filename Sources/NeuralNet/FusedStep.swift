import TensorCore

/// SGD's step fused into the sparse first layer's weight-gradient product (`SparseLinear`): TensorCore's
/// sparse-transpose kernel hands each finished row of dW to a sink here, which steps that row of W at once.
public enum FusedStep {
    /// Where the fused step writes: W (count rows, `stride` apart), its momentum buffer (the same shape;
    /// needed when the rule has momentum), optionally Σ_k W_k of the new weights (n values) and copies of some
    /// rows (row k to row slots[k] of `copies`, same stride, where slots[k] ≥ 0).
    public struct Targets {
        public var weights: UnsafeMutablePointer<Float>
        public var velocity: UnsafeMutablePointer<Float>?
        public var stride: Int
        public var sums: UnsafeMutablePointer<Float>?
        public var copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?
        public init(weights: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>?, stride: Int,
                    sums: UnsafeMutablePointer<Float>?, copies: (slots: UnsafePointer<Int32>, rows: UnsafeMutablePointer<Float>)?) {
            self.weights = weights
            self.velocity = velocity
            self.stride = stride
            self.sums = sums
            self.copies = copies
        }
    }

    /// `Kernels.sparseColumnsTransposeTimes` (n columns; g's rows `gStride` apart), but each finished row k is a
    /// gradient that `rule` applies at once to row k of the target weights (and of their momentum buffer): the
    /// gradient is never stored, and W is read and written in the pass that makes its gradient instead of in a
    /// pass of its own. The sums are added in order of k, as `add` row after row onto zeros would.
    public static func sparseColumnsTransposeTimesStep(n: Int, count: Int, starts: UnsafePointer<Int32>,
                                                       entries: Kernels.PackedEntries,
                                                       g: UnsafePointer<Float>, gStride: Int, shift: UnsafePointer<Float>,
                                                       precomputed: Kernels.Precomputed? = nil,
                                                       rule: SGDRule, into targets: Targets) {
        targets.sums?.update(repeating: 0, count: n)
        let sink = StepInto(rule: rule, weights: targets.weights,
                            velocity: rule.momentum != 0 ? targets.velocity : nil, sums: targets.sums,
                            slots: targets.copies?.slots, copies: targets.copies?.rows, stride: targets.stride)
        Kernels.sparseColumnsTransposeTimes(n: n, count: count, starts: starts, entries: entries, g: g, gStride: gStride,
                                            shift: shift, precomputed: precomputed, into: sink)
    }

    /// The row is W_k's gradient: step W_k (and its velocity), add the new W_k into the sums, copy it.
    struct StepInto: RowSink {
        let rule: SGDRule
        let weights: UnsafeMutablePointer<Float>
        let velocity: UnsafeMutablePointer<Float>?
        let sums: UnsafeMutablePointer<Float>?
        let slots: UnsafePointer<Int32>?
        let copies: UnsafeMutablePointer<Float>?
        let stride: Int
        @inline(__always) func finish(_ a: Kernels.V, row k: Int, column j: Int) {
            let w = rule.apply(a, weights + k * stride + j, velocity.map { $0 + k * stride + j })
            if let s = sums { Kernels.store(Kernels.load(s + j) + w, s + j) }
            if let slots, let copies, slots[k] >= 0 { Kernels.store(w, copies + Int(slots[k]) * stride + j) }
        }
        @inline(__always) func finish(_ a: Float, row k: Int, column j: Int) {
            let w = rule.apply(a, weights + k * stride + j, velocity.map { $0 + k * stride + j })
            if let s = sums { s[j] += w }
            if let slots, let copies, slots[k] >= 0 { copies[Int(slots[k]) * stride + j] = w }
        }
    }
}
