import XCTest
@testable import Script

/// Building models at the prompt: `mlp`, `layer`, `linear`, and what `summary` says of them.
final class ModelCommandTests: XCTestCase {
    private func layerSpecs(_ i: Interpreter) -> [String] { i.current?.network.layers.map(\.spec) ?? [] }

    /// `mlp ... act=elu alpha=0.1` built ELU with alpha 1; each activation's alpha is honoured, and its default is
    /// the table's (leaky_relu 0.1, elu 1).
    func testMLPHonoursTheActivationsAlpha() {
        let i = quietInterpreter()
        for (line, activation) in [("mlp 3 4 4 2 act=elu alpha=0.1", "elu alpha=0.1"), ("mlp 3 4 2 act=elu", "elu alpha=1"),
                                   ("mlp 3 4 2 act=leaky_relu alpha=0.3", "leaky_relu alpha=0.3"),
                                   ("mlp 3 4 2 act=leaky_relu", "leaky_relu alpha=0.1"), ("mlp 3 4 2 act=tanh", "tanh")] {
            let (_, hadError) = i.runInteractive(line)
            XCTAssertFalse(hadError, line)
            let specs = layerSpecs(i)
            XCTAssertEqual(specs.filter { !$0.hasPrefix("linear") }, Array(repeating: activation, count: specs.count / 2), line)
        }
        _ = i.runInteractive("model m\nlayer linear 3 4\nlayer elu alpha=0.1\nlayer leaky_relu")
        XCTAssertEqual(layerSpecs(i), ["linear 3 4", "elu alpha=0.1", "leaky_relu alpha=0.1"])
        // alpha means nothing to relu: said, not ignored.
        let session = ErrorCatalogueTests.Session()
        XCTAssertEqual(session.run("mlp 3 4 2 act=relu alpha=0.2"), """
            t.nnl:1:20: error: option 'alpha' does not apply to act=relu
             1 | mlp 3 4 2 act=relu alpha=0.2
               |                    ^~~~~
              = alpha is the setting of leaky_relu and elu

            """)
    }

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
