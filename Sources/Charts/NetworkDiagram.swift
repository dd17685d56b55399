import Basics

/// A small network drawn as the lecture and the Playground draw it: a column of nodes per layer, an edge for every
/// weight, the edge's sign and size visible — in text, positive edges solid and negative ones dashed, thicker for
/// larger |w| (1, 2 or 3 dots of braille), and painted blue and orange on a colour terminal; in SVG, stroke width
/// and colour. A weight of exactly 0 (L1 regularization) draws no edge.
struct NetworkPlot: Sendable {
    struct Column: Sendable {
        /// "inputs", "hidden 1 (tanh)", "output"
        var title: String
        var nodes: [String]
    }

    var columns: [Column]
    /// weights[l][i][j]: from node i of column l to node j of column l + 1.
    var weights: [[[Double]]]
    /// Under the drawing: what the parameters add up to ("26 parameters = 20 weights + 6 biases"), in parts that
    /// wrap whole.
    var notes: [String]

    var problem: String? {
        if columns.count < 2 { return "a network needs at least an input and an output layer" }
        if weights.count != columns.count - 1 { return "the weights do not match the layers" }
        for (l, matrix) in weights.enumerated() where matrix.count != columns[l].nodes.count
            || matrix.contains(where: { $0.count != columns[l + 1].nodes.count }) {
            return "the weights of layer \(l + 1) do not match its nodes"
        }
        return nil
    }

    /// The largest |w| (what the thickest edge stands for); 0 when every weight is 0 or not finite.
    var largestWeight: Double {
        weights.joined().joined().filter(\.isFinite).map(abs).max() ?? 0
    }

    /// 0 (no edge: w = 0 or not finite), 1, 2 or 3 (thickest) for a weight, relative to the largest.
    func thickness(_ w: Double) -> Int {
        let largest = largestWeight
        guard w.isFinite, w != 0, largest > 0 else { return 0 }
        let share = abs(w) / largest
        return share >= 2.0 / 3 ? 3 : share >= 1.0 / 3 ? 2 : 1
    }
}

extension Chart {
    /// A network as nodes and weighted edges: `columns` as (title, node names), input first; `weights[l][i][j]`
    /// from node i of column l to node j of column l + 1; `notes` under the drawing.
    public static func network(columns: [(title: String, nodes: [String])], weights: [[[Double]]], notes: [String] = [],
                               title: String? = nil) -> Chart {
        let plot = NetworkPlot(columns: columns.map { NetworkPlot.Column(title: $0.title, nodes: $0.nodes) }, weights: weights, notes: notes)
        return Chart(title: title, content: .network(plot))
    }
}

extension NetworkPlot {
    /// Node labels in columns spread over the width, each layer's nodes spread over the height of the largest;
    /// edges drawn in braille between them (in ASCII, one character per cell: . + # for positive, , - = for
    /// negative weights, by size).
    func text(title: String?, style: ChartStyle) -> String {
        // Fit the width: the columns' titles give way first (down to their labels' width), then the gap between
        // columns (down to 2), then the labels (down to 3 characters). A network still wider than the chart is cut
        // at its right edge, and a note says so.
        var titleLimit = 18, minimumGap = 6, labelLimit = 9
        var labels: [[String]] = [], widths: [Int] = []
        while true {
            labels = columns.map { column in column.nodes.map { "(" + style.label($0, limit: labelLimit) + ")" } }
            let labelWidths = labels.map { $0.map(TextLayout.displayWidth).max() ?? 1 }
            let titleWidths = columns.map { TextLayout.displayWidth(style.label($0.title, limit: titleLimit)) }
            widths = zip(labelWidths, titleWidths).map { max($0, $1) }
            if widths.reduce(0, +) + minimumGap * (columns.count - 1) <= style.width { break }
            if titleLimit > 1 && zip(labelWidths, titleWidths).contains(where: { $1 > $0 }) {
                titleLimit -= 1
            } else if minimumGap > 2 {
                minimumGap -= 1
            } else if labelLimit > 3 {
                labelLimit -= 1
            } else {
                break
            }
        }
        let largest = columns.map(\.nodes.count).max() ?? 1
        let rows = max(3, 2 * largest - 1)
        let gap = max(minimumGap, (style.width - widths.reduce(0, +)) / max(columns.count - 1, 1))
        var starts: [Int] = []
        var x = 0
        for w in widths { starts.append(x); x += w + gap }
        let totalWidth = x - gap
        let visibleWidth = min(totalWidth, style.width)

        /// The text row of node i of a column with n nodes: spread evenly over the rows, centred.
        func row(_ i: Int, of n: Int) -> Int {
            n == 1 ? (rows - 1) / 2 : Int((Double(i) * Double(rows - 1) / Double(n - 1)).rounded())
        }
        /// Where node i's label starts: the inputs flush left, other columns centred.
        func labelStart(_ l: Int, _ i: Int) -> Int {
            starts[l] + (l == 0 ? 0 : (widths[l] - TextLayout.displayWidth(labels[l][i])) / 2)
        }

        // Edges on a dot grid: braille cells are 2 dots across and 4 down; ASCII cells one dot.
        let across = style.unicode ? 2 : 1, down = style.unicode ? 4 : 1
        var grid = DotGrid(columns: totalWidth, rows: rows, across: across, down: down)
        for (l, matrix) in weights.enumerated() {
            for (i, fan) in matrix.enumerated() {
                for (j, w) in fan.enumerated() {
                    let level = thickness(w)
                    guard level > 0 else { continue }
                    // From just right of the source label to just left of the destination's box.
                    let x0 = (labelStart(l, i) + TextLayout.displayWidth(labels[l][i])) * across
                    let x1 = labelStart(l + 1, j) * across - 1
                    let y0 = row(i, of: matrix.count) * down + down / 2
                    let y1 = row(j, of: fan.count) * down + down / 2
                    let series = (w < 0 ? 3 : 0) + level - 1
                    let offsets = style.unicode ? [[0], [0, -1], [0, -1, 1]][level - 1] : [0]
                    for offset in offsets {
                        grid.line(from: (x0, y0 + offset), to: (x1, y1 + offset), series: series, dashed: w < 0)
                    }
                }
            }
        }
        // Series 0-2: positive by size, 3-5: negative.
        let asciiMarks = [".", "+", "#", ",", "-", "="]
        let colors = ["2;34", "34", "1;34", "2;33", "33", "1;33"]
        var cells: [[(glyph: String, sgr: String)]] = (0..<rows).map { r in
            (0..<totalWidth).map { c in
                guard let (mask, owner) = grid.cell(column: c, row: r) else { return (" ", "") }
                let glyph = style.unicode ? String(Character(Unicode.Scalar(0x2800 + UInt32(mask)) ?? " ")) : asciiMarks[owner]
                return (glyph, colors[owner])
            }
        }
        // Node labels over the edges, centred in their column.
        for (l, column) in labels.enumerated() {
            for (i, label) in column.enumerated() {
                let r = row(i, of: column.count)
                let start = labelStart(l, i)
                // A wide character takes two cells: the second one stays empty.
                var column = start
                for character in label {
                    let width = max(SafeText.displayWidth(of: character), 1)
                    guard column + width <= totalWidth else { break }
                    cells[r][column] = (String(character), "1")
                    for extra in 1..<width { cells[r][column + extra] = ("", "1") }
                    column += width
                }
            }
        }
        if visibleWidth < totalWidth {
            for r in cells.indices {
                // A wide character cut in half leaves a blank.
                if cells[r][visibleWidth].glyph.isEmpty { cells[r][visibleWidth - 1] = (" ", "") }
                cells[r].removeSubrange(visibleWidth...)
            }
        }
        var lines: [String] = []
        if let title, !title.isEmpty { lines.append(TextLayout.center(style.label(title, limit: style.width), in: max(visibleWidth, 1))) }
        var header = ""
        for (l, column) in columns.enumerated() {
            let name = style.label(column.title, limit: widths[l] + (l < columns.count - 1 ? gap - 1 : 0))
            header = TextLayout.padRight(header, to: starts[l]) + (l == 0 ? name : TextLayout.center(name, in: widths[l]))
        }
        lines.append(TextLayout.truncate(header, to: style.width, ellipsis: style.ellipsis))
        lines.append(contentsOf: cells.map { style.paintRow($0) })
        let solid = style.unicode ? "⠒⠒⠒" : "+++", dashed = style.unicode ? "⠒ ⠒" : "- -"
        var legend = ["\(style.paint(solid, "34")) w > 0", "\(style.paint(dashed, "33")) w < 0",
                      "thicker: larger |w| (largest \(NumberText.compact(largestWeight)))"]
        if weights.joined().joined().contains(0) { legend.append("no edge: w = 0") }
        lines.append(contentsOf: Chart.wrapEntries(legend, width: style.width, ellipsis: style.ellipsis))
        lines.append(contentsOf: Chart.wrapEntries(notes.map { style.clean($0) }, width: style.width, ellipsis: style.ellipsis))
        if visibleWidth < totalWidth {
            lines.append(TextLayout.truncate("(cut to \(style.width) of \(totalWidth) columns)", to: style.width, ellipsis: style.ellipsis))
        }
        return TextLayout.joinLines(lines)
    }
}

/// Dots on a grid of character cells (2 x 4 per braille cell, 1 x 1 in ASCII), each cell remembering the series
/// that drew in it last: the network's edges, drawn apart from the charts' Canvas because labels go over them
/// cell by cell.
struct DotGrid {
    let columns: Int
    let rows: Int
    let across: Int
    let down: Int
    private var masks: [UInt8]
    private var owners: [Int]

    init(columns: Int, rows: Int, across: Int, down: Int) {
        self.columns = max(columns, 1)
        self.rows = max(rows, 1)
        self.across = across
        self.down = down
        masks = Array(repeating: 0, count: self.columns * self.rows)
        owners = Array(repeating: 0, count: self.columns * self.rows)
    }

    // Braille dot numbering: left column dots 1,2,3,7 and right column 4,5,6,8, top to bottom.
    private static let brailleBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard x >= 0, y >= 0, x < columns * across, y < rows * down else { return }
        let cell = (y / down) * columns + x / across
        masks[cell] |= across == 1 ? 1 : DotGrid.brailleBits[x % across][y % down]
        owners[cell] = series
    }

    /// A straight line of dots, one per step along its longer axis; dashed: 2 dots on, 2 off.
    mutating func line(from a: (Int, Int), to b: (Int, Int), series: Int, dashed: Bool) {
        let steps = max(abs(b.0 - a.0), abs(b.1 - a.1), 1)
        for step in 0...steps where !dashed || step % 4 < 2 {
            let t = Double(step) / Double(steps)
            set(Int((Double(a.0) + Double(b.0 - a.0) * t).rounded()), Int((Double(a.1) + Double(b.1 - a.1) * t).rounded()), series: series)
        }
    }

    /// The dots of a cell and the series that drew there last; nil for an empty cell.
    func cell(column: Int, row: Int) -> (mask: UInt8, owner: Int)? {
        let index = row * columns + column
        guard index >= 0, index < masks.count, masks[index] != 0 else { return nil }
        return (masks[index], owners[index])
    }
}
