import TensorCore

/// A learnable tensor with its gradient and the optimizer's per-parameter state.
public final class Parameter {
    public let name: String
    public let value: Matrix
    /// Accumulated gradient: backward passes add into it; the optimizer step clears it.
    public let grad: Matrix
    /// Optimizer slots (momentum buffer, Adam moments), created lazily by the optimizer.
    public var slots: [Matrix] = []
    public var step = 0

    public init(name: String, value: Matrix) {
        self.name = name
        self.value = value
        grad = Matrix(rows: value.rows, cols: value.cols)
    }

    public func zeroGrad() { grad.fill(0) }
}

/// One stage of a sequential model. Forward and backward sit side by side in each implementation.
///
/// Batches are matrices with one sample per row. Outputs and input-gradients are matrices owned by the layer,
/// valid until its next call, so the steady state of training allocates nothing.
public protocol Layer: AnyObject {
    /// The DSL name: "linear", "relu", ...
    var kind: String { get }
    /// One-line description for `summary` and the saved layer list, e.g. "linear 784 128".
    var spec: String { get }
    var parameters: [Parameter] { get }
    /// The width this layer produces for a given input width, or an error message when it cannot take it.
    func outputWidth(for inputWidth: Int) -> Result<Int, LayerError>
    func forward(_ input: Matrix, training: Bool) -> Matrix
    /// Adds parameter gradients for the last forward's batch; returns dLoss/dInput when asked for it.
    func backward(_ gradOutput: Matrix, needInputGradient: Bool) -> Matrix?

    // What a model needs to know about a layer without naming its type (summaries, plots, files).
    // Layers without weights keep the defaults below.

    /// The input width the layer requires, or nil when it takes any width (activations, dropout).
    var inputWidth: Int? { get }
    /// The shape of the layer's weight matrix, for `summary`; nil without weights.
    var weightShape: WeightShape? { get }
    /// The weights from every input to `output` (a linear classifier's template of that class); nil without weights.
    func incomingWeights(of output: Int) -> [Float]?
    /// Whether `parameter` is stored transposed relative to PyTorch's layout (Linear keeps W as in x out, PyTorch's
    /// nn.Linear.weight is out x in); saved files use PyTorch's.
    func storesTransposed(_ parameter: Parameter) -> Bool
    /// Whether the layer's outputs are probabilities (softmax): a model ending in one gives probabilities, not logits.
    var outputsProbabilities: Bool { get }
}

/// A weight matrix seen as a map from `inputs` to `outputs`, with the biases apart or, with the bias trick, as
/// one more column of W.
public struct WeightShape: Sendable, Equatable {
    public var inputs: Int
    public var outputs: Int
    public var biasInWeights: Bool
    public init(inputs: Int, outputs: Int, biasInWeights: Bool = false) {
        self.inputs = inputs
        self.outputs = outputs
        self.biasInWeights = biasInWeights
    }
}

public struct LayerError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Layer {
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    public var inputWidth: Int? { nil }
    public var weightShape: WeightShape? { nil }
    public func incomingWeights(of output: Int) -> [Float]? { nil }
    public func storesTransposed(_ parameter: Parameter) -> Bool { false }
    public var outputsProbabilities: Bool { false }
}
