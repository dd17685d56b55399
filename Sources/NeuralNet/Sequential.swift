import TensorCore

/// A named stack of layers applied in order.
public final class Sequential {
    public let name: String
    public private(set) var layers: [Layer] = []
    /// Width of the input, fixed by the first linear layer.
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
    public var endsInSoftmax: Bool { layers.last is Softmax }

    /// Appends a layer after checking that it accepts the current output width.
    public func append(_ layer: Layer) -> Result<Void, LayerError> {
        if let width = outputWidth {
            if case .failure(let e) = layer.outputWidth(for: width) { return .failure(e) }
        } else if let linear = layer as? Linear {
            inputWidth = linear.inputs
        } else if inputWidth == nil, layers.isEmpty {
            // Activations before any linear layer take whatever the data gives; width is set by the first linear.
        }
        layers.append(layer)
        if inputWidth == nil, let linear = layer as? Linear { inputWidth = linear.inputs }
        return .success(())
    }

    public func removeLast() { if !layers.isEmpty { layers.removeLast() } ; if layers.isEmpty { inputWidth = nil } }

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

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        var h = x
        for layer in layers { h = layer.forward(h, training: training) }
        return h
    }

    /// Forward pass from a sparse batch; nil when the first layer is not linear (the caller goes dense).
    /// `weightsUnchanged`: the first layer's weights have not changed since the last
    /// `backward(_:steppingFirstWeightsWith:)` (see `Linear.forward(sparse:weightsUnchanged:helper:)`). With
    /// `helper`, the first layer shares its columns with that thread.
    public func forward(sparse x: SparseBatch, training: Bool, weightsUnchanged: Bool = false,
                        helper: Helper? = nil) -> Matrix? {
        guard let first = layers.first as? Linear else { return nil }
        var h = first.forward(sparse: x, weightsUnchanged: weightsUnchanged, helper: helper)
        for layer in layers.dropFirst() { h = layer.forward(h, training: training) }
        return h
    }

    /// Back-propagates dLoss/dOutput through every layer. The first layer's input gradient is not needed
    /// (its input is data), which saves a third of that layer's work.
    public func backward(_ gradOutput: Matrix) {
        _ = backward(gradOutput, steppingFirstWeightsWith: nil)
    }

    /// `backward`, with the first layer's weights stepped by `sgd` in the same pass as their gradient when that
    /// layer is linear and its last input was a sparse batch (`Linear.backward(_:steppingWeightsWith:velocity:)`).
    /// Returns the parameter so stepped, which the caller's optimizer step must then leave out; nil when the
    /// backward was the plain one. With `helper`, the first layer shares its columns with that thread.
    public func backward(_ gradOutput: Matrix, steppingFirstWeightsWith sgd: SGD?, helper: Helper? = nil) -> Parameter? {
        var g = gradOutput
        for index in layers.indices.reversed() {
            if index == 0, let sgd, let first = layers[0] as? Linear,
               first.backward(g, steppingWeightsWith: sgd.rule, velocity: sgd.velocity(of: first.weight), helper: helper) {
                return first.weight
            }
            guard let next = layers[index].backward(g, needInputGradient: index > 0) else { break }
            g = next
        }
        return nil
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
