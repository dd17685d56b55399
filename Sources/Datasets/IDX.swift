/// An IDX array of unsigned bytes (element type 0x08), the format of the MNIST files.
public struct IDXArray: Sendable, Equatable {
    /// Sizes of the dimensions, outermost first: [60000, 28, 28] for training images.
    public var dims: [Int]
    /// The elements, row-major; `bytes.count` is the product of `dims`.
    public var bytes: [UInt8]

    public init(dims: [Int], bytes: [UInt8]) {
        self.dims = dims
        self.bytes = bytes
    }
}

/// The IDX file format (http://yann.lecun.com/exdb/mnist/): a magic number `00 00 TYPE NDIMS`,
/// NDIMS big-endian 32-bit sizes, then the data. Only unsigned bytes (type 0x08) are supported.
public enum IDX {
    static let unsignedByteType: UInt8 = 0x08
    /// Sanity bound on dimensions, far above any real IDX file.
    static let maximumDimensions = 16

    /// The header of an IDX file: dimensions and where the elements start.
    struct Header {
        var dims: [Int]
        var dataOffset: Int
        var elementCount: Int
    }

    /// Parses an IDX file's content (already decompressed). `file` names it in errors.
    public static func parse(_ data: [UInt8], file: String) throws -> IDXArray {
        let header = try parseHeader(data, file: file)
        return IDXArray(dims: header.dims, bytes: Array(data[header.dataOffset...]))
    }

    /// Reads an IDX file, gzip-compressed or raw.
    public static func read(_ path: String) throws -> IDXArray {
        try parse(Gzip.readFile(path), file: path)
    }

    /// The IDX encoding of `array` (raw, not compressed; use `Gzip.writeFile` for `.gz`).
    public static func encode(_ array: IDXArray) -> [UInt8] {
        var result: [UInt8] = [0, 0, unsignedByteType, UInt8(truncatingIfNeeded: array.dims.count)]
        result.reserveCapacity(4 + 4 * array.dims.count + array.bytes.count)
        for size in array.dims {
            let value = UInt32(truncatingIfNeeded: size)
            result += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
        }
        result += array.bytes
        return result
    }

    /// Validates the header against the actual content length before anything is allocated, so a
    /// header claiming 10^12 items is rejected instead of exhausting memory.
    static func parseHeader(_ data: [UInt8], file: String) throws -> Header {
        if data.isEmpty {
            throw DataError(file: file, message: "file is empty (expected an IDX header)")
        }
        if data.count < 4 {
            throw DataError(file: file, offset: data.count,
                            message: "file ends after \(data.count) of 4 header bytes")
        }
        if data[0] != 0 || data[1] != 0 {
            let magic = data[0..<4].map { hexByte($0) }.joined()
            let hint = data[0] == 0x1f && data[1] == 0x8b ? " (this is gzip data; read it with IDX.read)" : ""
            throw DataError(file: file, offset: 0,
                            message: "bad magic number 0x\(magic): not an IDX file\(hint)")
        }
        if data[2] != unsignedByteType {
            throw DataError(file: file, offset: 2,
                            message: "unsupported IDX element type 0x\(hexByte(data[2])) (only unsigned bytes, 0x08, are supported)")
        }
        let dimensionCount = Int(data[3])
        if dimensionCount == 0 || dimensionCount > maximumDimensions {
            throw DataError(file: file, offset: 3,
                            message: "unsupported number of dimensions \(dimensionCount) (expected 1...\(maximumDimensions))")
        }
        let dataOffset = 4 + 4 * dimensionCount
        if data.count < dataOffset {
            throw DataError(file: file, offset: data.count,
                            message: "file ends after \(data.count) of \(dataOffset) header bytes")
        }
        var dims: [Int] = []
        // The product of the non-zero sizes must fit too: a zero first dimension must not let
        // [0, 2^32-1, 2^32-1] through, whose rows x columns would overflow later.
        var nonZeroProduct = 1
        var overflowed = false
        for index in 0..<dimensionCount {
            let p = 4 + 4 * index
            let size = Int(data[p]) << 24 | Int(data[p + 1]) << 16 | Int(data[p + 2]) << 8 | Int(data[p + 3])
            dims.append(size)
            if size > 0 {
                let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: size)
                overflowed = overflowed || overflow
                nonZeroProduct = overflow ? 1 : product
            }
        }
        let elementCount = dims.contains(0) ? 0 : nonZeroProduct
        let shape = dims.map(String.init).joined(separator: " x ")
        if overflowed {
            throw DataError(file: file, offset: 4,
                            message: "dimensions \(shape) overflow: not a plausible IDX file")
        }
        let available = data.count - dataOffset
        if available < elementCount {
            throw DataError(file: file, offset: dataOffset,
                            message: "file ends after \(available) of \(elementCount) \(elementNoun(dimensionCount)) bytes")
        }
        if available > elementCount {
            throw DataError(file: file, offset: dataOffset + elementCount,
                            message: "\(available - elementCount) unexpected bytes after the \(shape) data")
        }
        return Header(dims: dims, dataOffset: dataOffset, elementCount: elementCount)
    }

    /// Words the errors the way a student thinks of the files: images hold pixels, labels labels.
    private static func elementNoun(_ dimensionCount: Int) -> String {
        switch dimensionCount {
        case 1: return "label"
        case 3: return "pixel"
        default: return "data"
        }
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
