import XCTest
@testable import Script

/// `gradcheck` at the prompt: what it says about entries whose finite difference crosses a kink.
final class GradcheckCommandTests: XCTestCase {
    /// A sample at the origin and He's zero biases put that sample's hidden inputs exactly on ReLU's kink: the
    /// first layer's biases cannot be checked by a finite difference, and the report says so instead of WRONG.
    func testEntriesAtAKinkAreSkippedAndSaid() throws {
        let scratch = Scratch()
        let csv = scratch.write("kink.csv", "label,x,y\n0,0,0\n1,0.5,-0.3\n0,-0.8,0.4\n1,0.2,0.9\n")
        let i = quietInterpreter()
        XCTAssertFalse(i.runInteractive("load csv \(csv) label=label\nmlp 2 4 2 act=relu init=he").hadError, i.lastOutput)
        XCTAssertFalse(i.runInteractive("gradcheck").hadError, i.lastOutput)
        let lines = i.lastOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "gradient check on 4 samples (central differences, eps 1e-2, float32):")
        let rows = lines.filter { $0.hasPrefix("  layer ") }
        XCTAssertEqual(rows.count, 4, i.lastOutput)
        XCTAssertEqual(rows.map { $0.hasSuffix(" ok") }, [true, false, true, true], i.lastOutput)
        XCTAssertTrue(rows[1].hasPrefix("  layer 1 linear 2 4         bias    max relative error -          not checked  (4 of 4 entries at a kink, skipped)"), rows[1])
        XCTAssertEqual(lines.last, "4 entries were skipped: moving each by ±eps carries a relu-like input across 0, where the slope jumps and a finite difference measures neither side")
        XCTAssertFalse(i.lastOutput.contains("WRONG"), i.lastOutput)
    }

    /// With 256 samples most hidden entries cross a kink: the report suggests the smaller default batch.
    func testManySkipsSuggestFewerSamples() {
        let i = quietInterpreter()
        XCTAssertFalse(i.runInteractive("seed 2\nload toy spiral n=400\nmlp 2 16 16 2 act=relu").hadError, i.lastOutput)
        XCTAssertFalse(i.runInteractive("gradcheck n=256").hadError, i.lastOutput)
        XCTAssertTrue(i.lastOutput.hasSuffix("\nfewer samples cross fewer kinks: try gradcheck n=8\n"), i.lastOutput)
        XCTAssertFalse(i.lastOutput.contains("WRONG"), i.lastOutput)
    }
}
