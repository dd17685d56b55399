/// A row-major Float32 matrix with stable storage.
///
/// Storage is a raw allocation, not a Swift array: the hot loops of training index it per element, and a
/// class-held array pays exclusivity and uniqueness checks on every access. Capacity only grows, so
/// `resize(rows:cols:)` in the steady state of training allocates nothing.
public final class Matrix {
    public private(set) var rows: Int
    public private(set) var cols: Int
    public private(set) var capacity: Int
    public private(set) var data: UnsafeMutablePointer<Float>

    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        self.rows = rows
        self.cols = cols
        capacity = max(1, rows * cols)
        data = Matrix.allocate(capacity)
        data.initialize(repeating: value, count: capacity)
    }

    /// Storage starts on a cache line: when two threads write different parts of a matrix (column halves), no
    /// line holds both.
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    public convenience init(rows: Int, cols: Int, values: [Float]) {
        self.init(rows: rows, cols: cols)
        values.withUnsafeBufferPointer { src in
            for i in 0..<min(src.count, rows * cols) { data[i] = src[i] }
        }
    }

    deinit { UnsafeMutableRawPointer(data).deallocate() }

    public var count: Int { rows * cols }

    /// Changes the logical shape, reallocating only when the capacity is too small. Contents are unspecified
    /// after a reallocation.
    public func resize(rows: Int, cols: Int) {
        let needed = rows * cols
        if needed > capacity {
            UnsafeMutableRawPointer(data).deallocate()
            capacity = needed
            data = Matrix.allocate(needed)
            data.initialize(repeating: 0, count: needed)
        }
        self.rows = rows
        self.cols = cols
    }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }

    public subscript(row: Int, col: Int) -> Float {
        get { data[row * cols + col] }
        set { data[row * cols + col] = newValue }
    }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    public func copy(from other: Matrix) {
        resize(rows: other.rows, cols: other.cols)
        data.update(from: other.data, count: other.count)
    }

    public func clone() -> Matrix {
        let m = Matrix(rows: rows, cols: cols)
        m.data.update(from: data, count: count)
        return m
    }

    public var array: [Float] { Array(buffer) }

    /// Row `r` as a buffer (no copy).
    public func row(_ r: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data + r * cols, count: cols)
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String { "Matrix(\(rows)x\(cols))" }
}
