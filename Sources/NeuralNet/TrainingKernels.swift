import CTrainingKernels
import TensorCore

/// NeuralNet's C kernels (CTrainingKernels) in the build TensorCore's kernels run (`Kernels.instructionSet`):
/// the step rules, alone and fused into the sparse first layer's gradient product (`SGDRule`, `AdamRule`,
/// `FusedStep`), ReLU and its gradient, and the sparse set's loops (`SparseRows`, `SparseBatch`). Each stands
/// for the plain loop its documentation gives, with the same numbers on every build.
enum TrainingKernels {
    static var table: UnsafePointer<nnlab_training_kernels> {
        nnlab_training_kernels_for(Kernels.instructionSet.rawValue) ?? nnlab_training_kernels_for(0)
    }

    /// y[i] = max(0, x[i]) for i < n.
    static func reluForward(_ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        table.pointee.relu_forward(n, x, y)
    }

    /// dx[i] = x[i] > 0 ? g[i] : 0 for i < n (x: the ReLU's input, g: the gradient of its output).
    static func reluBackward(_ n: Int, input x: UnsafePointer<Float>, gradient g: UnsafePointer<Float>,
                             into dx: UnsafeMutablePointer<Float>) {
        table.pointee.relu_backward(n, x, g, dx)
    }
}
