import CCrypto

// The project's one SHA-256 (data checksums) and HMAC-SHA256 (Jupyter message signatures), both OpenSSL's:
// a digest is easy to get subtly wrong and this is a library that many eyes keep.

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// The 32-byte digest.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var size: UInt32 = 0
        let ok = bytes.withUnsafeBytes { raw in
            // An empty message still needs a pointer; OpenSSL reads none of it.
            EVP_Digest(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), raw.count, &out, &size, EVP_sha256(), nil)
        }
        // EVP_Digest fails only when libcrypto cannot allocate; an empty digest then matches no checksum.
        return ok == 1 ? Array(out.prefix(Int(size))) : []
    }

    /// Lower-case hex digest of `bytes`.
    public static func hex(_ bytes: [UInt8]) -> String { Hex.encode(digest(bytes)) }
}

/// HMAC with SHA-256 (RFC 2104), as the Jupyter messaging protocol signs messages.
public enum HMACSHA256 {
    /// The 32-byte authentication code of the concatenated `parts` under `key`.
    public static func code(key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { message.append(contentsOf: part) }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var size: UInt32 = 0
        let dummy: UInt8 = 0
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                withUnsafePointer(to: dummy) { nonEmpty in
                    HMAC(EVP_sha256(), k.baseAddress ?? UnsafeRawPointer(nonEmpty), Int32(k.count),
                         m.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? nonEmpty, m.count, &out, &size)
                }
            }
        }
        return result == nil ? [] : Array(out.prefix(Int(size)))
    }

    /// Whether `signature` (hex, as it travels) is the code of `parts` under `key`. The comparison takes the
    /// same time wherever the first differing byte is (CRYPTO_memcmp), so timing reveals nothing of the code.
    public static func isValid(hexSignature signature: [UInt8], key: [UInt8], parts: [[UInt8]]) -> Bool {
        let expected = Array(Hex.encode(code(key: key, parts: parts)).utf8)
        guard !expected.isEmpty, signature.count == expected.count else { return false }
        return signature.withUnsafeBytes { a in
            expected.withUnsafeBytes { b in
                guard let pa = a.baseAddress, let pb = b.baseAddress else { return false }
                return CRYPTO_memcmp(pa, pb, a.count) == 0
            }
        }
    }
}

public enum Hex {
    /// Lower-case hex digits, two per byte.
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
