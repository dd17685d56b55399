import NeuralNet
import TensorCore
import Datasets
import Charts

enum PlotCommands {
    static let kinds = ["loss", "acc", "history", "runs", "activation", "weights", "templates", "boundary"]
    static let usage = "plot loss|acc|history | runs [metric=...] [last=N] | activation NAME... | weights L | templates | boundary"

    static let specs: [CommandSpec] = [
        CommandSpec(name: "plot", usage: usage, summary: "charts in the terminal",
                    details: """
                    plot loss             training loss over epochs (and validation loss after 'split')
                    plot acc              training and validation accuracy per epoch
                    plot history          loss and accuracy, train vs validation
                    plot runs             loss curves of the runs overlaid (metric=acc|val_acc; last=N: the last N runs)
                    plot activation relu sigmoid tanh leaky_relu elu   the functions over [-5, 5]
                    plot weights L        histogram of layer L's weights
                    plot templates        a linear classifier's weights as one image per class
                    plot boundary         decision regions of a model trained on 2-D toy data
                    """,
                    keys: ["height", "metric", "last"], completions: kinds + ["relu", "sigmoid", "tanh", "leaky_relu", "elu"],
                    group: "plots") { s, inv throws(ScriptError) in
            try plot(s, inv)
        },
    ]

    static func plot(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let kind = try inv.word(0, "chart", choices: kinds, usage: usage)
        var options = s.options
        options.height = try inv.int("height", default: options.height, range: 4...60)
        if kind != "runs", inv.options["metric"] != nil || inv.options["last"] != nil {
            try DataCommands.only(inv, ["height"], for: "plot \(kind)")
        }
        switch kind {
        case "runs":
            try RunCommands.plot(s, inv, options: options)
        case "loss", "acc", "history":
            try inv.expectAtMost(1, usage: "plot \(kind)")
            let m = try s.requireModel(inv)
            guard !m.history.isEmpty else {
                throw ScriptError("nothing to plot yet: model '\(m.name)' has not been trained", at: inv.positional[0].location, hint: "run 'train' first")
            }
            let epochs = m.history.map { Double($0.epoch) }
            if kind != "acc" {
                var series = [Series(name: "train loss", x: m.lossCurve.map(\.0), y: m.lossCurve.map(\.1))]
                if m.lossCurve.isEmpty { series = [Series(name: "train loss", x: epochs, y: m.history.map(\.loss))] }
                let val = m.history.compactMap(\.validationLoss)
                if val.count == m.history.count { series.append(Series(name: "validation loss", x: epochs, y: val)) }
                s.console.chart(Chart.line(series, title: "loss (\(m.loss.rawValue))", xLabel: "epoch", yLabel: "loss", options: options))
            }
            if kind != "loss" {
                var series = [Series(name: "train acc %", x: epochs, y: m.history.map { $0.accuracy * 100 })]
                let val = m.history.compactMap(\.validationAccuracy)
                if val.count == m.history.count { series.append(Series(name: "validation acc %", x: epochs, y: val.map { $0 * 100 })) }
                s.console.chart(Chart.line(series, title: "accuracy", xLabel: "epoch", yLabel: "%", options: options))
            }
        case "activation":
            let names = ["relu", "sigmoid", "tanh", "leaky_relu", "elu"]
            var chosen: [String] = []
            for arg in inv.positional.dropFirst() { chosen.append(try Invocation.choice(arg, what: "activation", choices: names)) }
            if chosen.isEmpty { chosen = names }
            let xs = stride(from: -5.0, through: 5.0, by: 0.05).map { $0 }
            let series = chosen.map { name in
                let f = ModelCommands.activation(named: name, alpha: name == "elu" ? 1 : 0.1)
                return Series(name: name, x: xs, y: xs.map { Double(f(Float($0))) })
            }
            s.console.chart(Chart.line(series, title: "activation functions", xLabel: "x", yLabel: "f(x)", options: options))
        case "weights":
            try inv.expectAtMost(2, usage: "plot weights L")
            let m = try s.requireModel(inv)
            let withWeights = m.network.layers.enumerated().filter { !$0.element.parameters.isEmpty }
            guard !withWeights.isEmpty else { throw ScriptError("model '\(m.name)' has no layers with weights", at: inv.location) }
            let defaultLayer = withWeights[0].offset + 1
            let l = try inv.optionalInt(1, "a layer number", range: 1...m.network.layers.count, default: defaultLayer)
            let layer = m.network.layers[l - 1]
            guard let w = layer.parameters.first else {
                throw ScriptError("layer \(l) (\(layer.spec)) has no weights", at: inv.positional[1].location,
                                  hint: "layers with weights: \(withWeights.map { String($0.offset + 1) }.joined(separator: ", "))")
            }
            s.console.chart(Chart.histogram(w.value.array.map(Double.init), bins: 30,
                                            title: "layer \(l) (\(layer.spec)) weights, n=\(grouped(w.value.count))", options: options))
        case "templates":
            try inv.expectAtMost(1, usage: "plot templates")
            let m = try s.requireModel(inv)
            let data = try s.requireTrainingData(inv)
            var templates: [[Float]] = []
            if let l = m.network.layers.first as? BiasTrickLinear, m.network.layers.count == 1 {
                templates = (0..<l.classes).map { l.template($0) }
            } else if let l = m.network.layers.first as? Linear, m.network.layers.count == 1 {
                templates = (0..<l.outputs).map { c in (0..<l.inputs).map { l.weightAt(input: $0, output: c) } }
            } else {
                throw ScriptError("templates are the weights of a linear classifier; model '\(m.name)' has \(m.network.layers.count) layers",
                                  at: inv.location, hint: "create one with 'linear loss=softmax' and train it")
            }
            guard let shape = data.imageShape, shape.rows * shape.cols == templates.first?.count else {
                throw ScriptError("the data are not images, so the weights cannot be drawn as templates", at: inv.location)
            }
            s.console.chart(Chart.imageGrid(templates, width: shape.cols, height: shape.rows,
                                            captions: data.classNames.map { "class \($0)" }, options: options))
        default:
            try inv.expectAtMost(1, usage: "plot boundary")
            let m = try s.requireModel(inv)
            let data = try s.requireTrainingData(inv)
            guard data.featureCount == 2 else {
                throw ScriptError("decision regions need 2-D data; these have \(data.featureCount) features", at: inv.location,
                                  hint: "try 'load toy circle'")
            }
            try TrainCommands.checkFits(m, data, inv)
            var xr = (Double.infinity, -Double.infinity), yr = (Double.infinity, -Double.infinity)
            for i in 0..<data.count {
                let x = Double(data.features[2 * i]), y = Double(data.features[2 * i + 1])
                xr = (min(xr.0, x), max(xr.1, x)); yr = (min(yr.0, y), max(yr.1, y))
            }
            let pad = 0.5
            let net = m.network
            let points = (0..<data.count).map { (x: Double(data.features[2 * $0]), y: Double(data.features[2 * $0 + 1]), label: Int(data.labels[$0])) }
            s.console.chart(Chart.regions(xRange: (xr.0 - pad)...(xr.1 + pad), yRange: (yr.0 - pad)...(yr.1 + pad),
                                          classAt: { x, y in
                                              let out = Evaluator.outputs(net, features: [Float(x), Float(y)][...], softmax: false)
                                              return out.count == 1 ? (out[0] > 0.5 ? 1 : 0) : (out.indices.max(by: { out[$0] < out[$1] }) ?? 0)
                                          },
                                          points: points, classNames: data.classNames, title: "decision regions of '\(m.name)' (training points)",
                                          options: options))
        }
    }
}
