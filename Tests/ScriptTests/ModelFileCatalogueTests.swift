import Foundation
import XCTest
@testable import Script

/// Model files obey the rules of what is typed (issue 17, item 3): a layer list must be complete and
/// consistent, shapes must match dimension by dimension, settings and hyperparameters must be finite and in the
/// ranges the language accepts, and a file that fails any check changes nothing in the session.
final class ModelFileCatalogueTests: XCTestCase {
    typealias Session = ErrorCatalogueTests.Session
    var scratch: Scratch!

    override func setUp() { scratch = Scratch() }

    /// A safetensors file as `save model` writes it: the header (tensor entries in order, each with its shape and
    /// the bytes after the previous one), the metadata, then `data` bytes (by default, exactly the tensors').
    func model(_ name: String, layers: String, tensors: [(String, [Int])], metadata: [String: String] = [:],
               dataBytes: Int? = nil, overrides: [String: String] = [:], values: Float = 0.5) -> String {
        var entries: [String] = []
        var offset = 0
        for (key, shape) in tensors {
            let bytes = shape.reduce(1, *) * 4
            entries.append("\"\(key)\": " + (overrides[key]
                ?? "{\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(offset), \(offset + bytes)]}"))
            offset += bytes
        }
        var meta = ["format": "pt", "model": "m", "layers": layers, "loss": "cross_entropy"]
        for (k, v) in metadata { meta[k] = v }
        let metaJSON = meta.keys.sorted().map { "\"\($0)\": \"\(meta[$0] ?? "")\"" }.joined(separator: ", ")
        let json = Array(("{\"__metadata__\": {\(metaJSON)}" + entries.map { ", " + $0 }.joined() + "}").utf8)
        var length = UInt64(json.count).littleEndian
        var bytes = withUnsafeBytes(of: &length) { Array($0) } + json
        let count = (dataBytes ?? offset) / 4
        for _ in 0..<count { withUnsafeBytes(of: values.bitPattern.littleEndian) { bytes += $0 } }
        bytes += [UInt8](repeating: 0, count: (dataBytes ?? offset) % 4)
        let path = scratch.file(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    let net: [(String, [Int])] = [("0.weight", [4, 3]), ("0.bias", [4]), ("2.weight", [2, 4]), ("2.bias", [2])]

    /// `load model PATH` fails with `message` after the path, and the session is as it was: the model built
    /// before is still the current one, and the random stream has not moved.
    func expectRefused(_ path: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        let session = Session()
        XCTAssertEqual(session.run("let keep = 7\nseed 5\nmlp 2 3 2 name=before"), "", file: file, line: line)
        let caret = "^" + String(repeating: "~", count: path.count - 1)
        XCTAssertEqual(session.run("load model \(path)"),
                       "t.nnl:1:12: error: \(path): \(message)\n 1 | load model \(path)\n   |            \(caret)\n", file: file, line: line)
        XCTAssertEqual(session.interpreter.current?.name, "before", "the current model is replaced only by a valid file", file: file, line: line)
        // The next model's weights are those it would have had without the failed load.
        let reference = Session()
        reference.run("seed 5\nmlp 2 3 2 name=before\nmlp 3 4 2 name=next")
        session.run("mlp 3 4 2 name=next")
        XCTAssertEqual(session.interpreter.current?.network.layers.first?.parameters.first?.value.array,
                       reference.interpreter.current?.network.layers.first?.parameters.first?.value.array,
                       "a failed load moved the session's random stream", file: file, line: line)
        assertStillUsable(session, file: file, line: line)
    }

    func testAGoodFileLoads() {
        let session = Session()
        XCTAssertEqual(session.run("load model \(model("good.safetensors", layers: "linear 3 4; relu; linear 4 2", tensors: net))"), "")
        XCTAssertTrue(session.output(of: "summary").contains("total: 26 parameters"))
    }

    func testEmptyOrIncompleteLayerLists() {
        expectRefused(model("empty.safetensors", layers: "", tensors: []), "the layer list in the metadata is empty")
        expectRefused(model("blank.safetensors", layers: " ; ", tensors: []), "the layer list in the metadata is empty")
        expectRefused(model("gap.safetensors", layers: "linear 3 4;; relu; linear 4 2", tensors: net),
                      "layer 1: empty description (';;' in the layer list)")
        expectRefused(model("short.safetensors", layers: "linear 3 4", tensors: net),
                      "tensor '2.bias' belongs to no layer of the list (is the layer list complete?)")
        expectRefused(model("garbage.safetensors", layers: "linear 3 4 relu", tensors: net), "layer 0: bad description 'linear 3 4 relu'")
    }

    /// Equal element counts are not equal shapes: [2, 6] is not [4, 3].
    func testShapesAreCheckedDimensionByDimension() {
        expectRefused(model("shape.safetensors", layers: "linear 3 4; relu; linear 4 2",
                            tensors: [("0.weight", [6, 2]), ("0.bias", [4]), ("2.weight", [2, 4]), ("2.bias", [2])]),
                      "tensor '0.weight' has shape [6, 2] but layer 'linear 3 4' needs [4, 3]")
        expectRefused(model("flat.safetensors", layers: "linear 3 4; relu; linear 4 2",
                            tensors: [("0.weight", [12]), ("0.bias", [4]), ("2.weight", [2, 4]), ("2.bias", [2])]),
                      "tensor '0.weight' has shape [12] but layer 'linear 3 4' needs [4, 3]")
        expectRefused(model("bias.safetensors", layers: "linear 3 4; relu; linear 4 2",
                            tensors: [("0.weight", [4, 3]), ("0.bias", [4, 1]), ("2.weight", [2, 4]), ("2.bias", [2])]),
                      "tensor '0.bias' has shape [4, 1] but layer 'linear 3 4' needs [4]")
    }

    /// Settings and hyperparameters as the language takes them: finite, in range, known.
    func testSettingsAndHyperparametersMustBeThoseTheLanguageAccepts() {
        let tail: [(String, [Int])] = [("0.weight", [4, 3]), ("0.bias", [4]), ("2.weight", [2, 4]), ("2.bias", [2])]
        expectRefused(model("nan-alpha.safetensors", layers: "linear 3 4; leaky_relu alpha=nan; linear 4 2", tensors: tail),
                      "layer 1: bad description 'leaky_relu alpha=nan'")
        expectRefused(model("big-alpha.safetensors", layers: "linear 3 4; elu alpha=1e300; linear 4 2", tensors: tail),
                      "layer 1: bad description 'elu alpha=1e300': alpha must be between 0 and 10, found 1e+300")
        expectRefused(model("p.safetensors", layers: "linear 3 4; dropout p=1; linear 4 2", tensors: tail),
                      "layer 1: bad description 'dropout p=1': p must be between 0 and 0.99, found 1")
        expectRefused(model("loss.safetensors", layers: "linear 3 4; relu; linear 4 2", tensors: net, metadata: ["loss": "cross-entropy"]),
                      "loss 'cross-entropy' is not one nnlab accepts (expected cross_entropy, mse, hinge)")
        expectRefused(model("rate.safetensors", layers: "linear 3 4; relu; linear 4 2", tensors: net,
                            metadata: ["regularization": "l2 rate=nan"]),
                      "regularization 'l2 rate=nan' is not one nnlab accepts (expected l1 or l2 with rate=0.0...10.0)")
        expectRefused(model("weights.safetensors", layers: "linear 3 4; relu; linear 4 2", tensors: net, values: .nan),
                      "tensor '0.weight': value 0 is not a finite number")
    }

    /// Every byte of the data belongs to one tensor.
    func testTensorsMustNotShareOrLeaveBytes() {
        expectRefused(model("overlap.safetensors", layers: "linear 3 4; relu; linear 4 2", tensors: net,
                            overrides: ["2.bias": "{\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}"]),
                      "tensors '0.weight' and '2.bias' share bytes")
        expectRefused(model("trailing.safetensors", layers: "linear 3 4; relu; linear 4 2", tensors: net, dataBytes: 112),
                      "8 bytes of data belong to no tensor")
    }

    func testAFolderOrAMissingFileSaysSo() {
        expectRefused(scratch.path, "it is a directory, not a file")
        expectRefused(scratch.file("missing.safetensors"), "no such file")
    }
}
