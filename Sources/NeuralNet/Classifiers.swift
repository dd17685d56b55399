import Synchronization
import TensorCore

/// Linear classifier with the bias trick: each input gets an extra constant 1, so f(x) = W [x; 1] with
/// W of shape classes x (inputs + 1) holding the biases in its last column. Trained with softmax
/// cross-entropy or the multiclass SVM hinge loss like any layer.
public final class BiasTrickLinear: Layer {
    public let inputs: Int
    public let classes: Int
    public let weight: Parameter
    private let augmented = Matrix(rows: 0, cols: 0)
    private let output = Matrix(rows: 0, cols: 0)

    public init(inputs: Int, classes: Int, rng: inout SeededRandom) {
        self.inputs = inputs
        self.classes = classes
        let w = Matrix(rows: classes, cols: inputs + 1)
        for r in 0..<classes { for c in 0..<inputs { w[r, c] = Float(rng.normal() * 0.001) } }
        weight = Parameter(name: "weight", value: w)
    }

    /// The layer's name in saved layer lists (the language makes it with `linear`).
    public static let kind = "linear_classifier"
    public var kind: String { Self.kind }
    public var spec: String { "\(Self.kind) \(inputs) \(classes) (bias trick: W is \(classes)x\(inputs + 1))" }
    public var parameters: [Parameter] { [weight] }

    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> {
        inputWidth == inputs ? .success(classes)
            : .failure(LayerError("linear classifier expects \(inputs) inputs but receives \(inputWidth)"))
    }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        let batch = x.rows, d = inputs + 1
        augmented.resize(rows: batch, cols: d)
        for r in 0..<batch {
            (augmented.data + r * d).update(from: x.data + r * inputs, count: inputs)
            augmented.data[r * d + inputs] = 1
        }
        output.resize(rows: batch, cols: classes)
        BLAS.gemm(transA: false, transB: true, m: batch, n: classes, k: d, a: augmented.data, lda: d,
                  b: weight.value.data, ldb: d, c: output.data, ldc: classes)
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        BLAS.gemm(transA: true, transB: false, m: classes, n: inputs + 1, k: dy.rows, a: dy.data, lda: classes,
                  b: augmented.data, ldb: inputs + 1, beta: 1, c: weight.grad.data, ldc: inputs + 1)
        return nil
    }

    /// The weights of class `c` without the bias, e.g. a 28x28 "template".
    public func template(_ c: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: weight.value.data + c * (inputs + 1), count: inputs))
    }

    public var inputWidth: Int? { inputs }
    public var weightShape: WeightShape? { WeightShape(inputs: inputs, outputs: classes, biasInWeights: true) }
    public func incomingWeights(of output: Int) -> [Float]? {
        output >= 0 && output < classes ? template(output) : nil
    }
}

/// k-nearest-neighbour classifier. L2 distances use ‖a-b‖² = ‖a‖² + ‖b‖² - 2a·b, so the bulk of the work
/// is one matrix product per chunk of queries (BLAS); L1 is computed in chunks with a vectorisable loop.
public final class KNearestNeighbours {
    public enum Distance: String, Sendable, CaseIterable { case l1, l2 }
    public let k: Int
    public let distance: Distance
    public let train: Samples
    public let classCount: Int
    /// ‖t‖² of each training row, for the dense L2 path (built on its first use).
    private lazy var trainNorms: [Float] = {
        var norms = [Float](repeating: 0, count: train.count)
        if distance == .l2 {
            train.features.withUnsafeBufferPointer { f in
                norms.withUnsafeMutableBufferPointer { n in
                    guard let fb = f.baseAddress, let nb = n.baseAddress else { return }
                    BLAS.rowSquaredNorms(fb, rows: train.count, cols: train.width, into: nb)
                }
            }
        }
        return norms
    }()

    public init(k: Int, distance: Distance, train: Samples, classCount: Int) {
        self.k = k
        self.distance = distance
        self.train = train
        self.classCount = classCount
    }

    /// Predicted labels for the rows of `queries`. Image sets kept as bytes (with the same positive scaling as
    /// the training set, so the same neighbours) take the sparse path: distances from the pixel bytes, only the
    /// ink of each training image multiplied (about a fifth of the products a dense matrix product does).
    public func predict(_ queries: FeatureMatrix, shouldStop: () -> Bool = { false },
                        progress: (Int) -> Void = { _ in }) -> [Int32]? {
        if distance == .l2, case .bytes(let trainBytes, let scale, let shift) = train.matrix.storage, scale > 0,
           case .bytes(let queryBytes, let qScale, let qShift) = queries.storage, qScale == scale, qShift == shift,
           queries.width == train.width {
            return predictFromBytes(trainBytes, queryBytes, count: queries.count, shouldStop: shouldStop, progress: progress)
        }
        return predict(queries.floats, count: queries.count, shouldStop: shouldStop, progress: progress)
    }

    /// The training images as sparse rows of (pixel - background) values, and half their squared norms.
    private lazy var sparseTrain: (starts: [Int], columns: [Int32], values: [Float], halfNorms: [Float], background: UInt8)? = {
        guard case .bytes(let bytes, _, _) = train.matrix.storage else { return nil }
        let width = train.width, n = train.count
        var frequency = [Int](repeating: 0, count: 256)
        for b in bytes.prefix(min(n, 500) * width) { frequency[Int(b)] += 1 }
        let background = UInt8(frequency.indices.max { frequency[$0] < frequency[$1] } ?? 0)
        var starts = [Int](repeating: 0, count: n + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        var halfNorms = [Float](repeating: 0, count: n)
        columns.reserveCapacity(bytes.count / 4)
        values.reserveCapacity(bytes.count / 4)
        bytes.withUnsafeBufferPointer { b in
            for i in 0..<n {
                var norm = 0  // exact: at most 784 · 255²
                for k in 0..<width {
                    let v = Int(b[i * width + k]) - Int(background)
                    if v != 0 {
                        columns.append(Int32(k))
                        values.append(Float(v))
                        norm += v * v
                    }
                }
                starts[i + 1] = columns.count
                halfNorms[i] = Float(norm) / 2
            }
        }
        columns.append(0)
        values.append(0)
        return (starts, columns, values, halfNorms, background)
    }()

    /// k nearest by ‖t‖²/2 - q·t (the query's own norm does not change the order), for chunks of 256 queries:
    /// the chunk is transposed (pixel-major) so each training image's ink combines rows of it in registers.
    /// With the helper thread free, both threads take chunks in turn (whoever is free takes the next); each
    /// chunk's labels are the same whichever thread computes them. `progress` hears from this thread only:
    /// rising totals, the last one `count`.
    private func predictFromBytes(_ trainBytes: [UInt8], _ queryBytes: [UInt8], count: Int, shouldStop: () -> Bool,
                                  progress: (Int) -> Void) -> [Int32]? {
        guard let sparse = sparseTrain else { return nil }
        let chunk = 256, chunks = (count + chunk - 1) / chunk
        var predictions = [Int32](repeating: 0, count: count)
        let next = Atomic<Int>(0), done = Atomic<Int>(0), stopped = Atomic<Bool>(false)
        predictions.withUnsafeMutableBufferPointer { out in
            guard let out = out.baseAddress else { return }
            // One thread's share: chunks until none is left or the main thread saw a stop request.
            func work(main: Bool, shouldStop: () -> Bool, progress: (Int) -> Void) {
                var scratch = KNNScratch(width: train.width, chunk: chunk, k: k)
                while !stopped.load(ordering: .relaxed) {
                    if main && shouldStop() { stopped.store(true, ordering: .relaxed); return }
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    let lo = c * chunk, m = min(chunk, count - lo)
                    scoreChunk(queryBytes, from: lo, count: m, sparse: sparse, scratch: &scratch, into: out)
                    let finished = done.wrappingAdd(m, ordering: .relaxed).newValue
                    if main { progress(finished) }
                }
            }
            guard let helper = Helper.shared, chunks > 1, helper.claim() else {
                work(main: true, shouldStop: shouldStop, progress: progress)
                return
            }
            defer { helper.release() }
            let job: (Int) -> Void = { _ in work(main: false, shouldStop: { false }, progress: { _ in }) }
            helper.start(job, 0)
            var reported = 0
            work(main: true, shouldStop: shouldStop, progress: { reported = $0; progress($0) })
            helper.wait()
            // The helper may have finished the last chunks after this thread's last report.
            if !stopped.load(ordering: .relaxed) && reported < count { progress(count) }
        }
        return stopped.load(ordering: .relaxed) ? nil : predictions
    }

    /// Per-thread buffers of `predictFromBytes`.
    private struct KNNScratch {
        var transposed: [Float], dots: [Float], zeros: [Float], bestScore: [Float], bestIndex: [Int]
        init(width: Int, chunk: Int, k: Int) {
            transposed = [Float](repeating: 0, count: width * chunk)
            dots = [Float](repeating: 0, count: chunk)
            zeros = [Float](repeating: 0, count: chunk)
            bestScore = [Float](repeating: .infinity, count: chunk * k)
            bestIndex = [Int](repeating: -1, count: chunk * k)
        }
    }

    /// The labels of queries lo..<lo+m into out[lo..<lo+m].
    private func scoreChunk(_ queryBytes: [UInt8], from lo: Int, count m: Int,
                            sparse: (starts: [Int], columns: [Int32], values: [Float], halfNorms: [Float], background: UInt8),
                            scratch: inout KNNScratch, into out: UnsafeMutablePointer<Int32>) {
        let width = train.width, n = train.count, k = self.k
        let bg = Float(sparse.background)
        queryBytes.withUnsafeBufferPointer { q in
        scratch.transposed.withUnsafeMutableBufferPointer { xt in
        scratch.dots.withUnsafeMutableBufferPointer { dot in
        scratch.zeros.withUnsafeBufferPointer { zero in
        sparse.starts.withUnsafeBufferPointer { st in
        sparse.columns.withUnsafeBufferPointer { cols in
        sparse.values.withUnsafeBufferPointer { vals in
        sparse.halfNorms.withUnsafeBufferPointer { hn in
        scratch.bestScore.withUnsafeMutableBufferPointer { score in
        scratch.bestIndex.withUnsafeMutableBufferPointer { index in
            guard let xtb = xt.baseAddress, let db = dot.baseAddress, let zb = zero.baseAddress,
                  let cb = cols.baseAddress, let vb = vals.baseAddress else { return }
            for j in 0..<m {
                let row = (lo + j) * width
                for p in 0..<width { xtb[p * m + j] = Float(q[row + p]) - bg }
            }
            for i in 0..<(m * k) { score[i] = .infinity; index[i] = -1 }
            for r in 0..<n {
                Kernels.sparseRowCombination(n: m, base: zb, entries: st[r]..<st[r + 1], columns: cb, values: vb,
                                             rows: xtb, out: db)
                let h = hn[r]
                for j in 0..<m {
                    let sc = h - db[j]
                    let list = j * k
                    if sc < score[list + k - 1] {
                        var p = k - 1
                        while p > 0 && score[list + p - 1] > sc {
                            score[list + p] = score[list + p - 1]; index[list + p] = index[list + p - 1]; p -= 1
                        }
                        score[list + p] = sc
                        index[list + p] = r
                    }
                }
            }
            for j in 0..<m { out[lo + j] = vote(Array(index[(j * k)..<((j + 1) * k)])) }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
    }

    /// Predicted labels for `queries` (rows of train.width features). `shouldStop` is polled per chunk;
    /// `progress` receives the number of queries done.
    public func predict(_ queries: [Float], count: Int, shouldStop: () -> Bool = { false },
                        progress: (Int) -> Void = { _ in }) -> [Int32]? {
        let width = train.width, n = train.count
        let chunk = distance == .l2 ? 256 : 64
        var predictions = [Int32](repeating: 0, count: count)
        var dist = [Float](repeating: 0, count: chunk * n)
        var stopped = false
        queries.withUnsafeBufferPointer { q in
            train.features.withUnsafeBufferPointer { t in
                trainNorms.withUnsafeBufferPointer { tn in
                    dist.withUnsafeMutableBufferPointer { d in
                        guard let qb = q.baseAddress, let tb = t.baseAddress, let db = d.baseAddress,
                              let tnb = tn.baseAddress else { return }
                        var lo = 0
                        while lo < count {
                            if shouldStop() { stopped = true; return }
                            let rows = min(chunk, count - lo)
                            if distance == .l2 {
                                // -2 q·t, then add ‖t‖² (‖q‖² is the same for every candidate of a query).
                                BLAS.gemm(transA: false, transB: true, m: rows, n: n, k: width, alpha: -2,
                                          a: qb + lo * width, lda: width, b: tb, ldb: width, c: db, ldc: n)
                                for r in 0..<rows {
                                    let row = db + r * n
                                    for j in 0..<n { row[j] += tnb[j] }
                                }
                            } else {
                                // Each training row once per chunk of queries (they stay in cache), not once per query.
                                for j in 0..<n {
                                    let tr = tb + j * width
                                    for r in 0..<rows { db[r * n + j] = Kernels.l1Distance(width, qb + (lo + r) * width, tr) }
                                }
                            }
                            for r in 0..<rows {
                                predictions[lo + r] = vote(db + r * n, n)
                            }
                            lo += rows
                            progress(lo)
                        }
                    }
                }
            }
        }
        return stopped ? nil : predictions
    }

    /// Majority vote among the k nearest; a tie goes to the smallest label (scikit-learn's convention, which
    /// gives the literature's 97.05% for k=3 on MNIST; "nearest of the tied" would give 97.17%).
    private func vote(_ row: UnsafeMutablePointer<Float>, _ n: Int) -> Int32 {
        var bestIdx = [Int](repeating: -1, count: k)
        var bestDist = [Float](repeating: .infinity, count: k)
        for j in 0..<n {
            let v = row[j]
            if v < bestDist[k - 1] {
                var p = k - 1
                while p > 0 && bestDist[p - 1] > v { bestDist[p] = bestDist[p - 1]; bestIdx[p] = bestIdx[p - 1]; p -= 1 }
                bestDist[p] = v
                bestIdx[p] = j
            }
        }
        return vote(bestIdx)
    }

    /// Majority label of the neighbours `indices` (-1: none); ties to the smallest label.
    private func vote(_ indices: [Int]) -> Int32 {
        var votes = [Int](repeating: 0, count: max(classCount, 1))
        train.labels.withUnsafeBufferPointer { labels in
            for idx in indices where idx >= 0 { let l = Int(labels[idx]); if l < votes.count { votes[l] += 1 } }
        }
        let top = votes.max() ?? 0
        return Int32(votes.firstIndex(of: top) ?? 0)
    }
}

/// Distance between two vectors, as in the lecture's 4x4 example.
public func distance(_ a: [Float], _ b: [Float], _ kind: KNearestNeighbours.Distance) -> Double {
    var s = 0.0
    for (x, y) in zip(a, b) {
        let d = Double(x) - Double(y)
        s += kind == .l1 ? abs(d) : d * d
    }
    return kind == .l1 ? s : s.squareRoot()
}
