import TensorCore

/// A named stack of layers applied in order.
public final class Sequential {
    public let name: String
    public private(set) var layers: [Layer] = []
    /// Width of the input, fixed by the first layer that requires one (a linear layer, a linear classifier).
    public private(set) var inputWidth: Int?

    public init(name: String) { self.name = name }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Output width, or nil for a model without a linear layer yet.
    public var outputWidth: Int? {
        guard var width = inputWidth else { return nil }
        for layer in layers {
            guard case .success(let w) = layer.outputWidth(for: width) else { return nil }
            width = w
        }
        return width
    }

    /// True when the last layer is a softmax, so outputs are probabilities rather than logits.
    public var endsInSoftmax: Bool { layers.last?.outputsProbabilities ?? false }

    /// Appends a layer after checking that it accepts the current output width. Activations before any linear
    /// layer take whatever the data gives; the input width is set by the first layer that requires one (a linear
    /// layer, a linear classifier).
    public func append(_ layer: Layer) -> Result<Void, LayerError> {
        if let width = outputWidth, case .failure(let e) = layer.outputWidth(for: width) { return .failure(e) }
        layers.append(layer)
        if inputWidth == nil, let width = layer.inputWidth { inputWidth = width }
        return .success(())
    }

    /// Checks that the model can take `width` inputs, returning the error to show otherwise.
    public func check(inputWidth width: Int) -> Result<Int, LayerError> {
        if layers.isEmpty { return .failure(LayerError("model '\(name)' has no layers")) }
        var w = width
        for layer in layers {
            switch layer.outputWidth(for: w) {
            case .success(let next): w = next
            case .failure(let e): return .failure(e)
            }
        }
        return .success(w)
    }

    /// Runs the layers from layer `first` on (all of them by default) on `x`.
    public func forward(_ x: Matrix, training: Bool, from first: Int = 0) -> Matrix {
        var h = x
        for layer in layers[min(first, layers.count)...] { h = layer.forward(h, training: training) }
        return h
    }

    /// Back-propagates dLoss/dOutput through the layers from the last down to layer `first` (all of them by
    /// default), adding into their parameters' gradients, and returns dLoss/dInput of layer `first`: nil for
    /// layer 0, whose input is data (not computing that gradient saves a third of that layer's work), or when a
    /// layer has no input gradient to give.
    @discardableResult
    public func backward(_ gradOutput: Matrix, downTo first: Int = 0) -> Matrix? {
        var g = gradOutput
        for index in layers.indices.reversed() where index >= first {
            guard let next = layers[index].backward(g, needInputGradient: index > 0) else { return nil }
            g = next
        }
        return first > 0 ? g : nil
    }

    public func zeroGrad() { for p in parameters { p.zeroGrad() } }

    /// A copy of every parameter's values, to restore after a diverged step.
    public func snapshot() -> [[Float]] { parameters.map(\.value.array) }

    public func restore(_ values: [[Float]]) {
        for (p, v) in zip(parameters, values) where v.count == p.value.count {
            v.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                p.value.data.update(from: base, count: v.count)
            }
        }
    }
}
