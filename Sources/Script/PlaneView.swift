import NeuralNet
import TensorCore
import Datasets
#if canImport(Glibc)
import Glibc
#endif

/// A model of 2-D data seen over the plane, as the Playground's heatmaps show it: the output at every point of a
/// grid (`plot boundary`, the live view) and every node's output (`plot neurons`), computed in a few batched
/// forward passes.
enum PlaneView {
    /// The Playground's square, [-6, 6] on both axes: where its toy sets live.
    static let playgroundSquare: ClosedRange<Double> = -6...6

    /// What is drawn: the Playground's square for its toy sets, else the points' range with a margin.
    static func domain(_ sets: [LabeledData]) -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xr = (Double.infinity, -Double.infinity), yr = (Double.infinity, -Double.infinity)
        var toy = true
        for data in sets where data.featureCount == 2 {
            toy = toy && data.name.hasPrefix("toy/")
            for i in 0..<data.count {
                let row = data.matrix.row(i)
                let x = Double(row[0]), y = Double(row[1])
                guard x.isFinite, y.isFinite else { continue }
                xr = (min(xr.0, x), max(xr.1, x))
                yr = (min(yr.0, y), max(yr.1, y))
            }
        }
        if toy && xr.0 >= -6 && xr.1 <= 6 && yr.0 >= -6 && yr.1 <= 6 { return (playgroundSquare, playgroundSquare) }
        guard xr.0 <= xr.1, yr.0 <= yr.1 else { return (playgroundSquare, playgroundSquare) }
        let pad = 0.5
        return ((xr.0 - pad)...(xr.1 + pad), (yr.0 - pad)...(yr.1 + pad))
    }

    /// How a model's outputs read as one number, the Playground's colour: -1 (orange, class 0) to +1 (blue,
    /// class 1); nil when they do not (more than two classes: the regions are drawn by class).
    enum Reading {
        /// Two outputs: P(class 1) - P(class 0) (from logits, or from the softmax already applied).
        case twoClasses(probabilities: Bool)
        /// One output trained on labels 0 and 1 (mse): 2 · output - 1.
        case oneProbability
        /// Regression: the output itself (the Playground's values are about -1 to 1).
        case value

        init?(outputs: Int, regression: Bool, probabilities: Bool) {
            if regression { self = .value; return }
            switch outputs {
            case 1: self = .oneProbability
            case 2: self = .twoClasses(probabilities: probabilities)
            default: return nil
            }
        }

        func callAsFunction(_ row: UnsafePointer<Float>) -> Double {
            switch self {
            case .twoClasses(let probabilities):
                if probabilities { return Double(row[1] - row[0]) }
                // p1 - p0 from logits: tanh((s1 - s0) / 2), without computing the exponentials.
                return Double(tanhf((row[1] - row[0]) / 2))
            case .oneProbability: return Double(2 * row[0] - 1)
            case .value: return Double(row[0])
            }
        }
    }

    /// The centres of a columns x rows grid over the domain, top row first (row-major, as charts draw them).
    static func grid(x: ClosedRange<Double>, y: ClosedRange<Double>, columns: Int, rows: Int) -> Matrix {
        let m = Matrix(rows: columns * rows, cols: 2)
        for r in 0..<rows {
            let yv = y.upperBound - (Double(r) + 0.5) / Double(rows) * (y.upperBound - y.lowerBound)
            for c in 0..<columns {
                let xv = x.lowerBound + (Double(c) + 0.5) / Double(columns) * (x.upperBound - x.lowerBound)
                m.data[2 * (r * columns + c)] = Float(xv)
                m.data[2 * (r * columns + c) + 1] = Float(yv)
            }
        }
        return m
    }

    /// The model's output over a grid, one value per cell (top row first), read by `reading`; the class index of
    /// the largest output when `reading` is nil.
    static func outputs(_ net: Sequential, reading: Reading?, x: ClosedRange<Double>, y: ClosedRange<Double>,
                        columns: Int, rows: Int) -> [Double] {
        let out = net.forward(grid(x: x, y: y, columns: columns, rows: rows), training: false)
        return (0..<out.rows).map { r in
            let row = UnsafePointer(out.data + r * out.cols)
            return reading.map { $0(row) } ?? Double(predictedClass(row, out.cols))
        }
    }

    /// One column of nodes in the Playground's picture: the inputs, a hidden layer, or the output.
    struct NodeLayer {
        /// "inputs", "hidden layer 1 (tanh)", "output"
        var title: String
        var names: [String]
        /// Per node, its value at each grid cell (top row first).
        var values: [[Double]]
    }

    /// Every node's output over a square grid: the inputs (the features, or x1 and x2), each hidden layer's
    /// neurons after their activation, and the output read as one value (`reading`; with more classes, each
    /// output). A hidden layer is what a weighted layer computes together with the layers after it up to the next
    /// weighted one (its activation, dropout).
    static func nodeLayers(_ net: Sequential, reading: Reading?, x: ClosedRange<Double>, y: ClosedRange<Double>,
                           resolution: Int) -> [NodeLayer] {
        let n = resolution * resolution
        var h = grid(x: x, y: y, columns: resolution, rows: resolution)
        func columns(_ m: Matrix) -> [[Double]] {
            (0..<m.cols).map { j in (0..<m.rows).map { Double(m.data[$0 * m.cols + j]) } }
        }
        var layers: [NodeLayer] = []
        let layersList = net.layers
        var index = 0
        if let features = layersList.first as? InputFeatures {
            h = features.forward(h, training: false).clone()
            layers.append(NodeLayer(title: "input features", names: features.features.map(\.name), values: columns(h)))
            index = 1
        } else {
            layers.append(NodeLayer(title: "inputs", names: ["x1", "x2"], values: columns(h)))
        }
        var hidden = 0
        while index < layersList.count {
            // One weighted layer and what follows it up to the next weighted layer.
            var activation: [String] = []
            h = layersList[index].forward(h, training: false).clone()
            index += 1
            while index < layersList.count, layersList[index].weightShape == nil {
                let layer = layersList[index]
                if !(layer is Softmax) { activation.append(layer.spec) }
                h = layer.forward(h, training: false).clone()
                index += 1
            }
            if index < layersList.count {
                hidden += 1
                let what = activation.isEmpty ? "" : " (\(activation.joined(separator: ", ")))"
                layers.append(NodeLayer(title: "hidden layer \(hidden)\(what)", names: (0..<h.cols).map { "\(hidden).\($0 + 1)" },
                                        values: columns(h)))
            } else if let reading {
                let values = (0..<n).map { r in reading(UnsafePointer(h.data + r * h.cols)) }
                layers.append(NodeLayer(title: "output", names: ["output"], values: [values]))
            } else {
                layers.append(NodeLayer(title: "outputs", names: (0..<h.cols).map { "class \($0)" }, values: columns(h)))
            }
        }
        return layers
    }
}
