import XCTest
@testable import TensorCore

final class GEMMTests: XCTestCase {
    /// The BLAS nnlab chose for this CPU loaded and passed its check against the naive product (a kernel that
    /// computes wrong products is not used: `gemm` then falls back to the naive loop and says why).
    func testTheChosenBLASIsLoadedAndChecked() {
        XCTAssertNil(BLAS.backend.problem, "\(BLAS.backend)")
        XCTAssertFalse(BLAS.backend.core.isEmpty, "\(BLAS.backend)")
        XCTAssertNil(BLAS.Backend.firstDisagreement())
        if case .fromFeatures(let core) = BLAS.backend.choice {
            XCTAssertEqual(core, BLAS.openBLASCore(for: CPU.features))
        }
    }

    /// The kernel follows from the features alone, best first.
    func testOpenBLASCoreFromFeatures() {
        XCTAssertEqual(BLAS.openBLASCore(for: [.sse2, .avx, .avx2, .fma, .avx512]), "SkylakeX")
        XCTAssertEqual(BLAS.openBLASCore(for: [.sse2, .avx, .avx2, .fma, .avx512, .avx512bf16]), "SkylakeX")
        XCTAssertEqual(BLAS.openBLASCore(for: [.sse2, .avx, .avx2, .fma, .avx512f]), "Haswell", "AVX-512F alone is not enough")
        XCTAssertEqual(BLAS.openBLASCore(for: [.sse2, .avx, .avx2, .fma]), "Haswell")
        XCTAssertEqual(BLAS.openBLASCore(for: [.sse2, .avx]), "SandyBridge")
        XCTAssertNil(BLAS.openBLASCore(for: [.sse2]))
        XCTAssertNil(BLAS.openBLASCore(for: [.neon]))
    }

    /// OpenBLAS's sgemm must agree with the naive reference for every transpose combination and odd shapes.
    func testBLASMatchesNaiveReference() {
        var rng = SeededRandom(seed: 7)
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 9, 33), (64, 128, 784), (10, 1, 64)] {
            for transA in [false, true] {
                for transB in [false, true] {
                    let a = (0..<(m * k)).map { _ in Float(rng.normal()) }
                    let b = (0..<(k * n)).map { _ in Float(rng.normal()) }
                    let c0 = (0..<(m * n)).map { _ in Float(rng.normal()) }
                    var fast = c0, slow = c0
                    let lda = transA ? m : k, ldb = transB ? k : n
                    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                        fast.withUnsafeMutableBufferPointer { pc in
                            BLAS.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!,
                                      lda: lda, b: pb.baseAddress!, ldb: ldb, beta: 2, c: pc.baseAddress!, ldc: n)
                        }
                        slow.withUnsafeMutableBufferPointer { pc in
                            BLAS.naiveGEMM(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!,
                                           lda: lda, b: pb.baseAddress!, ldb: ldb, beta: 2, c: pc.baseAddress!, ldc: n)
                        }
                    } }
                    for i in 0..<(m * n) {
                        XCTAssertEqual(fast[i], slow[i], accuracy: 1e-3 * max(1, abs(slow[i])),
                                       "m=\(m) n=\(n) k=\(k) transA=\(transA) transB=\(transB) at \(i)")
                    }
                }
            }
        }
    }

    func testMatmulConvenienceOnKnownValues() {
        let a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, cols: 2, values: [7, 8, 9, 10, 11, 12])
        XCTAssertEqual(BLAS.matmul(a, b).array, [58, 64, 139, 154])
        XCTAssertEqual(BLAS.matmul(a, a, transB: true).array, [14, 32, 32, 77])
    }

    func testMatrixResizeKeepsCapacity() {
        let m = Matrix(rows: 4, cols: 4)
        let base = m.data
        m.resize(rows: 2, cols: 8)
        XCTAssertEqual(m.data, base)
        m.resize(rows: 5, cols: 5)
        XCTAssertEqual(m.count, 25)
    }
}

final class RandomTests: XCTestCase {
    func testSameSeedSameSequenceAndDifferentSeedsDiffer() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let xa = (0..<5).map { _ in a.next() }, xb = (0..<5).map { _ in b.next() }, xc = (0..<5).map { _ in c.next() }
        XCTAssertEqual(xa, xb)
        XCTAssertNotEqual(xa, xc)
    }

    func testNormalHasUnitMomentsAndShuffleIsAPermutation() {
        var rng = SeededRandom(seed: 1)
        let xs = (0..<20000).map { _ in rng.normal() }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
        var order = Array(0..<100)
        rng.shuffle(&order)
        XCTAssertNotEqual(order, Array(0..<100))
        XCTAssertEqual(order.sorted(), Array(0..<100))
        for _ in 0..<1000 { XCTAssert((0..<7).contains(rng.below(7))) }
    }
}
