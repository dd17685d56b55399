import Foundation
import XCTest
import Datasets
import TensorCore
@testable import Script

/// Degenerate data never crash a command (issue 17, item 1): every command of the language runs against every
/// degenerate data set below, after each kind of model (none, kNN, a linear classifier, an MLP, and a kNN model
/// built on other data), and gives a result or a located error; the session stays usable.
///
/// Table-driven: `commandTable` holds calls of every command, and `testTheTableCoversEveryCommand` fails when a
/// command is added to the language without a row here, so a new command is covered by adding it to the table.
/// (Loaders refuse most of these sets already, naming the file; the sets are installed directly, so each command
/// is checked on its own, whatever loader may let such data through later.)
final class DegenerateDataTests: XCTestCase {
    typealias Session = ErrorCatalogueTests.Session

    /// A data set: its training and test halves (the validation set comes from `split` in the table).
    struct DataSet {
        let name: String
        let train: LabeledData
        let test: LabeledData?
    }

    static func images(_ name: String, count: Int, side: (Int, Int) = (2, 2), classes: [String] = ["0", "1", "2"],
                       labels: [Int32]? = nil, bytes: Bool = false, featureCount: Int? = nil) -> LabeledData {
        let width = featureCount ?? side.0 * side.1
        let labels = labels ?? (0..<count).map { Int32($0 % classes.count) }
        if bytes {
            let pixels = (0..<(count * width)).map { UInt8(($0 * 37) % 256) }
            return LabeledData(name: name, pixels: pixels, labels: labels, count: count, featureCount: width,
                               imageShape: side, classNames: classes)
        }
        let values = (0..<(count * width)).map { Float(($0 * 7) % 11) / 10 }
        return LabeledData(name: name, features: values, labels: labels, count: count, featureCount: width,
                           imageShape: side, classNames: classes)
    }

    static func points(_ name: String, count: Int, classes: [String] = ["0", "1"]) -> LabeledData {
        let values = (0..<(count * 2)).map { Float($0 % 5) - 2 }
        return LabeledData(name: name, features: values, labels: (0..<count).map { Int32($0 % classes.count) }, count: count,
                           featureCount: 2, classNames: classes)
    }

    static let dataSets: [DataSet] = [
        DataSet(name: "ordinary images (control)", train: images("train", count: 6), test: images("test", count: 4)),
        DataSet(name: "ordinary image bytes (control)", train: images("train", count: 6, side: (3, 3), bytes: true),
                test: images("test", count: 4, side: (3, 3), bytes: true)),
        DataSet(name: "no training samples", train: images("train", count: 0), test: images("test", count: 4)),
        DataSet(name: "no test samples", train: images("train", count: 6), test: images("test", count: 0)),
        DataSet(name: "no test set", train: images("train", count: 6), test: nil),
        DataSet(name: "no samples at all (bytes)", train: images("train", count: 0, bytes: true), test: images("test", count: 0, bytes: true)),
        DataSet(name: "a single class", train: images("train", count: 5, classes: ["7"]), test: images("test", count: 3, classes: ["7"])),
        DataSet(name: "one sample", train: images("train", count: 1), test: images("test", count: 1)),
        DataSet(name: "fewer samples than k or a batch", train: images("train", count: 2), test: images("test", count: 1)),
        DataSet(name: "images of zero size", train: images("train", count: 4, side: (0, 0)), test: images("test", count: 2, side: (0, 0))),
        DataSet(name: "images of a size other than claimed", train: images("train", count: 4, side: (28, 28), featureCount: 5),
                test: images("test", count: 2, side: (28, 28), featureCount: 5)),
        DataSet(name: "test images of another size", train: images("train", count: 4), test: images("test", count: 2, side: (3, 3))),
        DataSet(name: "test labels never seen in training (classes shared)",
                train: images("train", count: 4, labels: [0, 1, 0, 1]), test: images("test", count: 3, labels: [2, 2, 1])),
        DataSet(name: "test labels beyond the training classes (not shared)",
                train: images("train", count: 4, classes: ["0", "1"]), test: images("test", count: 3, classes: ["0", "1", "2", "3"])),
        DataSet(name: "fewer test classes than training classes (not shared)",
                train: images("train", count: 6, classes: ["0", "1", "2", "3", "4", "5"]), test: images("test", count: 3, classes: ["0"])),
        DataSet(name: "2-D points", train: points("train", count: 5), test: points("test", count: 3)),
        DataSet(name: "2-D points, no test samples", train: points("train", count: 5), test: points("test", count: 0)),
        DataSet(name: "regression points", train: LabeledData(name: "plane", features: [0, 1, 1, 0, 2, 2], targets: [0.5, -0.5, 1], featureCount: 2),
                test: LabeledData(name: "plane", features: [1, 1], targets: [0], featureCount: 2)),
        DataSet(name: "regression, no samples", train: LabeledData(name: "plane", features: [], targets: [], featureCount: 2),
                test: LabeledData(name: "plane", features: [], targets: [], featureCount: 2)),
    ]

    /// What runs before the command: no model, each kind of model, and a kNN model made on other data (with more
    /// classes than the set under test). `{F}` and `{C}` are the set's feature and class counts (at least 1).
    static let setups: [(name: String, before: String, after: String)] = [
        ("no model", "", ""),
        ("knn", "", "knn k=1"),
        ("linear", "", "linear\ntrain epochs=1"),
        ("mlp", "", "mlp {F} 3 {C}\ntrain epochs=1 batch=2"),
        ("knn on other data", "load toy spiral n=40\nknn k=1\nmlp 2 3 2 name=other", "use knn"),
    ]

    /// Calls of every command; `{F}`, `{C}` as above, `{DIR}` a scratch folder.
    static let commandTable: [String: [String]] = [
        "help": ["help", "help train"],
        "seed": ["seed 1"],
        "print": ["print 1 \"a\""],
        "set": ["set width=40", "set"],
        "vars": ["vars"],
        "exit": ["exit"],
        "quit": ["quit"],
        "record": ["record start {DIR}/r.ipynb\nrecord stop", "record stop"],
        "load": ["load toy xor n=8", "load model {DIR}/missing.safetensors"],
        "split": ["split", "split val=0.5", "split val=0.9\neval val\nshow samples 2 set=val", "split val=0"],
        "data": ["data"],
        "show": ["show image 0", "show samples 3", "show pixels 0", "show image 0 set=test", "show samples 2 set=val", "show samples 100"],
        "model": ["model net\nlayer linear {F} {C}\neval"],
        "use": ["use knn", "use mlp"],
        "layer": ["layer linear {F} {C}", "layer relu", "layer softmax\neval"],
        "mlp": ["mlp {F} 4 {C}\neval", "mlp {F} 2 act=sigmoid features=x1,x2"],
        "summary": ["summary"],
        "knn": ["knn", "knn k=3", "knn k=5 test=1", "knn distance=l1", "knn k=1000"],
        "linear": ["linear", "linear loss=svm\ntrain epochs=1"],
        "save": ["save model {DIR}/m.safetensors\nload model {DIR}/m.safetensors"],
        "loss": ["loss mse\ntrain epochs=1", "loss hinge\neval"],
        "regularization": ["regularization l2\ntrain epochs=1"],
        "optimizer": ["optimizer adam\ntrain epochs=1"],
        "train": ["train epochs=1", "train epochs=2 batch=1", "train epochs=1 batch=1000", "split val=0.5\ntrain epochs=3 patience=1",
                  "train epochs=2 step=1 gamma=0.5"],
        "gradcheck": ["gradcheck", "gradcheck n=256"],
        "eval": ["eval", "eval train", "eval val", "eval test"],
        "predict": ["predict 0", "predict 0 set=train", "predict 3 set=test"],
        "confusion": ["confusion", "confusion set=train"],
        "per_class": ["per_class", "per_class set=train"],
        "mistakes": ["mistakes", "mistakes 3 set=train"],
        "distance": ["distance 0 1", "distance 0 1 l2", "distance 0 0", "distance example", "distance [[1]] [[2, 3]]"],
        "runs": ["runs", "runs clear", "plot runs"],
        "plot": ["plot loss", "plot acc", "plot history", "plot runs", "plot activation relu", "plot weights", "plot templates",
                 "plot boundary", "plot neurons", "plot network"],
    ]

    func testTheTableCoversEveryCommand() {
        let missing = Commands.all.map(\.name).filter { Self.commandTable[$0] == nil }
        XCTAssertEqual(missing, [], "commands without a row in DegenerateDataTests.commandTable: add their calls there")
    }

    func testEveryCommandOnEveryDegenerateDataSet() throws {
        let scratch = Scratch()
        let trace = ProcessInfo.processInfo.environment["NNLAB_TRACE"] != nil
        var runs = 0
        for data in Self.dataSets {
            let features = max(1, data.train.featureCount)
            let classes = max(1, data.train.classNames.count)
            for setup in Self.setups {
                for (command, calls) in Self.commandTable.sorted(by: { $0.key < $1.key }) {
                    for call in calls {
                        let fill = { (text: String) in
                            text.replacingOccurrences(of: "{F}", with: String(features))
                                .replacingOccurrences(of: "{C}", with: String(classes))
                                .replacingOccurrences(of: "{DIR}", with: scratch.path)
                        }
                        let context = "\(data.name) / \(setup.name) / \(command): \(call.replacingOccurrences(of: "\n", with: "; "))"
                        // NNLAB_TRACE=1 names each case before it runs (a trap ends the process without saying where).
                        if trace { FileHandle.standardError.write(Data("degenerate: \(context)\n".utf8)) }
                        let session = Session()
                        session.interpreter.fixedChartOptions = .init(width: 60, height: 8, unicode: true, color: false)
                        session.run("let keep = 7")
                        if !setup.before.isEmpty { XCTAssertEqual(session.run(setup.before), "", "setup: \(context)") }
                        DataCommands.install(session.interpreter, train: data.train, test: data.test, description: data.name)
                        _ = session.run(fill(setup.after))
                        let errors = session.run(fill(call))
                        runs += 1
                        if trace && !errors.isEmpty { FileHandle.standardError.write(Data(errors.utf8)) }
                        for line in errors.split(separator: "\n") where line.contains(": error: ") {
                            XCTAssertTrue(line.hasPrefix("t.nnl:"), "an error without its place: \(line) (\(context))")
                        }
                        if command == "exit" || command == "quit" { continue }
                        XCTAssertFalse(session.interpreter.finished, context)
                        let output = session.output(of: "print keep")
                        XCTAssertEqual(output, "7\n", "state lost: \(context)")
                        XCTAssertEqual(session.errors, "", context)
                    }
                }
            }
        }
        XCTAssertGreaterThan(runs, 3000)
    }
}
