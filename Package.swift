// swift-tools-version:6.0
import PackageDescription
import Foundation

// The numeric modules' loops are written against unsafe buffers: unchecked in release builds (optimised with
// their checks in debug builds, so the tests run at speed). Only the numeric modules get -Ounchecked: whatever
// parses untrusted input (scripts, IDX, gzip, CSV, safetensors, JSON, notebooks) keeps its bounds and overflow
// checks. No -target-cpu: the vector kernels that need AVX2 or AVX-512 are C (CKernels, CTrainingKernels), built
// for each and chosen at run time, so the Swift code runs on any CPU of its architecture.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
                            .unsafeFlags(["-O"], .when(configuration: .debug))]
// Optimised with every check kept, in debug builds too (hashing and inflating 100 MB at -Onone made the tests slow).
let checked: [SwiftSetting] = [.unsafeFlags(["-O"])]
// The C kernels: optimised in every configuration (the tests train with them), and no contraction of a * b + c
// into one fused operation beyond those the code asks for, so every build computes the same numbers.
// (Vectors load and store through float pointers: no type-based alias assumptions.)
let kernelFlags: [CSetting] = [.unsafeFlags(["-O2", "-ffp-contract=off", "-fno-strict-aliasing"])]

let package = Package(
    name: "nnlab",
    products: [
        .executable(name: "nnlab", targets: ["nnlab"]),
        .executable(name: "nnlab-bench", targets: ["nnlab-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries, wrapped as system modules (module map + shim.h), with their Debian providers.
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),

        // Counts allocations (malloc/calloc/realloc of the whole process) for the benchmark only.
        .target(name: "CAllocCount"),
        // Measures one core's fp32 FMA limit, for the benchmark's GEMM efficiency figure.
        .target(name: "CFMAPeak", cSettings: [.unsafeFlags(["-O2"])]),

        // What every module needs and nothing else: the clock, the atomic file writer, number formatting, OS errors
        // in words, safe text, the memory budget. Depends on nothing.
        .target(name: "Basics"),
        // SHA-256 (data checksums) and HMAC-SHA256 (Jupyter message signatures), from OpenSSL's libcrypto.
        .target(name: "Hashing", dependencies: ["CCrypto"]),
        // The CPU's features and OpenBLAS (Debian: libopenblas0, installed by scripts/setup.sh), which is loaded at
        // run time rather than linked: it picks its kernel while it loads, and nnlab chooses that kernel first.
        .target(name: "CPlatform", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),

        // nnlab's SIMD kernels in C, each built for AVX-512, AVX2+FMA and a portable target from one body and
        // chosen at run time; TensorCore's (sparse products) and NeuralNet's (optimizer steps, fused or not).
        // Each body (tensor_body.h, training_body.h) is found through the target's own folder: nnlab_each_isa.h
        // includes it once per instruction set.
        .target(name: "CKernels", cSettings: kernelFlags + [.headerSearchPath(".")]),
        .target(name: "CTrainingKernels", dependencies: ["CKernels"], cSettings: kernelFlags + [.headerSearchPath(".")]),

        .target(name: "TensorCore", dependencies: ["CPlatform", "CKernels"], swiftSettings: fast),
        .target(name: "NeuralNet", dependencies: ["Basics", "TensorCore", "CTrainingKernels"], swiftSettings: fast),
        // Parsers of files (IDX, gzip, CSV): checked builds, see `fast`.
        .target(name: "Datasets", dependencies: ["Basics", "Hashing", "TensorCore", "CZlib"], swiftSettings: checked),
        // Models as text and files: the table of layer kinds, the text-to-layer parser, the safetensors codec.
        // Built checked (no fast settings): it parses what users type and what files contain.
        .target(name: "ModelFormat", dependencies: ["Basics", "TensorCore", "NeuralNet"]),
        .target(name: "Charts", dependencies: ["Basics"]),
        .target(name: "Transcript", dependencies: ["Basics"]),
        .target(name: "Script", dependencies: ["Basics", "Hashing", "TensorCore", "NeuralNet", "ModelFormat", "Datasets", "Charts", "Transcript"]),
        // Line reading (readline or plain) and the read-evaluate loop; it knows the evaluator only by a protocol.
        .target(name: "REPL", dependencies: ["CReadline"]),
        // Notebooks as input: `nnlab run x.ipynb`, `nnlab convert`, `nnlab check` (no Jupyter needed).
        .target(name: "Notebooks", dependencies: ["Basics", "Charts", "Script", "Transcript"]),
        // The Jupyter kernel (`nnlab kernel`, `nnlab kernel install`): ZeroMQ channels, signed messages, one loop
        // over the interpreter; REPL only for its Ctrl-C flag.
        .target(name: "Kernel", dependencies: ["Basics", "CZMQ", "Charts", "Hashing", "REPL", "Script", "Transcript"]),
        // The command line (`nnlab`, `nnlab run`, `nnlab -c`) as a function tests call; `nnlab` only calls it.
        .target(name: "CLI", dependencies: ["Basics", "Script", "REPL", "Notebooks", "Kernel", "TensorCore", "Transcript",
                                            .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "nnlab", dependencies: ["CLI"]),
        .executableTarget(name: "nnlab-bench", dependencies: ["Basics", "TensorCore", "NeuralNet", "Datasets", "CAllocCount", "CFMAPeak"],
                         swiftSettings: fast),

        // What test targets share (golden files, Python), as a library they import; no tests of its own.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The kernel tests' shared pieces: every build of the C kernels, a sparse matrix in columns.
        .target(name: "KernelTestSupport", dependencies: ["TensorCore"], path: "Tests/KernelTestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "KernelTestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TensorCore", "ModelFormat", "KernelTestSupport"]),
        .testTarget(name: "ModelFormatTests", dependencies: ["ModelFormat", "NeuralNet", "TensorCore"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Hashing", "TensorCore"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing"]),
        .testTarget(name: "ChartsTests", dependencies: ["Basics", "Charts", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "TranscriptTests", dependencies: ["Basics", "Transcript", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ScriptTests", dependencies: ["Script", "REPL", "Transcript", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "CLITests", dependencies: ["CLI"]),
        .testTarget(name: "NotebooksTests", dependencies: ["Basics", "Notebooks", "Script", "Transcript"]),
        // Python clients (jupyter_client, nbconvert, pyzmq) in clients/, driven from XCTest.
        .testTarget(name: "KernelTests", dependencies: ["Basics", "Kernel", "Hashing", "Transcript"], exclude: ["clients"]),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
    ]
)

// The libFuzzer target exists only when asked for (scripts/fuzz.sh sets NNLAB_FUZZ=1): it has no `main` of its
// own, libFuzzer provides it under `swift build --sanitize fuzzer`, so a plain build must not try to link it.
// One target per reader of untrusted input: the language, data files (IDX, gzip, CSV), model files, notebooks.
if ProcessInfo.processInfo.environment["NNLAB_FUZZ"] != nil {
    for (name, dependencies) in [("nnlab-fuzz", ["Script"]), ("data-fuzz", ["Datasets"]),
                                 ("model-fuzz", ["ModelFormat", "NeuralNet", "TensorCore"]), ("notebook-fuzz", ["Transcript"])] {
        package.targets.append(.executableTarget(name: name, dependencies: dependencies.map { .target(name: $0) },
                                                 path: "Fuzz/\(name)", swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
