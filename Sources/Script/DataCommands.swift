import Datasets
import Charts
import NeuralNet
import TensorCore

enum DataCommands {
    static let loadUsage = "load mnist|fashion-mnist|csv PATH|toy KIND|model PATH [options]"

    static let specs: [CommandSpec] = [
        CommandSpec(name: "load", usage: loadUsage, summary: "load a data set (or a saved model)",
                    details: """
                    load mnist [train=N] [test=N] [normalize=standard|unit|none]
                    load fashion-mnist [train=N] [test=N] [normalize=standard|unit|none]
                    load csv PATH [label=COLUMN] [test=PATH] [normalize=none|unit|standard]
                    load toy circle|xor|gauss|spiral [n=500] [noise=0.1] [ratio=0.5]
                    load model PATH            (a .safetensors file written by 'save model')
                    MNIST comes from $NNLAB_DATA (default ~/.cache/nnlab), fetched and verified on first use.
                    normalize=standard uses the customary mean and std of each image set (MNIST 0.1307 and 0.3081, as
                    the lab notebook does; Fashion-MNIST 0.2860 and 0.3530), and those of the training file for a CSV.
                    """,
                    keys: ["train", "test", "normalize", "label", "n", "noise", "ratio"],
                    completions: ["mnist", "fashion-mnist", "csv", "toy", "model", "circle", "xor", "gauss", "spiral"],
                    group: "data") { s, inv throws(ScriptError) in try load(s, inv) },
        CommandSpec(name: "split", usage: "split val=0.1", summary: "hold out part of the training set for validation",
                    keys: ["val"], group: "data") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "split val=0.1")
            var train = try s.requireTrainingData(inv)
            if let v = s.validation {
                // Splitting again starts from the full training set.
                train = merge(train, v)
            }
            let fraction = try inv.number("val", default: 0.1, range: 0...0.9)
            var order = Array(0..<train.count)
            var rng = SeededRandom(seed: s.nextSeed())
            rng.shuffle(&order)
            // At least one sample stays for training: an empty set breaks knn, plot boundary, distance...
            let valCount = min(train.count - 1, Int((Double(train.count) * fraction).rounded()))
            if valCount == 0 {
                s.train = train
                s.validation = nil
                s.console.line("no validation set; training on all \(grouped(train.count)) samples")
                return
            }
            s.validation = pick(train, Array(order[0..<valCount]), name: "validation")
            s.train = pick(train, Array(order[valCount...]), name: train.name)
            s.console.line("split: \(grouped(train.count - valCount)) for training, \(grouped(valCount)) for validation")
        },
        CommandSpec(name: "data", usage: "data", summary: "what is loaded: sizes, shapes, class counts as bars",
                    group: "data") { s, inv throws(ScriptError) in
            try inv.expectAtMost(0, usage: "data")
            let train = try s.requireTrainingData(inv)
            describe(s, train)
        },
        CommandSpec(name: "show", usage: "show image I | samples N | pixels I [set=train|test]",
                    summary: "draw images in the terminal with their labels",
                    keys: ["set"], completions: ["image", "samples", "pixels"], group: "data") { s, inv throws(ScriptError) in
            try show(s, inv)
        },
    ]

    static func load(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let what = try inv.word(0, "what to load", choices: ["mnist", "fashion-mnist", "csv", "toy", "model"], usage: loadUsage)
        switch what {
        case "mnist", "fashion-mnist":
            try inv.expectAtMost(1, usage: "load \(what) [train=N] [test=N] [normalize=standard|unit|none]")
            try only(inv, ["train", "test", "normalize"], for: "load \(what)")
            let trainLimit = try inv.int("train", default: 60_000, range: 1...60_000)
            let testLimit = try inv.int("test", default: 10_000, range: 1...10_000)
            let norm = try inv.choice("normalize", default: "standard", choices: ["standard", "unit", "none"])
            let set: ImageSet = what == "mnist" ? .mnist : .fashionMNIST
            let loaded: LoadedImageSet
            do {
                loaded = try ImageSetLoader.load(set, log: { s.console.line($0) })
            } catch {
                throw ScriptError("cannot load \(what): \(error)", at: inv.positional[0].location)
            }
            var train = loaded.train.subset(0..<min(trainLimit, loaded.train.count))
            var test = loaded.test.subset(0..<min(testLimit, loaded.test.count))
            let normalization: Normalization
            switch norm {
            case "standard": normalization = set.standardNormalization
            case "unit": normalization = .unit
            default: normalization = .none
            }
            normalization.apply(to: &train)
            normalization.apply(to: &test)
            s.normalization = normalization
            s.recordChecksums(loaded.files)
            install(s, train: train, test: test, description: what == "mnist" ? "MNIST" : "Fashion-MNIST")
            s.console.line("loaded \(what == "mnist" ? "MNIST" : "Fashion-MNIST"): \(grouped(train.count)) training and \(grouped(test.count)) test images, 28x28, normalize=\(norm)")
        case "csv":
            try only(inv, ["label", "test", "normalize"], for: "load csv")
            try inv.expectAtMost(2, usage: "load csv PATH [label=COLUMN] [test=PATH]")
            let pathArg = try inv.require(1, "a file path", usage: "load csv PATH [label=COLUMN]")
            let path = pathArg.value.description
            let label = try inv.string("label") ?? "0"
            let norm = try inv.choice("normalize", default: "none", choices: ["standard", "unit", "none"])
            var train: LabeledData
            do { train = try CSV.readLabeled(path, labelColumn: label) } catch {
                throw ScriptError("\(error)", at: pathArg.location)
            }
            var test: LabeledData?
            if let testPath = try inv.string("test") {
                do { test = try CSV.readLabeled(testPath, labelColumn: label) } catch {
                    throw ScriptError("\(error)", at: inv.options["test"]?.location ?? inv.location)
                }
                if let t = test, t.featureCount != train.featureCount {
                    throw ScriptError("test file has \(t.featureCount) features but the training file has \(train.featureCount)",
                                      at: inv.options["test"]?.location ?? inv.location)
                }
            }
            // Standardised with the training file's own statistics: the test file must not leak into them.
            let normalization: Normalization = norm == "unit" ? .unit : norm == "standard" ? .fitted(to: train) : .none
            normalization.apply(to: &train)
            if var t = test { normalization.apply(to: &t); test = t }
            s.normalization = normalization
            for file in [path] + ((try inv.string("test")).map { [$0] } ?? []) {
                if let sum = try? SHA256.hex(file: file) { s.recordChecksums([(name: lastComponent(file), sha256: sum)]) }
            }
            install(s, train: train, test: test, description: lastComponent(path))
            s.console.line("loaded \(path): \(grouped(train.count)) rows, \(train.featureCount) features, \(train.classNames.count) classes"
                           + (test.map { ", test \(grouped($0.count)) rows" } ?? ""))
            if case .standardScore(let mean, let std) = normalization {
                s.console.line("normalize=standard: (x - \(formatSignificant(Double(mean), 5))) / \(formatSignificant(Double(std), 5)), the mean and std of the training file")
            }
        case "toy":
            try only(inv, ["n", "noise", "ratio"], for: "load toy")
            try inv.expectAtMost(2, usage: "load toy circle|xor|gauss|spiral [n=500] [noise=0.1] [ratio=0.5]")
            let kind = try inv.word(1, "toy data set", choices: ToySet.allCases.map(\.rawValue), usage: "load toy circle|xor|gauss|spiral")
            let n = try inv.int("n", default: 500, range: 4...100_000)
            let noise = try inv.number("noise", default: 0.1, range: 0...1)
            let ratio = try inv.number("ratio", default: 0.5, range: 0.1...0.9)
            guard let set = ToySet(rawValue: kind) else { return }
            let all = ToyData.make(set, count: n, noise: noise, seed: s.nextSeed())
            // Both sets keep at least one point (n=4 ratio=0.9 would otherwise leave no test set).
            let trainCount = min(n - 1, max(1, Int((Double(n) * ratio).rounded())))
            let train = all.subset(0..<trainCount)
            let test = all.subset(trainCount..<n)
            s.normalization = .none
            install(s, train: train, test: test, description: "toy \(kind)")
            s.console.line("loaded toy \(kind): \(trainCount) training and \(n - trainCount) test points, 2 features, noise \(Value.format(noise))")
        default:
            try PersistenceCommands.loadModel(s, inv)
        }
    }

    static func only(_ inv: Invocation, _ keys: [String], for what: String) throws(ScriptError) {
        for key in inv.options.keys.sorted() where !keys.contains(key) {
            throw ScriptError("option '\(key)' does not apply to '\(what)'", at: inv.location(of: key),
                              hint: keys.isEmpty ? nil : "options of '\(what)': \(keys.joined(separator: ", "))")
        }
    }

    static func install(_ s: Interpreter, train: LabeledData, test: LabeledData?, description: String) {
        s.train = train
        s.test = test
        s.validation = nil
        s.dataDescription = description
    }

    static func lastComponent(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }

    static func pick(_ d: LabeledData, _ indices: [Int], name: String) -> LabeledData {
        var out = d
        out.name = name
        out.matrix = d.matrix.rows(indices)
        out.labels = indices.map { d.labels[$0] }
        out.count = indices.count
        return out
    }

    static func merge(_ a: LabeledData, _ b: LabeledData) -> LabeledData {
        var out = a
        out.matrix = a.matrix.appending(b.matrix)
        out.labels = a.labels + b.labels
        out.count = a.count + b.count
        return out
    }

    static func describe(_ s: Interpreter, _ train: LabeledData) {
        let shape = train.imageShape.map { "images \($0.rows)x\($0.cols) (\(train.featureCount) features)" } ?? "\(train.featureCount) features"
        s.console.line("data: \(s.dataDescription ?? train.name)")
        s.console.line("  train       \(grouped(train.count).leftPadded(to: 7)) \(shape), \(train.classNames.count) classes")
        if let v = s.validation { s.console.line("  validation  \(grouped(v.count).leftPadded(to: 7))") }
        if let t = s.test { s.console.line("  test        \(grouped(t.count).leftPadded(to: 7))") }
        switch s.normalization {
        case .none: s.console.line("  pixels as stored (no normalization)")
        case .unit: s.console.line("  normalized to [0, 1] (x/255)")
        case .standard(let mean, let std): s.console.line("  normalized: (x/255 - \(mean)) / \(std)")
        case .standardScore(let mean, let std):
            s.console.line("  normalized: (x - \(formatSignificant(Double(mean), 5))) / \(formatSignificant(Double(std), 5)) (the training set's mean and std)")
        }
        let counts = train.classCounts().map(Double.init)
        s.console.chart(Chart.bars(labels: train.classNames, values: counts, title: "training samples per class",
                                   valueFormat: "%.0f", options: s.options))
    }

    /// Pixel values back on the 0-255 scale, whatever normalization was applied.
    static func rawPixels(_ s: Interpreter, _ values: ArraySlice<Float>) -> [Float] {
        values.map { s.normalization.denormalize($0) }
    }

    static func chooseSet(_ s: Interpreter, _ inv: Invocation, default name: String = "train") throws(ScriptError) -> LabeledData {
        try dataset(s, inv, try inv.choice("set", default: name, choices: ["train", "val", "test"]))
    }

    /// The loaded set named train, val or test, or the error saying how to get it.
    static func dataset(_ s: Interpreter, _ inv: Invocation, _ which: String) throws(ScriptError) -> LabeledData {
        let data: LabeledData?
        switch which {
        case "train": data = s.train
        case "val": data = s.validation
        default: data = s.test
        }
        guard let d = data else {
            throw ScriptError(which == "val" ? "no validation set" : "no \(which) data loaded", at: inv.location,
                              hint: which == "val" ? "make one with 'split val=0.1'" : "load some first, e.g. 'load mnist'")
        }
        return d
    }

    static func imageIndex(_ inv: Invocation, _ position: Int, in data: LabeledData, usage: String) throws(ScriptError) -> Int {
        try inv.int(position, "an image index", range: 0...max(0, data.count - 1), usage: usage)
    }

    static func show(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        let usage = "show image I | samples N | pixels I [set=train|test]"
        let what = try inv.word(0, "what to show", choices: ["image", "samples", "pixels"], usage: usage)
        _ = try s.requireTrainingData(inv)
        let data = try chooseSet(s, inv)
        try inv.expectAtMost(2, usage: usage)
        guard let shape = data.imageShape else {
            throw ScriptError("these data are not images (\(data.featureCount) features per sample)", at: inv.positional[0].location,
                              hint: "try 'plot boundary' for 2-D toy data")
        }
        switch what {
        case "image", "pixels":
            let i = try imageIndex(inv, 1, in: data, usage: "show \(what) I")
            let pixels = data.matrix.row(i)
            let label = data.classNames[Int(data.labels[i])]
            if what == "image" {
                s.console.chart(Chart.image(pixels, width: shape.cols, height: shape.rows,
                                            caption: "#\(i): label \(label)", options: s.options))
            } else {
                s.console.line("#\(i): label \(label), pixel values 0-255")
                s.console.chart(Chart.numberGrid(rawPixels(s, pixels[...]).map { $0.rounded() }, width: shape.cols, height: shape.rows))
            }
        default:
            let n = try inv.optionalInt(1, "a number of samples", range: 1...100, default: 10)
            let count = min(n, data.count)
            var images: [[Float]] = []
            var captions: [String] = []
            for i in 0..<count {
                images.append(data.matrix.row(i))
                captions.append("#\(i): \(data.classNames[Int(data.labels[i])])")
            }
            s.console.chart(Chart.imageGrid(images, width: shape.cols, height: shape.rows, captions: captions, options: s.options))
        }
    }
}
