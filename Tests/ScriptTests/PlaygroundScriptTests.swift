import TestSupport
import XCTest
@testable import Script
import Transcript
import NeuralNet
import Charts
import Foundation

/// The TensorFlow Playground in the language: input features, regularization, the regression sets, and the
/// lecture's points made with them.
final class PlaygroundScriptTests: XCTestCase {
    /// Runs `source` as one REPL entry; fails the test on an error. Returns what it printed.
    @discardableResult
    private func run(_ i: Interpreter, _ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let (_, hadError) = i.runInteractive(source)
        XCTAssertFalse(hadError, "\(source)\n\(i.lastOutput)", file: file, line: line)
        return i.lastOutput
    }

    private func layerSpecs(_ i: Interpreter) -> [String] { i.current?.network.layers.map(\.spec) ?? [] }

    // MARK: the language

    func testPowersCallsAndCommaLists() {
        let i = quietInterpreter()
        XCTAssertEqual(run(i, "print 2^10"), "1024\n")
        XCTAssertEqual(run(i, "print -2^2"), "-4\n", "the power binds tighter than the minus")
        XCTAssertEqual(run(i, "print 2^3^2"), "512\n", "right-associative")
        XCTAssertEqual(run(i, "print 10^-3"), "0.001\n")
        XCTAssertEqual(run(i, "print sin(0) + exp(0) + sqrt(16)"), "5\n")
        XCTAssertEqual(run(i, "let lr = 3 * 10^-2\nprint lr"), "0.03\n")
        let session = ErrorCatalogueTests.Session()
        XCTAssertEqual(session.run("print sine(1)"), """
            t.nnl:1:7: error: unknown function 'sine'
             1 | print sine(1)
               |       ^~~~
              = did you mean 'sin'?

            """)
        XCTAssertEqual(session.run("print (0-8)^0.5"), """
            t.nnl:1:12: error: -8 ^ 0.5 is not a real number
             1 | print (0-8)^0.5
               |            ^

            """)
        XCTAssertEqual(session.run("mlp 2 4 2 features=x1,"), """
            t.nnl:1:22: error: expected a value after ','
             1 | mlp 2 4 2 features=x1,
               |                      ^
              = a list of values is written a,b,c

            """)
    }

    // MARK: input features

    func testFeaturesComeFirstInTheModel() {
        let i = quietInterpreter()
        XCTAssertEqual(run(i, "mlp 2 4 2 features=x1,x2,x1*x2 act=tanh"),
                       "model 'mlp': features x1,x2,x1*x2 (2 inputs) -> 3-4-2 tanh MLP, 26 parameters\n")
        XCTAssertEqual(layerSpecs(i), ["features x1,x2,x1*x2", "linear 3 4", "tanh", "linear 4 2"])
        // The first size may also be the number of features; spaces after the commas and the Playground's names work.
        run(i, "mlp 3 4 2 features=X1, x2, X1X2")
        XCTAssertEqual(layerSpecs(i).first, "features x1,x2,x1*x2")
        run(i, "mlp 7 2 features=[x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)]")
        XCTAssertEqual(layerSpecs(i), ["features x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)", "linear 7 2"])
        // A variable holding the list.
        run(i, "let f = \"x1^2,x2^2\"\nmlp 2 1 features=f")
        XCTAssertEqual(layerSpecs(i), ["features x1^2,x2^2", "linear 2 1"])
        run(i, "model net features=sin(x1),sin(x2)\nlayer linear 2 2")
        XCTAssertEqual(layerSpecs(i), ["features sin(x1),sin(x2)", "linear 2 2"])
        let summary = run(i, "summary")
        XCTAssertTrue(summary.contains("  1  features sin(x1),sin(x2)       2          -       -           0"), summary)
        XCTAssertTrue(summary.contains("inputs: the point (x1, x2) -> sin(x1), sin(x2)"), summary)

        let session = ErrorCatalogueTests.Session()
        XCTAssertEqual(session.run("mlp 2 4 2 features=x1,cos(x1)"), """
            t.nnl:1:20: error: unknown input feature 'cos(x1)' (expected some of: x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2))
             1 | mlp 2 4 2 features=x1,cos(x1)
               |                    ^~

            """)
        XCTAssertEqual(session.run("mlp 5 4 2 features=x1,x2,x1*x2"), """
            t.nnl:1:5: error: with 3 input features the first size must be 3 (or 2, the point's coordinates), not 5
             1 | mlp 5 4 2 features=x1,x2,x1*x2
               |     ^
              = e.g. mlp 3 8 2 features=x1,x2,x1*x2

            """)
        XCTAssertEqual(session.run("mlp 2 2 features=x1,x1"), """
            t.nnl:1:18: error: 'x1' is given twice
             1 | mlp 2 2 features=x1,x1
               |                  ^~

            """)
    }

    /// The lecture's points: a linear model cannot separate XOR, the feature cross x1*x2 does it without a hidden
    /// layer; the circle is linear in x1^2 and x2^2.
    func testFeatureCrossesSolveXORAndTheCircleWithoutHiddenLayers() {
        let i = quietInterpreter()
        run(i, "seed 3\nload toy xor noise=0\nmlp 2 2\noptimizer sgd lr=0.1\ntrain epochs=20 batch=10")
        let plain = run(i, "eval test")
        run(i, "mlp 2 2 features=x1*x2\ntrain epochs=20 batch=10")
        XCTAssertEqual(run(i, "eval test").prefix(24), "test: accuracy 100.00% (")
        let linearAccuracy = Double(plain.split(separator: " ")[2].dropLast()) ?? 100
        XCTAssertLessThan(linearAccuracy, 75, plain)
        run(i, "load toy circle noise=0\nmlp 2 2 features=x1^2,x2^2\ntrain epochs=30 batch=10")
        XCTAssertEqual(run(i, "eval test").prefix(24), "test: accuracy 100.00% (")
    }

    // MARK: regularization

    func testRegularizationIsSavedShownAndReadBack() throws {
        let scratch = Scratch()
        let i = quietInterpreter()
        run(i, "seed 2\nload toy gauss noise=0\nmlp 2 4 2 features=x1,x2,x1*x2 act=tanh")
        XCTAssertEqual(run(i, "regularization l1 rate=0.03"), "regularization: L1, rate 0.03, on the weights of 'mlp'\n")
        run(i, "optimizer sgd lr=0.1\ntrain epochs=40 batch=10")
        let summary = run(i, "summary")
        XCTAssertTrue(summary.contains("regularization: L1, rate 0.03 (weights only, not biases); penalty now "), summary)
        let zeros = try XCTUnwrap(i.current?.network.parameters.filter { $0.name == "weight" }.flatMap(\.value.array).filter { $0 == 0 }.count)
        XCTAssertGreaterThan(zeros, 0, "L1 makes some weights exactly 0")
        XCTAssertTrue(summary.contains("\(zeros) of 20 weights are 0"), summary)
        run(i, "save model \(scratch.file("m.safetensors"))\nmlp 2 2\nload model \(scratch.file("m.safetensors"))")
        XCTAssertEqual(layerSpecs(i), ["features x1,x2,x1*x2", "linear 3 4", "tanh", "linear 4 2"])
        XCTAssertEqual(i.current?.regularization, Regularization(.l1, rate: 0.03))
        XCTAssertEqual(run(i, "summary"), summary, "the loaded model reads as the saved one")
        XCTAssertEqual(run(i, "regularization none"), "regularization: none\n")
        XCTAssertNil(i.current?.regularization)
        let session = ErrorCatalogueTests.Session()
        session.run("mlp 2 2")
        XCTAssertEqual(session.run("regularization none rate=0.1"), """
            t.nnl:1:21: error: rate= applies to l1 and l2, not to 'none'
             1 | regularization none rate=0.1
               |                     ^~~~

            """)
    }

    // MARK: regression

    func testRegressionSetsTrainAndEvaluateByLoss() {
        let i = quietInterpreter()
        let loaded = run(i, "seed 5\nload toy plane noise=0")
        XCTAssertEqual(loaded, "seed 5\nloaded toy plane: 600 training and 600 test points, 2 features, noise 0; regression: a value per point (about -1 to 1), trained with mse\n")
        run(i, "mlp 2 1 act=linear\noptimizer sgd lr=0.01")
        let trained = run(i, "train epochs=3 batch=10")
        XCTAssertTrue(trained.contains(", mse, sgd"), "an unchosen loss becomes mse: \(trained)")
        XCTAssertFalse(trained.contains("acc"), trained)
        let evaluated = run(i, "eval test")
        XCTAssertTrue(evaluated.hasPrefix("test: loss 0.00"), evaluated)
        XCTAssertTrue(evaluated.contains("root mean squared error"), evaluated)
        XCTAssertTrue(run(i, "predict 0 set=test").hasPrefix("#0 at ("))
        let runs = run(i, "runs")
        XCTAssertTrue(runs.contains("test loss"), runs)
        XCTAssertFalse(runs.contains("train acc"), runs)
        XCTAssertTrue(run(i, "data").contains("a real value each (regression)"))

        let session = ErrorCatalogueTests.Session()
        session.run("load toy multigauss n=100")
        XCTAssertEqual(session.run("mlp 2 4 2\ntrain epochs=1"), """
            t.nnl:2:1: error: model 'mlp' outputs 2 values, but regression data need one: the predicted value
             2 | train epochs=1
               | ^~~~~
              = make the last layer 'linear N 1', e.g. mlp 2 8 8 1

            """)
        XCTAssertEqual(session.run("mlp 2 4 1\nloss cross_entropy\ntrain epochs=1"), """
            t.nnl:3:1: error: regression is trained with the mean squared error, not cross_entropy
             3 | train epochs=1
               | ^~~~~
              = type: loss mse

            """)
        XCTAssertEqual(session.run("confusion"), """
            t.nnl:1:1: error: 'confusion' needs classes, but these data are a regression set (a value per point)
             1 | confusion
               | ^~~~~~~~~
              = for regression try 'eval', 'predict I' or 'plot boundary'

            """)
        XCTAssertEqual(session.run("knn"), """
            t.nnl:1:1: error: 'knn' needs classes, but these data are a regression set (a value per point)
             1 | knn
               | ^~~
              = for regression try 'eval', 'predict I' or 'plot boundary'

            """)
    }

    // MARK: pictures of the network

    /// The lecture's two networks drawn with their parameter counts, and the table of their weights.
    func testPlotNetworkOfTheLecturesNetworks() {
        let i = quietInterpreter()
        run(i, "seed 1\nmlp 3 4 2")
        let small = run(i, "plot network")
        XCTAssertTrue(small.contains("3-4-2: 26 parameters = 20 weights (3 x 4 + 4 x 2) + 6 biases"), small)
        XCTAssertTrue(small.contains("weights inputs -> hidden 1 (relu):"), small)
        run(i, "mlp 3 4 4 1")
        let deep = run(i, "plot network table=false")
        XCTAssertTrue(deep.contains("3-4-4-1: 41 parameters = 32 weights (3 x 4 + 4 x 4 + 4 x 1) + 9 biases"), deep)
        XCTAssertFalse(deep.contains("weights inputs ->"), deep)
        assertGolden(small + deep, named: "plot_network_lecture.txt")
        // The linear classifier keeps its biases in W (the bias trick): still counted and tabled as biases.
        run(i, "load toy gauss n=40\nlinear")
        let classifier = run(i, "plot network")
        XCTAssertTrue(classifier.contains("2-2: 6 parameters = 4 weights (2 x 2) + 2 biases") && classifier.contains("  bias "), classifier)

        let session = ErrorCatalogueTests.Session()
        session.run("mlp 784 16 10")
        XCTAssertEqual(session.run("plot network"), """
            t.nnl:1:6: error: these drawings are for small networks (at most 32 nodes a layer); 'inputs' of model 'mlp' has 784
             1 | plot network
               |      ^~~~~~~
              = 'plot weights L' shows a large layer's weights as a histogram

            """)
    }

    /// L1 drives the weights of the useless inputs to 0: their edges vanish from the drawing, the table says 0.
    func testL1PrunesEdgesInPlotNetwork() {
        let i = quietInterpreter()
        run(i, "seed 4\nload toy xor noise=0\nmlp 2 2 2 features=x1,x2,x1*x2 act=tanh\noptimizer sgd lr=0.1\nregularization l1 rate=0.02\ntrain epochs=60 batch=10")
        let drawn = run(i, "plot network")
        XCTAssertTrue(drawn.contains("no edge: w = 0"), drawn)
        let rows = drawn.split(separator: "\n").filter { $0.hasPrefix("  x1 ") || $0.hasPrefix("  x2 ") }
        XCTAssertEqual(rows.count, 2, drawn)
        for row in rows { XCTAssertEqual(row.split(separator: " ").dropFirst().map(String.init), ["0", "0"], drawn) }
        XCTAssertTrue(run(i, "eval test").hasPrefix("test: accuracy 100.00%"))
    }

    func testPlotNeuronsShowsEveryNode() {
        let i = quietInterpreter()
        run(i, "seed 2\nload toy circle\nmlp 2 3 2 features=x1^2,x2^2 act=tanh\ntrain epochs=2 batch=10")
        let drawn = run(i, "plot neurons")
        for title in ["input features: 2 nodes", "hidden layer 1 (tanh): 3 nodes", "output: 1 node"] {
            XCTAssertTrue(drawn.contains(title), drawn)
        }
        XCTAssertTrue(drawn.contains("x1^2") && drawn.contains("1.3"), drawn)
        let session = ErrorCatalogueTests.Session()
        let scratch = Scratch()
        session.run("load csv \(scratch.write("three.csv", "label,a,b,c\n0,1,2,3\n1,3,2,1\n"))\nmlp 3 2 2")
        XCTAssertEqual(session.run("plot neurons"), """
            t.nnl:1:1: error: a node's output over the plane needs 2-D data; these have 3 features
             1 | plot neurons
               | ^~~~
              = try 'load toy xor'; 'plot network' draws any small network

            """)
    }

    func testPlotBoundaryShowsTestPointsAndDiscretizes() {
        let i = quietInterpreter()
        run(i, "seed 2\nload toy gauss n=60 noise=0\nmlp 2 2\ntrain epochs=5 batch=10")
        let plain = run(i, "plot boundary")
        XCTAssertTrue(plain.contains("o x training (0, 1)") && !plain.contains("O X test"), plain)
        XCTAssertTrue(plain.contains("output -1 ▓▒░ ·⠶⣿ +1"), plain)
        let both = run(i, "plot boundary test=true discretize=true")
        XCTAssertTrue(both.contains("O X test") && both.contains("output: sign only"), both)
        XCTAssertTrue(both.contains("(training and test points)"), both)
        run(i, "load toy plane n=100\nmlp 2 1\ntrain epochs=2 batch=10")
        XCTAssertTrue(run(i, "plot boundary").contains("training (value < 0, value > 0)"))
    }

    // MARK: watching it learn

    /// In a script (no terminal): the epoch lines as usual, then the last frame and the loss curves; no escape code.
    func testLiveTrainingInAScriptShowsTheLastFrame() {
        let i = quietInterpreter()
        run(i, "seed 1\nload toy xor n=100 noise=0\nmlp 2 4 2 act=tanh\noptimizer sgd lr=0.1")
        let output = run(i, "train epochs=30 batch=10 live=true every=5")
        XCTAssertTrue(output.contains("epoch 30/30"), output)
        XCTAssertTrue(output.contains("after epoch 30: training loss "), output)
        XCTAssertTrue(output.contains(", test loss "), output)
        XCTAssertTrue(output.contains("'mlp' after epoch 30"), output)
        XCTAssertTrue(output.contains("loss (cross_entropy)") && output.contains("test loss"), output)
        XCTAssertFalse(output.contains("\u{1B}"), output)
        let session = ErrorCatalogueTests.Session()
        session.run("load toy xor n=40\nmlp 2 2")
        XCTAssertEqual(session.run("train every=5"), """
            t.nnl:1:7: error: every= sets the live view's pace: it needs live=true
             1 | train every=5
               |       ^~~~~

            """)
    }

    /// On a terminal: frames drawn over each other by moving the cursor up (never clearing the screen), erased
    /// at the end; the capture (what a transcript keeps) is what a script shows. Ctrl-C stops and keeps the model.
    func testLiveFramesOnATerminalAndCtrlC() {
        var screen = ""
        let console = Console(echo: true, isTerminal: true, standardOutput: { screen += $0 }, standardError: { _ in })
        let i = Interpreter(console: console)
        i.fixedChartOptions = ChartOptions(width: 72, height: 8, unicode: true, color: false)
        run(i, "seed 1\nload toy xor n=100 noise=0\nmlp 2 4 2 act=tanh\noptimizer sgd lr=0.1")
        screen = ""
        let output = run(i, "train epochs=20 batch=10 live=true every=2")
        XCTAssertEqual(screen.components(separatedBy: "(Ctrl-C stops").count - 1, 10, "one frame every 2 epochs")
        XCTAssertTrue(screen.contains("\u{1B}[?25l") && screen.contains("\u{1B}[?25h"), "the cursor hidden, then shown again")
        XCTAssertTrue(screen.range(of: "\u{1B}\\[[0-9]+A", options: .regularExpression) != nil, "the cursor moves up over the last frame")
        XCTAssertFalse(screen.contains("\u{1B}[2J") || screen.contains("\u{1B}[H"), "no clearing of the screen")
        XCTAssertFalse(output.contains("Ctrl-C") || output.contains("\u{1B}"), "frames are never captured: \(output)")
        XCTAssertTrue(output.contains("after epoch 20: training loss "), output)

        // Ctrl-C after a few batches: the frames go, the last frame and the message stay, the weights are kept.
        var polls = 0
        i.shouldStop = { polls += 1; return polls > 40 }
        _ = i.runInteractive("train epochs=50 batch=10 live=true")
        XCTAssertTrue(i.lastOutput.contains("training interrupted in epoch"), i.lastOutput)
        XCTAssertTrue(i.lastOutput.contains("the model keeps its current weights"), i.lastOutput)
        XCTAssertTrue(i.lastOutput.contains("after epoch "), "the last frame stays: \(i.lastOutput)")
        let epochs = i.current?.history.count ?? 0
        XCTAssertTrue(epochs > 20 && epochs < 70, "stopped part way: \(epochs) epochs in all")
    }

    // MARK: the lab

    /// labs/playground.nnl runs through and gives what its markdown says to expect. (How fast is the benchmark's
    /// business: a wall-clock bound here would fail on a loaded machine.)
    func testPlaygroundLabMeetsItsExpectedOutcomes() throws {
        let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try String(contentsOf: root.appendingPathComponent("labs/playground.nnl"), encoding: .utf8)
        let i = quietInterpreter()
        let (status, cells) = i.runSource(source, file: "playground.nnl")
        XCTAssertEqual(status, 0, cells.compactMap(\.error).map(\.message).joined(separator: "\n"))
        /// The test accuracy (%) or loss printed by the cell titled `title`.
        func measured(_ title: String) -> Double? {
            guard let cell = cells.first(where: { $0.title == title }),
                  let line = cell.output.split(separator: "\n").last(where: { $0.hasPrefix("test: ") }) else { return nil }
            let words = line.split(separator: " ")
            return words[1] == "accuracy" ? Double(words[2].dropLast()) : Double(words[2])
        }
        XCTAssertEqual(try XCTUnwrap(measured("XOR with the raw inputs and no hidden layer")), 55, accuracy: 15)
        XCTAssertEqual(measured("XOR with the feature x1*x2, still no hidden layer"), 100)
        XCTAssertEqual(measured("The circle: raw inputs, then squares"), 100)
        let linearCircle = try XCTUnwrap(cells.first { $0.title == "The circle: raw inputs, then squares" }?.output
            .split(separator: "\n").first { $0.hasPrefix("test: ") })
        XCTAssertEqual(Double(linearCircle.split(separator: " ")[2].dropLast()) ?? 0, 57.5, accuracy: 7.5, String(linearCircle))
        XCTAssertGreaterThan(try XCTUnwrap(measured("The spiral with depth")), 90)
        XCTAssertGreaterThan(try XCTUnwrap(measured("The spiral with the seven features")), 90)
        XCTAssertEqual(measured("The circle with all features and L1"), 100)
        XCTAssertLessThan(try XCTUnwrap(measured("The plane")), 0.01)
        XCTAssertLessThan(try XCTUnwrap(measured("The six bumps")), 0.05)
        // L1: more than half of the 36 weights are 0, and only x1^2 and x2^2 keep edges.
        let l1 = try XCTUnwrap(cells.first { $0.title == "The circle with all features and L1" }?.output)
        let zeros = try XCTUnwrap(l1.split(separator: "\n").first { $0.contains("weights are 0") && $0.contains(" of 36") })
        XCTAssertGreaterThan(Int(zeros.split(separator: " ").reversed()[5]) ?? 0, 18, String(zeros))
        for input in ["x1", "x2", "x1*x2", "sin(x1)", "sin(x2)"] {
            let row = try XCTUnwrap(l1.split(separator: "\n").first { $0.hasPrefix("  \(input) ") })
            XCTAssertEqual(Set(row.split(separator: " ").dropFirst()), ["0"], "\(input) keeps no edge: \(row)")
        }
    }

    /// The lab's transcript: the live cells end with one figure each (the last frame beside the loss curves), the
    /// pictures are figures, and two runs with the same seed give the same notebook, byte for byte.
    func testPlaygroundLabTranscriptHasItsFiguresAndIsReproducible() throws {
        let root = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("labs/playground.nnl").path
        let scratch = Scratch()
        var notebooks: [Data] = []
        for run in 0..<2 {
            let path = scratch.file("playground\(run).ipynb")
            XCTAssertEqual(quietInterpreter().runScript(path: script, options: RunOptions(transcriptPath: path, timing: false)), 0)
            notebooks.append(try XCTUnwrap(FileManager.default.contents(atPath: path)))
        }
        XCTAssertEqual(notebooks[0], notebooks[1], "two runs with the same seed")
        XCTAssertLessThan(notebooks[0].count, 2_000_000, "the notebook stays small")

        let (_, cells) = quietInterpreter().runSource(try String(contentsOfFile: script, encoding: .utf8), file: "playground.nnl")
        func figures(_ title: String) -> [Figure] {
            cells.first { $0.title == title }?.outputs.compactMap { if case .figure(let f) = $0 { f } else { nil } } ?? []
        }
        for title in ["The spiral with depth", "The spiral with the seven features", "The six bumps"] {
            let shown = figures(title)
            XCTAssertEqual(shown.count, 1, title)
            XCTAssertTrue(shown.first?.svg.contains("after epoch") ?? false, "\(title): the last frame")
            XCTAssertTrue(shown.first?.svg.contains("training loss") ?? false, "\(title): the loss curves")
        }
        XCTAssertEqual(figures("The neurons of the feature network").count, 1)
        XCTAssertTrue(figures("The circle with all features and L1").first?.svg.contains("network &#39;l1_circle&#39;") ?? false)
    }
}
