/// Linear's answers to the descriptive members of `Layer` (what `summary`, `plot templates` and saved files ask);
/// the layer itself, with its training machinery, is in Linear.swift.
extension Linear {
    public var inputWidth: Int? { inputs }
    public var weightShape: WeightShape? { WeightShape(inputs: inputs, outputs: outputs) }

    public func incomingWeights(of output: Int) -> [Float]? {
        guard output >= 0, output < outputs else { return nil }
        return (0..<inputs).map { weightAt(input: $0, output: output) }
    }

    /// W is in x out here, out x in in PyTorch.
    public func storesTransposed(_ parameter: Parameter) -> Bool { parameter === weight }
}
