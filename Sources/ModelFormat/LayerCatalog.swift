import NeuralNet
import TensorCore

/// The layer kinds of the language and of saved layer lists, in one table: name, sizes, settings (name, range,
/// default) and a line of help each. `layer`, `mlp`, `plot activation`, model files, completion and `help` all
/// read it; `LayerCatalog.recipe` (and `parse`, for text) is the one way from a description to a layer.
public enum LayerCatalog {
    /// Keeps a typo like `layer linear 784 12800000` (or a file claiming such sizes) from allocating gigabytes.
    public static let maxWidth = 100_000
    public static let maxParameters = 50_000_000

    static let inputSize = LayerSize(name: "IN", what: "the input size (IN)", help: "values each sample brings in")
    static let outputSize = LayerSize(name: "OUT", what: "the output size (OUT)", help: "values the layer puts out (its neurons)")
    static let classCount = LayerSize(name: "CLASSES", what: "the number of classes", help: "one score per class", range: 1...1000)

    /// How a linear layer's weights start; also `mlp init=`.
    public static let initialisation = LayerSetting(
        name: "init", choices: Linear.Initialisation.allCases.map(\.rawValue), default: Linear.Initialisation.pytorch.rawValue,
        help: "starting weights: PyTorch's uniform, He's normal or Xavier's uniform", isDescriptive: false)
    /// leaky_relu's and elu's setting (each row has its own default); also `mlp alpha=`.
    public static let alpha = LayerSetting(name: "alpha", range: 0...10, default: 0, help: "slope (leaky_relu) or scale (elu) for x < 0")

    public static let linear = LayerKind(name: Linear.kind, help: "fully connected: y = x W + b", sizes: [inputSize, outputSize],
                                         settings: [initialisation], parameters: { $0[0] * $0[1] + $0[1] }) { recipe, rng in
        Linear(inputs: recipe.sizes[0], outputs: recipe.sizes[1],
               initialisation: Linear.Initialisation(rawValue: recipe.word(initialisation.name)) ?? .pytorch, rng: &rng)
    }
    public static let dropout = LayerKind(
        name: Dropout.kind, help: "in training, zeroes each value with probability p (and scales the rest by 1/(1-p))",
        settings: [LayerSetting(name: "p", range: 0...0.99, default: 0.2, help: "probability of dropping a value")]) { recipe, rng in
        Dropout(probability: Float(recipe.number("p")), seed: rng.next())
    }
    /// The Playground's input features, chosen by name: `features x1,x2,x1*x2` (made by `mlp features=...`).
    public static let features = LayerKind(
        name: InputFeatures.kind, help: "the Playground's input features of (x1, x2): x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2)",
        terms: InputFeature.allCases.map(\.name), isTyped: false) { recipe, _ in
        InputFeatures(recipe.terms.compactMap(InputFeature.init(name:)))
    }
    public static let linearClassifier = LayerKind(
        name: BiasTrickLinear.kind, help: "linear classifier with the bias trick: f(x) = W [x; 1] (made by 'linear')",
        sizes: [inputSize, classCount], isTyped: false, parameters: { ($0[0] + 1) * $0[1] }) { recipe, rng in
        BiasTrickLinear(inputs: recipe.sizes[0], classes: recipe.sizes[1], rng: &rng)
    }

    /// Every kind, in the order `help` and error messages list them.
    public static let kinds: [LayerKind] = [
        linear,
        activation(.relu, help: "max(0, x)"),
        activation(.sigmoid, help: "1 / (1 + e^-x)"),
        activation(.tanh, help: "(e^x - e^-x) / (e^x + e^-x)"),
        activation(.leakyReLU(alpha: 0.1), help: "x for x > 0, alpha x otherwise"),
        activation(.elu(alpha: 1), help: "x for x > 0, alpha (e^x - 1) otherwise"),
        activation(.identity, help: "x: no non-linearity (the Playground's 'linear')"),
        LayerKind(name: Softmax.kind, help: "probabilities: e^x_i / sum_j e^x_j (cross_entropy already applies it)") { _, _ in Softmax() },
        dropout,
        features,
        linearClassifier,
    ]

    /// Other names of activations, as the Playground calls them: `mlp act=linear` is `identity`.
    public static let activationAliases: [String: String] = ["linear": "identity"]

    /// An activation by its name or alias.
    public static func activation(named name: String) -> LayerKind? {
        kind(named: activationAliases[name] ?? name).flatMap { $0.activation != nil ? $0 : nil }
    }

    /// The kinds `layer` offers.
    public static var typedKinds: [LayerKind] { kinds.filter(\.isTyped) }
    /// The element-wise activation functions (`mlp act=`, `plot activation`).
    public static var activations: [LayerKind] { kinds.filter { $0.activation != nil } }

    public static func kind(named name: String) -> LayerKind? { kinds.first { $0.name == name } }

    /// An activation's row: name and default setting from the function itself (`.leakyReLU(alpha: 0.1)`).
    static func activation(_ function: Activation.Function, help: String) -> LayerKind {
        // The Float's shortest decimal (0.1, not 0.100000001), so help and the option's default read as written.
        let settings = function.alpha.map { [alpha.with(default: .number(Double("\($0)") ?? Double($0)))] } ?? []
        return LayerKind(name: function.name, help: help, settings: settings, activation: function) { recipe, _ in
            Activation(settings.isEmpty ? function : function.with(alpha: Float(recipe.number(alpha.name))))
        }
    }
}

/// One kind of layer: what is written after its name and how it is built.
public struct LayerKind: Sendable {
    public let name: String
    public let help: String
    /// The sizes written after the name ("linear 784 128": IN, OUT).
    public let sizes: [LayerSize]
    public let settings: [LayerSetting]
    /// The words a kind takes as a comma-separated list after its name (the input features); nil: none.
    public let terms: [String]?
    /// Offered by `layer`; the linear classifier is made by `linear` and read back from files only.
    public let isTyped: Bool
    /// For activations: the function, with its default setting.
    public let activation: Activation.Function?
    /// The number of parameters for these sizes, known before anything is allocated.
    let parameters: @Sendable ([Int]) -> Int
    let build: @Sendable (LayerRecipe, inout SeededRandom) -> Layer

    init(name: String, help: String, sizes: [LayerSize] = [], settings: [LayerSetting] = [], terms: [String]? = nil,
         isTyped: Bool = true, activation: Activation.Function? = nil, parameters: @escaping @Sendable ([Int]) -> Int = { _ in 0 },
         build: @escaping @Sendable (LayerRecipe, inout SeededRandom) -> Layer) {
        self.name = name
        self.help = help
        self.sizes = sizes
        self.settings = settings
        self.terms = terms
        self.isTyped = isTyped
        self.activation = activation
        self.parameters = parameters
        self.build = build
    }

    public func setting(named name: String) -> LayerSetting? { settings.first { $0.name == name } }

    /// This kind's recipe for these sizes and settings (see `LayerCatalog.recipe`).
    public func recipe(sizes: [Int] = [], settings: [(name: String, value: LayerSettingValue)] = [], terms: [String] = [])
        -> Result<LayerRecipe, LayerDescriptionError> {
        LayerCatalog.recipe(kind: name, sizes: sizes, settings: settings, terms: terms)
    }
}

/// A size written after a layer's name.
public struct LayerSize: Sendable {
    /// The placeholder in usage lines: "IN".
    public let name: String
    /// How messages name it: "the input size (IN)".
    public let what: String
    public let help: String
    public let range: ClosedRange<Int>
    init(name: String, what: String, help: String, range: ClosedRange<Int> = 1...LayerCatalog.maxWidth) {
        self.name = name
        self.what = what
        self.help = help
        self.range = range
    }
}

/// A `key=value` setting of a layer kind: a number in a range or a word from a list, with its default.
public struct LayerSetting: Sendable {
    public enum Domain: Sendable, Equatable {
        case number(ClosedRange<Double>)
        case choice([String])
    }
    public let name: String
    public let domain: Domain
    public let defaultValue: LayerSettingValue
    public let help: String
    /// Part of the layer's description (`leaky_relu alpha=0.2`, kept in saved layer lists); false for what only
    /// shapes the starting weights (`init`), which a saved model's weights replace.
    public let isDescriptive: Bool

    init(name: String, range: ClosedRange<Double>, default value: Double, help: String) {
        self.name = name
        domain = .number(range)
        defaultValue = .number(value)
        self.help = help
        isDescriptive = true
    }

    init(name: String, choices: [String], default value: String, help: String, isDescriptive: Bool) {
        self.name = name
        domain = .choice(choices)
        defaultValue = .word(value)
        self.help = help
        self.isDescriptive = isDescriptive
    }

    private init(name: String, domain: Domain, defaultValue: LayerSettingValue, help: String, isDescriptive: Bool) {
        self.name = name
        self.domain = domain
        self.defaultValue = defaultValue
        self.help = help
        self.isDescriptive = isDescriptive
    }

    /// The same setting with another default (each activation's own alpha).
    func with(default value: LayerSettingValue) -> LayerSetting {
        LayerSetting(name: name, domain: domain, defaultValue: value, help: help, isDescriptive: isDescriptive)
    }

    public var range: ClosedRange<Double>? { if case .number(let r) = domain { r } else { nil } }
    public var choices: [String]? { if case .choice(let c) = domain { c } else { nil } }
}

public enum LayerSettingValue: Sendable, Equatable {
    case number(Double)
    case word(String)
}
