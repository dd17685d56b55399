import XCTest
@testable import NeuralNet
import TensorCore

final class KNearestNeighboursTests: XCTestCase {
    /// Sparse "images": bytes, mostly 0, a few classes with their own typical ink.
    func images(_ n: Int, width: Int, seed: UInt64) -> (bytes: [UInt8], labels: [Int32]) {
        var rng = SeededRandom(seed: seed)
        var bytes = [UInt8](repeating: 0, count: n * width)
        var labels = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let c = Int(rng.uniform(0, 4))
            labels[i] = Int32(c)
            for k in 0..<width where (k % 4 == c && rng.uniform() < 0.7) || rng.uniform() < 0.05 {
                bytes[i * width + k] = UInt8(rng.uniform(1, 255))
            }
        }
        return (bytes, labels)
    }

    /// Brute force in Double: the k nearest by exact distance (earlier index first on ties), majority vote,
    /// ties to the smallest label.
    func reference(_ train: [UInt8], _ labels: [Int32], _ queries: [UInt8], width: Int, k: Int, l1: Bool) -> [Int32] {
        let n = train.count / width
        return (0..<(queries.count / width)).map { q in
            let d: [(Double, Int)] = (0..<n).map { t in
                var s = 0.0
                for p in 0..<width {
                    let diff = Double(queries[q * width + p]) - Double(train[t * width + p])
                    s += l1 ? abs(diff) : diff * diff
                }
                return (s, t)
            }
            let nearest = d.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }.prefix(k)
            var votes = [Int](repeating: 0, count: 4)
            for (_, t) in nearest { votes[Int(labels[t])] += 1 }
            return Int32(votes.firstIndex(of: votes.max()!)!)
        }
    }

    func testBytePathAndFloatPathAgreeWithBruteForce() {
        let width = 40
        let (train, labels) = images(400, width: width, seed: 1)
        let (queries, _) = images(300, width: width, seed: 2)  // more than one chunk of 256 queries
        for k in [1, 3] {
            let expected = reference(train, labels, queries, width: width, k: k, l1: false)
            // Bytes as loaded, and normalised like MNIST (the same map on both sides): the sparse path.
            for (scale, shift): (Float, Float) in [(1, 0), (1 / (255 * 0.3081), -0.1307 / 0.3081)] {
                let trainMatrix = FeatureMatrix(bytes: train, width: width).affine(scale: scale, shift: shift)
                let queryMatrix = FeatureMatrix(bytes: queries, width: width).affine(scale: scale, shift: shift)
                let knn = KNearestNeighbours(k: k, distance: .l2, train: Samples(matrix: trainMatrix, labels: labels), classCount: 4)
                var done: [Int] = []
                XCTAssertEqual(knn.predict(queryMatrix, progress: { done.append($0) }), expected, "k=\(k) scale \(scale)")
                // Rising totals ending at 300 (with the helper thread, it may take a chunk: one report).
                XCTAssertEqual(done.last, 300)
                XCTAssertEqual(done, done.sorted())
                XCTAssertTrue(done == [256, 300] || done == [44, 300] || done == [300], "\(done)")
            }
            // Floats: the BLAS path.
            let floats = KNearestNeighbours(k: k, distance: .l2,
                                            train: Samples(features: train.map(Float.init), labels: labels, width: width), classCount: 4)
            XCTAssertEqual(floats.predict(queries.map(Float.init), count: 300), expected, "k=\(k) floats")
        }
        let l1 = KNearestNeighbours(k: 3, distance: .l1, train: Samples(matrix: FeatureMatrix(bytes: train, width: width), labels: labels), classCount: 4)
        XCTAssertEqual(l1.predict(FeatureMatrix(bytes: queries, width: width)),
                       reference(train, labels, queries, width: width, k: 3, l1: true), "L1 reads the bytes as floats")
        // A stop request seen at the first poll: no labels. (Stopping at the second poll is a race with the
        // helper thread, which may have taken the last chunk by then.)
        var calls = 0
        XCTAssertNil(KNearestNeighbours(k: 1, distance: .l2, train: Samples(matrix: FeatureMatrix(bytes: train, width: width), labels: labels), classCount: 4)
            .predict(FeatureMatrix(bytes: queries, width: width), shouldStop: { calls += 1; return true }), "stops between chunks")
        XCTAssertEqual(calls, 1)
    }
}
