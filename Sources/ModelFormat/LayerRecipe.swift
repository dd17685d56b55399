import NeuralNet
import TensorCore

/// A layer described in the table's terms and checked against it, ready to be built: its kind, its sizes and
/// every setting (the defaults filled in).
public struct LayerRecipe: Sendable {
    public let kind: LayerKind
    public let sizes: [Int]
    public let settings: [String: LayerSettingValue]
    /// The chosen words of a kind that takes them (the input features, in order); empty otherwise.
    public let terms: [String]

    /// Known before anything is allocated, so a caller can refuse a model that would grow too large.
    public var parameterCount: Int { kind.parameters(sizes) }

    /// The layer, with fresh weights drawn from `rng` (dropout takes its own seed from it).
    public func makeLayer(rng: inout SeededRandom) -> Layer { kind.build(self, &rng) }

    /// A number setting (its default if the recipe lacks it, which `LayerCatalog.recipe` never lets happen).
    public func number(_ name: String) -> Double {
        if case .number(let v)? = settings[name] { return v }
        if case .number(let v)? = kind.setting(named: name)?.defaultValue { return v }
        return 0
    }

    public func word(_ name: String) -> String {
        if case .word(let w)? = settings[name] { return w }
        if case .word(let w)? = kind.setting(named: name)?.defaultValue { return w }
        return ""
    }
}

/// Why a description does not make a layer. Callers word it (a typed command points at the culprit, a model
/// file names the layer's position).
public enum LayerDescriptionError: Error, Equatable, Sendable {
    case unknownKind(String)
    /// The wrong number of sizes, or a word that is neither a size nor `key=value`.
    case malformed
    case sizeOutOfRange(index: Int, value: Int, range: ClosedRange<Int>)
    case unknownSetting(String)
    case settingOutOfRange(name: String, value: Double, range: ClosedRange<Double>)
    case unknownChoice(name: String, value: String, choices: [String])
    /// A word of a list (an input feature) that is not one of `choices`.
    case unknownTerm(String, choices: [String])
    /// A kind that takes a list of words was given none, or one twice.
    case badTerms(String)
}

extension LayerCatalog {
    /// The one way from a description to a layer recipe: the kind by name, its sizes, its settings by name, each
    /// checked against the table. `layer` calls it with what the language's lexer read; `parse` with the words
    /// of a saved layer list.
    public static func recipe(kind name: String, sizes: [Int], settings given: [(name: String, value: LayerSettingValue)],
                              terms words: [String] = [])
        -> Result<LayerRecipe, LayerDescriptionError> {
        guard let kind = kind(named: name) else { return .failure(.unknownKind(name)) }
        guard sizes.count == kind.sizes.count else { return .failure(.malformed) }
        var terms: [String] = []
        if let allowed = kind.terms {
            // Each word by its canonical name ("X1X2" is "x1*x2"), once.
            for word in words {
                guard let term = allowed.first(where: { $0 == word }) ?? InputFeature(name: word)?.name, allowed.contains(term) else {
                    return .failure(.unknownTerm(word, choices: allowed))
                }
                guard !terms.contains(term) else { return .failure(.badTerms("'\(term)' is given twice")) }
                terms.append(term)
            }
            guard !terms.isEmpty else { return .failure(.badTerms("no \(kind.name) given")) }
        } else if !words.isEmpty {
            return .failure(.malformed)
        }
        for (index, (size, spec)) in zip(sizes, kind.sizes).enumerated() where !spec.range.contains(size) {
            return .failure(.sizeOutOfRange(index: index, value: size, range: spec.range))
        }
        var settings: [String: LayerSettingValue] = [:]
        for setting in kind.settings { settings[setting.name] = setting.defaultValue }
        for (key, value) in given {
            guard let setting = kind.setting(named: key) else { return .failure(.unknownSetting(key)) }
            switch (setting.domain, value) {
            case (.number(let range), .number(let v)):
                guard range.contains(v) else { return .failure(.settingOutOfRange(name: key, value: v, range: range)) }
            case (.choice(let choices), .word(let w)):
                guard choices.contains(w) else { return .failure(.unknownChoice(name: key, value: w, choices: choices)) }
            default:
                return .failure(.malformed)
            }
            settings[key] = value
        }
        return .success(LayerRecipe(kind: kind, sizes: sizes, settings: settings, terms: terms))
    }

    /// A layer from its description in text, as `summary` shows it and saved layer lists hold it:
    /// `linear 784 128`, `leaky_relu alpha=0.2`, `dropout p=0.5`, `features x1,x2,sin(x1)`. Text in parentheses
    /// after a space is a remark (`linear_classifier 784 10 (bias trick: W is 10x785)`).
    ///
    /// description := KIND { SIZE } [ TERM { ',' TERM } ] { KEY '=' VALUE } [ ' (' remark ')' ]
    public static func parse(_ text: String) -> Result<LayerRecipe, LayerDescriptionError> {
        var described = Substring(text)
        if let remark = text.firstRange(of: " (") { described = text[..<remark.lowerBound] }
        let words = described.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let name = words.first else { return .failure(.malformed) }
        let kind = kind(named: String(name))
        var sizes: [Int] = []
        var settings: [(name: String, value: LayerSettingValue)] = []
        var terms: [String] = []
        for word in words.dropFirst() {
            if kind?.terms != nil, !word.contains("=") {
                terms += word.split(separator: ",").map(String.init)
                continue
            }
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 {
                let key = String(parts[0]), value = String(parts[1])
                if case .choice? = kind?.setting(named: key)?.domain {
                    settings.append((key, .word(value)))
                } else if let v = Double(value), v.isFinite {
                    settings.append((key, .number(v)))
                } else {
                    return .failure(kind == nil ? .unknownKind(String(name)) : .malformed)
                }
            } else if let size = Int(word) {
                sizes.append(size)
            } else {
                return .failure(kind == nil ? .unknownKind(String(name)) : .malformed)
            }
        }
        return recipe(kind: String(name), sizes: sizes, settings: settings, terms: terms)
    }
}
