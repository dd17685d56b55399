import Charts
import XCTest

/// Every chart kind in both glyph sets, compared with Tests/ChartsTests/Snapshots/<name>.txt.
/// Re-record with `NNLAB_RECORD_SNAPSHOTS=1 swift test --filter ChartSnapshotTests`, then read the files.
final class ChartSnapshotTests: XCTestCase {
    private let glyphSets: [(suffix: String, options: ChartOptions)] = [
        ("unicode", ChartOptions(width: 72, height: 12, unicode: true, color: false)),
        ("ascii", ChartOptions(width: 72, height: 12, unicode: false, color: false)),
    ]

    func testLossCurve() {
        for (suffix, options) in glyphSets {
            let chart = Chart.line([Fixtures.trainingLoss, Fixtures.validationLoss], title: "Loss, 5 epochs of 938 steps",
                                   xLabel: "epoch", yLabel: "loss").text(options)
            assertSnapshot(chart, named: "line_loss_\(suffix)")
        }
    }

    func testAccuracyCurves() {
        for (suffix, options) in glyphSets {
            let chart = Chart.line([Fixtures.trainAccuracy, Fixtures.validationAccuracy], title: "Accuracy",
                                   xLabel: "epoch", yLabel: "acc").text(options)
            assertSnapshot(chart, named: "line_accuracy_\(suffix)")
        }
    }

    func testActivationFunctions() {
        for (suffix, options) in glyphSets {
            let chart = Chart.line(Fixtures.activations, title: "Activation functions", xLabel: "x").text(options)
            assertSnapshot(chart, named: "line_activations_\(suffix)")
        }
    }

    func testClassCountBars() {
        for (suffix, options) in glyphSets {
            let chart = Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.trainClassCounts,
                                   title: "Training images per class").text(options)
            assertSnapshot(chart, named: "bars_class_counts_\(suffix)")
        }
    }

    func testPredictionBarsWithHighlight() {
        for (suffix, options) in glyphSets {
            let chart = Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.predictionProbabilities,
                                   title: "predict 0: probabilities", valueFormat: "%.3f", highlight: 7).text(options)
            assertSnapshot(chart, named: "bars_prediction_\(suffix)")
        }
    }

    func testHistogramOfNormalValues() {
        for (suffix, options) in glyphSets {
            let chart = Chart.histogram(Fixtures.normalValues, bins: 20, title: "2000 draws from N(0, 1)").text(options)
            assertSnapshot(chart, named: "histogram_normal_\(suffix)")
        }
    }

    func testConfusionMatrix() {
        for (suffix, options) in glyphSets {
            let chart = Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                      title: "Confusion matrix (test, 97.89%)", rowTitle: "true", columnTitle: "predicted").text(options)
            assertSnapshot(chart, named: "heatmap_confusion_\(suffix)")
        }
    }

    func testConfusionMatrixShadingOnly() {
        for (suffix, options) in glyphSets {
            let chart = Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                      title: "Confusion matrix", rowTitle: "true", columnTitle: "predicted",
                                      showValues: false).text(options)
            assertSnapshot(chart, named: "heatmap_shading_\(suffix)")
        }
    }

    func testRingImage() {
        for (suffix, options) in glyphSets {
            let chart = Chart.image(Fixtures.ringDigit, width: 28, height: 28, caption: "label 0").text(options)
            assertSnapshot(chart, named: "image_ring_\(suffix)")
        }
    }

    func testImageGrid() {
        for (suffix, options) in glyphSets {
            let chart = Chart.imageGrid(Fixtures.sevenTwoOne, width: 28, height: 28,
                                        captions: ["7 (pred 7)", "2 (pred 2)", "1 (pred 1)"]).text(options)
            assertSnapshot(chart, named: "image_grid_\(suffix)")
        }
    }

    func testCircleDecisionRegions() {
        for (suffix, options) in glyphSets {
            let chart = Chart.regions(xRange: -6...6, yRange: -6...6, classAt: Fixtures.circleModel,
                                      points: Fixtures.circlePoints, classNames: ["inner", "outer"],
                                      title: "Decision regions, circle data").text(options)
            assertSnapshot(chart, named: "regions_circle_\(suffix)")
        }
    }

    func testNumberGrid() {
        assertSnapshot(Chart.numberGrid(Fixtures.ringDigit, width: 28, height: 28).text(ChartOptions()), named: "number_grid_ring")
        let normalized = Fixtures.ringDigit.prefix(8 * 28).map { $0 / 255 }
        assertSnapshot(Chart.numberGrid(Array(normalized), width: 28, height: 8, decimals: 1).text(ChartOptions()), named: "number_grid_decimals")
    }
}
