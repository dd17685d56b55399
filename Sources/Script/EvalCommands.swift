import Basics
import NeuralNet
import TensorCore
import Datasets
import Charts

enum EvalCommands {
    static let sets = ["train", "val", "test"]
    static let evaluated = Positional<String>("SET", what: "a set", choices: sets, default: "test", help: "the set to evaluate on")
    static let set = Option<String>("set", choices: sets, default: "test", help: "the set the images come from")
    static let image = Positional<Int>("I", what: "an image index", range: 0...Int.max, help: "the image's number in the set, from 0")
    static let mistakeCount = Positional<Int>("N", what: "a number of images", range: 1...100, default: 8, help: "how many to show")
    static let neighbours = Option<Int>("k", default: 1, range: 1...1000, help: "neighbours that vote, at most the training set's size")
    static let distanceKind = Option<KNearestNeighbours.Distance>("distance", default: .l2, help: "l2: Euclidean, l1: sum of absolute differences")
    static let testLimit = Option<Int?>("test", range: 1...Int.max, help: "classify only the first N test images; default: all")
    static let first = Positional<LocatedValue>("A", what: "two matrices or two image indices", help: "a matrix such as [[1, 2], [3, 4]], or a test image's index")
    static let second = Positional<LocatedValue>("B", what: "a second matrix or image index", help: "the same for the other one")
    static let metric = Positional<String>("KIND", what: "a distance", choices: KNearestNeighbours.Distance.allCases.map(\.rawValue), default: "l1",
                                         help: "l1: sum of |differences|, l2: square root of the sum of squares")

    static let specs: [CommandSpec] = [
        CommandSpec("eval", group: .evaluation, summary: "accuracy and loss of the current model on a set",
                    arguments: [evaluated]) { s, inv throws(ScriptError) in
            let which = inv[evaluated]
            let (m, data) = try modelAndSet(s, inv, which)
            let e = try evaluation(s, m, data, inv)
            if data.isRegression {
                // Regression: the loss is the measure (there is no accuracy to count).
                s.console.line("\(which): loss \(NumberText.fixed(e.loss, 4)) (mse over \(NumberText.grouped(data.count)) points; root mean squared error \(NumberText.fixed(e.loss.squareRoot(), 4)))")
                RunCommands.recordEvaluation(s, m, set: which, accuracy: nil, loss: e.loss)
                return
            }
            var line = "\(which): accuracy \(NumberText.percent(e.accuracy)) (\(NumberText.grouped(correct(e, data)))/\(NumberText.grouped(data.count)))"
            if m.knn == nil { line += ", loss \(NumberText.fixed(e.loss, 4))" }
            s.console.line(line)
            RunCommands.recordEvaluation(s, m, set: which, accuracy: e.accuracy, loss: m.knn == nil ? e.loss : nil)
        },
        CommandSpec("predict", group: .evaluation, summary: "the model's probabilities (or outputs) for one image, as bars",
                    arguments: [image], options: [set, FigureFile.option]) { s, inv throws(ScriptError) in
            _ = try FigureFile.path(inv)
            let m = try s.requireModel(inv)
            _ = try s.requireTrainingData(inv)
            let data = try DataCommands.dataset(s, inv, inv[set])
            try TrainCommands.checkFits(m, data, inv)
            let i = try DataCommands.imageIndex(inv, image, in: data)
            let features = data.row(i)
            if let targets = data.targets {
                let output = Evaluator.outputs(m.network, features: features, softmax: false).first ?? .nan
                let point = features.map { NumberText.significant(Double($0), 4) }.joined(separator: ", ")
                s.console.line("#\(i) at (\(point)): predicted \(NumberText.fixed(Double(output), 4)), true value \(NumberText.fixed(Double(targets[i]), 4)), squared error \(NumberText.fixed(Double((output - targets[i]) * (output - targets[i])), 4))")
                // A regression's prediction is one number: the figure sets it beside the true value.
                try s.show(Chart.bars(labels: ["predicted", "true value"], values: [Double(output), Double(targets[i])],
                                      title: "#\(i) at (\(point))", valueFormat: "%.4f", highlight: 0), inv)
                return
            }
            // Only a softmax (cross-entropy's, or the model's last layer) makes the outputs probabilities. With mse
            // or hinge they are shown as they are: one output per class (the largest wins), or one output read
            // against 0.5 for two classes (also under a softmax, which makes one output always 1).
            let isProbability = (m.loss == .crossEntropy || m.network.endsInSoftmax) && (m.network.outputWidth ?? 0) > 1
            let outputs = Evaluator.outputs(m.network, features: features, softmax: isProbability)
            let predicted = outputs.withUnsafeBufferPointer { b in b.baseAddress.map { predictedClass($0, b.count) } ?? 0 }
            let top = Double(outputs.indices.contains(predicted) ? outputs[predicted] : .nan)
            let label = Int(data.labels[i])
            let bars: Chart
            let reading: String
            if isProbability {
                bars = Chart.bars(labels: data.classNames, values: outputs.map(Double.init),
                                  title: "P(class | image #\(i))", valueFormat: "%.3f", highlight: predicted)
                reading = NumberText.percent(top)
            } else if let output = outputs.first, outputs.count == 1 {
                bars = Chart.bars(labels: ["output"], values: [Double(output)],
                                  title: "#\(i): output (over 0.5: \(data.className(1)), else \(data.className(0)))", valueFormat: "%.3f")
                reading = "output \(NumberText.fixed(Double(output), 3)) \(output > 0.5 ? ">" : "<=") 0.5"
            } else {
                bars = Chart.bars(labels: data.classNames, values: outputs.map(Double.init),
                                  title: "#\(i): \(m.loss == .hinge ? "class scores" : "outputs") (\(m.loss.rawValue); the largest wins)",
                                  valueFormat: "%.3f", highlight: predicted)
                reading = "largest \(m.loss == .hinge ? "score" : "output"), \(NumberText.fixed(top, 3))"
            }
            if let shape = data.imageShape {
                // One figure: the image beside the probabilities.
                try s.show(Chart.panels([Chart.image(Array(features), width: shape.cols, height: shape.rows,
                                                 caption: "#\(i): label \(data.className(label))"), bars]), inv)
            } else {
                try s.show(bars, inv)
            }
            s.console.line("predicted \(data.className(predicted)) (\(reading)), true label \(data.className(label)): \(predicted == label ? "correct" : "wrong")")
        },
        CommandSpec("confusion", group: .evaluation, summary: "confusion matrix as a shaded grid, and the most confused pairs",
                    options: [set, FigureFile.option]) { s, inv throws(ScriptError) in
            _ = try FigureFile.path(inv)
            let (m, data) = try modelAndSet(s, inv, inv[set], needsClasses: true)
            let e = try evaluation(s, m, data, inv)
            let k = data.classNames.count
            var matrix = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            for (p, l) in zip(e.predictions, data.labels) { matrix[Int(l)][Int(p)] += 1 }
            try s.show(Chart.heatmap(matrix, rowLabels: data.classNames, columnLabels: data.classNames,
                                 title: "confusion matrix (\(NumberText.grouped(data.count)) samples, accuracy \(NumberText.percent(e.accuracy)))",
                                 rowTitle: "true", columnTitle: "predicted", showValues: true), inv)
            var pairs: [(Int, Int, Int)] = []
            for t in 0..<k { for p in 0..<k where t != p && matrix[t][p] > 0 { pairs.append((t, p, Int(matrix[t][p]))) } }
            pairs.sort { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }
            if !pairs.isEmpty {
                s.console.line("most confused: " + pairs.prefix(5).map { "\(data.className($0.0)) as \(data.className($0.1)) (\($0.2))" }.joined(separator: ", "))
            }
        },
        CommandSpec("per_class", group: .evaluation, summary: "accuracy for each class, as bars",
                    options: [set, FigureFile.option]) { s, inv throws(ScriptError) in
            _ = try FigureFile.path(inv)
            let (m, data) = try modelAndSet(s, inv, inv[set], needsClasses: true)
            let e = try evaluation(s, m, data, inv)
            let k = data.classNames.count
            var right = [Int](repeating: 0, count: k), total = [Int](repeating: 0, count: k)
            for (p, l) in zip(e.predictions, data.labels) { total[Int(l)] += 1; if p == l { right[Int(l)] += 1 } }
            let acc = (0..<k).map { total[$0] == 0 ? 0 : Double(right[$0]) / Double(total[$0]) }
            let worst = acc.indices.min(by: { acc[$0] < acc[$1] })
            try s.show(Chart.bars(labels: data.classNames, values: acc.map { $0 * 100 }, title: "accuracy per class (%)",
                              valueFormat: "%.2f", highlight: worst), inv)
        },
        CommandSpec("mistakes", group: .evaluation, summary: "misclassified images with true and predicted labels",
                    arguments: [mistakeCount], options: [set, FigureFile.option]) { s, inv throws(ScriptError) in
            _ = try FigureFile.path(inv)
            let n = inv[mistakeCount]
            let which = inv[set]
            let (m, data) = try modelAndSet(s, inv, which, needsClasses: true)
            let e = try evaluation(s, m, data, inv)
            let wrong = data.labels.indices.filter { e.predictions[$0] != data.labels[$0] }
            s.console.line("\(NumberText.grouped(wrong.count)) of \(NumberText.grouped(data.count)) misclassified; the first \(min(n, wrong.count)):")
            guard let shape = data.imageShape else {
                for i in wrong.prefix(n) { s.console.line("  #\(i): true \(data.labelName(i)), predicted \(data.className(Int(e.predictions[i])))") }
                return
            }
            let shown = Array(wrong.prefix(n))
            try s.show(Chart.imageGrid(shown.map { data.matrix.row($0) }, width: shape.cols, height: shape.rows,
                                   captions: shown.map { "#\($0) \(data.labelName($0))→\(data.className(Int(e.predictions[$0])))" },
                                   title: "misclassified \(DataCommands.setTitle(which)) images (#index true→predicted)"), inv)
        },
        CommandSpec("distance", group: .evaluation,
                    summary: "L1/L2 distance between two matrices (lists) or two test images; 'example' is the lecture's 4x4 case",
                    subcommands: [
                        SubcommandSpec("", summary: "two matrices, or two images of the test set by index", arguments: [first, second, metric]),
                        SubcommandSpec("example", summary: "the lecture's 4x4 test and training images: L1 = 456"),
                    ],
                    subcommandWhat: "what to compare", subcommandPlaceholder: "A B") { s, inv throws(ScriptError) in
            try distanceCommand(s, inv)
        },
    ]

    /// The data's classes, or the error for a regression set (`confusion`, `per_class`, `mistakes`, `knn`).
    static func requireClasses(_ data: LabeledData, _ inv: Invocation) throws(ScriptError) {
        guard data.isRegression else { return }
        throw ScriptError("'\(inv.name)' needs classes, but these data are a regression set (a value per point)", at: inv.location,
                          hint: "for regression try 'eval', 'predict I' or 'plot boundary'")
    }

    static func modelAndSet(_ s: Interpreter, _ inv: Invocation, _ which: String, needsClasses: Bool = false) throws(ScriptError) -> (ModelState, LabeledData) {
        let m = try s.requireModel(inv)
        _ = try s.requireTrainingData(inv)
        let d = try DataCommands.dataset(s, inv, which)
        if needsClasses { try requireClasses(d, inv) }
        if let knn = m.knn { try checkFits(knn, m.name, d, inv) } else { try TrainCommands.checkFits(m, d, inv) }
        return (m, d)
    }

    /// A kNN model remembers the data it was made on: others must have as many features, and no fewer classes
    /// (its predictions are classes of its own data).
    static func checkFits(_ knn: KNearestNeighbours, _ name: String, _ d: LabeledData, _ inv: Invocation) throws(ScriptError) {
        if knn.train.width != d.featureCount {
            throw ScriptError("model '\(name)' was made on data with \(knn.train.width) features; these have \(d.featureCount)",
                              at: inv.location, hint: "make it again on these data: knn")
        }
        if d.isRegression || knn.classCount > d.classNames.count {
            throw ScriptError("model '\(name)' predicts \(knn.classCount) classes; these data have "
                              + (d.isRegression ? "values, not classes" : "\(d.classNames.count)"),
                              at: inv.location, hint: "make it again on these data: knn")
        }
    }

    static func correct(_ e: Evaluation, _ d: LabeledData) -> Int { zip(e.predictions, d.labels).filter { $0 == $1 }.count }

    static func evaluation(_ s: Interpreter, _ m: ModelState, _ data: LabeledData, _ inv: Invocation) throws(ScriptError) -> Evaluation {
        if let knn = m.knn {
            try s.requireMemory(knnWorkingBytes(knn.train.matrix, data.matrix), for: "kNN distances of \(NumberText.grouped(data.count)) samples to \(NumberText.grouped(knn.train.count))",
                                at: inv.location)
            guard let predictions = knn.predict(data.matrix, shouldStop: s.shouldStop) else {
                throw ScriptError.interrupted
            }
            let right = zip(predictions, data.labels).filter { $0 == $1 }.count
            return Evaluation(loss: .nan, accuracy: Double(right) / Double(max(1, data.count)), predictions: predictions)
        }
        return Evaluator.evaluate(m.network, TrainCommands.samples(data), loss: m.loss)
    }

    static func knn(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let train = try s.requireTrainingData(inv)
        try requireClasses(train, inv)
        guard s.test != nil else { throw ScriptError("no test set loaded", at: inv.location) }
        let test = try DataCommands.dataset(s, inv, "test")
        if test.featureCount != train.featureCount {
            throw ScriptError("the test samples have \(test.featureCount) features, the training samples \(train.featureCount)", at: inv.location)
        }
        let k = try inv.int(neighbours, within: 1...max(1, min(1000, train.count)))
        let kind = inv[distanceKind]
        let limit = try inv.int(testLimit, within: 1...max(1, test.count)) ?? test.count
        try s.requireMemory(knnWorkingBytes(train.matrix, test.matrix), for: "kNN distances of \(NumberText.grouped(limit)) test samples to \(NumberText.grouped(train.count))",
                            at: inv.location)
        let model = KNearestNeighbours(k: k, distance: kind, train: TrainCommands.samples(train), classCount: train.classNames.count)
        let name = "knn"
        let m = s.addModel(named: name)
        m.knn = model
        let queries = limit == test.count ? test.matrix : test.matrix.rows(Array(0..<limit))
        let start = Clock.now
        guard let predictions = model.predict(queries, shouldStop: s.shouldStop, progress: { done in
            s.console.transient("knn: \(done)/\(limit) test images")
        }) else {
            s.console.clearTransient()
            throw ScriptError.interrupted
        }
        s.console.clearTransient()
        let right = zip(predictions, test.labels.prefix(limit)).filter { $0 == $1 }.count
        var line = "knn k=\(k) distance=\(kind.rawValue): test accuracy \(NumberText.percent(Double(right) / Double(limit))) (\(NumberText.grouped(right))/\(NumberText.grouped(limit)))"
        if s.showTiming { line += " in \(NumberText.fixed(Clock.now - start, 2)) s" }
        s.console.line(line)
        RunCommands.recordEvaluation(s, m, set: "test", accuracy: Double(right) / Double(limit), loss: nil)
    }

    /// What kNN allocates for `queries` against `train`: a block of distances (256 queries at a time against every
    /// training sample), the Float copies of byte-stored sets, or the sparse form of the training images.
    static func knnWorkingBytes(_ train: FeatureMatrix, _ queries: FeatureMatrix) -> Int {
        let n = train.count, width = train.width
        let block = 256 * n * 4
        let trainCopy = train.isCompact ? n * width * 8 : 0
        let queryCopy = queries.isCompact ? queries.count * queries.width * 4 : 0
        return block + trainCopy + queryCopy + n * 8
    }

    /// The lecture's example: a 4x4 test image against a training image, L1 = 456.
    static let lectureTest: [[Double]] = [[56, 32, 10, 18], [90, 23, 128, 133], [24, 26, 178, 200], [2, 0, 255, 220]]
    static let lectureTrain: [[Double]] = [[10, 20, 24, 17], [8, 10, 89, 100], [12, 16, 178, 170], [4, 32, 233, 112]]

    static func distanceCommand(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        if inv.subcommand == "example" {
            showDistance(s, lectureTest, lectureTrain, .l1, names: ("test image", "training image"))
            return
        }
        let a = inv[first], b = inv[second]
        let kindName = inv[metric]
        let kind: KNearestNeighbours.Distance = kindName == "l2" ? .l2 : .l1
        if case .number = a.value {
            // Test images, or the training images when there are no test samples.
            let useTest = (s.test?.count ?? 0) > 0 || s.train == nil
            guard let test = useTest ? s.test : s.train else { throw ScriptError("no data loaded to take images from", at: a.location) }
            try Interpreter.requireUsable(test, useTest ? "test" : "training", inv)
            let i = try Invocation.int(a, what: "an image index", range: 0...max(0, test.count - 1))
            let j = try Invocation.int(b, what: "an image index", range: 0...max(0, test.count - 1))
            let x = DataCommands.rawPixels(s, test.row(i))
            let y = DataCommands.rawPixels(s, test.row(j))
            let d = NeuralNet.distance(x, y, kind)
            s.console.line("\(kindName) distance between images #\(i) (\(test.labelName(i))) and #\(j) (\(test.labelName(j))) on 0-255 pixels: \(NumberText.significant(d, 6))")
            return
        }
        let ma = try matrix(a), mb = try matrix(b)
        guard ma.count == mb.count, zip(ma, mb).allSatisfy({ $0.count == $1.count }) else {
            throw ScriptError("the two matrices have different shapes (\(ma.count)x\(ma.first?.count ?? 0) and \(mb.count)x\(mb.first?.count ?? 0))", at: b.location)
        }
        showDistance(s, ma, mb, kind, names: ("A", "B"))
    }

    static func matrix(_ arg: LocatedValue) throws(ScriptError) -> [[Double]] {
        guard case .list(let rows) = arg.value, !rows.isEmpty else {
            throw ScriptError("expected a matrix like [[1, 2], [3, 4]] or an image index, found '\(arg.value)'", at: arg.location)
        }
        var out: [[Double]] = []
        for row in rows {
            let items: [Value]
            if case .list(let r) = row { items = r } else { items = [row] }
            var values: [Double] = []
            for item in items {
                guard case .number(let v) = item else { throw ScriptError("matrix entries must be numbers, found '\(item)'", at: arg.location) }
                values.append(v)
            }
            out.append(values)
        }
        let width = out[0].count
        guard out.allSatisfy({ $0.count == width }) else { throw ScriptError("matrix rows have different lengths", at: arg.location) }
        return out
    }

    static func showDistance(_ s: Interpreter, _ a: [[Double]], _ b: [[Double]], _ kind: KNearestNeighbours.Distance,
                             names: (String, String)) {
        let diff = zip(a, b).map { zip($0, $1).map { kind == .l1 ? abs($0 - $1) : ($0 - $1) * ($0 - $1) } }
        let total = diff.flatMap { $0 }.reduce(0, +)
        let result = kind == .l1 ? total : total.squareRoot()
        func render(_ m: [[Double]]) -> [String] { m.map { $0.map { NumberText.value($0).leftPadded(to: 4) }.joined(separator: " ") } }
        let left = render(a), right = render(b), d = render(diff)
        let w = left.map(\.count).max() ?? 0, w2 = right.map(\.count).max() ?? 0, w3 = d.map(\.count).max() ?? 0
        s.console.line(names.0.padded(to: w) + "   " + names.1.padded(to: w2) + "   " + (kind == .l1 ? "|difference|" : "difference²"))
        for r in 0..<left.count {
            let mid = r == left.count / 2 - 1 ? " - " : "   "
            let eq = r == left.count / 2 - 1 ? " = " : "   "
            let tail = r == left.count / 2 - 1 ? " → \(NumberText.value(total))" : ""
            s.console.line(left[r].padded(to: w) + mid + right[r].padded(to: w2) + eq + d[r].padded(to: w3) + tail)
        }
        s.console.line(kind == .l1 ? "L1 distance = Σ|I1 - I2| = \(NumberText.value(result))"
                                   : "L2 distance = √Σ(I1 - I2)² = √\(NumberText.value(total)) = \(NumberText.significant(result, 6))")
    }
}
