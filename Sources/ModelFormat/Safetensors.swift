import Foundation
import NeuralNet
import TensorCore

/// Models in the safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. Tensor names follow PyTorch's nn.Sequential
/// ("0.weight", "0.bias"), weights are in PyTorch's layout, and the layer list is in the metadata, so Python's
/// `safetensors` and PyTorch read the file, and the list rebuilds the model through `LayerCatalog.parse`.
///
/// Bytes in, bytes out: writing them to disk (atomically) and reading them is the caller's business.
public struct SafetensorsModel {
    /// The header's `__metadata__`: `layers` (descriptions joined by "; ") and whatever the writer added.
    public let metadata: [String: String]
    private let header: [String: Any]
    private let bytes: [UInt8]
    private let dataStart: Int

    /// The file's bytes, for a model and the metadata entries to keep beside its layer list.
    public static func encode(_ network: Sequential, metadata: [String: String]) -> [UInt8] {
        var header: [String: Any] = [:]
        var blobs: [[Float]] = []
        var offset = 0
        for (i, layer) in network.layers.enumerated() {
            for p in layer.parameters {
                let bytes = p.value.count * 4
                var shape = p.name == "bias" ? [p.value.cols] : [p.value.rows, p.value.cols]
                var values = p.value.array
                if layer.storesTransposed(p) {
                    shape = [p.value.cols, p.value.rows]
                    values = transposed(values, rows: p.value.rows, cols: p.value.cols)
                }
                header["\(i).\(p.name)"] = ["dtype": "F32", "shape": shape, "data_offsets": [offset, offset + bytes]]
                blobs.append(values)
                offset += bytes
            }
        }
        var meta = metadata
        meta["layers"] = network.layers.map(\.spec).joined(separator: "; ")
        header["__metadata__"] = meta
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

    /// Reads and checks the header; the tensors are read by `network(named:rng:)`.
    public init(bytes: [UInt8]) throws(ModelFileError) {
        guard bytes.count >= 8 else { throw .tooShort(bytes: bytes.count) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(bytes.count - 8), length <= 100_000_000 else {
            throw .headerLength(claimed: length, available: bytes.count - 8)
        }
        let headerEnd = 8 + Int(length)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) as? [String: Any] else {
            throw .headerNotJSON
        }
        guard let meta = header["__metadata__"] as? [String: String], meta["layers"] != nil else { throw .noLayerList }
        self.header = header
        self.bytes = bytes
        dataStart = headerEnd
        metadata = meta
    }

    /// The model the layer list describes, with the file's weights. `rng` seeds what the file does not hold
    /// (dropout masks; the starting weights it draws are overwritten).
    public func network(named name: String, rng: inout SeededRandom) throws(ModelFileError) -> Sequential {
        let network = Sequential(name: name)
        let descriptions = (metadata["layers"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        for (i, description) in descriptions.enumerated() {
            let recipe: LayerRecipe
            switch LayerCatalog.parse(description) {
            case .success(let r): recipe = r
            case .failure(let e): throw .layer(index: i, description: description, e)
            }
            // A file can claim any sizes: check the total before allocating.
            if network.parameterCount + recipe.parameterCount > LayerCatalog.maxParameters {
                throw .tooLarge(index: i, description: description, limit: LayerCatalog.maxParameters)
            }
            let layer = recipe.makeLayer(rng: &rng)
            if case .failure(let e) = network.append(layer) { throw .doesNotFit(index: i, e.message) }
            for p in layer.parameters { try read(p, of: layer, at: i, description: description) }
        }
        return network
    }

    /// Copies tensor "i.name" into `p`, after checking its dtype, shape and byte range.
    private func read(_ p: Parameter, of layer: Layer, at i: Int, description: String) throws(ModelFileError) {
        let key = "\(i).\(p.name)"
        guard let entry = header[key] as? [String: Any] else { throw .missingTensor(key) }
        guard entry["dtype"] as? String == "F32" else { throw .unsupportedType(tensor: key) }
        let shape = (entry["shape"] as? [Int]) ?? []
        // The shape as `encode` writes it.
        let transposed = layer.storesTransposed(p)
        let expected = p.name == "bias" ? [p.value.cols] : transposed ? [p.value.cols, p.value.rows] : [p.value.rows, p.value.cols]
        var elements = 1
        for d in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            elements = overflow || d < 0 ? -1 : product
            if elements < 0 { break }
        }
        guard elements == p.value.count else {
            throw .shapeMismatch(tensor: key, shape: shape, layer: description, expected: expected)
        }
        // Compared without adding, so that offsets near Int.max cannot overflow.
        guard let offsets = entry["data_offsets"] as? [Int], offsets.count == 2, offsets[0] >= 0, offsets[1] >= offsets[0],
              offsets[1] - offsets[0] == p.value.count * 4, offsets[1] <= bytes.count - dataStart else {
            throw .badOffsets(tensor: key)
        }
        let start = dataStart + offsets[0]
        var values = [Float](repeating: 0, count: p.value.count)
        bytes.withUnsafeBytes { raw in
            for j in 0..<values.count {
                let bits = raw.loadUnaligned(fromByteOffset: start + 4 * j, as: UInt32.self)
                values[j] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        if transposed { values = Self.transposed(values, rows: p.value.cols, cols: p.value.rows) }
        for j in 0..<values.count { p.value.data[j] = values[j] }
    }

    static func transposed(_ v: [Float], rows: Int, cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = v[r * cols + c] } }
        return out
    }
}

/// Why a file is not a model nnlab can load. Values: the caller words them (with the file's name).
public enum ModelFileError: Error, Equatable, Sendable {
    case tooShort(bytes: Int)
    case headerLength(claimed: UInt64, available: Int)
    case headerNotJSON
    case noLayerList
    case layer(index: Int, description: String, LayerDescriptionError)
    case tooLarge(index: Int, description: String, limit: Int)
    case doesNotFit(index: Int, String)
    case missingTensor(String)
    case unsupportedType(tensor: String)
    case shapeMismatch(tensor: String, shape: [Int], layer: String, expected: [Int])
    case badOffsets(tensor: String)
}
