import TensorCore

/// Fully connected layer: y = x W + b, the same map as PyTorch's `nn.Linear` (y = x Aᵀ + b with A = Wᵀ).
///
/// Shapes: x is B x in, W is in x out (stored transposed relative to PyTorch's out x in, so a row of W is one
/// input's fan-out: that is what the sparse path below streams through), b is 1 x out. `save model` writes
/// PyTorch's layout. Initialisation: PyTorch's default (uniform ±1/√in for weights and biases), He (normal,
/// std √(2/in), zero biases) or Xavier/Glorot (uniform ±√(6/(in+out)), zero biases).
///
/// Sparse input: MNIST-like batches are mostly one background value c (0, or -0.4242 after standardisation).
/// With d = x - c sparse, x W = d W + c·1ᵀ(Σ_k W_k), so the product only touches the rows of W where a sample
/// has ink — about a fifth of them — and the same holds for the weight gradient Wᵀ-side: dW = dᵀ dy + c·1 (Σ_r dy_r).
public final class Linear: Layer {
    public enum Initialisation: String, Sendable, CaseIterable { case he, xavier, pytorch }

    public let inputs: Int
    public let outputs: Int
    /// in x out
    public let weight: Parameter
    /// 1 x out
    public let bias: Parameter
    private var input: Matrix?
    private var sparseInput: SparseBatch?
    private let output = Matrix(rows: 0, cols: 0)
    private let gradInput = Matrix(rows: 0, cols: 0)
    private let columnSums = Matrix(rows: 0, cols: 0)

    public init(inputs: Int, outputs: Int, initialisation: Initialisation = .pytorch, rng: inout SeededRandom) {
        self.inputs = inputs
        self.outputs = outputs
        let w = Matrix(rows: inputs, cols: outputs)
        let b = Matrix(rows: 1, cols: outputs)
        // Draw in PyTorch's order (output-major), store transposed.
        func fill(_ draw: (inout SeededRandom) -> Double) {
            for j in 0..<outputs { for k in 0..<inputs { w.data[k * outputs + j] = Float(draw(&rng)) } }
        }
        switch initialisation {
        case .he:
            let std = (2.0 / Double(inputs)).squareRoot()
            fill { $0.normal() * std }
        case .xavier:
            let limit = (6.0 / Double(inputs + outputs)).squareRoot()
            fill { $0.uniform(-limit, limit) }
        case .pytorch:
            let limit = 1.0 / Double(inputs).squareRoot()
            fill { $0.uniform(-limit, limit) }
            for j in 0..<outputs { b.data[j] = Float(rng.uniform(-limit, limit)) }
        }
        weight = Parameter(name: "weight", value: w)
        bias = Parameter(name: "bias", value: b)
    }

    public var kind: String { "linear" }
    public var spec: String { "linear \(inputs) \(outputs)" }
    public var parameters: [Parameter] { [weight, bias] }

    public func outputWidth(for inputWidth: Int) -> Result<Int, LayerError> {
        inputWidth == inputs ? .success(outputs)
            : .failure(LayerError("linear \(inputs) \(outputs) expects \(inputs) inputs but receives \(inputWidth)"))
    }

    /// W's entry for input k and output j.
    public func weightAt(input k: Int, output j: Int) -> Float { weight.value.data[k * outputs + j] }

    public func forward(_ x: Matrix, training: Bool) -> Matrix {
        input = x
        sparseInput = nil
        let batch = x.rows
        output.resize(rows: batch, cols: outputs)
        // Start from the bias in every row, then accumulate x W on top (beta = 1): one pass fewer.
        let y = output.data, b = bias.value.data
        for r in 0..<batch { (y + r * outputs).update(from: b, count: outputs) }
        BLAS.gemm(transA: false, transB: false, m: batch, n: outputs, k: inputs, a: x.data, lda: inputs,
                  b: weight.value.data, ldb: outputs, beta: 1, c: y, ldc: outputs)
        return output
    }

    /// The same result as `forward` on the dense batch, computed from its sparse form.
    public func forward(sparse x: SparseBatch) -> Matrix {
        input = nil
        sparseInput = x
        let batch = x.rows, n = outputs
        let w = weight.value.data
        output.resize(rows: batch, cols: n)
        let y = output.data
        // Row template: b + c Σ_k W_k (the background's contribution).
        columnSums.resize(rows: 1, cols: n)
        let base = columnSums.data
        base.update(repeating: 0, count: n)
        if x.background != 0 {
            for k in 0..<inputs { Kernels.add(n, w + k * n, base) }
            for j in 0..<n { base[j] *= x.background }
        }
        Kernels.add(n, bias.value.data, base)
        x.forEachRow { r, entries, cols, vals in
            Kernels.sparseRowCombination(n: n, base: base, entries: entries, columns: cols, values: vals, rows: w, out: y + r * n)
        }
        return output
    }

    public func backward(_ dy: Matrix, needInputGradient: Bool) -> Matrix? {
        let batch = dy.rows, n = outputs
        // db += Σ_rows dy
        let db = bias.grad.data
        for r in 0..<batch { Kernels.add(n, dy.data + r * n, db) }
        let dW = weight.grad.data
        if let x = sparseInput {
            // dW += dᵀ dy + c · 1 (Σ_r dy_r)
            x.forEachRow { r, entries, cols, vals in
                Kernels.sparseOuterAccumulate(n: n, g: dy.data + r * n, entries: entries, columns: cols, values: vals, target: dW)
            }
            if x.background != 0 {
                columnSums.resize(rows: 1, cols: n)
                let s = columnSums.data
                s.update(repeating: 0, count: n)
                for r in 0..<batch { Kernels.add(n, dy.data + r * n, s) }
                for k in 0..<inputs { Kernels.axpy(n, x.background, s, dW + k * n) }
            }
            // The input is data: nobody needs its gradient.
            return nil
        }
        guard let x = input else { return nil }
        // dW += xᵀ dy
        BLAS.gemm(transA: true, transB: false, m: inputs, n: n, k: batch, a: x.data, lda: inputs,
                  b: dy.data, ldb: n, beta: 1, c: dW, ldc: n)
        guard needInputGradient else { return nil }
        // dx = dy Wᵀ
        gradInput.resize(rows: batch, cols: inputs)
        BLAS.gemm(transA: false, transB: true, m: batch, n: inputs, k: n, a: dy.data, lda: n,
                  b: weight.value.data, ldb: n, beta: 0, c: gradInput.data, ldc: inputs)
        return gradInput
    }
}

/// A data set stored as its non-background entries (compressed sparse rows): x[i, k] = background + value for
/// the listed (k, value) pairs of row i, and background elsewhere. Built once per training set.
public final class SparseRows: @unchecked Sendable {
    public let count: Int
    public let width: Int
    public let background: Float
    let starts: [Int]
    let columns: [Int32]
    let values: [Float]

    /// nil when more than `maxDensity` of the entries differ from the most common value (dense data).
    public static func make(features: [Float], width: Int, maxDensity: Double = 0.5) -> SparseRows? {
        guard width > 0, features.count >= width else { return nil }
        let (value, density) = features.withUnsafeBufferPointer { SparseRows.background(of: $0, width: width) }
        guard density <= maxDensity else { return nil }
        return SparseRows(features: features, width: width, background: value)
    }

    init(features: [Float], width: Int, background c: Float) {
        let n = features.count / width
        count = n
        self.width = width
        background = c
        var starts = [Int](repeating: 0, count: n + 1)
        features.withUnsafeBufferPointer { f in
            for i in 0..<n {
                var ink = 0
                for k in 0..<width where f[i * width + k] != c { ink += 1 }
                starts[i + 1] = starts[i] + ink
            }
        }
        let total = starts[n]
        var columns = [Int32](repeating: 0, count: total + 1)
        var values = [Float](repeating: 0, count: total + 1)
        features.withUnsafeBufferPointer { f in
            columns.withUnsafeMutableBufferPointer { cols in
                values.withUnsafeMutableBufferPointer { vals in
                    var e = 0
                    for i in 0..<n {
                        for k in 0..<width {
                            let v = f[i * width + k]
                            // Branch-free compaction: always write, advance only past ink.
                            cols[e] = Int32(k)
                            vals[e] = v - c
                            e += v != c ? 1 : 0
                        }
                    }
                }
            }
        }
        self.starts = starts
        self.columns = columns
        self.values = values
    }

    /// The most common value of a data set and the fraction of entries that are not it, from a sample of rows.
    public static func background(of features: UnsafeBufferPointer<Float>, width: Int, sampleRows: Int = 500) -> (value: Float, density: Double) {
        let rows = width == 0 ? 0 : min(features.count / width, sampleRows)
        guard rows > 0 else { return (0, 1) }
        var counts: [Float: Int] = [:]
        for i in 0..<(rows * width) { counts[features[i], default: 0] += 1 }
        guard let (value, count) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) else { return (0, 1) }
        return (value, 1 - Double(count) / Double(rows * width))
    }

    /// Fraction of entries that are ink.
    public var density: Double { Double(starts[count]) / Double(max(1, count * width)) }
}

/// The rows of a `SparseRows` that make up one batch (no copy of the entries).
public final class SparseBatch {
    public let source: SparseRows
    public private(set) var indices: [Int] = [0]
    public private(set) var rows = 0
    public var width: Int { source.width }
    public var background: Float { source.background }

    public init(_ source: SparseRows) { self.source = source }

    public func select(_ picked: ArraySlice<Int>) {
        if indices.count < picked.count { indices = [Int](repeating: 0, count: picked.count) }
        for (r, i) in picked.enumerated() { indices[r] = i }
        rows = picked.count
    }

    /// Calls `body(r, entries, columns, values)` for each row of the batch.
    func forEachRow(_ body: (Int, Range<Int>, UnsafePointer<Int32>, UnsafePointer<Float>) -> Void) {
        source.starts.withUnsafeBufferPointer { st in
            source.columns.withUnsafeBufferPointer { c in
                source.values.withUnsafeBufferPointer { v in
                    guard let cb = c.baseAddress, let vb = v.baseAddress else { return }
                    for r in 0..<rows {
                        let i = indices[r]
                        body(r, st[i]..<st[i + 1], cb, vb)
                    }
                }
            }
        }
    }
}
