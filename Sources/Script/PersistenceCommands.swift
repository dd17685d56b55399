import Foundation
import NeuralNet
import TensorCore

/// `save model PATH` / `load model PATH` in the safetensors format: an 8-byte little-endian header length,
/// a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data. Tensor
/// names follow PyTorch's nn.Sequential ("0.weight", "0.bias"), and the layer list is in the metadata, so
/// Python's `safetensors` and PyTorch read the file, and nnlab can rebuild the model from it.
enum PersistenceCommands {
    static let specs: [CommandSpec] = [
        CommandSpec(name: "save", usage: "save model PATH", summary: "write the current model as .safetensors (atomically)",
                    completions: ["model"], group: "models") { s, inv throws(ScriptError) in
            try inv.expectAtMost(2, usage: "save model PATH")
            _ = try inv.word(0, "what to save", choices: ["model"], usage: "save model PATH")
            let pathArg = try inv.require(1, "a file path", usage: "save model PATH")
            let m = try s.requireModel(inv)
            guard m.knn == nil, !m.network.layers.isEmpty else {
                throw ScriptError("model '\(m.name)' has no weights to save", at: inv.location)
            }
            let path = pathArg.value.description
            do {
                try write(m, to: path)
            } catch {
                throw ScriptError("cannot write \(path): \(error.localizedDescription)", at: pathArg.location)
            }
            s.console.line("saved model '\(m.name)' (\(m.network.layers.count) layers, \(grouped(m.network.parameterCount)) parameters) to \(path)")
        },
    ]

    static func encode(_ m: ModelState) -> [UInt8] {
        var header: [String: Any] = [:]
        var blobs: [[Float]] = []
        var offset = 0
        for (i, layer) in m.network.layers.enumerated() {
            for p in layer.parameters {
                let bytes = p.value.count * 4
                var shape = p.name == "bias" ? [p.value.cols] : [p.value.rows, p.value.cols]
                var values = p.value.array
                if layer is Linear, p.name == "weight" {
                    // nnlab keeps W as in x out; PyTorch's nn.Linear.weight is out x in.
                    shape = [p.value.cols, p.value.rows]
                    values = transposed(values, rows: p.value.rows, cols: p.value.cols)
                }
                header["\(i).\(p.name)"] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]]
                blobs.append(values)
                offset += bytes
            }
        }
        header["__metadata__"] = [
            "format": "pt",
            "producer": "nnlab \(Interpreter.version)",
            "model": m.name,
            "loss": m.loss.rawValue,
            "layers": m.network.layers.map(\.spec).joined(separator: "; "),
        ]
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        // The data section is 8-byte aligned, as the reference implementation pads it.
        while (json.count % 8) != 0 { json.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        for blob in blobs { blob.withUnsafeBytes { out.append(contentsOf: $0) } }
        return out
    }

    static func write(_ m: ModelState, to path: String) throws {
        let bytes = encode(m)
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        try Data(bytes).write(to: temp)
        if rename(temp.path, url.path) != 0 {
            let message = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw NSError(domain: "nnlab", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
        }
    }

    struct LoadError: Error { var message: String }

    static func transposed(_ v: [Float], rows: Int, cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = v[r * cols + c] } }
        return out
    }

    static func loadModel(_ s: Interpreter, _ inv: Invocation) throws(ScriptError) {
        try inv.expectAtMost(2, usage: "load model PATH")
        try DataCommands.only(inv, [], for: "load model")
        let pathArg = try inv.require(1, "a file path", usage: "load model PATH")
        let path = pathArg.value.description
        do {
            let m = try decode(path: path, session: s)
            s.console.line("loaded model '\(m.name)' from \(path): \(m.network.layers.map(\.spec).joined(separator: ", ")); \(grouped(m.network.parameterCount)) parameters")
        } catch let e as LoadError {
            throw ScriptError("\(path): \(e.message)", at: pathArg.location)
        } catch {
            throw ScriptError("\(path): \(error.localizedDescription)", at: pathArg.location)
        }
    }

    static func decode(path: String, session s: Interpreter) throws -> ModelState {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(message: "no such file or not readable") }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw LoadError(message: "offset 0: file is \(bytes.count) bytes, too short for a safetensors header") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(bytes.count - 8), length <= 100_000_000 else {
            throw LoadError(message: "offset 0: header claims \(length) bytes but the file has \(bytes.count - 8) after the length")
        }
        let headerEnd = 8 + Int(length)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) as? [String: Any] else {
            throw LoadError(message: "offset 8: header is not a JSON object")
        }
        guard let meta = header["__metadata__"] as? [String: String], let layerList = meta["layers"] else {
            throw LoadError(message: "no layer list in the metadata (was it written by 'save model'?)")
        }
        let name = meta["model"].flatMap { Parser.isIdentifier($0) ? $0 : nil } ?? "loaded"
        let specs = layerList.split(separator: ";").map { $0.trimmingSpaces }
        let m = ModelState(name: name)
        var rng = SeededRandom(seed: 0)
        for (i, spec) in specs.enumerated() {
            let words = spec.split(separator: " ").map(String.init)
            guard let kind = words.first else { throw LoadError(message: "layer \(i): empty description") }
            let layer: Layer
            func option(_ key: String, _ d: Float) -> Float {
                words.compactMap { w -> Float? in w.hasPrefix(key + "=") ? Float(w.dropFirst(key.count + 1)) : nil }.first ?? d
            }
            // A file can claim any sizes: check the total before allocating, as 'layer' and 'mlp' do.
            func ensureRoom(_ a: Int, _ b: Int) throws {
                if m.network.parameterCount + a * b + b > ModelCommands.maxParameters {
                    throw LoadError(message: "layer \(i): '\(spec)' would make the model larger than \(grouped(ModelCommands.maxParameters)) parameters")
                }
            }
            switch kind {
            case "linear":
                guard words.count == 3, let a = Int(words[1]), let b = Int(words[2]), (1...ModelCommands.maxWidth).contains(a),
                      (1...ModelCommands.maxWidth).contains(b) else { throw LoadError(message: "layer \(i): bad description '\(spec)'") }
                try ensureRoom(a, b)
                layer = Linear(inputs: a, outputs: b, rng: &rng)
            case "linear_classifier":
                guard words.count >= 3, let a = Int(words[1]), let b = Int(words[2]), (1...ModelCommands.maxWidth).contains(a),
                      (1...1000).contains(b) else { throw LoadError(message: "layer \(i): bad description '\(spec)'") }
                try ensureRoom(a + 1, b)
                layer = BiasTrickLinear(inputs: a, classes: b, rng: &rng)
            case "relu", "sigmoid", "tanh": layer = Activation(ModelCommands.activation(named: kind, alpha: 0.1))
            case "leaky_relu": layer = Activation(.leakyReLU(alpha: option("alpha", 0.1)))
            case "elu": layer = Activation(.elu(alpha: option("alpha", 1)))
            case "softmax": layer = Softmax()
            case "dropout": layer = Dropout(probability: min(0.99, max(0, option("p", 0.2))), seed: s.nextSeed())
            default: throw LoadError(message: "layer \(i): unknown layer kind '\(kind)'")
            }
            if case .failure(let e) = m.network.append(layer) { throw LoadError(message: "layer \(i): \(e.message)") }
            for p in layer.parameters {
                let key = "\(i).\(p.name)"
                guard let entry = header[key] as? [String: Any] else { throw LoadError(message: "missing tensor '\(key)'") }
                guard entry["dtype"] as? String == "F32" else { throw LoadError(message: "tensor '\(key)': only F32 is supported") }
                let shape = (entry["shape"] as? [Int]) ?? []
                // The shape as written by 'save model' (Linear weights are stored out x in, as PyTorch does).
                let expected = p.name == "bias" ? [p.value.cols]
                    : layer is Linear && p.name == "weight" ? [p.value.cols, p.value.rows] : [p.value.rows, p.value.cols]
                var elements = 1
                for d in shape {
                    let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                    elements = overflow || d < 0 ? -1 : product
                    if elements < 0 { break }
                }
                guard elements == p.value.count else {
                    throw LoadError(message: "tensor '\(key)' has shape \(shape) but layer '\(spec)' needs \(expected)")
                }
                // Compared without adding, so that offsets near Int.max cannot overflow.
                guard let offsets = entry["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0, offsets[1] >= offsets[0],
                      offsets[1] - offsets[0] == p.value.count * 4, offsets[1] <= bytes.count - headerEnd else {
                    throw LoadError(message: "tensor '\(key)': data offsets are outside the file or do not match its shape")
                }
                let start = headerEnd + offsets[0]
                var values = [Float](repeating: 0, count: p.value.count)
                bytes.withUnsafeBytes { raw in
                    for j in 0..<values.count {
                        let bits = raw.loadUnaligned(fromByteOffset: start + 4 * j, as: UInt32.self)
                        values[j] = Float(bitPattern: UInt32(littleEndian: bits))
                    }
                }
                if layer is Linear, p.name == "weight" {
                    values = transposed(values, rows: p.value.cols, cols: p.value.rows)
                }
                for j in 0..<values.count { p.value.data[j] = values[j] }
            }
        }
        if let lossName = meta["loss"], let loss = LossFunction(rawValue: lossName) { m.loss = loss }
        if s.models[name] == nil { s.modelOrder.append(name) }
        s.models[name] = m
        s.current = m
        return m
    }
}
