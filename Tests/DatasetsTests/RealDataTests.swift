import Foundation
import XCTest
@testable import Datasets

/// Checks against the real sets when they are already in the default data directory
/// (`$NNLAB_DATA` or ~/.cache/nnlab); skipped otherwise. Never downloads.
final class RealDataTests: XCTestCase {
    func loadCached(_ set: ImageSet) throws -> (LoadedImageSet, TimeInterval) {
        let directory = (ImageSetLoader.defaultDataDirectory as NSString).appendingPathComponent(set.rawValue)
        guard ImageSetLoader.locateIDXFiles(set, in: directory).count == 4 else {
            throw XCTSkip("\(set.displayName) is not cached in \(directory)")
        }
        let start = Date()
        let loaded = try ImageSetLoader.load(set, dataDirectory: nil, allowDownload: false)
        return (loaded, Date().timeIntervalSince(start))
    }

    func testRealMNIST() throws {
        let (mnist, seconds) = try loadCached(.mnist)
        print("MNIST loaded from \(mnist.source) in \(String(format: "%.3f", seconds)) s")
        XCTAssertEqual(mnist.train.count, 60000)
        XCTAssertEqual(mnist.test.count, 10000)
        XCTAssertEqual(mnist.train.featureCount, 784)
        XCTAssertEqual(mnist.train.classCounts(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
        XCTAssertEqual(mnist.test.classCounts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        XCTAssertEqual(Array(mnist.test.labels.prefix(5)), [7, 2, 1, 0, 4])
        XCTAssertEqual(mnist.files.map(\.sha256), ImageSet.mnist.files.map(\.contentSHA256))
        XCTAssertEqual(mnist.train.features.max(), 255)
    }

    func testRealFashionMNIST() throws {
        let (fashion, seconds) = try loadCached(.fashionMNIST)
        print("Fashion-MNIST loaded from \(fashion.source) in \(String(format: "%.3f", seconds)) s")
        XCTAssertEqual(fashion.train.classCounts(), [Int](repeating: 6000, count: 10))
        XCTAssertEqual(fashion.test.classCounts(), [Int](repeating: 1000, count: 10))
        XCTAssertEqual(Array(fashion.test.labels.prefix(5)), [9, 2, 1, 1, 6])
        XCTAssertEqual(fashion.files.map(\.sha256), ImageSet.fashionMNIST.files.map(\.contentSHA256))
    }
}
