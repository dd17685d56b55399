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
