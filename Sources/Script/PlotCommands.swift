import Basics
import NeuralNet
import ModelFormat
import TensorCore
import Datasets
import Charts

enum PlotCommands {
    static let height = Option<Int?>("height", range: 4...60, help: "chart height in rows")
    static let functions = Positional<[String]>("NAME", what: "an activation", choices: LayerCatalog.activations.map(\.name),
                                              help: "the functions to draw (default: all)")
    static let layerNumber = Positional<Int?>("L", what: "a layer number", range: 1...Int.max, defaultText: "the first with weights",
                                            help: "the layer's number, as 'summary' shows it")
    static let showTest = Option<Bool>("test", default: false, help: "also draw the test points (O X), as the Playground's 'show test data'")
    static let discretize = Option<Bool>("discretize", default: false, help: "shade by the sign of the output only (the Playground's 'discretize output')")
    static let weightTable = Option<Bool>("table", default: true, help: "also print every weight and bias, layer by layer")

    static let specs: [CommandSpec] = [
        CommandSpec("plot", group: .plots, summary: "charts in the terminal (and as SVG figures in transcripts)", options: [height, FigureFile.option],
                    subcommands: [
                        SubcommandSpec("loss", summary: "training loss over epochs (and validation loss after 'split')"),
                        SubcommandSpec("acc", summary: "training and validation accuracy per epoch"),
                        SubcommandSpec("history", summary: "loss and accuracy, train vs validation"),
                        SubcommandSpec("runs", summary: "the curves of the session's runs overlaid",
                                       options: [RunCommands.metric, RunCommands.lastRuns]),
                        SubcommandSpec("activation", summary: "activation functions over [-5, 5]", arguments: [functions]),
                        SubcommandSpec("weights", summary: "histogram of a layer's weights", arguments: [layerNumber]),
                        SubcommandSpec("templates", summary: "a linear classifier's weights as one image per class"),
                        SubcommandSpec("boundary", summary: "decision regions of a model on 2-D data, shaded by its output as in the Playground",
                                       options: [showTest, discretize]),
                        SubcommandSpec("neurons", summary: "what every node computes over the plane of 2-D data, by layer (the Playground's thumbnails)"),
                        SubcommandSpec("network", summary: "a small network as nodes and edges: sign and size of every weight, and their table",
                                       options: [weightTable]),
                    ],
                    subcommandWhat: "a chart", subcommandPlaceholder: "CHART") { s, inv throws(ScriptError) in
            try plot(s, inv)
        },
    ]

    static func plot(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let kind = inv.subcommand ?? ""
        _ = try FigureFile.path(inv)
        var options = s.options
        if let h = inv[height] { options.height = h }
        let chartLocation = inv.subcommandLocation ?? inv.location
        switch kind {
        case "runs":
            try RunCommands.plot(s, inv, options: options)
        case "neurons":
            try NetworkPlots.neurons(s, inv, options: options)
        case "network":
            try NetworkPlots.network(s, inv, options: options, table: inv[weightTable])
        case "loss", "acc", "history":
            let m = try s.requireModel(inv)
            guard !m.history.isEmpty else {
                throw ScriptError("nothing to plot yet: model '\(m.name)' has not been trained", at: chartLocation, hint: "run 'train' first")
            }
            let epochs = m.history.map { Double($0.epoch) }
            // Regression epochs have no accuracy (NaN): `plot acc` says so, `plot history` shows the loss alone.
            let regression = m.history.allSatisfy { $0.accuracy.isNaN }
            if regression && kind == "acc" {
                throw ScriptError("model '\(m.name)' was trained on a regression set: there is no accuracy, only the loss",
                                  at: chartLocation, hint: "try 'plot loss'")
            }
            var charts: [Chart] = []
            if kind != "acc" {
                var series = [Series(name: "train loss", x: m.lossCurve.map(\.0), y: m.lossCurve.map(\.1))]
                if m.lossCurve.isEmpty { series = [Series(name: "train loss", x: epochs, y: m.history.map(\.loss))] }
                let val = m.history.compactMap(\.validationLoss)
                if val.count == m.history.count { series.append(Series(name: "validation loss", x: epochs, y: val)) }
                charts.append(Chart.line(series, title: "loss (\(m.loss.rawValue))", xLabel: "epoch", yLabel: "loss"))
            }
            if kind != "loss" && !regression {
                var series = [Series(name: "train acc %", x: epochs, y: m.history.map { $0.accuracy * 100 })]
                let val = m.history.compactMap(\.validationAccuracy)
                if val.count == m.history.count { series.append(Series(name: "validation acc %", x: epochs, y: val.map { $0 * 100 })) }
                charts.append(Chart.line(series, title: "accuracy", xLabel: "epoch", yLabel: "%"))
            }
            // `plot history` is one figure: loss and accuracy side by side.
            try s.show(charts.count == 1 ? charts[0] : Chart.panels(charts), options: options, inv)
        case "activation":
            let chosen = inv[functions].isEmpty ? LayerCatalog.activations : inv[functions].compactMap(LayerCatalog.kind(named:))
            let xs = stride(from: -5.0, through: 5.0, by: 0.05).map { $0 }
            // Each function with its default setting from the layer table.
            let series = chosen.compactMap { kind in
                kind.activation.map { f in Series(name: kind.name, x: xs, y: xs.map { Double(f(Float($0))) }) }
            }
            try s.show(Chart.line(series, title: "activation functions", xLabel: "x", yLabel: "f(x)"), options: options, inv)
        case "weights":
            let m = try s.requireModel(inv)
            let withWeights = m.network.layers.enumerated().filter { !$0.element.parameters.isEmpty }
            guard !withWeights.isEmpty else { throw ScriptError("model '\(m.name)' has no layers with weights", at: inv.location) }
            let defaultLayer = withWeights[0].offset + 1
            let l = try inv.int(layerNumber, within: 1...m.network.layers.count) ?? defaultLayer
            let layer = m.network.layers[l - 1]
            guard let w = layer.parameters.first else {
                throw ScriptError("layer \(l) (\(layer.spec)) has no weights", at: inv.location(of: layerNumber),
                                  hint: "layers with weights: \(withWeights.map { String($0.offset + 1) }.joined(separator: ", "))")
            }
            try s.show(Chart.histogram(w.value.array.map(Double.init), bins: 30,
                                   title: "layer \(l) (\(layer.spec)) weights, n=\(NumberText.grouped(w.value.count))"), options: options, inv)
        case "templates":
            let m = try s.requireModel(inv)
            let data = try s.requireTrainingData(inv)
            // A one-layer model's weights into each output, drawn as an image of the input.
            let layer = m.network.layers.count == 1 ? m.network.layers.first : nil
            let outputs = layer?.weightShape?.outputs ?? 0
            let templates = (0..<outputs).compactMap { layer?.incomingWeights(of: $0) }
            if templates.isEmpty {
                throw ScriptError("templates are the weights of a linear classifier; model '\(m.name)' has \(m.network.layers.count) layers",
                                  at: inv.location, hint: "create one with 'linear loss=softmax' and train it")
            }
            guard let shape = data.imageShape, shape.rows * shape.cols == templates.first?.count else {
                throw ScriptError("the data are not images, so the weights cannot be drawn as templates", at: inv.location)
            }
            try s.show(Chart.imageGrid(templates, width: shape.cols, height: shape.rows,
                                   captions: data.classNames.map { "class \($0)" },
                                   title: "templates: the weights of '\(m.name)' for each class"), options: options, inv)
        default:
            let (m, data) = try s.requireModelOverThePlane(inv, needs: "decision regions need", hint: "try 'load toy circle'")
            let test = inv[showTest] ? s.test.map { [$0] } ?? [] : []
            if inv[showTest] && test.isEmpty {
                throw ScriptError("no test set to show", at: inv.location(of: showTest), hint: "'load toy ...' keeps a test set (ratio=)")
            }
            let what = test.isEmpty ? "training points" : "training and test points"
            try s.show(boundaryChart(s, m, train: data, test: test, showTest: !test.isEmpty, discretize: inv[discretize],
                                     title: "decision regions of '\(m.name)' (\(what))"), options: options, inv)
        }
    }

    /// The model's output over the plane of 2-D data with the points on top: shaded by the output as the
    /// Playground does for two classes and regression, by class for more classes.
    static func boundaryChart(_ s: Interpreter, _ m: ModelState, train: LabeledData, test: [LabeledData], showTest: Bool,
                              discretize: Bool, title: String) -> Chart {
        let net = m.network
        let (xRange, yRange) = PlaneView.domain([train] + test)
        let outputs = net.outputWidth ?? 0
        func rows(_ d: LabeledData) -> [(x: Double, y: Double, row: Int)] {
            (0..<d.count).map { i in
                let r = d.matrix.row(i)
                return (Double(r[0]), Double(r[1]), i)
            }
        }
        if let reading = PlaneView.Reading(outputs: outputs, regression: train.isRegression, probabilities: net.endsInSoftmax) {
            let n = Chart.outputMapResolution
            let values = PlaneView.outputs(net, reading: reading, x: xRange, y: yRange, columns: n, rows: n)
            func value(_ d: LabeledData, _ i: Int) -> Double {
                if let t = d.targets { return Double(t[i]) }
                return d.labels[i] == 1 ? 1 : -1
            }
            var points = rows(train).map { (x: $0.x, y: $0.y, value: value(train, $0.row), isTest: false) }
            if showTest {
                for d in test { points += rows(d).map { (x: $0.x, y: $0.y, value: value(d, $0.row), isTest: true) } }
            }
            let names = train.isRegression ? ("value < 0", "value > 0")
                : (train.classNames.first ?? "class 0", train.classNames.dropFirst().first ?? "class 1")
            return Chart.outputMap(xRange: xRange, yRange: yRange, values: values, resolution: n, points: points,
                                   discretize: discretize, sideNames: (negative: names.0, positive: names.1), title: title)
        }
        // More than two classes: regions by class, as before (test points with the markers after the classes').
        let n = 150
        let classes = PlaneView.outputs(net, reading: nil, x: xRange, y: yRange, columns: n, rows: n)
        var points = rows(train).map { (x: $0.x, y: $0.y, label: Int(train.labels[$0.row])) }
        var names = train.classNames
        if showTest {
            let k = train.classNames.count
            for d in test { points += rows(d).map { (x: $0.x, y: $0.y, label: k + Int(d.labels[$0.row])) } }
            names += train.classNames.map { "\($0) (test)" }
        }
        return Chart.regions(xRange: xRange, yRange: yRange, classAt: { x, y in
            let c = Int(((x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * Double(n)).rounded(.down))
            let r = Int(((yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * Double(n)).rounded(.down))
            return Int(classes[min(max(r, 0), n - 1) * n + min(max(c, 0), n - 1)])
        }, points: points, classNames: names, title: title)
    }
}
