import CPlatform
#if canImport(Glibc)
import Glibc
#endif

/// Matrix products. The fast path is OpenBLAS's sgemm, one thread per product (the products of these models are
/// small, and the trainer has a thread of its own); `naiveGEMM` is the reference the tests hold it to.
///
/// OpenBLAS has kernels for many CPUs and picks one when it loads; an old OpenBLAS does not know a newer CPU and
/// falls back to its slowest kernels (Debian's 0.3.21 on recent Intel Xeons: "Prescott", SSE3, a quarter of the
/// speed). So nnlab loads it at run time, after choosing the kernel from the CPU's features (`openBLASCore`),
/// and checks the products against the naive ones before using them (`backend`).
public enum BLAS {
    /// The library behind `gemm`, loaded and checked on first use.
    public static let backend = Backend.load()
    private static let usesLibrary = backend.problem == nil

    /// The library and the kernel it picked for this CPU, e.g. "OpenBLAS 0.3.21 SkylakeX": products can differ
    /// in their last digits from one kernel to another (transcripts record it; `nnlab check` reports it).
    public static var kernelDescription: String {
        guard backend.problem == nil else { return "the naive loop (no usable OpenBLAS)" }
        let name = backend.library.split(separator: " ").prefix(2).joined(separator: " ")
        return (name.isEmpty ? "OpenBLAS" : name) + " " + (backend.core.isEmpty ? "unknown" : backend.core)
    }

    /// C = alpha * op(A) * op(B) + beta * C, row-major. op(A) is m x k, op(B) is k x n, C is m x n.
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if usesLibrary {
            nnlab_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                        beta, c, Int32(ldc))
        } else {
            naiveGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                      beta: beta, c: c, ldc: ldc)
        }
    }

    /// The OpenBLAS kernel ("core") for a CPU with `features`, chosen from the features alone (a table of CPU
    /// models is out of date with every new CPU): AVX-512 -> SkylakeX (its sgemm kernels are also those of the
    /// later Cooperlake and Sapphire Rapids cores, names OpenBLAS 0.3.21 does not accept), AVX2 + FMA -> Haswell,
    /// AVX -> SandyBridge; nil for anything else (OpenBLAS's own choice).
    public static func openBLASCore(for features: CPU.Features) -> String? {
        if features.isSuperset(of: .avx512) { return "SkylakeX" }
        if features.isSuperset(of: [.avx2, .fma]) { return "Haswell" }
        if features.contains(.avx) { return "SandyBridge" }
        return nil
    }

    /// The matrix-product library in use and how its kernel was chosen.
    public struct Backend: Sendable, CustomStringConvertible {
        public enum Choice: Sendable, Equatable {
            /// nnlab asked for this kernel (`openBLASCore`).
            case fromFeatures(String)
            /// The user's OPENBLAS_CORETYPE.
            case fromEnvironment(String)
            /// OpenBLAS chose (no rule for this CPU).
            case byLibrary
        }
        /// "OpenBLAS 0.3.21 ..." as the library describes itself, and the file it was loaded from.
        public var library: String
        public var path: String
        /// The kernel the library reports using.
        public var core: String
        public var choice: Choice
        /// Why products go through `naiveGEMM` instead: no library, or its products differed from the naive
        /// ones. nil when the library is used (it was checked).
        public var problem: String?

        static func load() -> Backend {
            let requested = openBLASCore(for: CPU.features)
            let choice: Choice
            if let user = getenv("OPENBLAS_CORETYPE").map({ String(cString: $0) }), !user.isEmpty {
                choice = .fromEnvironment(user)
            } else {
                choice = requested.map(Choice.fromFeatures) ?? .byLibrary
            }
            guard nnlab_blas_load(requested) == 0 else {
                let why = String(cString: nnlab_blas_error())
                return Backend(library: "none", path: "", core: "", choice: choice,
                               problem: "OpenBLAS could not be loaded (\(why.isEmpty ? "libopenblas.so.0 not found" : why)); products use the naive loop")
            }
            var backend = Backend(library: String(cString: nnlab_blas_config()), path: String(cString: nnlab_blas_path()),
                                  core: String(cString: nnlab_blas_corename()), choice: choice, problem: nil)
            if let shape = firstDisagreement() {
                backend.problem = "OpenBLAS's \(backend.core) kernel gave wrong products (\(shape)); products use the naive loop"
            }
            return backend
        }

        /// Checks the library's products against `naiveGEMM` on shapes like the models' (full kernel tiles and
        /// ragged edges, every transpose): the first that differs, or nil. The entries are multiples of 1/8 in
        /// [-1, 1], so every partial sum is exact in Float and any correct summation order gives the same bits.
        static func firstDisagreement() -> String? {
            for (m, n, k) in [(48, 96, 160), (37, 70, 53), (1, 10, 64), (64, 64, 128)] {
                for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                    let a = (0..<(m * k)).map { Float(($0 * 37) % 17 - 8) / 8 }
                    let b = (0..<(k * n)).map { Float(($0 * 11) % 13 - 6) / 8 }
                    let c0 = (0..<(m * n)).map { Float($0 % 5 - 2) / 8 }
                    var fast = c0, slow = c0
                    let (lda, ldb) = (transA ? m : k, transB ? k : n)
                    for beta: Float in [0, 1] {
                        fast = c0
                        slow = c0
                        nnlab_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb),
                                    beta, &fast, Int32(n))
                        slow.withUnsafeMutableBufferPointer { out in
                            guard let c = out.baseAddress else { return }
                            naiveGEMM(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                                      beta: beta, c: c, ldc: n)
                        }
                        if fast != slow { return "\(m)x\(n)x\(k)\(transA ? " Aᵀ" : "")\(transB ? " Bᵀ" : "") beta \(beta)" }
                    }
                }
            }
            return nil
        }

        public var description: String {
            guard !path.isEmpty else { return problem ?? "no BLAS" }
            let how: String
            switch choice {
            case .fromFeatures(let core): how = "asked for \(core) from the CPU's features"
            case .fromEnvironment(let core): how = "OPENBLAS_CORETYPE=\(core) set by the user"
            case .byLibrary: how = "chosen by OpenBLAS"
            }
            let name = library.split(separator: " ").prefix(2).joined(separator: " ")
            let verdict = problem ?? "checked against the naive product"
            return "\(name.isEmpty ? "OpenBLAS" : name), kernel \(core.isEmpty ? "?" : core) (\(how); \(verdict)), \(path)"
        }
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
