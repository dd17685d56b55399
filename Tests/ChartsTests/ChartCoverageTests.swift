import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Charts
import XCTest

/// One name per case of `Chart.Content`. `init(_:)` switches over every case without a default, so a new case
/// does not compile until it is named here; `ChartCoverageTests` then fails until the robustness table, the SVG
/// goldens and the degenerate-data charts (`ChartCoverageTests.chart(_:_:)`, another switch) all have one.
enum ChartKind: String, CaseIterable {
    case line, bars, histogram, heatmap, images, numberGrid, regions, outputMap, neurons, network, panels

    init(_ chart: Chart) {
        switch chart.content {
        case .line: self = .line
        case .bars: self = .bars
        case .histogram: self = .histogram
        case .heatmap: self = .heatmap
        case .images: self = .images
        case .numberGrid: self = .numberGrid
        case .regions: self = .regions
        case .outputMap: self = .outputMap
        case .neurons: self = .neurons
        case .network: self = .network
        case .panels: self = .panels
        }
    }
}

/// The ways data go wrong that every kind must survive, drawn as text and as SVG.
enum DegenerateData: String, CaseIterable {
    case empty, onePoint, nonFinite, allEqual, huge
}

/// Every chart kind is in every table of charts, and every kind survives every kind of degenerate data: text in
/// both glyph sets, with and without colour, from the narrowest width up, and an SVG document that parses (or, when
/// there is nothing to draw, a one-line message and no document).
final class ChartCoverageTests: XCTestCase {
    func testEveryKindIsInEveryTable() {
        let tables: [(name: String, charts: [Chart])] = [
            ("ChartRobustnessTests.charts", ChartRobustnessTests.charts.map(\.chart)),
            ("the SVG goldens (ChartSVGTests.goldenCharts + PlaygroundChartTests.svgGoldens)", ChartSVGTests.allGoldens.map(\.chart)),
        ]
        for (name, charts) in tables {
            let missing = Set(ChartKind.allCases).subtracting(charts.map(ChartKind.init))
            XCTAssertTrue(missing.isEmpty, "\(name) has no \(missing.map(\.rawValue).sorted())")
        }
        for kind in ChartKind.allCases {
            for data in DegenerateData.allCases {
                XCTAssertEqual(ChartKind(Self.chart(kind, data)), kind, "chart(.\(kind), .\(data)) makes another kind")
            }
        }
    }

    func testEveryKindSurvivesDegenerateData() throws {
        for kind in ChartKind.allCases {
            for data in DegenerateData.allCases {
                let chart = Self.chart(kind, data)
                let name = "\(kind) with \(data) data"
                for unicode in [true, false] {
                    for color in [false, true] {
                        for width in [ChartOptions.minimumWidth, 40, 72, 160] {
                            let text = chart.text(ChartOptions(width: width, height: 12, unicode: unicode, color: color))
                            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                            if chart.problem != nil {
                                XCTAssertTrue(text.hasPrefix("(nothing to plot: "), "\(name): \(text)")
                            }
                            // A grid of numbers is as wide as its numbers (NumberGridPlot): only the others fit.
                            if kind != .numberGrid {
                                for line in lines where displayColumns(line) > width {
                                    XCTFail("\(name), width \(width), unicode \(unicode), color \(color): \(displayColumns(line)) columns:\n\(line)")
                                }
                            }
                            if !unicode {
                                XCTAssertTrue(text.unicodeScalars.allSatisfy { $0.value < 128 }, "\(name) in ASCII:\n\(text)")
                            }
                            if !color {
                                XCTAssertFalse(text.unicodeScalars.contains("\u{1B}"), "\(name) without colour")
                            }
                        }
                    }
                }
                let svg = chart.svg()
                XCTAssertEqual(svg == nil, chart.problem != nil, "\(name): a figure exactly when there is something to draw")
                if let svg {
                    let outline = try assertWellFormedSVG(svg, name)
                    let broken = outline.attributeValues.filter { $0.lowercased().contains("nan") || $0.lowercased().contains("inf") }
                    XCTAssertEqual(broken, [], "\(name): attributes with NaN or infinity")
                }
            }
        }
    }

    /// `kind` built from `data`; a switch over both, so that a new kind must be given its degenerate charts.
    static func chart(_ kind: ChartKind, _ data: DegenerateData) -> Chart {
        let huge = Double.greatestFiniteMagnitude, hugeFloat = Float.greatestFiniteMagnitude
        switch kind {
        case .line:
            switch data {
            case .empty: return Chart.line([Series(name: "loss", y: [])], title: "empty")
            case .onePoint: return Chart.line([Series(name: "loss", y: [0.5])], title: "one point")
            case .nonFinite: return Chart.line([Series(name: "loss", x: [1, .nan, 3, .infinity, 5], y: [.nan, 1, -.infinity, 2, .infinity])])
            case .allEqual: return Chart.line([Series(name: "flat", y: Array(repeating: 2, count: 50)), Series(name: "zero", y: [0, 0])])
            case .huge: return Chart.line([Series(name: "huge", x: [-huge, 0, huge], y: [-huge, 1e308, huge])], xLabel: "x", yLabel: "y")
            }
        case .bars:
            switch data {
            case .empty: return Chart.bars(labels: [], values: [])
            case .onePoint: return Chart.bars(labels: ["only"], values: [3], highlight: 0)
            case .nonFinite: return Chart.bars(labels: ["a", "b", "c", "d"], values: [.nan, .infinity, -.infinity, 1])
            case .allEqual: return Chart.bars(labels: ["a", "b", "c"], values: [0, 0, 0], highlight: 5)
            case .huge: return Chart.bars(labels: ["max", "min", "one"], values: [huge, -huge, 1], valueFormat: "%.3f")
            }
        case .histogram:
            switch data {
            case .empty: return Chart.histogram([])
            case .onePoint: return Chart.histogram([3], bins: 1)
            case .nonFinite: return Chart.histogram([.nan, .infinity, -.infinity, 1, 2])
            case .allEqual: return Chart.histogram(Array(repeating: 4, count: 100), bins: 10)
            case .huge: return Chart.histogram([-huge, 0, huge, 1e300], bins: 20)
            }
        case .heatmap:
            switch data {
            case .empty: return Chart.heatmap([], rowLabels: [], columnLabels: [])
            case .onePoint: return Chart.heatmap([[7]], rowLabels: ["a"], columnLabels: ["b"], rowTitle: "true", columnTitle: "predicted")
            case .nonFinite: return Chart.heatmap([[.nan, .infinity], [-.infinity, 1]], rowLabels: ["a", "b"], columnLabels: ["c", "d"])
            case .allEqual: return Chart.heatmap([[2, 2], [2, 2]], rowLabels: ["a", "b"], columnLabels: ["c", "d"], showValues: false)
            case .huge: return Chart.heatmap([[huge, -huge], [0, 1e300]], rowLabels: ["a", "b"], columnLabels: ["c", "d"])
            }
        case .images:
            switch data {
            case .empty: return Chart.image([], width: 0, height: 0)
            case .onePoint: return Chart.image([0.5], width: 1, height: 1, caption: "one pixel")
            case .nonFinite: return Chart.image([.nan, .infinity, -.infinity, 1], width: 2, height: 2)
            case .allEqual: return Chart.imageGrid([[3, 3, 3, 3], [0, 0, 0, 0]], width: 2, height: 2, captions: ["threes", "zeros"])
            case .huge: return Chart.image([hugeFloat, -hugeFloat, 0, 1], width: 2, height: 2, range: 0...hugeFloat)
            }
        case .numberGrid:
            switch data {
            case .empty: return Chart.numberGrid([], width: 0, height: 0)
            case .onePoint: return Chart.numberGrid([7], width: 1, height: 1)
            case .nonFinite: return Chart.numberGrid([.nan, .infinity, -.infinity, 1], width: 2, height: 2, decimals: 2)
            case .allEqual: return Chart.numberGrid([3, 3, 3, 3], width: 2, height: 2)
            case .huge: return Chart.numberGrid([hugeFloat, -1e30, 0, 1], width: 2, height: 2, decimals: 6)
            }
        case .regions:
            let constant: (Double, Double) -> Int = { _, _ in 1 }
            switch data {
            case .empty: return Chart.regions(xRange: -1...1, yRange: -1...1, classAt: constant, points: [], classNames: [])
            case .onePoint: return Chart.regions(xRange: 0...0, yRange: 0...0, classAt: constant, points: [(0, 0, 1)], classNames: ["a", "b"])
            case .nonFinite: return Chart.regions(xRange: -Double.infinity...Double.infinity, yRange: -1...1, classAt: { x, _ in x < 0 ? 0 : 1 },
                                                  points: [(.nan, 0, 0), (1, .infinity, 1), (0.5, 0.5, 1)], classNames: ["a", "b"])
            case .allEqual: return Chart.regions(xRange: -1...1, yRange: -1...1, classAt: constant,
                                                 points: Array(repeating: (x: 0.5, y: 0.5, label: 1), count: 20), classNames: ["a", "b"])
            case .huge: return Chart.regions(xRange: -huge...huge, yRange: -1e300...1e300, classAt: { x, _ in x < 0 ? 0 : 1 },
                                             points: [(huge, -huge, 0), (0, 0, 1)], classNames: ["a", "b"])
            }
        case .outputMap:
            func map(_ x: ClosedRange<Double>, _ values: [Double], _ resolution: Int,
                     _ points: [(x: Double, y: Double, value: Double, isTest: Bool)]) -> Chart {
                Chart.outputMap(xRange: x, yRange: x, values: values, resolution: resolution, points: points, discretize: false,
                                sideNames: ("0", "1"))
            }
            switch data {
            case .empty: return map(-6...6, [], 0, [])
            case .onePoint: return map(-6...6, [0.3], 1, [(0, 0, 1, false)])
            case .nonFinite: return map(-Double.infinity...Double.infinity, [.nan, .infinity, -.infinity, 0.5], 2,
                                        [(.nan, 0, 1, false), (1, .infinity, -1, true), (1, 2, .nan, false), (-1, -2, 1, true)])
            case .allEqual: return map(-6...6, Array(repeating: 0, count: 16), 4, Array(repeating: (x: 1, y: 1, value: 1, isTest: false), count: 30))
            case .huge: return map(-huge...huge, [1e300, -1e300, huge, 0], 2, [(1e300, -1e300, huge, false), (0, 0, -huge, true)])
            }
        case .neurons:
            func neurons(_ values: [Double], _ resolution: Int, _ range: ClosedRange<Double> = -6...6) -> Chart {
                Chart.neurons([("inputs", [("x1", values), ("x2", values)]), ("output", [("output", values)])], resolution: resolution,
                              xRange: range, yRange: range)
            }
            switch data {
            case .empty: return Chart.neurons([], resolution: 0, xRange: -6...6, yRange: -6...6)
            case .onePoint: return neurons([0.2], 1)
            case .nonFinite: return neurons([.nan, .infinity, -.infinity, 0], 2, -Double.infinity...Double.infinity)
            case .allEqual: return neurons(Array(repeating: 0, count: 9), 3)
            case .huge: return neurons([huge, -huge, 1e300, 0], 2, -huge...huge)
            }
        case .network:
            func network(_ weights: [[Double]]) -> Chart {
                Chart.network(columns: [("inputs", ["x1", "x2"]), ("output", ["a", "b"])], weights: [weights])
            }
            switch data {
            case .empty: return Chart.network(columns: [], weights: [])
            case .onePoint: return Chart.network(columns: [("in", ["a"]), ("out", ["b"])], weights: [[[1]]])
            case .nonFinite: return network([[.nan, .infinity], [-.infinity, 1]])
            case .allEqual: return network([[0, 0], [0, 0]])
            case .huge: return network([[huge, -huge], [1e-300, 1]])
            }
        case .panels:
            switch data {
            case .empty: return Chart.panels([])
            case .onePoint: return Chart.panels([chart(.images, .onePoint)])
            case .nonFinite, .allEqual, .huge: return Chart.panels([chart(.line, data), chart(.bars, data), chart(.heatmap, data)])
            }
        }
    }
}

/// What an SVG document holds, as XMLParser reads it: its root element, namespace and every attribute value.
final class SVGOutline: NSObject, XMLParserDelegate {
    var root: String?
    var namespace: String?
    var attributeValues: [String] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        if root == nil {
            root = elementName
            namespace = namespaceURI
        }
        attributeValues += attributeDict.values
    }
}

/// Parses `svg` with Foundation's XMLParser and checks that it is an SVG document; returns what it holds.
@discardableResult
func assertWellFormedSVG(_ svg: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> SVGOutline {
    let outline = SVGOutline()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.shouldProcessNamespaces = true
    parser.delegate = outline
    XCTAssertTrue(parser.parse(), "\(name): \(parser.parserError.map(String.init(describing:)) ?? "parse failed")",
                  file: file, line: line)
    XCTAssertEqual(outline.root, "svg", name, file: file, line: line)
    XCTAssertEqual(outline.namespace, "http://www.w3.org/2000/svg", name, file: file, line: line)
    return outline
}
