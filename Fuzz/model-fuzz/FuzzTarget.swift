import ModelFormat
import NeuralNet
import TensorCore

// libFuzzer entry point for model files (issue 17, item 7): every input is the content of a `.safetensors` file
// given to `load model`: the header is read and checked, the layer list parsed through the one text-to-layer
// parser, and the network built with the file's weights, under a small parameter cap (the memory budget's job
// in a session) so one execution stays fast. A model that loads must save to bytes that load again the same.
// Build and run with `scripts/fuzz.sh model`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let file = try? SafetensorsModel(bytes: bytes) else { return 0 }
    var rng = SeededRandom(seed: 1)
    guard let network = try? file.network(named: "fuzz", rng: &rng, maxParameters: 200_000) else { return 0 }
    let again = SafetensorsModel.encode(network, metadata: file.metadata)
    var rng2 = SeededRandom(seed: 1)
    guard let reread = try? SafetensorsModel(bytes: again).network(named: "fuzz", rng: &rng2, maxParameters: 200_000),
          reread.layers.map(\.spec) == network.layers.map(\.spec) else {
        fatalError("a model that loaded does not load again after saving")
    }
    return 0
}
