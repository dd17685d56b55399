// nnlab-bench: release-mode figures for nnlab against its peers (numpy, PyTorch if installed), measured in the
// same run on the same CPU. Prints a table with ratios; `--json FILE` also writes the raw numbers.
//
//   swift build -c release && .build/release/nnlab-bench [--epochs 5] [--no-peer] [--no-knn] [--json FILE]
import Basics
import Foundation
import CAllocCount
import CFMAPeak
import Datasets
import NeuralNet
import TensorCore

struct Options {
    var epochs = 5
    var peer = true
    var knn = true
    var json: String?
    var peerEpochs = 2
    var peerThreads = 1
    var gemmOnly = false
    var variations = true
    var lab = true
    var flushDenormals = false
}

var options = Options()
var args = Array(CommandLine.arguments.dropFirst())
while let a = args.first {
    args.removeFirst()
    switch a {
    case "--epochs": options.epochs = Int(args.first ?? "") ?? 5; if !args.isEmpty { args.removeFirst() }
    case "--peer-epochs": options.peerEpochs = Int(args.first ?? "") ?? 2; if !args.isEmpty { args.removeFirst() }
    case "--peer-threads": options.peerThreads = max(1, Int(args.first ?? "") ?? 1); if !args.isEmpty { args.removeFirst() }
    case "--no-peer": options.peer = false
    case "--no-knn": options.knn = false
    case "--gemm-only": options.gemmOnly = true
    case "--no-variations": options.variations = false
    case "--no-lab": options.lab = false
    case "--flush-denormals": options.flushDenormals = true
    case "--json": options.json = args.first; if !args.isEmpty { args.removeFirst() }
    default:
        print("usage: nnlab-bench [--epochs N] [--peer-epochs N] [--peer-threads N] [--no-peer] [--no-knn] [--gemm-only] [--no-variations] [--no-lab] [--flush-denormals] [--json FILE]")
        exit(a == "--help" ? 0 : 2)
    }
}

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
// Denormals flushed to zero on this thread and the threads it starts (the trainer's helper): other numbers than
// nnlab computes, to see what denormal arithmetic costs on this CPU (on some, each is a slow microcode assist).
if options.flushDenormals && nnlab_flush_denormals() != 0 { log("nnlab-bench: --flush-denormals is not supported on this CPU") }
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.isEmpty ? .nan : s[s.count / 2] }
func f(_ x: Double?, _ digits: Int = 3) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "-" }

var results: [String: Any] = [:]
/// The system's load averages (1, 5, 15 minutes): other work on the machine slows every figure here.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
}
let loadAtStart = loadAverage()
let env = ProcessInfo.processInfo.environment
results["openblas_coretype"] = env["OPENBLAS_CORETYPE"] ?? NSNull()
results["flush_denormals"] = options.flushDenormals
results["openblas_l2_size"] = env["OPENBLAS_L2_SIZE"] ?? NSNull()

// 1. Loading MNIST from the cache (fetches it first if needed, outside the timing).
_ = try? ImageSetLoader.load(.mnist, log: log)
var start = Clock.now
let mnist: LoadedImageSet
do { mnist = try ImageSetLoader.load(.mnist) } catch { log("nnlab-bench: cannot load MNIST: \(error)"); exit(1) }
let loadSeconds = Clock.now - start
results["mnist_load_s"] = loadSeconds
var train = mnist.train, test = mnist.test
Normalization.mnistStandard.apply(to: &train)
Normalization.mnistStandard.apply(to: &test)

// 1b. Matrix products, one thread: the products one step of the lab MLP makes (batch 64; the first layer's dense
// block has D columns, the rest of that layer is sparse) and a large square one, against the core's fp32 limit
// measured with FMA chains on registers. The dense block's two products go the way SparseLinear takes them (nnlab's
// own kernels where the CPU has FMA), in the two column halves the training makes (`kernel`); the later layers'
// through the BLAS nnlab chose.
log("BLAS: \(BLAS.backend)")
// The training set's sparse form, built once (as `train` in nnlab builds it once per data set).
let trainSparse = SparseRows.make(train.matrix)
let denseColumns = trainSparse?.denseColumns.count ?? 0
typealias Shape = (m: Int, n: Int, k: Int, transA: Bool, transB: Bool, kernel: Bool)
let blockShapes: [Shape] = [(64, 64, denseColumns, false, false, true), (64, 64, denseColumns, false, false, true),
                            (denseColumns, 64, 64, true, false, true), (denseColumns, 64, 64, true, false, true)]
let laterShapes: [Shape] = [(64, 64, 128, false, false, false), (64, 10, 64, false, false, false), (64, 10, 64, true, false, false),
                            (64, 64, 10, false, true, false), (128, 64, 64, true, false, false), (64, 128, 64, false, true, false)]
func gemmGFLOPs(_ shapes: [Shape], seconds: Double = 0.25) -> Double {
    let size = shapes.map { max($0.m * $0.k, $0.k * $0.n, $0.m * $0.n) }.max() ?? 1
    let a = [Float](repeating: 0.5, count: size), b = [Float](repeating: 0.25, count: size)
    var c = [Float](repeating: 0, count: size)
    var best = 0.0
    for _ in 0..<3 {
        var flops = 0.0
        let t0 = Clock.now
        repeat {
            for s in shapes {
                c.withUnsafeMutableBufferPointer { out in
                    guard let cp = out.baseAddress else { return }
                    if s.kernel && !s.transA {
                        SparseLinear.blockTimes(m: s.m, n: s.n, k: s.k, a: a, lda: s.k, b: b, ldb: s.n, c: cp, ldc: s.n)
                    } else if s.kernel {
                        SparseLinear.blockTransposeTimes(m: s.m, n: s.n, k: s.k, a: a, lda: s.m, d: b, ldd: s.n, g: cp, ldg: s.n)
                    } else {
                        BLAS.gemm(transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, a: a, lda: s.transA ? s.m : s.k,
                                  b: b, ldb: s.transB ? s.k : s.n, c: cp, ldc: s.n)
                    }
                }
                flops += 2 * Double(s.m * s.n * s.k)
            }
        } while Clock.now - t0 < seconds
        best = max(best, flops / (Clock.now - t0) / 1e9)
    }
    return best
}
let stepGFLOPs = gemmGFLOPs(blockShapes + laterShapes)
let blockGFLOPs = gemmGFLOPs(blockShapes)
let laterGFLOPs = gemmGFLOPs(laterShapes)
let squareGFLOPs = gemmGFLOPs([(512, 512, 512, false, false, false)])
let peak512 = nnlab_fma_peak_gflops(512), peak256 = nnlab_fma_peak_gflops(256)
let corePeak = max(peak512, peak256)
results["blas"] = "\(BLAS.backend)"
results["gemm_mlp_step_gflops"] = stepGFLOPs
results["gemm_dense_block_gflops"] = blockGFLOPs
results["gemm_later_layers_gflops"] = laterGFLOPs
results["gemm_512_gflops"] = squareGFLOPs
results["fma_peak_512_gflops"] = peak512
results["fma_peak_256_gflops"] = peak256
func percent(_ x: Double, of limit: Double) -> String { limit > 0 ? String(format: "%.0f%%", 100 * x / limit) : "-" }
func printGEMM() {
    for line in Platform.report { print(line) }
    print("core fp32 limit (FMA chains): \(f(peak512, 0)) GFLOP/s with 512-bit vectors, \(f(peak256, 0)) with 256-bit")
    let blockPath = SparseLinear.blockProductsByKernels ? "nnlab's \(Kernels.instructionSet) kernels" : "OpenBLAS (no FMA instruction)"
    let block = "dense block, \(blockPath): \(f(blockGFLOPs, 1)) = \(percent(blockGFLOPs, of: corePeak))"
    let later = "later layers, OpenBLAS \(BLAS.backend.core): \(f(laterGFLOPs, 1)) = \(percent(laterGFLOPs, of: corePeak))"
    print("GEMM, one thread: lab MLP step's products (D = \(denseColumns)) \(f(stepGFLOPs, 1)) GFLOP/s = \(percent(stepGFLOPs, of: corePeak)) of the limit"
          + " (\(block); \(later)); 512x512x512 \(f(squareGFLOPs, 1)) GFLOP/s = \(percent(squareGFLOPs, of: corePeak))")
}
if options.gemmOnly {
    printGEMM()
    exit(0)
}

// 2. The lab MLP: 784-128-64-10 ReLU, cross-entropy, SGD lr 0.01 momentum 0.9, batch 64.
var rng = SeededRandom(seed: 1)  // labs/lab1-mnist.nnl's seed: the same initial weights and shuffles
let model = Sequential(name: "mlp")
for (i, (a, b)) in [(784, 128), (128, 64), (64, 10)].enumerated() {
    _ = model.append(Linear(inputs: a, outputs: b, rng: &rng))
    if i < 2 { _ = model.append(Activation(.relu)) }
}
let trainer = Trainer(model: model, loss: .crossEntropy, optimizer: SGD(learningRate: 0.01, momentum: 0.9))
// As `train` in nnlab: the images stay bytes, the sparse form is built from them (inside the first epoch there).
let samples = Samples(matrix: train.matrix, labels: train.labels, sparse: trainSparse)
var epochTimes: [Double] = []
// Allocations inside the training loop's steady state: from the first to the last step of the second epoch
// (epoch boundaries allocate a little: the weight snapshot, the statistics).
var allocationsAtStep: (first: Int, last: Int, steps: Int)?
var lateWaitsSeen = trainer.helper?.lateWaits ?? 0
log("training the lab MLP for \(options.epochs) epochs...")
_ = trainer.train(samples, validation: nil, config: TrainConfig(epochs: options.epochs, batchSize: 64), rng: &rng,
                  onBatch: { p in
                      guard p.epoch == 2 else { return }
                      if p.batch == 1 { allocationsAtStep = (nnlab_allocation_count(), 0, 0) }
                      if p.batch == p.batches, let a = allocationsAtStep {
                          allocationsAtStep = (a.first, nnlab_allocation_count(), p.batches - 1)
                      }
                  },
                  onEpoch: { e in
                      epochTimes.append(e.seconds)
                      // Waits for the helper that outlasted the spin (it was not running when needed), this epoch.
                      let late = (trainer.helper?.lateWaits ?? 0) - lateWaitsSeen
                      lateWaitsSeen += late
                      log("  epoch \(e.epoch): \(f(e.seconds)) s, loss \(f(e.loss, 4)), helper late \(late) times")
                  })
let allocationsPerStep = allocationsAtStep.flatMap { $0.steps > 0 ? Double($0.last - $0.first) / Double($0.steps) : nil }
results["nnlab_allocations_per_step"] = allocationsPerStep ?? NSNull()
let testAccuracy = trainer.evaluate(Samples(matrix: test.matrix, labels: test.labels)).accuracy
let secondsPerEpoch = median(epochTimes)
results["nnlab_threads"] = trainer.helper == nil ? 1 : 2
// The trainer lets its helper go when the machine is too busy to run it (then the figure is a one-thread one).
let helperLetGo = trainer.helper?.isBusy ?? false
results["nnlab_helper_let_go"] = helperLetGo

// The same training on one thread (as NNLAB_THREADS=1: no helper), 3 epochs from the same start: the figure
// to set beside one-thread peers.
var oneThreadSeconds: Double?
if trainer.helper != nil {
    var rng1 = SeededRandom(seed: 1)
    let model1 = Sequential(name: "mlp")
    for (i, (a, b)) in [(784, 128), (128, 64), (64, 10)].enumerated() {
        _ = model1.append(Linear(inputs: a, outputs: b, rng: &rng1))
        if i < 2 { _ = model1.append(Activation(.relu)) }
    }
    let trainer1 = Trainer(model: model1, loss: .crossEntropy, optimizer: SGD(learningRate: 0.01, momentum: 0.9))
    trainer1.helper = nil
    var times1: [Double] = []
    log("the same on one thread, 3 epochs...")
    _ = trainer1.train(samples, validation: nil, config: TrainConfig(epochs: 3, batchSize: 64), rng: &rng1,
                       onEpoch: { e in times1.append(e.seconds); log("  epoch \(e.epoch): \(f(e.seconds)) s") })
    oneThreadSeconds = median(times1)
    results["nnlab_mlp_one_thread_s_per_epoch"] = oneThreadSeconds
}
// Dense-equivalent work of one epoch: forward 2·B·Σ(in·out), backward twice that minus the first layer's input
// gradient. The sparse first layer does less arithmetic than this; the figure says what a dense engine must do.
let parameterProducts: Double = 784 * 128 + 128 * 64 + 64 * 10
let firstLayerProducts: Double = 784 * 128
let flopPerSample: Double = 2 * parameterProducts * 3 - 2 * firstLayerProducts
let gflopPerEpoch = flopPerSample * 60_000 / 1e9
results["nnlab_mlp_s_per_epoch"] = secondsPerEpoch
results["nnlab_mlp_test_acc"] = testAccuracy
results["nnlab_mlp_epochs"] = options.epochs
results["mlp_dense_gflop_per_epoch"] = gflopPerEpoch

// 2b. Variations on the lab MLP, each 3 epochs from the lab's seed, seconds per epoch (median), default threads:
// Adam instead of SGD, Fashion-MNIST (denser images: less to gain from the sparse first layer), a wide
// 784-512-10 model.
// Each records whether the trainer let its helper go (a busy machine: the figure is then a one-thread one).
var variationsAlone: Set<String> = []
@MainActor func epochSeconds(_ data: Samples, sizes: [Int], optimizer: Optimizer, epochs: Int = 3, key: String) -> Double {
    var rng = SeededRandom(seed: 1)
    let m = Sequential(name: "m")
    for i in 0..<(sizes.count - 1) {
        _ = m.append(Linear(inputs: sizes[i], outputs: sizes[i + 1], rng: &rng))
        if i < sizes.count - 2 { _ = m.append(Activation(.relu)) }
    }
    var times: [Double] = []
    let trainer = Trainer(model: m, loss: .crossEntropy, optimizer: optimizer)
    _ = trainer.train(data, validation: nil, config: TrainConfig(epochs: epochs, batchSize: 64), rng: &rng,
                      onEpoch: { times.append($0.seconds) })
    if trainer.helper?.isBusy ?? false { variationsAlone.insert(key) }
    results[key + "_helper_let_go"] = trainer.helper?.isBusy ?? false
    results[key] = median(times)
    return median(times)
}
if options.variations {
    log("variations: Adam, Fashion-MNIST, 784-512-10...")
    _ = epochSeconds(samples, sizes: [784, 128, 64, 10], optimizer: Adam(learningRate: 1e-3), key: "nnlab_mlp_adam_s_per_epoch")
    _ = epochSeconds(samples, sizes: [784, 512, 10], optimizer: SGD(learningRate: 0.01, momentum: 0.9), key: "nnlab_wide_s_per_epoch")
    // Fashion-MNIST normalised with MNIST's constants, as the numpy peer does: a timing figure.
    if var fashion = try? ImageSetLoader.load(.fashionMNIST, log: log).train {
        Normalization.mnistStandard.apply(to: &fashion)
        let data = Samples(matrix: fashion.matrix, labels: fashion.labels, sparse: SparseRows.make(fashion.matrix))
        _ = epochSeconds(data, sizes: [784, 128, 64, 10], optimizer: SGD(learningRate: 0.01, momentum: 0.9), key: "nnlab_fashion_s_per_epoch")
        results["fashion_density"] = data.sparse?.density ?? 1
        results["mnist_density"] = samples.sparse?.density ?? 1
    }
}

// 3. kNN, L2, k = 1, the full test set against the full training set, raw pixels.
var knnSeconds: Double?
var knnAccuracy: Double?
if options.knn {
    log("kNN L2 k=1 on 10,000 test images...")
    let raw = mnist.train, rawTest = mnist.test
    // As `knn` in nnlab: the pixel bytes as loaded (the sparse path; its set-up is timed too).
    start = Clock.now
    let knn = KNearestNeighbours(k: 1, distance: .l2, train: Samples(matrix: raw.matrix, labels: raw.labels), classCount: 10)
    if let predictions = knn.predict(rawTest.matrix) {
        knnSeconds = Clock.now - start
        knnAccuracy = Double(zip(predictions, rawTest.labels).filter { $0 == $1 }.count) / Double(rawTest.count)
    }
    results["nnlab_knn_l2_k1_s"] = knnSeconds ?? NSNull()
    results["nnlab_knn_k1_acc"] = knnAccuracy ?? NSNull()
}

// 4. Start-up and peak memory, measured on the nnlab executable next to this one.
let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("nnlab").path
func run(_ path: String, _ arguments: [String], python: Bool = false) -> (seconds: Double, maxRSSKB: Int, output: String)? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = python ? FileHandle.standardError : FileHandle.nullDevice
    let t0 = Clock.now
    do { try p.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let elapsed = Clock.now - t0
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    return (elapsed, usage.ru_maxrss, String(decoding: data, as: UTF8.self))
}
/// Runs the nnlab executable with its output discarded; wall time and that child's own peak RSS (wait4).
/// posix_spawn, not Process: Foundation's Process adds tens of milliseconds of its own to a short run.
func spawn(_ path: String, _ arguments: [String]) -> (seconds: Double, maxRSSKB: Int)? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let t0 = Clock.now
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    guard wait4(pid, &status, 0, &usage) == pid else { return nil }
    return (Clock.now - t0, usage.ru_maxrss)
}
var startupSeconds: Double?
var trainRSSMB: Double?
if FileManager.default.isExecutableFile(atPath: exe) {
    var times: [Double] = []
    for _ in 0..<11 { if let r = spawn(exe, ["-c", "help"]) { times.append(r.seconds) } }
    startupSeconds = median(times)
    // The lab's training, one epoch, on full MNIST from the cache: peak RSS of that process alone. Through
    // /usr/bin/time (as the issue measures it): a child spawned from this large process would be charged
    // this process's own peak (Linux carries the pre-exec address space's high-water mark over).
    let lab = ["--no-timing", "-c", "seed 1; load mnist normalize=standard; mlp 784 128 64 10; optimizer sgd lr=0.01 momentum=0.9; train epochs=1; eval test"]
    let timeTool = "/usr/bin/time", report = NSTemporaryDirectory() + "nnlab-bench-rss-\(getpid())"
    if FileManager.default.isExecutableFile(atPath: timeTool), spawn(timeTool, ["-f", "%M", "-o", report, exe] + lab) != nil,
       let text = try? String(contentsOfFile: report, encoding: .utf8), let kb = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
        trainRSSMB = kb / 1024
    } else if let r = spawn(exe, lab) {
        trainRSSMB = Double(r.maxRSSKB) / 1024
    }
    try? FileManager.default.removeItem(atPath: report)
    results["nnlab_startup_help_s"] = startupSeconds ?? NSNull()
    results["nnlab_train_rss_mb"] = trainRSSMB ?? NSNull()
}

// 4b. The whole lab: every cell of labs/lab1-mnist.nnl (the lab, then all its exercises), wall time of
// `nnlab run`, in a scratch folder (the script saves a model file).
// The repository this binary was built from, else the current folder (a binary copied to another machine is run
// from a checkout there); NNLAB_REPOSITORY names it outright.
let repository: URL = {
    if let named = ProcessInfo.processInfo.environment["NNLAB_REPOSITORY"] { return URL(fileURLWithPath: named) }
    let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    if FileManager.default.fileExists(atPath: built.appendingPathComponent("labs").path) { return built }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}()
let labScript = repository.appendingPathComponent("labs/lab1-mnist.nnl").path
var labSeconds: Double?
if options.lab, FileManager.default.isExecutableFile(atPath: exe), FileManager.default.fileExists(atPath: labScript) {
    log("the whole lab: nnlab run labs/lab1-mnist.nnl...")
    let scratch = NSTemporaryDirectory() + "nnlab-bench-lab-\(getpid())"
    try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    let previous = FileManager.default.currentDirectoryPath
    if chdir(scratch) == 0 {
        labSeconds = spawn(exe, ["run", labScript, "--no-timing"])?.seconds
        _ = chdir(previous)
    }
    try? FileManager.default.removeItem(atPath: scratch)
    results["nnlab_lab_s"] = labSeconds ?? NSNull()
}

// 5. The peers, in the same run.
nonisolated(unsafe) var peer: [String: Any] = [:]
if options.peer {
    let script = repository.appendingPathComponent("scripts/peer_bench.py").path
    let dataDir = ImageSetLoader.defaultDataDirectory + "/mnist"
    log("running the numpy/PyTorch peer (scripts/peer_bench.py)...")
    var peerArgs = [script, "--data", dataDir, "--epochs", String(options.peerEpochs), "--threads", String(options.peerThreads)]
    if !options.knn { peerArgs.append("--skip-knn") }
    if options.variations {
        peerArgs += ["--wide"]
        let fashion = ImageSetLoader.defaultDataDirectory + "/fashion-mnist"
        if results["nnlab_fashion_s_per_epoch"] != nil, FileManager.default.fileExists(atPath: fashion) {
            peerArgs += ["--fashion", fashion]
        }
    }
    if options.lab { peerArgs.append("--lab") }
    if let r = run("/usr/bin/env", ["python3"] + peerArgs, python: true),
       let last = r.output.split(separator: "\n").last,
       let obj = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] {
        peer = obj
        results["peer"] = obj
    } else {
        log("peer benchmark failed or printed no JSON (is numpy installed? python3 -m pip install numpy)")
    }
}

func num(_ key: String) -> Double? { (peer[key] as? NSNumber)?.doubleValue }
func ratio(_ ours: Double?, _ theirs: Double?) -> String {
    guard let a = ours, let b = theirs, b > 0 else { return "-" }
    return String(format: "%.2fx", a / b)
}

var cpu = "unknown CPU"
if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
   let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) {
    cpu = line.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? cpu
}
print("nnlab-bench — \(cpu), \(ProcessInfo.processInfo.activeProcessorCount) vCPUs, BLAS 1 thread, OPENBLAS_CORETYPE=\(env["OPENBLAS_CORETYPE"] ?? "(unset)")")
if options.flushDenormals { print("denormals flushed to zero (--flush-denormals): not the numbers nnlab computes, a measure of what denormals cost here") }
printGEMM()
print("load average at start \(loadAtStart), at the end \(loadAverage()) (other work on the machine slows every figure)")
print("threads: nnlab \(trainer.helper == nil ? 1 : 2) (its own helper; BLAS calls on one thread each)"
      + (helperLetGo ? ", but the machine was too busy to run the helper: nnlab let it go and went on alone" : "")
      + ", peers \(options.peerThreads) (--peer-threads)")
print("")
print("figure                                   nnlab        peer (numpy / torch)        nnlab/peer")
print("MLP s/epoch (784-128-64-10, b64)         \(f(secondsPerEpoch).padding(toLength: 12, withPad: " ", startingAt: 0)) numpy \(f(num("numpy_mlp_s_per_epoch")).padding(toLength: 7, withPad: " ", startingAt: 0)) torch \(f(num("torch_preloaded_s_per_epoch")).padding(toLength: 7, withPad: " ", startingAt: 0))  \(ratio(secondsPerEpoch, num("numpy_mlp_s_per_epoch"))) numpy, \(ratio(secondsPerEpoch, num("torch_preloaded_s_per_epoch"))) torch")
print("  nnlab on one thread (NNLAB_THREADS=1)  \(f(oneThreadSeconds).padding(toLength: 12, withPad: " ", startingAt: 0))                            \(ratio(oneThreadSeconds, num("numpy_mlp_s_per_epoch"))) numpy, \(ratio(oneThreadSeconds, num("torch_preloaded_s_per_epoch"))) torch")
print("  torch notebook way (DataLoader) s/epoch                  \(f(num("torch_notebook_s_per_epoch")))                     \(ratio(secondsPerEpoch, num("torch_notebook_s_per_epoch")))")
print("MLP test accuracy                        \(f(testAccuracy * 100, 2))%       numpy \(f(num("numpy_mlp_test_acc").map { $0 * 100 }, 2))% (\(peer["numpy_mlp_epochs"] ?? "-") ep) torch \(f(num("torch_preloaded_test_acc").map { $0 * 100 }, 2))%")
print("  after \(options.epochs) epochs; dense-equivalent \(f(gflopPerEpoch, 1)) GFLOP/epoch = \(f(gflopPerEpoch / secondsPerEpoch, 1)) GFLOP/s effective (fp32 limit of its \(trainer.helper == nil ? 1 : 2) cores: \(f(corePeak * (trainer.helper == nil ? 1 : 2), 0)))")
print("  allocations per training step (epoch 2)  \(f(allocationsPerStep, 2))")
@MainActor func ours(_ key: String) -> Double? { (results[key] as? Double) }
func row(_ label: String, _ value: Double?, _ peerLabel: String, _ peerValue: Double?, _ note: String = "") {
    print(label.padding(toLength: 41, withPad: " ", startingAt: 0) + f(value).padding(toLength: 13, withPad: " ", startingAt: 0)
          + "\(peerLabel) \(f(peerValue))".padding(toLength: 28, withPad: " ", startingAt: 0) + ratio(value, peerValue) + note)
}
if options.variations {
    let adam = ours("nnlab_mlp_adam_s_per_epoch")
    func alone(_ key: String) -> String { variationsAlone.contains(key) ? " (helper let go: one thread)" : "" }
    print("  with Adam (lr 1e-3), s/epoch           \(f(adam).padding(toLength: 12, withPad: " ", startingAt: 0))                            \(ratio(adam, secondsPerEpoch)) the SGD epoch"
          + alone("nnlab_mlp_adam_s_per_epoch"))
    row("Fashion-MNIST MLP s/epoch", ours("nnlab_fashion_s_per_epoch"), "numpy", num("numpy_fashion_s_per_epoch"),
        " numpy (ink: \(f(ours("fashion_density").map { $0 * 100 }, 0))% of pixels, MNIST \(f(ours("mnist_density").map { $0 * 100 }, 0))%)"
        + alone("nnlab_fashion_s_per_epoch"))
    row("MLP 784-512-10 s/epoch", ours("nnlab_wide_s_per_epoch"), "numpy", num("numpy_wide_s_per_epoch"), " numpy" + alone("nnlab_wide_s_per_epoch"))
}
if options.lab {
    row("whole lab (labs/lab1-mnist.nnl), s", labSeconds, "torch", num("torch_lab_s"),
        " PyTorch, the same cells the notebook way")
}
if options.knn {
    print("kNN L2 k=1, 10k test x 60k train, s     \(f(knnSeconds, 2).padding(toLength: 12, withPad: " ", startingAt: 0)) numpy \(f(num("numpy_knn_l2_k1_s"), 2))                      \(ratio(knnSeconds, num("numpy_knn_l2_k1_s")))")
    print("  accuracy k=1                           \(f(knnAccuracy.map { $0 * 100 }, 2))%       numpy \(f(num("numpy_knn_k1_acc").map { $0 * 100 }, 2))%")
}
print("start-up: nnlab -c help, s               \(f(startupSeconds))        import torch \(f(num("torch_import_s")))")
print("MNIST load from cache (70,000 images), s \(f(loadSeconds))")
print("peak RSS training the lab MLP, MB        \(f(trainRSSMB, 0))          numpy \(f(num("numpy_train_rss_mb"), 0))  torch \(f(num("torch_train_rss_mb"), 0))")

if let path = options.json, let data = try? JSONSerialization.data(withJSONObject: results, options: [.prettyPrinted, .sortedKeys]) {
    // Through the one atomic writer, as every file nnlab saves; a failure is said, not swallowed.
    do { try AtomicFile.write([UInt8](data), to: path) } catch { FileHandle.standardError.write(Data("nnlab-bench: \(error)\n".utf8)) }
}
