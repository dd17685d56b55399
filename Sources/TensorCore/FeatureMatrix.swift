/// The features of a data set: `count` rows of `width` values, stored either as Float32 or, for image sets, as
/// the original bytes with an affine map (value = byte · scale + shift) applied as rows are read.
///
/// Bytes keep full MNIST at 47 MB instead of 188 MB; training reads batches through `copyRow` (or the sparse
/// form built from the rows) and never needs all the floats at once. Code that does want one Float array
/// (BLAS over the whole set: kNN, dense training of a linear classifier) asks for `floats`, which is built
/// once and kept. Immutable: a change of scale or a subset is a new matrix.
public final class FeatureMatrix: @unchecked Sendable {
    public enum Storage: Sendable {
        case floats([Float])
        case bytes([UInt8], scale: Float, shift: Float)
    }

    public let count: Int
    public let width: Int
    public let storage: Storage
    private var materialized: [Float]?

    public init(floats: [Float], width: Int) {
        self.width = width
        count = width > 0 ? floats.count / width : 0
        storage = .floats(floats)
    }

    public init(bytes: [UInt8], width: Int, scale: Float = 1, shift: Float = 0) {
        self.width = width
        count = width > 0 ? bytes.count / width : 0
        storage = .bytes(bytes, scale: scale, shift: shift)
    }

    /// True when the values live as bytes (the Float array is only built on demand).
    public var isCompact: Bool {
        if case .bytes = storage { return true }
        return false
    }

    /// Bytes the stored values take (not counting a materialised Float copy).
    public var storedBytes: Int {
        switch storage {
        case .floats(let f): return f.count * 4
        case .bytes(let b, _, _): return b.count
        }
    }

    /// Bytes the matrix holds: its values, and the Float copy of byte storage once built (for memory budgets).
    public var heldBytes: Int { storedBytes + (materialized?.count ?? 0) * 4 }

    /// All values, row after row, as one Float array (built once for byte storage, then kept).
    public var floats: [Float] {
        switch storage {
        case .floats(let f): return f
        case .bytes(let b, let scale, let shift):
            if let m = materialized { return m }
            let m = [Float](unsafeUninitializedCapacity: b.count) { buffer, initialized in
                b.withUnsafeBufferPointer { src in
                    for i in 0..<b.count { buffer[i] = Float(src[i]) * scale + shift }
                }
                initialized = b.count
            }
            materialized = m
            return m
        }
    }

    /// Writes row `i` (width values) to `out`.
    public func copyRow(_ i: Int, into out: UnsafeMutablePointer<Float>) {
        switch storage {
        case .floats(let f):
            f.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                out.update(from: base + i * width, count: width)
            }
        case .bytes(let b, let scale, let shift):
            b.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                Kernels.bytesToFloats(width, base + i * width, scale: scale, shift: shift, into: out)
            }
        }
    }

    /// Row `i` as an array.
    public func row(_ i: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: width) { buffer, initialized in
            if let base = buffer.baseAddress { copyRow(i, into: base) }
            initialized = width
        }
    }

    /// The value at row `i`, column `k`.
    public subscript(i: Int, k: Int) -> Float {
        switch storage {
        case .floats(let f): return f[i * width + k]
        case .bytes(let b, let scale, let shift): return Float(b[i * width + k]) * scale + shift
        }
    }

    /// Every value mapped through v · scale + shift; byte storage only changes its map (same values as
    /// mapping the floats: the composition is applied to the byte in one step).
    public func affine(scale: Float, shift: Float) -> FeatureMatrix {
        switch storage {
        case .floats(var f):
            f.withUnsafeMutableBufferPointer { values in
                for i in values.indices { values[i] = values[i] * scale + shift }
            }
            return FeatureMatrix(floats: f, width: width)
        case .bytes(let b, let oldScale, let oldShift):
            return FeatureMatrix(bytes: b, width: width, scale: oldScale * scale, shift: oldShift * scale + shift)
        }
    }

    /// The rows at `indices`, in that order, in the same kind of storage.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        switch storage {
        case .floats(let f):
            var out = [Float](repeating: 0, count: indices.count * width)
            f.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                    for (r, i) in indices.enumerated() { (d + r * width).update(from: s + i * width, count: width) }
                }
            }
            return FeatureMatrix(floats: out, width: width)
        case .bytes(let b, let scale, let shift):
            var out = [UInt8](repeating: 0, count: indices.count * width)
            b.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                    for (r, i) in indices.enumerated() { (d + r * width).update(from: s + i * width, count: width) }
                }
            }
            return FeatureMatrix(bytes: out, width: width, scale: scale, shift: shift)
        }
    }

    /// This matrix's rows followed by `other`'s (bytes stay bytes when both use the same map).
    public func appending(_ other: FeatureMatrix) -> FeatureMatrix {
        if case .bytes(let a, let s1, let t1) = storage, case .bytes(let b, let s2, let t2) = other.storage, s1 == s2, t1 == t2 {
            return FeatureMatrix(bytes: a + b, width: width, scale: s1, shift: t1)
        }
        return FeatureMatrix(floats: floats + other.floats, width: width)
    }
}
