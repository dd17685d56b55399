import TensorCore

/// Fully connected layer: y = x Wᵀ + b.
///
/// Shapes: x is B x in, W is out x in (PyTorch's layout, so saved weights load there unchanged), b is 1 x out.
/// Initialisation: He (normal, std √(2/in)) before ReLU-like activations, Xavier/Glorot (uniform,
/// ±√(6/(in+out))) before sigmoid/tanh, or PyTorch's default (uniform ±1/√in); biases start at zero
/// (PyTorch: uniform ±1/√in).
public final class Linear: Layer {
    public enum Initialisation: String, Sendable, CaseIterable { case he, xavier, pytorch }

    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter
    public let bias: Parameter
    private var input: Matrix?
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)

    public init(inputs: Int, outputs: Int, initialisation: Initialisation = .he, rng: inout SeededRandom) {
        self.inputs = inputs
        self.outputs = outputs
        let w = Matrix(rows: outputs, cols: inputs)
        let b = Matrix(rows: 1, cols: outputs)
        let n = inputs * outputs
        switch initialisation {
        case .he:
            let std = (2.0 / Double(inputs)).squareRoot()
            for i in 0..<n { w.data[i] = Float(rng.normal() * std) }
        case .xavier:
            let limit = (6.0 / Double(inputs + outputs)).squareRoot()
            for i in 0..<n { w.data[i] = Float(rng.uniform(-limit, limit)) }
        case .pytorch:
            let limit = 1.0 / Double(inputs).squareRoot()
            for i in 0..<n { w.data[i] = Float(rng.uniform(-limit, limit)) }
            for i in 0..<outputs { b.data[i] = Float(rng.uniform(-limit, limit)) }
        }
        weight = Parameter(name: "weight", value: w)
        bias = Parameter(name: "bias", value: b)
    }

    public var kind: String { "linear" }
    public var spec: String { "linear \(inputs) \(outputs)" }
    public var parameters: [Parameter] { [weight, bias] }

    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> {
        inputWidth == inputs ? .success(outputs)
            : .failure(LayerError("linear \(inputs) \(outputs) expects \(inputs) inputs but receives \(inputWidth)"))
    }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        input = x
        let batch = x.rows
        output.resize(rows: batch, cols: outputs)
        // Start from the bias in every row, then accumulate x Wᵀ on top (beta = 1): one pass fewer.
        let y = output.data, b = bias.value.data
        for r in 0..<batch { (y + r * outputs).update(from: b, count: outputs) }
        BLAS.gemm(transA: false, transB: true, m: batch, n: outputs, k: inputs, a: x.data, lda: inputs,
                  b: weight.value.data, ldb: inputs, beta: 1, c: y, ldc: outputs)
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        guard let x = input else { return nil }
        let batch = dy.rows
        // dW += dyᵀ x ; db += Σ_rows dy
        BLAS.gemm(transA: true, transB: false, m: outputs, n: inputs, k: batch, a: dy.data, lda: outputs,
                  b: x.data, ldb: inputs, beta: 1, c: weight.grad.data, ldc: inputs)
        let db = bias.grad.data
        for r in 0..<batch {
            let row = dy.data + r * outputs
            for j in 0..<outputs { db[j] += row[j] }
        }
        guard needInputGradient else { return nil }
        // dx = dy W
        gradInput.resize(rows: batch, cols: inputs)
        BLAS.gemm(transA: false, transB: false, m: batch, n: inputs, k: outputs, a: dy.data, lda: outputs,
                  b: weight.value.data, ldb: inputs, beta: 0, c: gradInput.data, ldc: inputs)
        return gradInput
    }
}
