import TensorCore
#if canImport(Glibc)
import Glibc
#endif

/// One of the TensorFlow Playground's seven input features: a function of a point (x1, x2) of the plane.
public enum InputFeature: String, CaseIterable, Sendable {
    case x1 = "x1"
    case x2 = "x2"
    case x1Squared = "x1^2"
    case x2Squared = "x2^2"
    case x1TimesX2 = "x1*x2"
    case sinX1 = "sin(x1)"
    case sinX2 = "sin(x2)"

    /// The name as written in scripts, summaries and saved models: "x1", "x1^2", "x1*x2", "sin(x1)". (Reading a
    /// name back is ModelFormat's `InputFeature(name:)`, with the other parsers of text, built with checks.)
    public var name: String { rawValue }

    /// f(x1, x2)
    public func callAsFunction(_ x1: Float, _ x2: Float) -> Float {
        switch self {
        case .x1: return x1
        case .x2: return x2
        case .x1Squared: return x1 * x1
        case .x2Squared: return x2 * x2
        case .x1TimesX2: return x1 * x2
        case .sinX1: return sinf(x1)
        case .sinX2: return sinf(x2)
        }
    }

    /// (∂f/∂x1, ∂f/∂x2) at (x1, x2).
    public func gradient(_ x1: Float, _ x2: Float) -> (Float, Float) {
        switch self {
        case .x1: return (1, 0)
        case .x2: return (0, 1)
        case .x1Squared: return (2 * x1, 0)
        case .x2Squared: return (0, 2 * x2)
        case .x1TimesX2: return (x2, x1)
        case .sinX1: return (cosf(x1), 0)
        case .sinX2: return (0, cosf(x2))
        }
    }
}

/// The Playground's input layer: each sample (x1, x2) becomes the chosen features, e.g. x1, x2, x1*x2. No
/// parameters; put first in a model, it makes the features part of the model, so training, evaluation, every
/// plot and saved files see the same inputs.
///
/// Shapes: x is B x 2, y is B x k for k features.
/// Backward: dx1 = Σ_j dy_j ∂f_j/∂x1, dx2 = Σ_j dy_j ∂f_j/∂x2 (only asked for when the layer is not first).
public final class InputFeatures: Layer {
    public let features: [InputFeature]
    private var input: Matrix?
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)

    public init(_ features: [InputFeature]) { self.features = features }

    /// The layer's name in the language and in saved layer lists.
    public static let kind = "features"
    public var kind: String { Self.kind }
    /// "features x1,x2,x1*x2": one word for the list, so a saved layer list reads it back.
    public var spec: String { Self.kind + " " + features.map(\.name).joined(separator: ",") }
    public var parameters: [Parameter] { [] }
    public var inputWidth: Int? { 2 }

    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> {
        inputWidth == 2 ? .success(features.count)
            : .failure(LayerError("the input features (x1, x2, ...) are functions of 2 inputs, but the data have \(inputWidth)"))
    }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        input = x
        let k = features.count
        output.resize(rows: x.rows, cols: k)
        for r in 0..<x.rows {
            let x1 = x.data[2 * r], x2 = x.data[2 * r + 1]
            for (j, f) in features.enumerated() { output.data[r * k + j] = f(x1, x2) }
        }
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        guard needInputGradient, let x = input else { return nil }
        let k = features.count
        gradInput.resize(rows: dy.rows, cols: 2)
        for r in 0..<dy.rows {
            let x1 = x.data[2 * r], x2 = x.data[2 * r + 1]
            var d1: Float = 0, d2: Float = 0
            for (j, f) in features.enumerated() {
                let (g1, g2) = f.gradient(x1, x2)
                d1 += dy.data[r * k + j] * g1
                d2 += dy.data[r * k + j] * g2
            }
            gradInput.data[2 * r] = d1
            gradInput.data[2 * r + 1] = d2
        }
        return gradInput
    }
}
