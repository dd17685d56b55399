import CZlib

/// gzip files through zlib. Reading is transparent: content that starts with the gzip magic
/// (1f 8b) is inflated, anything else is returned as is, so callers accept `.gz` and raw alike.
public enum Gzip {
    /// The file's content, decompressed when it is gzip (detected by magic bytes, not the name).
    /// At most `limit` bytes, read or inflated: a gzip bomb or `/dev/zero` is an error, not an exhausted memory.
    public static func readFile(_ path: String, limit: Int = Int.max) throws -> [UInt8] {
        let bytes = try FileIO.readAll(path, limit: limit)
        return isGzip(bytes) ? try decompress(bytes, file: path, limit: limit) : bytes
    }

    /// Writes `bytes` gzip-compressed; atomic (temporary file, then rename).
    public static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        try writeFile(path, bytes, level: 6)
    }

    /// `level` 1 (fastest) ... 9 (smallest); 6 is gzip's default.
    public static func writeFile(_ path: String, _ bytes: [UInt8], level: Int) throws {
        let compressed = try compress(bytes, level: level, file: path)
        try FileIO.writeAtomically(path, compressed)
    }

    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Inflates one or more concatenated gzip members (as `gunzip` does), into at most `limit` bytes.
    /// Errors carry the compressed-input offset where zlib gave up.
    public static func decompress(_ input: [UInt8], file: String = "<memory>", limit: Int = Int.max) throws -> [UInt8] {
        guard isGzip(input) else {
            throw DataError(file: file, offset: 0, message: "not gzip data (missing magic bytes 1f 8b)")
        }
        // The trailer's ISIZE (uncompressed size mod 2^32) is a good first guess; distrust it beyond a 64:1
        // ratio (real data sets stay far below; deflate allows ~1032:1), so a lying trailer cannot make us
        // allocate 4 GB up front. Output beyond the guess grows by doubling, up to `limit`.
        let count = input.count
        var guess = count >= 18
            ? Int(input[count - 4]) | Int(input[count - 3]) << 8 | Int(input[count - 2]) << 16 | Int(input[count - 1]) << 24
            : 0
        if guess == 0 || guess > count * 64 { guess = count * 4 }
        // A little slack so zlib can finish the trailer without a doubling when the guess is exact.
        let cap = limit < Int.max - 64 ? limit + 64 : Int.max
        var output = [UInt8](repeating: 0, count: min(guess + 64, cap))
        var produced = 0

        var stream = z_stream()
        let initStatus = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DataError(file: file, message: "zlib failed to start (status \(initStatus))")
        }
        defer { inflateEnd(&stream) }

        try input.withUnsafeBufferPointer { source in
            guard let sourceBase = source.baseAddress else { return }
            var consumed = 0
            while true {
                if produced > limit || (produced == output.count && output.count >= cap) {
                    throw DataError(file: file, offset: consumed,
                                    message: "gzip data inflates to more than \(limit) bytes (the limit for this file)")
                }
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: min(output.count, cap - output.count)))
                }
                let inputChunk = min(count - consumed, Int(UInt32.max))
                let outputChunk = min(output.count - produced, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: sourceBase + consumed)
                stream.avail_in = UInt32(inputChunk)
                let status: Int32 = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(outputChunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                consumed += inputChunk - Int(stream.avail_in)
                produced += outputChunk - Int(stream.avail_out)
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another member follows (files made by `cat a.gz b.gz`); trailing padding is ignored.
                    if consumed + 2 <= count && source[consumed] == 0x1f && source[consumed + 1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    return
                case Z_BUF_ERROR where consumed == count:
                    throw DataError(file: file, offset: count,
                                    message: "gzip data ends unexpectedly (the file is truncated)")
                case Z_BUF_ERROR:
                    continue  // only needed more output space
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DataError(file: file, offset: consumed, message: "corrupt gzip data: \(reason)")
                }
            }
        }
        if produced > limit {
            throw DataError(file: file, message: "gzip data inflates to more than \(limit) bytes (the limit for this file)")
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// Deflates into the gzip container (header + deflate + CRC32/ISIZE trailer).
    public static func compress(_ input: [UInt8], level: Int = 6, file: String = "<memory>") throws -> [UInt8] {
        var stream = z_stream()
        let initStatus = deflateInit2_(&stream, Int32(max(1, min(9, level))), Z_DEFLATED, 15 + 16, 8,
                                       Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initStatus == Z_OK else {
            throw DataError(file: file, message: "zlib failed to start (status \(initStatus))")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(input.count / 3, 1024))
        var produced = 0
        try input.withUnsafeBufferPointer { source in
            var consumed = 0
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let inputChunk = min(input.count - consumed, Int(UInt32.max))
                let outputChunk = min(output.count - produced, Int(UInt32.max))
                let isLast = consumed + inputChunk == input.count
                stream.next_in = source.baseAddress.map { UnsafeMutablePointer(mutating: $0 + consumed) }
                stream.avail_in = UInt32(inputChunk)
                let status: Int32 = output.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(outputChunk)
                    return deflate(&stream, isLast ? Z_FINISH : Z_NO_FLUSH)
                }
                consumed += inputChunk - Int(stream.avail_in)
                produced += outputChunk - Int(stream.avail_out)
                if status == Z_STREAM_END { return }
                if status != Z_OK && status != Z_BUF_ERROR {
                    throw DataError(file: file, message: "gzip compression failed (zlib status \(status))")
                }
            }
        }
        output.removeLast(output.count - produced)
        return output
    }
}
