import Foundation
import XCTest
@testable import Datasets

/// A fresh directory per test, removed afterwards.
class TemporaryDirectoryTestCase: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("nnlab-datasets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func path(_ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = path(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    @discardableResult
    func write(_ name: String, text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// Asserts that `body` throws a `DataError` whose description is exactly `expected`.
    func assertDataError<T>(_ expected: String, file: StaticString = #filePath, line: UInt = #line,
                            _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected the error: \(expected)", file: file, line: line)
        } catch let error as DataError {
            XCTAssertEqual(error.description, expected, file: file, line: line)
        } catch {
            XCTFail("unexpected error type: \(error)", file: file, line: line)
        }
    }
}

/// Big-endian IDX header bytes, for hand-made (possibly broken) files.
func idxHeader(_ dims: [UInt32], type: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(dims.count)]
    for size in dims {
        bytes += [UInt8(size >> 24), UInt8((size >> 16) & 0xff), UInt8((size >> 8) & 0xff), UInt8(size & 0xff)]
    }
    return bytes
}
