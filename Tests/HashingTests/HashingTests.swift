import XCTest
import Hashing

/// The library's SHA-256 and HMAC-SHA256 against published vectors (FIPS 180-4 examples, RFC 4231).
final class HashingTests: XCTestCase {
    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testHMACRFC4231() {
        // Test case 1: key 0x0b x 20, "Hi There".
        let code1 = HMACSHA256.code(key: [UInt8](repeating: 0x0b, count: 20), parts: [Array("Hi There".utf8)])
        XCTAssertEqual(Hex.encode(code1), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 2, the message split in parts as Jupyter signs its four frames.
        let key = Array("Jefe".utf8)
        let parts = ["what do ya want ", "for nothing?"].map { Array($0.utf8) }
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        XCTAssertEqual(Hex.encode(HMACSHA256.code(key: key, parts: parts)), expected)
        // Test case 6: a key longer than the block (131 bytes) is hashed first.
        let longKey = [UInt8](repeating: 0xaa, count: 131)
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        XCTAssertEqual(Hex.encode(HMACSHA256.code(key: longKey, parts: [message])),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testSignatureCheck() {
        let key = Array("secret".utf8)
        let parts = [Array("{}".utf8), Array("{\"a\":1}".utf8)]
        let good = Array(Hex.encode(HMACSHA256.code(key: key, parts: parts)).utf8)
        XCTAssertTrue(HMACSHA256.isValid(hexSignature: good, key: key, parts: parts))
        var flipped = good
        flipped[flipped.count - 1] = flipped.last == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        XCTAssertFalse(HMACSHA256.isValid(hexSignature: flipped, key: key, parts: parts))
        XCTAssertFalse(HMACSHA256.isValid(hexSignature: Array(good.dropLast()), key: key, parts: parts))
        XCTAssertFalse(HMACSHA256.isValid(hexSignature: [], key: key, parts: parts))
        XCTAssertFalse(HMACSHA256.isValid(hexSignature: good, key: Array("other".utf8), parts: parts))
        // Upper-case hex is a different string: Jupyter signs and compares lower-case hex.
        XCTAssertFalse(HMACSHA256.isValid(hexSignature: Array(String(decoding: good, as: UTF8.self).uppercased().utf8),
                                          key: key, parts: parts))
    }
}
