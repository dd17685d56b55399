import XCTest
import NeuralNet
import TensorCore
@testable import ModelFormat

/// The layer table, the one text-to-layer parser, and the safetensors codec.
final class LayerCatalogTests: XCTestCase {
    private func parsed(_ text: String) -> LayerRecipe? {
        if case .success(let r) = LayerCatalog.parse(text) { return r }
        return nil
    }

    func testEveryKindRoundTripsThroughItsDescription() throws {
        var rng = SeededRandom(seed: 1)
        for kind in LayerCatalog.kinds {
            let sizes = kind.sizes.map { _ in 3 }
            // A kind that takes a list (the input features) gets its last three, parentheses included.
            let recipe = try kind.recipe(sizes: sizes, terms: Array((kind.terms ?? []).suffix(3))).get()
            let layer = recipe.makeLayer(rng: &rng)
            // What `summary` shows and saved files hold parses back to the same kind, sizes and settings.
            let again = try XCTUnwrap(parsed(layer.spec), layer.spec)
            XCTAssertEqual(again.kind.name, kind.name)
            XCTAssertEqual(again.sizes, sizes)
            XCTAssertEqual(again.terms, recipe.terms)
            XCTAssertEqual(again.makeLayer(rng: &rng).spec, layer.spec)
            XCTAssertEqual(layer.parameterCount, recipe.parameterCount, kind.name)
        }
    }

    func testSettingsDefaultsAndErrors() throws {
        XCTAssertEqual(parsed("leaky_relu")?.number("alpha"), 0.1)
        XCTAssertEqual(parsed("elu")?.number("alpha"), 1)
        XCTAssertEqual(parsed("leaky_relu alpha=0.25")?.number("alpha"), 0.25)
        XCTAssertEqual(parsed("dropout p=0.5")?.number("p"), 0.5)
        XCTAssertEqual(parsed("linear 784 128")?.sizes, [784, 128])
        XCTAssertEqual(parsed("linear 2 3 init=he")?.word("init"), "he")
        XCTAssertEqual(parsed("linear_classifier 784 10 (bias trick: W is 10x785)")?.sizes, [784, 10])
        var rng = SeededRandom(seed: 1)
        XCTAssertEqual(try LayerCatalog.parse("elu alpha=0.1").get().makeLayer(rng: &rng).spec, "elu alpha=0.1")

        XCTAssertEqual(LayerCatalog.parse("conv 3 3").failure, .unknownKind("conv"))
        XCTAssertEqual(LayerCatalog.parse("linear 3").failure, .malformed)
        XCTAssertEqual(LayerCatalog.parse("linear 3 x").failure, .malformed)
        XCTAssertEqual(LayerCatalog.parse("").failure, .malformed)
        XCTAssertEqual(LayerCatalog.parse("linear 0 4").failure, .sizeOutOfRange(index: 0, value: 0, range: 1...100_000))
        XCTAssertEqual(LayerCatalog.parse("dropout p=1.5").failure, .settingOutOfRange(name: "p", value: 1.5, range: 0...0.99))
        XCTAssertEqual(LayerCatalog.parse("relu alpha=0.1").failure, .unknownSetting("alpha"))
        XCTAssertEqual(LayerCatalog.parse("linear 2 2 init=zeros").failure,
                       .unknownChoice(name: "init", value: "zeros", choices: ["he", "xavier", "pytorch"]))
        XCTAssertEqual(LayerCatalog.parse("elu alpha=nan").failure, .malformed)
    }

    func testActivationsAreTheTablesRowsWithFunctions() {
        XCTAssertEqual(LayerCatalog.activations.map(\.name), ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "identity"])
        XCTAssertEqual(LayerCatalog.typedKinds.map(\.name),
                       ["linear", "relu", "sigmoid", "tanh", "leaky_relu", "elu", "identity", "softmax", "dropout"])
        XCTAssertEqual(LayerCatalog.kind(named: "elu")?.activation, .elu(alpha: 1))
        // The Playground's name for no activation.
        XCTAssertEqual(LayerCatalog.activation(named: "linear")?.name, "identity")
        XCTAssertNil(LayerCatalog.activation(named: "softmax"))
    }

    func testInputFeaturesByName() throws {
        XCTAssertEqual(parsed("features x1,x2,x1*x2,sin(x1)")?.terms, ["x1", "x2", "x1*x2", "sin(x1)"])
        // Written as students write them, read back by their names.
        XCTAssertEqual(try LayerCatalog.features.recipe(terms: ["X1X2", "x1²"]).get().terms, ["x1*x2", "x1^2"])
        XCTAssertEqual(LayerCatalog.parse("features x1,x3").failure, .unknownTerm("x3", choices: InputFeature.allCases.map(\.name)))
        XCTAssertEqual(LayerCatalog.parse("features").failure, .badTerms("no features given"))
        XCTAssertEqual(LayerCatalog.parse("features x1,x1").failure, .badTerms("'x1' is given twice"))
        XCTAssertEqual(LayerCatalog.parse("linear 2 x1,x2").failure, .malformed)
        var rng = SeededRandom(seed: 1)
        let layer = try XCTUnwrap(parsed("features x2,sin(x2)")?.makeLayer(rng: &rng) as? InputFeatures)
        XCTAssertEqual(layer.features, [.x2, .sinX2])
    }
}

final class SafetensorsTests: XCTestCase {
    func testRoundTripKeepsWeightsInPyTorchsLayout() throws {
        var rng = SeededRandom(seed: 3)
        let net = Sequential(name: "net")
        for text in ["linear 3 4", "leaky_relu alpha=0.2", "dropout p=0.3", "linear 4 2", "softmax"] {
            _ = net.append(try LayerCatalog.parse(text).get().makeLayer(rng: &rng))
        }
        let bytes = SafetensorsModel.encode(net, metadata: ["model": "net"])
        let file = try SafetensorsModel(bytes: bytes)
        XCTAssertEqual(file.metadata["layers"], "linear 3 4; leaky_relu alpha=0.2; dropout p=0.3; linear 4 2; softmax")
        XCTAssertEqual(file.metadata["model"], "net")
        var other = SeededRandom(seed: 99)
        let loaded = try file.network(named: "copy", rng: &other)
        XCTAssertEqual(loaded.layers.map(\.spec), net.layers.map(\.spec))
        XCTAssertEqual(loaded.snapshot(), net.snapshot(), "the same weights, bit for bit")
        // The first tensor is PyTorch's weight[out][in]: its second value is W[in 1][out 0] of nnlab's in x out.
        let first = try XCTUnwrap(net.layers.first)
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        let data = Array(bytes[(8 + headerLength)...])
        let second = data[4..<8].withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
        XCTAssertEqual(second, first.incomingWeights(of: 0)?[1])
    }

    func testBrokenFilesAreErrorsNotCrashes() {
        XCTAssertEqual(Result { try SafetensorsModel(bytes: [1, 2]) }.failure as? ModelFileError, .tooShort(bytes: 2))
        let header = Array("{\"__metadata__\": {\"layers\": \"linear 100000 100000\"}}".utf8)
        let bytes = [UInt8(header.count), 0, 0, 0, 0, 0, 0, 0] + header
        var rng = SeededRandom(seed: 1)
        XCTAssertEqual(Result { try SafetensorsModel(bytes: bytes).network(named: "m", rng: &rng) }.failure as? ModelFileError,
                       .tooLarge(index: 0, description: "linear 100000 100000", limit: 50_000_000))
    }
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { e } else { nil } }
}
