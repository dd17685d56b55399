import Basics
import Charts
import TestSupport
import XCTest

/// Every chart kind in both glyph sets, compared with Tests/ChartsTests/Golden/<name>.txt.
/// Re-record with `NNLAB_RECORD_GOLDEN=1 swift test --filter ChartSnapshotTests`, then read the files.
final class ChartSnapshotTests: XCTestCase {
    private let glyphSets: [(suffix: String, options: ChartOptions)] = [
        ("unicode", ChartOptions(width: 72, height: 12, unicode: true, color: false)),
        ("ascii", ChartOptions(width: 72, height: 12, unicode: false, color: false)),
    ]

    func testLossCurve() {
        for (suffix, options) in glyphSets {
            let chart = Chart.line([Fixtures.trainingLoss, Fixtures.validationLoss], title: "Loss, 5 epochs of 938 steps",
                                   xLabel: "epoch", yLabel: "loss").text(options)
            assertGolden(chart + "\n", named: "line_loss_\(suffix).txt")
        }
    }

    func testAccuracyCurves() {
        for (suffix, options) in glyphSets {
            let chart = Chart.line([Fixtures.trainAccuracy, Fixtures.validationAccuracy], title: "Accuracy",
                                   xLabel: "epoch", yLabel: "acc").text(options)
            assertGolden(chart + "\n", named: "line_accuracy_\(suffix).txt")
        }
    }

    func testActivationFunctions() {
        for (suffix, options) in glyphSets {
            let chart = Chart.line(Fixtures.activations, title: "Activation functions", xLabel: "x").text(options)
            assertGolden(chart + "\n", named: "line_activations_\(suffix).txt")
        }
    }

    func testClassCountBars() {
        for (suffix, options) in glyphSets {
            let chart = Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.trainClassCounts,
                                   title: "Training images per class").text(options)
            assertGolden(chart + "\n", named: "bars_class_counts_\(suffix).txt")
        }
    }

    func testPredictionBarsWithHighlight() {
        for (suffix, options) in glyphSets {
            let chart = Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.predictionProbabilities,
                                   title: "predict 0: probabilities", valueFormat: "%.3f", highlight: 7).text(options)
            assertGolden(chart + "\n", named: "bars_prediction_\(suffix).txt")
        }
    }

    func testHistogramOfNormalValues() {
        for (suffix, options) in glyphSets {
            let chart = Chart.histogram(Fixtures.normalValues, bins: 20, title: "2000 draws from N(0, 1)").text(options)
            assertGolden(chart + "\n", named: "histogram_normal_\(suffix).txt")
        }
    }

    func testConfusionMatrix() {
        for (suffix, options) in glyphSets {
            let chart = Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                      title: "Confusion matrix (test, 97.89%)", rowTitle: "true", columnTitle: "predicted").text(options)
            assertGolden(chart + "\n", named: "heatmap_confusion_\(suffix).txt")
        }
    }

    func testConfusionMatrixShadingOnly() {
        for (suffix, options) in glyphSets {
            let chart = Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                      title: "Confusion matrix", rowTitle: "true", columnTitle: "predicted",
                                      showValues: false).text(options)
            assertGolden(chart + "\n", named: "heatmap_shading_\(suffix).txt")
        }
    }

    func testRingImage() {
        for (suffix, options) in glyphSets {
            let chart = Chart.image(Fixtures.ringDigit, width: 28, height: 28, caption: "label 0").text(options)
            assertGolden(chart + "\n", named: "image_ring_\(suffix).txt")
        }
    }

    func testImageGrid() {
        for (suffix, options) in glyphSets {
            let chart = Chart.imageGrid(Fixtures.sevenTwoOne, width: 28, height: 28,
                                        captions: ["7 (pred 7)", "2 (pred 2)", "1 (pred 1)"]).text(options)
            assertGolden(chart + "\n", named: "image_grid_\(suffix).txt")
        }
    }

    func testCircleDecisionRegions() {
        for (suffix, options) in glyphSets {
            let chart = Chart.regions(xRange: -6...6, yRange: -6...6, classAt: Fixtures.circleModel,
                                      points: Fixtures.circlePoints, classNames: ["inner", "outer"],
                                      title: "Decision regions, circle data").text(options)
            assertGolden(chart + "\n", named: "regions_circle_\(suffix).txt")
        }
    }

    func testNumberGrid() {
        assertGolden(Chart.numberGrid(Fixtures.ringDigit, width: 28, height: 28).text(ChartOptions()) + "\n", named: "number_grid_ring.txt")
        let normalized = Fixtures.ringDigit.prefix(8 * 28).map { $0 / 255 }
        assertGolden(Chart.numberGrid(Array(normalized), width: 28, height: 8, decimals: 1).text(ChartOptions()) + "\n", named: "number_grid_decimals.txt")
    }

    /// Class names in Chinese take two columns a character: labels, bars and the confusion grid's cells stay in
    /// line in Unicode; in ASCII each name is written as its escapes (not "?"), so the classes stay apart.
    func testWideClassNamesLineUp() {
        let names = ["猫", "狗", "bird", "鸟类"]
        let confusion: [[Double]] = [[50, 2, 0, 1], [3, 45, 1, 0], [0, 0, 60, 2], [1, 0, 4, 40]]
        for (suffix, options) in glyphSets {
            let bars = Chart.bars(labels: names, values: [94.3, 91.8, 96.8, 88.9], title: "accuracy per class (%)",
                                  valueFormat: "%.2f").text(options)
            let grid = Chart.heatmap(confusion, rowLabels: names, columnLabels: names, title: "confusion matrix",
                                     rowTitle: "true", columnTitle: "predicted").text(options)
            assertGolden(bars + "\n\n" + grid + "\n", named: "wide_class_names_\(suffix).txt")
            // Every bar leaves the label column at the same terminal column.
            let tick = options.unicode ? "┤" : "|"
            let starts = bars.split(separator: "\n").compactMap { line in
                line.range(of: tick).map { SafeText.displayWidth(line[..<$0.lowerBound]) }
            }
            XCTAssertEqual(starts.count, names.count, bars)
            XCTAssertEqual(Set(starts).count, 1, "bars start in one column: \(bars)")
            if !options.unicode {
                XCTAssertTrue(bars.contains("\\u{732B}") && bars.contains("\\u{72D7}"), bars)
                XCTAssertFalse(bars.contains("?"), bars)
            }
        }
    }
}
