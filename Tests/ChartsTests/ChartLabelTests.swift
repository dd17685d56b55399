import Charts
import XCTest

/// Titles, labels and names in any script: ASCII glyphs (`--ascii`) keep them as written, two columns for each
/// CJK character in the width; only where labels must be ASCII (a locale that is not UTF-8) are accents dropped
/// and other characters escaped.
final class ChartLabelTests: XCTestCase {
    static let title = "Größe 学習曲線"
    static let names = ["猫", "café", "naïve 犬"]

    /// Every kind with non-ASCII names wherever it takes one, and the title.
    static func labelled(_ kind: ChartKind) -> Chart {
        let plane = Fixtures.plane(8) { x, y in tanh(x * y / 8) }
        switch kind {
        case .line:
            return Chart.line(names.enumerated().map { i, name in Series(name: name, y: [1, 2, 3].map { $0 * Double(i + 1) }) }, title: title,
                              xLabel: "époque", yLabel: "損失")
        case .bars: return Chart.bars(labels: names, values: [3, 1, 2], title: title, highlight: 0)
        case .histogram: return Chart.histogram(Fixtures.normalValues, title: title)
        case .heatmap: return Chart.heatmap([[1, 2, 3], [4, 5, 6], [7, 8, 9]], rowLabels: names, columnLabels: names, title: title,
                                            rowTitle: "vrai 真", columnTitle: "prédit 予測")
        case .images: return Chart.imageGrid(Array(repeating: Fixtures.ringDigit, count: 3), width: 28, height: 28, captions: names,
                                             title: title)
        case .numberGrid: return Chart.numberGrid([1, 2, 3, 4], width: 2, height: 2, title: title)
        case .regions: return Chart.regions(xRange: -6...6, yRange: -6...6, classAt: Fixtures.circleModel, points: Fixtures.circlePoints,
                                            classNames: Array(names.prefix(2)), title: title)
        case .outputMap: return Chart.outputMap(xRange: -6...6, yRange: -6...6, values: plane, resolution: 8, points: [(1, 1, 1, false)],
                                                discretize: false, sideNames: ("猫", "café"), title: title)
        case .neurons: return Chart.neurons([("entrées 入力", [(names[0], plane), (names[1], plane)]), ("sortie", [(names[2], plane)])],
                                            resolution: 8, xRange: -6...6, yRange: -6...6, title: title)
        case .network: return Chart.network(columns: [("entrées 入力", names), ("sortie 出力", ["猫猫"])], weights: [[[1], [-0.5], [0.2]]],
                                            notes: ["paramètres: 4 = 3 poids + 1 biais"], title: title)
        case .panels: return Chart.panels([labelled(.bars), labelled(.images)], title: title)
        }
    }

    /// ASCII glyphs, labels as written: the title reads as typed, every other character is 7-bit, and lines fit the
    /// width counting a CJK character as two columns.
    func testASCIIGlyphsKeepLabelsAndTheirWidth() {
        let labelScalars = Set((Self.names + [Self.title, "époque", "損失", "vrai 真", "prédit 予測", "entrées 入力", "sortie 出力", "猫猫",
                                              "paramètres: 4 = 3 poids + 1 biais"]).flatMap(\.unicodeScalars))
        for kind in ChartKind.allCases {
            let chart = Self.labelled(kind)
            for width in [ChartOptions.minimumWidth, 40, 72, 120, 160] {
                let text = chart.text(ChartOptions(width: width, height: 12, unicode: false, unicodeLabels: true))
                if width >= 72 { XCTAssertTrue(text.contains(kind == .panels ? Self.names[0] : Self.title), "\(kind), width \(width):\n\(text)") }
                let glyphs = text.unicodeScalars.filter { !$0.isASCII && !labelScalars.contains($0) }
                XCTAssertTrue(glyphs.isEmpty, "\(kind), width \(width): non-ASCII glyphs \(Array(glyphs)):\n\(text)")
                for line in text.split(separator: "\n") where displayColumns(String(line)) > width {
                    XCTFail("\(kind), width \(width): \(displayColumns(String(line))) columns:\n\(line)")
                }
            }
        }
    }

    /// Labels that must be ASCII: accents dropped (café reads "cafe"), CJK as escapes that keep names apart.
    func testASCIILabelsAreTransliterated() {
        for kind in ChartKind.allCases {
            let text = Self.labelled(kind).text(ChartOptions(width: 120, height: 12, unicode: false, unicodeLabels: false))
            XCTAssertTrue(text.unicodeScalars.allSatisfy(\.isASCII), "\(kind):\n\(text)")
            XCTAssertTrue(text.contains(kind == .panels ? "\\u{732B}" : "Grosse \\u{5B66}"), "\(kind):\n\(text)")
            XCTAssertFalse(text.contains("caf\\u{E9}"), "\(kind): accents are dropped, not escaped:\n\(text)")
        }
        let bars = Chart.bars(labels: Self.names, values: [1, 2, 3]).text(ChartOptions(unicode: false))
        XCTAssertTrue(bars.contains("cafe |") && bars.contains("naive \\u{72AC} |") && bars.contains("\\u{732B} |"), bars)
    }

    /// The glyphs decide nothing about labels in Unicode mode either: as written.
    func testUnicodeKeepsLabels() {
        let text = Self.labelled(.bars).text(ChartOptions(width: 72))
        for name in Self.names + [Self.title] { XCTAssertTrue(text.contains(name), "\(name):\n\(text)") }
    }
}
