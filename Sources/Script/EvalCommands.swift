import Basics
import NeuralNet
import TensorCore
import Datasets
import Charts

enum EvalCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(name: "eval", usage: "eval [train|val|test]", summary: "accuracy and loss of the current model on a set",
                    completions: ["train", "val", "test"], group: "evaluation") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "eval [train|val|test]")
            let which = inv.positional.isEmpty ? "test" : try inv.word(0, "set", choices: ["train", "val", "test"], usage: "eval [train|val|test]")
            let (m, data) = try modelAndSet(s, inv, which)
            let e = try evaluation(s, m, data, inv)
            var line = "\(which): accuracy \(percent(e.accuracy)) (\(grouped(correct(e, data)))/\(grouped(data.count)))"
            if m.knn == nil { line += ", loss \(fixed(e.loss, 4))" }
            s.console.line(line)
            RunCommands.recordEvaluation(s, m, set: which, accuracy: e.accuracy)
        },
        CommandSpec(name: "predict", usage: "predict I [set=test]", summary: "the model's probabilities for one image, as bars",
                    keys: ["set"], group: "evaluation") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "predict I [set=test]")
            let m = try s.requireModel(inv)
            _ = try s.requireTrainingData(inv)
            let data = try DataCommands.chooseSet(s, inv, default: "test")
            try TrainCommands.checkFits(m, data, inv)
            let i = try DataCommands.imageIndex(inv, 0, in: data, usage: "predict I")
            let w = data.featureCount
            let features = data.row(i)
            let probabilities = Evaluator.outputs(m.network, features: features, softmax: true)
            let predicted = probabilities.indices.max(by: { probabilities[$0] < probabilities[$1] }) ?? 0
            let label = Int(data.labels[i])
            if let shape = data.imageShape {
                s.console.chart(Chart.image(Array(features), width: shape.cols, height: shape.rows,
                                            caption: "#\(i): label \(data.classNames[label])", options: s.options))
            }
            s.console.chart(Chart.bars(labels: data.classNames, values: probabilities.map(Double.init),
                                       title: "P(class | image #\(i))", valueFormat: "%.3f", highlight: predicted, options: s.options))
            s.console.line("predicted \(data.classNames[predicted]) (\(percent(Double(probabilities[predicted])))), true label \(data.classNames[label]): \(predicted == label ? "correct" : "wrong")")
        },
        CommandSpec(name: "confusion", usage: "confusion [set=test]", summary: "confusion matrix as a shaded grid, and the most confused pairs",
                    keys: ["set"], group: "evaluation") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "confusion [set=test]")
            let (m, data) = try modelAndSet(s, inv, try inv.choice("set", default: "test", choices: ["train", "val", "test"]))
            let e = try evaluation(s, m, data, inv)
            let k = data.classNames.count
            var matrix = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            for (p, l) in zip(e.predictions, data.labels) { matrix[Int(l)][Int(p)] += 1 }
            s.console.chart(Chart.heatmap(matrix, rowLabels: data.classNames, columnLabels: data.classNames,
                                          title: "confusion matrix (\(grouped(data.count)) samples, accuracy \(percent(e.accuracy)))",
                                          rowTitle: "true", columnTitle: "predicted", showValues: true, options: s.options))
            var pairs: [(Int, Int, Int)] = []
            for t in 0..<k { for p in 0..<k where t != p && matrix[t][p] > 0 { pairs.append((t, p, Int(matrix[t][p]))) } }
            pairs.sort { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }
            if !pairs.isEmpty {
                s.console.line("most confused: " + pairs.prefix(5).map { "\(data.classNames[$0.0]) as \(data.classNames[$0.1]) (\($0.2))" }.joined(separator: ", "))
            }
        },
        CommandSpec(name: "per_class", usage: "per_class [set=test]", summary: "accuracy for each class, as bars",
                    keys: ["set"], group: "evaluation") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "per_class [set=test]")
            let (m, data) = try modelAndSet(s, inv, try inv.choice("set", default: "test", choices: ["train", "val", "test"]))
            let e = try evaluation(s, m, data, inv)
            let k = data.classNames.count
            var right = [Int](repeating: 0, count: k), total = [Int](repeating: 0, count: k)
            for (p, l) in zip(e.predictions, data.labels) { total[Int(l)] += 1; if p == l { right[Int(l)] += 1 } }
            let acc = (0..<k).map { total[$0] == 0 ? 0 : Double(right[$0]) / Double(total[$0]) }
            let worst = acc.indices.min(by: { acc[$0] < acc[$1] })
            s.console.chart(Chart.bars(labels: data.classNames, values: acc.map { $0 * 100 }, title: "accuracy per class (%)",
                                       valueFormat: "%.2f", highlight: worst, options: s.options))
        },
        CommandSpec(name: "mistakes", usage: "mistakes [N=8] [set=test]", summary: "misclassified images with true and predicted labels",
                    keys: ["set"], group: "evaluation") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "mistakes [N] [set=test]")
            let n = try inv.optionalInt(0, "a number of images", range: 1...100, default: 8)
            let (m, data) = try modelAndSet(s, inv, try inv.choice("set", default: "test", choices: ["train", "val", "test"]))
            let e = try evaluation(s, m, data, inv)
            let wrong = data.labels.indices.filter { e.predictions[$0] != data.labels[$0] }
            s.console.line("\(grouped(wrong.count)) of \(grouped(data.count)) misclassified; the first \(min(n, wrong.count)):")
            guard let shape = data.imageShape else {
                for i in wrong.prefix(n) { s.console.line("  #\(i): true \(data.classNames[Int(data.labels[i])]), predicted \(data.classNames[Int(e.predictions[i])])") }
                return
            }
            let w = data.featureCount
            let shown = Array(wrong.prefix(n))
            s.console.chart(Chart.imageGrid(shown.map { data.matrix.row($0) }, width: shape.cols, height: shape.rows,
                                            captions: shown.map { "#\($0) \(data.classNames[Int(data.labels[$0])])→\(data.classNames[Int(e.predictions[$0])])" },
                                            options: s.options))
        },
        CommandSpec(name: "distance", usage: "distance A B [l1|l2] | distance example",
                    summary: "L1/L2 distance between two matrices (lists) or two test images; 'example' is the lecture's 4x4 case",
                    completions: ["example", "l1", "l2"], group: "evaluation") { s, inv throws(ScriptError) in
            try distanceCommand(s, inv)
        },
    ]

    static func modelAndSet(_ s: Interpreter, _ inv: Invocation, _ which: String) throws(ScriptError) -> (ModelState, LabeledData) {
        let m = try s.requireModel(inv)
        _ = try s.requireTrainingData(inv)
        let d = try DataCommands.dataset(s, inv, which)
        if m.knn == nil { try TrainCommands.checkFits(m, d, inv) }
        return (m, d)
    }

    static func correct(_ e: Evaluation, _ d: LabeledData) -> Int { zip(e.predictions, d.labels).filter { $0 == $1 }.count }

    static func evaluation(_ s: Interpreter, _ m: ModelState, _ data: LabeledData, _ inv: Invocation) throws(ScriptError) -> Evaluation {
        if let knn = m.knn {
            guard let predictions = knn.predict(data.matrix, shouldStop: s.shouldStop) else {
                throw ScriptError.interrupted
            }
            let right = zip(predictions, data.labels).filter { $0 == $1 }.count
            return Evaluation(loss: .nan, accuracy: Double(right) / Double(max(1, data.count)), predictions: predictions)
        }
        return Evaluator.evaluate(m.network, TrainCommands.samples(data), loss: m.loss)
    }

    static func knn(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        try inv.expectAtMost(0, usage: "knn [k=1] [distance=l2|l1] [test=N]")
        let train = try s.requireTrainingData(inv)
        guard let test = s.test else { throw ScriptError("no test set loaded", at: inv.location) }
        let k = try inv.int("k", default: 1, range: 1...min(1000, train.count))
        let kind = KNearestNeighbours.Distance(rawValue: try inv.choice("distance", default: "l2", choices: ["l2", "l1"])) ?? .l2
        let limit = try inv.int("test", default: test.count, range: 1...test.count)
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
        var line = "knn k=\(k) distance=\(kind.rawValue): test accuracy \(percent(Double(right) / Double(limit))) (\(grouped(right))/\(grouped(limit)))"
        if s.showTiming { line += " in \(fixed(Clock.now - start, 2)) s" }
        s.console.line(line)
        RunCommands.recordEvaluation(s, m, set: "test", accuracy: Double(right) / Double(limit))
    }

    /// The lecture's example: a 4x4 test image against a training image, L1 = 456.
    static let lectureTest: [[Double]] = [[56, 32, 10, 18], [90, 23, 128, 133], [24, 26, 178, 200], [2, 0, 255, 220]]
    static let lectureTrain: [[Double]] = [[10, 20, 24, 17], [8, 10, 89, 100], [12, 16, 178, 170], [4, 32, 233, 112]]

    static func distanceCommand(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let usage = "distance A B [l1|l2] | distance example"
        try inv.expectAtMost(3, usage: usage)
        if let first = inv.positional.first, case .symbol("example") = first.value {
            try inv.expectAtMost(1, usage: usage)
            showDistance(s, lectureTest, lectureTrain, .l1, names: ("test image", "training image"))
            return
        }
        let a = try inv.require(0, "two matrices or two image indices", usage: usage)
        let b = try inv.require(1, "a second matrix or image index", usage: usage)
        let kindName = inv.positional.count > 2 ? try Invocation.choice(inv.positional[2], what: "distance", choices: ["l1", "l2"]) : "l1"
        let kind: KNearestNeighbours.Distance = kindName == "l2" ? .l2 : .l1
        if case .number = a.value {
            guard let test = s.test ?? s.train else { throw ScriptError("no data loaded to take images from", at: a.location) }
            let i = try Invocation.int(a, what: "an image index", range: 0...(test.count - 1))
            let j = try Invocation.int(b, what: "an image index", range: 0...(test.count - 1))
            let x = DataCommands.rawPixels(s, test.row(i))
            let y = DataCommands.rawPixels(s, test.row(j))
            let d = NeuralNet.distance(x, y, kind)
            s.console.line("\(kindName) distance between images #\(i) (\(test.classNames[Int(test.labels[i])])) and #\(j) (\(test.classNames[Int(test.labels[j])])) on 0-255 pixels: \(formatSignificant(d, 6))")
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
        func render(_ m: [[Double]]) -> [String] { m.map { $0.map { Value.format($0).leftPadded(to: 4) }.joined(separator: " ") } }
        let left = render(a), right = render(b), d = render(diff)
        let w = left.map(\.count).max() ?? 0, w2 = right.map(\.count).max() ?? 0, w3 = d.map(\.count).max() ?? 0
        s.console.line(names.0.padded(to: w) + "   " + names.1.padded(to: w2) + "   " + (kind == .l1 ? "|difference|" : "difference²"))
        for r in 0..<left.count {
            let mid = r == left.count / 2 - 1 ? " - " : "   "
            let eq = r == left.count / 2 - 1 ? " = " : "   "
            let tail = r == left.count / 2 - 1 ? " → \(Value.format(total))" : ""
            s.console.line(left[r].padded(to: w) + mid + right[r].padded(to: w2) + eq + d[r].padded(to: w3) + tail)
        }
        s.console.line(kind == .l1 ? "L1 distance = Σ|I1 - I2| = \(Value.format(result))"
                                   : "L2 distance = √Σ(I1 - I2)² = √\(Value.format(total)) = \(formatSignificant(result, 6))")
    }
}
