import Basics
import Foundation
import NeuralNet
import TensorCore

/// Models in the safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. Tensor names follow PyTorch's nn.Sequential
/// ("0.weight", "0.bias"), weights are in PyTorch's layout, and the layer list is in the metadata, so Python's
/// `safetensors` and PyTorch read the file, and the list rebuilds the model through `LayerCatalog.parse`.
///
/// Bytes in, bytes out: writing them to disk (atomically) and reading them is the caller's business.
///
/// What is read obeys the rules of what is typed: the layer list must be complete (every tensor belongs to a
/// layer, every byte of the data to a tensor, no two tensors share bytes) and consistent (each layer takes what
/// the one before gives, each tensor has its layer's shape dimension by dimension, weights are finite), settings
/// and hyperparameters (alpha, p, the loss, the penalty's rate) are those the language accepts, and an empty
/// or unparsable list is refused. A caller gets a whole model or an error, never half of one.
public struct SafetensorsModel {
    /// The header's `__metadata__`: `layers` (descriptions joined by "; ") and whatever the writer added.
    public let metadata: [String: String]
    /// The loss the model was trained with, if the file names one (it must be one nnlab knows).
    public let loss: LossFunction?
    /// The weights' penalty, if the file has one (a kind and a rate nnlab accepts).
    public let regularization: Regularization?
    private let header: [String: JSONValue]
    private let bytes: [UInt8]
    private let dataStart: Int

    /// The file's bytes, for a model and the metadata entries to keep beside its layer list.
    public static func encode(_ network: Sequential, metadata: [String: String]) -> [UInt8] {
        var header: [String: JSONValue] = [:]
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
                header["\(i).\(p.name)"] = .object(["dtype": .string("F32"), "shape": .array(shape.map { .integer(Int64($0)) }),
                                                      "data_offsets": .array([.integer(Int64(offset)), .integer(Int64(offset + bytes))])])
                blobs.append(values)
                offset += bytes
            }
        }
        var meta = metadata
        meta["layers"] = network.layers.map(\.spec).joined(separator: "; ")
        header["__metadata__"] = .object(meta.mapValues { .string($0) })
        var json = Array(JSONValue.object(header).compact().utf8)
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
        guard let parsed = try? JSONValue.parse(Array(bytes[8..<headerEnd])), let header = parsed.objectValue else {
            throw .headerNotJSON
        }
        // Metadata are strings only (as the format says): a list that is not one is no list.
        guard let entries = header["__metadata__"]?.objectValue else { throw .noLayerList }
        let meta = entries.compactMapValues(\.stringValue)
        guard meta.count == entries.count, let layers = meta["layers"] else { throw .noLayerList }
        guard !layers.allSatisfy({ $0 == " " || $0 == ";" }) else { throw .emptyLayerList }
        if let name = meta["loss"] {
            guard let loss = LossFunction(rawValue: name) else {
                throw .badSetting(name: "loss", value: name, expected: LossFunction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            self.loss = loss
        } else {
            loss = nil
        }
        if let text = meta["regularization"] {
            guard let penalty = Regularization(spec: text) else {
                throw .badSetting(name: "regularization", value: text,
                                  expected: "l1 or l2 with rate=\(Regularization.rates.lowerBound)...\(Regularization.rates.upperBound)")
            }
            regularization = penalty
        } else {
            regularization = nil
        }
        self.header = header
        self.bytes = bytes
        dataStart = headerEnd
        metadata = meta
    }

    /// The model the layer list describes, with the file's weights. `rng` seeds what the file does not hold
    /// (dropout masks; the starting weights it draws are overwritten). More than `maxParameters` in all is
    /// refused before anything is allocated.
    public func network(named name: String, rng: inout SeededRandom,
                        maxParameters: Int = LayerCatalog.maxParameters) throws(ModelFileError) -> Sequential {
        let network = Sequential(name: name)
        let descriptions = (metadata["layers"] ?? "").split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        var used: [(key: String, range: Range<Int>)] = []
        for (i, description) in descriptions.enumerated() {
            // "linear 3 4;; relu": a layer lost from the list, not one to skip.
            guard !description.isEmpty else { throw .emptyLayer(index: i) }
            let recipe: LayerRecipe
            switch LayerCatalog.parse(description) {
            case .success(let r): recipe = r
            case .failure(let e): throw .layer(index: i, description: description, e)
            }
            // A file can claim any sizes: check the total before allocating.
            if network.parameterCount + recipe.parameterCount > maxParameters {
                throw .tooLarge(index: i, description: description, limit: maxParameters)
            }
            let layer = recipe.makeLayer(rng: &rng)
            if case .failure(let e) = network.append(layer) { throw .doesNotFit(index: i, e.message) }
            for p in layer.parameters { used.append(try read(p, of: layer, at: i, description: description)) }
        }
        // Complete: nothing in the file that the list does not account for.
        let keys = Set(used.map(\.key))
        if let extra = header.keys.filter({ $0 != "__metadata__" && !keys.contains($0) }).sorted().first {
            throw .unusedTensor(extra)
        }
        used.sort { $0.range.lowerBound < $1.range.lowerBound }
        for (a, b) in zip(used, used.dropFirst()) where b.range.lowerBound < a.range.upperBound {
            throw .overlappingTensors(a.key, b.key)
        }
        let dataBytes = bytes.count - dataStart
        let covered = used.last?.range.upperBound ?? 0
        if covered != dataBytes || used.reduce(0, { $0 + $1.range.count }) != dataBytes {
            throw .unaccountedBytes(dataBytes - used.reduce(0, { $0 + $1.range.count }))
        }
        return network
    }

    /// Copies tensor "i.name" into `p`, after checking its dtype, shape (every dimension) and byte range; returns
    /// the key and the bytes it took, relative to the data section.
    private func read(_ p: Parameter, of layer: Layer, at i: Int, description: String) throws(ModelFileError)
        -> (key: String, range: Range<Int>) {
        let key = "\(i).\(p.name)"
        guard let entry = header[key], entry.objectValue != nil else { throw .missingTensor(key) }
        guard entry["dtype"]?.stringValue == "F32" else { throw .unsupportedType(tensor: key) }
        let dimensions = entry["shape"]?.arrayValue ?? []
        let shape = dimensions.allSatisfy({ $0.intValue != nil }) ? dimensions.compactMap(\.intValue) : []
        // The shape as `encode` writes it, dimension by dimension: [2, 6] is not [3, 4], though both hold 12.
        let transposed = layer.storesTransposed(p)
        let expected = p.name == "bias" ? [p.value.cols] : transposed ? [p.value.cols, p.value.rows] : [p.value.rows, p.value.cols]
        guard shape == expected else {
            throw .shapeMismatch(tensor: key, shape: shape, layer: description, expected: expected)
        }
        // Compared without adding, so that offsets near Int.max cannot overflow.
        guard let offsets = entry["data_offsets"]?.arrayValue?.map(\.intValue), offsets.count == 2,
              let start = offsets[0], let end = offsets[1], start >= 0, end >= start,
              end - start == p.value.count * 4, end <= bytes.count - dataStart else {
            throw .badOffsets(tensor: key)
        }
        let first = dataStart + start
        var values = [Float](repeating: 0, count: p.value.count)
        bytes.withUnsafeBytes { raw in
            for j in 0..<values.count {
                let bits = raw.loadUnaligned(fromByteOffset: first + 4 * j, as: UInt32.self)
                values[j] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteWeight(tensor: key, index: bad) }
        if transposed { values = Self.transposed(values, rows: p.value.cols, cols: p.value.rows) }
        for j in 0..<values.count { p.value.data[j] = values[j] }
        return (key, start..<end)
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
    case emptyLayerList
    case emptyLayer(index: Int)
    /// A metadata entry with a value nnlab does not accept (`loss`, `regularization`).
    case badSetting(name: String, value: String, expected: String)
    case layer(index: Int, description: String, LayerDescriptionError)
    case tooLarge(index: Int, description: String, limit: Int)
    case doesNotFit(index: Int, String)
    case missingTensor(String)
    case unsupportedType(tensor: String)
    case shapeMismatch(tensor: String, shape: [Int], layer: String, expected: [Int])
    case badOffsets(tensor: String)
    case nonFiniteWeight(tensor: String, index: Int)
    /// A tensor no layer of the list has: the list is incomplete (or the file is not what it says).
    case unusedTensor(String)
    case overlappingTensors(String, String)
    /// Bytes of the data section that belong to no tensor (positive), or tensors beyond it (negative).
    case unaccountedBytes(Int)
}
