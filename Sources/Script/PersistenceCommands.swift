import Basics
import Foundation
import ModelFormat
import NeuralNet
import TensorCore

/// `save model PATH` / `load model PATH`: the bytes come from and go to the safetensors codec (ModelFormat),
/// which Python's `safetensors` and PyTorch read; here are the file (written atomically) and the session's side.
enum PersistenceCommands {
    static let path = Positional<String>("PATH", what: "a file path", kind: .path, help: "where to write it (.safetensors)")

    static let specs: [CommandSpec] = [
        CommandSpec("save", group: .models, summary: "write the current model as .safetensors (atomically)",
                    subcommands: [SubcommandSpec("model", summary: "the current model's layers and weights", arguments: [path])],
                    subcommandWhat: "what to save", subcommandPlaceholder: "WHAT") { s, inv throws(ScriptError) in
            let m = try s.requireModel(inv)
            guard m.knn == nil, !m.network.layers.isEmpty else {
                throw ScriptError("model '\(m.name)' has no weights to save", at: inv.location)
            }
            let file = inv[path]
            var metadata = [
                "format": "pt", "producer": "nnlab \(Interpreter.version)", "model": m.name, "loss": m.loss.rawValue,
            ]
            // The input features travel in the layer list; the penalty the model was trained with beside it.
            if let r = m.regularization { metadata["regularization"] = r.spec }
            let bytes = SafetensorsModel.encode(m.network, metadata: metadata)
            do throws(AtomicFile.WriteError) {
                try AtomicFile.write(bytes, to: file)
            } catch {
                throw ScriptError(error.description, at: inv.location(of: path))
            }
            s.console.line("saved model '\(m.name)' (\(m.network.layers.count) layers, \(grouped(m.network.parameterCount)) parameters) to \(file)")
        },
    ]

    /// "l1 rate=0.001" as `Regularization.spec` writes it; nil for anything else (the model still loads).
    static func regularization(from text: String) -> Regularization? {
        let words = text.split(separator: " ")
        guard words.count == 2, let kind = Regularization.Kind(rawValue: String(words[0])), words[1].hasPrefix("rate="),
              let rate = Float(words[1].dropFirst(5)), rate.isFinite, rate >= 0 else { return nil }
        return Regularization(kind, rate: rate)
    }

    /// `load model PATH`: the model becomes the session's current one, named as it was saved.
    static func loadModel(_ s: Interpreter, path: String, at location: SourceLocation) throws(ScriptError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScriptError("\(path): no such file or not readable", at: location)
        }
        let m: ModelState
        do throws(ModelFileError) {
            let file = try SafetensorsModel(bytes: [UInt8](data))
            let name = file.metadata["model"].flatMap { Parser.isIdentifier($0) ? $0 : nil } ?? "loaded"
            // The file holds the weights; what it does not (dropout masks) follows the session's seed.
            var rng = SeededRandom(seed: s.nextSeed())
            m = ModelState(name: name)
            m.network = try file.network(named: name, rng: &rng)
            if let lossName = file.metadata["loss"], let loss = LossFunction(rawValue: lossName) {
                m.loss = loss
                m.lossChosen = true
            }
            m.regularization = file.metadata["regularization"].flatMap(regularization(from:))
        } catch {
            throw ScriptError("\(path): \(Diagnostic.describe(error))", at: location)
        }
        if s.models[m.name] == nil { s.modelOrder.append(m.name) }
        s.models[m.name] = m
        s.current = m
        s.console.line("loaded model '\(m.name)' from \(path): \(m.network.layers.map(\.spec).joined(separator: ", ")); \(grouped(m.network.parameterCount)) parameters")
    }
}
