import Basics
import NeuralNet
import ModelFormat
import TensorCore
import Datasets

enum ModelCommands {
    static let modelName = Positional<String>("NAME", what: "a model name", kind: .identifier, help: "letters, digits and '_'")
    static let existingModel = Positional<String>("NAME", what: "a model name", kind: .model, help: "a model of this session")

    /// `layer KIND ...`: one form per kind of the layer table, its sizes and settings declared from the table.
    static let layerForms: [SubcommandSpec] = LayerCatalog.typedKinds.map { kind in
        SubcommandSpec(kind.name, summary: kind.help,
                       arguments: kind.sizes.map { ArgumentSpec(name: $0.name, what: $0.what, kind: .int($0.range), help: $0.help) },
                       options: kind.settings.map(option))
    }

    static let sizes = Positional<[LocatedValue]>("IN HIDDEN... OUT", what: "at least an input and an output size", isOptional: false,
                                                help: "the width of each layer, input first; or one list: [784, 128, 10]")
    static let act = Option<String>("act", choices: LayerCatalog.activations.map(\.name) + LayerCatalog.activationAliases.keys.sorted(),
                                    default: "relu", help: "the activation after each hidden layer (linear: none, as in the Playground)")
    static let features = Option<[String]?>("features", terms: InputFeature.allCases.map(\.name), valueName: "F1,F2,...",
                                            help: "the Playground's input features of each 2-D point, computed first in the model")
    static let alpha = Option<Double?>(LayerCatalog.alpha.name, range: LayerCatalog.alpha.range ?? 0...10, valueName: "A",
                                       defaultText: LayerCatalog.activations.compactMap { kind in
                                           kind.setting(named: LayerCatalog.alpha.name).map { "\(kind.name) \(describe($0.defaultValue))" }
                                       }.joined(separator: ", "),
                                       help: LayerCatalog.alpha.help)
    static let initialisation = option(LayerCatalog.initialisation)
    static let mlpName = Option<String?>("name", kind: .identifier, valueName: "NAME", noun: "model name",
                                      help: "the model's name; default: the current model's, else mlp")
    static let classifierLoss = Option<String>("loss", choices: ["softmax", "svm"], default: "softmax",
                                               help: "softmax cross-entropy or the multiclass SVM's hinge loss")

    static let specs: [CommandSpec] = [
        CommandSpec("model", group: .models, summary: "start a new, empty sequential model and make it current",
                    arguments: [modelName], options: [features]) { s, inv throws(ScriptError) in
            let name = inv[modelName]
            let featureLayer = try inputFeatures(inv, rng: &s.rng)
            let m = s.addModel(named: name)
            if let featureLayer {
                _ = m.network.append(featureLayer)
                s.console.line("model '\(name)': \(featureLayer.spec) (2 inputs -> \(m.network.outputWidth ?? 0)); add layers with 'layer ...'")
            } else {
                s.console.line("model '\(name)': empty; add layers with 'layer ...'")
            }
        },
        CommandSpec("use", group: .models, summary: "switch to another model of this session",
                    arguments: [existingModel]) { s, inv throws(ScriptError) in
            let name = inv[existingModel]
            guard let m = s.models[name] else {
                throw ScriptError("no model named '\(name)'", at: inv.location(of: existingModel),
                                  hint: Diagnostic.didYouMean(name, s.modelOrder) ?? (s.modelOrder.isEmpty ? "no models yet" : "models: \(s.modelOrder.joined(separator: ", "))"))
            }
            s.current = m
            s.console.line("using model '\(name)'")
        },
        CommandSpec("layer", group: .models, summary: "append a layer to the current model",
                    subcommands: layerForms, subcommandWhat: "a layer kind", subcommandPlaceholder: "KIND") { s, inv throws(ScriptError) in
            let m = s.current ?? s.addModel(named: "net")
            let layer = try makeLayer(s, inv, model: m)
            if case .failure(let e) = m.network.append(layer) {
                throw ScriptError(e.message, at: inv.positional.first?.location ?? inv.location,
                                  hint: m.network.outputWidth.map { "the previous layer outputs \($0) values" })
            }
            m.resetTraining()
            s.console.line("\(m.name): layer \(m.network.layers.count): \(layer.spec)")
        },
        CommandSpec("mlp", group: .models, summary: "build a multi-layer perceptron in one line (replaces the current model)",
                    details: """
                    mlp 784 128 64 10 act=relu  ->  linear 784 128, relu, linear 128 64, relu, linear 64 10
                    The output layer has no activation: cross_entropy applies the softmax.
                    features= puts the Playground's input features first: mlp 2 4 2 features=x1,x2,x1*x2 is
                    features (2 inputs -> 3), linear 3 4, relu, linear 4 2 (the first size may be 2 or the
                    number of features). The features are part of the model: training, evaluation, plots and
                    saved files all see them.
                    """,
                    arguments: [sizes], options: [act, alpha, initialisation, features, mlpName]) { s, inv throws(ScriptError) in
            try mlp(s, inv)
        },
        CommandSpec("summary", group: .models, summary: "layers, shapes and parameter counts with the arithmetic") { s, inv throws(ScriptError) in
            let m = try s.requireModel(inv)
            s.console.write(summary(m))
        },
        CommandSpec("knn", group: .models, summary: "k-nearest-neighbour classifier on the loaded data, evaluated on the test set",
                    options: [EvalCommands.neighbours, EvalCommands.distanceKind, EvalCommands.testLimit]) { s, inv throws(ScriptError) in
            try EvalCommands.knn(s, inv)
        },
        CommandSpec("linear", group: .models, summary: "linear classifier f(x) = W[x;1] (bias trick) as the current model; then 'train'",
                    options: [classifierLoss]) { s, inv throws(ScriptError) in
            let data = try s.requireTrainingData(inv)
            try EvalCommands.requireClasses(data, inv)
            let lossName = inv[classifierLoss]
            let recipe = try checked(LayerCatalog.linearClassifier.recipe(sizes: [data.featureCount, data.classNames.count]), at: inv.location)
            try s.requireMemory(Interpreter.modelBytes(parameters: recipe.parameterCount),
                                for: "a linear classifier of \(NumberText.grouped(recipe.parameterCount)) parameters", at: inv.location,
                                freeing: s.models["linear"].map { Interpreter.modelBytes(parameters: $0.network.parameterCount) } ?? 0)
            let m = s.addModel(named: "linear")
            _ = m.network.append(recipe.makeLayer(rng: &s.rng))
            m.loss = lossName == "svm" ? .hinge : .crossEntropy
            s.console.line("model 'linear': W is \(data.classNames.count)x\(data.featureCount + 1) (bias trick), loss \(lossName == "svm" ? "hinge (multiclass SVM)" : "softmax cross-entropy"), \(NumberText.grouped(m.network.parameterCount)) parameters")
        },
    ]

    /// An option declared by a setting of the layer table.
    static func option(_ setting: LayerSetting) -> OptionSpec {
        switch setting.domain {
        case .number(let range):
            OptionSpec(name: setting.name, kind: .number(range), defaultText: describe(setting.defaultValue), help: setting.help)
        case .choice(let choices):
            OptionSpec(name: setting.name, kind: .choice(choices), defaultText: describe(setting.defaultValue), help: setting.help)
        }
    }

    static func describe(_ value: LayerSettingValue) -> String {
        switch value {
        case .number(let v): NumberText.value(v)
        case .word(let w): w
        }
    }

    /// The settings written for a layer of the table, as the table's recipe takes them.
    static func settings(_ inv: Invocation, of options: [OptionSpec]) -> [(name: String, value: LayerSettingValue)] {
        var settings: [(name: String, value: LayerSettingValue)] = []
        for o in options {
            guard let c = inv.checked(o.name) else { continue }
            if let t = c.text {
                settings.append((o.name, .word(t)))
            } else if let n = c.number {
                settings.append((o.name, .number(n)))
            }
        }
        return settings
    }

    /// A recipe, or the error in the language's words (the declarations have already checked what is typed, so
    /// this is for what only the table knows).
    static func checked(_ result: Result<LayerRecipe, LayerDescriptionError>, at location: SourceLocation) throws(ScriptError) -> LayerRecipe {
        switch result {
        case .success(let recipe): return recipe
        case .failure(let e): throw ScriptError(Diagnostic.describe(e), at: location)
        }
    }

    static func makeLayer(_ s: Interpreter, _ inv: Invocation, model: ModelState) throws(ScriptError) -> Layer {
        guard let kind = LayerCatalog.kind(named: inv.subcommand ?? ""), let form = layerForms.first(where: { $0.name == kind.name }) else {
            throw ScriptError("unknown layer kind", at: inv.location)
        }
        let sizes = form.arguments.map { inv.checkedArguments[$0.name]?.first?.int ?? 0 }
        let recipe = try checked(kind.recipe(sizes: sizes, settings: settings(inv, of: form.options)), at: inv.subcommandLocation ?? inv.location)
        if model.network.parameterCount + recipe.parameterCount > LayerCatalog.maxParameters {
            throw ScriptError("a \(sizes.map(String.init).joined(separator: "x")) layer would make the model larger than \(NumberText.grouped(LayerCatalog.maxParameters)) parameters",
                              at: inv.positional.last?.location ?? inv.location)
        }
        try s.requireMemory(Interpreter.modelBytes(parameters: recipe.parameterCount),
                            for: "a layer of \(NumberText.grouped(recipe.parameterCount)) parameters", at: inv.positional.last?.location ?? inv.location)
        return recipe.makeLayer(rng: &s.rng)
    }

    static func mlp(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        var widths: [Int] = []
        // Accept `mlp 784 128 10` and `mlp [784, 128, 10]`.
        var args = inv[sizes]
        if args.count == 1, case .list(let items) = args[0].value {
            args = items.map { LocatedValue(value: $0, location: args[0].location) }
        }
        for arg in args { widths.append(try Invocation.int(arg, what: "a layer size", range: 1...LayerCatalog.maxWidth)) }
        guard widths.count >= 2 else {
            throw ScriptError("'mlp' needs at least an input and an output size", at: inv.endLocation, hint: "usage: \(inv.usage), e.g. mlp 784 128 64 10")
        }
        let featureLayer = try inputFeatures(inv, rng: &s.rng)
        if let featureLayer {
            // The first size is the points' 2 coordinates or the number of features: both say the same network.
            let count = featureLayer.features.count
            guard widths[0] == 2 || widths[0] == count else {
                throw ScriptError("with \(count) input feature\(count == 1 ? "" : "s") the first size must be \(count) (or 2, the point's coordinates), not \(widths[0])",
                                  at: args[0].location, hint: "e.g. mlp \(count) 8 2 features=\(featureLayer.features.map(\.name).joined(separator: ","))")
            }
            widths[0] = count
        }
        var total = 0
        for i in 0..<(widths.count - 1) { total += widths[i] * widths[i + 1] + widths[i + 1] }
        if total > LayerCatalog.maxParameters {
            throw ScriptError("this network would have \(NumberText.grouped(total)) parameters, more than \(NumberText.grouped(LayerCatalog.maxParameters))", at: inv.location)
        }
        // Checked before anything is allocated; the model of the same name, which this one replaces, is freed.
        // The current model's name, unless it is a kNN model or the linear classifier: an MLP named 'knn' replacing
        // the kNN model said the wrong thing about both.
        let name = inv[mlpName] ?? s.current.flatMap { $0.knn == nil && $0.name != "linear" ? $0.name : nil } ?? "mlp"
        let replaced = s.models[name].map { Interpreter.modelBytes(parameters: $0.network.parameterCount) } ?? 0
        try s.requireMemory(Interpreter.modelBytes(parameters: total), for: "a network of \(NumberText.grouped(total)) parameters", at: inv.location,
                            freeing: replaced)
        let actName = inv[act]
        guard let activation = LayerCatalog.activation(named: actName) else { throw ScriptError("unknown activation '\(actName)'", at: inv.location) }
        // alpha belongs to the activation: its default is the activation's own (leaky_relu 0.1, elu 1).
        var activationSettings: [(name: String, value: LayerSettingValue)] = []
        if let a = inv[alpha] {
            guard activation.setting(named: alpha.name) != nil else {
                throw ScriptError("option 'alpha' does not apply to act=\(actName)", at: inv.location(of: alpha),
                                  hint: "alpha is the setting of \(LayerCatalog.activations.filter { $0.setting(named: alpha.name) != nil }.map(\.name).joined(separator: " and "))")
            }
            activationSettings = [(alpha.name, .number(a))]
        }
        let activationRecipe = try checked(activation.recipe(settings: activationSettings), at: inv.valueLocation(of: act))
        let linearSettings = settings(inv, of: [initialisation])
        var linears: [LayerRecipe] = []
        for i in 0..<(widths.count - 1) {
            linears.append(try checked(LayerCatalog.linear.recipe(sizes: [widths[i], widths[i + 1]], settings: linearSettings), at: inv.location))
        }
        let previous = s.models[name]
        let m = s.addModel(named: name)
        if let previous {
            // Keep the training setup the user chose; the weights are new.
            m.loss = previous.loss
            m.optimizer = previous.optimizer.fresh()
            m.optimizerChosen = previous.optimizerChosen
            m.lossChosen = previous.lossChosen
            m.regularization = previous.regularization
        }
        if let featureLayer { _ = m.network.append(featureLayer) }
        for (i, linear) in linears.enumerated() {
            _ = m.network.append(linear.makeLayer(rng: &s.rng))
            if i < linears.count - 1 { _ = m.network.append(activationRecipe.makeLayer(rng: &s.rng)) }
        }
        let prefix = featureLayer.map { "\($0.spec) (2 inputs) -> " } ?? ""
        s.console.line("model '\(name)': \(prefix)\(widths.map(String.init).joined(separator: "-")) \(actName) MLP, \(NumberText.grouped(m.network.parameterCount)) parameters")
    }

    /// The input-features layer `features=` asks for, or nil.
    static func inputFeatures(_ inv: Invocation, rng: inout SeededRandom) throws(ScriptError) -> InputFeatures? {
        guard let words = inv[features] else { return nil }
        let recipe = try checked(LayerCatalog.features.recipe(terms: words), at: inv.valueLocation(of: features))
        return recipe.makeLayer(rng: &rng) as? InputFeatures
    }

    static func summary(_ m: ModelState) -> String {
        if let knn = m.knn {
            return "model '\(m.name)': k-nearest neighbours, k=\(knn.k), distance \(knn.distance.rawValue), remembers \(NumberText.grouped(knn.train.count)) training samples (no parameters)\n"
        }
        let net = m.network
        guard !net.layers.isEmpty else { return "model '\(m.name)': no layers yet\n" }
        var rows: [[String]] = [["#", "layer", "output", "weights", "biases", "parameters"]]
        var width = net.inputWidth ?? 0
        var weightTotal = 0, biasTotal = 0
        for (i, layer) in net.layers.enumerated() {
            if case .success(let w) = layer.outputWidth(for: width) { width = w }
            var weights = "-", biases = "-"
            if let shape = layer.weightShape {
                if shape.biasInWeights {
                    weights = "\(shape.outputs) x (\(shape.inputs) + 1) = \(NumberText.grouped(shape.outputs * (shape.inputs + 1)))"
                    biases = "(in W)"
                    weightTotal += shape.outputs * (shape.inputs + 1)
                } else {
                    weights = "\(shape.inputs) x \(shape.outputs) = \(NumberText.grouped(shape.inputs * shape.outputs))"
                    biases = NumberText.grouped(shape.outputs)
                    weightTotal += shape.inputs * shape.outputs
                    biasTotal += shape.outputs
                }
            }
            rows.append([String(i + 1), layer.spec, String(width), weights, biases, NumberText.grouped(layer.parameterCount)])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for r in rows { for (j, c) in r.enumerated() { widths[j] = max(widths[j], c.columns) } }
        var text = "model '\(m.name)' (input \(net.inputWidth.map(String.init) ?? "?"), loss \(m.loss.rawValue))\n"
        for (k, r) in rows.enumerated() {
            let cells = r.enumerated().map { j, c in j == 1 ? c.padded(to: widths[j]) : c.leftPadded(to: widths[j]) }
            text += "  " + cells.joined(separator: "  ") + "\n"
            if k == 0 { text += "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        text += "  total: \(NumberText.grouped(net.parameterCount)) parameters"
        if biasTotal > 0 { text += " = \(NumberText.grouped(weightTotal)) weights + \(NumberText.grouped(biasTotal)) biases" }
        let neurons = net.layers.compactMap { $0.weightShape?.outputs }
        if neurons.count > 1 { text += "; \(NumberText.grouped(neurons.reduce(0, +))) neurons (\(neurons.map(String.init).joined(separator: " + ")))" }
        text += "\n"
        if let features = net.layers.first as? InputFeatures {
            text += "  inputs: the point (x1, x2) -> \(features.features.map(\.name).joined(separator: ", "))\n"
        }
        if let r = m.regularization {
            let zeros = net.parameters.filter(Regularization.applies).reduce(0) { $0 + $1.value.buffer.filter { $0 == 0 }.count }
            text += "  regularization: \(r.kind.rawValue.uppercased()), rate \(NumberText.value(Double(r.rate))) (weights only, not biases); penalty now \(NumberText.significant(r.penalty(net.parameters), 4)); \(NumberText.grouped(zeros)) of \(NumberText.grouped(weightTotal)) weights are 0\n"
        }
        return text
    }
}
