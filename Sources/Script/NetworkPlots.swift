import Basics
import NeuralNet
import Datasets
import Charts

/// `plot neurons` and `plot network`: the Playground's picture of a small network — what each node computes over
/// the plane, and the network itself with its weights — and the exact numbers the browser shows only on hover,
/// as tables.
enum NetworkPlots {
    /// Nodes a layer may have for these drawings (the lecture's and the Playground's networks have at most 8).
    static let maximumNodes = 32

    /// A network's layers of nodes: the inputs (the features' names when the model computes them), then one
    /// column per weighted layer, with the weights into it (`weights[k][j]` from node k to node j) and its biases.
    struct Structure {
        var columns: [(title: String, nodes: [String])]
        var weights: [[[Double]]]
        var biases: [[Double]?]
    }

    static func structure(_ m: ModelState, data: LabeledData?, at inv: Invocation) throws(ScriptError) -> Structure {
        let net = m.network
        let weighted = net.layers.enumerated().filter { $0.element.weightShape != nil }
        guard let first = weighted.first?.element.weightShape else {
            throw ScriptError("model '\(m.name)' has no layers with weights to draw", at: inv.location,
                              hint: "build one with e.g. 'mlp 2 4 2' (the lecture's 3-4-2: mlp 3 4 2)")
        }
        var columns: [(title: String, nodes: [String])] = []
        if let features = net.layers.first as? InputFeatures {
            columns.append(("input features", features.features.map(\.name)))
        } else {
            columns.append(("inputs", (1...first.inputs).map { "x\($0)" }))
        }
        var weights: [[[Double]]] = []
        var biases: [[Double]?] = []
        for (n, (index, layer)) in weighted.enumerated() {
            guard let shape = layer.weightShape else { continue }
            // The activation that follows, up to the next weighted layer: what the hidden column computes.
            let after = net.layers[(index + 1)...].prefix { $0.weightShape == nil }.map(\.spec).filter { $0 != Softmax.kind }
            let isOutput = n == weighted.count - 1
            let names: [String]
            let title: String
            if isOutput {
                if shape.outputs == 1 {
                    names = ["output"]
                } else if let data, !data.isRegression, data.classNames.count == shape.outputs {
                    names = data.classNames.map { "class \($0)" }
                } else {
                    names = (1...shape.outputs).map { "out \($0)" }
                }
                title = "output"
            } else {
                names = (1...shape.outputs).map { "\(n + 1).\($0)" }
                title = "hidden \(n + 1)" + (after.isEmpty ? "" : " (\(after.joined(separator: ", ")))")
            }
            columns.append((title, names))
            var matrix = [[Double]](repeating: [Double](repeating: 0, count: shape.outputs), count: shape.inputs)
            for j in 0..<shape.outputs {
                for (k, w) in (layer.incomingWeights(of: j) ?? []).enumerated() where k < shape.inputs { matrix[k][j] = Double(w) }
            }
            weights.append(matrix)
            if shape.biasInWeights, let w = layer.parameters.first, w.value.cols == shape.inputs + 1, w.value.rows == shape.outputs {
                // The bias trick: each class's bias is the last column of its row of W.
                biases.append((0..<shape.outputs).map { Double(w.value.data[$0 * w.value.cols + shape.inputs]) })
            } else {
                biases.append(layer.parameters.first { $0.name == "bias" }.map { $0.value.array.map(Double.init) })
            }
        }
        if let crowded = columns.first(where: { $0.nodes.count > maximumNodes }) {
            throw ScriptError("these drawings are for small networks (at most \(maximumNodes) nodes a layer); '\(crowded.title)' of model '\(m.name)' has \(NumberText.grouped(crowded.nodes.count))",
                              at: inv.subcommandLocation ?? inv.location, hint: "'plot weights L' shows a large layer's weights as a histogram")
        }
        return Structure(columns: columns, weights: weights, biases: biases)
    }

    /// "3-4-2: 26 parameters = 20 weights + 6 biases", the lecture's arithmetic for the drawn network, and how many
    /// weights are 0.
    static func parameterNotes(_ structure: Structure) -> [String] {
        let sizes = structure.columns.map { String($0.nodes.count) }.joined(separator: "-")
        let weightCount = structure.weights.reduce(0) { $0 + $1.count * ($1.first?.count ?? 0) }
        let biasCount = structure.biases.reduce(0) { $0 + ($1?.count ?? 0) }
        let terms = structure.weights.map { "\($0.count) x \($0.first?.count ?? 0)" }.joined(separator: " + ")
        var note = "\(sizes): \(NumberText.grouped(weightCount + biasCount)) parameters = \(NumberText.grouped(weightCount)) weights (\(terms))"
        if biasCount > 0 { note += " + \(NumberText.grouped(biasCount)) biases" }
        let zeros = structure.weights.joined().joined().filter { $0 == 0 }.count
        return zeros > 0 ? [note, "\(NumberText.grouped(zeros)) weight\(zeros == 1 ? " is" : "s are") 0"] : [note]
    }

    /// `plot network [table=true]`
    static func network(_ s: Interpreter, _ inv: Invocation, options: ChartOptions, table: Bool) throws(ScriptError) {
        let m = try s.requireModel(inv)
        if m.knn != nil { throw ScriptError("model '\(m.name)' is a k-nearest-neighbour classifier: it has no network to draw", at: inv.location) }
        let structure = try structure(m, data: s.train, at: inv)
        try s.show(Chart.network(columns: structure.columns, weights: structure.weights, notes: parameterNotes(structure),
                                 title: "network '\(m.name)'"), options: options, inv)
        if table { s.console.write(weightTables(structure)) }
    }

    /// Each weighted layer's weights as a table, a row per node it comes from and the biases last: the numbers the
    /// Playground shows when the mouse is over an edge.
    static func weightTables(_ structure: Structure) -> String {
        var text = ""
        for (l, matrix) in structure.weights.enumerated() {
            let from = structure.columns[l], to = structure.columns[l + 1]
            var rows: [[String]] = [["from \\ to"] + to.nodes]
            for (k, fan) in matrix.enumerated() { rows.append([from.nodes[k]] + fan.map(number)) }
            if let b = structure.biases[l] { rows.append(["bias"] + b.map(number)) }
            var widths = [Int](repeating: 0, count: rows[0].count)
            for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.columns) } }
            text += "weights \(from.title) -> \(to.title):\n"
            for r in rows {
                text += "  " + r.enumerated().map { j, c in j == 0 ? c.padded(to: widths[j]) : c.leftPadded(to: widths[j]) }
                    .joined(separator: "  ").trimmingTrailingSpaces() + "\n"
            }
        }
        return text
    }

    /// A weight as the tables show it: 3 decimals, an exact 0 as "0", and one too small for 3 decimals with 2
    /// significant digits (so it is not mistaken for a 0).
    static func number(_ w: Double) -> String {
        if w == 0 { return "0" }
        return abs(w) < 0.0005 ? NumberText.significant(w, 2) : NumberText.fixed(w, 3)
    }

    /// `plot neurons`: every node's output over the plane of 2-D data.
    static func neurons(_ s: Interpreter, _ inv: Invocation, options: ChartOptions) throws(ScriptError) {
        let (m, data) = try s.requireModelOverThePlane(inv, needs: "a node's output over the plane needs",
                                                        hint: "try 'load toy xor'; 'plot network' draws any small network")
        _ = try structure(m, data: data, at: inv)
        let (xRange, yRange) = PlaneView.domain([data])
        let reading = PlaneView.Reading(outputs: m.network.outputWidth ?? 0, regression: data.isRegression,
                                        probabilities: m.network.endsInSoftmax)
        let n = Chart.neuronResolution
        let layers = PlaneView.nodeLayers(m.network, reading: reading, x: xRange, y: yRange, resolution: n)
        try s.show(Chart.neurons(layers.map { layer in
            (title: layer.title, nodes: zip(layer.names, layer.values).map { (name: $0.0, values: $0.1) })
        }, resolution: n, xRange: xRange, yRange: yRange, title: "what each node of '\(m.name)' computes over the plane"),
                   options: options, inv)
    }
}
