import Basics
import NeuralNet
import Charts

/// One row of the `runs` table: a model's training since it was built, and how it evaluated.
/// `train` opens a row for a freshly built model (later `train`s of the same model extend it);
/// `eval` and `knn` fill in the accuracies. Sweeps (`for lr in [...]`) get one row per iteration.
struct RunRecord {
    let number: Int
    var label: String
    /// Weak: a replaced model (and a kNN model's copy of the data) is not kept alive by its row.
    weak var model: ModelState?
    var architecture: String
    var optimizer: String
    var epochLoss: [Double] = []
    var epochAccuracy: [Double] = []
    var epochValidationAccuracy: [Double?] = []
    /// Running training loss sampled ~20 times an epoch: (position in epochs, loss).
    var lossCurve: [(Double, Double)] = []
    var trainAccuracy: Double?
    var validationAccuracy: Double?
    var testAccuracy: Double?
    /// Losses from 'eval' (and validation losses from training): what regression runs are compared by.
    var validationLoss: Double?
    var testLoss: Double?
    /// Trained on a regression set: no accuracies.
    var isRegression = false
    var seconds: Double = 0
    var note: String?

    var epochs: Int { epochLoss.count }
}

enum RunCommands {
    static let action = Positional<String?>("ACTION", what: "an action", kind: .choice(["clear"]), help: "forget every run")
    static let metric = Option<String>("metric", choices: ["loss", "acc", "val_acc"], default: "loss", help: "the curve of each run")
    static let lastRuns = Option<Int>("last", default: 1000, range: 1...1000, valueName: "N", help: "only the last N runs")

    static let specs: [CommandSpec] = [
        CommandSpec("runs", group: .evaluation, summary: "table of this session's training runs (sweeps): settings, loss, accuracies",
                    details: """
                    One row per trained model: 'train' opens it, 'eval val|test' fills in the accuracies.
                    Rows are labelled by 'train label=TEXT', else by the loop variables of a 'for' sweep,
                    else by the model name. 'plot runs' overlays their loss (or accuracy) curves.
                    """,
                    arguments: [action]) { s, inv throws(ScriptError) in
            if inv[action] != nil {
                let n = s.runs.count
                s.runs = []
                for m in s.models.values { m.runIndex = nil }
                s.console.line("cleared \(n) run\(n == 1 ? "" : "s")")
                return
            }
            guard !s.runs.isEmpty else {
                throw ScriptError("no runs yet", at: inv.location, hint: "each 'train' (and 'knn') adds one; try a sweep: for lr in [0.1, 0.01] ... end")
            }
            s.console.write(table(s.runs, timing: s.showTiming))
        },
    ]

    // MARK: recording

    /// The label of a run started now: explicit, else the sweep's loop variables, else the model name.
    static func defaultLabel(_ s: Interpreter, _ m: ModelState) -> String {
        let bindings = s.loopBindings.map { "\($0.name)=\($0.value)" }
        return bindings.isEmpty ? m.name : bindings.joined(separator: " ")
    }

    /// The run row of `m`, opened if this is its first training (or evaluation) since it was built.
    static func run(of m: ModelState, in s: Interpreter, label: String?) -> Int {
        if let i = m.runIndex, i < s.runs.count, s.runs[i].model === m {
            if let label { s.runs[i].label = label }
            s.runs[i].architecture = architecture(m)
            s.runs[i].optimizer = m.knn == nil ? compact(m.optimizer.spec) : "-"
            return i
        }
        let record = RunRecord(number: s.runs.count + 1, label: label ?? defaultLabel(s, m), model: m,
                               architecture: architecture(m), optimizer: m.knn == nil ? compact(m.optimizer.spec) : "-")
        s.runs.append(record)
        m.runIndex = s.runs.count - 1
        return s.runs.count - 1
    }

    static func recordEpoch(_ s: Interpreter, _ index: Int, _ e: EpochStats) {
        s.runs[index].epochLoss.append(e.loss)
        s.runs[index].epochAccuracy.append(e.accuracy)
        s.runs[index].epochValidationAccuracy.append(e.validationAccuracy)
        // Regression epochs carry NaN accuracies: the row keeps none.
        s.runs[index].isRegression = e.accuracy.isNaN
        s.runs[index].trainAccuracy = e.accuracy.isNaN ? nil : e.accuracy
        if let v = e.validationAccuracy, !v.isNaN { s.runs[index].validationAccuracy = v }
        if let l = e.validationLoss { s.runs[index].validationLoss = l }
        s.runs[index].seconds += e.seconds
    }

    /// `eval SET` / `knn`: the accuracy (nil for regression) and loss go into the current run of the model.
    static func recordEvaluation(_ s: Interpreter, _ m: ModelState, set: String, accuracy: Double?, loss: Double?) {
        let i = run(of: m, in: s, label: nil)
        if accuracy == nil { s.runs[i].isRegression = true }
        switch set {
        case "test":
            if let accuracy { s.runs[i].testAccuracy = accuracy }
            if let loss { s.runs[i].testLoss = loss }
        case "val":
            if let accuracy { s.runs[i].validationAccuracy = accuracy }
            if let loss { s.runs[i].validationLoss = loss }
        default:
            if let accuracy { s.runs[i].trainAccuracy = accuracy }
        }
    }

    /// The optimizer without its default settings: "sgd lr=0.1 momentum=0.9", "adam lr=0.001".
    static func compact(_ spec: String) -> String {
        let defaults: Set<Substring> = ["nesterov=false", "weight_decay=0", "momentum=0", "beta1=0.9", "beta2=0.999"]
        return spec.split(separator: " ").filter { !defaults.contains($0) }.joined(separator: " ")
    }

    /// "784-128-64-10 relu", "2-8-8-2 tanh dropout p=0.2", "linear 784x10 ...", "knn k=3 l2".
    static func architecture(_ m: ModelState) -> String {
        if let knn = m.knn { return "knn k=\(knn.k) \(knn.distance.rawValue)" }
        var widths: [Int] = []
        var others: [String] = []
        var inputs = ""
        for layer in m.network.layers {
            if let features = layer as? InputFeatures {
                inputs = "[" + features.features.map(\.name).joined(separator: ",") + "] "
            } else if let shape = layer.weightShape, !shape.biasInWeights {
                if widths.isEmpty { widths.append(shape.inputs) }
                widths.append(shape.outputs)
            } else if !others.contains(layer.spec) {
                others.append(layer.spec)
            }
        }
        let shape = inputs + widths.map(String.init).joined(separator: "-")
        return ([shape] + others).filter { !$0.isEmpty }.joined(separator: " ")
    }

    // MARK: rendering

    static func table(_ runs: [RunRecord], timing: Bool) -> String {
        let hasVal = runs.contains { $0.validationAccuracy != nil }
        let hasTest = runs.contains { $0.testAccuracy != nil }
        // Regression runs are measured by their losses: columns of their own, shown when some run has them.
        let hasRegression = runs.contains { $0.isRegression }
        let hasValLoss = hasRegression && runs.contains { $0.isRegression && $0.validationLoss != nil }
        let hasTestLoss = hasRegression && runs.contains { $0.isRegression && $0.testLoss != nil }
        let hasAccuracy = runs.contains { !$0.isRegression }
        var header = ["#", "label", "model", "optimizer", "epochs", "loss"]
        if hasAccuracy { header.append("train acc") }
        if hasVal { header.append("val acc") }
        if hasTest { header.append("test acc") }
        if hasValLoss { header.append("val loss") }
        if hasTestLoss { header.append("test loss") }
        if timing { header.append("time") }
        var rows: [[String]] = []
        for r in runs {
            var row = [String(r.number), r.label, r.architecture, r.optimizer, String(r.epochs),
                       r.epochLoss.last.map { NumberText.fixed($0, 4) } ?? "-"]
            if hasAccuracy { row.append(r.trainAccuracy.map(NumberText.percent) ?? "-") }
            if hasVal { row.append(r.validationAccuracy.map(NumberText.percent) ?? "-") }
            if hasTest { row.append(r.testAccuracy.map(NumberText.percent) ?? "-") }
            if hasValLoss { row.append(r.isRegression ? r.validationLoss.map { NumberText.fixed($0, 4) } ?? "-" : "-") }
            if hasTestLoss { row.append(r.isRegression ? r.testLoss.map { NumberText.fixed($0, 4) } ?? "-" : "-") }
            if timing { row.append(r.epochs > 0 ? NumberText.fixed(r.seconds, 2) + " s" : "-") }
            if let note = r.note { row[1] += " (\(note))" }
            rows.append(row)
        }
        // Text columns left-aligned, numbers right-aligned.
        let leftAligned: Set<Int> = [1, 2, 3]
        var widths = header.map(\.columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.columns) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in leftAligned.contains(i) ? c.padded(to: widths[i]) : c.leftPadded(to: widths[i]) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = render(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += render(row) + "\n" }
        // The best run by the most telling accuracy available: test, else validation, else training.
        let keyed: [(RunRecord, Double, String)] = runs.compactMap { r in
            if hasTest { return r.testAccuracy.map { (r, $0, "test") } }
            if hasVal { return r.validationAccuracy.map { (r, $0, "validation") } }
            return r.trainAccuracy.map { (r, $0, "training") }
        }
        if runs.count > 1, let best = keyed.max(by: { $0.1 < $1.1 }) {
            out += "best: #\(best.0.number) \(best.0.label) (\(best.2) accuracy \(NumberText.percent(best.1)))\n"
        }
        // Among regression runs, the lowest loss: test, else validation, else training.
        let regression = runs.filter(\.isRegression)
        let lossKeyed: [(RunRecord, Double, String)] = regression.compactMap { r in
            if hasTestLoss { return r.testLoss.map { (r, $0, "test") } }
            if hasValLoss { return r.validationLoss.map { (r, $0, "validation") } }
            return r.epochLoss.last.map { (r, $0, "training") }
        }
        if regression.count > 1, let best = lossKeyed.min(by: { $0.1 < $1.1 }) {
            out += "best regression: #\(best.0.number) \(best.0.label) (\(best.2) loss \(NumberText.fixed(best.1, 4)))\n"
        }
        return out
    }

    /// `plot runs [metric=loss|acc|val_acc] [last=N]`: one curve per trained run (the last N), with a legend.
    static func plot(_ s: Interpreter, _ inv: Invocation, options: ChartOptions) throws(ScriptError) {
        let metric = inv[RunCommands.metric]
        let trained = Array(s.runs.filter { $0.epochs > 0 }.suffix(inv[lastRuns]))
        guard !trained.isEmpty else {
            throw ScriptError("nothing to plot yet: no model has been trained", at: inv.subcommandLocation ?? inv.location, hint: "run 'train' first")
        }
        var series: [Series] = []
        for r in trained {
            let ys: [Double]
            if metric == "loss", !r.lossCurve.isEmpty {
                // Within-epoch samples: a 2-epoch run still draws a curve, not a segment.
                series.append(Series(name: "#\(r.number) \(r.label)", x: r.lossCurve.map(\.0), y: r.lossCurve.map(\.1)))
                continue
            }
            switch metric {
            case "loss": ys = r.epochLoss
            case "acc": ys = r.epochAccuracy.map { $0 * 100 }
            default: ys = r.epochValidationAccuracy.map { ($0 ?? .nan) * 100 }
            }
            series.append(Series(name: "#\(r.number) \(r.label)", y: ys))
        }
        if metric == "val_acc" && !trained.contains(where: { $0.epochValidationAccuracy.contains { $0 != nil } }) {
            throw ScriptError("no run has validation accuracies", at: inv.location(of: RunCommands.metric), hint: "run 'split val=0.1' before training")
        }
        let title = ["loss": "training loss per run", "acc": "training accuracy per run", "val_acc": "validation accuracy per run"][metric] ?? metric
        try s.show(Chart.line(series, title: title, xLabel: "epoch", yLabel: metric == "loss" ? "loss" : "%"), options: options, inv)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
