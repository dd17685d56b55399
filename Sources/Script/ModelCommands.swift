import NeuralNet
import TensorCore
import Datasets

enum ModelCommands {
    static let layerKinds = ["linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "softmax", "dropout"]
    static let layerUsage = "layer linear IN OUT [init=he|xavier|pytorch] | layer relu|sigmoid|tanh|leaky_relu [alpha=0.1]|elu [alpha=1]|softmax|dropout [p=0.2]"
    /// Keeps a typo like `layer linear 784 12800000` from allocating gigabytes.
    static let maxWidth = 100_000
    static let maxParameters = 50_000_000

    static let specs: [CommandSpec] = [
        CommandSpec(name: "model", usage: "model NAME", summary: "start a new, empty sequential model and make it current",
                    group: "models") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "model NAME")
            let name = try modelName(inv)
            _ = s.addModel(named: name)
            s.console.line("model '\(name)': empty; add layers with 'layer ...'")
        },
        CommandSpec(name: "use", usage: "use NAME", summary: "switch to another model of this session",
                    group: "models") { s, inv throws(ScriptError) in
            try inv.expectAtMost(1, usage: "use NAME")
            let arg = try inv.require(0, "a model name", usage: "use NAME")
            let name = arg.value.description
            guard let m = s.models[name] else {
                throw ScriptError("no model named '\(name)'", at: arg.location,
                                  hint: Diagnostic.didYouMean(name, s.modelOrder) ?? (s.modelOrder.isEmpty ? "no models yet" : "models: \(s.modelOrder.joined(separator: ", "))"))
            }
            s.current = m
            s.console.line("using model '\(name)'")
        },
        CommandSpec(name: "layer", usage: "layer KIND [ARGS] [options]", summary: "append a layer to the current model",
                    details: layerUsage.replacingOccurrences(of: " | ", with: "\n"),
                    keys: ["init", "alpha", "p"], completions: layerKinds, group: "models") { s, inv throws(ScriptError) in
            let m = s.current ?? s.addModel(named: "net")
            let layer = try makeLayer(s, inv, model: m)
            if case .failure(let e) = m.network.append(layer) {
                throw ScriptError(e.message, at: inv.positional.count > 1 ? inv.positional[1].location : inv.location,
                                  hint: m.network.outputWidth.map { "the previous layer outputs \($0) values" })
            }
            m.resetTraining()
            s.console.line("\(m.name): layer \(m.network.layers.count): \(layer.spec)")
        },
        CommandSpec(name: "mlp", usage: "mlp IN HIDDEN... OUT [act=relu] [init=he|xavier|pytorch] [name=NAME]",
                    summary: "build a multi-layer perceptron in one line (replaces the current model)",
                    details: "mlp 784 128 64 10 act=relu  ->  linear 784 128, relu, linear 128 64, relu, linear 64 10\nThe output layer has no activation: cross_entropy applies the softmax.",
                    keys: ["act", "init", "name", "alpha"], completions: ["act=", "init="], group: "models") { s, inv throws(ScriptError) in
            try mlp(s, inv)
        },
        CommandSpec(name: "summary", usage: "summary", summary: "layers, shapes and parameter counts with the arithmetic",
                    group: "models") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "summary")
            let m = try s.requireModel(inv)
            s.console.write(summary(m))
        },
        CommandSpec(name: "knn", usage: "knn [k=1] [distance=l2|l1] [test=N]",
                    summary: "k-nearest-neighbour classifier on the loaded data, evaluated on the test set",
                    keys: ["k", "distance", "test"], group: "models") { s, inv throws(ScriptError) in
            try EvalCommands.knn(s, inv)
        },
        CommandSpec(name: "linear", usage: "linear [loss=softmax|svm]",
                    summary: "linear classifier f(x) = W[x;1] (bias trick) as the current model; then 'train'",
                    keys: ["loss"], group: "models") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "linear [loss=softmax|svm]")
            let data = try s.requireTrainingData(inv)
            let lossName = try inv.choice("loss", default: "softmax", choices: ["softmax", "svm"])
            let m = s.addModel(named: "linear")
            _ = m.network.append(BiasTrickLinear(inputs: data.featureCount, classes: data.classNames.count, rng: &s.rng))
            m.loss = lossName == "svm" ? .hinge : .crossEntropy
            s.console.line("model 'linear': W is \(data.classNames.count)x\(data.featureCount + 1) (bias trick), loss \(lossName == "svm" ? "hinge (multiclass SVM)" : "softmax cross-entropy"), \(grouped(m.network.parameterCount)) parameters")
        },
    ]

    static func modelName(_ inv: Invocation) throws(ScriptError) -> String {
        let arg = try inv.require(0, "a model name", usage: "model NAME")
        let name = arg.value.description
        guard Parser.isIdentifier(name) else {
            throw ScriptError("'\(name)' is not a valid model name", at: arg.location, hint: "use letters, digits and '_'")
        }
        return name
    }

    static func width(_ inv: Invocation, _ index: Int, _ what: String, usage: String) throws(ScriptError) -> Int {
        try inv.int(index, what, range: 1...maxWidth, usage: usage)
    }

    static func initialisation(_ inv: Invocation, default d: Linear.Initialisation) throws(ScriptError) -> Linear.Initialisation {
        let name = try inv.choice("init", default: d.rawValue, choices: Linear.Initialisation.allCases.map(\.rawValue))
        return Linear.Initialisation(rawValue: name) ?? d
    }

    static func makeLayer(_ s: Interpreter, _ inv: Invocation, model: ModelState) throws(ScriptError) -> Layer {
        let kind = try inv.word(0, "layer kind", choices: layerKinds, usage: layerUsage)
        func allow(_ keys: [String]) throws(ScriptError) { try DataCommands.only(inv, keys, for: "layer \(kind)") }
        switch kind {
        case "linear":
            try allow(["init"])
            try inv.expectAtMost(3, usage: "layer linear IN OUT")
            let input = try width(inv, 1, "the input size (IN)", usage: "layer linear IN OUT")
            let output = try width(inv, 2, "the output size (OUT)", usage: "layer linear IN OUT")
            if model.network.parameterCount + input * output > maxParameters {
                throw ScriptError("a \(input)x\(output) layer would make the model larger than \(grouped(maxParameters)) parameters",
                                  at: inv.positional[2].location)
            }
            return Linear(inputs: input, outputs: output, initialisation: try initialisation(inv, default: .pytorch), rng: &s.rng)
        case "leaky_relu", "elu":
            try allow(["alpha"])
            try inv.expectAtMost(1, usage: "layer \(kind) [alpha=A]")
            let alpha = Float(try inv.number("alpha", default: kind == "elu" ? 1 : 0.1, range: 0...10))
            return Activation(kind == "elu" ? .elu(alpha: alpha) : .leakyReLU(alpha: alpha))
        case "dropout":
            try allow(["p"])
            try inv.expectAtMost(1, usage: "layer dropout [p=0.2]")
            let p = Float(try inv.number("p", default: 0.2, range: 0...0.99))
            return Dropout(probability: p, seed: s.nextSeed())
        case "softmax":
            try allow([])
            try inv.expectAtMost(1, usage: "layer softmax")
            return Softmax()
        default:
            try allow([])
            try inv.expectAtMost(1, usage: "layer \(kind)")
            return Activation(activation(named: kind, alpha: 0.1))
        }
    }

    static func activation(named name: String, alpha: Float) -> Activation.Function {
        switch name {
        case "sigmoid": .sigmoid
        case "tanh": .tanh
        case "leaky_relu": .leakyReLU(alpha: alpha)
        case "elu": .elu(alpha: alpha == 0.1 ? 1 : alpha)
        default: .relu
        }
    }

    static func mlp(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let usage = "mlp IN HIDDEN... OUT [act=relu]"
        var sizes: [Int] = []
        // Accept `mlp 784 128 10` and `mlp [784, 128, 10]`.
        var args = inv.positional
        if args.count == 1, case .list(let items) = args[0].value {
            args = items.map { LocatedValue(value: $0, location: inv.positional[0].location) }
        }
        for arg in args { sizes.append(try Invocation.int(arg, what: "a layer size", range: 1...maxWidth)) }
        guard sizes.count >= 2 else {
            throw ScriptError("'mlp' needs at least an input and an output size", at: inv.endLocation, hint: "usage: \(usage), e.g. mlp 784 128 64 10")
        }
        var total = 0
        for i in 0..<(sizes.count - 1) { total += sizes[i] * sizes[i + 1] + sizes[i + 1] }
        if total > maxParameters {
            throw ScriptError("this network would have \(grouped(total)) parameters, more than \(grouped(maxParameters))", at: inv.location)
        }
        let actName = try inv.choice("act", default: "relu", choices: ["relu", "sigmoid", "tanh", "leaky_relu", "elu"])
        let alpha = Float(try inv.number("alpha", default: actName == "elu" ? 1 : 0.1, range: 0...10))
        let defaultInit: Linear.Initialisation = .pytorch
        let initialisation = try initialisation(inv, default: defaultInit)
        let name = try inv.string("name") ?? s.current?.name ?? "mlp"
        guard Parser.isIdentifier(name) else {
            throw ScriptError("'\(name)' is not a valid model name", at: inv.options["name"]?.location ?? inv.location,
                              hint: "use letters, digits and '_'")
        }
        let previous = s.models[name]
        let m = s.addModel(named: name)
        if let previous {
            // Keep the training setup the user chose; the weights are new.
            m.loss = previous.loss
            m.optimizer = Interpreter.copy(previous.optimizer)
            m.optimizerChosen = previous.optimizerChosen
        }
        for i in 0..<(sizes.count - 1) {
            _ = m.network.append(Linear(inputs: sizes[i], outputs: sizes[i + 1], initialisation: initialisation, rng: &s.rng))
            if i < sizes.count - 2 { _ = m.network.append(Activation(activation(named: actName, alpha: alpha))) }
        }
        s.console.line("model '\(name)': \(sizes.map(String.init).joined(separator: "-")) \(actName) MLP, \(grouped(m.network.parameterCount)) parameters")
    }

    static func summary(_ m: ModelState) -> String {
        if let knn = m.knn {
            return "model '\(m.name)': k-nearest neighbours, k=\(knn.k), distance \(knn.distance.rawValue), remembers \(grouped(knn.train.count)) training samples (no parameters)\n"
        }
        let net = m.network
        guard !net.layers.isEmpty else { return "model '\(m.name)': no layers yet\n" }
        var rows: [[String]] = [["#", "layer", "output", "weights", "biases", "parameters"]]
        var width = net.inputWidth ?? 0
        var weightTotal = 0, biasTotal = 0
        for (i, layer) in net.layers.enumerated() {
            if case .success(let w) = layer.outputWidth(for: width) { width = w }
            var weights = "-", biases = "-"
            if let l = layer as? Linear {
                weights = "\(l.inputs) x \(l.outputs) = \(grouped(l.inputs * l.outputs))"
                biases = grouped(l.outputs)
                weightTotal += l.inputs * l.outputs
                biasTotal += l.outputs
            } else if let l = layer as? BiasTrickLinear {
                weights = "\(l.classes) x (\(l.inputs) + 1) = \(grouped(l.classes * (l.inputs + 1)))"
                biases = "(in W)"
                weightTotal += l.classes * (l.inputs + 1)
            }
            rows.append([String(i + 1), layer.spec, String(width), weights, biases, grouped(layer.parameterCount)])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.count) } }
        var text = "model '\(m.name)' (input \(net.inputWidth.map(String.init) ?? "?"), loss \(m.loss.rawValue))\n"
        for (k, r) in rows.enumerated() {
            let cells = r.enumerated().map { j, c in j == 1 ? c.padded(to: widths[j]) : c.leftPadded(to: widths[j]) }
            text += "  " + cells.joined(separator: "  ") + "\n"
            if k == 0 { text += "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        text += "  total: \(grouped(net.parameterCount)) parameters"
        if biasTotal > 0 { text += " = \(grouped(weightTotal)) weights + \(grouped(biasTotal)) biases" }
        let neurons = net.layers.compactMap { ($0 as? Linear)?.outputs }
        if neurons.count > 1 { text += "; \(grouped(neurons.reduce(0, +))) neurons (\(neurons.map(String.init).joined(separator: " + ")))" }
        return text + "\n"
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty, count >= target.count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
