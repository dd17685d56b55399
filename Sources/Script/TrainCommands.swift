import Basics
import NeuralNet
import TensorCore
import Datasets

enum TrainCommands {
    static let optimizerUsage = "optimizer sgd [lr=0.01] [momentum=0] [nesterov=false] [weight_decay=0] | adam [lr=0.001] [beta1=0.9] [beta2=0.999] [weight_decay=0]"

    static let specs: [CommandSpec] = [
        CommandSpec(name: "loss", usage: "loss cross_entropy|mse|hinge", summary: "the loss the current model is trained with",
                    completions: LossFunction.allCases.map(\.rawValue), group: "training") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "loss cross_entropy|mse|hinge")
            let m = try s.requireModel(inv)
            let name = try inv.word(0, "loss", choices: LossFunction.allCases.map(\.rawValue), usage: "loss cross_entropy|mse|hinge")
            m.loss = LossFunction(rawValue: name) ?? .crossEntropy
            s.console.line("loss: \(name)")
        },
        CommandSpec(name: "optimizer", usage: "optimizer sgd|adam [lr=...] [options]", summary: "how the weights are updated",
                    details: optimizerUsage.replacingOccurrences(of: " | ", with: "\n"),
                    keys: ["lr", "momentum", "nesterov", "weight_decay", "beta1", "beta2"],
                    completions: ["sgd", "adam"], group: "training") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: optimizerUsage)
            let m = try s.requireModel(inv)
            let kind = try inv.word(0, "optimizer", choices: ["sgd", "adam"], usage: optimizerUsage)
            let decay = Float(try inv.number("weight_decay", default: 0, range: 0...1))
            if kind == "sgd" {
                try DataCommands.only(inv, ["lr", "momentum", "nesterov", "weight_decay"], for: "optimizer sgd")
                // The sign first, as for adam: "lr must be positive" says more than the allowed range.
                try positiveLearningRate(inv)
                let lr = Float(try inv.number("lr", default: 0.01, range: 1e-12...1e6))
                let momentum = Float(try inv.number("momentum", default: 0, range: 0...0.9999))
                let nesterov = try inv.bool("nesterov", default: false)
                if nesterov && momentum == 0 {
                    throw ScriptError("nesterov=true needs a momentum above 0", at: inv.location(of: "nesterov"), hint: "e.g. momentum=0.9")
                }
                m.optimizer = SGD(learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: decay)
            } else {
                try DataCommands.only(inv, ["lr", "beta1", "beta2", "weight_decay"], for: "optimizer adam")
                try positiveLearningRate(inv)
                let lr = Float(try inv.number("lr", default: 1e-3, range: 1e-12...1e6))
                let b1 = Float(try inv.number("beta1", default: 0.9, range: 0...0.9999))
                let b2 = Float(try inv.number("beta2", default: 0.999, range: 0...0.99999))
                m.optimizer = Adam(learningRate: lr, beta1: b1, beta2: b2, weightDecay: decay)
            }
            m.optimizerChosen = true
            m.trainer = nil
            s.console.line("optimizer: \(m.optimizer.spec)")
        },
        CommandSpec(name: "train", usage: "train [epochs=5] [batch=64] [shuffle=true] [step=0 gamma=0.1] [patience=0] [label=TEXT]",
                    summary: "train the current model; one line per epoch (Ctrl-C stops and keeps the weights)",
                    details: "step=N gamma=G multiplies the learning rate by G every N epochs.\npatience=N stops when validation accuracy has not improved for N epochs (needs 'split').\nlabel=TEXT names the run in the 'runs' table (default: the sweep's loop variables, else the model name).",
                    keys: ["epochs", "batch", "shuffle", "step", "gamma", "patience", "label"], group: "training") { s, inv throws(ScriptError) in
            try train(s, inv)
        },
        CommandSpec(name: "gradcheck", usage: "gradcheck [n=8]", summary: "compare backprop with finite differences, per parameter",
                    keys: ["n"], group: "training") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "gradcheck [n=8]")
            let m = try s.requireModel(inv)
            let data = try s.requireTrainingData(inv)
            try checkFits(m, data, inv)
            let n = min(try inv.int("n", default: 8, range: 1...256), data.count)
            let x = Matrix(rows: n, cols: data.featureCount, values: (0..<n).flatMap { data.matrix.row($0) })
            let entries = GradientCheck.run(m.network, loss: m.loss, input: x, labels: Array(data.labels[0..<n]))
            s.console.line("gradient check on \(n) samples (central differences, eps 1e-2, float32):")
            for e in entries {
                let verdict = e.relativeError < 1e-2 ? "ok" : e.relativeError < 1e-1 ? "check" : "WRONG"
                s.console.line("  layer \(e.layer) \(e.layerSpec.padded(to: 18)) \(e.parameter.padded(to: 6))  max relative error \(formatSignificant(e.relativeError, 3).padded(to: 10)) \(verdict)")
            }
        },
    ]

    static func positiveLearningRate(_ inv: Invocation) throws(ScriptError) {
        if let arg = inv.options["lr"], case .number(let v) = arg.value, v <= 0 {
            throw ScriptError("lr must be positive, found \(Value.format(v))", at: arg.location, hint: "typical values: 0.1, 0.01, 0.001")
        }
    }

    static func checkFits(_ m: ModelState, _ data: LabeledData, _ inv: Invocation) throws(ScriptError) {
        if m.knn != nil {
            throw ScriptError("model '\(m.name)' is a k-nearest-neighbour classifier: it has nothing to train", at: inv.location)
        }
        switch m.network.check(inputWidth: data.featureCount) {
        case .failure(let e):
            let message = m.network.layers.isEmpty ? e.message : "model '\(m.name)' does not fit the data (\(data.featureCount) features): \(e.message)"
            throw ScriptError(message, at: inv.location)
        case .success(let outputs):
            let classes = data.classNames.count
            if outputs != classes && !(outputs == 1 && classes == 2 && m.loss == .mse) {
                throw ScriptError("model '\(m.name)' outputs \(outputs) values but the data have \(classes) classes", at: inv.location,
                                  hint: "make the last layer 'linear N \(classes)'")
            }
            if outputs == 1 && m.loss != .mse {
                throw ScriptError("a single output needs 'loss mse'", at: inv.location)
            }
        }
    }

    static func samples(_ d: LabeledData) -> Samples { Samples(matrix: d.matrix, labels: d.labels) }

    static func train(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        try inv.expectAtMost(0, usage: "train [epochs=5] [batch=64]")
        let m = try s.requireModel(inv)
        let data = try s.requireTrainingData(inv)
        try checkFits(m, data, inv)
        var config = TrainConfig(epochs: try inv.int("epochs", default: 5, range: 1...10_000),
                                 batchSize: try inv.int("batch", default: 64, range: 1...max(1, data.count)))
        config.shuffle = try inv.bool("shuffle", default: true)
        config.stepSize = try inv.int("step", default: 0, range: 0...10_000)
        config.stepGamma = Float(try inv.number("gamma", default: 0.1, range: 0...1))
        config.patience = try inv.int("patience", default: 0, range: 0...10_000)
        if config.patience > 0 && s.validation == nil {
            throw ScriptError("patience= needs a validation set", at: inv.location(of: "patience"), hint: "run 'split val=0.1' first")
        }
        let label = try inv.string("label")
        let trainer = m.trainerForCurrentSetup()
        let run = RunCommands.run(of: m, in: s, label: label)
        let totalEpochs = m.history.count + config.epochs
        let batches = (data.count + config.batchSize - 1) / config.batchSize
        let progressEvery = max(1, batches / 50)
        s.console.line("training '\(m.name)' on \(grouped(data.count)) samples: \(config.epochs) epoch\(config.epochs == 1 ? "" : "s"), batch \(config.batchSize), \(m.loss.rawValue), \(m.optimizer.spec)")
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
                if p.batch % progressEvery == 0 || p.batch == p.batches {
                    s.console.transient("epoch \(p.epoch)/\(totalEpochs) \(bar(Double(p.batch) / Double(p.batches))) \(p.batch)/\(p.batches)  loss \(fixed(p.runningLoss, 4))")
                }
            },
            onEpoch: { e in
                m.history.append(e)
                RunCommands.recordEpoch(s, run, e)
                s.runs[run].lossCurve += curve
                m.lossCurve += curve
                curve = []
                var line = "epoch \(String(e.epoch).leftPadded(to: String(totalEpochs).count))/\(totalEpochs)  loss \(fixed(e.loss, 4))  acc \(percent(e.accuracy).leftPadded(to: 6))"
                if let vl = e.validationLoss, let va = e.validationAccuracy {
                    line += "  val_loss \(fixed(vl, 4))  val_acc \(percent(va).leftPadded(to: 6))"
                }
                if config.stepSize > 0 { line += "  lr \(formatSignificant(Double(e.learningRate), 3))" }
                if s.showTiming { line += "  \(fixed(e.seconds, 2)) s" }
                if (e.epoch - (lastEpoch - config.epochs)) % lineEvery == 0 || e.epoch == lastEpoch || e.epoch == lastEpoch - config.epochs + 1 {
                    s.console.line(line)
                }
            },
            shouldStop: s.shouldStop)
        s.console.clearTransient()
        m.lossCurve += curve
        switch outcome {
        case .completed:
            if s.showTiming {
                let elapsed = Clock.now - start
                s.console.line("done in \(fixed(elapsed, 2)) s (\(fixed(elapsed / Double(config.epochs), 3)) s/epoch)")
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
                              hint: "weights restored to the start of epoch \(epoch); try a smaller learning rate (now \(formatSignificant(Double(m.optimizer.learningRate), 3)))")
        }
    }

    static func bar(_ fraction: Double, width: Int = 24) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1)) + "]"
    }
}
