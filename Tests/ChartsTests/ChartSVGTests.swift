import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Charts
import TestSupport
import XCTest

/// The SVG renderer: one golden figure per chart kind (Golden/svg_*.svg, re-recorded with
/// NNLAB_RECORD_GOLDEN=1), every figure well-formed XML, and what a teacher expects of a figure.
final class ChartSVGTests: XCTestCase {
    static let goldenCharts: [(name: String, chart: Chart)] = [
        ("svg_line_loss", Chart.line([Fixtures.trainingLoss, Fixtures.validationLoss], title: "Loss, 5 epochs of 938 steps",
                                     xLabel: "epoch", yLabel: "loss")),
        ("svg_line_accuracy_range", Chart.line([Fixtures.trainAccuracy, Fixtures.validationAccuracy], title: "Accuracy",
                                               xLabel: "epoch", yLabel: "acc", yRange: 0.95...1)),
        ("svg_bars_prediction", Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.predictionProbabilities,
                                           title: "predict 0: probabilities", valueFormat: "%.3f", highlight: 7)),
        ("svg_histogram", Chart.histogram(Fixtures.normalValues, bins: 20, title: "2000 draws from N(0, 1)")),
        ("svg_heatmap_confusion", Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                                title: "Confusion matrix (test, 97.89%)", rowTitle: "true", columnTitle: "predicted")),
        ("svg_image", Chart.image(Fixtures.ringDigit, width: 28, height: 28, caption: "label 0")),
        ("svg_image_grid", Chart.imageGrid(Fixtures.sevenTwoOne, width: 28, height: 28,
                                           captions: ["7 (pred 7)", "2 (pred 2)", "1 (pred 1)"], title: "three digits")),
        ("svg_number_grid", Chart.numberGrid(Fixtures.ringDigit, width: 28, height: 28, title: "pixel values 0-255")),
        ("svg_regions", Chart.regions(xRange: -6...6, yRange: -6...6, classAt: Fixtures.circleModel,
                                      points: Fixtures.circlePoints, classNames: ["inner", "outer"], title: "Decision regions, circle data")),
        ("svg_panels", Chart.panels([Chart.image(Fixtures.sevenTwoOne[0], width: 28, height: 28, caption: "#0: label 7"),
                                     Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.predictionProbabilities,
                                                title: "P(class | image #0)", valueFormat: "%.3f", highlight: 7)])),
    ]

    /// Every SVG golden: these and the Playground's.
    static var allGoldens: [(name: String, chart: Chart)] { goldenCharts + PlaygroundChartTests.svgGoldens }

    func testGoldenFigures() throws {
        for (name, chart) in ChartSVGTests.goldenCharts {
            let svg = try XCTUnwrap(chart.svg(), name)
            assertGolden(svg, named: name + ".svg")
        }
    }

    func testEveryFigureIsWellFormedXML() throws {
        for (name, chart) in ChartSVGTests.allGoldens + ChartRobustnessTests.charts {
            let svg = try XCTUnwrap(chart.svg(), name)
            try assertWellFormedSVG(svg, name)
        }
    }

    func testFiguresAreDeterministicAndHaveNoIds() throws {
        for (name, chart) in ChartSVGTests.allGoldens {
            let svg = try XCTUnwrap(chart.svg())
            XCTAssertEqual(svg, chart.svg(), name)
            // Ids would clash when several figures share one HTML page.
            XCTAssertFalse(svg.contains(" id="), name)
            XCTAssertFalse(svg.contains("url(#"), name)
            XCTAssertFalse(svg.contains("NaN") || svg.contains("inf"), name)
            XCTAssertFalse(svg.hasPrefix("<?xml"), "inline-able: no XML declaration")
        }
    }

    /// Opaque white background, dark text: the figure reads the same in a dark-themed viewer.
    func testFiguresHaveAnOpaqueBackground() throws {
        for (name, chart) in ChartSVGTests.allGoldens {
            let svg = try XCTUnwrap(chart.svg())
            let firstShape = svg.split(separator: "\n").dropFirst().first { !$0.hasPrefix("<title>") }
            XCTAssertTrue(firstShape?.hasPrefix("<rect width=") == true && firstShape?.contains("fill=\"#ffffff\"") == true, name)
            XCTAssertFalse(svg.contains("opacity"), name)
        }
    }

    func testLinesUseTheOkabeItoPaletteWithALegendTicksAndGridlines() throws {
        let svg = try XCTUnwrap(ChartSVGTests.goldenCharts[0].chart.svg())
        XCTAssertTrue(svg.contains("stroke=\"#0072b2\""))
        XCTAssertTrue(svg.contains("stroke=\"#d55e00\""))
        XCTAssertTrue(svg.contains(">validation</text>"), "legend")
        XCTAssertTrue(svg.contains(">epoch</text>") && svg.contains(">loss</text>"), "axis names")
        XCTAssertTrue(svg.contains("stroke=\"#e3e3e3\""), "gridlines")
        XCTAssertTrue(svg.contains("<title>Loss, 5 epochs of 938 steps</title>"))
    }

    func testImagesArePixelsAndConfusionCellsShowCounts() throws {
        let grid = try XCTUnwrap(Chart.imageGrid(Fixtures.sevenTwoOne, width: 28, height: 28, captions: ["a", "b", "c"]).svg())
        XCTAssertTrue(grid.contains("shape-rendering=\"crispEdges\""))
        XCTAssertTrue(grid.contains("scale(3)"), "whole-pixel scale")
        let confusion = try XCTUnwrap(ChartSVGTests.goldenCharts[4].chart.svg())
        for count in ["973", "1124", "1008"] { XCTAssertTrue(confusion.contains(">\(count)</text>"), count) }
        XCTAssertTrue(confusion.contains("#440154") || confusion.contains("#fde725"), "viridis")
    }

    func testNothingToDrawGivesNoFigure() {
        XCTAssertNil(Chart.line([]).svg())
        XCTAssertNil(Chart.line([Series(name: "loss", y: [.nan, .infinity])]).svg())
        XCTAssertNil(Chart.bars(labels: [], values: []).svg())
        XCTAssertNil(Chart.histogram([.nan]).svg())
        XCTAssertNil(Chart.heatmap([[.nan]], rowLabels: [], columnLabels: []).svg())
        XCTAssertNil(Chart.image([1, 2, 3], width: 2, height: 2).svg())
        XCTAssertNil(Chart.numberGrid([1], width: 2, height: 2).svg())
        XCTAssertNil(Chart.panels([]).svg())
    }

    /// NaN, infinities, huge values, ragged rows, hostile labels: a figure or none, never a broken document.
    func testAwkwardDataGivesWellFormedFigures() throws {
        let hostile = "<b>&\"'\u{1B}[31m\u{0}\u{FFFF}"
        let charts: [Chart] = [
            Chart.line([Series(name: hostile, x: [1, 2, 3, 4], y: [1, .nan, 3, 1e300])], title: hostile, xLabel: hostile, yLabel: hostile),
            Chart.line([Series(name: "flat", y: [2, 2, 2])], yRange: 0...1),
            Chart.line([Series(name: "one", y: [5])]),
            Chart.line([Series(name: "wide", x: [-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude], y: [0, 1])]),
            Chart.bars(labels: [hostile], values: [-1, .nan, .infinity, 2], title: hostile, valueFormat: "%n"),
            Chart.histogram([1, 1, 1, .nan, -.infinity], bins: 0),
            Chart.histogram((0..<100).map(Double.init), bins: 100_000),
            Chart.heatmap([[1, .nan], [3]], rowLabels: [hostile], columnLabels: [], rowTitle: hostile, columnTitle: hostile),
            Chart.heatmap(Array(repeating: (0..<300).map(Double.init), count: 200), rowLabels: [], columnLabels: []),
            Chart.image([.nan, 1, 2, .infinity], width: 2, height: 2, caption: hostile),
            Chart.image((0..<(600 * 20)).map { Float($0 % 7) }, width: 600, height: 20),
            Chart.imageGrid(Array(repeating: [0, 0, 0, 0], count: 25), width: 2, height: 2, captions: [hostile]),
            Chart.numberGrid([.nan, -0.001, 3, 1e9], width: 2, height: 2, decimals: 9, title: hostile),
            Chart.regions(xRange: -Double.infinity...1, yRange: 0...0, classAt: { x, _ in x > 0 ? 7 : -2 },
                          points: [(0.5, 0, -1), (.nan, 1, 3), (2, 2, 1)], classNames: [hostile]),
            Chart.panels([Chart.line([]), Chart.bars(labels: ["a"], values: [1])], title: hostile),
        ]
        for (index, chart) in charts.enumerated() {
            let svg = try XCTUnwrap(chart.svg(), "chart \(index)")
            try assertWellFormedSVG(svg, "chart \(index)")
            XCTAssertFalse(svg.contains("<b>"), "chart \(index): text is escaped")
            XCTAssertFalse(svg.unicodeScalars.contains("\u{1B}"), "chart \(index)")
            XCTAssertLessThan(svg.utf8.count, 600_000, "chart \(index) stays small")
        }
    }
}
