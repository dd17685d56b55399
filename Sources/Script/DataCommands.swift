import Basics
import Datasets
import Hashing
import Charts
import NeuralNet
import TensorCore

enum DataCommands {
    static let normalizations = ["standard", "unit", "none"]
    static let imageTrain = Option<Int>("train", default: 60_000, range: 1...60_000, valueName: "N", help: "keep the first N training images")
    static let imageTest = Option<Int>("test", default: 10_000, range: 1...10_000, valueName: "N", help: "keep the first N test images")
    static let imageNormalize = Option<String>("normalize", choices: normalizations, default: "standard",
                                               help: "standard: (x/255 - mean) / std with the set's customary mean and std; unit: x/255")
    static let csvPath = Positional<String>("PATH", what: "a file path", kind: .path, help: "the training file: one sample per row, a header is optional")
    static let csvLabel = Option<String>("label", text: "0", valueName: "COLUMN", help: "the label column: its header or its number from 0")
    static let csvTest = Option<String?>("test", kind: .path, valueName: "PATH", help: "a test file with the same columns")
    static let csvNormalize = Option<String>("normalize", choices: normalizations, default: "none",
                                             help: "standard: (x - mean) / std with the training file's mean and std; unit: x/255")
    static let toyKind = Positional<String>("KIND", what: "a toy data set", choices: ToySet.allCases.map(\.rawValue),
                                            help: "which toy problem: circle, xor, gauss, spiral (classes); plane, multigauss (regression)")
    static let toyCount = Option<Int?>("n", range: 4...100_000, valueName: "N", defaultText: "500; 1200 for plane and multigauss",
                                       help: "number of points")
    static let toyNoise = Option<Double>("noise", default: 0.1, range: 0...0.5,
                                         help: "how far points stray from their shape: the Playground's noise slider / 100")
    static let toyRatio = Option<Double>("ratio", default: 0.5, range: 0.1...0.9,
                                         help: "share of the points used for training (the Playground's ratio), the rest for testing")
    static let modelPath = Positional<String>("PATH", what: "a file path", kind: .path, help: "a .safetensors file written by 'save model'")
    static let validation = Option<Double>("val", default: 0.1, range: 0...0.9, help: "share of the training set held out")
    static let set = Option<String>("set", choices: ["train", "val", "test"], default: "train", help: "which set the images come from")
    static let imageIndex = Positional<Int>("I", what: "an image index", range: 0...Int.max, help: "the image's number in the set, from 0")
    static let sampleCount = Positional<Int>("N", what: "a number of samples", range: 1...100, default: 10, help: "how many images, from the first")

    static let specs: [CommandSpec] = [
        CommandSpec("load", group: .data, summary: "load a data set (or a saved model)",
                    details: """
                    MNIST comes from $NNLAB_DATA (default ~/.cache/nnlab), fetched and verified on first use.
                    normalize=standard uses the customary mean and std of each image set (MNIST 0.1307 and 0.3081, as
                    the lab notebook does; Fashion-MNIST 0.2860 and 0.3530), and those of the training file for a CSV.
                    """,
                    subcommands: [
                        SubcommandSpec("mnist", summary: "the handwritten digits: 60,000 training and 10,000 test images",
                                       options: [imageTrain, imageTest, imageNormalize]),
                        SubcommandSpec("fashion-mnist", summary: "Zalando's clothing images, in MNIST's format",
                                       options: [imageTrain, imageTest, imageNormalize]),
                        SubcommandSpec("csv", summary: "a CSV file: features and a label column", arguments: [csvPath],
                                       options: [csvLabel, csvTest, csvNormalize]),
                        SubcommandSpec("toy", summary: "2-D points of the TensorFlow Playground's problems", arguments: [toyKind],
                                       options: [toyCount, toyNoise, toyRatio]),
                        SubcommandSpec("model", summary: "a model saved with 'save model'", arguments: [modelPath]),
                    ],
                    subcommandWhat: "what to load", subcommandPlaceholder: "WHAT") { s, inv throws(ScriptError) in try load(s, inv) },
        CommandSpec("split", group: .data, summary: "hold out part of the training set for validation",
                    options: [validation]) { s, inv throws(ScriptError) in
            var train = try s.requireTrainingData(inv)
            if let v = s.validation {
                // Splitting again starts from the full training set.
                train = merge(train, v)
            }
            let fraction = inv[validation]
            // The two parts are copies of the rows, beside the set they come from until it is replaced.
            try s.requireMemory(train.matrix.storedBytes + train.count * 8, for: "splitting the \(NumberText.grouped(train.count)) training samples",
                                at: inv.location)
            var order = Array(0..<train.count)
            var rng = SeededRandom(seed: s.nextSeed())
            rng.shuffle(&order)
            // At least one sample stays for training: an empty set breaks knn, plot boundary, distance...
            let valCount = min(train.count - 1, Int((Double(train.count) * fraction).rounded()))
            if valCount == 0 {
                s.train = train
                s.validation = nil
                s.console.line("no validation set; training on all \(NumberText.grouped(train.count)) samples")
                return
            }
            s.validation = pick(train, Array(order[0..<valCount]), name: "validation")
            s.train = pick(train, Array(order[valCount...]), name: train.name)
            s.console.line("split: \(NumberText.grouped(train.count - valCount)) for training, \(NumberText.grouped(valCount)) for validation")
        },
        CommandSpec("data", group: .data, summary: "what is loaded: sizes, shapes, class counts as bars") { s, inv throws(ScriptError) in
            let train = try s.requireTrainingData(inv)
            describe(s, train)
        },
        CommandSpec("show", group: .data, summary: "draw images in the terminal with their labels", options: [set, FigureFile.option],
                    subcommands: [
                        SubcommandSpec("image", summary: "one image, drawn with its label", arguments: [imageIndex]),
                        SubcommandSpec("samples", summary: "the first N images of the set in a grid", arguments: [sampleCount]),
                        SubcommandSpec("pixels", summary: "one image's pixel values (0-255) as a grid of numbers", arguments: [imageIndex]),
                    ],
                    subcommandWhat: "what to show", subcommandPlaceholder: "WHAT") { s, inv throws(ScriptError) in
            try show(s, inv)
        },
    ]

    static func load(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        switch inv.subcommand {
        case "mnist", "fashion-mnist":
            let set: ImageSet = inv.subcommand == "mnist" ? .mnist : .fashionMNIST
            let loaded: LoadedImageSet
            do {
                // The data loaded before are replaced: what they hold counts as free. What a fetch is doing goes
                // to the terminal only; the cell says once where the data came from.
                loaded = try ImageSetLoader.load(set, memoryLimit: s.memoryLeft(freeing: s.dataBytes()), log: { s.console.note($0) })
            } catch {
                throw ScriptError("cannot load \(set.rawValue): \(error)", at: inv.subcommandLocation ?? inv.location,
                                  hint: (error as? DataError)?.memory != nil ? Interpreter.memoryHint : nil)
            }
            var train = loaded.train.subset(0..<min(inv[imageTrain], loaded.train.count))
            var test = loaded.test.subset(0..<min(inv[imageTest], loaded.test.count))
            let norm = inv[imageNormalize]
            let normalization: Normalization = norm == "standard" ? set.standardNormalization : norm == "unit" ? .unit : .none
            normalization.apply(to: &train)
            normalization.apply(to: &test)
            s.normalization = normalization
            s.recordChecksums(loaded.files)
            install(s, train: train, test: test, description: set.displayName)
            let shape = train.imageShape.map { "\($0.rows)x\($0.cols)" } ?? "?"
            s.console.line("loaded \(set.displayName) (\(loaded.source)): \(NumberText.grouped(train.count)) training and \(NumberText.grouped(test.count)) test images, \(shape), normalize=\(norm)")
        case "csv":
            let path = inv[csvPath]
            let label = inv[csvLabel]
            var train: LabeledData
            let limit = s.memoryLeft(freeing: s.dataBytes())
            do { train = try CSV.readLabeled(path, labelColumn: label, memoryLimit: limit) } catch {
                throw ScriptError("\(error)", at: inv.location(of: csvPath),
                                  hint: (error as? DataError)?.memory != nil ? Interpreter.memoryHint : nil)
            }
            var test: LabeledData?
            if let testPath = inv[csvTest] {
                let left = max(0, limit - train.matrix.heldBytes - train.labels.count * 4)
                do { test = try CSV.readLabeled(testPath, labelColumn: label, memoryLimit: left) } catch {
                    throw ScriptError("\(error)", at: inv.valueLocation(of: csvTest),
                                      hint: (error as? DataError)?.memory != nil ? Interpreter.memoryHint : nil)
                }
                if let t = test, t.featureCount != train.featureCount {
                    throw ScriptError("test file has \(t.featureCount) features but the training file has \(train.featureCount)",
                                      at: inv.valueLocation(of: csvTest))
                }
            }
            // Each file numbers its own classes: give both one list, so class 3 means the same in both.
            var unseen: [String] = []
            if var t = test {
                unseen = LabeledData.sharingClasses(&train, &t)
                test = t
            }
            // Standardised with the training file's own statistics: the test file must not leak into them.
            let norm = inv[csvNormalize]
            let normalization: Normalization = norm == "standard" ? .fitted(to: train) : norm == "unit" ? .unit : .none
            normalization.apply(to: &train)
            if var t = test { normalization.apply(to: &t); test = t }
            s.normalization = normalization
            for file in [path] + (inv[csvTest].map { [$0] } ?? []) {
                if let sum = try? SHA256.hex(file: file) { s.recordChecksums([(name: lastComponent(file), sha256: sum)]) }
            }
            install(s, train: train, test: test, description: lastComponent(path))
            s.console.line("loaded \(path): \(NumberText.grouped(train.count)) rows, \(train.featureCount) features, \(train.classNames.count) classes"
                           + (test.map { ", test \(NumberText.grouped($0.count)) rows" } ?? ""))
            if case .standardScore(let mean, let std) = normalization {
                s.console.line("normalize=standard: (x - \(NumberText.significant(Double(mean), 5))) / \(NumberText.significant(Double(std), 5)), the mean and std of the training file")
            }
            let present = train.classCounts().enumerated().filter { $0.element > 0 }.map(\.offset)
            if present.count == 1 && !train.isRegression {
                s.console.line("note: every row has the label '\(train.className(present[0]))': one class, nothing to tell apart (is the label column right?)")
            }
            if !unseen.isEmpty {
                s.console.line("note: the test file has labels the training file has none of: \(unseen.prefix(10).joined(separator: ", "))"
                               + (unseen.count > 10 ? ", ..." : "") + " (no model can learn them from this training set)")
            }
        case "toy":
            let kind = inv[toyKind]
            guard let set = ToySet(rawValue: kind) else { return }
            let n = inv[toyCount] ?? set.defaultCount
            let noise = inv[toyNoise]
            let ratio = inv[toyRatio]
            let all = ToyData.make(set, count: n, noise: noise, seed: s.nextSeed())
            // Both sets keep at least one point (n=4 ratio=0.9 would otherwise leave no test set).
            let trainCount = min(n - 1, max(1, Int((Double(n) * ratio).rounded())))
            let train = all.subset(0..<trainCount)
            let test = all.subset(trainCount..<n)
            s.normalization = .none
            install(s, train: train, test: test, description: "toy \(kind)")
            s.console.line("loaded toy \(kind): \(trainCount) training and \(n - trainCount) test points, 2 features, noise \(NumberText.value(noise))"
                           + (set.isRegression ? "; regression: a value per point (about -1 to 1), trained with mse" : ""))
        default:
            try PersistenceCommands.loadModel(s, path: inv[modelPath], at: inv.location(of: modelPath))
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
        out.targets = d.targets.map { t in indices.map { t[$0] } }
        out.count = indices.count
        return out
    }

    static func merge(_ a: LabeledData, _ b: LabeledData) -> LabeledData {
        var out = a
        out.matrix = a.matrix.appending(b.matrix)
        out.labels = a.labels + b.labels
        if let t = a.targets, let u = b.targets { out.targets = t + u }
        out.count = a.count + b.count
        return out
    }

    static func describe(_ s: Interpreter, _ train: LabeledData) {
        let shape = train.imageShape.map { "images \($0.rows)x\($0.cols) (\(train.featureCount) features)" } ?? "\(train.featureCount) features"
        s.console.line("data: \(s.dataDescription ?? train.name)")
        s.console.line("  train       \(NumberText.grouped(train.count).leftPadded(to: 7)) \(shape), "
                       + (train.isRegression ? "a real value each (regression)" : "\(train.classNames.count) classes"))
        if let v = s.validation { s.console.line("  validation  \(NumberText.grouped(v.count).leftPadded(to: 7))") }
        if let t = s.test { s.console.line("  test        \(NumberText.grouped(t.count).leftPadded(to: 7))") }
        switch s.normalization {
        case .none: s.console.line("  pixels as stored (no normalization)")
        case .unit: s.console.line("  normalized to [0, 1] (x/255)")
        case .standard(let mean, let std): s.console.line("  normalized: (x/255 - \(mean)) / \(std)")
        case .standardScore(let mean, let std):
            s.console.line("  normalized: (x - \(NumberText.significant(Double(mean), 5))) / \(NumberText.significant(Double(std), 5)) (the training set's mean and std)")
        }
        if let targets = train.targets {
            s.show(Chart.histogram(targets.map(Double.init), bins: 20, title: "training values (targets)"))
            return
        }
        let counts = train.classCounts().map(Double.init)
        s.show(Chart.bars(labels: train.classNames, values: counts, title: "training samples per class",
                          valueFormat: "%.0f"))
    }

    /// Pixel values back on the 0-255 scale, whatever normalization was applied.
    static func rawPixels(_ s: Interpreter, _ values: ArraySlice<Float>) -> [Float] {
        values.map { s.normalization.denormalize($0) }
    }

    /// "training", "validation" or "test", for titles.
    static func setTitle(_ which: String) -> String { ["train": "training", "val": "validation"][which] ?? which }

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
        try Interpreter.requireUsable(d, which == "val" ? "validation" : which == "train" ? "training" : which, inv)
        return d
    }

    /// An image index checked against the set it indexes.
    static func imageIndex(_ inv: Invocation, _ argument: Positional<Int>, in data: LabeledData) throws(ScriptError) -> Int {
        try inv.int(argument, within: 0...max(0, data.count - 1))
    }

    static func show(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        _ = try FigureFile.path(inv)
        _ = try s.requireTrainingData(inv)
        let which = inv[set]
        let data = try dataset(s, inv, which)
        guard let shape = data.imageShape else {
            throw ScriptError("these data are not images (\(data.featureCount) features per sample)", at: inv.subcommandLocation ?? inv.location,
                              hint: "try 'plot boundary' for 2-D toy data")
        }
        switch inv.subcommand {
        case "image", "pixels":
            let i = try imageIndex(inv, imageIndex, in: data)
            let pixels = data.matrix.row(i)
            let label = data.labelName(i)
            if inv.subcommand == "image" {
                try s.show(Chart.image(pixels, width: shape.cols, height: shape.rows,
                                   caption: "#\(i): label \(label)"), inv)
            } else {
                try s.show(Chart.numberGrid(rawPixels(s, pixels[...]).map { $0.rounded() }, width: shape.cols, height: shape.rows,
                                        title: "#\(i): label \(label), pixel values 0-255"), inv)
            }
        default:
            let count = min(inv[sampleCount], data.count)
            var images: [[Float]] = []
            var captions: [String] = []
            for i in 0..<count {
                images.append(data.matrix.row(i))
                captions.append("#\(i): \(data.labelName(i))")
            }
            try s.show(Chart.imageGrid(images, width: shape.cols, height: shape.rows, captions: captions,
                                   title: "the first \(count) \(setTitle(which)) images (#index: label)"), inv)
        }
    }
}

extension LabeledData {
    /// How a sample's label is shown: its class name, or its target value for regression data.
    func labelName(_ i: Int) -> String {
        if let targets, i >= 0, i < targets.count { return NumberText.value(Double(targets[i])) }
        guard i >= 0, i < labels.count else { return "?" }
        return className(Int(labels[i]))
    }

    /// The name of class `c`, or its number when the list has no such class (a model's prediction on data with
    /// fewer classes).
    func className(_ c: Int) -> String { c >= 0 && c < classNames.count ? classNames[c] : "class \(c)" }
}
