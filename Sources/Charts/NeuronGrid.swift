import Basics

/// What every node of a small network computes over the plane, as the Playground's node thumbnails: one small
/// heatmap per node (its output at each point of a `resolution` x `resolution` grid, on the Playground's
/// diverging scale), laid out by layer — inputs, each hidden layer, the output.
struct NeuronGridPlot: Sendable {
    struct Node: Sendable {
        var name: String
        /// Row-major, the top row (highest y) first.
        var values: [Double]
    }

    struct Layer: Sendable {
        /// "input features", "hidden layer 1 (tanh)", "output"
        var title: String
        var nodes: [Node]
    }

    var layers: [Layer]
    var resolution: Int
    var xLimits: (lower: Double, upper: Double)
    var yLimits: (lower: Double, upper: Double)

    var problem: String? {
        if layers.allSatisfy({ $0.nodes.isEmpty }) { return "the network has no nodes" }
        if resolution < 1 || layers.contains(where: { $0.nodes.contains { $0.values.count != resolution * resolution } }) {
            return "a node's grid of values is incomplete"
        }
        return nil
    }

    /// A node's value at thumbnail cell (row, column) of a rows x columns thumbnail: the nearest grid sample.
    func value(_ node: Node, row: Int, column: Int, rows: Int, columns: Int) -> Double {
        let r = min(resolution - 1, (row * resolution + resolution / 2) / max(rows, 1))
        let c = min(resolution - 1, (column * resolution + resolution / 2) / max(columns, 1))
        return node.values[r * resolution + c]
    }
}

extension Chart {
    /// Samples per axis of each node's thumbnail.
    public static let neuronResolution = 40

    /// One small heatmap per node, by layer: `layers` as (title, nodes as (name, values)), each node's values on a
    /// `resolution` x `resolution` grid over the ranges (row-major, top row first).
    public static func neurons(_ layers: [(title: String, nodes: [(name: String, values: [Double])])], resolution: Int,
                               xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, title: String? = nil) -> Chart {
        let plot = NeuronGridPlot(layers: layers.map { layer in
                                      NeuronGridPlot.Layer(title: layer.title, nodes: layer.nodes.map { NeuronGridPlot.Node(name: $0.name, values: $0.values) })
                                  },
                                  resolution: resolution, xLimits: (xRange.lowerBound, xRange.upperBound),
                                  yLimits: (yRange.lowerBound, yRange.upperBound))
        return Chart(title: title, content: .neurons(plot))
    }
}

extension NeuronGridPlot {
    /// Thumbnails in rows under each layer's title, framed, the node's name under each; a layer wider than the
    /// chart continues on the next row. The scale and the square's range close the chart.
    func text(title: String?, style: ChartStyle) -> String {
        // Thumbnails are about square: twice as many columns as rows, terminal cells being tall.
        let rows = max(3, min(8, style.height / 2))
        let columns = rows * 2
        let cellWidth = columns + 2
        let perRow = max(1, (style.width + 1) / (cellWidth + 1))
        var lines: [String] = []
        if let title, !title.isEmpty { lines.append(TextLayout.center(style.clean(title), in: min(style.width, perRow * (cellWidth + 1)))) }
        let top = style.topLeft + String(repeating: style.horizontal, count: columns) + style.topRight
        let bottom = style.bottomLeft + String(repeating: style.horizontal, count: columns) + style.bottomRight
        for layer in layers where !layer.nodes.isEmpty {
            lines.append(style.label("\(layer.title): \(layer.nodes.count) node\(layer.nodes.count == 1 ? "" : "s")", limit: style.width))
            for start in stride(from: 0, to: layer.nodes.count, by: perRow) {
                let group = Array(layer.nodes[start..<min(layer.nodes.count, start + perRow)])
                lines.append(group.map { _ in top }.joined(separator: " "))
                for row in 0..<rows {
                    lines.append(group.map { node in
                        let cells = (0..<columns).map { column -> (glyph: String, sgr: String) in
                            let v = value(node, row: row, column: column, rows: rows, columns: columns)
                            return (DivergingScale.glyph(v, unicode: style.unicode), DivergingScale.sgr(v))
                        }
                        return style.vertical + style.paintRow(cells) + style.vertical
                    }.joined(separator: " "))
                }
                lines.append(group.map { _ in bottom }.joined(separator: " "))
                lines.append(group.map { TextLayout.center(style.label($0.name, limit: cellWidth), in: cellWidth) }.joined(separator: " "))
            }
        }
        let scale = [-0.9, -0.65, -0.35].map { style.paint(DivergingScale.glyph($0, unicode: style.unicode), DivergingScale.sgr($0)) }.joined()
            + " " + [0.35, 0.65, 0.9].map { style.paint(DivergingScale.glyph($0, unicode: style.unicode), DivergingScale.sgr($0)) }.joined()
        let square = "x1 \(NumberText.compact(xLimits.lower)) to \(NumberText.compact(xLimits.upper)) across, "
            + "x2 \(NumberText.compact(yLimits.lower)) to \(NumberText.compact(yLimits.upper)) up"
        lines.append(contentsOf: Chart.wrapEntries(["output -1 \(scale) +1", square], width: style.width, ellipsis: style.ellipsis))
        return TextLayout.joinLines(lines)
    }
}
