import Basics
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// Element-wise activation functions. Each keeps its output (and input where the derivative needs it) for
/// the backward pass.
public final class Activation: Layer {
    public enum Function: Sendable, Equatable {
        /// max(0, x)
        case relu
        /// 1 / (1 + e^-x)
        case sigmoid
        /// (e^x - e^-x) / (e^x + e^-x)
        case tanh
        /// x for x > 0, αx otherwise
        case leakyReLU(alpha: Float)
        /// x for x > 0, α(e^x - 1) otherwise
        case elu(alpha: Float)
        /// x: no non-linearity (the Playground's "linear" activation)
        case identity

        public var name: String {
            switch self {
            case .relu: "relu"
            case .sigmoid: "sigmoid"
            case .tanh: "tanh"
            case .leakyReLU: "leaky_relu"
            case .elu: "elu"
            case .identity: "identity"
            }
        }

        /// The setting of the function, where it has one: leaky_relu's slope and elu's scale for x < 0.
        public var alpha: Float? {
            switch self {
            case .leakyReLU(let a), .elu(let a): a
            default: nil
            }
        }

        /// The same function with another alpha (functions without one are returned as they are).
        public func with(alpha: Float) -> Function {
            switch self {
            case .leakyReLU: .leakyReLU(alpha: alpha)
            case .elu: .elu(alpha: alpha)
            default: self
            }
        }

        /// f(x) for plotting and tests.
        public func callAsFunction(_ x: Float) -> Float {
            switch self {
            case .relu: return max(0, x)
            case .sigmoid: return 1 / (1 + expf(-x))
            case .tanh: return tanhf(x)
            case .leakyReLU(let a): return x > 0 ? x : a * x
            case .elu(let a): return x > 0 ? x : a * (expf(x) - 1)
            case .identity: return x
            }
        }
    }

    public let function: Function
    private var input: Matrix?
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)

    public init(_ function: Function) { self.function = function }

    public var kind: String { function.name }
    public var spec: String { function.alpha.map { "\(function.name) alpha=\(NumberText.float($0))" } ?? function.name }
    public var parameters: [Parameter] { [] }
    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> { .success(inputWidth) }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        input = x
        output.resize(rows: x.rows, cols: x.cols)
        let n = x.count, src = x.data, dst = output.data
        switch function {
        case .relu: TrainingKernels.reluForward(n, src, dst)  // for i in 0..<n { dst[i] = max(0, src[i]) }
        case .sigmoid: for i in 0..<n { dst[i] = 1 / (1 + expf(-src[i])) }
        case .tanh: for i in 0..<n { dst[i] = tanhf(src[i]) }
        case .leakyReLU(let a): for i in 0..<n { let v = src[i]; dst[i] = v > 0 ? v : a * v }
        case .elu(let a): for i in 0..<n { let v = src[i]; dst[i] = v > 0 ? v : a * (expf(v) - 1) }
        case .identity: dst.update(from: src, count: n)
        }
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        guard needInputGradient, let x = input else { return nil }
        gradInput.resize(rows: dy.rows, cols: dy.cols)
        let n = dy.count, g = dy.data, dx = gradInput.data, y = output.data, xin = x.data
        switch function {
        case .relu: TrainingKernels.reluBackward(n, input: xin, gradient: g, into: dx)  // dx[i] = xin[i] > 0 ? g[i] : 0
        case .sigmoid: for i in 0..<n { dx[i] = g[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<n { dx[i] = g[i] * (1 - y[i] * y[i]) }
        case .leakyReLU(let a): for i in 0..<n { dx[i] = xin[i] > 0 ? g[i] : a * g[i] }
        case .elu(let a): for i in 0..<n { dx[i] = xin[i] > 0 ? g[i] : g[i] * (y[i] + a) }
        case .identity: dx.update(from: g, count: n)
        }
        return gradInput
    }
}

/// Row-wise softmax: y_i = e^(x_i - max) / Σ_j e^(x_j - max).
/// Backward: dx_i = y_i (dy_i - Σ_j dy_j y_j).
public final class Softmax: Layer {
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)

    public init() {}
    /// The layer's name in the language and in saved layer lists.
    public static let kind = "softmax"
    public var kind: String { Self.kind }
    public var spec: String { Self.kind }
    public var outputsProbabilities: Bool { true }
    public var parameters: [Parameter] { [] }
    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> { .success(inputWidth) }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        output.resize(rows: x.rows, cols: x.cols)
        for r in 0..<x.rows { softmaxRow(x.data + r * x.cols, output.data + r * x.cols, count: x.cols) }
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        guard needInputGradient else { return nil }
        gradInput.resize(rows: dy.rows, cols: dy.cols)
        let c = dy.cols
        for r in 0..<dy.rows {
            let y = output.data + r * c, g = dy.data + r * c, dx = gradInput.data + r * c
            var dot: Float = 0
            for j in 0..<c { dot += g[j] * y[j] }
            for j in 0..<c { dx[j] = y[j] * (g[j] - dot) }
        }
        return gradInput
    }
}

/// Numerically stable softmax of one row.
@inline(__always)
func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    var m = -Float.infinity
    for j in 0..<count { m = max(m, x[j]) }
    var sum: Float = 0
    for j in 0..<count { let e = expf(x[j] - m); y[j] = e; sum += e }
    let inv = 1 / sum
    for j in 0..<count { y[j] *= inv }
}

/// Inverted dropout: in training, zeroes each activation with probability p and scales the rest by 1/(1-p);
/// in evaluation it is the identity.
public final class Dropout: Layer {
    public let probability: Float
    private var rng: SeededRandom
    private var mask: [Float] = []
    private var wasTraining = false
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)

    public init(probability: Float, seed: UInt64) {
        self.probability = probability
        rng = SeededRandom(seed: seed)
    }
    /// The layer's name in the language and in saved layer lists.
    public static let kind = "dropout"
    public var kind: String { Self.kind }
    public var spec: String { "\(Self.kind) p=\(NumberText.float(probability))" }
    public var parameters: [Parameter] { [] }
    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> { .success(inputWidth) }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        wasTraining = training && probability > 0
        guard wasTraining else { return x }
        output.resize(rows: x.rows, cols: x.cols)
        let n = x.count
        if mask.count < n { mask = [Float](repeating: 0, count: n) }
        let keep = 1 - probability, scale = 1 / keep
        mask.withUnsafeMutableBufferPointer { m in
            for i in 0..<n { m[i] = rng.uniform() < Double(keep) ? scale : 0 }
            for i in 0..<n { output.data[i] = x.data[i] * m[i] }
        }
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        guard needInputGradient else { return nil }
        guard wasTraining else { return dy }
        gradInput.resize(rows: dy.rows, cols: dy.cols)
        mask.withUnsafeBufferPointer { m in
            for i in 0..<dy.count { gradInput.data[i] = dy.data[i] * m[i] }
        }
        return gradInput
    }
}
