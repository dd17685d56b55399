import XCTest
@testable import Script

/// Class names in charts at the prompt: `--ascii` (or `set ascii=true`) changes the glyphs and keeps the names as
/// written; only a locale that is not UTF-8 makes them ASCII (accents dropped, other characters escaped).
final class ChartLabelLocaleTests: XCTestCase {
    private func dataChart(locale: String, ascii: Bool) -> String {
        let scratch = Scratch()
        let csv = scratch.write("pets.csv", "label,x,y\n猫,0,0\ncafé,1,1\n猫,0.2,0.9\ncafé,-1,0\n")
        return withEnvironment("LC_ALL", locale) {
            withEnvironment("COLUMNS", "72") {
                let i = Interpreter(console: Console(echo: false, isTerminal: false))
                i.asciiCharts = ascii
                XCTAssertFalse(i.runInteractive("load csv \(csv) label=label").hadError, i.lastOutput)
                XCTAssertFalse(i.runInteractive("data").hadError, i.lastOutput)
                return i.lastOutput
            }
        }
    }

    func testASCIIGlyphsKeepNamesOnAUTF8Terminal() {
        let text = dataChart(locale: "C.UTF-8", ascii: true)
        XCTAssertTrue(text.contains("café |###") && text.contains("  猫 |###"), text)
        XCTAssertFalse(text.contains("█"), text)
    }

    func testANonUTF8LocaleSpellsNamesInASCII() {
        let text = dataChart(locale: "C", ascii: false)
        XCTAssertTrue(text.contains("    cafe |###") && text.contains("\\u{732B} |###"), text)
    }

    /// The transcript records labels kept beside ASCII glyphs, so that a re-run draws them the same.
    func testTheHeaderRecordsLabelsApartFromGlyphs() {
        let i = quietInterpreter()
        i.asciiCharts = true
        let header = i.header(script: "t.nnl")
        XCTAssertEqual(header.unicodeCharts, false)
        XCTAssertEqual(header.unicodeChartLabels, true)
    }
}
