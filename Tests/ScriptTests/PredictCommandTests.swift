import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import Script

/// `predict I` for every kind of model: probabilities only where a softmax makes them, the outputs as they are
/// otherwise, and a regression's prediction beside the true value; `file=` writes that figure.
final class PredictCommandTests: XCTestCase {
    /// Runs `setup`, then `predict` with `file=`; returns the cell's text and the SVG written.
    private func predict(_ setup: String, _ command: String = "predict 0") throws -> (text: String, svg: String) {
        let scratch = Scratch()
        let i = quietInterpreter()
        XCTAssertEqual(i.runSource(setup, file: "setup.nnl").0, 0, setup)
        let path = scratch.file("predict.svg")
        let (status, cells) = i.runSource("\(command) file=\"\(path)\"", file: "p.nnl")
        XCTAssertEqual(status, 0, cells.first?.error?.message ?? "")
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "\(parser.parserError.map(String.init(describing:)) ?? "")")
        return (cells.first?.output ?? "", svg)
    }

    /// A regression's prediction (the Playground's plane) used to ignore `file=`: now the figure is the prediction
    /// beside the true value, never class bars.
    func testRegressionWritesThePredictionBesideTheTrueValue() throws {
        let (text, svg) = try predict("seed 1\nload toy plane n=200\nmlp 2 8 1 act=tanh\ntrain epochs=3\n")
        XCTAssertTrue(text.hasPrefix("#0 at ("), text)
        XCTAssertTrue(text.contains("squared error"), text)
        XCTAssertTrue(text.contains(" predicted ┤") && text.contains("true value ┤"), text)
        XCTAssertTrue(text.contains("figure written to "), text)
        XCTAssertTrue(svg.contains(">predicted</text>") && svg.contains(">true value</text>"), svg)
        XCTAssertFalse(svg.contains("P(class"), svg)
    }

    /// One output trained with mse on two classes: the output read against 0.5, not a "probability" of class 0.
    func testOneOutputWithMSEIsReadAgainstAHalf() throws {
        let (text, svg) = try predict("seed 1\nload toy circle n=200\nmlp 2 8 1\nloss mse\ntrain epochs=3\n")
        XCTAssertFalse(text.contains("P(class") || svg.contains("P(class"), text)
        XCTAssertTrue(text.contains("#0: output (over 0.5: 1, else 0)"), text)
        XCTAssertTrue(text.contains("output ┤"), text)
        XCTAssertNotNil(text.range(of: #"predicted [01] \(output -?[0-9.]+ (>|<=) 0\.5\), true label [01]: (correct|wrong)"#,
                                   options: .regularExpression), text)
    }

    /// One output per class with mse (or hinge): the outputs themselves, not a softmax of them.
    func testOutputsOfMSEAndHingeAreShownAsTheyAre() throws {
        let scratch = Scratch()
        let i = quietInterpreter()
        XCTAssertEqual(i.runSource("seed 1\nload toy circle n=200\nmlp 2 8 2\nloss mse\ntrain epochs=3\n", file: "s.nnl").0, 0)
        let network = try XCTUnwrap(i.current?.network)
        let raw = try XCTUnwrap(i.train).row(0)
        let outputs = network.forward(.init(rows: 1, cols: raw.count, values: Array(raw)), training: false).array
        let (_, cells) = i.runSource("predict 0 set=train file=\"\(scratch.file("mse.svg"))\"", file: "p.nnl")
        let text = cells.first?.output ?? ""
        XCTAssertTrue(text.contains("#0: outputs (mse; the largest wins)"), text)
        for output in outputs { XCTAssertTrue(text.contains(String(format: "%.3f", output)), "\(output) in\n\(text)") }
        let (hinge, svg) = try predict("seed 1\nload toy circle n=200\nlinear loss=svm\ntrain epochs=3\n")
        XCTAssertTrue(hinge.contains("#0: class scores (hinge; the largest wins)") && hinge.contains("(largest score, "), hinge)
        XCTAssertFalse(svg.contains("P(class"), svg)
    }

    /// Cross-entropy's outputs are logits: the chart shows their softmax, as before.
    func testCrossEntropyShowsProbabilities() throws {
        let (text, svg) = try predict("seed 1\nload toy circle n=200\nmlp 2 8 2\ntrain epochs=3\n")
        XCTAssertTrue(text.contains("P(class | image #0)") && svg.contains("P(class | image #0)"), text)
        XCTAssertNotNil(text.range(of: #"predicted [01] \([0-9.]+%\)"#, options: .regularExpression), text)
    }
}
