import Foundation
import XCTest
@testable import Script

/// The completion API (the REPL's Tab, the Jupyter kernel's complete_request): candidates from the declarations.
final class CompletionTests: XCTestCase {
    private func texts(_ i: Interpreter, _ text: String) -> [String] { i.complete(text).candidates.map(\.text) }

    func testCommandsKeywordsAndForms() {
        let i = quietInterpreter()
        XCTAssertEqual(texts(i, "tr"), ["train"])
        XCTAssertTrue(texts(i, "").contains("summary") && texts(i, "").contains("let"))
        XCTAssertEqual(i.complete("le").candidates, [.init(text: "let", kind: .keyword)])
        XCTAssertEqual(texts(i, "seed 1; tr"), ["train"], "a new statement after ';'")
        XCTAssertEqual(texts(i, "load "), ["csv", "fashion-mnist", "mnist", "model", "toy"])
        XCTAssertEqual(texts(i, "load toy "), ["circle", "gauss", "multigauss", "n=", "noise=", "plane", "ratio=", "spiral", "xor"])
        XCTAssertEqual(texts(i, "optimizer a"), ["adam"])
        XCTAssertEqual(texts(i, "help sum"), ["summary"])
        XCTAssertEqual(texts(i, "loss "), ["cross_entropy", "hinge", "mse"])
    }

    func testOptionKeysAndValues() {
        let i = quietInterpreter()
        let completion = i.complete("train epochs=5 ba")
        XCTAssertEqual(completion.candidates, [.init(text: "batch=", kind: .option)])
        XCTAssertEqual(completion.prefix, "ba")
        XCTAssertEqual(completion.start, "train epochs=5 ".unicodeScalars.count)
        XCTAssertFalse(texts(i, "train epochs=5 ").contains("epochs="), "an option already written is not offered again")
        XCTAssertEqual(texts(i, "optimizer sgd nesterov="), ["false", "true"])
        XCTAssertEqual(texts(i, "optimizer adam "), ["beta1=", "beta2=", "lr=", "weight_decay="])
        XCTAssertEqual(texts(i, "load mnist normalize=s"), ["standard"])
        XCTAssertEqual(texts(i, "show image 3 set="), ["test", "train", "val"])
        XCTAssertEqual(texts(i, "plot runs metric=v"), ["val_acc"])
    }

    /// Layer kinds, settings and activations come from the layer table.
    func testLayerKindsAndActivations() {
        let i = quietInterpreter()
        XCTAssertEqual(texts(i, "layer "), ["dropout", "elu", "identity", "leaky_relu", "linear", "relu", "sigmoid", "softmax", "tanh"])
        XCTAssertEqual(texts(i, "layer leaky_relu "), ["alpha="])
        XCTAssertEqual(texts(i, "layer linear 3 4 init="), ["he", "pytorch", "xavier"])
        XCTAssertEqual(texts(i, "mlp 784 10 act=le"), ["leaky_relu"])
        XCTAssertEqual(texts(i, "plot activation relu t"), ["tanh"])
        XCTAssertEqual(i.complete("mlp 3 4 2 act=").candidates.map(\.kind), Array(repeating: .value, count: 7))
        XCTAssertEqual(texts(i, "mlp 2 4 2 features=x1*"), ["x1*x2"])
        XCTAssertEqual(texts(i, "mlp 2 4 2 features=x1,x2,x1^"), ["x1^2"], "after a comma, the option's values again")
    }

    func testVariablesModelsAndPaths() throws {
        let i = quietInterpreter()
        _ = i.runInteractive("let rate = 0.1\nmlp 3 4 2 name=small\nmlp 3 4 2 name=big")
        XCTAssertEqual(i.complete("optimizer sgd lr=r").candidates, [.init(text: "rate", kind: .variable)])
        XCTAssertEqual(texts(i, "mlp [3, r"), ["rate"])
        XCTAssertEqual(texts(i, "for x in [r"), ["rate"])
        XCTAssertEqual(i.complete("use ").candidates, [.init(text: "big", kind: .model), .init(text: "small", kind: .model)])
        let scratch = Scratch()
        scratch.write("train.csv", "label,x\n0,1\n")
        try FileManager.default.createDirectory(atPath: scratch.file("runs"), withIntermediateDirectories: true)
        XCTAssertEqual(texts(i, "load csv \"\(scratch.path)/tr"), ["\(scratch.path)/train.csv"])
        XCTAssertEqual(texts(i, "load csv \(scratch.path)/"), ["\(scratch.path)/runs/", "\(scratch.path)/train.csv"])
        XCTAssertEqual(i.complete("save model \(scratch.path)/r").candidates, [.init(text: "\(scratch.path)/runs/", kind: .path)])
        XCTAssertEqual(texts(i, "load csv x.csv test=\(scratch.path)/t"), ["\(scratch.path)/train.csv"])
        XCTAssertEqual(texts(i, "# a comment tr"), [], "nothing to complete in a comment")
    }

    /// The REPL's entry point returns the same words.
    func testReadlineEntryPoint() {
        let i = quietInterpreter()
        XCTAssertEqual(i.completions(line: "summ", word: "summ"), ["summary"])
        XCTAssertEqual(i.completions(line: "train ep", word: "ep"), ["epochs="])
    }
}
