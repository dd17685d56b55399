import XCTest
@testable import Datasets

final class ToyDataTests: XCTestCase {
    func testShapesAndBothClasses() {
        for kind in ToySet.allCases {
            let data = ToyData.make(kind, count: 200, noise: 0.1, seed: 7)
            XCTAssertEqual(data.name, "toy/\(kind.rawValue)")
            XCTAssertEqual(data.count, 200, "\(kind)")
            XCTAssertEqual(data.featureCount, 2)
            XCTAssertEqual(data.features.count, 400)
            XCTAssertEqual(data.labels.count, 200)
            XCTAssertNil(data.imageShape)
            XCTAssertEqual(data.classNames, ["0", "1"])
            let counts = data.classCounts()
            XCTAssertGreaterThan(counts[0], 20, "\(kind)")
            XCTAssertGreaterThan(counts[1], 20, "\(kind)")
            XCTAssertTrue(data.features.allSatisfy { $0 >= -6 && $0 <= 6 }, "\(kind)")
        }
    }

    func testDeterministicForSeed() {
        for kind in ToySet.allCases {
            let first = ToyData.make(kind, count: 100, noise: 0.2, seed: 42)
            let again = ToyData.make(kind, count: 100, noise: 0.2, seed: 42)
            let other = ToyData.make(kind, count: 100, noise: 0.2, seed: 43)
            XCTAssertEqual(first.features, again.features, "\(kind)")
            XCTAssertEqual(first.labels, again.labels, "\(kind)")
            XCTAssertNotEqual(first.features, other.features, "\(kind)")
        }
    }

    func testBalancedWhereThePlaygroundIs() {
        for kind in [ToySet.spiral, .gauss] {
            XCTAssertEqual(ToyData.make(kind, count: 101, noise: 0.3, seed: 1).classCounts(), [50, 51], "\(kind)")
        }
        XCTAssertEqual(ToyData.make(.circle, count: 100, noise: 0, seed: 1).classCounts(), [50, 50])
    }

    func testNoiselessRules() {
        let xor = ToyData.make(.xor, count: 300, noise: 0, seed: 3)
        for i in 0..<xor.count {
            let x = xor.features[2 * i], y = xor.features[2 * i + 1]
            XCTAssertEqual(xor.labels[i], x * y >= 0 ? 1 : 0)
            XCTAssertGreaterThanOrEqual(abs(x), 0.3)  // the Playground's padding around the axes
        }
        let circle = ToyData.make(.circle, count: 300, noise: 0, seed: 3)
        for i in 0..<circle.count {
            let radius = (circle.features[2 * i] * circle.features[2 * i] + circle.features[2 * i + 1] * circle.features[2 * i + 1]).squareRoot()
            XCTAssertEqual(circle.labels[i], radius < 2.5 ? 1 : 0)
        }
        let spiral = ToyData.make(.spiral, count: 300, noise: 0, seed: 3)
        for i in 0..<spiral.count {
            let radius = (spiral.features[2 * i] * spiral.features[2 * i] + spiral.features[2 * i + 1] * spiral.features[2 * i + 1]).squareRoot()
            XCTAssertLessThanOrEqual(radius, 5.0001)
        }
    }

    func testGaussCentres() {
        let data = ToyData.make(.gauss, count: 2000, noise: 0, seed: 5)
        var sums: [Float] = [0, 0]
        for i in 0..<data.count where data.labels[i] == 1 { sums[0] += data.features[2 * i]; sums[1] += data.features[2 * i + 1] }
        let positives = Float(data.classCounts()[1])
        XCTAssertEqual(sums[0] / positives, 2, accuracy: 0.15)
        XCTAssertEqual(sums[1] / positives, 2, accuracy: 0.15)
    }

    func testTinyCounts() {
        XCTAssertEqual(ToyData.make(.spiral, count: 0, noise: 0, seed: 0).count, 2)
        XCTAssertEqual(ToyData.make(.gauss, count: 1, noise: 0, seed: 0).classCounts(), [1, 1])
    }
}
