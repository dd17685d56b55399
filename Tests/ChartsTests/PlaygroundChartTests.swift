import Foundation
import Charts
import TestSupport
import XCTest

/// The Playground's pictures: the output map (regions shaded by the output, test points apart), the node
/// thumbnails (`plot neurons`) and the network diagram (`plot network`), in both glyph sets, against snapshots
/// (re-record with NNLAB_RECORD_GOLDEN=1), and their behaviour on bad input.
final class PlaygroundChartTests: XCTestCase {
    private let glyphSets: [(suffix: String, options: ChartOptions)] = [
        ("unicode", ChartOptions(width: 72, height: 12, unicode: true, color: false)),
        ("ascii", ChartOptions(width: 72, height: 12, unicode: false, color: false)),
    ]

    /// A function of the plane sampled as the charts take it: `n` x `n`, row-major, top row (y = 6) first.
    private static func grid(_ n: Int, _ f: (Double, Double) -> Double) -> [Double] {
        (0..<n).flatMap { r in
            (0..<n).map { c in f(-6 + (Double(c) + 0.5) / Double(n) * 12, 6 - (Double(r) + 0.5) / Double(n) * 12) }
        }
    }

    /// XOR-like points: (±3, ±3) and (±1.5, ±4.5), class by the sign of x·y; the test set shifted.
    private static var points: [(x: Double, y: Double, value: Double, isTest: Bool)] {
        var out: [(x: Double, y: Double, value: Double, isTest: Bool)] = []
        for (sx, sy) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
            for (a, b) in [(3.0, 3.0), (1.5, 4.5), (4.5, 1.5)] {
                out.append((sx * a, sy * b, sx * sy > 0 ? 1 : -1, false))
                out.append((sx * (a - 1), sy * (b + 0.8), sx * sy > 0 ? 1 : -1, true))
            }
        }
        return out
    }

    func testOutputMap() {
        let values = Self.grid(60) { x, y in tanh(x * y / 6) }
        for (suffix, options) in glyphSets {
            let shaded = Chart.outputMap(xRange: -6...6, yRange: -6...6, values: values, resolution: 60, points: Self.points,
                                         discretize: false, sideNames: ("0", "1"), title: "x1 * x2 through tanh").text(options)
            assertGolden(shaded + "\n", named: "output_map_\(suffix).txt")
            let discrete = Chart.outputMap(xRange: -6...6, yRange: -6...6, values: values, resolution: 60,
                                           points: Self.points.filter { !$0.isTest }, discretize: true, sideNames: ("0", "1"),
                                           title: "discretized").text(options)
            assertGolden(discrete + "\n", named: "output_map_discretized_\(suffix).txt")
        }
    }

    func testOutputMapKeepsTestPointsApartAndThinsCrowds() {
        let options = ChartOptions(width: 40, height: 8, unicode: true, color: false)
        let one = Chart.outputMap(xRange: -6...6, yRange: -6...6, values: [0.9], resolution: 1,
                                  points: [(0, 0, -1, false), (0, 0, 1, true)], discretize: false, sideNames: ("0", "1")).text(options)
        XCTAssertTrue(one.contains("X"), "the test point drawn last, over the training point in its cell: \(one)")
        XCTAssertTrue(one.contains("O X test"))
        let crowd = (0..<2000).map { (i: Int) -> (x: Double, y: Double, value: Double, isTest: Bool) in
            let x = Double(i % 40) * 0.3 - 6, y = Double(i / 40) * 0.24 - 6
            return (x, y, 1.0, false)
        }
        let thinned = Chart.outputMap(xRange: -6...6, yRange: -6...6, values: [0.9], resolution: 1, points: crowd,
                                      discretize: false, sideNames: ("0", "1")).text(options)
        XCTAssertTrue(thinned.contains("1 point in "), thinned)
        // Bad input: nothing drawn, said within the width (40 here).
        XCTAssertEqual(Chart.outputMap(xRange: -6...6, yRange: -6...6, values: [1, 2], resolution: 3, points: [], discretize: false,
                                       sideNames: ("0", "1")).text(options),
                       "(nothing to plot: the grid of outputs is\nincomplete)")
        let nan = Chart.outputMap(xRange: -Double.infinity...Double.infinity, yRange: -6...6, values: [.nan], resolution: 1,
                                  points: [(.nan, 1, 1, false)], discretize: false, sideNames: ("0", "1")).text(options)
        XCTAssertEqual(nan, "(nothing to plot: the ranges are not\nfinite and there are no finite points)")
    }

    func testNeuronThumbnails() {
        let n = 24
        let layers: [(title: String, nodes: [(name: String, values: [Double])])] = [
            ("input features", [("x1", Self.grid(n) { x, _ in x / 6 }), ("x2", Self.grid(n) { _, y in y / 6 }), ("x1*x2", Self.grid(n) { x, y in x * y / 36 })]),
            ("hidden layer 1 (tanh)", (1...4).map { j in
                ("1.\(j)", Self.grid(n) { x, y in tanh(Double(j) * 0.3 * x - (Double(j) - 2.5) * 0.4 * y) })
            }),
            ("output", [("output", Self.grid(n) { x, y in tanh(x * y / 8) })]),
        ]
        for (suffix, options) in glyphSets {
            let chart = Chart.neurons(layers, resolution: n, xRange: -6...6, yRange: -6...6, title: "what each node computes").text(options)
            assertGolden(chart + "\n", named: "neurons_\(suffix).txt")
        }
        // Wider layers wrap onto more rows of thumbnails.
        let eight = [("hidden", (1...8).map { (name: "n\($0)", values: Self.grid(4) { x, _ in x / 6 }) })]
        let narrow = Chart.neurons(eight, resolution: 4, xRange: -6...6, yRange: -6...6).text(ChartOptions(width: 40, height: 6))
        XCTAssertEqual(narrow.split(separator: "\n").filter { $0.hasPrefix("┌") }.count, 2, "4 a row: \(narrow)")
        XCTAssertEqual(Chart.neurons([("inputs", [("x1", [1, 2])])], resolution: 2, xRange: -6...6, yRange: -6...6).text(ChartOptions()), "(nothing to plot: a node's grid of values is incomplete)")
    }

    /// The lecture's 3-4-2 network with weights of both signs and sizes, some exactly 0 (L1), and its 3-4-4-1.
    func testNetworkDiagrams() {
        let w1: [[Double]] = [[0.9, -0.2, 0, 0.05], [-1.4, 0.6, 0.3, 0], [0.1, 0, -0.7, 1.2]]
        let w2: [[Double]] = [[0.8, -0.8], [0, 1.1], [-0.3, 0.25], [0.6, -1.5]]
        for (suffix, options) in glyphSets {
            let chart = Chart.network(columns: [("inputs", ["x1", "x2", "x3"]), ("hidden 1 (relu)", ["1.1", "1.2", "1.3", "1.4"]),
                                                ("output", ["class 0", "class 1"])],
                                      weights: [w1, w2], notes: ["3-4-2: 26 parameters = 20 weights (3 x 4 + 4 x 2) + 6 biases", "4 weights are 0"],
                                      title: "network 'mlp'").text(options)
            assertGolden(chart + "\n", named: "network_3_4_2_\(suffix).txt")
        }
        let w3: [[Double]] = (0..<4).map { (i: Int) -> [Double] in
            (0..<4).map { (j: Int) -> Double in Double((i * 4 + j) % 7) / 3 - 1 }
        }
        let w4: [[Double]] = [[0.5], [-0.9], [0.2], [1.3]]
        let deep = Chart.network(columns: [("inputs", ["x1", "x2", "x3"]), ("hidden 1", ["1.1", "1.2", "1.3", "1.4"]),
                                           ("hidden 2", ["2.1", "2.2", "2.3", "2.4"]), ("output", ["output"])],
                                 weights: [w1, w3, w4], notes: ["3-4-4-1: 41 parameters = 32 weights (3 x 4 + 4 x 4 + 4 x 1) + 9 biases"],
                                 title: "network 'mlp'").text(glyphSets[0].options)
        assertGolden(deep + "\n", named: "network_3_4_4_1_unicode.txt")
        // Colour: positive edges blue, negative ones yellow (the terminal's orange).
        let colored = Chart.network(columns: [("in", ["a"]), ("out", ["b", "c"])], weights: [[[1, -1]]]).text(ChartOptions(width: 40, height: 6, unicode: true, color: true))
        XCTAssertTrue(colored.contains("\u{1B}[1;34m") && colored.contains("\u{1B}[1;33m"), colored)
        XCTAssertEqual(Chart.network(columns: [("in", ["a"])], weights: []).text(ChartOptions()),
                       "(nothing to plot: a network needs at least an input and an output layer)")
        XCTAssertEqual(Chart.network(columns: [("in", ["a"]), ("out", ["b"])], weights: [[[1, 2]]]).text(ChartOptions()),
                       "(nothing to plot: the weights of layer 1 do not match its nodes)")
        // Every weight 0: the nodes alone, no edges.
        let empty = Chart.network(columns: [("in", ["a"]), ("out", ["b"])], weights: [[[0]]]).text(ChartOptions(width: 40, height: 6))
        XCTAssertTrue(empty.contains("(a)") && empty.contains("(b)") && empty.contains("no edge: w = 0"), empty)
    }

    /// The Playground's pictures as SVG figures, one golden each (Golden/svg_*.svg); ChartSVGTests checks them
    /// with its own.
    static var svgGoldens: [(name: String, chart: Chart)] {
        let n = 24
        let layers: [(title: String, nodes: [(name: String, values: [Double])])] = [
            ("input features", [("x1", Self.grid(n) { x, _ in x / 6 }), ("x2", Self.grid(n) { _, y in y / 6 })]),
            ("hidden layer 1 (tanh)", (1...3).map { j in ("1.\(j)", Self.grid(n) { x, y in tanh(Double(j) * 0.3 * x - 0.4 * y) }) }),
            ("output", [("output", Self.grid(n) { x, y in tanh(x * y / 8) })]),
        ]
        let w1: [[Double]] = [[0.9, -0.2, 0, 0.05], [-1.4, 0.6, 0.3, 0], [0.1, 0, -0.7, 1.2]]
        let w2: [[Double]] = [[0.8, -0.8], [0, 1.1], [-0.3, 0.25], [0.6, -1.5]]
        return [
            ("svg_output_map", Chart.outputMap(xRange: -6...6, yRange: -6...6, values: Self.grid(60) { x, y in tanh(x * y / 6) }, resolution: 60,
                                               points: Self.points, discretize: false, sideNames: ("0", "1"), title: "x1 * x2 through tanh")),
            ("svg_neurons", Chart.neurons(layers, resolution: n, xRange: -6...6, yRange: -6...6, title: "what each node computes")),
            ("svg_network", Chart.network(columns: [("inputs", ["x1", "x2", "x3"]), ("hidden 1 (relu)", ["1.1", "1.2", "1.3", "1.4"]),
                                                    ("output", ["class 0", "class 1"])],
                                          weights: [w1, w2], notes: ["3-4-2: 26 parameters = 20 weights (3 x 4 + 4 x 2) + 6 biases"],
                                          title: "network 'mlp'")),
        ]
    }

    /// The Playground's pictures as SVG figures: one golden each, well-formed, with the Playground's colours.
    func testPlaygroundFiguresAsSVG() throws {
        for (name, chart) in Self.svgGoldens {
            let svg = try XCTUnwrap(chart.svg(), name)
            assertGolden(svg, named: name + ".svg")
            XCTAssertTrue(svg.contains("#f59322") && svg.contains("#0877bd"), "\(name): the Playground's orange and blue")
            try assertWellFormedSVG(svg, name)
        }
        XCTAssertNil(Chart.network(columns: [("in", ["a"])], weights: []).svg())
        XCTAssertNil(Chart.neurons([("inputs", [("x1", [1, 2])])], resolution: 2, xRange: -6...6, yRange: -6...6).svg())
    }
}
