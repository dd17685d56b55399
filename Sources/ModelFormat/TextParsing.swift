import Basics
import NeuralNet

// Reading the words of saved models and typed options back into NeuralNet's values: parsers of untrusted text,
// so they live here, in a module built with every check (NeuralNet's numeric code is built -Ounchecked).

extension InputFeature {
    /// A feature from its name, forgiving what a student might type: case, spaces, the Playground's labels
    /// ("X1X2", "X_1^2"), "x2*x1", "x1x2", "x1²", "sin x1".
    public init?(name: String) {
        var text = name.lowercased().filter { $0 != " " && $0 != "_" }
        text = text.replacingAll("²", with: "^2")
        if let exact = InputFeature(rawValue: text) { self = exact; return }
        switch text {
        case "x1x2", "x2*x1", "x2x1": self = .x1TimesX2
        case "x1*x1": self = .x1Squared
        case "x2*x2": self = .x2Squared
        case "sinx1": self = .sinX1
        case "sinx2": self = .sinX2
        default: return nil
        }
    }
}

extension Regularization {
    /// The penalty `spec` describes ("l2 rate=0.001"); nil for anything else, a rate outside `rates` included.
    public init?(spec text: String) {
        let words = text.split(separator: " ")
        guard words.count == 2, let kind = Kind(rawValue: String(words[0])), words[1].hasPrefix("rate="),
              let rate = Double(words[1].dropFirst(5)), rate.isFinite, Self.rates.contains(rate) else { return nil }
        self.init(kind, rate: Float(rate))
    }
}
