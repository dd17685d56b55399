import Charts
import XCTest

/// Width, glyph-set and colour guarantees for every chart kind, and NaN/Inf/empty/constant data on purpose.
final class ChartRobustnessTests: XCTestCase {
    /// Every chart kind, named for failure messages; built once, drawn with many options.
    static let charts: [(name: String, chart: Chart)] = [
        ("loss", Chart.line([Fixtures.trainingLoss, Fixtures.validationLoss], title: "Loss", xLabel: "epoch",
                            yLabel: "loss")),
        ("accuracy", Chart.line([Fixtures.trainAccuracy, Fixtures.validationAccuracy], title: "Accuracy",
                                xLabel: "epoch", yLabel: "accuracy", yRange: 0.9...1)),
        ("activations", Chart.line(Fixtures.activations, title: "Activation functions")),
        ("bars", Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.trainClassCounts, title: "Counts")),
        ("bars highlight", Chart.bars(labels: ["a rather long class label", "b"], values: [-0.5, 0.973],
                                      valueFormat: "%.3f", highlight: 1)),
        ("histogram", Chart.histogram(Fixtures.normalValues, bins: 20, title: "N(0,1)")),
        ("heatmap", Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                  title: "Confusion matrix", rowTitle: "true", columnTitle: "predicted")),
        ("heatmap shading", Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels,
                                          showValues: false)),
        ("image", Chart.image(Fixtures.ringDigit, width: 28, height: 28, caption: "label 0")),
        ("image grid", Chart.imageGrid(Fixtures.sevenTwoOne, width: 28, height: 28,
                                       captions: ["7 (pred 7)", "2 (pred 2)", "1 (pred 1)"])),
        ("regions", Chart.regions(xRange: -6...6, yRange: -6...6, classAt: Fixtures.circleModel,
                                  points: Fixtures.circlePoints, classNames: ["inner", "outer"], title: "Regions")),
        ("number grid", Chart.numberGrid([0, 12, 255, 7, 3, 1, 0, 99], width: 4, height: 2, title: "pixel values")),
        ("output map", Chart.outputMap(xRange: -6...6, yRange: -6...6, values: Fixtures.plane(20) { x, y in tanh(x * y / 6) },
                                       resolution: 20, points: [(3, 3, 1, false), (-3, 3, -1, false), (2, -4, -1, true)],
                                       discretize: false, sideNames: ("0", "1"), title: "Output")),
        ("neurons", Chart.neurons([("input features", [("x1", Fixtures.plane(8) { x, _ in x / 6 }), ("x2", Fixtures.plane(8) { _, y in y / 6 })]),
                                   ("output", [("output", Fixtures.plane(8) { x, y in tanh(x * y / 8) })])],
                                  resolution: 8, xRange: -6...6, yRange: -6...6, title: "Neurons")),
        ("network", Chart.network(columns: [("inputs", ["x1", "x2"]), ("hidden 1 (relu)", ["1.1", "1.2", "1.3"]), ("output", ["class 0", "class 1"])],
                                  weights: [[[0.5, -1, 0], [0.2, 0.9, -0.3]], [[1, -1], [0.4, 0], [-0.7, 0.2]]],
                                  notes: ["2-3-2: 17 parameters = 12 weights + 5 biases"], title: "Network")),
        ("network deep", Chart.network(columns: [("inputs", ["x1", "x2"])] + (1...7).map { ("hidden \($0) (leaky_relu alpha=0.1)", ["\($0).1", "\($0).2", "\($0).3"]) }
                                           + [("output", ["class 0", "class 1"])],
                                       weights: [[[0.5, -1, 0], [0.2, 0.9, -0.3]]] + Array(repeating: [[1, -1, 0.5], [0.4, 0, 0.1], [-0.7, 0.2, 1]], count: 6)
                                           + [[[1, -1], [0.4, 0], [-0.7, 0.2]]],
                                       title: "a network too deep for narrow widths, with a long title as well")),
        ("panels", Chart.panels([Chart.image(Fixtures.sevenTwoOne[0], width: 28, height: 28, caption: "#0: label 7"),
                                 Chart.bars(labels: Fixtures.digitLabels, values: Fixtures.predictionProbabilities,
                                            title: "P(class | image #0)", valueFormat: "%.3f", highlight: 7)])),
    ]

    /// Kinds drawn without colour: a grid of numbers is text only.
    static let colourless: Set<String> = ["number grid"]

    /// Every chart kind drawn with the given options.
    private func allCharts(_ options: ChartOptions) -> [(name: String, text: String)] {
        ChartRobustnessTests.charts.map { ($0.name, $0.chart.text(options)) }
    }

    // MARK: Width

    func testEveryChartFitsEveryWidthFrom40To160() {
        for width in 40...160 {
            for unicode in [true, false] {
                for color in [false, true] {
                    let options = ChartOptions(width: width, height: 12, unicode: unicode, color: color)
                    for (name, text) in allCharts(options) {
                        XCTAssertFalse(text.hasPrefix("(nothing to plot"), "\(name) at width \(width): \(text)")
                        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                            let columns = displayColumns(String(line))
                            if columns > width {
                                XCTFail("\(name), width \(width), unicode \(unicode), color \(color): line has \(columns) columns:\n\(line)")
                                return
                            }
                        }
                    }
                }
            }
        }
    }

    func testTinyWidthsAreClampedToTheMinimum() {
        for width in [-5, 0, 1, 10, 29] {
            for (name, text) in allCharts(ChartOptions(width: width, height: 1)) {
                for line in text.split(separator: "\n") {
                    XCTAssertLessThanOrEqual(displayColumns(String(line)), ChartOptions.minimumWidth, "\(name) at width \(width)")
                }
            }
        }
    }

    func testImageGridWrapsToTheWidth() {
        let images = Array(repeating: Fixtures.ringDigit, count: 3)
        let wide = Chart.imageGrid(images, width: 28, height: 28, captions: ["a", "b", "c"]).text(ChartOptions(width: 160))
        let narrow = Chart.imageGrid(images, width: 28, height: 28, captions: ["a", "b", "c"]).text(ChartOptions(width: 40))
        XCTAssertEqual(wide.split(separator: "\n").count, 17, "one row of three: frame 16 lines + caption")
        XCTAssertEqual(narrow.split(separator: "\n", omittingEmptySubsequences: false).count, 3 * 17 + 2)
    }

    func testWideImagesAreScaledDown() {
        let wide = [Float](repeating: 1, count: 300 * 20)
        let text = Chart.image(wide, width: 300, height: 20).text(ChartOptions(width: 72))
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { displayColumns(String($0)) <= 72 })
    }

    func testHeatmapDropsValuesWhenTheyDoNotFit() {
        let options = ChartOptions(width: 40)
        let text = Chart.heatmap(Fixtures.confusion, rowLabels: Fixtures.digitLabels, columnLabels: Fixtures.digitLabels).text(options)
        XCTAssertFalse(text.contains("1124█"), text)
        XCTAssertTrue(text.contains("█"), text)
        let wide = Chart.heatmap([[Double]](repeating: (0..<500).map(Double.init), count: 3), rowLabels: [], columnLabels: []).text(options)
        XCTAssertTrue(wide.split(separator: "\n").allSatisfy { displayColumns(String($0)) <= 40 }, wide)
    }

    func testHistogramUsesFewerBinsThanColumns() {
        let text = Chart.histogram(Fixtures.normalValues, bins: 500).text(ChartOptions(width: 40))
        XCTAssertTrue(text.split(separator: "\n").allSatisfy { displayColumns(String($0)) <= 40 }, text)
        XCTAssertFalse(text.contains("500 bins"), text)
    }

    // MARK: Glyph sets and colour

    func testAsciiModeIsSevenBit() {
        for (name, text) in allCharts(ChartOptions(width: 72, unicode: false, color: false)) {
            let offending = text.unicodeScalars.filter { $0.value >= 128 }
            XCTAssertTrue(offending.isEmpty, "\(name) has non-ASCII scalars \(Array(offending)):\n\(text)")
        }
        let labels = Chart.bars(labels: ["naïve µ"], values: [1], title: "Ünïcode").text(ChartOptions(unicode: false))
        XCTAssertTrue(labels.unicodeScalars.allSatisfy { $0.value < 128 }, labels)
    }

    func testNoEscapeBytesWithoutColour() {
        for unicode in [true, false] {
            for (name, text) in allCharts(ChartOptions(width: 72, unicode: unicode, color: false)) {
                XCTAssertFalse(text.unicodeScalars.contains("\u{1B}"), "\(name) contains ESC")
            }
        }
        // An ESC smuggled in through a label must not reach the output either.
        let sneaky = Chart.bars(labels: ["\u{1B}[31mred"], values: [1], title: "\u{1B}[2J").text(ChartOptions())
        XCTAssertFalse(sneaky.unicodeScalars.contains("\u{1B}"), sneaky)
    }

    func testColourUsesOnlySGRCodes() {
        for (name, text) in allCharts(ChartOptions(width: 72, unicode: true, color: true)) {
            XCTAssertEqual(text.contains("\u{1B}["), !Self.colourless.contains(name), "\(name): colour")
            let scalars = Array(text.unicodeScalars)
            for (index, scalar) in scalars.enumerated() where scalar == "\u{1B}" {
                XCTAssertEqual(scalars[safe: index + 1], "[", name)
                let rest = scalars[(index + 2)...].prefix { !($0.value >= 0x40 && $0.value <= 0x7E) }
                XCTAssertTrue(rest.allSatisfy { ("0"..."9").contains($0) || $0 == ";" }, name)
                XCTAssertEqual(scalars[safe: index + 2 + rest.count], "m", "\(name): only SGR sequences")
            }
        }
    }

    func testOutputIsDeterministic() {
        let first = allCharts(ChartOptions()).map(\.text)
        let second = allCharts(ChartOptions()).map(\.text)
        XCTAssertEqual(first, second)
    }

    func testUnicodeLineChartsUseBrailleAndAsciiChartsUseMarkers() {
        let series = [Series(name: "a", y: [1, 3, 2]), Series(name: "b", y: [2, 1, 3])]
        let unicode = Chart.line(series).text(ChartOptions())
        XCTAssertTrue(unicode.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, unicode)
        let ascii = Chart.line(series).text(ChartOptions(unicode: false))
        XCTAssertTrue(ascii.contains("*") && ascii.contains("+"), ascii)
        XCTAssertTrue(ascii.contains("* a") && ascii.contains("+ b"), "legend names each series:\n\(ascii)")
    }

    // MARK: NaN, Inf, empty and constant data

    func testLineBreaksAtNaNAndInfinity() {
        let y: [Double] = [0, 0, 0, 0, .nan, 0, 0, .infinity, 0, 0, 0, 0]
        let text = Chart.line([Series(name: "gappy", y: y)]).text(ChartOptions(width: 60, height: 3, unicode: false))
        let bodies = text.split(separator: "\n").compactMap { line -> Substring? in
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            return parts.count >= 3 ? parts[1] : nil
        }
        let plotted = bodies.filter { $0.contains("*") }
        XCTAssertEqual(plotted.count, 1, text)
        let inside = plotted[0]
        XCTAssertTrue(inside.contains("* ") && inside.contains(" *"), "gaps where NaN/Inf were:\n\(text)")
        XCTAssertTrue(inside.hasPrefix("*") && inside.trimmingCharacters(in: .whitespaces).hasSuffix("*"), text)
    }

    func testLineSkipsNonFiniteValuesWhenComputingRanges() {
        let text = Chart.line([Series(name: "loss", x: [1, 2, 3, 4], y: [1, .infinity, 2, -.infinity])]).text(ChartOptions(width: 60, unicode: false))
        XCTAssertTrue(text.contains(" 2 |") && text.contains(" 1 |"), "range 1...2 from finite values:\n\(text)")
    }

    func testEmptyAndNonFiniteSeriesGiveAOneLineMessage() {
        XCTAssertEqual(Chart.line([Series(name: "loss", y: [])]).text(ChartOptions()),
                       "(nothing to plot: series 'loss' is empty)")
        XCTAssertEqual(Chart.line([Series(name: "loss", y: [.nan, .infinity])]).text(ChartOptions()),
                       "(nothing to plot: series 'loss' has no finite values)")
        XCTAssertEqual(Chart.line([]).text(ChartOptions()), "(nothing to plot: no series given)")
        let two = Chart.line([Series(name: "a", y: []), Series(name: "b", y: [.nan])]).text(ChartOptions())
        XCTAssertTrue(two.hasPrefix("(nothing to plot:") && !two.contains("\n"), two)
    }

    func testEmptySeriesBesideARealOneIsMarkedInTheLegend() {
        let text = Chart.line([Series(name: "train", y: [1, 2, 3]), Series(name: "val", y: [])]).text(ChartOptions())
        XCTAssertTrue(text.contains("val (no data)"), text)
    }

    func testConstantAndSinglePointSeriesRender() {
        for y in [[0.5, 0.5, 0.5], [0.0, 0.0], [7.0], [-3.0, -3.0]] {
            let text = Chart.line([Series(name: "flat", y: y)]).text(ChartOptions(width: 50, unicode: false))
            XCTAssertFalse(text.hasPrefix("(nothing"), text)
            XCTAssertTrue(text.contains("*"), text)
            let ticks = text.split(separator: "\n").compactMap { line -> String? in
                let parts = line.split(separator: "|", omittingEmptySubsequences: false)
                guard parts.count >= 2 else { return nil }
                let label = parts[0].trimmingCharacters(in: .whitespaces)
                return label.isEmpty ? nil : label
            }
            XCTAssertEqual(Set(ticks).count, ticks.count, "distinct tick labels for \(y):\n\(text)")
        }
    }

    func testHugeValuesOutsideTheRequestedRangeAreClippedQuickly() {
        let series = Series(name: "exploding", y: [0.5, 1e300, -1e300, 0.2, .greatestFiniteMagnitude])
        let text = Chart.line([series], yRange: 0...1).text(ChartOptions())
        XCTAssertFalse(text.hasPrefix("(nothing"), text)
        let extreme = Chart.line([Series(name: "wide", y: [-.greatestFiniteMagnitude, .greatestFiniteMagnitude])]).text(ChartOptions())
        XCTAssertFalse(extreme.hasPrefix("(nothing"), extreme)
        let rowsWithDots = extreme.split(separator: "\n").filter { $0.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) } }
        XCTAssertGreaterThan(rowsWithDots.count, 3, "a steep line, not one along the top:\n\(extreme)")
        let infiniteRange = Chart.line([Series(name: "a", y: [1, 2])], yRange: -Double.infinity...Double.infinity).text(ChartOptions())
        XCTAssertFalse(infiniteRange.hasPrefix("(nothing"), infiniteRange)
    }

    func testBarsWithNaNAndEmptyInput() {
        let text = Chart.bars(labels: ["a", "b", "c"], values: [1, .nan, .infinity]).text(ChartOptions())
        XCTAssertTrue(text.contains("NaN") && text.contains("inf"), text)
        XCTAssertEqual(Chart.bars(labels: [], values: []).text(ChartOptions()), "(nothing to plot: no values given)")
        XCTAssertTrue(Chart.bars(labels: ["a"], values: [.nan]).text(ChartOptions()).hasPrefix("(nothing to plot:"))
        let zeros = Chart.bars(labels: ["a", "b"], values: [0, 0]).text(ChartOptions())
        XCTAssertTrue(zeros.contains("a ┤ 0"), zeros)
        let missingLabels = Chart.bars(labels: ["only"], values: [1, 2]).text(ChartOptions(unicode: false))
        XCTAssertTrue(missingLabels.contains("   1 |"), missingLabels)
    }

    func testBarValueFormats() {
        let counts = Chart.bars(labels: ["0"], values: [5923]).text(ChartOptions())
        XCTAssertTrue(counts.contains(" 5923"), counts)
        let integer = Chart.bars(labels: ["0"], values: [5923.4], valueFormat: "%d").text(ChartOptions())
        XCTAssertTrue(integer.contains(" 5923"), integer)
        let percent = Chart.bars(labels: ["7"], values: [97.31], valueFormat: "%.1f%%").text(ChartOptions())
        XCTAssertTrue(percent.contains(" 97.3%"), percent)
        let unsafe = Chart.bars(labels: ["0"], values: [0.973], valueFormat: "%s %n").text(ChartOptions())
        XCTAssertTrue(unsafe.contains(" 0.973"), "unsafe formats fall back to %g:\n\(unsafe)")
    }

    func testHistogramSkipsNonFiniteValues() {
        let text = Chart.histogram([1, 2, 2, 3, .nan, .infinity], bins: 3).text(ChartOptions())
        XCTAssertTrue(text.contains("n = 4") && text.contains("2 NaN/Inf skipped"), text)
        XCTAssertTrue(Chart.histogram([]).text(ChartOptions()).hasPrefix("(nothing to plot:"))
        XCTAssertEqual(Chart.histogram([.nan, -.infinity]).text(ChartOptions()),
                       "(nothing to plot: none of the 2 values is finite)")
        let constant = Chart.histogram([4, 4, 4], bins: 5).text(ChartOptions())
        XCTAssertTrue(constant.contains("n = 3") && constant.contains("█"), constant)
    }

    func testHeatmapWithNaNRaggedAndEmptyMatrices() {
        let ragged = Chart.heatmap([[1, .nan, 3], [4]], rowLabels: ["a"], columnLabels: []).text(ChartOptions())
        XCTAssertTrue(ragged.contains("NaN") && ragged.contains("a │"), ragged)
        XCTAssertEqual(Chart.heatmap([], rowLabels: [], columnLabels: []).text(ChartOptions()),
                       "(nothing to plot: the matrix is empty)")
        XCTAssertEqual(Chart.heatmap([[.nan]], rowLabels: [], columnLabels: []).text(ChartOptions()),
                       "(nothing to plot: the matrix has no finite values)")
        let constant = Chart.heatmap([[2, 2], [2, 2]], rowLabels: [], columnLabels: []).text(ChartOptions())
        XCTAssertTrue(constant.contains("2█"), constant)
    }

    func testImagesWithNaNConstantAndWrongSizes() {
        var pixels = Fixtures.ringDigit
        pixels[0] = .nan
        pixels[1] = .infinity
        XCTAssertFalse(Chart.image(pixels, width: 28, height: 28).text(ChartOptions()).hasPrefix("(nothing"))
        let constant = Chart.image([Float](repeating: 3, count: 4), width: 2, height: 2).text(ChartOptions())
        XCTAssertFalse(constant.hasPrefix("(nothing"), constant)
        XCTAssertEqual(Chart.image([1, 2, 3], width: 2, height: 2).text(ChartOptions()),
                       "(nothing to plot: image has 3 pixels, expected 2x2)")
        XCTAssertTrue(Chart.image([], width: 0, height: 0).text(ChartOptions()).hasPrefix("(nothing to plot:"))
        XCTAssertTrue(Chart.image([.nan, .nan], width: 2, height: 1).text(ChartOptions()).hasPrefix("(nothing to plot:"))
        XCTAssertTrue(Chart.image([1], width: Int.max, height: 2).text(ChartOptions()).hasPrefix("(nothing to plot:"))
        XCTAssertTrue(Chart.imageGrid([[1, 2], [1]], width: 2, height: 1, captions: []).text(ChartOptions())
            .hasPrefix("(nothing to plot: image 2"))
        XCTAssertTrue(Chart.imageGrid([], width: 2, height: 1, captions: []).text(ChartOptions()).hasPrefix("(nothing to plot:"))
    }

    func testImageMapsTheGivenRange() {
        let bright = Chart.image([1, 1], width: 1, height: 2, range: 0...1).text(ChartOptions())
        XCTAssertTrue(bright.contains("│█│"), bright)
        let half = Chart.image([0.5, 0.5], width: 1, height: 2, range: 0...1).text(ChartOptions())
        XCTAssertTrue(half.contains("│▒│"), half)
        let topOnly = Chart.image([1, 0], width: 1, height: 2).text(ChartOptions())
        XCTAssertTrue(topOnly.contains("│▀│"), topOnly)
        let ascii = Chart.image([1, 1], width: 1, height: 2, range: 0...1).text(ChartOptions(unicode: false))
        XCTAssertTrue(ascii.contains("|@|"), ascii)
    }

    func testRegionsSkipNonFinitePointsAndRanges() {
        let points: [(x: Double, y: Double, label: Int)] = [(0, 0, 0), (.nan, 1, 1), (1, .infinity, 1), (100, 100, 1), (1, 1, 1)]
        let text = Chart.regions(xRange: -2...2, yRange: -2...2, classAt: { x, _ in x < 0 ? 0 : 1 }, points: points,
                                 classNames: ["left", "right"]).text(ChartOptions(unicode: false))
        XCTAssertTrue(text.contains("o") && text.contains("x right"), text)
        let fromPoints = Chart.regions(xRange: -Double.infinity...Double.infinity, yRange: 0...0, classAt: { _, _ in -3 },
                                       points: points, classNames: []).text(ChartOptions())
        XCTAssertFalse(fromPoints.hasPrefix("(nothing"), fromPoints)
        XCTAssertTrue(Chart.regions(xRange: -Double.infinity...0, yRange: 0...1, classAt: { _, _ in 0 }, points: [],
                                    classNames: []).text(ChartOptions()).hasPrefix("(nothing to plot:"))
    }

    func testNumberGrid() {
        XCTAssertEqual(Chart.numberGrid([0, 12, 255, 7], width: 2, height: 2).text(ChartOptions()), "  0  12\n255   7")
        XCTAssertEqual(Chart.numberGrid([0.25, -0.01, .nan, 1], width: 2, height: 2, decimals: 1).text(ChartOptions()), "0.2 0.0\nNaN 1.0")
        XCTAssertEqual(Chart.numberGrid([1, 2, 3], width: 2, height: 2).text(ChartOptions()), "(nothing to plot: image has 3 pixels, expected 2x2)")
    }
}

/// Terminal columns of a line, computed independently of the library: escape sequences removed, then two
/// columns for a CJK scalar, none for a combining accent, one for any other.
func displayColumns(_ line: String) -> Int {
    var count = 0
    var inEscape = false
    for scalar in line.unicodeScalars {
        if inEscape {
            if scalar.value >= 0x40 && scalar.value <= 0x7E && scalar != "[" { inEscape = false }
        } else if scalar == "\u{1B}" {
            inEscape = true
        } else if (0x300...0x36F).contains(scalar.value) {
            continue
        } else {
            let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFF00...0xFF60]
            count += wide.contains { $0.contains(scalar.value) } ? 2 : 1
        }
    }
    return count
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
