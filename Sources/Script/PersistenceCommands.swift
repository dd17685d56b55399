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
            s.console.line("saved model '\(m.name)' (\(m.network.layers.count) layers, \(NumberText.grouped(m.network.parameterCount)) parameters) to \(file)")
        },
    ]

    /// `load model PATH`: the model becomes the session's current one, named as it was saved.
    static func loadModel(_ s: Interpreter, path: String, at location: SourceLocation) throws(ScriptError) {
        let bytes: [UInt8]
        do throws(FileContents.ReadError) {
            bytes = try FileContents.read(path, limit: s.memoryLeft())
        } catch {
            if case .tooLarge = error.kind {
                throw ScriptError("\(path): the file is larger than the \(NumberText.bytes(s.memoryLeft())) the memory budget leaves",
                                  at: location, hint: Interpreter.memoryHint)
            }
            throw ScriptError("\(path): \(error.reason)", at: location)
        }
        // The model's parameters, in training, must fit in what is left beside the file's bytes.
        let budgetParameters = max(0, s.memoryLeft() - bytes.count) / Interpreter.modelBytes(parameters: 1)
        let m: ModelState
        // Nothing of the session changes unless the whole file is valid, its random stream included.
        let savedRandom = s.rng
        do throws(ModelFileError) {
            let file = try SafetensorsModel(bytes: bytes)
            let name = file.metadata["model"].flatMap { Parser.isIdentifier($0) ? $0 : nil } ?? "loaded"
            // The file holds the weights; what it does not (dropout masks) follows the session's seed.
            var rng = SeededRandom(seed: s.nextSeed())
            m = ModelState(name: name)
            m.network = try file.network(named: name, rng: &rng, maxParameters: min(LayerCatalog.maxParameters, budgetParameters))
            if let loss = file.loss {
                m.loss = loss
                m.lossChosen = true
            }
            m.regularization = file.regularization
        } catch {
            s.rng = savedRandom
            if case .tooLarge(let i, let description, let limit) = error, limit < LayerCatalog.maxParameters {
                throw ScriptError("\(path): layer \(i) ('\(description)') takes the model beyond the memory budget "
                                  + "(\(NumberText.bytes(s.memoryLimit)), \(NumberText.bytes(s.memoryInUse())) in use)",
                                  at: location, hint: Interpreter.memoryHint)
            }
            throw ScriptError("\(path): \(Diagnostic.describe(error))", at: location)
        }
        if s.models[m.name] == nil { s.modelOrder.append(m.name) }
        s.models[m.name] = m
        s.current = m
        s.console.line("loaded model '\(m.name)' from \(path): \(m.network.layers.map(\.spec).joined(separator: ", ")); \(NumberText.grouped(m.network.parameterCount)) parameters")
    }
}
