import XCTest
@testable import Script

/// The bugs the issue named, each as it was reported.
final class IssueFixesTests: XCTestCase {
    /// A model made by `linear` had no input width, so `summary` started from 0.
    func testLinearClassifierSummaryStartsFromTheInputWidth() {
        let i = quietInterpreter()
        _ = i.runInteractive("load toy circle n=40\nlinear\nsummary")
        let lines = i.lastOutput.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("model 'linear' (input 2, loss cross_entropy)") }, i.lastOutput)
        let row = lines.first { $0.hasPrefix("  1  linear_classifier") } ?? ""
        XCTAssertTrue(row.contains(" 2  2 x (2 + 1) = 6  (in W)"), "output width 2, W 2 x 3: \(i.lastOutput)")
        XCTAssertEqual(i.current?.network.inputWidth, 2)
        XCTAssertEqual(i.current?.network.outputWidth, 2)
    }
}
