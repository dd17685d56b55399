import CBLAS

/// Matrix products. The fast path is OpenBLAS's sgemm (one thread: the machines this course runs on give
/// one core of compute, and threads cost more than they win at these sizes); `naiveGEMM` is the reference the
/// tests hold it to.
public enum BLAS {
    /// OpenBLAS reads its thread count once; set it before the first product.
    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// The library and the kernel it picked for this CPU, e.g. "OpenBLAS 0.3.21 Cooperlake": products can differ
    /// in their last digits from one kernel to another (transcripts record it; `nnlab check` reports it).
    public static var kernelDescription: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "OpenBLAS"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        return config.split(separator: " ").prefix(2).joined(separator: " ") + " " + core
    }

    /// C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k, op(B) is k x n, C is m x n.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = configured
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// The textbook triple loop with the same contract as `gemm`.
    public static func naiveGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let av = transA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += av * bv
                }
                c[i * ldc + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }

    /// Matrix-level convenience: returns op(A) * op(B).
    public static func matmul(_ a: Matrix, _ b: Matrix, transA: Bool = false, transB: Bool = false,
                              into c: Matrix? = nil) -> Matrix {
        let m = transA ? a.cols : a.rows
        let k = transA ? a.rows : a.cols
        let n = transB ? b.rows : b.cols
        let out = c ?? Matrix(rows: m, cols: n)
        out.resize(rows: m, cols: n)
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a.data, lda: a.cols, b: b.data, ldb: b.cols,
             c: out.data, ldc: n)
        return out
    }

    /// Squared L2 norm of each row.
    public static func rowSquaredNorms(_ a: UnsafePointer<Float>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = a + r * cols
            var s: Float = 0
            for c in 0..<cols { s += row[c] * row[c] }
            out[r] = s
        }
    }
}
