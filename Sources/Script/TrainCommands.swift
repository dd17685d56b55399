import Basics
import NeuralNet
import TensorCore
import Datasets

enum TrainCommands {
    static let lossKind = Positional<String>("KIND", what: "a loss", choices: LossFunction.allCases.map(\.rawValue), help: "the loss function")
    static let lrHint = "typical values: 0.1, 0.01, 0.001"
    static let sgdRate = Option<Double>("lr", default: 0.01, positiveUpTo: 1e6, help: "learning rate", hint: lrHint)
    static let momentum = Option<Double>("momentum", default: 0, range: 0...0.9999, help: "share of the last step kept in the next")
    static let nesterov = Option<Bool>("nesterov", default: false, help: "Nesterov's momentum (looks ahead before the gradient)")
    static let weightDecay = Option<Double>("weight_decay", default: 0, range: 0...1, help: "L2 penalty on the weights")
    static let adamRate = Option<Double>("lr", default: 0.001, positiveUpTo: 1e6, help: "learning rate", hint: lrHint)
    static let beta1 = Option<Double>("beta1", default: 0.9, range: 0...0.9999, help: "decay of the gradients' running mean")
    static let beta2 = Option<Double>("beta2", default: 0.999, range: 0...0.99999, help: "decay of the squared gradients' running mean")
    static let epochs = Option<Int>("epochs", default: 5, range: 1...10_000, help: "passes over the training set")
    static let batch = Option<Int>("batch", default: 64, range: 1...Int.max, help: "samples per step, at most the training set's size")
    static let shuffle = Option<Bool>("shuffle", default: true, help: "shuffle the training set before each epoch")
    static let step = Option<Int>("step", default: 0, range: 0...10_000, help: "every this many epochs, multiply the learning rate by gamma; 0: never")
    static let gamma = Option<Double>("gamma", default: 0.1, range: 0...1, help: "the learning rate's factor at each step")
    static let patience = Option<Int>("patience", default: 0, range: 0...10_000,
                                      help: "stop when validation accuracy has not improved for this many epochs; 0: never; needs 'split'")
    static let runLabel = Option<String?>("label", valueName: "TEXT", help: "the run's name in the 'runs' table")
    static let live = Option<Bool>("live", default: false,
                                   help: "watch it learn: on a terminal the regions and losses redrawn every few epochs; in scripts the last frame and loss curves")
    static let every = Option<Int?>("every", range: 1...10_000, defaultText: "about 100 frames in all", help: "epochs between live frames")
    static let defaultCheckedSamples = 8
    static let checkedSamples = Option<Int>("n", default: defaultCheckedSamples, range: 1...256, help: "samples in the batch checked")
    static let penaltyKind = Positional<String>("KIND", what: "a penalty", choices: ["none"] + Regularization.Kind.allCases.map(\.rawValue),
                                                help: "l1: λ Σ|w| (drives weights to exactly 0), l2: λ Σ w²/2 (shrinks them), none")
    static let penaltyRate = Option<Double>("rate", default: 0.001, range: Regularization.rates,
                                            help: "λ, the Playground's regularization rate")

    static let specs: [CommandSpec] = [
        CommandSpec("loss", group: .training, summary: "the loss the current model is trained with",
                    arguments: [lossKind]) { s, inv throws(ScriptError) in
            let m = try s.requireModel(inv)
            let name = inv[lossKind]
            m.loss = LossFunction(rawValue: name) ?? .crossEntropy
            m.lossChosen = true
            s.console.line("loss: \(name)")
        },
        CommandSpec("regularization", group: .training,
                    summary: "penalise large weights, as the Playground does: L1 or L2, on weights only (not biases)",
                    details: """
                    After each optimizer step, every weight also takes the penalty's step: w -= lr * rate * sign(w)
                    for l1 (a weight that would cross 0 stops at 0, so unneeded weights become exactly 0: see them in
                    'plot network'), w -= lr * rate * w for l2. Biases are left alone. The reported loss is the data's
                    loss; 'summary' shows the penalty. (optimizer ... weight_decay= is PyTorch's L2 on every parameter.)
                    """,
                    arguments: [penaltyKind], options: [penaltyRate]) { s, inv throws(ScriptError) in
            let m = try s.requireModel(inv)
            let kind = Regularization.Kind(rawValue: inv[penaltyKind])
            if kind == nil && inv.isGiven(penaltyRate) {
                throw ScriptError("rate= applies to l1 and l2, not to 'none'", at: inv.location(of: penaltyRate))
            }
            m.regularization = kind.map { Regularization($0, rate: Float(inv[penaltyRate])) }
            m.trainer = nil
            s.console.line(m.regularization.map { "regularization: \($0.kind.rawValue.uppercased()), rate \(NumberText.value(inv[penaltyRate])), on the weights of '\(m.name)'" }
                           ?? "regularization: none")
        },
        CommandSpec("optimizer", group: .training, summary: "how the weights are updated",
                    subcommands: [
                        SubcommandSpec("sgd", summary: "stochastic gradient descent, with momentum if asked",
                                       options: [sgdRate, momentum, nesterov, weightDecay]),
                        SubcommandSpec("adam", summary: "Adam: steps scaled by running means of the gradients and their squares",
                                       options: [adamRate, beta1, beta2, weightDecay]),
                    ],
                    subcommandWhat: "an optimizer", subcommandPlaceholder: "KIND") { s, inv throws(ScriptError) in
            let m = try s.requireModel(inv)
            let decay = Float(inv[weightDecay])
            if inv.subcommand == "sgd" {
                if inv[nesterov] && inv[momentum] == 0 {
                    throw ScriptError("nesterov=true needs a momentum above 0", at: inv.location(of: nesterov), hint: "e.g. momentum=0.9")
                }
                m.optimizer = SGD(learningRate: Float(inv[sgdRate]), momentum: Float(inv[momentum]), nesterov: inv[nesterov], weightDecay: decay)
            } else {
                m.optimizer = Adam(learningRate: Float(inv[adamRate]), beta1: Float(inv[beta1]), beta2: Float(inv[beta2]), weightDecay: decay)
            }
            m.optimizerChosen = true
            m.trainer = nil
            s.console.line("optimizer: \(m.optimizer.spec)")
        },
        CommandSpec("train", group: .training, summary: "train the current model; one line per epoch (Ctrl-C stops and keeps the weights)",
                    details: """
                    Run 'split' first to see validation loss and accuracy per epoch.
                    live=true is the Playground's view: on a terminal, every few epochs (every=N) the decision
                    regions of 2-D data, shaded by the output, and the training and test losses are redrawn in
                    place; Ctrl-C stops and keeps the model. After training (and in scripts and transcripts) the
                    last frame and the loss curves are shown.
                    """,
                    options: [epochs, batch, shuffle, step, gamma, patience, runLabel, live, every]) { s, inv throws(ScriptError) in
            try train(s, inv)
        },
        CommandSpec("gradcheck", group: .training, summary: "compare backprop with finite differences, per parameter",
                    details: """
                    An entry whose ±eps step carries a relu-like input (or a hinge margin) across 0 is skipped and
                    counted: there the slope jumps, and a finite difference averages the two sides.
                    """,
                    options: [checkedSamples]) { s, inv throws(ScriptError) in
            let m = try s.requireModel(inv)
            let data = try s.requireTrainingData(inv)
            try checkFits(m, data, inv)
            let n = min(inv[checkedSamples], data.count)
            let x = Matrix(rows: n, cols: data.featureCount, values: (0..<n).flatMap { data.matrix.row($0) })
            let entries = GradientCheck.run(m.network, loss: m.loss, input: x, labels: Array(data.labels[0..<n]),
                                            targets: data.targets.map { Array($0[0..<n]) })
            s.console.line("gradient check on \(n) samples (central differences, eps 1e-2, float32):")
            for e in entries {
                let verdict = e.checked == 0 ? "not checked" : e.relativeError < 1e-2 ? "ok" : e.relativeError < 1e-1 ? "check" : "WRONG"
                let error = e.checked == 0 ? "-" : NumberText.significant(e.relativeError, 3)
                let skipped = e.skipped == 0 ? "" : "  (\(e.skipped) of \(e.checked + e.skipped) entries at a kink, skipped)"
                s.console.line("  layer \(e.layer) \(e.layerSpec.padded(to: 18)) \(e.parameter.padded(to: 6))  max relative error \(error.padded(to: 10)) \(verdict)\(skipped)")
            }
            let skipped = entries.reduce(0) { $0 + $1.skipped }
            if skipped > 0 {
                let corner = m.loss == .hinge && !data.isRegression ? "a relu-like input or a hinge margin" : "a relu-like input"
                s.console.line("""
                    \(skipped) \(skipped == 1 ? "entry was" : "entries were") skipped: moving \(skipped == 1 ? "it" : "each") by ±eps carries \(corner) \
                    across 0, where the slope jumps and a finite difference measures neither side
                    """)
                // Every sample adds kinks the step may cross: a smaller batch leaves more entries to compare.
                if 2 * skipped > entries.reduce(0, { $0 + $1.checked + $1.skipped }) && n > defaultCheckedSamples {
                    s.console.line("fewer samples cross fewer kinks: try gradcheck n=\(defaultCheckedSamples)")
                }
            }
        },
    ]

    /// Whether the model can take the data: input width, one output per class (or one output for regression,
    /// with mse: a model whose loss was never chosen switches to mse here, as the Playground's regression does).
    static func checkFits(_ m: ModelState, _ data: LabeledData, _ inv: Invocation) throws(ScriptError) {
        if m.knn != nil {
            throw ScriptError(inv.name == "train" || inv.name == "gradcheck"
                              ? "model '\(m.name)' is a k-nearest-neighbour classifier: it has nothing to train"
                              : "model '\(m.name)' is a k-nearest-neighbour classifier, not a network: '\(inv.name)' needs a network",
                              at: inv.location, hint: "switch to a network with 'use NAME', or build one with 'mlp'")
        }
        switch m.network.check(inputWidth: data.featureCount) {
        case .failure(let e):
            let message = m.network.layers.isEmpty ? e.message : "model '\(m.name)' does not fit the data (\(data.featureCount) features): \(e.message)"
            throw ScriptError(message, at: inv.location)
        case .success(let outputs) where data.isRegression:
            if outputs != 1 {
                throw ScriptError("model '\(m.name)' outputs \(outputs) values, but regression data need one: the predicted value",
                                  at: inv.location, hint: "make the last layer 'linear N 1', e.g. mlp 2 8 8 1")
            }
            if !m.lossChosen && m.loss != .mse {
                m.loss = .mse
                m.trainer = nil
            }
            if m.loss != .mse {
                throw ScriptError("regression is trained with the mean squared error, not \(m.loss.rawValue)", at: inv.location,
                                  hint: "type: loss mse")
            }
        case .success(let outputs):
            let classes = data.classNames.count
            // One class leaves nothing to tell apart: say that, not "a single output needs 'loss mse'".
            // A list of one class leaves nothing to tell apart (and a one-output model nothing to learn).
            if classes == 1 && (inv.name == "train" || inv.name == "gradcheck") {
                throw ScriptError("the data have a single class ('\(data.className(0))'): there is nothing to tell apart", at: inv.location,
                                  hint: "a classifier needs samples of at least 2 classes; is the label column right?")
            }
            if outputs != classes && !(outputs == 1 && classes == 2 && m.loss == .mse) {
                throw ScriptError("model '\(m.name)' outputs \(outputs) values but the data have \(classes) classes", at: inv.location,
                                  hint: "make the last layer 'linear N \(classes)'")
            }
            if outputs == 1 && m.loss != .mse {
                throw ScriptError("a single output needs 'loss mse'", at: inv.location)
            }
        }
    }

    static func samples(_ d: LabeledData) -> Samples { Samples(matrix: d.matrix, labels: d.labels, targets: d.targets) }

    static func train(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let m = try s.requireModel(inv)
        let data = try s.requireTrainingData(inv)
        try checkFits(m, data, inv)
        var config = TrainConfig(epochs: inv[epochs], batchSize: try inv.int(batch, within: 1...max(1, data.count)))
        config.shuffle = inv[shuffle]
        config.stepSize = inv[step]
        config.stepGamma = Float(inv[gamma])
        config.patience = inv[patience]
        if config.patience > 0 && s.validation == nil {
            throw ScriptError("patience= needs a validation set", at: inv.location(of: patience), hint: "run 'split val=0.1' first")
        }
        if inv.isGiven(every) && !inv[live] {
            throw ScriptError("every= sets the live view's pace: it needs live=true", at: inv.location(of: every))
        }
        let label = inv[runLabel]
        // The first training on these data builds their sparse form (or a Float copy of byte-stored images).
        if s.trainSparse == nil {
            try s.requireMemory(data.count * data.featureCount * 4, for: "training on \(NumberText.grouped(data.count)) samples of \(data.featureCount) values",
                                at: inv.location)
        }
        let trainer = m.trainerForCurrentSetup()
        let liveView = inv[live] ? LiveView(s, model: m, train: data, epochs: config.epochs, every: inv[every]) : nil
        // While frames are drawn, the epoch lines wait: they are printed when the frames go.
        let animated = liveView != nil && s.console.showsLiveViews
        var waitingLines: [String] = []
        let run = RunCommands.run(of: m, in: s, label: label)
        let totalEpochs = m.history.count + config.epochs
        let batches = (data.count + config.batchSize - 1) / config.batchSize
        let progressEvery = max(1, batches / 50)
        s.console.line("training '\(m.name)' on \(NumberText.grouped(data.count)) samples: \(config.epochs) epoch\(config.epochs == 1 ? "" : "s"), batch \(config.batchSize), \(m.loss.rawValue), \(m.optimizer.spec)")
        let start = Clock.now
        var curve: [(Double, Double)] = []
        let curveEvery = max(1, batches / 20)
        // Long runs (toy problems: 100 epochs) print about 20 epoch lines, always the last one.
        let lineEvery = config.epochs <= 25 ? 1 : (config.epochs + 19) / 20
        let lastEpoch = m.history.count + config.epochs
        let outcome = trainer.train(s.trainingSamples(data), validation: s.validation.map(samples), config: config, rng: &s.rng,
                                    epochOffset: m.history.count,
            onBatch: { p in
                if p.batch % curveEvery == 0 || p.batch == p.batches {
                    curve.append((Double(p.epoch - 1) + Double(p.batch) / Double(p.batches), p.runningLoss))
                }
                if !animated && (p.batch % progressEvery == 0 || p.batch == p.batches) {
                    s.console.transient("epoch \(p.epoch)/\(totalEpochs) \(bar(Double(p.batch) / Double(p.batches))) \(p.batch)/\(p.batches)  loss \(NumberText.fixed(p.runningLoss, 4))")
                }
            },
            onEpoch: { e in
                m.history.append(e)
                RunCommands.recordEpoch(s, run, e)
                s.runs[run].lossCurve += curve
                m.lossCurve += curve
                curve = []
                var line = "epoch \(String(e.epoch).leftPadded(to: String(totalEpochs).count))/\(totalEpochs)  loss \(NumberText.fixed(e.loss, 4))"
                // Regression has no accuracy: its lines show losses only.
                if !data.isRegression { line += "  acc \(NumberText.percent(e.accuracy).leftPadded(to: 6))" }
                if let vl = e.validationLoss, let va = e.validationAccuracy {
                    line += "  val_loss \(NumberText.fixed(vl, 4))" + (data.isRegression ? "" : "  val_acc \(NumberText.percent(va).leftPadded(to: 6))")
                }
                if config.stepSize > 0 { line += "  lr \(NumberText.significant(Double(e.learningRate), 3))" }
                if s.showTiming { line += "  \(NumberText.fixed(e.seconds, 2)) s" }
                if (e.epoch - (lastEpoch - config.epochs)) % lineEvery == 0 || e.epoch == lastEpoch || e.epoch == lastEpoch - config.epochs + 1 {
                    if animated { waitingLines.append(line) } else { s.console.line(line) }
                }
                liveView?.epochEnded(e)
            },
            shouldStop: s.shouldStop)
        s.console.clearTransient()
        m.lossCurve += curve
        if let liveView {
            s.console.endLiveView()
            for line in waitingLines { s.console.line(line) }
            liveView.finish()
        }
        switch outcome {
        case .completed:
            if s.showTiming {
                let elapsed = Clock.now - start
                s.console.line("done in \(NumberText.fixed(elapsed, 2)) s (\(NumberText.fixed(elapsed / Double(config.epochs), 3)) s/epoch)")
            }
        case .stoppedEarly(let epoch):
            s.runs[run].note = "early stop"
            s.console.line("early stop after epoch \(epoch): validation accuracy has not improved for \(config.patience) epochs")
        case .interrupted(let epoch, let batch):
            s.runs[run].note = "interrupted"
            s.console.line("training interrupted in epoch \(epoch) at batch \(batch)/\(batches); the model keeps its current weights")
            throw ScriptError.interrupted
        case .diverged(let epoch, let batch):
            s.runs[run].note = "diverged"
            throw ScriptError("training diverged in epoch \(epoch), batch \(batch): the loss is not a finite number", at: inv.location,
                              hint: "weights restored to the start of epoch \(epoch); try a smaller learning rate (now \(NumberText.significant(Double(m.optimizer.learningRate), 3)))")
        }
    }

    static func bar(_ fraction: Double, width: Int = 24) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1)) + "]"
    }
}
