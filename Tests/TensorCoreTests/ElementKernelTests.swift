import XCTest
import KernelTestSupport
@testable import TensorCore

/// The element-wise kernels (row sums, rows of palette codes, bytes to floats) against the plain loops they stand for,
/// bit for bit, on every build of the kernels this CPU runs.
final class ElementKernelTests: XCTestCase {
    /// addRows is y[j] += x[r][j] for r = 0, 1, ... in turn: the plain loop's additions in its order, so the same
    /// bits (widths that take the 64-lane, 16-lane and scalar paths; a stride wider than the rows).
    func testAddRowsIsTheRowByRowSum() {
        var rng = SeededRandom(seed: 41)
        for n in [1, 7, 16, 33, 64, 100, 128, 200] {
            for count in [0, 1, 3, 64] {
                let stride = n + 3
                let x = (0..<(count * stride)).map { _ in Float(rng.normal()) * 1e3 }
                let start = (0..<n).map { _ in Float(rng.normal()) }
                var expected = start
                for r in 0..<count { for j in 0..<n { expected[j] += x[r * stride + j] } }
                onEveryKernelBuild { isa in
                    var y = start
                    y.withUnsafeMutableBufferPointer { Kernels.addRows(n, count: count, x, stride: stride, into: $0.baseAddress!) }
                    XCTAssertEqual(y.map(\.bitPattern), expected.map(\.bitPattern), "n=\(n) count=\(count) \(isa)")
                    var one = start
                    for r in 0..<count { one.withUnsafeMutableBufferPointer { Kernels.add(n, x.withUnsafeBufferPointer { $0.baseAddress! + r * stride }, $0.baseAddress!) } }
                    XCTAssertEqual(one.map(\.bitPattern), expected.map(\.bitPattern), "add, n=\(n) count=\(count) \(isa)")
                }
            }
        }
    }

    /// Picked rows of codes through a palette, or through an affine map (a rounded product, a rounded sum, a
    /// rounded difference, as Swift writes them); bytes through an affine map (a rounded product, then a rounded
    /// sum). Widths that take the vector and the scalar paths.
    func testCodesAndBytesBecomeTheirFloats() {
        var rng = SeededRandom(seed: 42)
        let palette = (0..<256).map { _ in Float(rng.normal()) }
        let (scale, shift): (Float, Float) = (1 / (255 * 0.3081), -0.1307 / 0.3081)
        let subtract = Float(3) * scale + shift
        for width in [0, 1, 15, 16, 17, 524, 784] {
            let rows = 6
            let codes = (0..<(rows * width)).map { _ in UInt8(Int(rng.uniform(0, 256)) & 255) }
            let picked = [5, 0, 2, 2, 4, 1]
            let count = picked.count * width
            onEveryKernelBuild { isa in
                var out = [Float](repeating: .nan, count: count + 1)
                let affine: [Float] = [scale, shift, subtract]
                for useAffine in [false, true] {
                    out.withUnsafeMutableBufferPointer { o in
                        codes.withUnsafeBufferPointer { c in
                            affine.withUnsafeBufferPointer { a in
                                Kernels.expandRows(picked, count: picked.count, of: c.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                                   width: width, palette: palette, affine: useAffine ? a.baseAddress : nil,
                                                   into: o.baseAddress!)
                            }
                        }
                    }
                    let pickedCodes: [UInt8] = picked.flatMap { r in codes[(r * width)..<((r + 1) * width)] }
                    let expected: [Float] = pickedCodes.map { code in
                        if useAffine {
                            let product: Float = Float(code) * scale
                            return (product + shift) - subtract
                        }
                        return palette[Int(code)]
                    }
                    XCTAssertEqual(out.prefix(count).map(\.bitPattern), expected.map(\.bitPattern), "codes, width \(width) affine \(useAffine) \(isa)")
                    XCTAssertTrue(out[count].isNaN, "nothing written past the end")
                }
                let flat = Array(codes.prefix(width))
                out.withUnsafeMutableBufferPointer { o in
                    flat.withUnsafeBufferPointer { c in
                        Kernels.bytesToFloats(width, c.baseAddress ?? UnsafePointer(bitPattern: 8)!, scale: scale, shift: shift, into: o.baseAddress!)
                    }
                }
                XCTAssertEqual(out.prefix(width).map(\.bitPattern), flat.map { (Float($0) * scale + shift).bitPattern }, "bytes, \(width) \(isa)")
            }
        }
    }
}

/// The dense-block products of the sparse first layer against their definition, a chain of fused multiply-adds
/// in the order of p for each value, bit for bit, on every build of the kernels this CPU runs: shapes that take
/// each tile (4 x 64, 6 x 16, one row, the scalar columns) and rows wider than the products.
final class BlockProductTests: XCTestCase {
    func testBlockProductsAreFusedMultiplyAddChains() {
        var rng = SeededRandom(seed: 43)
        for (m, n, k) in [(1, 1, 0), (3, 16, 1), (4, 64, 5), (5, 70, 37), (6, 17, 9), (7, 128, 12), (13, 48, 20), (64, 130, 33)] {
            let (lda, ldb, ldc) = (k + 2, n + 5, n + 3)
            let a = (0..<(m * lda)).map { _ in Float(rng.normal()) }
            let b = (0..<(max(k, 1) * ldb)).map { _ in Float(rng.normal()) }
            let start = (0..<(m * ldc)).map { _ in Float(rng.normal()) }
            var expected = start
            for i in 0..<m {
                for j in 0..<n {
                    for p in 0..<k { expected[i * ldc + j].addProduct(a[i * lda + p], b[p * ldb + j]) }
                }
            }
            // The transpose: a read as k x m (rows lda2 apart), d as k x n.
            let lda2 = m + 1, ldd = n + 2, ldg = n + 4
            let at = (0..<(max(k, 1) * lda2)).map { _ in Float(rng.normal()) }
            let d = (0..<(max(k, 1) * ldd)).map { _ in Float(rng.normal()) }
            var expectedG = [Float](repeating: .nan, count: m * ldg)
            for i in 0..<m {
                for j in 0..<n {
                    var sum: Float = 0
                    for p in 0..<k { sum.addProduct(at[p * lda2 + i], d[p * ldd + j]) }
                    expectedG[i * ldg + j] = sum
                }
            }
            onEveryKernelBuild { isa in
                var c = start
                c.withUnsafeMutableBufferPointer { Kernels.blockTimes(m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: $0.baseAddress!, ldc: ldc) }
                XCTAssertEqual(c.map(\.bitPattern), expected.map(\.bitPattern), "c += a b, \(m)x\(n)x\(k) \(isa)")
                var g = [Float](repeating: .nan, count: m * ldg)
                g.withUnsafeMutableBufferPointer {
                    Kernels.blockTransposeTimes(m: m, n: n, k: k, a: at, lda: lda2, d: d, ldd: ldd, g: $0.baseAddress!, ldg: ldg)
                }
                XCTAssertEqual(g.map(\.bitPattern), expectedG.map(\.bitPattern), "g = aᵀ d, \(m)x\(n)x\(k) \(isa)")
            }
        }
    }
}
