import Basics
import TensorCore
import NeuralNet
import Datasets
import Charts
#if canImport(Glibc)
import Glibc
#endif

/// One model of the session with what training it needs.
public final class ModelState {
    public let name: String
    public var network: Sequential
    public var loss: LossFunction = .crossEntropy
    /// Set by `loss`: regression data switch an unchosen loss to mse by themselves.
    public var lossChosen = false
    public var optimizer: Optimizer = SGD(learningRate: 0.01)
    public var optimizerChosen = false
    /// The weights' penalty (`regularization l1|l2 rate=...`); nil: none.
    public var regularization: Regularization?
    public var history: [EpochStats] = []
    /// Running training loss sampled during training: (epoch position, loss), for fine-grained loss curves.
    public var lossCurve: [(Double, Double)] = []
    public var trainer: Trainer?
    /// A k-nearest-neighbour model has no layers: it keeps the training set.
    public var knn: KNearestNeighbours?
    /// Its row in the session's `runs` table; nil until trained or evaluated after being built.
    var runIndex: Int?

    init(name: String) {
        self.name = name
        network = Sequential(name: name)
    }

    func trainerForCurrentSetup() -> Trainer {
        if let t = trainer, t.loss == loss, t.optimizer === optimizer, t.model === network, t.regularization == regularization { return t }
        let t = Trainer(model: network, loss: loss, optimizer: optimizer, regularization: regularization)
        trainer = t
        return t
    }

    func resetTraining() {
        history = []
        lossCurve = []
        trainer = nil
        runIndex = nil
        if optimizerChosen {
            // Fresh optimizer state (momentum buffers) for a fresh network, same settings.
            optimizer = optimizer.fresh()
        }
    }
}

/// Executes statements against a session: data, models, variables and settings.
public final class Interpreter {
    public static let version = "0.1.0"

    public let console: Console
    /// Polled once per training batch and before each statement; the REPL wires it to Ctrl-C and SIGTERM.
    public var shouldStop: () -> Bool = { false }
    /// What stopped the run, once `shouldStop` said so: the words of the error and the exit status.
    public var interruption: () -> (message: String, exitStatus: Int32) = { ("interrupted by Ctrl-C", 130) }
    /// False for reproducible transcripts (`--no-timing`): no durations in the output.
    public var showTiming = true
    public var chartOptions: ChartOptions
    public var asciiCharts: Bool
    public var widthOverride: Int?
    public internal(set) var finished = false
    /// What the last interactive input printed.
    public internal(set) var lastOutput = ""

    // Session state.
    var variables: [String: Value] = [:]
    public private(set) var seed: UInt64 = 0
    public private(set) var seedWasSet = false
    var rng = SeededRandom(seed: 0)
    var train: LabeledData? {
        didSet { trainSparse = nil }
    }
    /// The training set in sparse form, built on the first `train` after the data change.
    private(set) var trainSparse: SparseRows??
    /// The memory budget, in bytes (`set memory=`); models, data sets and kNN blocks are checked against it.
    public var memoryLimit = MemoryBudget.machineDefault
    var test: LabeledData?
    var validation: LabeledData?
    var dataDescription: String?
    var normalization: Normalization = .none
    /// sha256 of each data file loaded, for transcript headers.
    public private(set) var dataChecksums: [(file: String, sha256: String)] = []
    var models: [String: ModelState] = [:]
    var modelOrder: [String] = []
    var current: ModelState?
    /// Set by `record start`: transcript of the interactive session.
    var recording: Recording?
    /// Training runs of the session, for `runs` and `plot runs`.
    var runs: [RunRecord] = []
    /// The variables of the enclosing `for` loops, outermost first (labels of sweep runs).
    var loopBindings: [(name: String, value: Value)] = []

    public init(console: Console = Console(), ascii: Bool = false) {
        self.console = console
        asciiCharts = ascii
        chartOptions = ChartOptions.fromEnvironment(asciiOverride: ascii)
    }

    // MARK: running statements

    /// Runs statements in order; stops at the first error and throws it. Ctrl-C or SIGTERM stops it between
    /// two statements too (not only inside training), so a script stops at the next line.
    public func execute(_ statements: [Statement]) throws(ScriptError) {
        for statement in statements {
            if shouldStop() { throw located(.interrupted, at: statement) }
            try execute(statement)
            if finished { return }
        }
    }

    func execute(_ statement: Statement) throws(ScriptError) {
        do {
            try executeOne(statement)
        } catch {
            throw located(error, at: statement)
        }
    }

    /// An interrupt says where it stopped the run (the innermost statement) and what stopped it.
    func located(_ error: ScriptError, at statement: Statement) -> ScriptError {
        guard error.isInterrupt, error.location == nil else { return error }
        var e = error
        let (message, status) = interruption()
        e.message = message
        e.exitStatus = status
        switch statement {
        case .command(_, let location, _), .assign(_, let location, _), .loop(_, let location, _, _): e.location = location
        }
        return e
    }

    func executeOne(_ statement: Statement) throws(ScriptError) {
        switch statement {
        case .assign(let name, _, let expr):
            variables[name] = try evaluate(expr)
        case .loop(let variable, _, let sequenceExpr, let body):
            let sequence = try evaluate(sequenceExpr)
            guard case .list(let items) = sequence else {
                throw ScriptError("'for' needs a list to loop over, found \(sequence.typeName) '\(sequence)'",
                                  at: sequenceExpr.location, hint: "e.g. for lr in [0.1, 0.01, 0.001]")
            }
            let saved = variables[variable]
            let depth = loopBindings.count
            defer {
                variables[variable] = saved
                loopBindings.removeLast(loopBindings.count - depth)
            }
            loopBindings.append((variable, .list([])))
            for item in items {
                // Ctrl-C also ends a long sweep between iterations, not only inside 'train'.
                if shouldStop() { throw ScriptError.interrupted }
                variables[variable] = item
                loopBindings[depth] = (variable, item)
                try execute(body)
                if finished { return }
            }
        case .command(let name, let nameLocation, let arguments):
            guard let spec = Commands.table[name] else {
                throw ScriptError("unknown command '\(name)'", at: nameLocation,
                                  hint: Diagnostic.didYouMean(name, Commands.names) ?? "type 'help' for the list of commands")
            }
            var written: [WrittenArgument] = []
            var seen = Set<String>()
            var end = nameLocation
            for argument in arguments {
                // An option whose values are formulas (`features=x1*x2,sin(x1)`) keeps them as written, unless
                // the value is a variable.
                let formulas: Bool
                if let key = argument.key, case .terms? = spec.allOptions.first(where: { $0.name == key })?.kind {
                    if case .name(let n, _) = argument.value, variables[n] != nil { formulas = false } else { formulas = true }
                } else {
                    formulas = false
                }
                let value = formulas ? Interpreter.terms(argument.value) : try evaluate(argument.value)
                let loc = argument.value.location
                end = loc
                if let key = argument.key, !seen.insert(key).inserted {
                    throw ScriptError("option '\(key)' given twice", at: argument.keyLocation ?? loc)
                }
                written.append(WrittenArgument(key: argument.key, keyLocation: argument.keyLocation, value: LocatedValue(value: value, location: loc)))
            }
            end.column += end.length
            end.length = 1
            let invocation = try Invocation.bind(spec, location: nameLocation, written: written, end: end)
            try spec.run(self, invocation)
        }
    }

    /// The words of a formula option: each item of `a,b,c` (or `[a, b, c]`) as its text.
    static func terms(_ expr: Expr) -> Value {
        if case .list(let items, _) = expr { return .list(items.map { .symbol($0.text) }) }
        return .list([.symbol(expr.text)])
    }

    /// The math functions of the language: `sin(x)`, `exp(1)`, ...
    static let functions: [String: @Sendable (Double) -> Double] = [
        "sin": { sin($0) }, "cos": { cos($0) }, "tan": { tan($0) }, "tanh": { tanh($0) }, "exp": { exp($0) },
        "log": { log($0) }, "sqrt": { $0.squareRoot() }, "abs": { abs($0) },
    ]

    func evaluate(_ expr: Expr) throws(ScriptError) -> Value {
        switch expr {
        case .call(let name, let argumentExpr, let loc):
            guard let function = Interpreter.functions[name] else {
                throw ScriptError("unknown function '\(name)'", at: loc,
                                  hint: Diagnostic.didYouMean(name, Array(Interpreter.functions.keys))
                                      ?? "functions: \(Interpreter.functions.keys.sorted().joined(separator: ", "))")
            }
            let argument = try evaluate(argumentExpr)
            guard case .number(let x) = argument else {
                throw ScriptError("\(name)() needs a number, found \(argument.typeName) '\(argument)'", at: argumentExpr.location)
            }
            let result = function(x)
            guard result.isFinite else { throw ScriptError("\(name)(\(NumberText.value(x))) is not a finite number", at: loc) }
            return .number(result)
        case .number(let v, _): return .number(v)
        case .string(let s, let loc): return try bounded(.string(try interpolate(s, at: loc)), at: loc)
        case .name(let n, _): return variables[n] ?? .symbol(n)
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return try bounded(.list(values), at: expr.location)
        case .negate(let inner, let loc):
            let v = try evaluate(inner)
            guard case .number(let x) = v else {
                throw ScriptError("cannot negate \(v.typeName) '\(v)'", at: loc)
            }
            return .number(-x)
        case .binary(let op, let l, let r, let loc):
            let a = try evaluate(l), b = try evaluate(r)
            switch (a, b) {
            case (.number(let x), .number(let y)):
                let result: Double
                switch op {
                case "+": result = x + y
                case "-": result = x - y
                case "*": result = x * y
                case "^": result = pow(x, y)
                default:
                    guard y != 0 else { throw ScriptError("division by zero", at: loc) }
                    result = x / y
                }
                guard !result.isNaN else { throw ScriptError("\(NumberText.value(x)) \(op) \(NumberText.value(y)) is not a real number", at: loc) }
                guard result.isFinite else { throw ScriptError("result is too large", at: loc) }
                return .number(result)
            case (.list(let x), .list(let y)) where op == "+":
                return try bounded(.list(x + y), at: loc)
            case (.string, _) where op == "+", (_, .string) where op == "+":
                return try bounded(.string(a.description + b.description), at: loc)
            default:
                throw ScriptError("cannot apply '\(op)' to \(a.typeName) '\(a)' and \(b.typeName) '\(b)'", at: loc)
            }
        }
    }

    /// A loop that doubles a string or nests a list would otherwise exhaust memory (or the stack, when printed).
    func bounded(_ value: Value, at loc: SourceLocation) throws(ScriptError) -> Value {
        var budget = Value.maxSize
        guard value.fits(&budget) else {
            throw ScriptError("value is too large: more than \(NumberText.grouped(Value.maxSize)) characters or list items, or lists nested more than \(Value.maxDepth) deep",
                              at: loc)
        }
        return value
    }

    /// "{name}" inside strings is replaced by the variable's value.
    func interpolate(_ s: String, at loc: SourceLocation) throws(ScriptError) -> String {
        guard s.contains("{") else { return s }
        var out = ""
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { out += rest[open...]; return out }
            let name = String(rest[rest.index(after: open)..<close])
            if let v = variables[name] { out += v.description } else if Parser.isIdentifier(name) {
                throw ScriptError("unknown variable '\(name)' in string", at: loc,
                                  hint: Diagnostic.didYouMean(name, Array(variables.keys)) ?? "define it with: let \(name) = ...")
            } else { out += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    // MARK: state helpers used by commands

    func setSeed(_ value: UInt64) {
        seed = value
        seedWasSet = true
        rng = SeededRandom(seed: value)
    }

    /// A seed for a new component, drawn from the session generator so the whole run follows `seed`.
    func nextSeed() -> UInt64 { rng.next() }

    func finish() { finished = true }

    /// The training set as the trainer takes it, with its sparse form (computed once per data set).
    func trainingSamples(_ d: LabeledData) -> Samples {
        if trainSparse == nil { trainSparse = .some(SparseRows.make(d.matrix)) }
        return Samples(matrix: d.matrix, labels: d.labels, targets: d.targets, sparse: trainSparse ?? nil)
    }

    func requireModel(_ inv: Invocation) throws(ScriptError) -> ModelState {
        guard let m = current else {
            throw ScriptError("no model yet", at: inv.location, hint: "create one with 'mlp 784 128 64 10' or 'model NAME' and 'layer ...'")
        }
        return m
    }

    // MARK: memory budget

    /// Bytes a model's parameters take in training: weights, their gradients, and an optimizer's two moments.
    static func modelBytes(parameters: Int) -> Int { parameters * 16 }

    /// What the session holds (approximately, from the sizes it knows): its data sets, the sparse form of the
    /// training set, its models, and the training data kNN models keep. Shared matrices count once.
    func memoryInUse() -> Int {
        var total = 0
        var seen = Set<ObjectIdentifier>()
        func add(_ matrix: FeatureMatrix) {
            if seen.insert(ObjectIdentifier(matrix)).inserted { total += matrix.heldBytes }
        }
        for d in [train, test, validation].compactMap({ $0 }) {
            add(d.matrix)
            total += d.labels.count * 4 + (d.targets?.count ?? 0) * 4
        }
        if let sparse = trainSparse ?? nil { total += sparse.byteCount }
        for m in models.values {
            total += Interpreter.modelBytes(parameters: m.network.parameterCount)
            if let knn = m.knn { add(knn.train.matrix) }
        }
        return total
    }

    /// Bytes the data sets hold (what loading new ones frees).
    func dataBytes() -> Int {
        var total = 0
        var seen = Set<ObjectIdentifier>()
        for d in [train, test, validation].compactMap({ $0 }) where seen.insert(ObjectIdentifier(d.matrix)).inserted {
            total += d.matrix.heldBytes + d.labels.count * 4
        }
        return total + ((trainSparse ?? nil)?.byteCount ?? 0)
    }

    /// What the budget leaves, counting `freeing` (what the new thing replaces) as free.
    func memoryLeft(freeing: Int = 0) -> Int { max(0, memoryLimit - max(0, memoryInUse() - freeing)) }

    /// Refuses, before allocating, what would take the session beyond its memory budget.
    func requireMemory(_ bytes: Int, for what: String, at location: SourceLocation, freeing: Int = 0) throws(ScriptError) {
        let inUse = max(0, memoryInUse() - freeing)
        guard bytes > memoryLimit - inUse else { return }
        throw ScriptError(MemoryBudgetExceeded(what: what, needed: bytes, inUse: inUse, limit: memoryLimit).description,
                          at: location, hint: Interpreter.memoryHint)
    }

    static let memoryHint = "free memory by replacing models (a name used again frees the old model), or raise the budget: set memory=8GB"

    func requireTrainingData(_ inv: Invocation) throws(ScriptError) -> LabeledData {
        guard let t = train else {
            throw ScriptError("no data loaded", at: inv.location, hint: "load some first, e.g. 'load mnist'")
        }
        try Interpreter.requireUsable(t, "training", inv)
        return t
    }

    /// The model and the training data of a picture over the plane (`plot boundary`, `plot neurons`): data with 2
    /// features that the model fits. `needs` begins the error for other data ("decision regions need").
    func requireModelOverThePlane(_ inv: Invocation, needs: String, hint: String) throws(ScriptError) -> (model: ModelState, data: LabeledData) {
        let m = try requireModel(inv)
        let data = try requireTrainingData(inv)
        guard data.featureCount == 2 else {
            throw ScriptError("\(needs) 2-D data; these have \(data.featureCount) features", at: inv.location, hint: hint)
        }
        try TrainCommands.checkFits(m, data, inv)
        return (m, data)
    }

    /// Degenerate data stop here, with words, before any command indexes them: a set without samples or
    /// without features, images whose claimed size is not their number of values, labels beyond the classes.
    static func requireUsable(_ d: LabeledData, _ which: String, _ inv: Invocation) throws(ScriptError) {
        guard d.count > 0 else {
            throw ScriptError("the \(which) set is empty: it has no samples", at: inv.location,
                              hint: which == "validation" ? "make one with 'split val=0.1'" : "load a data set with samples")
        }
        guard d.featureCount > 0 else {
            throw ScriptError("the \(which) samples have no features" + (d.imageShape.map { " (images of \($0.rows)x\($0.cols) pixels)" } ?? ""),
                              at: inv.location)
        }
        guard d.matrix.count == d.count, d.matrix.width == d.featureCount, d.isRegression || d.labels.count == d.count,
              (d.targets?.count ?? d.count) == d.count else {
            throw ScriptError("the \(which) set is inconsistent: \(d.count) samples, \(d.matrix.count) rows of \(d.matrix.width) values, "
                              + "\(d.labels.count) labels", at: inv.location)
        }
        if let shape = d.imageShape, shape.rows * shape.cols != d.featureCount {
            throw ScriptError("the \(which) images claim \(shape.rows)x\(shape.cols) pixels but have \(d.featureCount) values each",
                              at: inv.location)
        }
        if !d.isRegression, let bad = d.labels.first(where: { $0 < 0 || Int($0) >= d.classNames.count }) {
            throw ScriptError("the \(which) set has label \(bad), beyond its \(d.classNames.count) classes", at: inv.location)
        }
    }

    func addModel(named name: String) -> ModelState {
        let m = ModelState(name: name)
        if models[name] == nil { modelOrder.append(name) }
        models[name] = m
        current = m
        return m
    }

    func recordChecksums(_ files: [(name: String, sha256: String)]) {
        for f in files where !dataChecksums.contains(where: { $0.file == f.name }) {
            dataChecksums.append((f.name, f.sha256))
        }
    }

    /// Fixed chart settings regardless of terminal and locale (tests, reproducible transcripts).
    public var fixedChartOptions: ChartOptions?

    var options: ChartOptions {
        if var fixed = fixedChartOptions {
            if let w = widthOverride { fixed.width = w }
            if asciiCharts { fixed.unicode = false }
            return fixed
        }
        var o = ChartOptions.fromEnvironment(asciiOverride: asciiCharts, widthOverride: widthOverride)
        if !console.isTerminal { o.color = false }
        return o
    }
}
