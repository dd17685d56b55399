import TensorCore

/// Fully connected layer: y = x W + b, the same map as PyTorch's `nn.Linear` (y = x Aᵀ + b with A = Wᵀ).
///
/// Shapes: x is B x in, W is in x out, b is 1 x out, y is B x out. W is stored transposed relative to PyTorch's
/// out x in, so that a row of W is one input's fan-out (what the sparse first-layer path, `SparseLinear`,
/// streams through); `save model` writes PyTorch's layout.
///
/// Backward, given dy = ∂L/∂y (B x out):
///   db += Σ_rows dy        dW += xᵀ dy        dx = dy Wᵀ
/// The gradients are added into (several backward passes accumulate until the optimizer's step clears them).
///
/// Initialisation: PyTorch's default (uniform ±1/√in for weights and biases), He (normal, std √(2/in), zero
/// biases) or Xavier/Glorot (uniform ±√(6/(in+out)), zero biases).
public final class Linear: Layer {
    public enum Initialisation: String, Sendable, CaseIterable { case he, xavier, pytorch }

    public let inputs: Int
    public let outputs: Int
    /// in x out
    public let weight: Parameter
    /// 1 x out
    public let bias: Parameter
    private var input: Matrix?
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)

    public init(inputs: Int, outputs: Int, initialisation: Initialisation = .pytorch, rng: inout SeededRandom) {
        self.inputs = inputs
        self.outputs = outputs
        let w = Matrix(rows: inputs, cols: outputs)
        let b = Matrix(rows: 1, cols: outputs)
        // Draw in PyTorch's order (output-major), store transposed.
        func fill(_ draw: (inout SeededRandom) -> Double) {
            for j in 0..<outputs { for k in 0..<inputs { w.data[k * outputs + j] = Float(draw(&rng)) } }
        }
        switch initialisation {
        case .he:
            let std = (2.0 / Double(inputs)).squareRoot()
            fill { $0.normal() * std }
        case .xavier:
            let limit = (6.0 / Double(inputs + outputs)).squareRoot()
            fill { $0.uniform(-limit, limit) }
        case .pytorch:
            let limit = 1.0 / Double(inputs).squareRoot()
            fill { $0.uniform(-limit, limit) }
            for j in 0..<outputs { b.data[j] = Float(rng.uniform(-limit, limit)) }
        }
        weight = Parameter(name: "weight", value: w)
        bias = Parameter(name: "bias", value: b)
    }

    /// The layer's name in the language and in saved layer lists.
    public static let kind = "linear"
    public var kind: String { Self.kind }
    public var spec: String { "\(Self.kind) \(inputs) \(outputs)" }
    public var parameters: [Parameter] { [weight, bias] }

    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> {
        inputWidth == inputs ? .success(outputs)
            : .failure(LayerError("\(spec) expects \(inputs) inputs but receives \(inputWidth)"))
    }

    /// W's entry for input k and output j.
    public func weightAt(input k: Int, output j: Int) -> Float { weight.value.data[k * outputs + j] }

    /// y = x W + b
    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        input = x
        let batch = x.rows
        output.resize(rows: batch, cols: outputs)
        // Start from the bias in every row, then accumulate x W on top (beta = 1): one pass fewer.
        let y = output.data, b = bias.value.data
        for r in 0..<batch { (y + r * outputs).update(from: b, count: outputs) }
        BLAS.gemm(transA: false, transB: false, m: batch, n: outputs, k: inputs, a: x.data, lda: inputs,
                  b: weight.value.data, ldb: outputs, beta: 1, c: y, ldc: outputs)
        return output
    }

    /// db += Σ_rows dy;  dW += xᵀ dy;  dx = dy Wᵀ (only when asked for: the first layer's input is data).
    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        guard input != nil else { return nil }
        addParameterGradients(dy)
        return needInputGradient ? inputGradient(dy) : nil
    }

    /// db += Σ_rows dy;  dW += xᵀ dy  (x: the last forward's input)
    public func addParameterGradients(_ dy: Matrix) {
        guard let x = input else { return }
        let batch = dy.rows, n = outputs
        Kernels.addRows(n, count: batch, dy.data, stride: n, into: bias.grad.data)
        BLAS.gemm(transA: true, transB: false, m: inputs, n: n, k: batch, a: x.data, lda: inputs,
                  b: dy.data, ldb: n, beta: 1, c: weight.grad.data, ldc: n)
    }

    /// dx = dy Wᵀ
    public func inputGradient(_ dy: Matrix) -> Matrix {
        let batch = dy.rows, n = outputs
        gradInput.resize(rows: batch, cols: inputs)
        BLAS.gemm(transA: false, transB: true, m: batch, n: inputs, k: n, a: dy.data, lda: n,
                  b: weight.value.data, ldb: n, beta: 0, c: gradInput.data, ldc: inputs)
        return gradInput
    }
}
