// swift-tools-version:6.0
import PackageDescription

// Hot loops are written against unsafe buffers; AVX2+FMA (haswell) codegen is available on every machine we target.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"])]

let package = Package(
    name: "nnlab",
    products: [
        .executable(name: "nnlab", targets: ["nnlab"]),
        .executable(name: "nnlab-bench", targets: ["nnlab-bench"]),
    ],
    targets: [
        // C libraries, wrapped as system modules (module map + shim.h), with their Debian providers.
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "TensorCore", dependencies: ["CBLAS"], swiftSettings: fast),
        .target(name: "NeuralNet", dependencies: ["TensorCore"], swiftSettings: fast),
        .target(name: "Datasets", dependencies: ["TensorCore", "CZlib"], swiftSettings: fast),
        .target(name: "Charts"),
        .target(name: "Transcript"),
        .target(name: "Script", dependencies: ["TensorCore", "NeuralNet", "Datasets", "Charts", "Transcript"]),
        .target(name: "REPL", dependencies: ["Script", "CReadline"]),
        .executableTarget(name: "nnlab", dependencies: ["REPL", "Script"]),
        .executableTarget(name: "nnlab-bench", dependencies: ["TensorCore", "NeuralNet", "Datasets"], swiftSettings: fast),

        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorCore"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TensorCore"]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"], resources: [.copy("Snapshots")]),
        .testTarget(name: "TranscriptTests", dependencies: ["Transcript"]),
        .testTarget(name: "ScriptTests", dependencies: ["Script", "REPL"]),
    ]
)
