@testable import Charts
import XCTest
import Basics

/// The building blocks: canvas pixels, dash patterns, number formats, ranges, text measuring, environment.
final class ChartInternalsTests: XCTestCase {
    private let style = ChartStyle(ChartOptions())

    func testBrailleDotsFollowTheUnicodeLayout() {
        var canvas = Canvas(columns: 1, rows: 1, resolution: .braille, xRange: (0, 1), yRange: (0, 1))
        canvas.setPixel(x: 0, y: 0, series: 0)
        XCTAssertEqual(canvas.renderRows(markers: [], style: style), ["⠁"])
        canvas.setPixel(x: 1, y: 3, series: 0)
        XCTAssertEqual(canvas.renderRows(markers: [], style: style), ["⢁"])
        for x in 0..<2 { for y in 0..<4 { canvas.setPixel(x: x, y: y, series: 0) } }
        XCTAssertEqual(canvas.renderRows(markers: [], style: style), ["⣿"])
    }

    func testBlockAndAsciiResolutions() {
        var blocks = Canvas(columns: 2, rows: 1, resolution: .blocks, xRange: (0, 1), yRange: (0, 1))
        blocks.setPixel(x: 0, y: 0, series: 0)
        blocks.setPixel(x: 3, y: 1, series: 0)
        blocks.setPixel(x: 2, y: 1, series: 0)
        XCTAssertEqual(blocks.renderRows(markers: [], style: style), ["▘▄"])
        var ascii = Canvas(columns: 3, rows: 1, resolution: .ascii, xRange: (0, 2), yRange: (0, 1))
        ascii.plotPoint(x: 0, y: 0.5, series: 0)
        ascii.plotPoint(x: 2, y: 0.5, series: 1)
        XCTAssertEqual(ascii.renderRows(markers: ["*", "+"], style: style), ["* +"])
    }

    func testLinesAreClippedToTheCanvas() {
        var canvas = Canvas(columns: 4, rows: 1, resolution: .ascii, xRange: (0, 3), yRange: (0, 1))
        var stroke = Stroke(pattern: .solid)
        canvas.plotLine(from: (-1e300, 0.5), to: (1e300, 0.5), series: 0, stroke: &stroke)
        XCTAssertEqual(canvas.renderRows(markers: ["*"], style: style), ["****"])
        XCTAssertNil(Canvas.clip(from: (-5, -5), to: (-1, -1), width: 4, height: 4))
    }

    func testDashPatternsContinueAcrossDenseSegments() {
        var canvas = Canvas(columns: 10, rows: 1, resolution: .ascii, xRange: (0, 9), yRange: (0, 1))
        var stroke = Stroke(pattern: .dotted)
        // 1000 points over 10 pixels: many segments per pixel must not break the on/off rhythm.
        let xs = (0...1000).map { Double($0) * 0.009 }
        for (start, end) in zip(xs, xs.dropFirst()) {
            canvas.plotLine(from: (start, 0.5), to: (end, 0.5), series: 0, stroke: &stroke)
        }
        XCTAssertEqual(canvas.renderRows(markers: ["*"], style: style), ["* * * * * "])
    }

    func testNumberFormatsAreValidated() {
        XCTAssertEqual(NumberFormat(validating: "%g")?.format(5923), "5923")
        XCTAssertEqual(NumberFormat(validating: "%g")?.format(0.973), "0.973")
        XCTAssertEqual(NumberFormat(validating: "%.3f")?.format(0.97312), "0.973")
        XCTAssertEqual(NumberFormat(validating: "%d")?.format(5922.6), "5923")
        XCTAssertEqual(NumberFormat(validating: "%ld")?.format(-2), "-2")
        XCTAssertEqual(NumberFormat(validating: "%5.1f%%")?.format(97.31), " 97.3%")
        XCTAssertEqual(NumberFormat(validating: "%d")?.format(.nan), "NaN")
        XCTAssertEqual(NumberFormat(validating: "%d")?.format(1e30), "9223372036854775807")
        for unsafe in ["%s", "%n", "%p", "%c", "%d %d", "no conversion", "%", "%*d", "%999f", "%.999f"] {
            XCTAssertNil(NumberFormat(validating: unsafe), unsafe)
        }
    }

    func testTickTextsAreShortAndDistinct() {
        XCTAssertEqual(NumberText.ticks([2.4000000000000004, 1.2, 0]), ["2.4", "1.2", "0"])
        XCTAssertEqual(NumberText.ticks([1.0001, 1.00005, 1.0]), ["1.0001", "1.00005", "1"])
        XCTAssertEqual(NumberText.compact(-0.0), "0")
        XCTAssertEqual(NumberText.compact(1e-5), "1e-05")
    }

    func testNiceLimitsRoundOutwardSlightly() {
        XCTAssertEqual(DataRange.niceLimits(0.049, 2.31).lower, 0, accuracy: 1e-12)
        XCTAssertEqual(DataRange.niceLimits(0.049, 2.31).upper, 2.4, accuracy: 1e-12)
        XCTAssertEqual(DataRange.niceLimits(1, 4690).upper, 4700, accuracy: 1e-9)
        let constant = DataRange.niceLimits(5, 5)
        XCTAssertLessThan(constant.lower, 5)
        XCTAssertGreaterThan(constant.upper, 5)
        XCTAssertEqual(DataRange.index(.nan, clampedTo: 0...3), nil)
        XCTAssertEqual(DataRange.index(1e300, clampedTo: 0...3), 3)
        XCTAssertEqual(DataRange.decimalExponent(999), 2)
        XCTAssertEqual(DataRange.decimalExponent(1000), 3)
        XCTAssertEqual(DataRange.decimalExponent(0.05), -2)
    }

    func testDisplayWidthIgnoresEscapeCodes() {
        XCTAssertEqual(TextLayout.displayWidth("\u{1B}[34m⣿⣿\u{1B}[0m ab"), 5)
        XCTAssertEqual(TextLayout.truncate("validation", to: 6, ellipsis: "…"), "valid…")
        XCTAssertEqual(TextLayout.trimTrailingSpaces("ab  "), "ab")
    }

    func testEnvironmentDecisions() {
        func environment(_ values: [String: String]) -> (String) -> String? { { values[$0] } }
        XCTAssertTrue(ChartOptions.localeIsUTF8(environment: environment(["LANG": "en_US.UTF-8"])))
        XCTAssertTrue(ChartOptions.localeIsUTF8(environment: environment(["LC_CTYPE": "C.utf8", "LANG": "C"])))
        XCTAssertFalse(ChartOptions.localeIsUTF8(environment: environment(["LC_ALL": "C", "LANG": "en_US.UTF-8"])))
        XCTAssertFalse(ChartOptions.localeIsUTF8(environment: environment([:])))
        XCTAssertTrue(ChartOptions.colorAllowed(environment: environment(["TERM": "xterm-256color"])))
        XCTAssertFalse(ChartOptions.colorAllowed(environment: environment(["NO_COLOR": "1"])))
        XCTAssertTrue(ChartOptions.colorAllowed(environment: environment(["NO_COLOR": ""])))
        XCTAssertFalse(ChartOptions.colorAllowed(environment: environment(["TERM": "dumb"])))

        let forced = ChartOptions.fromEnvironment(asciiOverride: true, widthOverride: 100)
        XCTAssertFalse(forced.unicode)
        XCTAssertEqual(forced.width, 100)
        // Tests run with stdout redirected, so colour is off whatever the environment says.
        XCTAssertFalse(ChartOptions.fromEnvironment().color)
    }
}
